use super::*;

fn transfer<'a>(external_id: Option<&'a str>) -> NewOperation<'a> {
    NewOperation {
        kind: "transfer",
        owner: "us-1",
        external_id,
        method: "POST",
        path: "/wallets/wa-1/transfers",
        body: r#"{"kind":"Native","to":"0xb","amount":"1"}"#,
        intent: r#"{"send":"1 wei to 0xb"}"#,
        warnings: "[]",
    }
}

#[test]
fn states_round_trip_through_their_names() {
    for state in OperationState::ALL {
        assert_eq!(OperationState::parse(state.as_str()), Some(state));
        assert_eq!(state.to_string(), state.as_str());
    }
    assert_eq!(OperationState::parse("Sent"), None, "names are exact");
    assert_eq!(OperationState::parse(""), None);
}

#[test]
fn only_forward_moves_from_an_unfinished_state_are_allowed() {
    use OperationState::*;
    let allowed = |from: OperationState| -> Vec<OperationState> {
        OperationState::ALL.into_iter().filter(|to| from.can_advance_to(*to)).collect()
    };
    assert_eq!(allowed(Prepared), [Initiated, Signed, Sent, Done, Failed, Abandoned]);
    assert_eq!(allowed(Initiated), [Signed, Sent, Done, Failed, Abandoned]);
    assert_eq!(allowed(Signed), [Sent, Done, Failed, Abandoned]);
    assert_eq!(allowed(Sent), [Done, Failed, Abandoned]);
    for last in [Done, Failed, Abandoned] {
        assert!(last.is_final());
        assert_eq!(allowed(last), []);
    }
    assert!(!Sent.is_final());
}

#[test]
fn ids_are_op_and_32_hex_digits_and_never_repeat() {
    let ids: Vec<String> = (0..100).map(|_| new_id().expect("an id")).collect();
    for id in &ids {
        let hex = id.strip_prefix("op-").expect("op- prefix");
        assert_eq!(hex.len(), 32, "{id}");
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{id}");
    }
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
}

#[tokio::test]
async fn a_conditional_update_from_a_stale_state_changes_nothing() {
    let journal = Journal::in_memory().await.expect("journal");
    let op = journal.record(&transfer(Some("x-1")), 10).await.expect("record");
    journal.advance(&op.id, OperationState::Initiated, None, 11).await.expect("advance");

    let moved = journal
        .update_if(&op.id, OperationState::Prepared, OperationState::Failed, Some("{}"), 12)
        .await
        .expect("update");
    assert!(!moved, "the operation is no longer Prepared");
    let stored = journal.get(&op.id).await.expect("get").expect("present");
    assert_eq!(
        (stored.state, stored.result, stored.updated_at_ms),
        (OperationState::Initiated, None, 11)
    );
}

#[tokio::test]
async fn an_unknown_state_in_the_file_is_reported_as_damage() {
    let journal = Journal::in_memory().await.expect("journal");
    let op = journal.record(&transfer(None), 10).await.expect("record");
    // Only a foreign writer could do this: the schema's CHECK refuses it otherwise.
    sqlx::query("PRAGMA ignore_check_constraints = ON").execute(&journal.pool).await.expect("off");
    sqlx::query("UPDATE operations SET state = 'teleported'")
        .execute(&journal.pool)
        .await
        .expect("update");

    let err = journal.get(&op.id).await.expect_err("unknown state");
    assert_eq!(err.code(), "JOURNAL_CORRUPT");
    assert!(err.to_string().contains("teleported"), "{err}");
}

#[tokio::test]
async fn the_schema_refuses_states_it_does_not_know() {
    let journal = Journal::in_memory().await.expect("journal");
    journal.record(&transfer(None), 10).await.expect("record");
    let err = sqlx::query("UPDATE operations SET state = 'teleported'")
        .execute(&journal.pool)
        .await
        .expect_err("CHECK constraint");
    assert!(err.to_string().contains("CHECK"), "{err}");
}

#[tokio::test]
async fn malformed_operations_are_refused_before_anything_is_written() {
    let journal = Journal::in_memory().await.expect("journal");
    let cases: [(NewOperation<'_>, &str); 6] = [
        (NewOperation { kind: "", ..transfer(None) }, "kind"),
        (NewOperation { owner: "", ..transfer(None) }, "owner"),
        (NewOperation { method: "", ..transfer(None) }, "method"),
        (NewOperation { path: "", ..transfer(None) }, "path"),
        (NewOperation { external_id: Some(""), ..transfer(None) }, "external id"),
        (NewOperation { intent: "send 1 wei", ..transfer(None) }, "intent"),
    ];
    for (new, field) in cases {
        let err = journal.record(&new, 10).await.expect_err(field);
        assert_eq!(err.code(), "JOURNAL_INVALID_OPERATION", "{field}");
        assert!(err.to_string().contains(field), "{err}");
    }
    assert_eq!(journal.recent("us-1", 10).await.expect("recent"), []);
}

#[tokio::test]
async fn a_result_that_is_not_json_is_refused() {
    let journal = Journal::in_memory().await.expect("journal");
    let op = journal.record(&transfer(None), 10).await.expect("record");
    let err = journal
        .advance(&op.id, OperationState::Failed, Some("timed out"), 11)
        .await
        .expect_err("not JSON");
    assert_eq!(err.code(), "JOURNAL_INVALID_OPERATION");
    let stored = journal.get(&op.id).await.expect("get").expect("present");
    assert_eq!(stored.state, OperationState::Prepared);
}

#[test]
fn journal_errors_have_stable_codes() {
    let path = || "/data/journal.sqlite3".to_owned();
    let errors = [
        JournalError::Corrupt { path: path(), detail: "x".to_owned() },
        JournalError::TooNew { path: path(), found: 2, known: 1 },
        JournalError::Unavailable { path: path(), detail: "x".to_owned() },
        JournalError::Duplicate { external_id: "x-1".to_owned(), existing: "op-1".to_owned() },
        JournalError::InvalidTransition {
            id: "op-1".to_owned(),
            from: OperationState::Done,
            to: OperationState::Sent,
        },
        JournalError::NotFound("op-1".to_owned()),
        JournalError::InvalidOperation { field: "kind", reason: "is empty".to_owned() },
        JournalError::Failed("x".to_owned()),
    ];
    let codes = errors.each_ref().map(JournalError::code);
    assert_eq!(
        codes,
        [
            "JOURNAL_CORRUPT",
            "JOURNAL_TOO_NEW",
            "JOURNAL_UNAVAILABLE",
            "JOURNAL_DUPLICATE",
            "JOURNAL_INVALID_TRANSITION",
            "JOURNAL_NOT_FOUND",
            "JOURNAL_INVALID_OPERATION",
            "JOURNAL_FAILED",
        ]
    );
    for err in &errors[..3] {
        assert!(err.to_string().contains("/data/journal.sqlite3"), "names the file: {err}");
    }
    assert!(errors[4].to_string().contains("from done to sent"), "{}", errors[4]);
}
