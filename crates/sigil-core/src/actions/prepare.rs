//! Preparing an action: checked, its body built once, its [`Intent`] decoded from those bytes
//! and the whole journaled, before anything is sent.

use std::sync::Arc;

use alloy_primitives::U256;
use dfns_client::models::{
    Asset, AssetKind, CreateCredentialRequest, CreateWalletRequest, CredentialKind,
    CredentialUuidRequest, Quotes, SignaturePayload, SignatureRequest, TransferRequest, Wallet,
};
use dfns_networks::fees::{FeeEstimate, Priority, TransferAsset};
use dfns_networks::{Family, Network};

use sigil_authn::{CancellationToken, Passkeys, Prompter};
use sigil_store::{NewOperation, SecretStore};

use super::intent::TransferFee;
use super::{
    ActionKind, Actions, AssetRef, BaseUnits, FEE_ESTIMATE_KEPT_MS, FeeTier, Guardrails, Intent,
    SendRequest, SignWhat, Warning, intent, internal, json,
};
use crate::error::{Error, Result};

/// A journaled action waiting for the user's confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The journal entry.
    pub operation_id: String,
    /// What to show.
    pub intent: Intent,
    /// Warnings to show before signing.
    pub warnings: Vec<Warning>,
}

/// A body ready to journal.
struct Draft<'a> {
    kind: ActionKind,
    method: &'a str,
    path: String,
    body: String,
    intent: Intent,
    warnings: Vec<Warning>,
}

/// A transfer that passed every check, ready to build.
#[derive(Debug, Clone)]
struct CheckedSend {
    wallet: Wallet,
    asset: Asset,
    to: String,
    /// The name the recipient is saved under in the address book.
    to_name: Option<String>,
    amount: BaseUnits,
    priority: Option<String>,
    fee: TransferFee,
    warnings: Vec<Warning>,
}

impl Actions {
    /// The checks of [`Self::prepare_send`] (address, amount, balance, fee, guardrails), with
    /// nothing written: no journal entry, no `externalId`, and not the one-action lock, so the
    /// send form can ask while the person types. Returns what the confirmation would warn of.
    pub async fn validate_send(
        &self,
        owner: &str,
        request: &SendRequest,
        guardrails: &Guardrails,
    ) -> Result<Vec<Warning>> {
        Ok(self.check_send(owner, request, guardrails).await?.warnings)
    }

    /// Checks a transfer (address for the network, amount against decimals and balance, the
    /// network fee against the coin left for it, guardrails), builds its body and journals it.
    pub async fn prepare_send(
        &self,
        owner: &str,
        request: &SendRequest,
        guardrails: &Guardrails,
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let CheckedSend { wallet, asset, to, to_name, amount, priority, fee, warnings } =
            self.check_send(owner, request, guardrails).await?;
        let external_id = Some(external_id()?);
        let amount = amount.to_base_string();
        let body = match &request.asset {
            AssetRef::Native => {
                TransferRequest::Native { to, amount, memo: None, priority, external_id }
            }
            AssetRef::Erc20 { contract } => TransferRequest::Erc20 {
                contract: contract.clone(),
                to,
                amount,
                priority,
                external_id,
            },
            AssetRef::Spl { mint } => TransferRequest::Spl {
                to,
                amount,
                mint: mint.clone(),
                memo: None,
                create_destination_account: Some(true),
                external_id,
            },
        };
        let body = json(&body)?;
        let intent = intent::transfer_intent(&body, &wallet, &asset, Some(fee), to_name)
            .map_err(internal)?;
        let path = format!("/wallets/{}/transfers", wallet.id);
        let kind = ActionKind::Transfer;
        self.journal_draft(owner, Draft { kind, method: "POST", path, body, intent, warnings })
            .await
    }

