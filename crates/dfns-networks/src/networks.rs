//! The networks Sigil and the emulator support, with what their users need to know about each:
//! its family (which decides keys, addresses and signature kinds), its EVM chain id and its native
//! asset.

#[cfg(test)]
mod tests;

/// The kind of blockchain a network belongs to (Dfns's `blockchainKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Ethereum and the EVM chains.
    Evm,
    /// Bitcoin and its test networks.
    Bitcoin,
    /// Solana.
    Solana,
}

impl Family {
    /// The `blockchainKind` value Dfns uses for this family.
    pub fn name(self) -> &'static str {
        match self {
            Self::Evm => "Evm",
            Self::Bitcoin => "Bitcoin",
            Self::Solana => "Solana",
        }
    }

    /// The family of a `blockchainKind` value, if it is supported.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "Evm" => Some(Self::Evm),
            "Bitcoin" => Some(Self::Bitcoin),
            "Solana" => Some(Self::Solana),
            _ => None,
        }
    }

    /// The signature kinds (`POST /wallets/{id}/signatures` `kind`) Dfns signs for wallets of
    /// this family, of those the emulator and Sigil know.
    pub fn signature_kinds(self) -> &'static [&'static str] {
        match self {
            Self::Evm => &["Hash", "Message", "Eip191", "Eip712", "Transaction"],
            Self::Bitcoin => &["Hash"],
            Self::Solana => &["Message"],
        }
    }

    /// The curve of the keys this family signs with.
    pub fn curve(self) -> Curve {
        match self {
            Self::Evm | Self::Bitcoin => Curve::Secp256k1,
            Self::Solana => Curve::Ed25519,
        }
    }
}

/// The elliptic curve of a wallet key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    /// secp256k1, signed with ECDSA (EVM, Bitcoin).
    Secp256k1,
    /// ed25519, signed with EdDSA (Solana).
    Ed25519,
}

impl Curve {
    /// The Dfns `signingKey.scheme`: `ECDSA` or `EdDSA`.
    pub fn scheme(self) -> &'static str {
        match self {
            Self::Secp256k1 => "ECDSA",
            Self::Ed25519 => "EdDSA",
        }
    }

    /// The Dfns `signingKey.curve`: `secp256k1` or `ed25519`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Secp256k1 => "secp256k1",
            Self::Ed25519 => "ed25519",
        }
    }
}

/// A supported network.
#[derive(Debug)]
pub struct Network {
    /// The Dfns network name, e.g. `EthereumSepolia`.
    pub name: &'static str,
    /// The kind of chain.
    pub family: Family,
    /// The EIP-155 chain id (EVM networks only).
    pub chain_id: Option<u64>,
    /// The symbol of the native asset; test networks use their mainnet's symbol, as Dfns does.
    pub native_symbol: &'static str,
    /// The decimals of the native asset.
    pub native_decimals: u8,
}

impl Network {
    /// The curve of this network's keys.
    pub fn curve(&self) -> Curve {
        self.family.curve()
    }

    /// The `blockchainKind` value: `Evm`, `Bitcoin` or `Solana`.
    pub fn family_name(&self) -> &'static str {
        self.family.name()
    }
}

const fn evm(name: &'static str, chain_id: u64, native_symbol: &'static str) -> Network {
    Network {
        name,
        family: Family::Evm,
        chain_id: Some(chain_id),
        native_symbol,
        native_decimals: 18,
    }
}

const fn bitcoin(name: &'static str) -> Network {
    Network {
        name,
        family: Family::Bitcoin,
        chain_id: None,
        native_symbol: "BTC",
        native_decimals: 8,
    }
}

const fn solana(name: &'static str) -> Network {
    Network {
        name,
        family: Family::Solana,
        chain_id: None,
        native_symbol: "SOL",
        native_decimals: 9,
    }
}

static NETWORKS: [Network; 14] = [
    evm("Ethereum", 1, "ETH"),
    evm("EthereumSepolia", 11_155_111, "ETH"),
    evm("Base", 8453, "ETH"),
    evm("BaseSepolia", 84_532, "ETH"),
    evm("Polygon", 137, "POL"),
    evm("PolygonAmoy", 80_002, "POL"),
    evm("ArbitrumOne", 42_161, "ETH"),
    evm("ArbitrumSepolia", 421_614, "ETH"),
    bitcoin("Bitcoin"),
    bitcoin("BitcoinTestnet4"),
    bitcoin("BitcoinSignet"),
    // Gone from Dfns's latest spec; still accepted for clients written against older SDKs.
    bitcoin("BitcoinTestnet3"),
    solana("Solana"),
    solana("SolanaDevnet"),
];

/// The supported network named `name` (Dfns's spelling, case-sensitive): one of Ethereum,
/// EthereumSepolia, Base, BaseSepolia, Polygon, PolygonAmoy, ArbitrumOne, ArbitrumSepolia,
/// Bitcoin, BitcoinTestnet4, BitcoinSignet, BitcoinTestnet3, Solana, SolanaDevnet.
pub fn network(name: &str) -> Option<&'static Network> {
    NETWORKS.iter().find(|network| network.name == name)
}

/// Every supported network, in the order of [`network`]'s documentation.
pub fn networks() -> &'static [Network] {
    &NETWORKS
}
