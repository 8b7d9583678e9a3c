//! `--to` pins the peer: a receiver that is not the named device is refused during TLS.

use crate::common::*;

#[test]
fn sending_to_another_device_id_is_refused_in_tls() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, mallory) = (Device::new(), Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let source = random_file(work.path(), "secret.bin", 1000);
    // Mallory listens where Alice believes Bob is.
    let mut receiving = Receiving::start(&mallory, &inbox, &["--yes"]);
    let sent = alice
        .ferry()
        .arg("send")
        .arg(&source)
        .args(["--to", &bob.device_id, "--peer-addr", &receiving.addr])
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&sent.stderr);
    assert!(stderr.contains("identity mismatch"), "{stderr}");
    assert!(stderr.contains(&bob.device_id), "{stderr}");
    assert!(stderr.contains(&mallory.device_id), "{stderr}");
    // The receiver saw a failed handshake, never an offer, and is still up.
    receiving.wait_for("error");
    assert!(receiving.still_running());
    assert!(!receiving.seen.iter().any(|e| e["event"] == "offer"));
    assert!(entries(&inbox).is_empty());
}
