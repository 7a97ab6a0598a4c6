//! The operation journal on real SQLite files: what it records, how operations move, and that it
//! refuses (never rebuilds) a file it cannot trust.

use std::sync::Arc;

use sigil_store::{Journal, JournalError, NewOperation, Operation, OperationState};

use crate::fixtures::*;

fn transfer_op<'a>(owner: &'a str, external_id: Option<&'a str>) -> NewOperation<'a> {
    NewOperation {
        kind: "transfer",
        owner,
        external_id,
        method: "POST",
        path: "/wallets/wa-1/transfers",
        body: r#"{"kind":"Native","to":"0xb","amount":"1","externalId":"x-1"}"#,
        intent: r#"{"summary":"Send 1 wei to 0xb"}"#,
        warnings: "[]",
    }
}

async fn journal_file(dir: &tempfile::TempDir) -> (Journal, std::path::PathBuf) {
    let path = dir.path().join("journal.sqlite3");
    (Journal::open(&path).await.expect("journal"), path)
}

fn code<T: std::fmt::Debug>(result: Result<T, JournalError>) -> &'static str {
    result.expect_err("an error").code().as_str()
}

mod recording {
    use super::*;

    #[tokio::test]
    async fn a_recorded_operation_starts_prepared_with_the_fields_given() {
        let journal = Journal::in_memory().await.expect("journal");
        let new = transfer_op("us-1", Some("x-1"));
        let op = journal.record(&new, 1_000).await.expect("record");

        assert!(op.id.starts_with("op-"), "{}", op.id);
        assert_eq!(
            (op.kind.as_str(), op.owner.as_str(), op.external_id.as_deref()),
            ("transfer", "us-1", Some("x-1"))
        );
        assert_eq!((op.method.as_str(), op.path.as_str()), ("POST", "/wallets/wa-1/transfers"));
        assert_eq!((op.body.as_str(), op.intent.as_str()), (new.body, new.intent));
        assert_eq!((op.state, op.result.as_deref()), (OperationState::Prepared, None));
        assert_eq!((op.created_at_ms, op.updated_at_ms), (1_000, 1_000));
        assert_eq!(journal.get(&op.id).await.expect("get"), Some(op.clone()));
        assert_eq!(journal.by_external_id("us-1", "x-1").await.expect("by id"), Some(op));
        assert_eq!(journal.get("op-unknown").await.expect("get"), None);
        assert_eq!(journal.by_external_id("us-2", "x-1").await.expect("by id"), None);
    }

    #[tokio::test]
    async fn the_body_is_kept_byte_for_byte() {
        let journal = Journal::in_memory().await.expect("journal");
        let body = "{ \"memo\" : \"caf\u{e9} \u{1f680}\\u00e9\\n\",\t\"amount\":\"01\" }\r\n";
        let op = journal
            .record(&NewOperation { body, ..transfer_op("us-1", None) }, 1)
            .await
            .expect("record");
        let stored = journal.get(&op.id).await.expect("get").expect("present");
        assert_eq!(stored.body.as_bytes(), body.as_bytes());
    }

    #[tokio::test]
    async fn a_second_operation_with_the_same_external_id_is_refused() {
        let journal = Journal::in_memory().await.expect("journal");
        let first = journal.record(&transfer_op("us-1", Some("x-1")), 1).await.expect("first");

        let err = journal.record(&transfer_op("us-1", Some("x-1")), 2).await.expect_err("again");
        assert_eq!(err.code(), "JOURNAL_DUPLICATE");
        assert!(
            matches!(&err, JournalError::Duplicate { external_id, existing }
                if external_id == "x-1" && *existing == first.id),
            "{err:?}"
        );
        assert_eq!(journal.recent("us-1", 10).await.expect("recent"), [first]);

        // Another owner may use the same id; operations without one never collide.
        journal.record(&transfer_op("us-2", Some("x-1")), 3).await.expect("other owner");
        journal.record(&transfer_op("us-1", None), 4).await.expect("no external id");
        journal.record(&transfer_op("us-1", None), 5).await.expect("no external id again");
    }