    /// The most of `asset` the wallet can send at `fee_tier`: the whole balance of a token
    /// (when the coin covers the fee), the coin's balance less the fee. `INSUFFICIENT_FUNDS_FOR_FEE`
    /// when nothing can be sent.
    pub async fn max_send(
        &self,
        wallet_id: &str,
        asset: &AssetRef,
        fee_tier: Option<FeeTier>,
    ) -> Result<String> {
        let (wallet, held, native) = self.wallet_and_asset(wallet_id, asset).await?;
        let network = network_of(&wallet)?;
        let (fee, _) = self.fee(&wallet, network, asset, fee_tier).await?;
        let coin = native.balance;
        let shortfall = |available: BaseUnits| Error::InsufficientFundsForFee {
            fee: fee.to_decimal_string(network.native_decimals),
            symbol: network.native_symbol.to_owned(),
            available: available.to_decimal_string(network.native_decimals),
            advice: "add some to this wallet first",
        };
        match asset {
            AssetRef::Native => match coin.0.checked_sub(fee.0) {
                Some(left) if !left.is_zero() => {
                    Ok(BaseUnits(left).to_decimal_string(held.decimals))
                }
                _ => Err(shortfall(coin)),
            },
            _ if coin < fee => Err(shortfall(coin)),
            _ => Ok(balance_of(&held).to_decimal_string(held.decimals)),
        }
    }

    async fn check_send(
        &self,
        owner: &str,
        request: &SendRequest,
        guardrails: &Guardrails,
    ) -> Result<CheckedSend> {
        let (wallet, asset, native) =
            self.wallet_and_asset(&request.wallet_id, &request.asset).await?;
        let network = network_of(&wallet)?;
        let to = dfns_networks::address::validate_address(network, request.to.trim())
            .map_err(|error| Error::AddressInvalid(error.0))?;
        let symbol = asset.symbol.clone().unwrap_or_else(|| "the asset".to_owned());
        let amount = BaseUnits::parse_decimal(&request.amount, asset.decimals, &symbol)?;
        let balance = balance_of(&asset);
        if amount > balance {
            return Err(Error::InsufficientFunds {
                balance: balance.to_decimal_string(asset.decimals),
                symbol,
            });
        }
        let (fee, priority) = self.fee(&wallet, network, &request.asset, request.fee_tier).await?;
        // What of the coin is left for the fee once the amount is taken from it.
        let available = match request.asset {
            AssetRef::Native => BaseUnits(native.balance.0 - amount.0),
            _ => native.balance,
        };
        if fee > available {
            return Err(Error::InsufficientFundsForFee {
                fee: fee.to_decimal_string(network.native_decimals),
                symbol: network.native_symbol.to_owned(),
                available: available.to_decimal_string(network.native_decimals),
                advice: if request.asset == AssetRef::Native {
                    "send less (Max leaves room for the fee)"
                } else {
                    "add some of the network's coin to this wallet first"
                },
            });
        }
        let sends = self.journal.of_kind_since(owner, ActionKind::Transfer.as_str(), 0).await?;
        // The person's saved recipients on this network count as known.
        let mut saved = self.journal.address_book().list(owner).await?;
        saved.retain(|contact| contact.network == wallet.network);
        let saved_addresses: Vec<&str> = saved.iter().map(|c| c.address.as_str()).collect();
        let now_ms = self.clock.now_ms();
        let warnings =
            guardrails.check(&wallet, &asset, &to, amount, &sends, &saved_addresses, now_ms)?;
        let to_name = saved.into_iter().find(|c| c.address == to).map(|c| c.name);
        let fee = TransferFee {
            amount: fee.to_decimal_string(network.native_decimals),
            symbol: network.native_symbol.to_owned(),
            quotes: native.quotes,
        };
        Ok(CheckedSend { wallet, asset, to, to_name, amount, priority, fee, warnings })
    }

