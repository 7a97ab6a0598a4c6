"""The official dfns-sdk (PyPI), unchanged, against dfns-emulator: wallets, assets, history,
transfers, signatures and fees.

The tests run in name order and share one end user and one delegated wallet: each step builds on
the one before, as an application backend would. dfns-sdk 1.0.4 has only the keys variant of
signature generation."""

import re
import secrets
import time
import unittest
import uuid

from dfns_sdk import (
    DfnsClient,
    DfnsClientConfig,
    DfnsDelegatedClient,
    DfnsDelegatedClientConfig,
    DfnsError,
    KeySigner,
)

from sdk_support import EmulatorTestCase, faucet, register_end_user, secp256k1_signature_verifies

NETWORK = "EthereumSepolia"
FUNDING = 10**18  # 1 ETH, in wei
SENT = 10**15  # 0.001 ETH
RECIPIENT = "0x000000000000000000000000000000000000dead"  # all lower case: no checksum
HEX_32 = re.compile(r"^0x[0-9a-fA-F]{64}$")


class DelegatedWalletLifecycle(EmulatorTestCase):

    def end_user_client(self):
        token = self.need("end_user").token
        return DfnsDelegatedClient(DfnsDelegatedClientConfig(auth_token=token, base_url=self.base_url))

    def as_end_user(self, init, complete):
        """A delegated *_init/*_complete pair, the user action signed with the end user's Key."""
        end_user = self.need("end_user")
        signer = KeySigner(credential_id=end_user.cred_id, private_key=end_user.keys.private_pem)
        challenge = init()
        return complete(
            {"challengeIdentifier": challenge["challengeIdentifier"], "firstFactor": signer.sign(challenge)}
        )

    def assert_refused(self, status, call):
        with self.assertRaises(DfnsError) as caught:
            call()
        error = caught.exception
        self.assertEqual(error.status_code, status, f"{error.message} {error.details}")

    def assert_signature_shape(self, signature):
        self.assertTrue(signature["id"].startswith("sig-"), signature)
        self.assertEqual(signature["status"], "Signed")
        parts = signature.get("signature") or {}
        self.assertRegex(parts.get("r", ""), HEX_32)
        self.assertRegex(parts.get("s", ""), HEX_32)
        self.assertIn(parts.get("recid"), (0, 1))

    def test_01_service_account_creates_a_sepolia_wallet_delegated_to_a_new_end_user_with_an_external_id(self):
        end_user = register_end_user(self.service_account, self.base_url, "python-wallets")
        self.shared["end_user"] = end_user
        body = {
            "network": NETWORK,
            "name": "python conformance",
            "externalId": f"python-wallet-{uuid.uuid4()}",
            "delegateTo": end_user.user_id,
        }
        wallet = self.service_account.wallets.create_wallet(body)
        self.assertTrue(wallet["id"].startswith("wa-"), wallet)
        self.assertEqual(wallet["network"], NETWORK)
        self.assertEqual(wallet["name"], body["name"])
        self.assertEqual(wallet["externalId"], body["externalId"])
        self.assertEqual(wallet["status"], "Active")
        self.assertRegex(wallet["address"], r"^0x[0-9a-fA-F]{40}$")
        self.assertEqual(wallet["signingKey"]["scheme"], "ECDSA")
        self.assertEqual(wallet["signingKey"]["curve"], "secp256k1")
        self.assertEqual(wallet["signingKey"]["delegatedTo"], end_user.user_id)
        self.assertIs(wallet["custodial"], False)
        self.shared["wallet_body"] = body
        self.shared["wallet"] = wallet

    def test_02_creating_the_wallet_again_with_the_same_body_returns_the_same_wallet_id(self):
        again = self.service_account.wallets.create_wallet(self.need("wallet_body"))
        self.assertEqual(again["id"], self.need("wallet")["id"])
        self.assertEqual(again["address"], self.need("wallet")["address"])

    def test_03_listing_wallets_finds_the_wallet_for_the_service_account_and_for_the_end_user(self):
        wallet_id = self.need("wallet")["id"]
        everything = self.service_account.wallets.list_wallets()["items"]
        self.assertIn(wallet_id, [item["id"] for item in everything])
        owned = self.service_account.wallets.list_wallets({"owner": self.need("end_user").user_id})["items"]
        self.assertEqual([item["id"] for item in owned], [wallet_id])
        with self.end_user_client() as client:
            mine = client.wallets.list_wallets()["items"]
        self.assertEqual([item["id"] for item in mine], [wallet_id])

    def test_04_get_wallet_shows_the_wallet_delegated_to_the_end_user_and_not_custodial(self):
        wallet = self.need("wallet")
        with self.end_user_client() as client:
            for name, reader in (("service account", self.service_account), ("end user", client)):
                with self.subTest(reader=name):
                    got = reader.wallets.get_wallet(wallet["id"])
                    self.assertEqual(got["id"], wallet["id"])
                    self.assertEqual(got["address"], wallet["address"])
                    self.assertEqual(got["signingKey"]["publicKey"], wallet["signingKey"]["publicKey"])
                    self.assertEqual(got["signingKey"]["delegatedTo"], self.need("end_user").user_id)
                    self.assertIs(got["custodial"], False)

    def test_05_the_faucet_funds_the_wallet_and_get_wallet_assets_shows_the_native_balance_as_a_string(self):
        wallet = self.need("wallet")
        funded = faucet(self.base_url, {"network": NETWORK, "address": wallet["address"], "amount": str(FUNDING)})
        self.assertEqual(funded["balance"], str(FUNDING))
        with self.end_user_client() as client:
            assets = client.wallets.get_wallet_assets(wallet["id"], {"netWorth": "true"})
        self.assertEqual(assets["walletId"], wallet["id"])
        self.assertEqual(assets["network"], NETWORK)
        native = next((asset for asset in assets["assets"] if asset["kind"] == "Native"), None)
        self.assertIsNotNone(native, assets)
        self.assertIsInstance(native["balance"], str)
        self.assertEqual(native["balance"], str(FUNDING))
        self.assertEqual(native["decimals"], 18)

    def test_06_the_end_user_sends_a_native_transfer_with_transfer_asset_init_complete_signed_by_their_key(self):
        wallet = self.need("wallet")
        body = {"kind": "Native", "to": RECIPIENT, "amount": str(SENT), "externalId": f"python-xfr-{uuid.uuid4()}"}
        with self.end_user_client() as client:
            transfer = self.as_end_user(
                lambda: client.wallets.transfer_asset_init(wallet["id"], body),
                lambda signed: client.wallets.transfer_asset_complete(wallet["id"], body, signed),
            )
        self.assertTrue(transfer["id"].startswith("xfr-"), transfer)
        self.assertEqual(transfer["walletId"], wallet["id"])
        self.assertEqual(transfer["network"], NETWORK)
        self.assertEqual(transfer["requester"]["userId"], self.need("end_user").user_id)
        self.assertEqual(transfer["requestBody"]["amount"], str(SENT))
        self.assertEqual(transfer["externalId"], body["externalId"])
        self.assertIn(transfer["status"], ("Pending", "Executing", "Broadcasted", "Confirmed"))
        self.shared["transfer"] = transfer

    def test_07_get_transfer_shows_the_transfer_which_reaches_confirmed_with_confirm_after_ms_0(self):
        transfer = self.need("transfer")
        with self.end_user_client() as client:
            for _ in range(50):
                got = client.wallets.get_transfer(transfer["walletId"], transfer["id"])
                if got["status"] == "Confirmed":
                    break
                time.sleep(0.1)
        self.assertEqual(got["id"], transfer["id"])
        self.assertEqual(got["status"], "Confirmed")
        self.assertRegex(got.get("txHash", ""), HEX_32)
        self.assertRegex(got.get("fee", ""), r"^[0-9]+$")
        self.shared["confirmed"] = got

    def test_08_after_the_transfer_the_native_balance_is_the_funding_less_amount_and_fee(self):
        transfer = self.need("confirmed")
        with self.end_user_client() as client:
            assets = client.wallets.get_wallet_assets(transfer["walletId"])
        native = next(asset for asset in assets["assets"] if asset["kind"] == "Native")
        self.assertEqual(native["balance"], str(FUNDING - SENT - int(transfer["fee"])))

    def test_09_get_wallet_history_shows_the_out_item_of_the_transfer(self):
        transfer = self.need("confirmed")
        with self.end_user_client() as client:
            history = client.wallets.get_wallet_history(transfer["walletId"], {"direction": "Out"})
        self.assertEqual(history["walletId"], transfer["walletId"])
        out = next((item for item in history["items"] if item["txHash"] == transfer["txHash"]), None)
        self.assertIsNotNone(out, history)
        self.assertEqual(out["direction"], "Out")
        self.assertEqual(out["kind"], "NativeTransfer")
        self.assertEqual(out["value"], str(SENT))
        self.assertEqual(out["to"].lower(), RECIPIENT)
        self.assertTrue(all(item["direction"] == "Out" for item in history["items"]), history)

    def test_10_list_transfers_finds_the_transfer(self):
        transfer = self.need("confirmed")
        with self.end_user_client() as client:
            listed = client.wallets.list_transfers(transfer["walletId"])
        self.assertEqual(listed["walletId"], transfer["walletId"])
        found = next((item for item in listed["items"] if item["id"] == transfer["id"]), None)
        self.assertIsNotNone(found, listed)
        self.assertEqual(found["status"], "Confirmed")

    def test_11_the_end_user_signs_a_hash_through_the_keys_endpoint_and_it_verifies_against_the_public_key(self):
        wallet = self.need("wallet")
        key_id = wallet["signingKey"]["id"]
        digest = secrets.token_bytes(32)
        body = {"kind": "Hash", "hash": f"0x{digest.hex()}", "blockchainKind": "Evm"}
        with self.end_user_client() as client:
            signature = self.as_end_user(
                lambda: client.keys.generate_signature_init(key_id, body),
                lambda signed: client.keys.generate_signature_complete(key_id, body, signed),
            )
            got = client.keys.get_signature(key_id, signature["id"])
            listed = client.keys.list_signatures(key_id)
        self.assert_signature_shape(signature)
        self.assertEqual(signature["keyId"], key_id)
        parts = signature["signature"]
        self.assertTrue(
            secp256k1_signature_verifies(wallet["signingKey"]["publicKey"], digest, parts["r"], parts["s"]),
            f"{parts} is not a signature of {digest.hex()} by {wallet['signingKey']['publicKey']}",
        )
        self.assertEqual(got["signature"], parts)
        self.assertIn(signature["id"], [item["id"] for item in listed["items"]])

    def test_12_the_end_user_signs_eip712_typed_data_through_the_keys_endpoint_and_gets_r_s_and_recid(self):
        key_id = self.need("wallet")["signingKey"]["id"]
        body = {
            "kind": "Eip712",
            "blockchainKind": "Evm",
            "types": {
                "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
                "Mail": [
                    {"name": "from", "type": "Person"},
                    {"name": "to", "type": "Person"},
                    {"name": "contents", "type": "string"},
                ],
            },
            "domain": {
                "name": "Ether Mail",
                "version": "1",
                "chainId": 11155111,
                "verifyingContract": "0xcccccccccccccccccccccccccccccccccccccccc",
            },
            "message": {
                "from": {"name": "Cow", "wallet": "0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826"},
                "to": {"name": "Bob", "wallet": "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
                "contents": "Hello, Bob!",
            },
        }
        with self.end_user_client() as client:
            signature = self.as_end_user(
                lambda: client.keys.generate_signature_init(key_id, body),
                lambda signed: client.keys.generate_signature_complete(key_id, body, signed),
            )
        # The EIP-712 digest needs keccak-256, which neither hashlib nor `cryptography` has.
        self.assert_signature_shape(signature)
        self.assertEqual(signature["requestBody"]["kind"], "Eip712")

    def test_13_estimate_fees_for_ethereum_sepolia_has_kind_eip1559(self):
        with self.end_user_client() as client:
            fees = client.networks.estimate_fees({"network": NETWORK})
        self.assertEqual(fees["kind"], "Eip1559")
        self.assertEqual(fees["network"], NETWORK)
        self.assertRegex(fees["standard"]["maxFeePerGas"], r"^[0-9]+$")

    def test_14_a_transfer_of_amount_1_5_is_refused_with_a_dfns_error_of_status_400(self):
        wallet_id = self.need("wallet")["id"]
        body = {"kind": "Native", "to": RECIPIENT, "amount": "1.5"}
        with self.end_user_client() as client:
            self.assert_refused(
                400,
                lambda: self.as_end_user(
                    lambda: client.wallets.transfer_asset_init(wallet_id, body),
                    lambda signed: client.wallets.transfer_asset_complete(wallet_id, body, signed),
                ),
            )

    def test_15_the_service_account_trying_to_transfer_from_the_delegated_wallet_is_refused_with_403(self):
        wallet_id = self.need("wallet")["id"]
        self.assert_refused(
            403,
            lambda: self.service_account.wallets.transfer_asset(
                wallet_id, {"kind": "Native", "to": RECIPIENT, "amount": "1"}
            ),
        )


if __name__ == "__main__":
    unittest.main()
