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
