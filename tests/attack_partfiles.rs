//! Attacks on the receiver's part files, against the real binary in direct mode: a second
//! accepted sender that names its transfer after the first one's part file cannot touch the
//! file kept from it; a symbolic link (or a hard link) planted under a part file's name in a
//! shared receive directory is never written through, and nothing about its target (length,
//! digest) reaches the sender; a planted `.ferry-parts` link is refused.
//!
//! Each fails on the main of issue 11 (`FERRY_TEST_BIN=/work/baseline/ferry`), where part files
//! were named beside the files by a key anyone computes or by the sender's transfer id.

use crate::common;
use crate::common::*;
use ferry::net::partfile::resume_key;
use ferry::proto::transfer::{sha3_256, Header};
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::client::TlsStream;

type Tls = TlsStream<tokio::net::TcpStream>;

fn record(data: &[u8]) -> Vec<u8> {
    let mut out = vec![b'D'];
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
    out
}

fn end(data: &[u8]) -> Vec<u8> {
    let mut out = vec![b'E'];
    out.extend_from_slice(&sha3_256(data));
    out
}

/// `data` as body records of at most 256 KiB, then its end record.
fn body(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in data.chunks(256 * 1024) {
        out.extend(record(chunk));
    }
    out.extend(end(data));
    out
}

/// The receiver's answer line to an offer (`GO\n`, `GO HAVE DIGEST\n`, `NO reason\n`).
async fn answer_line(tls: &mut Tls) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    // Bounded: an answer line is short, and the whole read is under a timeout.
    let read = tokio::time::timeout(WAIT, async {
        while line.len() < 4096 {
            match tls.read(&mut byte).await {
                Ok(1) => {
                    line.push(byte[0]);
                    if byte[0] == b'\n' {
                        break;
                    }
                }
                _ => break,
            }
        }
    });
    read.await.expect("an answer within the wait");
    String::from_utf8_lossy(&line).into_owned()
}

/// Send `data` as `header` over a fresh TLS connection as `device`, the way a sender whose
/// copy does not match any resumed prefix would (`O` 0 after `GO HAVE DIGEST`): the answer
/// line, and everything the receiver said after the body.
fn offer_and_send(device: &Device, addr: &str, header: Header, data: &[u8]) -> (String, String) {
    block_on(async {
        let mut tls = raw_tls(device, addr).await;
        tls.write_all(&header.encode()).await.unwrap();
        let go = answer_line(&mut tls).await;
        if !go.starts_with("GO") {
            return (go, String::new());
        }
        if go != "GO\n" {
            // Start at 0: what a real sender does when the receiver's prefix differs.
            let mut start = vec![b'O'];
            start.extend_from_slice(&0u64.to_be_bytes());
            let _ = tls.write_all(&start).await;
        }
        let _ = tls.write_all(&body(data)).await;
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(WAIT, tls.read_to_end(&mut rest)).await;
        (go, String::from_utf8_lossy(&rest).into_owned())
    })
}

/// A file the test owns, standing for a root-owned 0600 file in a shared directory.
fn victim(dir: &Path, name: &str) -> (std::path::PathBuf, Vec<u8>) {
    let path = dir.join(name);
    let bytes = b"root:$6$secret-hash:19000:0:99999:7:::\n".repeat(100);
    std::fs::write(&path, &bytes).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    (path, bytes)
}

/// The private part-file directory as a receiver of this build would create it (the test
/// runs as the receiver's user, so it can plant things there too).
fn parts_dir(inbox: &Path) -> std::path::PathBuf {
    let parts = inbox.join(common::procs::PARTS_DIR);
    std::fs::create_dir_all(&parts).unwrap();
    std::fs::set_permissions(&parts, std::fs::Permissions::from_mode(0o700)).unwrap();
    parts
}

