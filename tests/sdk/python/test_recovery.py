"""The official dfns-sdk (PyPI), unchanged, against dfns-emulator: recovery keys, account recovery
(delegated, and through an emailed code) and one-time credential codes for a new device.

The recovery kit is made here with `cryptography` in the Dfns kit format (dfns-api.md §3.6), and
the recovery is signed in the form the SDK's `recover` docstring describes: the recovery key
signs base64url of the JSON of the new credentials."""

import base64
import hashlib
import json
import secrets
import unittest
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from dfns_sdk import DfnsClient, DfnsClientConfig, DfnsDelegatedClient, DfnsDelegatedClientConfig, DfnsError, KeySigner

from sdk_support import EmulatorTestCase, KeyPair, b64url, compact_json, key_credential

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class RecoveryKit:
    """A P-256 recovery key wrapped with a new D1- code for `username`."""

    def __init__(self, username: str):
        chars = "".join(ALPHABET[byte % 32] for byte in secrets.token_bytes(32))
        groups, at = [], 0
        for size in (6, 5, 5, 5, 5, 6):
            groups.append(chars[at : at + size])
            at += size
        self.code = "D1-" + "-".join(groups)
        self.keys = KeyPair()
        iv = secrets.token_bytes(16)
        pkcs8 = self.keys.private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        wrapped = AESGCM(wrapping_key(self.code, username)).encrypt(iv, pkcs8, None)
        envelope = json.dumps({"iv": base64.b64encode(iv).decode(), "key": base64.b64encode(wrapped).decode()})
        self.encrypted_private_key = base64.b64encode(envelope.encode()).decode()
        spki = self.keys.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.cred_id = b64url(hashlib.sha256(spki).digest())

    def credential(self, challenge: str) -> dict:
        """The kit as a RecoveryKey credential answering `challenge`."""
        credential = key_credential(challenge, self.keys, "recovery kit")
        credential["credentialKind"] = "RecoveryKey"
        credential["credentialInfo"]["credId"] = self.cred_id
        credential["encryptedPrivateKey"] = self.encrypted_private_key
        return credential


def wrapping_key(code: str, username: str) -> bytes:
    salt = hashlib.sha256(username.lower().strip().encode()).digest()
    return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=100_000).derive(code.encode())


def open_kit(code: str, username: str, encrypted_private_key: str) -> ec.EllipticCurvePrivateKey:
    envelope = json.loads(base64.b64decode(encrypted_private_key))
    pkcs8 = AESGCM(wrapping_key(code, username)).decrypt(
        base64.b64decode(envelope["iv"]), base64.b64decode(envelope["key"]), None
    )
    return serialization.load_der_private_key(pkcs8, password=None)


def recovery_assertion(private_key, cred_id: str, new_credentials: dict) -> dict:
    """The recovery key signing base64url of the new credentials' JSON (the SDK docstring's form)."""
    challenge = b64url(compact_json(new_credentials).encode())
    client_data = compact_json({"type": "key.get", "challenge": challenge}).encode()
    signature = private_key.sign(client_data, ec.ECDSA(hashes.SHA256()))
    return {
        "kind": "RecoveryKey",
        "credentialAssertion": {"credId": cred_id, "clientData": b64url(client_data), "signature": b64url(signature)},
    }