    /// The most a transfer of `asset` costs at `tier` (Dfns's fee estimate for the network,
    /// kept for a short while), and the priority to put in its body: none on Solana, whose
    /// transfers take no priority.
    async fn fee(
        &self,
        wallet: &Wallet,
        network: &Network,
        asset: &AssetRef,
        tier: Option<FeeTier>,
    ) -> Result<(BaseUnits, Option<String>)> {
        let tier = tier.filter(|_| network.family != Family::Solana);
        let estimate = self.fee_estimate(&wallet.network).await?;
        let kind = match asset {
            AssetRef::Native => TransferAsset::Native,
            _ => TransferAsset::Token,
        };
        let priority = tier.map_or(Priority::Standard, FeeTier::priority);
        let fee = BaseUnits(U256::from(estimate.transfer_fee(kind, priority)));
        Ok((fee, tier.map(|tier| tier.as_str().to_owned())))
    }

    async fn fee_estimate(&self, network: &str) -> Result<FeeEstimate> {
        let now = self.clock.now_ms();
        if let Some((at, estimate)) = self.fees.lock().await.get(network)
            && now - at < FEE_ESTIMATE_KEPT_MS
        {
            return Ok(estimate.clone());
        }
        let name = network.to_owned();
        let body = self
            .dfns
            .call(|dfns| {
                let name = name.clone();
                async move { dfns.get_fees(&name).await }
            })
            .await
            .map_err(|error| match error {
                Error::Dfns(error) => Error::FeeUnavailable(error.to_string()),
                other => other,
            })?;
        let estimate =
            FeeEstimate::parse(&body).map_err(|error| Error::FeeUnavailable(error.to_string()))?;
        self.fees.lock().await.insert(network.to_owned(), (now, estimate.clone()));
        Ok(estimate)
    }

    /// Checks a signature request against the wallet's network and journals it.
    pub async fn prepare_signature(
        &self,
        owner: &str,
        wallet_id: &str,
        what: &SignWhat,
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let wallet = self.wallet(wallet_id).await?;
        let network = network_of(&wallet)?;
        let supported = network.family.signature_kinds();
        if !supported.contains(&what.kind().dfns_kind()) {
            return Err(Error::SignatureKindUnsupported {
                kind: what.kind().dfns_kind(),
                network: wallet.network.clone(),
                supported: supported.join(", "),
            });
        }
        let payload = match what {
            SignWhat::Message(text) if text.is_empty() => {
                return Err(Error::SignatureInvalid("the message is empty".into()));
            }
            SignWhat::Message(text) => {
                SignaturePayload::Message { message: format!("0x{}", hex::encode(text.as_bytes())) }
            }
            SignWhat::TypedData(data) => {
                let object = data
                    .as_object()
                    .ok_or_else(|| Error::SignatureInvalid("typed data is a JSON object".into()))?;
                let checked = dfns_networks::eip712::check(object)
                    .map_err(|reason| Error::SignatureInvalid(reason.0))?;
                if let (Some(domain), Some(network_chain)) = (checked.chain_id, network.chain_id)
                    && domain != network_chain
                {
                    return Err(Error::TypedDataWrongChain {
                        domain,
                        network: wallet.network.clone(),
                        network_chain,
                    });
                }
                let part = |name: &str| object.get(name).cloned().unwrap_or_default();
                SignaturePayload::Eip712 {
                    types: part("types"),
                    domain: part("domain"),
                    message: part("message"),
                }
            }
            SignWhat::Hash(hash) => {
                let digits = hash.strip_prefix("0x").unwrap_or(hash);
                if digits.len() != 64 || hex::decode(digits).is_err() {
                    return Err(Error::SignatureInvalid(
                        "a hash is 32 bytes: 0x and 64 hex digits".into(),
                    ));
                }
                SignaturePayload::Hash { hash: format!("0x{}", digits.to_ascii_lowercase()) }
            }
        };
        let body = json(&SignatureRequest {
            payload,
            blockchain_kind: None,
            network: None,
            external_id: Some(external_id()?),
        })?;
        let intent = intent::signature_intent(&body, &wallet).map_err(internal)?;
        let path = format!("/wallets/{}/signatures", wallet.id);
        let kind = ActionKind::Signature;
        let warnings =
            if matches!(what, SignWhat::Hash(_)) { vec![Warning::RawHash] } else { Vec::new() };
        let draft = Draft { kind, method: "POST", path, body, intent, warnings };
        self.journal_draft(owner, draft).await
    }

