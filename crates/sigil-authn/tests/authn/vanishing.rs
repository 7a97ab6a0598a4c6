//! An authenticator that goes away in the middle of a ceremony, after the person approved: the
//! key pulled out (its backend answers with an error) or its backend dying (a panic in it). The
//! ceremony ends with a typed error, nothing is signed, and the challenge is still open for
//! another try.

use dfns_client::models::CredentialKind;

use super::*;

#[derive(Debug, Clone, Copy)]
enum Gone {
    /// The backend reports the device gone.
    Unplugged,
    /// The backend's code panics (a library thread dying with the device).
    Crashed,
}

/// An authenticator that asks for the approval, then vanishes.
struct Vanishing(Gone);

impl Vanishing {
    fn vanish<T>(
        &self,
        operation: sigil_authn::Operation,
        prompter: &dyn Prompter,
    ) -> Result<T, AuthnError> {
        let approval = Approval { operation, rp_id: "localhost".to_owned(), user_name: None };
        assert!(prompter.approve(&approval), "the person approved");
        match self.0 {
            Gone::Unplugged => {
                Err(AuthnError::Authenticator("the security key was removed".into()))
            }
            Gone::Crashed => panic!("the key's transport thread died with the device"),
        }
    }
}

#[async_trait::async_trait]
impl Authenticator for Vanishing {
    fn kind(&self) -> AuthenticatorKind {
        AuthenticatorKind::SecurityKey
    }

    async fn create(
        &self,
        _: &Url,
        _: &CreationOptions,
        prompter: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError> {
        self.vanish(sigil_authn::Operation::Create, prompter)
    }

    async fn sign(
        &self,
        _: &Url,
        _: &RequestOptions,
        prompter: &dyn Prompter,
    ) -> Result<SignedAssertion, AuthnError> {
        self.vanish(sigil_authn::Operation::Sign, prompter)
    }
}

#[tokio::test]
async fn an_authenticator_that_vanishes_mid_ceremony_signs_nothing_and_says_so() {
    let dfns = Dfns::start().await;
    let laptop: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    let user = dfns.register("vanishing@example.com", &device(laptop.clone())).await;
    for gone in [Gone::Unplugged, Gone::Crashed] {
        let vanishing = Passkeys::new(Arc::new(Vanishing(gone)), rp());
        let person = Person::default();
        let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
        let error = vanishing
            .sign(pending.challenge(), &person, &CancellationToken::new())
            .await
            .expect_err("no assertion");
        assert_eq!(error.code(), "AUTHN_AUTHENTICATOR_ERROR", "{gone:?}: {error}");
        assert_eq!(person.asked(), [Asked::Approval], "{gone:?}: it went after the approval");

        // Nothing reached Dfns: the challenge is still open, and this computer's passkey answers
        // it (a 404 for the unknown credential means the signature was accepted).
        let answered = complete(&user, &device(laptop.clone()), pending).await;
        assert_eq!(answered.expect_err("unknown credential").status(), Some(404), "{gone:?}");

        let challenge =
            user.create_credential_challenge(CredentialKind::Fido2).await.expect("challenge");
        let error = vanishing
            .add(&challenge, None, &Person::default(), &CancellationToken::new())
            .await
            .expect_err("no credential");
        assert_eq!(error.code(), "AUTHN_AUTHENTICATOR_ERROR", "{gone:?}: {error}");
    }
}
