//! The store's behaviour suite. Every behaviour is an `async fn(Db)` written once; the `suite!`
//! macro runs each against a SQLite file (module `sqlite`, in `make test-rust`) and against a
//! real PostgreSQL server (module `postgres`, ignored unless `make test-postgres` runs it with
//! `scripts/with-postgres.sh`).

mod backoffs;
mod concurrency;
mod dfns;
mod email_codes;
mod login_codes;
mod maintenance;
mod provisioning;
mod rate_limits;
mod recoveries;
mod sessions;
mod users;

/// Runs every listed behaviour on both backends.
macro_rules! suite {
    ($($area:ident: [$($behaviour:ident),* $(,)?]),* $(,)?) => {
        mod sqlite {
            $(mod $area {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $behaviour() {
                        crate::store::$area::$behaviour(crate::support::Db::sqlite()).await;
                    }
                )*
            })*
        }
        mod postgres {
            $(mod $area {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    #[ignore = "needs PostgreSQL: make test-postgres runs it"]
                    async fn $behaviour() {
                        crate::store::$area::$behaviour(crate::support::Db::postgres().await).await;
                    }
                )*
            })*
        }
    };
}

suite! {
    users: [
        a_new_account_is_found_by_id_and_by_email_in_any_case,
        an_email_has_one_account_whatever_its_case,
        credentials_carry_the_stored_password_hash_until_it_is_replaced,
        a_sign_in_is_recorded_on_the_account,
        an_unknown_user_is_not_found,
    ],
    login_codes: [
        a_code_with_its_verifier_and_redirect_uri_opens_an_app_session,
        a_code_redeemed_twice_revokes_the_session_it_made,
        a_code_is_refused_from_its_sixtieth_second,
        a_wrong_verifier_is_refused_and_uses_the_code_up,
        another_redirect_uri_is_refused_and_uses_the_code_up,
        an_unknown_code_is_refused,
        a_code_for_an_unknown_user_is_not_issued,
        the_database_holds_only_hashes_of_codes_and_tokens,
        a_recovery_code_opens_a_session_whose_purpose_is_recovery,
    ],
    sessions: [
        a_token_opens_its_session_and_only_as_its_kind,
        using_a_session_slides_its_expiry_up_to_its_absolute_end,
        an_idle_session_expires,
        a_revoked_session_is_refused,
        revoking_all_sessions_of_a_user_leaves_other_users_signed_in,
        a_session_can_be_looked_up_by_id_without_sliding,
    ],
    dfns: [
        a_started_registration_is_visible_only_to_its_session_until_it_expires,
        a_user_who_abandoned_registration_can_start_again,
        completing_registration_stores_the_mapping_and_forgets_the_temporary_token,
        a_registered_user_cannot_register_again,
        one_dfns_user_cannot_belong_to_two_company_users,
    ],
    email_codes: [
        the_right_code_is_accepted_once_with_its_authorize_request,
        wrong_codes_sent_at_once_get_five_checks_between_them,
        a_code_is_refused_from_its_tenth_minute_and_unknown_tickets_are_told_apart,
        the_database_holds_neither_the_ticket_nor_the_code,
    ],
    recoveries: [
        a_session_starts_one_recovery_however_often_it_asks,
        completing_a_recovery_records_the_new_kit_and_signs_out_every_other_session,
    ],
    provisioning: [
        provisioning_twice_with_one_external_id_keeps_one_record,
        a_wallet_id_is_recorded_once,
        an_external_id_of_another_user_or_network_is_a_conflict,
        a_users_provisioning_records_list_oldest_first,
    ],
    backoffs: [
        free_attempts_then_each_waits_twice_as_long_as_the_last_up_to_the_cap,
        clearing_forgets_the_failures,
        failures_are_forgotten_once_the_last_wait_is_long_over,
        each_bucket_waits_on_its_own,
        nonsense_backoffs_are_refused,
    ],
    rate_limits: [
        hits_beyond_the_limit_are_refused_until_the_window_slides,
        buckets_count_separately_and_a_reset_forgets,
        nonsense_limits_are_refused,
    ],
    maintenance: [
        purging_deletes_only_what_no_operation_would_accept,
    ],
    concurrency: [
        the_same_code_redeemed_by_8_concurrent_tasks_succeeds_exactly_once,
        two_instances_see_each_others_sessions_and_revocations,
        two_instances_share_rate_limit_counts,
        concurrent_attempts_on_two_instances_let_exactly_the_free_ones_through,
        concurrent_provisioning_on_two_instances_keeps_one_record,
        a_repeated_random_value_is_a_conflict_never_a_shared_session,
        reconnecting_keeps_every_record_and_migrates_once,
    ],
}
