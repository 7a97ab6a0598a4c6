use super::*;

#[test]
fn every_network_the_issue_names_is_supported_with_its_family_chain_id_and_asset() {
    let expected: [(&str, Family, Option<u64>, &str, u8); 14] = [
        ("Ethereum", Family::Evm, Some(1), "ETH", 18),
        ("EthereumSepolia", Family::Evm, Some(11_155_111), "ETH", 18),
        ("Base", Family::Evm, Some(8453), "ETH", 18),
        ("BaseSepolia", Family::Evm, Some(84_532), "ETH", 18),
        ("Polygon", Family::Evm, Some(137), "POL", 18),
        ("PolygonAmoy", Family::Evm, Some(80_002), "POL", 18),
        ("ArbitrumOne", Family::Evm, Some(42_161), "ETH", 18),
        ("ArbitrumSepolia", Family::Evm, Some(421_614), "ETH", 18),
        ("Bitcoin", Family::Bitcoin, None, "BTC", 8),
        ("BitcoinTestnet4", Family::Bitcoin, None, "BTC", 8),
        ("BitcoinSignet", Family::Bitcoin, None, "BTC", 8),
        ("BitcoinTestnet3", Family::Bitcoin, None, "BTC", 8),
        ("Solana", Family::Solana, None, "SOL", 9),
        ("SolanaDevnet", Family::Solana, None, "SOL", 9),
    ];
    for (name, family, chain_id, symbol, decimals) in expected {
        let found = network(name).unwrap_or_else(|| panic!("{name} is supported"));
        assert_eq!(
            (found.name, found.family, found.chain_id, found.native_symbol, found.native_decimals),
            (name, family, chain_id, symbol, decimals)
        );
    }
    assert_eq!(networks().len(), expected.len());
}

#[test]
fn unknown_or_unsupported_network_names_are_not_found() {
    for name in ["", "ethereum", "Dogecoin", "Tron", "KeyECDSA", "Ethereum "] {
        assert!(network(name).is_none(), "{name:?}");
    }
}

#[test]
fn evm_and_bitcoin_networks_use_ecdsa_secp256k1_and_solana_eddsa_ed25519() {
    for network in networks() {
        let (scheme, curve) = match network.family {
            Family::Evm | Family::Bitcoin => ("ECDSA", "secp256k1"),
            Family::Solana => ("EdDSA", "ed25519"),
        };
        assert_eq!((network.curve().scheme(), network.curve().name()), (scheme, curve));
    }
}

#[test]
fn family_names_are_the_blockchain_kind_values_and_read_back() {
    assert_eq!(network("BaseSepolia").map(Network::family_name), Some("Evm"));
    assert_eq!(network("BitcoinSignet").map(Network::family_name), Some("Bitcoin"));
    assert_eq!(network("SolanaDevnet").map(Network::family_name), Some("Solana"));
    for family in [Family::Evm, Family::Bitcoin, Family::Solana] {
        assert_eq!(Family::from_name(family.name()), Some(family));
    }
    assert_eq!(Family::from_name("Tron"), None);
    assert_eq!(Family::from_name("evm"), None);
}

#[test]
fn every_network_has_a_readable_name_a_testnet_mark_and_an_https_explorer() {
    for network in networks() {
        // The id with its words apart: "EthereumSepolia" reads "Ethereum Sepolia".
        assert_eq!(network.display_name.replace(' ', ""), network.name);
        let mainnet = matches!(
            network.name,
            "Ethereum" | "Base" | "Polygon" | "ArbitrumOne" | "Bitcoin" | "Solana"
        );
        assert_eq!(network.testnet, !mainnet, "{}", network.name);
        let Explorer { transaction, address } = network.explorer;
        assert!(transaction.starts_with("https://") && address.starts_with("https://"));
        assert_eq!(transaction.matches("{hash}").count(), 1, "{transaction}");
        assert_eq!(address.matches("{address}").count(), 1, "{address}");
    }
    let sepolia = network("EthereumSepolia").expect("known");
    assert_eq!(sepolia.display_name, "Ethereum Sepolia");
    assert_eq!(sepolia.explorer.transaction, "https://sepolia.etherscan.io/tx/{hash}");
    let devnet = network("SolanaDevnet").expect("known");
    assert_eq!(
        devnet.explorer.address,
        "https://explorer.solana.com/address/{address}?cluster=devnet"
    );
}

#[test]
fn a_transaction_hash_must_be_written_as_its_network_writes_them() {
    let evm = network("Ethereum").expect("known");
    let hash = format!("0x{}", "ab".repeat(32));
    assert!(evm.is_transaction_hash(&hash));
    assert!(!evm.is_transaction_hash(&hash[2..]), "no 0x");
    assert!(!evm.is_transaction_hash(&format!("{hash}/../../phish")), "nothing after it");
    let bitcoin = network("Bitcoin").expect("known");
    assert!(bitcoin.is_transaction_hash(&"0f".repeat(32)));
    assert!(!bitcoin.is_transaction_hash(&hash));
    let solana = network("Solana").expect("known");
    assert!(solana.is_transaction_hash(&bs58::encode([7u8; 64]).into_string()));
    assert!(!solana.is_transaction_hash(&bs58::encode([7u8; 32]).into_string()), "an address");
    assert!(!solana.is_transaction_hash("?cluster=mainnet"));
}