    /// Journals the creation of one more wallet, on one of `offered` networks.
    pub async fn prepare_create_wallet(
        &self,
        owner: &str,
        network: &str,
        name: Option<String>,
        offered: &[String],
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        if !offered.iter().any(|n| n == network) || dfns_networks::network(network).is_none() {
            return Err(Error::NetworkUnsupported(network.to_owned()));
        }
        let body = json(&CreateWalletRequest {
            network: network.to_owned(),
            name,
            external_id: Some(external_id()?),
            tags: None,
            delegate_to: None,
        })?;
        let intent = intent::create_wallet_intent(&body).map_err(internal)?;
        let kind = ActionKind::CreateWallet;
        let path = "/wallets".to_owned();
        let draft = Draft { kind, method: "POST", path, body, intent, warnings: Vec::new() };
        self.journal_draft(owner, draft).await
    }

    /// Makes a new passkey with `new_passkeys` (e.g. a security key as a backup) for a Dfns
    /// challenge, and journals adding it; confirming signs with a passkey the account has.
    pub async fn prepare_add_passkey(
        &self,
        owner: &str,
        new_passkeys: &Passkeys,
        name: &str,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(Error::PasskeyNameInvalid);
        }
        let challenge = self
            .dfns
            .call(
                |dfns| async move { dfns.create_credential_challenge(CredentialKind::Fido2).await },
            )
            .await?;
        let credential =
            new_passkeys.add(&challenge, Some(name.to_owned()), prompter, cancel).await?;
        let body = json(&CreateCredentialRequest {
            credential_kind: credential.credential_kind,
            credential_info: credential.credential_info,
            credential_name: name.to_owned(),
            challenge_identifier: challenge.challenge_identifier,
            encrypted_private_key: None,
        })?;
        let intent = intent::add_passkey_intent(&body).map_err(internal)?;
        let kind = ActionKind::AddPasskey;
        let path = "/auth/credentials".to_owned();
        let draft = Draft { kind, method: "POST", path, body, intent, warnings: Vec::new() };
        self.journal_draft(owner, draft).await
    }

    /// Makes a new recovery kit (its code waits in `secrets` to be shown) and journals adding it
    /// to the account; confirming signs with a passkey the account has.
    pub async fn prepare_add_recovery_kit(
        &self,
        owner: &str,
        secrets: &Arc<dyn SecretStore>,
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let challenge = self
            .dfns
            .call(|dfns| async move {
                dfns.create_credential_challenge(CredentialKind::RecoveryKey).await
            })
            .await?;
        let request =
            crate::recovery::new_kit_request(secrets, &challenge.user.name, &challenge).await?;
        let body = json(&request)?;
        let intent = intent::add_passkey_intent(&body).map_err(internal)?;
        let kind = ActionKind::AddPasskey;
        let path = "/auth/credentials".to_owned();
        let draft = Draft { kind, method: "POST", path, body, intent, warnings: Vec::new() };
        self.journal_draft(owner, draft).await
    }

    /// Journals deactivating a passkey; warns when it is the last active one.
    pub async fn prepare_deactivate_passkey(
        &self,
        owner: &str,
        credential_uuid: &str,
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let credentials = self.credentials().await?;
        let target = credentials
            .iter()
            .find(|c| c.credential_uuid == credential_uuid)
            .ok_or_else(|| Error::PasskeyUnknown(credential_uuid.to_owned()))?;
        if !target.is_active {
            return Err(Error::PasskeyUnknown(credential_uuid.to_owned()));
        }
        // A recovery kit signs nothing but a recovery: it does not keep the account usable.
        let others = credentials.iter().filter(|c| {
            c.is_active
                && c.credential_uuid != credential_uuid
                && c.kind != CredentialKind::RecoveryKey
        });
        let warnings =
            if others.count() == 0 { vec![Warning::LastActivePasskey] } else { Vec::new() };
        let body = json(&CredentialUuidRequest { credential_uuid: credential_uuid.to_owned() })?;
        let intent = intent::deactivate_passkey_intent(&body).map_err(internal)?;
        let kind = ActionKind::DeactivatePasskey;
        let path = "/auth/credentials/deactivate".to_owned();
        self.journal_draft(owner, Draft { kind, method: "PUT", path, body, intent, warnings }).await
    }

    async fn journal_draft(&self, owner: &str, draft: Draft<'_>) -> Result<Prepared> {
        let intent_json = json(&draft.intent)?;
        let warnings_json = json(&draft.warnings)?;
        let operation = self
            .journal
            .record(
                &NewOperation {
                    kind: draft.kind.as_str(),
                    owner,
                    external_id: draft.intent.external_id(),
                    method: draft.method,
                    path: &draft.path,
                    body: &draft.body,
                    intent: &intent_json,
                    warnings: &warnings_json,
                },
                self.clock.now_ms(),
            )
            .await?;
        tracing::info!(operation = %operation.id, kind = draft.kind.as_str(), "action prepared");
        Ok(Prepared { operation_id: operation.id, intent: draft.intent, warnings: draft.warnings })
    }

    async fn wallet(&self, wallet_id: &str) -> Result<Wallet> {
        self.reads
            .cached_wallets()
            .await?
            .into_iter()
            .map(|view| view.wallet)
            .find(|wallet| wallet.id == wallet_id)
            .ok_or_else(|| Error::WalletUnknown(wallet_id.to_owned()))
    }

    /// The wallet, the asset asked for, and the network's coin as held (zero when the wallet
    /// holds none).
    async fn wallet_and_asset(
        &self,
        wallet_id: &str,
        asset: &AssetRef,
    ) -> Result<(Wallet, Asset, NativeCoin)> {
        let view = self
            .reads
            .cached_wallets()
            .await?
            .into_iter()
            .find(|view| view.wallet.id == wallet_id)
            .ok_or_else(|| Error::WalletUnknown(wallet_id.to_owned()))?;
        let assets = view.assets.map(|assets| assets.assets).unwrap_or_default();
        let native = assets
            .iter()
            .find(|candidate| candidate.kind == AssetKind::Native)
            .map(|coin| NativeCoin { balance: balance_of(coin), quotes: coin.quotes.clone() })
            .unwrap_or_default();
        let found = assets.into_iter().find(|candidate| match asset {
            AssetRef::Native => candidate.kind == AssetKind::Native,
            AssetRef::Erc20 { contract } => {
                candidate.kind == AssetKind::Erc20
                    && candidate
                        .contract
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case(contract))
            }
            AssetRef::Spl { mint } => candidate.mint.as_deref() == Some(mint.as_str()),
        });
        let asset = found.ok_or(Error::AssetUnknown)?;
        Ok((view.wallet, asset, native))
    }
}

/// What a wallet holds of its network's coin, which pays every fee.
#[derive(Debug, Clone, Default)]
struct NativeCoin {
    balance: BaseUnits,
    quotes: Option<Quotes>,
}

fn balance_of(asset: &Asset) -> BaseUnits {
    BaseUnits::parse_base(&asset.balance).unwrap_or_default()
}

fn network_of(wallet: &Wallet) -> Result<&'static Network> {
    dfns_networks::network(&wallet.network)
        .ok_or_else(|| Error::NetworkUnsupported(wallet.network.clone()))
}

/// A new `externalId`: `sigil-` and 16 random bytes in hex.
fn external_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| Error::Randomness(error.to_string()))?;
    Ok(format!("sigil-{}", hex::encode(bytes)))
}
