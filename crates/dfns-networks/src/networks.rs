//! The networks Sigil and the emulator support, with what their users need to know about each:
//! its family (which decides keys, addresses and signature kinds), its EVM chain id, its native
//! asset, the name people read, whether it is a test network, and a public block explorer.

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

/// Where a network's transactions and addresses are shown on the web: URL templates with
/// `{hash}` or `{address}` in place of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explorer {
    /// A transaction's page, with `{hash}`.
    pub transaction: &'static str,
    /// An address's page, with `{address}`.
    pub address: &'static str,
}

/// An explorer whose pages are `BASE/tx/{hash}SUFFIX` and `BASE/address/{address}SUFFIX`, as
/// Etherscan and its kin, mempool.space and Solana's explorer all lay them out.
macro_rules! explorer {
    ($base:literal) => {
        explorer!($base, "")
    };
    ($base:literal, $suffix:literal) => {
        Explorer {
            transaction: concat!($base, "/tx/{hash}", $suffix),
            address: concat!($base, "/address/{address}", $suffix),
        }
    };
}

/// A supported network.
#[derive(Debug)]
pub struct Network {
    /// The Dfns network name, e.g. `EthereumSepolia`.
    pub name: &'static str,
    /// The name people read, e.g. `Ethereum Sepolia`.
    pub display_name: &'static str,
    /// A test network: its coins have no value.
    pub testnet: bool,
    /// A public block explorer (a company may name another in its configuration).
    pub explorer: Explorer,
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

    /// Whether `hash` is written as this network's transaction ids are: `0x` and 64 hex digits
    /// (EVM), 64 hex digits (Bitcoin), a base58 signature of 64 bytes (Solana).
    pub fn is_transaction_hash(&self, hash: &str) -> bool {
        let hex64 = |text: &str| text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit());
        match self.family {
            Family::Evm => hash.strip_prefix("0x").is_some_and(hex64),
            Family::Bitcoin => hex64(hash),
            Family::Solana => bs58::decode(hash).into_vec().is_ok_and(|bytes| bytes.len() == 64),
        }
    }
}

/// What every network has besides its family's defaults.
#[derive(Clone, Copy)]
struct Names {
    name: &'static str,
    display_name: &'static str,
    testnet: bool,
    explorer: Explorer,
}

/// The network `names` of `family`, with its chain id and native asset.
const fn network_of(
    names: Names,
    family: Family,
    chain_id: Option<u64>,
    native_symbol: &'static str,
    native_decimals: u8,
) -> Network {
    let Names { name, display_name, testnet, explorer } = names;
    Network {
        name,
        display_name,
        testnet,
        explorer,
        family,
        chain_id,
        native_symbol,
        native_decimals,
    }
}

const fn evm(names: Names, chain_id: u64, native_symbol: &'static str) -> Network {
    network_of(names, Family::Evm, Some(chain_id), native_symbol, 18)
}

const fn bitcoin(names: Names) -> Network {
    network_of(names, Family::Bitcoin, None, "BTC", 8)
}

const fn solana(names: Names) -> Network {
    network_of(names, Family::Solana, None, "SOL", 9)
}

/// A main network.
const fn main(name: &'static str, display_name: &'static str, explorer: Explorer) -> Names {
    Names { name, display_name, testnet: false, explorer }
}

/// A test network.
const fn test(name: &'static str, display_name: &'static str, explorer: Explorer) -> Names {
    Names { name, display_name, testnet: true, explorer }
}

static NETWORKS: [Network; 14] = [
    evm(main("Ethereum", "Ethereum", explorer!("https://etherscan.io")), 1, "ETH"),
    evm(
        test("EthereumSepolia", "Ethereum Sepolia", explorer!("https://sepolia.etherscan.io")),
        11_155_111,
        "ETH",
    ),
    evm(main("Base", "Base", explorer!("https://basescan.org")), 8453, "ETH"),
    evm(
        test("BaseSepolia", "Base Sepolia", explorer!("https://sepolia.basescan.org")),
        84_532,
        "ETH",
    ),
    evm(main("Polygon", "Polygon", explorer!("https://polygonscan.com")), 137, "POL"),
    evm(
        test("PolygonAmoy", "Polygon Amoy", explorer!("https://amoy.polygonscan.com")),
        80_002,
        "POL",
    ),
    evm(main("ArbitrumOne", "Arbitrum One", explorer!("https://arbiscan.io")), 42_161, "ETH"),
    evm(
        test("ArbitrumSepolia", "Arbitrum Sepolia", explorer!("https://sepolia.arbiscan.io")),
        421_614,
        "ETH",
    ),
    bitcoin(main("Bitcoin", "Bitcoin", explorer!("https://mempool.space"))),
    bitcoin(test(
        "BitcoinTestnet4",
        "Bitcoin Testnet4",
        explorer!("https://mempool.space/testnet4"),
    )),
    bitcoin(test("BitcoinSignet", "Bitcoin Signet", explorer!("https://mempool.space/signet"))),
    // Gone from Dfns's latest spec; still accepted for clients written against older SDKs.
    bitcoin(test(
        "BitcoinTestnet3",
        "Bitcoin Testnet3",
        explorer!("https://mempool.space/testnet"),
    )),
    solana(main("Solana", "Solana", explorer!("https://explorer.solana.com"))),
    solana(test(
        "SolanaDevnet",
        "Solana Devnet",
        explorer!("https://explorer.solana.com", "?cluster=devnet"),
    )),
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
