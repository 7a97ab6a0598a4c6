//! Reads through the cache: synced from Dfns, served at once after a restart, and the Dfns
//! token refreshed when Dfns refuses it.

use std::sync::Arc;

use sigil_companion::testing::TestStack;
use sigil_core::dfns_session::DfnsSession;
use sigil_core::reads::Reads;
use sigil_store::{Cache, CacheOpened};

use crate::support::App;

/// A registered user; returns the app and their Dfns user id.
async fn registered(stack: &TestStack, email: &str) -> (App, String) {
    let (app, registration) = crate::support::registered(stack, email).await;
    (app, registration.me.dfns_user_id.expect("Dfns user id"))
}

async fn faucet(stack: &TestStack, network: &str, address: &str, amount: &str) {
    let answer = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
        .json(&serde_json::json!({ "network": network, "address": address, "amount": amount }))
        .send()
        .await
        .expect("faucet answers");
    assert!(answer.status().is_success(), "{}", answer.text().await.unwrap_or_default());
}

#[tokio::test]
async fn a_sync_fills_the_cache_and_a_restart_shows_it_before_the_network_answers() {
    let stack = TestStack::start().await.expect("stack");
    let (app, dfns_user) = registered(&stack, "eva@example.org").await;
    let path = app.dir.path().join("cache.db");
    let (cache, opened) = Cache::open(&path).await;
    assert!(matches!(opened, CacheOpened::Created), "{opened:?}");
    let dfns = Arc::new(
        DfnsSession::new(app.auth.clone(), &stack.dfns.api_url, app.clock.clone())
            .expect("session"),
    );
    let reads = Reads::new(cache, dfns);
    let first = reads.sync(&dfns_user).await.expect("sync");
    assert_eq!(first.wallets, 2);

    let wallets = reads.cached_wallets().await.expect("cached");
    let sepolia = wallets.iter().find(|w| w.wallet.network == "EthereumSepolia").expect("Sepolia");
    let address = sepolia.wallet.address.clone().expect("an address");
    faucet(&stack, "EthereumSepolia", &address, "1000000000000000000").await;
    let second = reads.sync(&dfns_user).await.expect("sync");
    assert_eq!(second.new_history, 1, "the faucet's incoming transfer");
    let third = reads.sync(&dfns_user).await.expect("sync");
    assert_eq!(third.new_history, 0, "nothing new, nothing added twice");
    drop(reads);

    // Restart with Dfns out of reach: the cache alone shows wallets, balances and history.
    let (cache, opened) = Cache::open(&path).await;
    assert!(matches!(opened, CacheOpened::Reused), "{opened:?}");
    let offline = Arc::new(
        DfnsSession::new(app.auth.clone(), "http://127.0.0.1:9", app.clock.clone())
            .expect("session"),
    );
    let reads = Reads::new(cache, offline);
    let shown = reads.cached_wallets().await.expect("from the cache");
    assert_eq!(shown.len(), 2);
    let sepolia = shown.iter().find(|w| w.wallet.network == "EthereumSepolia").expect("Sepolia");
    let assets = sepolia.assets.as_ref().expect("assets were cached");
    let native = assets
        .assets
        .iter()
        .find(|asset| asset.kind.to_string() == "Native" || asset.symbol.as_deref() == Some("ETH"));
    let native = native.expect("the native asset");
    assert_eq!(native.balance, "1000000000000000000");
    assert_eq!(native.decimals, 18);
    let history = reads.cached_history(&sepolia.wallet.id, 10).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].direction, "In");
    let refused = reads.sync(&dfns_user).await.expect_err("offline");
    assert_eq!(refused.code(), "DFNS_UNREACHABLE");
}

