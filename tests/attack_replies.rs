//! A sender that never reads. An authenticated peer whose set was accepted streams empty
//! entries back to back and never reads the receiver's `OK` lines: they fill the socket buffers
//! (its own receive buffer is made small), the receiver's reply write cannot complete, and the
//! receiver stops reading. It must not wait forever: within the idle limit (`IDLE_TIMEOUT`) it
//! gives up, reports an error for that transfer, drops the connection and the set's part
//! directory, and meanwhile it serves an honest sender.
//! Timings are printed: `cargo test --test e2e attack_replies:: -- --nocapture`.

use crate::common::procs::{final_names, stray_hidden, PARTS_DIR};
use crate::common::*;
use ferry::proto::transfer::deadline::IDLE_TIMEOUT;
use ferry::proto::transfer::{sha3_256, Header};
use socket2::{Domain, Protocol, Socket, Type};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The hostile set's transfer id.
const TID: &str = "badc0ffee0";
/// Entries the hostile set declares: more than it ever sends, so it never completes.
const OFFERED: u64 = 1_000_000;
/// Most entries sent before giving up on filling the buffers (the attack failed then).
const MAX_ENTRIES: u64 = 200_000;
/// Entries per write.
const BATCH: u64 = 500;
/// A write blocked this long: the receiver has stopped reading.
const STALL: Duration = Duration::from_secs(2);
/// Longest the flooding may take.
const ATTACK_LIMIT: Duration = Duration::from_secs(30);
/// On top of `IDLE_TIMEOUT`: how long after the stall the receiver may still hold the
/// connection.
const MARGIN: Duration = Duration::from_secs(25);
/// The hostile side's socket buffers: a few thousand `OK` lines fill them.
const SOCKET_BUFFER: usize = 4096;

/// How the flooding ended.
struct Flood {
    entries: u64,
    took: Duration,
    /// A write blocked for [`STALL`]: the receiver stopped reading.
    stalled: bool,
    /// A write failed: the receiver closed the connection while it was being flooded.
    failed: Option<String>,
}

/// An empty entry of the hostile set: its header and its end record.
fn entry(i: u64) -> Vec<u8> {
    let mut out = Header {
        size: Some(0),
        name: format!("flood/f{i:06}"),
        transfer_id: TID.into(),
        ..Header::default()
    }
    .encode();
    out.push(b'E');
    out.extend_from_slice(&sha3_256(b""));
    out
}

/// The hostile sender, as `device`: offer a set to `addr`, flood it with entries without ever
/// reading, say how that ended on `flooded`; then, once told on `read_now`, read what is left
/// and say whether the receiver closed the connection (`Ok`: how) or still holds it (`Err`).
fn never_reads(
    device: Device,
    addr: String,
    flooded: mpsc::Sender<Flood>,
    read_now: mpsc::Receiver<()>,
) -> Result<String, String> {
    block_on(async move {
        // Small buffers, set before connecting: the receiver's `OK`s fill them quickly.
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        socket.set_recv_buffer_size(SOCKET_BUFFER).unwrap();
        socket.set_send_buffer_size(SOCKET_BUFFER).unwrap();
        // A small segment size too: the receiver sizes its send buffer by it.
        socket.set_tcp_mss(536).unwrap();
        let to: std::net::SocketAddr = addr.parse().unwrap();
        socket.connect(&to.into()).expect("connect");
        socket.set_nonblocking(true).unwrap();
        let tcp = tokio::net::TcpStream::from_std(socket.into()).unwrap();
        let mut tls = tls_over(&device, tcp).await;
        let offer = Header {
            size: Some(0),
            name: "flood".into(),
            transfer_id: TID.into(),
            entries: Some(OFFERED),
            ..Header::default()
        };
        tls.write_all(&offer.encode()).await.expect("offer");
        let mut go = [0u8; 3];
        tokio::time::timeout(WAIT, tls.read_exact(&mut go))
            .await
            .expect("an answer to the offer")
            .expect("reading the answer");
        assert_eq!(&go, b"GO\n");

        let started = Instant::now();
        let mut flood = Flood {
            entries: 0,
            took: Duration::ZERO,
            stalled: false,
            failed: None,
        };
        while flood.entries < MAX_ENTRIES && started.elapsed() < ATTACK_LIMIT {
            let batch: Vec<u8> = (flood.entries..flood.entries + BATCH)
                .flat_map(entry)
                .collect();
            match tokio::time::timeout(STALL, tls.write_all(&batch)).await {
                Ok(Ok(())) => flood.entries += BATCH,
                Ok(Err(err)) => {
                    flood.failed = Some(err.to_string());
                    break;
                }
                Err(_) => {
                    flood.stalled = true;
                    break;
                }
            }
        }
        flood.took = started.elapsed();
        let _ = flooded.send(flood);

        // Not a byte read until the test says so (it gives up after its own bound).
        if read_now.recv_timeout(IDLE_TIMEOUT + MARGIN + WAIT).is_err() {
            return Err("never told to read".to_string());
        }
        // The `OK`s still buffered, then the end: bounded in bytes and time.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut buf = vec![0u8; 64 * 1024];
        let mut read = 0usize;
        while read < 64 << 20 {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, tls.read(&mut buf)).await {
                Ok(Ok(0)) => return Ok(format!("end of stream after {read} bytes")),
                Ok(Ok(n)) => read += n,
                Ok(Err(err)) => return Ok(format!("{err} after {read} bytes")),
                Err(_) => break,
            }
        }
        Err(format!("still open after reading {read} bytes"))
    })
}

