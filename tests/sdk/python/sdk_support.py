"""What every Python conformance test needs: the emulator's bootstrap.json, Key credentials made
with `cryptography` the way the contract describes (dfns-api.md §2.5), a freshly registered end
user, the emulator's faucet and a check of secp256k1 signatures."""

import base64
import hashlib
import json
import os
import secrets
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
import unittest

from dfns_sdk import DfnsClient, DfnsClientConfig, KeySigner


def load_bootstrap() -> dict:
    """The emulator's bootstrap.json; run.sh passes its path."""
    path = os.environ.get("DFNS_EMULATOR_BOOTSTRAP")
    if not path:
        raise RuntimeError("DFNS_EMULATOR_BOOTSTRAP is not set: run tests/sdk/run.sh")
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def b64url(data: bytes) -> str:
    """base64url without padding, as Dfns writes it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact_json(value) -> str:
    """JSON.stringify's output for plain ASCII data: no spaces, keys in insertion order."""
    return json.dumps(value, separators=(",", ":"))


class KeyPair:
    """A new P-256 key pair, with the PEM forms the API and KeySigner take."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.public_pem = (
            self.private_key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )
        self.private_pem = self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")


def key_credential(challenge: str, keys: KeyPair, credential_name: str | None = None) -> dict:
    """A Key credential answering `challenge` (a registration or credential challenge string)."""
    cred_id = b64url(secrets.token_bytes(32))
    client_data = compact_json({"type": "key.create", "challenge": challenge}).encode("utf-8")
    client_data_hash = hashlib.sha256(client_data).hexdigest()
    # Compact JSON, this key order: the server recomputes these exact bytes.
    fingerprint = compact_json({"clientDataHash": client_data_hash, "publicKey": keys.public_pem})
    # cryptography gives DER for ECDSA, which is what Dfns expects.
    signature = keys.private_key.sign(fingerprint.encode("utf-8"), ec.ECDSA(hashes.SHA256())).hex()
    attestation = compact_json({"publicKey": keys.public_pem, "signature": signature})
    credential = {
        "credentialKind": "Key",
        "credentialInfo": {
            "credId": cred_id,
            "clientData": b64url(client_data),
            "attestationData": b64url(attestation.encode("utf-8")),
        },
    }
    if credential_name:
        credential["credentialName"] = credential_name
    return credential


@dataclass
class EndUser:
    user_id: str
    email: str
    cred_id: str
    keys: KeyPair
    token: str


def register_end_user(service_account: DfnsClient, base_url: str, prefix: str = "python") -> EndUser:
    """A new end user registered the way an application backend does it: the service account asks
    for a delegated registration challenge, the user answers it with a fresh Key credential through
    a client holding the temporary token, then the service account logs the user in."""
    email = f"{prefix}-{uuid.uuid4()}@example.test"
    challenge = service_account.auth.create_delegated_registration_challenge({"kind": "EndUser", "email": email})
    keys = KeyPair()
    credential = key_credential(challenge["challenge"], keys)
    config = DfnsClientConfig(auth_token=challenge["temporaryAuthenticationToken"], base_url=base_url)
    with DfnsClient(config) as with_temporary_token:
        registered = with_temporary_token.auth.register({"firstFactorCredential": credential})
    token = service_account.auth.delegated_login({"username": email})["token"]
    return EndUser(registered["user"]["id"], email, credential["credentialInfo"]["credId"], keys, token)


def faucet(api_url: str, body: dict) -> dict:
    """The emulator-only faucet: a plain HTTP POST, not a Dfns endpoint (no token, no SDK)."""
    request = urllib.request.Request(
        f"{api_url}/_emulator/faucet",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise AssertionError(f"faucet answered {error.code}: {error.read().decode()}") from None


def secp256k1_signature_verifies(public_key_hex: str, digest: bytes, r: str, s: str) -> bool:
    """Whether (r, s), 0x-hex, is an ECDSA signature of the 32-byte `digest` itself (no further
    hashing) by the secp256k1 key `public_key_hex` (SEC1, compressed or not)."""
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), bytes.fromhex(public_key_hex))
    der = utils.encode_dss_signature(int(r, 16), int(s, 16))
    try:
        # Prehashed: the digest is used as is; SHA256 only names its length (32 bytes).
        public_key.verify(der, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    except InvalidSignature:
        return False
    return True


class EmulatorTestCase(unittest.TestCase):
    """Tests that run in order against one emulator as an application backend would: the
    service account (the SDK's KeySigner, default origin) and a dict earlier tests fill in."""

    shared: dict = {}

    @classmethod
    def setUpClass(cls):
        cls.shared = {}
        cls.boot = load_bootstrap()
        cls.base_url = cls.boot["apiUrl"]
        account = cls.boot["serviceAccount"]
        cls.signer = KeySigner(credential_id=account["credId"], private_key=account["privateKeyPem"])
        cls.service_account = DfnsClient(
            DfnsClientConfig(auth_token=account["token"], base_url=cls.base_url, signer=cls.signer)
        )

    @classmethod
    def tearDownClass(cls):
        cls.service_account.close()

    def need(self, key):
        if key not in self.shared:
            self.fail(f"needs {key} from an earlier test")
        return self.shared[key]
