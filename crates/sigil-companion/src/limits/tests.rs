use super::*;

fn of(text: &str) -> String {
    ClientAddress::of(text.parse().expect("an IP address")).to_string()
}

#[test]
fn ipv6_addresses_count_by_their_64_network() {
    assert_eq!(of("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
    assert_eq!(of("2001:db8:1:2::9"), of("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    assert_ne!(of("2001:db8:1:2::9"), of("2001:db8:1:3::9"));
    assert_eq!(of("::1"), "::/64");
}

#[test]
fn ipv4_addresses_count_alone_however_they_are_written() {
    assert_eq!(of("192.0.2.1"), "192.0.2.1");
    assert_eq!(of("::ffff:192.0.2.1"), "192.0.2.1");
    assert_ne!(of("192.0.2.1"), of("192.0.2.2"));
}