/// Attack: Carol, accepted like anyone under `--yes`, opens a streamed transfer whose transfer
/// id is the key of the part file Alice's `A.bin` will resume into, and keeps it open while
/// Alice sends `A.bin`; once Alice's file is verified and kept, Carol sends her bytes (a shell
/// script). The kept `A.bin` must stay byte-identical to what Alice sent.
#[test]
fn a_second_sender_naming_the_first_ones_part_file_cannot_change_the_kept_file() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, carol) = (Device::new(), Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    let addr = receiving.addr.clone();
    let size = 3 << 20;
    let source = random_file(work.path(), "A.bin", size);
    let original = std::fs::read(&source).unwrap();
    let key = resume_key(&alice.account_id, "A.bin", size as u64);

    // Carol's stream, named after Alice's part file, accepted and left open.
    let (to_carol, carol_go) = std::sync::mpsc::channel::<String>();
    let (carol_may_send, go_on) = std::sync::mpsc::channel::<()>();
    let carol_thread = {
        let (addr, key) = (addr.clone(), key.clone());
        std::thread::spawn(move || {
            block_on(async {
                let mut tls = raw_tls(&carol, &addr).await;
                let header = Header {
                    size: None,
                    name: "A.bin".into(),
                    transfer_id: key,
                    ..Header::default()
                };
                tls.write_all(&header.encode()).await.unwrap();
                let go = answer_line(&mut tls).await;
                to_carol.send(go.clone()).unwrap();
                if go != "GO\n" {
                    return String::new();
                }
                // A few bytes now, the rest once Alice's file is kept.
                tls.write_all(&record(b"#!/bin/sh\n")).await.unwrap();
                tls.flush().await.unwrap();
                let _ = go_on.recv_timeout(WAIT);
                let mut script = b"#!/bin/sh\n".to_vec();
                script.extend(b"echo owned # padding to reach the disk\n".repeat(60_000));
                let mut rest = record(&script[10..]);
                rest.extend(end(&script));
                let _ = tls.write_all(&rest).await;
                let mut answer = Vec::new();
                let _ = tokio::time::timeout(WAIT, tls.read_to_end(&mut answer)).await;
                String::from_utf8_lossy(&answer).into_owned()
            })
        })
    };
    let go = carol_go.recv_timeout(WAIT).unwrap();
    assert_eq!(go, "GO\n", "Carol's stream is accepted");
    receiving.wait_matching("accepted", |e| e["transfer_id"] == key.as_str());

    // Alice's file arrives whole and verified, and is kept.
    let sent = send_direct(&alice, [&source], &bob.device_id, &addr, &[])
        .output()
        .unwrap();
    assert!(sent.status.success(), "{sent:?}");
    let done = receiving.wait_matching("done", |e| e["name"] == "A.bin");
    let kept = std::path::PathBuf::from(done["path"].as_str().unwrap());
    assert_eq!(kept, inbox.join("A.bin"));
    assert_eq!(std::fs::read(&kept).unwrap(), original);

    // Carol goes on, and finishes her stream.
    carol_may_send.send(()).unwrap();
    // The receiver has written (and answered) her stream by the time she hears back.
    let carol_answer = carol_thread.join().unwrap();
    let now = std::fs::read(&kept).unwrap();
    assert!(
        now == original,
        "A.bin changed after it was kept and verified: now {} bytes, starting {:?} \
         (Carol was told {carol_answer:?})",
        now.len(),
        String::from_utf8_lossy(&now[..now.len().min(24)])
    );
    assert_eq!(python_sha3(&kept), python_sha3(&source));
    // Carol's stream was a transfer of its own: verified and kept under another name.
    assert!(carol_answer.starts_with("OK"), "{carol_answer:?}");
    let hers = receiving.wait_matching("done", |e| e["transfer_id"] == key.as_str());
    assert_eq!(
        hers["path"].as_str(),
        Some(inbox.join("A (1).bin").to_str().unwrap())
    );
    assert!(receiving.still_running());
}