#[test]
fn a_sender_that_never_reads_its_oks_is_dropped_at_the_idle_limit() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, mallory) = (Device::new(), Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);

    let (flooded_tx, flooded) = mpsc::channel();
    let (read_now, read_now_rx) = mpsc::channel();
    let addr = receiving.addr.clone();
    let attacker = std::thread::spawn(move || never_reads(mallory, addr, flooded_tx, read_now_rx));
    let flood = flooded
        .recv_timeout(WAIT + ATTACK_LIMIT)
        .expect("the hostile sender flooded the receiver");
    let stalled_at = Instant::now();
    eprintln!(
        "flooded {} empty entries in {:.2} s, then: {}",
        flood.entries,
        flood.took.as_secs_f64(),
        match (&flood.failed, flood.stalled) {
            (Some(err), _) => format!("a write failed ({err})"),
            (None, true) => format!("a write blocked for {STALL:?}"),
            (None, false) => "neither blocked nor failed".to_string(),
        }
    );
    assert!(
        flood.stalled || flood.failed.is_some(),
        "the receiver kept reading {} entries whose OKs were never read",
        flood.entries
    );

    // Meanwhile an honest sender is served.
    let source = random_file(work.path(), "honest.bin", 200_000);
    let out = send_direct(&alice, [&source], &bob.device_id, &receiving.addr, &[])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "honest send: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = receiving.wait_for("done");
    assert_eq!(done["name"], "honest.bin", "{done}");
    assert_eq!(
        std::fs::read(inbox.join("honest.bin")).unwrap(),
        std::fs::read(&source).unwrap()
    );
    let honest_after = stalled_at.elapsed();

    // Within the idle limit (and a margin), the receiver gives up on the hostile transfer.
    let limit = IDLE_TIMEOUT + MARGIN;
    // The hostile transfer's error, named by its id.
    let of_hostile = |e: &serde_json::Value| e["transfer_id"] == TID;
    let error = match receiving
        .seen
        .iter()
        .find(|e| e["event"] == "error" && of_hostile(e))
    {
        Some(error) => Some(error.clone()),
        None => receiving.wait_matching_within(
            "error",
            limit.saturating_sub(stalled_at.elapsed()),
            of_hostile,
        ),
    };
    let held = stalled_at.elapsed();
    let Some(error) = error else {
        panic!(
            "the receiver still holds the connection of a sender that stopped reading, {:.1} s \
             after the stall (limit {limit:?}); no error event",
            held.as_secs_f64()
        );
    };
    eprintln!(
        "honest sender served {:.2} s after the stall; the receiver's error {:.1} s after the \
         stall: {}",
        honest_after.as_secs_f64(),
        held.as_secs_f64(),
        error["reason"]
    );
    // Given up for the reason this test is about: the sender stopped taking the `OK`s.
    let reason = error["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("the sender stopped reading"), "{error}");

    // The hostile side finds the connection closed.
    read_now.send(()).unwrap();
    let ending = attacker.join().expect("the hostile sender's thread");
    eprintln!("the hostile sender, reading at last: {ending:?}");
    ending.unwrap_or_else(|open| panic!("the receiver did not close: {open}"));

    // Nothing of the set is kept: no final name, no stray hidden name, no part directory
    // (its removal may take a moment after the event: bounded).
    let deadline = Instant::now() + Duration::from_secs(20);
    while !entries(&inbox.join(PARTS_DIR)).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(final_names(&inbox), vec!["honest.bin"]);
    assert!(stray_hidden(&inbox).is_empty(), "{:?}", entries(&inbox));
    assert!(
        entries(&inbox.join(PARTS_DIR)).is_empty(),
        "{:?}",
        entries(&inbox.join(PARTS_DIR))
    );
    assert!(receiving.still_running());
}
