//! A verified peer that sends hostile headers and lying sizes over real TLS: each gets a clear
//! error, nothing lands outside `--dir` or under a final name, and the receiver stays up.

use crate::common::*;
use ferry::proto::transfer::{sha3_256, Header};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Connect to the receiver as `device` over TLS, send `bytes`, and if `body` is given, wait
/// for `GO` and send it too; return everything the receiver answered before closing.
fn raw_exchange(device: &Device, addr: &str, bytes: Vec<u8>, body: Option<Vec<u8>>) -> String {
    block_on(async {
        let mut tls = raw_tls(device, addr).await;
        let _ = tls.write_all(&bytes).await;
        let mut answer = Vec::new();
        if let Some(body) = body {
            let mut go = [0u8; 3];
            tls.read_exact(&mut go).await.unwrap();
            assert_eq!(&go, b"GO\n");
            answer.extend_from_slice(&go);
            let _ = tls.write_all(&body).await;
        }
        let _ = tokio::time::timeout(WAIT, tls.read_to_end(&mut answer)).await;
        String::from_utf8_lossy(&answer).into_owned()
    })
}

fn header(size: u64, name: &str) -> Vec<u8> {
    Header {
        size: Some(size),
        name: name.into(),
        transfer_id: "feed01".into(),
        ..Header::default()
    }
    .encode()
}

fn record(data: &[u8]) -> Vec<u8> {
    let mut out = vec![b'D'];
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
    out
}

fn end(digest: [u8; 32]) -> Vec<u8> {
    let mut out = vec![b'E'];
    out.extend_from_slice(&digest);
    out
}

#[test]
fn hostile_peers_get_clear_errors_and_the_receiver_stays_up() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    let addr = receiving.addr.clone();

    // A header that never ends.
    let endless =
        b"X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n".repeat(400);
    raw_exchange(&alice, &addr, endless, None);
    let err = receiving.wait_for("error");
    assert!(
        err["reason"].as_str().unwrap().contains("did not end"),
        "{err}"
    );
    // No offer was read: no transfer to name.
    assert!(err.get("transfer_id").is_none(), "{err}");

    // Garbage instead of a header.
    raw_exchange(
        &alice,
        &addr,
        b"\x16\x03\x01garbage\xff\xfe\n\n".to_vec(),
        None,
    );
    let err = receiving.wait_for("error");
    assert!(
        err["reason"].as_str().unwrap().contains("not text"),
        "{err}"
    );

    // Content-Length lower than what is sent.
    let mut body = record(b"0123456789");
    body.extend(end(sha3_256(b"0123456789")));
    let answer = raw_exchange(&alice, &addr, header(4, "short.txt"), Some(body));
    assert!(answer.contains("ERR"), "{answer}");
    let err = receiving.wait_for("error");
    assert!(
        err["reason"]
            .as_str()
            .unwrap()
            .contains("more than it declared"),
        "{err}"
    );
    // An offer was read and accepted: the error names its transfer, so that a script can
    // tell which transfer failed.
    assert_eq!(err["transfer_id"], "feed01", "{err}");

    // Content-Length higher than what is sent.
    let mut body = record(b"abc");
    body.extend(end(sha3_256(b"abc")));
    raw_exchange(&alice, &addr, header(1000, "long.txt"), Some(body));
    let err = receiving.wait_for("error");
    assert!(
        err["reason"]
            .as_str()
            .unwrap()
            .contains("ended after 3 bytes of 1000"),
        "{err}"
    );

    // A body whose digest does not match.
    let mut body = record(b"abc");
    body.extend(end(sha3_256(b"xyz")));
    raw_exchange(&alice, &addr, header(3, "bad.txt"), Some(body));
    let err = receiving.wait_for("error");
    assert!(
        err["reason"]
            .as_str()
            .unwrap()
            .contains("integrity check failed"),
        "{err}"
    );
    assert_eq!(err["transfer_id"], "feed01", "{err}");

    // Hostile names: path escapes, absolute paths, NUL and control bytes, 10 KB.
    let hostile = [
        "../../escape.txt".to_string(),
        "/etc/passwd".to_string(),
        "nul\0and\x1b[2Jcontrol".to_string(),
        "x".repeat(10_000),
    ];
    for name in &hostile {
        let data = name.as_bytes();
        let mut body = record(data);
        body.extend(end(sha3_256(data)));
        let answer = raw_exchange(&alice, &addr, header(data.len() as u64, name), Some(body));
        assert!(answer.contains("OK"), "{name:?}: {answer}");
        let done = receiving.wait_for("done");
        let path = std::path::PathBuf::from(done["path"].as_str().unwrap());
        assert_eq!(
            path.parent().unwrap(),
            inbox,
            "{name:?} escaped to {path:?}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), data);
    }
    let kept = entries(&inbox);
    assert!(kept.contains(&"escape.txt".to_string()), "{kept:?}");
    assert!(kept.contains(&"passwd".to_string()), "{kept:?}");
    assert!(kept.iter().all(|n| !n.ends_with(".ferry-part")), "{kept:?}");
    assert!(!work.path().join("escape.txt").exists());

    // Still up: an ordinary transfer goes through.
    let source = random_file(work.path(), "after.bin", 50_000);
    let status = alice
        .ferry()
        .arg("send")
        .arg(&source)
        .args(["--to", &bob.device_id, "--peer-addr", &addr])
        .status()
        .unwrap();
    assert!(status.success());
    receiving.wait_for("done");
    assert!(receiving.still_running());
    assert_eq!(
        std::fs::read(inbox.join("after.bin")).unwrap(),
        std::fs::read(&source).unwrap()
    );
}

