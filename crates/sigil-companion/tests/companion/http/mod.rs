//! The server through `router()` with `oneshot`, against a real dfns-emulator on loopback. The
//! journeys run on a SQLite file (`make test-rust`) and on PostgreSQL (`make test-postgres`);
//! the rejections on SQLite; the login pages also in headless Chromium (`make test-browser`).

mod api_edges;
mod binary;
mod bodies;
mod browser;
mod harness;
mod instances;
mod journey;
mod limits;
mod recovery;
mod rejections;
mod updates;

/// Runs every listed behaviour on both backends, each with its own emulator and database.
macro_rules! suite {
    ($($area:ident: [$($behaviour:ident),* $(,)?]),* $(,)?) => {
        mod sqlite {
            $(mod $area {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $behaviour() {
                        crate::http::$area::$behaviour(crate::support::Db::sqlite()).await;
                    }
                )*
            })*
        }
        mod postgres {
            $(mod $area {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    #[ignore = "needs PostgreSQL: `make test-postgres` runs it"]
                    async fn $behaviour() {
                        crate::http::$area::$behaviour(crate::support::Db::postgres().await).await;
                    }
                )*
            })*
        }
    };
}

suite! {
    journey: [
        a_new_user_signs_in_from_the_app_registers_a_passkey_and_reads_their_wallets_at_dfns,
        completing_registration_again_provisions_nothing_twice,
        an_abandoned_registration_starts_again_and_the_old_challenge_is_refused,
        a_registration_dfns_completed_without_the_companion_recording_it_is_adopted,
        one_more_wallet_with_the_same_request_id_is_made_once,
        signing_out_of_the_app_ends_its_session_only,
    ],
    recovery: [
        a_person_who_lost_their_computer_recovers_with_the_kit_and_a_new_passkey,
        a_session_from_a_sign_in_cannot_start_a_recovery,
        five_wrong_email_codes_void_the_code,
        the_website_emails_at_most_three_codes_an_hour_to_one_account,
        a_replayed_recovery_link_is_refused_and_signs_out_its_session,
        a_recovery_for_one_account_never_recovers_another,
        an_account_opens_few_recoveries_a_day,
        a_kit_made_after_registration_is_recorded_once_dfns_shows_it,
        completing_a_recovery_that_was_not_started_or_expired_is_refused,
    ],
    instances: [
        two_companions_on_one_database_behave_as_one,
        rate_limits_count_the_hits_of_every_instance,
    ],
}