#[tokio::test]
async fn the_cache_of_another_user_is_cleared_before_it_could_be_shown() {
    let stack = TestStack::start().await.expect("stack");
    let (first, first_id) = registered(&stack, "flo@example.org").await;
    let (second, second_id) = registered(&stack, "gus@example.org").await;
    let path = first.dir.path().join("cache.db");
    let (cache, _) = Cache::open(&path).await;
    let dfns = Arc::new(
        DfnsSession::new(first.auth.clone(), &stack.dfns.api_url, first.clock.clone())
            .expect("session"),
    );
    Reads::new(cache, dfns).sync(&first_id).await.expect("sync");

    let (cache, _) = Cache::open(&path).await;
    let dfns = Arc::new(
        DfnsSession::new(second.auth.clone(), &stack.dfns.api_url, second.clock.clone())
            .expect("session"),
    );
    let reads = Reads::new(cache, dfns);
    reads.sync(&second_id).await.expect("sync");
    let shown = reads.cached_wallets().await.expect("cached");
    let session =
        second.auth.companion().me(&second.auth.token().await.expect("token")).await.expect("me");
    assert_eq!(session.dfns_user_id.as_deref(), Some(second_id.as_str()));
    for view in shown {
        assert_eq!(view.wallet.signing_key.delegated_to.as_deref(), Some(second_id.as_str()));
    }
}

#[tokio::test]
async fn a_token_dfns_refuses_is_refreshed_once_and_the_read_succeeds() {
    let stack = TestStack::start().await.expect("stack");
    let (app, _) = registered(&stack, "hana@example.org").await;
    let dfns = DfnsSession::new(app.auth.clone(), &stack.dfns.api_url, app.clock.clone())
        .expect("session");
    // A token Dfns stops accepting: the user logged out of Dfns everywhere.
    let client = dfns.client().await.expect("client");
    client.logout(true).await.expect("logout everywhere");
    let wallets = dfns
        .call(|dfns| async move { dfns.list_wallets(&Default::default()).await })
        .await
        .expect("a fresh token is fetched and the read retried");
    assert_eq!(wallets.items.len(), 2);
}

#[tokio::test]
async fn signed_out_at_the_companion_means_sign_in_again() {
    let stack = TestStack::start().await.expect("stack");
    let (app, _) = registered(&stack, "ida@example.org").await;
    let dfns = DfnsSession::new(app.auth.clone(), &stack.dfns.api_url, app.clock.clone())
        .expect("session");
    let session = app.auth.token().await.expect("token");
    app.auth.companion().logout(&session).await.expect("the session ends elsewhere");
    let error = dfns.client().await.expect_err("no Dfns token without a session");
    assert_eq!(error.code(), "SIGNED_OUT");
    assert!(app.auth.session().await.expect("keyring").is_none(), "the dead session is forgotten");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incoming_transfer_seen_by_two_syncs_at_once_is_recorded_once() {
    let stack = TestStack::start().await.expect("stack");
    let (app, dfns_user) = registered(&stack, "jo@example.org").await;
    let (cache, _) = Cache::open(&app.dir.path().join("cache.db")).await;
    let dfns = Arc::new(
        DfnsSession::new(app.auth.clone(), &stack.dfns.api_url, app.clock.clone())
            .expect("session"),
    );
    let reads = Reads::new(cache, dfns);
    reads.sync(&dfns_user).await.expect("sync");
    let wallets = reads.cached_wallets().await.expect("cached");
    let sepolia = wallets.iter().find(|w| w.wallet.network == "EthereumSepolia").expect("Sepolia");
    let address = sepolia.wallet.address.clone().expect("an address");
    faucet(&stack, "EthereumSepolia", &address, "5").await;

    // The refresh timer and the person's pull-to-refresh, at the same moment: both read the same
    // history page from Dfns and both store it.
    let (first, second) = tokio::join!(reads.sync(&dfns_user), reads.sync(&dfns_user));
    let added = first.expect("sync").new_history + second.expect("sync").new_history;
    assert_eq!(added, 1, "counted once between them");
    let again = reads.sync(&dfns_user).await.expect("a third sync");
    assert_eq!(again.new_history, 0);
    let history = reads.cached_history(&sepolia.wallet.id, 10).await.expect("history");
    assert_eq!(history.len(), 1, "one row: {history:?}");
    assert_eq!((history[0].direction.as_str(), history[0].value.as_deref()), ("In", Some("5")));
}