#[test]
fn with_once_a_garbage_header_ends_the_receiver_with_an_error() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let receiving = Receiving::start(&bob, &work.path().join("inbox"), &["--yes", "--once"]);
    raw_exchange(&alice, &receiving.addr, b"hello there\n\n".to_vec(), None);
    let (status, stderr, _) = receiving.wait_exit();
    assert_eq!(status.code(), Some(2));
    assert!(stderr.contains("malformed header line"), "{stderr}");
    std::thread::sleep(Duration::from_millis(10));
}

/// A peer that trickles its header in, a byte a second, is cut off once the header deadline
/// (20 s in all, not per byte) has passed; meanwhile and afterwards the receiver serves others.
#[test]
fn a_header_that_trickles_in_is_cut_off_at_the_header_deadline() {
    let _machine = timed();
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    let addr = receiving.addr.clone();
    let slow_peer = {
        let (carol, addr) = (Device::new(), addr.clone());
        std::thread::spawn(move || {
            block_on(async {
                let started = std::time::Instant::now();
                let mut tls = raw_tls(&carol, &addr).await;
                let header = header(10, "slow.bin");
                let mut answer = Vec::new();
                // A byte a second, at most 40 (the header is longer): bounded either way.
                for byte in header.iter().take(40) {
                    if tls.write_all(&[*byte]).await.is_err() {
                        break;
                    }
                    let closed =
                        tokio::time::timeout(Duration::from_secs(1), tls.read_to_end(&mut answer))
                            .await;
                    if closed.is_ok() {
                        break;
                    }
                }
                started.elapsed()
            })
        })
    };
    // Another sender is served while the slow one trickles.
    let source = random_file(work.path(), "meanwhile.bin", 100_000);
    let status = send_direct(&alice, [&source], &bob.device_id, &addr, &[])
        .status()
        .unwrap();
    assert!(status.success());
    receiving.wait_for("done");

    let cut_after = slow_peer.join().unwrap();
    assert!(
        cut_after >= Duration::from_secs(19) && cut_after < Duration::from_secs(30),
        "the trickling peer was cut off after {cut_after:?}"
    );
    let err = receiving.wait_for("error");
    assert!(
        err["reason"]
            .as_str()
            .unwrap()
            .contains("no complete header within 20s"),
        "{err}"
    );
    assert!(receiving.still_running());
    assert_eq!(entries(&inbox), vec!["meanwhile.bin"]);
}
