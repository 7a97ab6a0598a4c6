use super::*;

#[test]
fn a_fido_report_descriptor_is_recognised_by_its_usage_page() {
    // The start of a YubiKey's FIDO interface descriptor: Usage Page (FIDO Alliance), Usage (U2F).
    assert!(is_fido(&[0x06, 0xD0, 0xF1, 0x09, 0x01, 0xA1, 0x01]));
    // A keyboard: Usage Page (Generic Desktop), Usage (Keyboard).
    assert!(!is_fido(&[0x05, 0x01, 0x09, 0x06, 0xA1, 0x01]));
    assert!(!is_fido(&[]));
}

#[test]
fn a_fido_key_this_user_cannot_open_gets_the_udev_hint_and_a_keyboard_does_not() {
    let root = tempfile::tempdir().expect("temp dir");
    let (sysfs, dev) = (root.path().join("sys"), root.path().join("dev"));
    for (name, descriptor) in
        [("hidraw0", vec![0x05, 0x01, 0x09, 0x06]), ("hidraw1", vec![0x06, 0xD0, 0xF1])]
    {
        std::fs::create_dir_all(sysfs.join(name).join("device")).expect("dir");
        std::fs::write(sysfs.join(name).join("device/report_descriptor"), descriptor)
            .expect("write");
    }
    std::fs::create_dir_all(&dev).expect("dir");
    // The keyboard's node is unreadable too: that alone must not raise the hint.
    assert_eq!(access_problem(&sysfs, &dev), None, "no FIDO node exists yet");
    std::fs::write(dev.join("hidraw1"), b"").expect("node");
    assert_eq!(access_problem(&sysfs, &dev), None, "the FIDO node opens");
    // A directory stands for a node that cannot be opened read-write (EISDIR is not EACCES),
    // so the hint needs a real permission refusal; as root every open succeeds, so this part
    // checks the wording through a node made unreadable when the test is not run as root.
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(dev.join("hidraw1"), std::fs::Permissions::from_mode(0o000))
        .expect("chmod");
    let refused =
        std::fs::OpenOptions::new().read(true).write(true).open(dev.join("hidraw1")).is_err();
    let hint = access_problem(&sysfs, &dev);
    if refused {
        let hint = hint.expect("the FIDO key is named");
        assert!(
            hint.contains("hidraw1") && hint.contains("fido_id") && hint.contains("udevadm"),
            "{hint}"
        );
    } else {
        assert_eq!(hint, None, "root opens every node");
    }
}