    #[tokio::test]
    async fn the_journal_survives_reopening() {
        let dir = temp_dir();
        let (journal, path) = journal_file(&dir).await;
        let op = journal.record(&transfer_op("us-1", Some("x-1")), 1).await.expect("record");
        let op = journal.advance(&op.id, OperationState::Sent, None, 2).await.expect("sent");
        journal.close().await;

        let journal = Journal::open(&path).await.expect("reopen");
        assert_eq!(journal.get(&op.id).await.expect("get"), Some(op.clone()));
        assert_eq!(
            journal.unfinished("us-1").await.expect("unfinished"),
            std::slice::from_ref(&op)
        );
        let done = journal
            .advance(&op.id, OperationState::Done, Some(r#"{"id":"xfr-1"}"#), 3)
            .await
            .expect("done after reopening");
        assert_eq!(done.state, OperationState::Done);
    }

    #[tokio::test]
    async fn the_journal_file_is_in_wal_mode() {
        let dir = temp_dir();
        let (journal, path) = journal_file(&dir).await;
        journal.close().await;
        assert_eq!(read_sql(&path, "PRAGMA journal_mode").await, "wal");
    }
}

mod advancing {
    use super::*;

    use OperationState::*;

    #[tokio::test]
    async fn an_operation_moves_forward_through_every_state() {
        let journal = Journal::in_memory().await.expect("journal");
        let op = journal.record(&transfer_op("us-1", Some("x-1")), 1).await.expect("record");
        let mut now = 1;
        for state in [Initiated, Signed, Sent] {
            now += 1;
            let moved = journal.advance(&op.id, state, None, now).await.expect("advance");
            assert_eq!((moved.state, moved.updated_at_ms, moved.created_at_ms), (state, now, 1));
        }
        let done = journal
            .advance(&op.id, Done, Some(r#"{"id":"xfr-1","status":"Broadcasted"}"#), 9)
            .await
            .expect("done");
        assert_eq!(done.result.as_deref(), Some(r#"{"id":"xfr-1","status":"Broadcasted"}"#));
        assert_eq!(journal.get(&op.id).await.expect("get"), Some(done));
    }

    #[tokio::test]
    async fn steps_may_be_skipped_but_never_undone() {
        let journal = Journal::in_memory().await.expect("journal");
        let op = journal.record(&transfer_op("us-1", None), 1).await.expect("record");
        journal.advance(&op.id, Sent, None, 2).await.expect("straight to sent");
        for back in [Prepared, Initiated, Signed, Sent] {
            let err = journal.advance(&op.id, back, None, 3).await.expect_err("backwards");
            assert!(
                matches!(err, JournalError::InvalidTransition { from: Sent, to, .. } if to == back),
                "{err:?}"
            );
        }
        assert_eq!(journal.get(&op.id).await.expect("get").map(|op| op.state), Some(Sent));
    }

    #[tokio::test]
    async fn a_finished_operation_never_moves_again() {
        let journal = Journal::in_memory().await.expect("journal");
        for last in [Done, Failed, Abandoned] {
            let op = journal.record(&transfer_op("us-1", None), 1).await.expect("record");
            journal.advance(&op.id, last, Some("{}"), 2).await.expect("finish");
            for next in OperationState::ALL {
                assert_eq!(
                    code(journal.advance(&op.id, next, None, 3).await),
                    "JOURNAL_INVALID_TRANSITION",
                    "{last} to {next}"
                );
            }
        }
    }

    #[tokio::test]
    async fn any_unfinished_operation_may_fail_or_be_abandoned() {
        let journal = Journal::in_memory().await.expect("journal");
        for from in [Prepared, Initiated, Signed, Sent] {
            for end in [Failed, Abandoned] {
                let op = journal.record(&transfer_op("us-1", None), 1).await.expect("record");
                if from != Prepared {
                    journal.advance(&op.id, from, None, 2).await.expect("move");
                }
                let ended = journal.advance(&op.id, end, None, 3).await.expect("end");
                assert_eq!(ended.state, end, "{from} to {end}");
            }
        }
    }

    #[tokio::test]
    async fn advancing_without_a_result_keeps_the_stored_one() {
        let journal = Journal::in_memory().await.expect("journal");
        let op = journal.record(&transfer_op("us-1", None), 1).await.expect("record");
        let signed = journal
            .advance(&op.id, Signed, Some(r#"{"challenge":"c-1"}"#), 2)
            .await
            .expect("signed");
        let sent = journal.advance(&op.id, Sent, None, 3).await.expect("sent");
        assert_eq!(sent.result, signed.result);
        assert_eq!(journal.get(&op.id).await.expect("get").and_then(|op| op.result), signed.result);
    }

    #[tokio::test]
    async fn operations_of_one_kind_are_listed_from_a_time_on_whatever_their_number() {
        let journal = Journal::in_memory().await.expect("journal");
        // More than any "newest N" window would hold: the count is by time, not by rows.
        for at in 0..250 {
            journal.record(&transfer_op("us-1", None), at).await.expect("record");
        }
        let signature = NewOperation { kind: "signature", ..transfer_op("us-1", None) };
        journal.record(&signature, 240).await.expect("record");
        journal.record(&transfer_op("us-2", None), 240).await.expect("record");
        let since = journal.of_kind_since("us-1", "transfer", 10).await.expect("list");
        assert_eq!(since.len(), 240);
        assert!(since.iter().all(|op| op.kind == "transfer" && op.owner == "us-1"));
        assert_eq!(since.first().map(|op| op.created_at_ms), Some(10), "oldest first");
    }

    #[tokio::test]
    async fn the_warnings_shown_with_an_operation_are_kept_with_it() {
        let journal = Journal::in_memory().await.expect("journal");
        let warnings = r#"[{"code":"FIRST_SEND_TO_ADDRESS"}]"#;
        let new = NewOperation { warnings, ..transfer_op("us-1", None) };
        let op = journal.record(&new, 1).await.expect("record");
        assert_eq!(
            journal.get(&op.id).await.expect("get").map(|op| op.warnings).as_deref(),
            Some(warnings)
        );
        let not_json = NewOperation { warnings: "first send", ..transfer_op("us-1", None) };
        assert_eq!(code(journal.record(&not_json, 1).await), "JOURNAL_INVALID_OPERATION");
    }

    #[tokio::test]
    async fn an_unknown_operation_cannot_advance() {
        let journal = Journal::in_memory().await.expect("journal");
        assert_eq!(code(journal.advance("op-missing", Done, None, 1).await), "JOURNAL_NOT_FOUND");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_tasks_finishing_one_operation_leave_exactly_one_winner() {
        let dir = temp_dir();
        let (journal, _path) = journal_file(&dir).await;
        for round in 0..20 {
            let op = journal.record(&transfer_op("us-1", None), round).await.expect("record");
            journal.advance(&op.id, Sent, None, round).await.expect("sent");
            let start = Arc::new(tokio::sync::Barrier::new(2));
            let race = |to: OperationState, result: &'static str| {
                let (journal, start, id) = (journal.clone(), Arc::clone(&start), op.id.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    journal.advance(&id, to, Some(result), round + 1).await
                })
            };
            let done = race(Done, r#"{"outcome":"done"}"#);
            let failed = race(Failed, r#"{"outcome":"failed"}"#);
            let done = done.await.expect("task");
            let failed = failed.await.expect("task");

            let winner: Operation = match (done, failed) {
                (Ok(winner), Err(loser)) | (Err(loser), Ok(winner)) => {
                    assert_eq!(loser.code(), "JOURNAL_INVALID_TRANSITION", "{loser}");
                    winner
                }
                (done, failed) => panic!("exactly one must win: {done:?} / {failed:?}"),
            };
            let stored = journal.get(&op.id).await.expect("get").expect("present");
            assert_eq!(stored, winner, "the stored state and result are the winner's");
            let expected_result = format!(r#"{{"outcome":"{}"}}"#, winner.state);
            assert_eq!(stored.result.as_deref(), Some(expected_result.as_str()));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tasks_racing_up_the_states_end_on_the_furthest_one() {
        let dir = temp_dir();
        let (journal, _path) = journal_file(&dir).await;
        let op = journal.record(&transfer_op("us-1", None), 1).await.expect("record");
        let start = Arc::new(tokio::sync::Barrier::new(4));
        let tasks: Vec<_> = [Initiated, Signed, Sent, Initiated]
            .into_iter()
            .map(|to| {
                let (journal, start, id) = (journal.clone(), Arc::clone(&start), op.id.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    journal.advance(&id, to, None, 2).await.map(|op| op.state)
                })
            })
            .collect();
        let mut reached = Vec::new();
        for task in tasks {
            match task.await.expect("task") {
                Ok(state) => reached.push(state),
                Err(err) => assert_eq!(err.code(), "JOURNAL_INVALID_TRANSITION", "{err}"),
            }
        }
        // Whatever the interleaving, Sent can always be reached, and nothing goes back from it.
        assert!(reached.contains(&Sent), "{reached:?}");
        let stored = journal.get(&op.id).await.expect("get").expect("present");
        assert_eq!(stored.state, Sent);
    }
}

mod listing {
    use super::*;

    use OperationState::*;

    #[tokio::test]
    async fn unfinished_lists_the_open_operations_of_one_owner_oldest_first() {
        let journal = Journal::in_memory().await.expect("journal");
        let a = journal.record(&transfer_op("us-1", None), 30).await.expect("a");
        let b = journal.record(&transfer_op("us-1", None), 10).await.expect("b");
        let c = journal.record(&transfer_op("us-1", None), 10).await.expect("c");
        let d = journal.record(&transfer_op("us-1", None), 20).await.expect("d");
        journal.record(&transfer_op("us-2", None), 5).await.expect("another owner's");
        let b = journal.advance(&b.id, Sent, None, 40).await.expect("sent");
        journal.advance(&d.id, Done, Some("{}"), 40).await.expect("done");

        let ids: Vec<String> = journal
            .unfinished("us-1")
            .await
            .expect("unfinished")
            .into_iter()
            .map(|op| op.id)
            .collect();
        assert_eq!(ids, [b.id, c.id, a.id], "by creation time, then by recording order");
        assert_eq!(journal.unfinished("us-3").await.expect("unfinished"), []);
    }

    #[tokio::test]
    async fn recent_lists_operations_newest_first_within_the_limit() {
        let journal = Journal::in_memory().await.expect("journal");
        let mut recorded = Vec::new();
        for now in [10, 30, 20, 30] {
            recorded
                .push(journal.record(&transfer_op("us-1", None), now).await.expect("record").id);
        }
        journal.record(&transfer_op("us-2", None), 99).await.expect("another owner's");

        let ids =
            |ops: Vec<Operation>| -> Vec<String> { ops.into_iter().map(|op| op.id).collect() };
        assert_eq!(
            ids(journal.recent("us-1", 10).await.expect("recent")),
            [&recorded[3], &recorded[1], &recorded[2], &recorded[0]].map(String::clone)
        );
        assert_eq!(
            ids(journal.recent("us-1", 2).await.expect("recent")),
            [&recorded[3], &recorded[1]].map(String::clone)
        );
        assert_eq!(journal.recent("us-1", 0).await.expect("recent"), []);
    }
}

mod refusing {
    use super::*;

    #[tokio::test]
    async fn a_journal_file_that_is_not_sqlite_is_an_error_and_left_untouched() {
        let dir = temp_dir();
        let path = dir.path().join("journal.sqlite3");
        std::fs::write(&path, garbage()).expect("write garbage");

        let err = Journal::open(&path).await.expect_err("garbage");
        assert_eq!(err.code(), "JOURNAL_CORRUPT");
        assert!(err.to_string().contains("journal.sqlite3"), "names the file: {err}");
        assert_eq!(std::fs::read(&path).expect("read"), garbage(), "never rebuilt");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["journal.sqlite3"], "nothing moved or created next to it");
    }

    #[tokio::test]
    async fn a_journal_that_fails_its_integrity_check_is_an_error() {
        let dir = temp_dir();
        let (journal, path) = journal_file(&dir).await;
        for n in 0..100 {
            let body = format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(300));
            let new = NewOperation { body: &body, ..transfer_op("us-1", None) };
            journal.record(&new, n).await.expect("record");
        }
        journal.close().await;
        damage_pages(&path);
        let before = std::fs::read(&path).expect("read");

        assert_eq!(code(Journal::open(&path).await), "JOURNAL_CORRUPT");
        assert_eq!(std::fs::read(&path).expect("read"), before, "never rebuilt");
    }

    #[tokio::test]
    async fn a_journal_from_a_newer_sigil_is_an_error_and_left_untouched() {
        let dir = temp_dir();
        let (journal, path) = journal_file(&dir).await;
        let op = journal.record(&transfer_op("us-1", Some("x-1")), 1).await.expect("record");
        journal.close().await;
        mark_as_written_by_a_newer_sigil(&path).await;

        let err = Journal::open(&path).await.expect_err("newer");
        assert_eq!(err.code(), "JOURNAL_TOO_NEW");
        assert!(matches!(err, JournalError::TooNew { found: 99, known: 3, .. }), "{err:?}");
        assert_eq!(
            read_sql(&path, "SELECT id FROM operations").await,
            op.id,
            "the operation is still there for the newer Sigil"
        );
    }

    #[tokio::test]
    async fn a_journal_in_a_folder_that_cannot_be_created_is_unavailable() {
        let dir = temp_dir();
        std::fs::write(dir.path().join("Sigil"), b"not a folder").expect("write");
        let err =
            Journal::open(&dir.path().join("Sigil/journal.sqlite3")).await.expect_err("no folder");
        assert_eq!(err.code(), "JOURNAL_UNAVAILABLE");
        assert!(err.to_string().contains("writable"), "says what to check: {err}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_read_only_journal_is_unavailable() {
        let dir = temp_dir();
        let (journal, path) = journal_file(&dir).await;
        journal.record(&transfer_op("us-1", None), 1).await.expect("record");
        journal.close().await;
        chmod(&path, 0o444);

        let opened = Journal::open(&path).await;
        if writes_ignore_permissions(&path) {
            // Running as root (or with CAP_DAC_OVERRIDE): the chmod blocks nothing.
            // `a_journal_in_a_folder_that_cannot_be_created_is_unavailable` covers the code.
            opened.expect("writable after all").close().await;
        } else {
            assert_eq!(code(opened), "JOURNAL_UNAVAILABLE");
        }
        chmod(&path, 0o644);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_journal_in_an_unwritable_folder_is_unavailable() {
        let dir = temp_dir();
        let folder = dir.path().join("Sigil");
        std::fs::create_dir(&folder).expect("mkdir");
        chmod(&folder, 0o555);

        let opened = Journal::open(&folder.join("journal.sqlite3")).await;
        if writes_ignore_permissions(&folder) {
            // Running as root (or with CAP_DAC_OVERRIDE): the chmod blocks nothing.
            opened.expect("writable after all").close().await;
        } else {
            assert_eq!(code(opened), "JOURNAL_UNAVAILABLE");
        }
        chmod(&folder, 0o755);
    }
}

mod address_book {
    use super::*;

    #[tokio::test]
    async fn a_saved_recipient_is_listed_by_name_renamed_in_place_and_deleted() {
        let journal = Journal::in_memory().await.expect("journal");
        let book = journal.address_book();
        book.save("us-1", "EthereumSepolia", "0xB0b", "bob", 1_000).await.expect("saved");
        book.save("us-1", "EthereumSepolia", "0xA11ce", "Alice", 2_000).await.expect("saved");
        let names = |list: Vec<sigil_store::Contact>| {
            list.into_iter().map(|c| (c.name, c.address)).collect::<Vec<_>>()
        };
        let listed = names(book.list("us-1").await.expect("list"));
        assert_eq!(listed, [("Alice".into(), "0xA11ce".into()), ("bob".into(), "0xB0b".into())]);

        // Saving the same address again renames it: one address, one row.
        let renamed = book
            .save("us-1", "EthereumSepolia", "0xB0b", "Bob (rent)", 3_000)
            .await
            .expect("saved");
        assert_eq!((renamed.created_at_ms, renamed.updated_at_ms), (1_000, 3_000));
        assert_eq!(book.list("us-1").await.expect("list").len(), 2);

        assert!(book.delete("us-1", "EthereumSepolia", "0xB0b").await.expect("deleted"));
        assert!(!book.delete("us-1", "EthereumSepolia", "0xB0b").await.expect("gone already"));
        assert_eq!(
            names(book.list("us-1").await.expect("list")),
            [("Alice".into(), "0xA11ce".into())]
        );
    }

    #[tokio::test]
    async fn each_person_on_this_computer_has_their_own_and_sign_out_does_not_touch_it() {
        let dir = tempfile::tempdir().expect("dir");
        let (journal, path) = journal_file(&dir).await;
        let book = journal.address_book();
        book.save("us-1", "Bitcoin", "bc1qx", "Savings", 1).await.expect("saved");
        assert!(book.list("us-2").await.expect("list").is_empty(), "not another person's");
        journal.close().await;
        let reopened = Journal::open(&path).await.expect("journal");
        assert_eq!(reopened.address_book().list("us-1").await.expect("list").len(), 1);
    }

    #[tokio::test]
    async fn an_empty_name_or_address_is_refused_before_anything_is_written() {
        let journal = Journal::in_memory().await.expect("journal");
        let book = journal.address_book();
        let refused = book.save("us-1", "Bitcoin", "", "Savings", 1).await;
        assert_eq!(code(refused), "JOURNAL_INVALID_OPERATION");
        let refused = book.save("us-1", "Bitcoin", "bc1qx", "", 1).await;
        assert_eq!(code(refused), "JOURNAL_INVALID_OPERATION");
        assert!(book.list("us-1").await.expect("list").is_empty());
    }
}
