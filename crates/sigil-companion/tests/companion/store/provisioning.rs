use crate::support::{Db, T0, user};

pub async fn provisioning_twice_with_one_external_id_keeps_one_record(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let first =
        store.begin_provisioning(&ann.id, "EthereumSepolia", "ext-1", T0).await.expect("begin");
    assert_eq!(first.wallet_id, None);
    assert_eq!((first.external_id.as_str(), first.created_at), ("ext-1", T0));
    // A retry after a crash: the record is found as it was, nothing new is made.
    let retry = store
        .begin_provisioning(&ann.id, "EthereumSepolia", "ext-1", T0 + 60_000)
        .await
        .expect("retry");
    assert_eq!(retry, first);
    store.finish_provisioning("ext-1", "wa-1", T0 + 61_000).await.expect("finish");
    let after = store
        .begin_provisioning(&ann.id, "EthereumSepolia", "ext-1", T0 + 62_000)
        .await
        .expect("again");
    assert_eq!(after.wallet_id.as_deref(), Some("wa-1"), "the retry sees the wallet: skip Dfns");
    assert_eq!(store.provisioning_for_user(&ann.id).await.expect("list").len(), 1);
}

pub async fn a_wallet_id_is_recorded_once(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    store.begin_provisioning(&ann.id, "Bitcoin", "ext-btc", T0).await.expect("begin");
    let done = store.finish_provisioning("ext-btc", "wa-btc", T0 + 1).await.expect("finish");
    assert_eq!((done.wallet_id.as_deref(), done.completed_at), (Some("wa-btc"), Some(T0 + 1)));
    let same = store.finish_provisioning("ext-btc", "wa-btc", T0 + 2).await.expect("same again");
    assert_eq!(same, done, "recording the same wallet again changes nothing");
    let other = store.finish_provisioning("ext-btc", "wa-other", T0 + 3).await.expect_err("other");
    assert_eq!(other.code(), "CONFLICT");
    let unknown = store.finish_provisioning("ext-none", "wa-x", T0).await.expect_err("unknown");
    assert_eq!(unknown.code(), "NOT_FOUND");
    store.begin_provisioning(&ann.id, "Bitcoin", "ext-btc-2", T0).await.expect("begin 2");
    let reused = store
        .finish_provisioning("ext-btc-2", "wa-btc", T0)
        .await
        .expect_err("one wallet, two records");
    assert_eq!(reused.code(), "CONFLICT");
}

pub async fn an_external_id_of_another_user_or_network_is_a_conflict(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let bob = user(&store, "bob").await;
    store.begin_provisioning(&ann.id, "Solana", "ext-sol", T0).await.expect("ann");
    let bobs = store.begin_provisioning(&bob.id, "Solana", "ext-sol", T0).await.expect_err("bob");
    assert_eq!(bobs.code(), "CONFLICT");
    let network = store.begin_provisioning(&ann.id, "Tron", "ext-sol", T0).await.expect_err("net");
    assert_eq!(network.code(), "CONFLICT");
    assert!(store.provisioning_for_user(&bob.id).await.expect("list").is_empty());
}

pub async fn a_users_provisioning_records_list_oldest_first(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    store.begin_provisioning(&ann.id, "Bitcoin", "ext-b", T0 + 2).await.expect("b");
    store.begin_provisioning(&ann.id, "EthereumSepolia", "ext-a", T0 + 1).await.expect("a");
    store.begin_provisioning(&ann.id, "Solana", "ext-c", T0 + 2).await.expect("c");
    let listed = store.provisioning_for_user(&ann.id).await.expect("list");
    let order: Vec<&str> = listed.iter().map(|p| p.external_id.as_str()).collect();
    assert_eq!(order, ["ext-a", "ext-b", "ext-c"]);
    let one = store.provisioning("ext-c").await.expect("lookup").expect("found");
    assert_eq!(one.network, "Solana");
    assert_eq!(store.provisioning("ext-none").await.expect("lookup"), None);
}
