"""What every Python conformance test needs: the emulator's bootstrap.json and Key credentials
made with `cryptography` the way the contract describes (dfns-api.md §2.5)."""

import base64
import hashlib
import json
import os
import secrets

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


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