/// Attack: links planted under part-file names in a shared receive directory, pointing to a
/// file the receiver's user can write (a stand-in for a root-owned 0600 file):
/// - a symbolic link under a resumable part file's name (anyone computes it from the sender's
///   account, the name and the size);
/// - a hard link under another resumable name;
/// - a symbolic link under the name a one-shot (streamed) transfer's part file had.
///
/// Each transfer must start at 0 (a plain `GO`: no length or digest of the target reaches the
/// sender), arrive whole, and leave every target byte-identical.
#[test]
fn planted_links_under_part_file_names_are_never_written_through_nor_reported() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let parts = parts_dir(&inbox);
    let outside = work.path().join("etc");
    std::fs::create_dir_all(&outside).unwrap();

    // A symbolic link under the resumable part file of B.bin (both layouts: beside the files,
    // as today's main names it, and in the private directory).
    let b_data = b"the real B.bin\n".repeat(5_000);
    let b_key = resume_key(&alice.account_id, "B.bin", b_data.len() as u64);
    let (shadow, shadow_bytes) = victim(&outside, "shadow");
    symlink(&shadow, inbox.join(format!(".B.bin.{b_key}.ferry-part"))).unwrap();
    symlink(&shadow, parts.join(format!("resume-{b_key}.part"))).unwrap();

    // A hard link under the resumable part file of C.bin (same filesystem).
    let c_data = b"the real C.bin\n".repeat(5_000);
    let c_key = resume_key(&alice.account_id, "C.bin", c_data.len() as u64);
    let (gshadow, gshadow_bytes) = victim(&outside, "gshadow");
    std::fs::hard_link(&gshadow, inbox.join(format!(".C.bin.{c_key}.ferry-part"))).unwrap();
    std::fs::hard_link(&gshadow, parts.join(format!("resume-{c_key}.part"))).unwrap();

    // A symbolic link under the name a stream's part file had (the sender's transfer id).
    let d_data = b"the real D.bin\n".repeat(5_000);
    let (sudoers, sudoers_bytes) = victim(&outside, "sudoers");
    symlink(&sudoers, inbox.join(".D.bin.cafe0001.ferry-part")).unwrap();

    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    let addr = receiving.addr.clone();
    let offers = [
        ("B.bin", Some(b_data.len() as u64), "b0b0", &b_data),
        ("C.bin", Some(c_data.len() as u64), "c0c0", &c_data),
        ("D.bin", None, "cafe0001", &d_data),
    ];
    // Every offer is tried before judging, so that a failure shows all that went wrong.
    let mut wrong = Vec::new();
    for (name, size, tid, data) in offers {
        let header = Header {
            size,
            name: name.into(),
            transfer_id: tid.into(),
            ..Header::default()
        };
        let (go, rest) = offer_and_send(&alice, &addr, header, data);
        if go != "GO\n" {
            wrong.push(format!(
                "{name}: answered {go:?}, not a plain GO (a resume must start from 0 and say \
                 nothing of what a link points to)"
            ));
        }
        if !rest.starts_with("OK") {
            wrong.push(format!("{name}: not kept, the sender was told {rest:?}"));
            continue;
        }
        let done = receiving.wait_matching("done", |e| e["transfer_id"] == tid);
        let kept = std::path::PathBuf::from(done["path"].as_str().unwrap());
        let regular = kept.symlink_metadata().is_ok_and(|m| m.is_file());
        if kept != inbox.join(name) || !regular || &std::fs::read(&kept).unwrap() != data {
            wrong.push(format!(
                "{name}: kept as {kept:?} (a regular file: {regular}), not as sent"
            ));
        }
    }
    for (path, bytes) in [
        (&shadow, &shadow_bytes),
        (&gshadow, &gshadow_bytes),
        (&sudoers, &sudoers_bytes),
    ] {
        let now = std::fs::read(path).unwrap();
        if &now != bytes {
            wrong.push(format!(
                "{} was written through a planted link: {} bytes, was {}",
                path.display(),
                now.len(),
                bytes.len()
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(receiving.still_running());
    // The receiver said why it did not resume (B.bin: a symbolic link, C.bin: two links).
    receiving.interrupt();
    let (_, stderr, _) = receiving.wait_exit();
    for why in ["symbolic link", "more than one link"] {
        assert!(stderr.contains(why), "no {why:?} in the log: {stderr}");
    }
}

/// A `.ferry-parts` that is a symbolic link (to a directory the attacker reads) is refused:
/// the offer gets a clear `NO`, nothing is written there, and the receiver stays up.
#[test]
fn a_planted_parts_directory_link_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, inbox.join(common::procs::PARTS_DIR)).unwrap();
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    let header = Header {
        size: Some(5),
        name: "e.txt".into(),
        transfer_id: "e0e0".into(),
        ..Header::default()
    };
    let (go, _) = offer_and_send(&alice, &receiving.addr, header, b"hello");
    assert!(go.starts_with("NO"), "{go:?}");
    let err = receiving.wait_for("error");
    assert!(
        err["reason"].as_str().unwrap().contains("symbolic link"),
        "{err}"
    );
    assert_eq!(entries(&elsewhere), Vec::<String>::new());
    assert_eq!(common::procs::final_names(&inbox), Vec::<String>::new());
    std::thread::sleep(Duration::from_millis(50));
    assert!(receiving.still_running());
}