class RecoveryAndCredentialCodes(EmulatorTestCase):

    def anonymous(self, token: str = "none") -> DfnsClient:
        """A client for the calls that take no token (the SDK always sends a bearer, and httpx
        refuses an empty one: these calls ignore it), or one holding a temporary token."""
        return DfnsClient(DfnsClientConfig(auth_token=token, base_url=self.base_url))

    def register_with_kit(self, prefix: str):
        email = f"{prefix}-{uuid.uuid4()}@example.test"
        challenge = self.service_account.auth.create_delegated_registration_challenge({"kind": "EndUser", "email": email})
        keys, kit = KeyPair(), RecoveryKit(email)
        first = key_credential(challenge["challenge"], keys, "first key")
        with self.anonymous(challenge["temporaryAuthenticationToken"]) as client:
            registered = client.auth.register(
                {"firstFactorCredential": first, "recoveryCredential": kit.credential(challenge["challenge"])}
            )
        return email, registered["user"]["id"], keys, first["credentialInfo"]["credId"], kit

    def credentials(self, email: str) -> dict:
        token = self.service_account.auth.delegated_login({"username": email})["token"]
        with DfnsDelegatedClient(DfnsDelegatedClientConfig(auth_token=token, base_url=self.base_url)) as client:
            return {item["credentialId"]: (item["kind"], item["isActive"]) for item in client.auth.list_credentials()["items"]}

    def recover(self, email: str, kit: RecoveryKit, challenge: dict) -> tuple[dict, dict]:
        allowed = challenge["allowedRecoveryCredentials"][0]
        private_key = open_kit(kit.code, email, allowed["encryptedRecoveryKey"])
        new_credentials = {"firstFactorCredential": key_credential(challenge["challenge"], KeyPair(), "new key")}
        body = {"recovery": recovery_assertion(private_key, allowed["id"], new_credentials), "newCredentials": new_credentials}
        with self.anonymous(challenge["temporaryAuthenticationToken"]) as client:
            return body, client.auth.recover(body)

    def test_a_delegated_recovery_replaces_every_credential(self):
        email, user_id, _, first_cred_id, kit = self.register_with_kit("python-delegated-recovery")
        self.assertEqual(self.credentials(email)[kit.cred_id], ("RecoveryKey", True))
        challenge = self.service_account.auth.create_delegated_recovery_challenge(
            {"username": email, "credentialId": kit.cred_id}
        )
        self.assertEqual(
            challenge["allowedRecoveryCredentials"], [{"id": kit.cred_id, "encryptedRecoveryKey": kit.encrypted_private_key}]
        )
        body, recovered = self.recover(email, kit, challenge)
        self.assertEqual(recovered["user"]["id"], user_id)
        self.assertEqual(recovered["credential"]["kind"], "Key")
        new_cred_id = body["newCredentials"]["firstFactorCredential"]["credentialInfo"]["credId"]
        self.assertEqual(
            self.credentials(email),
            {first_cred_id: ("Key", False), kit.cred_id: ("RecoveryKey", False), new_cred_id: ("Key", True)},
        )

    def test_a_forged_recovery_signature_is_refused_with_401(self):
        email, _, _, _, kit = self.register_with_kit("python-forged-recovery")
        challenge = self.service_account.auth.create_delegated_recovery_challenge(
            {"username": email, "credentialId": kit.cred_id}
        )
        new_credentials = {"firstFactorCredential": key_credential(challenge["challenge"], KeyPair())}
        forged = recovery_assertion(KeyPair().private_key, kit.cred_id, new_credentials)
        with self.anonymous(challenge["temporaryAuthenticationToken"]) as client, self.assertRaises(DfnsError) as caught:
            client.auth.recover({"recovery": forged, "newCredentials": new_credentials})
        self.assertEqual(caught.exception.status_code, 401, caught.exception.message)

    def test_a_user_recovers_with_the_code_the_emulator_emailed(self):
        email, user_id, _, _, kit = self.register_with_kit("python-code-recovery")
        org_id = self.boot["orgId"]
        with self.anonymous() as client:
            self.assertIsInstance(client.auth.send_recovery_code({"username": email, "orgId": org_id})["message"], str)
        outbox = f"{self.base_url}/_emulator/outbox?to={urllib.parse.quote(email)}"
        with urllib.request.urlopen(outbox, timeout=10) as response:
            code = json.load(response)["items"][0]["code"]
        request = {"username": email, "verificationCode": code, "orgId": org_id, "credentialId": kit.cred_id}
        with self.anonymous() as client:
            challenge = client.auth.create_recovery_challenge(request)
            with self.assertRaises(DfnsError) as caught:
                client.auth.create_recovery_challenge(request)
            self.assertEqual(caught.exception.status_code, 400)
        _, recovered = self.recover(email, kit, challenge)
        self.assertEqual(recovered["user"]["id"], user_id)

    def test_a_one_time_code_adds_a_credential_on_a_device_without_one(self):
        email, user_id, keys, cred_id, _ = self.register_with_kit("python-credential-code")
        token = self.service_account.auth.delegated_login({"username": email})["token"]
        signer = KeySigner(credential_id=cred_id, private_key=keys.private_pem)
        expiration = (datetime.now(timezone.utc) + timedelta(seconds=60)).isoformat()
        with DfnsDelegatedClient(DfnsDelegatedClientConfig(auth_token=token, base_url=self.base_url)) as client:
            action = client.auth.create_credential_code_init({"expiration": expiration})
            made = client.auth.create_credential_code_complete(
                {"expiration": expiration},
                {"challengeIdentifier": action["challengeIdentifier"], "firstFactor": signer.sign(action)},
            )
        self.assertEqual(len(made["code"]), 9)
        with self.anonymous() as client:
            challenge = client.auth.create_credential_challenge_with_code({"credentialKind": "Key", "code": made["code"]})
            self.assertEqual(challenge["user"]["id"], user_id)
            laptop = key_credential(challenge["challenge"], KeyPair())
            created = client.auth.create_credential_with_code(
                {**laptop, "credentialName": "laptop", "challengeIdentifier": challenge["challengeIdentifier"]}
            )
        self.assertEqual(created["credentialId"], laptop["credentialInfo"]["credId"])
        self.assertEqual(self.credentials(email)[created["credentialId"]], ("Key", True))


if __name__ == "__main__":
    unittest.main()
