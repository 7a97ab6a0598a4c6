"""The official dfns-sdk (PyPI), unchanged, against dfns-emulator.

The tests run in name order and share one end user: each step builds on the one before, as an
application backend would."""

import unittest
import uuid
import warnings

from dfns_sdk import (
    DfnsClient,
    DfnsClientConfig,
    DfnsDelegatedClient,
    DfnsDelegatedClientConfig,
    DfnsError,
    KeySigner,
)

from sdk_support import EmulatorTestCase, KeyPair, key_credential


class DelegatedEndUserLifecycle(EmulatorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.email = f"python-{uuid.uuid4()}@example.test"
        cls.first_keys = KeyPair()

    def delegated(self, token):
        return DfnsDelegatedClient(DfnsDelegatedClientConfig(auth_token=token, base_url=self.base_url))

    def end_user_signer(self):
        """The end user's own key, signing the delegated client's user-action challenges."""
        return KeySigner(credential_id=self.need("first_cred_id"), private_key=self.first_keys.private_pem)

    def register_with_key(self, challenge, keys=None, credential_name=None):
        """Completes a registration the way the Dfns guide does: a client holding the temporary token."""
        credential = key_credential(challenge["challenge"], keys or KeyPair(), credential_name)
        config = DfnsClientConfig(
            auth_token=challenge["temporaryAuthenticationToken"], base_url=self.base_url, signer=self.signer
        )
        with DfnsClient(config) as with_temporary_token, warnings.catch_warnings():
            # The method the Dfns guide shows; the SDK marks it a deprecated alias of auth.register.
            warnings.simplefilter("ignore", DeprecationWarning)
            registered = with_temporary_token.auth.complete_user_registration({"firstFactorCredential": credential})
        return credential, registered

    def assert_refused(self, status, call, message=None):
        with self.assertRaises(DfnsError) as caught:
            call()
        error = caught.exception
        self.assertEqual(error.status_code, status, f"{error.message} {error.details}")
        if message is not None:
            self.assertEqual(error.message, message)

    def test_01_service_account_creates_a_delegated_registration_challenge_for_a_new_email(self):
        challenge = self.service_account.auth.create_delegated_registration_challenge(
            {"kind": "EndUser", "email": self.email}
        )
        self.assertTrue(challenge["user"]["id"].startswith("us-"), challenge["user"])
        self.assertEqual(challenge["user"]["name"], self.email)
        self.assertIsInstance(challenge["challenge"], str)
        self.assertTrue(challenge["challenge"])
        self.assertIsInstance(challenge["temporaryAuthenticationToken"], str)
        self.assertIn("Key", challenge["supportedCredentialKinds"]["firstFactor"])
        self.shared["registration"] = challenge

    def test_02_end_user_completes_registration_with_a_key_credential_and_the_temporary_token(self):
        challenge = self.need("registration")
        credential, registered = self.register_with_key(challenge, self.first_keys, "first key")
        self.assertTrue(registered["credential"]["uuid"].startswith("cr-"), registered)
        self.assertEqual(registered["credential"]["kind"], "Key")
        self.assertEqual(registered["credential"]["name"], "first key")
        self.assertTrue(registered["user"]["id"].startswith("us-"), registered)
        self.assertEqual(registered["user"]["id"], challenge["user"]["id"])
        self.assertEqual(registered["user"]["username"], self.email)
        self.assertEqual(registered["user"]["orgId"], self.boot["orgId"])
        self.shared["first_cred_id"] = credential["credentialInfo"]["credId"]
        self.shared["first_cred_uuid"] = registered["credential"]["uuid"]

    def test_03_delegated_login_gives_a_token_whose_credential_list_shows_the_key_credential_active(self):
        first_cred_id = self.need("first_cred_id")
        token = self.service_account.auth.delegated_login({"username": self.email})["token"]
        self.assertIsInstance(token, str)
        with self.delegated(token) as client:
            items = client.auth.list_credentials()["items"]
        first = next((item for item in items if item["credentialId"] == first_cred_id), None)
        self.assertIsNotNone(first, f"credential {first_cred_id} not in {items}")
        self.assertEqual(first["kind"], "Key")
        self.assertEqual(first["credentialUuid"], self.need("first_cred_uuid"))
        self.assertIs(first["isActive"], True)
        self.shared["end_user_token"] = token

    def test_04_end_user_adds_a_second_key_credential_then_deactivates_it(self):
        signer = self.end_user_signer()
        with self.delegated(self.need("end_user_token")) as client:
            credential_challenge = client.auth.create_credential_challenge({"kind": "Key"})
            self.assertEqual(credential_challenge["kind"], "Key")
            second = key_credential(credential_challenge["challenge"], KeyPair())
            create_body = {
                **second,
                "credentialName": "second key",
                "challengeIdentifier": credential_challenge["challengeIdentifier"],
            }
            create_action = client.auth.create_credential_init(create_body)
            created = client.auth.create_credential_complete(
                create_body,
                {
                    "challengeIdentifier": create_action["challengeIdentifier"],
                    "firstFactor": signer.sign(create_action),
                },
            )
            self.assertTrue(created["credentialUuid"].startswith("cr-"), created)
            self.assertEqual(created["credentialId"], second["credentialInfo"]["credId"])
            self.assertEqual(created["kind"], "Key")
            self.assertEqual(created["name"], "second key")
            self.assertIs(created["isActive"], True)

            deactivate_body = {"credentialUuid": created["credentialUuid"]}
            deactivate_action = client.auth.deactivate_credential_init(deactivate_body)
            deactivated = client.auth.deactivate_credential_complete(
                deactivate_body,
                {
                    "challengeIdentifier": deactivate_action["challengeIdentifier"],
                    "firstFactor": signer.sign(deactivate_action),
                },
            )
            self.assertIsInstance(deactivated["message"], str)

            by_uuid = {item["credentialUuid"]: item for item in client.auth.list_credentials()["items"]}
        self.assertIs(by_uuid[created["credentialUuid"]]["isActive"], False)
        self.assertIs(by_uuid[self.need("first_cred_uuid")]["isActive"], True)

    def test_05_registration_with_register_end_user_and_no_wallets_logs_the_end_user_in(self):
        email = f"python-{uuid.uuid4()}@example.test"
        challenge = self.service_account.auth.create_delegated_registration_challenge(
            {"kind": "EndUser", "email": email}
        )
        credential = key_credential(challenge["challenge"], KeyPair())
        config = DfnsClientConfig(auth_token=challenge["temporaryAuthenticationToken"], base_url=self.base_url)
        with DfnsClient(config) as with_temporary_token:
            registered = with_temporary_token.auth.register_end_user(
                {"firstFactorCredential": credential, "wallets": []}
            )
        self.assertTrue(registered["credential"]["uuid"].startswith("cr-"), registered)
        self.assertEqual(registered["user"]["id"], challenge["user"]["id"])
        self.assertEqual(registered["user"]["username"], email)
        self.assertEqual(registered["wallets"], [])
        with self.delegated(registered["authentication"]["token"]) as client:
            items = client.auth.list_credentials()["items"]
        self.assertEqual(
            [(item["credentialId"], item["isActive"]) for item in items],
            [(credential["credentialInfo"]["credId"], True)],
        )

    def test_06_delegated_login_for_an_unknown_username_is_refused_with_401(self):
        self.assert_refused(
            401,
            lambda: self.service_account.auth.delegated_login({"username": f"nobody-{uuid.uuid4()}@example.test"}),
        )

    def test_07_a_read_without_a_token_is_refused_with_401(self):
        # The SDK always sends "Authorization: Bearer <token>": without a token that is
        # "Bearer None" (httpx refuses the header "Bearer " outright).
        with self.delegated(None) as anonymous:
            self.assert_refused(401, anonymous.auth.list_credentials)

    def test_08_a_read_with_a_forged_token_is_refused_with_401(self):
        # A real token with its signature changed: well formed, but not issued by the emulator.
        header, payload, signature = self.need("end_user_token").split(".")
        flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
        for token in (f"{header}.{payload}.{flipped}", "not-a-token"):
            with self.subTest(token=token[:12]), self.delegated(token) as forged:
                self.assert_refused(401, forged.auth.list_credentials)

    def test_09_registering_the_same_email_again_after_completion_is_refused_with_401_user_already_exists(self):
        self.need("first_cred_uuid")
        self.assert_refused(
            401,
            lambda: self.service_account.auth.create_delegated_registration_challenge(
                {"kind": "EndUser", "email": self.email}
            ),
            "User already exists.",
        )

    def test_10_a_second_registration_challenge_for_the_same_email_cannot_register_the_user_again(self):
        # E.g. the user reloaded the sign-up page: two challenges are out, the first one completes.
        body = {"kind": "EndUser", "email": f"python-{uuid.uuid4()}@example.test"}
        first = self.service_account.auth.create_delegated_registration_challenge(body)
        second = self.service_account.auth.create_delegated_registration_challenge(body)
        self.assertEqual(second["user"]["id"], first["user"]["id"])
        self.register_with_key(first)
        self.assert_refused(401, lambda: self.register_with_key(second), "User already exists.")

    def test_11_after_logout_the_end_user_token_is_refused_with_401(self):
        with self.delegated(self.need("end_user_token")) as client:
            logged_out = client.auth.logout({})
            self.assertIsInstance(logged_out["message"], str)
            self.assert_refused(401, client.auth.list_credentials)

    def test_12_a_non_ascii_email_registers_although_the_sdk_signs_it_escaped(self):
        # The SDK signs json.dumps(body) (\u00fc) but httpx sends the body as raw UTF-8 (ü):
        # the server must compare the signed payload and the body as JSON, not as bytes.
        email = f"jürgen-{uuid.uuid4()}@example.test"
        challenge = self.service_account.auth.create_delegated_registration_challenge(
            {"kind": "EndUser", "email": email}
        )
        _, registered = self.register_with_key(challenge)
        self.assertEqual(registered["user"]["username"], email)
        token = self.service_account.auth.delegated_login({"username": email})["token"]
        self.assertIsInstance(token, str)


if __name__ == "__main__":
    unittest.main()
