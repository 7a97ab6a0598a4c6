//! A passkey prompt answered after Dfns's challenge expired (the person took longer than the
//! challenge lives): the app asks Dfns for a fresh challenge once and asks the person again;
//! nothing is sent twice, and a second expiry ends the action.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use dfns_emulator::Lifetimes;
use dfns_emulator::clock::{Clock as DfnsClock, SystemClock as DfnsSystemClock};
use sigil_authn::{Approval, CancellationToken, PinReason, Prompt, Prompter};
use sigil_companion::testing::TestStack;
use sigil_core::actions::{Actions, AssetRef, Guardrails, Outcome, SendRequest};
use sigil_core::dfns_session::DfnsSession;
use sigil_core::reads::Reads;
use sigil_store::{Cache, OperationState};

use crate::support::PIN;

/// An EIP-55 address from the EIP's own examples (nobody's wallet here).
const ELSEWHERE: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

/// The emulator's clock: the system's plus an offset the person's slowness adds to.
#[derive(Debug, Default)]
struct EmulatorClock(AtomicI64);

impl DfnsClock for EmulatorClock {
    fn now_ms(&self) -> i64 {
        DfnsSystemClock.now_ms() + self.0.load(Ordering::SeqCst)
    }
}

/// A person who, on their first `slow` approvals, answers only after the challenge expired.
struct SlowPerson {
    dfns_clock: Arc<EmulatorClock>,
    slow: usize,
    approvals: AtomicUsize,
}

impl Prompter for SlowPerson {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<dfns_client::Secret> {
        Some(dfns_client::Secret::new(PIN))
    }

    fn approve(&self, _approval: &Approval) -> bool {
        if self.approvals.fetch_add(1, Ordering::SeqCst) < self.slow {
            let late = Lifetimes::default().challenge_ms + 1_000;
            self.dfns_clock.0.fetch_add(late, Ordering::SeqCst);
        }
        true
    }
}

/// A registered user with one ETH on Sepolia; returns the stack's emulator clock, the app, the
/// company user id, the actions and the wallet.
async fn funded(email: &str) -> (TestStack, Arc<EmulatorClock>, Setup) {
    let dfns_clock = Arc::new(EmulatorClock::default());
    let clock = dfns_clock.clone();
    let stack = TestStack::start_with(|config| config.clock = clock).await.expect("stack");
    let (app, registered) = crate::support::registered(&stack, email).await;
    let sepolia =
        registered.wallets.iter().find(|w| w.network == "EthereumSepolia").expect("Sepolia");
    let faucet = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
        .json(&serde_json::json!({"network": "EthereumSepolia", "address": sepolia.address, "amount": "1000000000000000000"}))
        .send()
        .await
        .expect("faucet");
    assert!(faucet.status().is_success());
    let (cache, _) = Cache::open(&app.dir.path().join("cache.db")).await;
    let dfns = Arc::new(
        DfnsSession::new(app.auth.clone(), &stack.dfns.api_url, app.clock.clone())
            .expect("session"),
    );
    let reads = Reads::new(cache, dfns.clone());
    reads.sync(registered.me.dfns_user_id.as_deref().expect("Dfns user")).await.expect("sync");
    let actions = Actions::new(dfns.clone(), reads, app.journal.clone(), app.clock.clone());
    let setup =
        Setup { owner: registered.me.user.id, wallet: sepolia.id.clone(), app, actions, dfns };
    (stack, dfns_clock, setup)
}

struct Setup {
    app: crate::support::App,
    owner: String,
    wallet: String,
    actions: Actions,
    dfns: Arc<DfnsSession>,
}

impl Setup {
    async fn prepare(&self) -> String {
        let send = SendRequest {
            wallet_id: self.wallet.clone(),
            asset: AssetRef::Native,
            to: ELSEWHERE.to_owned(),
            amount: "0.1".to_owned(),
            fee_tier: None,
        };
        let guardrails = Guardrails::default();
        let prepared = self.actions.prepare_send(&self.owner, &send, &guardrails).await;
        prepared.expect("prepared").operation_id
    }

    async fn confirm(
        &self,
        operation_id: &str,
        person: &SlowPerson,
    ) -> sigil_core::Result<Outcome> {
        let cancel = CancellationToken::new();
        self.actions.confirm(&self.owner, operation_id, &self.app.passkeys, person, &cancel).await
    }

    async fn transfers_at_dfns(&self) -> usize {
        let wallet = self.wallet.clone();
        let list = self.dfns.call(|dfns| {
            let wallet = wallet.clone();
            async move { dfns.list_transfers(&wallet, None).await }
        });
        list.await.expect("transfers").items.len()
    }

    async fn state(&self, operation_id: &str) -> OperationState {
        self.app.journal.get(operation_id).await.expect("journal").expect("operation").state
    }
}

#[tokio::test]
async fn a_challenge_that_expired_while_the_person_approved_is_asked_for_again_once_and_sent_once()
{
    let (_stack, dfns_clock, setup) = funded("slow@example.org").await;
    let operation = setup.prepare().await;
    let person = SlowPerson { dfns_clock, slow: 1, approvals: AtomicUsize::new(0) };
    let outcome = setup.confirm(&operation, &person).await.expect("signed on a fresh challenge");
    assert!(matches!(outcome, Outcome::Transfer(_)), "{outcome:?}");
    assert_eq!(person.approvals.load(Ordering::SeqCst), 2, "asked again for the fresh challenge");
    assert_eq!(setup.transfers_at_dfns().await, 1, "sent once");
    assert_eq!(setup.state(&operation).await, OperationState::Done);
}

#[tokio::test]
async fn a_second_expired_challenge_ends_the_action_with_nothing_sent() {
    let (_stack, dfns_clock, setup) = funded("slower@example.org").await;
    let operation = setup.prepare().await;
    let person = SlowPerson { dfns_clock, slow: usize::MAX, approvals: AtomicUsize::new(0) };
    let error = setup.confirm(&operation, &person).await.expect_err("expired twice");
    assert_eq!(error.code(), "DFNS_REFUSED", "{error}");
    assert_eq!(person.approvals.load(Ordering::SeqCst), 2, "one fresh challenge, not more");
    assert_eq!(setup.transfers_at_dfns().await, 0, "nothing sent");
}
