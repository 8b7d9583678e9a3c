//! Load on one receiver, on loopback with a local DHT node only: 50 concurrent senders of
//! 10 MiB each found through the DHT, excess senders refused as busy, and garbage floods (TCP
//! connections to the `--listen` port, datagrams to the DHT port) during a transfer. Figures
//! (wall time, the receiver's peak RSS, flood counts) are printed, never asserted:
//! `cargo test --test e2e load:: -- --nocapture`.
//!
//! Which port each flood targets, and why: in DHT mode the receiver has no fixed TCP port (it
//! listens for ICE-TCP on passive candidate ports only while a connection is being set up,
//! for a few milliseconds on loopback), so garbage TCP goes to the fixed port of
//! `receive --listen`, where every connection reaches the TLS accept path; garbage datagrams
//! go to the DHT port of a receiver in DHT mode, the socket its announcement and incoming
//! offers depend on.
//!
//! Each test of this file takes the machine alone (`common::alone`): they would share two cores
//! with each other and with timed tests of other files, and their figures would mix.

use crate::common::procs::*;
use crate::common::real::*;
use crate::common::*;
use rand::{Rng, SeedableRng};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SENDERS: usize = 50;
const FILE_BYTES: usize = 10 << 20;
/// Bound on the whole 50-sender run (it takes seconds; this only stops a hang).
const LOAD_LIMIT: Duration = Duration::from_secs(180);

/// `n` files of `len` bytes in `dir`, named `PREFIX-NN.bin`, each of its own content (seeds
/// from `seed` on).
fn distinct_files(dir: &Path, prefix: &str, n: usize, len: usize, seed: u64) -> Vec<PathBuf> {
    (0..n)
        .map(|i| seeded_file(dir, &format!("{prefix}-{i:02}.bin"), len, seed + i as u64))
        .collect()
}

/// Each of `senders` sends its file of `sources` to `to` through the DHT at `node`, all at
/// once, with `extra` options; waits for every one (each at most `limit`).
fn send_all_via_dht(
    senders: &[Device],
    sources: &[PathBuf],
    to: &Device,
    node: &BootstrapNode,
    extra: &[&str],
    limit: Duration,
) -> Vec<Finished> {
    let running: Vec<Receiving> = senders
        .iter()
        .zip(sources)
        .map(|(alice, source)| {
            Receiving::run(send_via_dht(
                alice,
                source,
                &to.device_id,
                &node.addr(),
                extra,
            ))
        })
        .collect();
    running.into_iter().map(|r| r.finish(limit)).collect()
}

/// Wait for the send `sender` (at most `limit`), then for the receiver's `done` for `source`:
/// both succeed, and the file kept in `inbox` is `source` by Python's SHA3. `what` names the
/// send in failures. Returns the receiver's `done`.
fn verified(
    what: &str,
    sender: Receiving,
    limit: Duration,
    receiving: &mut Receiving,
    inbox: &Path,
    source: &Path,
) -> serde_json::Value {
    let sent = sender.finish(limit);
    assert!(sent.status.success(), "{what}: {}", sent.stderr);
    let name = source.file_name().unwrap().to_str().unwrap();
    let done = receiving.wait_matching("done", |e| e["name"] == name);
    let digest = python_sha3(source);
    assert_eq!(done["sha3_256"], digest.as_str(), "{what}");
    assert_eq!(python_sha3(&inbox.join(name)), digest, "{what}");
    done
}

#[test]
fn fifty_concurrent_senders_of_10_mib_through_the_dht_all_verified() {
    let _machine = alone();
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let inbox = work.path().join("inbox");
    let bob = Device::new();
    let mut receiving = Receiving::start_dht(
        &bob,
        &inbox,
        &node.addr(),
        &["--yes", "--max-concurrent", "64"],
    );
    let senders: Vec<Device> = (0..SENDERS).map(|_| Device::new()).collect();
    let sources = distinct_files(work.path(), "load", SENDERS, FILE_BYTES, 0);
    let expected = python_sha3_many(&sources);

    let started = Instant::now();
    let finished = send_all_via_dht(&senders, &sources, &bob, &node, &[], LOAD_LIMIT);
    let wall = started.elapsed();
    let slowest = finished.iter().map(|f| f.elapsed).max().unwrap_or_default();

    for (i, f) in finished.iter().enumerate() {
        assert!(
            f.status.success(),
            "sender {i}: {:?}\n{}",
            f.status,
            f.stderr
        );
        let done = f.event("done").expect("the sender's done event");
        assert_eq!(done["sha3_256"], expected[i].as_str(), "sender {i}");
    }
    for _ in 0..SENDERS {
        receiving.wait_for("done");
    }
    // Read before the receiver stops: the peak of the whole run.
    let peak = peak_rss_kib(receiving.child.id()).expect("VmHWM of the receiver");
    assert!(receiving.still_running());

    let kept: Vec<PathBuf> = sources
        .iter()
        .map(|s| inbox.join(s.file_name().unwrap()))
        .collect();
    assert_eq!(python_sha3_many(&kept), expected, "kept files differ");
    let mut names: Vec<String> = sources
        .iter()
        .map(|s| s.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        entries(&inbox),
        names,
        "exactly the 50 files, no temporary file"
    );

    let mib = (SENDERS * FILE_BYTES) as f64 / (1 << 20) as f64;
    eprintln!(
        "load: {SENDERS} senders x {} MiB through the DHT: all verified; wall {:.2} s \
         (slowest sender {:.2} s, {:.0} MiB/s overall); receiver peak RSS (VmHWM) {:.1} MiB",
        FILE_BYTES >> 20,
        wall.as_secs_f64(),
        slowest.as_secs_f64(),
        mib / wall.as_secs_f64(),
        peak as f64 / 1024.0
    );
}

#[test]
fn senders_beyond_max_concurrent_are_refused_as_busy_not_left_waiting() {
    let _machine = alone();
    const MAX: usize = 4;
    const TRIES: usize = 12;
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let inbox = work.path().join("inbox");
    let bob = Device::new();
    let mut receiving = Receiving::start_dht(
        &bob,
        &inbox,
        &node.addr(),
        &["--yes", "--max-concurrent", &MAX.to_string()],
    );
    let senders: Vec<Device> = (0..TRIES).map(|_| Device::new()).collect();
    // 3 MiB at 1 MiB/s: every accepted transfer holds its slot ~3 s, far longer than the
    // spread of the senders' arrivals.
    let sources = distinct_files(work.path(), "busy", TRIES, 3 << 20, 100);
    let expected = python_sha3_many(&sources);
    let started = Instant::now();
    let finished = send_all_via_dht(
        &senders,
        &sources,
        &bob,
        &node,
        &["--limit-rate", "1M"],
        Duration::from_secs(90),
    );
    let (mut kept, mut busy) = (0, 0);
    let mut refused_after = Vec::new();
    for (i, f) in finished.iter().enumerate() {
        match f.status.code() {
            Some(0) => {
                kept += 1;
                let name = sources[i].file_name().unwrap();
                assert_eq!(
                    python_sha3_many(&[inbox.join(name)])[0],
                    expected[i],
                    "sender {i}"
                );
            }
            Some(1) => {
                busy += 1;
                refused_after.push(f.elapsed);
                assert!(
                    f.stderr.contains("busy"),
                    "sender {i}: a refusal that does not say busy: {}",
                    f.stderr
                );
                let refused = f.event("refused").expect("a refused event");
                assert!(refused["reason"].as_str().unwrap().contains("busy"));
            }
            other => panic!("sender {i} exited {other:?}: {}", f.stderr),
        }
    }
    assert!(
        busy >= 1,
        "no sender was refused with {MAX} slots and {TRIES} senders"
    );
    assert!(
        kept >= MAX,
        "only {kept} transfers went through {MAX} slots"
    );
    // The receiver's own record of the refusals (some may still be in its pipe): offers
    // beyond the slots are dropped when opened, before anything is gathered, and counted.
    let is_busy = |e: &serde_json::Value| {
        e["event"] == "dropped" && e["reason"].as_str().is_some_and(|r| r.contains("busy"))
    };
    let mut refusals = receiving.seen.iter().filter(|e| is_busy(e)).count();
    while refusals < busy {
        receiving.wait_matching("dropped", is_busy);
        refusals += 1;
    }
    assert!(receiving.still_running());
    let slowest_refusal = refused_after.iter().max().copied().unwrap_or_default();
    eprintln!(
        "busy: --max-concurrent {MAX}, {TRIES} senders of 3 MiB at 1 MiB/s: {kept} kept and \
         verified, {busy} refused as busy (exit 1, slowest refusal after {:.2} s); all done in \
         {:.2} s",
        slowest_refusal.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

fn junk(rng: &mut impl Rng, n: usize) -> Vec<u8> {
    (0..n).map(|_| rng.gen()).collect()
}

/// One garbage TCP connection of kind `kind`; returns whether it connected.
fn garbage_connection(addr: SocketAddr, kind: u32, rng: &mut impl Rng) -> bool {
    let Ok(mut tcp) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return false;
    };
    let _ = tcp.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(1)));
    match kind {
        // Connect and leave at once.
        0 => {}
        // Random bytes, then close.
        1 => {
            let n = rng.gen_range(1..4096);
            let _ = tcp.write_all(&junk(rng, n));
        }
        // A TLS handshake record header with a random body (the parser gets further).
        2 => {
            let mut record = vec![0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc];
            record.extend(junk(rng, 512));
            let _ = tcp.write_all(&record);
            let _ = tcp.read(&mut [0u8; 256]);
        }
        // ferry's transfer header in clear text, where TLS is expected.
        3 => {
            let _ = tcp.write_all(b"Content-Length: 5\nDisplay-Name: x\nOffset: 0\n\nhello");
            let _ = tcp.read(&mut [0u8; 256]);
        }
        // A huge TLS record length, then a half-close.
        _ => {
            let _ = tcp.write_all(&[0x16, 0x03, 0x03, 0xff, 0xff]);
            let _ = tcp.shutdown(std::net::Shutdown::Write);
            let _ = tcp.read(&mut [0u8; 256]);
        }
    }
    true
}

const TCP_GARBAGE: u64 = 1_000;
const IDLE_HOLDERS: usize = 20;

#[test]
fn garbage_tcp_connections_to_the_listen_port_during_a_transfer() {
    let _machine = alone();
    let seed = seed("tcp flood");
    let work = tempfile::tempdir().unwrap();
    let inbox = work.path().join("inbox");
    let (alice, bob) = (Device::new(), Device::new());
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes"]);
    let addr: SocketAddr = receiving.addr.parse().unwrap();
    let source = seeded_file(work.path(), "during-tcp-flood.bin", 16 << 20, seed);

    // Connections that say nothing: the receiver must not wait for them forever.
    let holders: Vec<(TcpStream, Instant)> = (0..IDLE_HOLDERS)
        .map(|_| (TcpStream::connect(addr).unwrap(), Instant::now()))
        .collect();

    let mut sender = Receiving::run(send_direct(
        &alice,
        [&source],
        &bob.device_id,
        &receiving.addr,
        &["--json", "--limit-rate", "4M"],
    ));
    receiving.wait_for("accepted");

    let flood_started = Instant::now();
    let deadline = flood_started + Duration::from_secs(60);
    let next = Arc::new(AtomicU64::new(0));
    let connected = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..16u64)
        .map(|t| {
            let (next, connected) = (next.clone(), connected.clone());
            std::thread::spawn(move || {
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ t);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= TCP_GARBAGE || Instant::now() > deadline {
                        return;
                    }
                    if garbage_connection(addr, (i % 5) as u32, &mut rng) {
                        connected.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let flood_time = flood_started.elapsed();
    let attempted = next.load(Ordering::Relaxed).min(TCP_GARBAGE);
    let connected = connected.load(Ordering::Relaxed);
    assert_eq!(attempted, TCP_GARBAGE, "the flood ran out of time");
    assert!(
        sender.still_running(),
        "the transfer ended before the flood did: nothing was tested"
    );

    let done = verified(
        "send during the flood",
        sender,
        Duration::from_secs(90),
        &mut receiving,
        &inbox,
        &source,
    );
    assert!(receiving.still_running(), "the receiver died in the flood");

    // The silent connections are closed by the receiver (TLS handshake timeout, 10 s).
    let mut closed_after = Vec::new();
    for (mut tcp, opened) in holders {
        tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut byte = [0u8; 1];
        let n = tcp.read(&mut byte);
        // Closed is an end of stream or a reset; a read that timed out is still open.
        let closed = match &n {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
        };
        assert!(
            closed && opened.elapsed() < Duration::from_secs(25),
            "an idle connection was not closed: {n:?} after {:?}",
            opened.elapsed()
        );
        closed_after.push(opened.elapsed());
    }

    // Still serving: a second transfer goes through.
    let small = seeded_file(work.path(), "after-tcp-flood.bin", 100_000, seed + 1);
    let after = Receiving::run(send_direct(
        &alice,
        [&small],
        &bob.device_id,
        &receiving.addr,
        &[],
    ));
    verified(
        "a send after the flood",
        after,
        Duration::from_secs(60),
        &mut receiving,
        &inbox,
        &small,
    );
    assert_eq!(
        final_names(&inbox),
        vec!["after-tcp-flood.bin", "during-tcp-flood.bin"]
    );
    let errors = receiving
        .seen
        .iter()
        .filter(|e| e["event"] == "error")
        .count();
    eprintln!(
        "tcp flood: {attempted} garbage connections ({connected} connected) in {:.2} s to the \
         --listen port during a 16 MiB transfer: verified in {:.2} s; receiver up, {errors} \
         error events seen so far; {IDLE_HOLDERS} silent connections closed by the receiver \
         after {:.1}-{:.1} s; a second transfer went through",
        flood_time.as_secs_f64(),
        done["seconds"].as_f64().unwrap_or_default(),
        closed_after.iter().min().unwrap().as_secs_f64(),
        closed_after.iter().max().unwrap().as_secs_f64(),
    );
}

fn msgpack(value: &rmpv::Value) -> Vec<u8> {
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, value).unwrap();
    out
}

/// Hand-made malformed msgpack: bombs and lies about sizes and types.
fn crafted(rng: &mut impl Rng) -> Vec<u8> {
    use rmpv::Value as V;
    let s = |t: &str| V::String(t.into());
    let bin = |n: usize, rng: &mut dyn rand::RngCore| {
        let mut b = vec![0u8; n];
        rng.fill_bytes(&mut b);
        V::Binary(b)
    };
    match rng.gen_range(0..9) {
        // Nesting far past any depth limit: arrays of one array of one array...
        0 => {
            let depth = rng.gen_range(200..1400);
            let mut p = vec![0x91; depth];
            p.push(0xc0);
            p
        }
        // Lengths far larger than the datagram (str32, bin32, array32, map32).
        1 => {
            let mut p = vec![0x81, 0xa1, b'a'];
            p.push([0xdb, 0xc6, 0xdd, 0xdf][rng.gen_range(0..4)]);
            p.extend_from_slice(&u32::MAX.to_be_bytes());
            p.extend((0..rng.gen_range(0..64)).map(|_| rng.gen::<u8>()));
            p
        }
        // The right keys with the wrong types.
        2 => msgpack(&V::Map(vec![
            (s("y"), V::from(rng.gen::<i64>())),
            (s("q"), V::Array(vec![V::Nil, V::F64(1.5)])),
            (s("a"), s("not a map")),
            (s("t"), V::from(-1)),
        ])),
        // A request whose ids are the wrong size.
        3 => msgpack(&V::Map(vec![
            (s("y"), s("q")),
            (
                s("q"),
                s(["get", "put", "listen", "find", "refresh"][rng.gen_range(0..5)]),
            ),
            (s("t"), V::from(rng.gen::<u32>())),
            (
                s("a"),
                V::Map(vec![
                    (s("id"), bin(rng.gen_range(0..40), rng)),
                    (s("h"), bin(rng.gen_range(0..40), rng)),
                    (s("target"), V::Boolean(true)),
                ]),
            ),
        ])),
        // A reply nobody asked for, well formed.
        4 => msgpack(&V::Map(vec![
            (s("y"), s("r")),
            (s("t"), V::from(rng.gen::<u32>())),
            (
                s("r"),
                V::Map(vec![
                    (s("id"), bin(20, rng)),
                    (s("n4"), bin(rng.gen_range(0..300), rng)),
                ]),
            ),
            (s("v"), s("RNG1")),
        ])),
        // A value part for an assembly that was never announced, at a random offset.
        5 => msgpack(&V::Map(vec![
            (s("y"), s("p")),
            (s("t"), V::from(rng.gen::<u32>())),
            (
                s("p"),
                V::Map(vec![(
                    V::from(0),
                    V::Map(vec![
                        (s("o"), V::from(rng.gen::<u32>())),
                        (s("d"), bin(rng.gen_range(0..1200), rng)),
                    ]),
                )]),
            ),
        ])),
        // Not a map at all.
        6 => msgpack(
            &[
                V::Nil,
                V::F64(f64::NAN),
                V::Ext(-1, vec![0; 12]),
                V::Array(vec![s("y"), s("q")]),
                V::from(u64::MAX),
            ][rng.gen_range(0..5)],
        ),
        // An error message with a bad payload.
        7 => msgpack(&V::Map(vec![
            (s("y"), s("e")),
            (s("t"), V::from(rng.gen::<u32>())),
            (s("e"), V::Array(vec![s("code"), V::from(401)])),
        ])),
        // A map header promising more pairs than follow.
        _ => {
            let mut p = vec![0xdf];
            p.extend_from_slice(&rng.gen_range(16u32..u32::MAX).to_be_bytes());
            p.extend_from_slice(b"\xa1y\xa1q");
            p
        }
    }
}

/// One garbage datagram: random bytes, a mutated captured message, or crafted msgpack.
fn garbage_datagram(i: u32, seeds: &[Vec<u8>], rng: &mut impl Rng) -> Vec<u8> {
    let mut packet = seeds[rng.gen_range(0..seeds.len())].clone();
    match i % 5 {
        0 => (0..rng.gen_range(1..1400)).map(|_| rng.gen()).collect(),
        1 => {
            for _ in 0..rng.gen_range(1..8) {
                let at = rng.gen_range(0..packet.len());
                packet[at] ^= 1 << rng.gen_range(0..8);
            }
            packet
        }
        2 => {
            packet.truncate(rng.gen_range(0..packet.len()));
            packet
        }
        3 => {
            let at = rng.gen_range(0..=packet.len());
            let extra: Vec<u8> = (0..rng.gen_range(1..64)).map(|_| rng.gen()).collect();
            packet.splice(at..at, extra);
            packet
        }
        _ => crafted(rng),
    }
}

const DHT_GARBAGE: u32 = 10_000;

#[test]
fn garbage_dht_datagrams_to_the_receiver_during_a_transfer() {
    let _machine = alone();
    let seed = seed("dht flood");
    let node = BootstrapNode::start();
    let work = tempfile::tempdir().unwrap();
    let inbox = work.path().join("inbox");
    let (alice, bob) = (Device::new(), Device::new());
    let mut receiving = Receiving::start_dht(&bob, &inbox, &node.addr(), &["--yes"]);
    let online = receiving
        .seen
        .iter()
        .find(|e| e["event"] == "online")
        .cloned()
        .expect("online event");
    let ports: Vec<u16> = online["dht"]
        .as_array()
        .expect("dht addresses")
        .iter()
        .filter_map(|a| a.as_str()?.parse::<SocketAddr>().ok())
        .map(|a| a.port())
        .collect();
    let port = *ports.first().expect("a DHT port in the online event");
    let mut targets = vec![SocketAddr::from(([127, 0, 0, 1], port))];
    let v6 = UdpSocket::bind("[::1]:0").ok();
    if v6.is_some() && online["dht"].to_string().contains("[::]") {
        targets.push(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)));
    }

    let source = seeded_file(work.path(), "during-dht-flood.bin", 16 << 20, seed);
    let mut sender = Receiving::run(send_via_dht(
        &alice,
        &source,
        &bob.device_id,
        &node.addr(),
        &["--limit-rate", "4M"],
    ));
    receiving.wait_for("accepted");

    let seeds = captured_datagrams();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let v4 = UdpSocket::bind("127.0.0.1:0").unwrap();
    let flood_started = Instant::now();
    let deadline = flood_started + Duration::from_secs(60);
    let (mut sent, mut failed) = (0u32, 0u32);
    let mut by_target = vec![0u32; targets.len()];
    for i in 0..DHT_GARBAGE {
        if Instant::now() > deadline {
            break;
        }
        let packet = garbage_datagram(i, &seeds, &mut rng);
        let t = (i as usize) % targets.len();
        let socket = if targets[t].is_ipv4() {
            &v4
        } else {
            v6.as_ref().unwrap()
        };
        match socket.send_to(&packet, targets[t]) {
            Ok(_) => {
                sent += 1;
                by_target[t] += 1;
            }
            Err(_) => failed += 1,
        }
        if i % 500 == 499 {
            // Let the node drain its socket now and then: dropped by the kernel is not tested.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let flood_time = flood_started.elapsed();
    assert_eq!(sent + failed, DHT_GARBAGE, "the flood ran out of time");
    assert!(receiving.still_running(), "the receiver died in the flood");
    assert!(
        sender.still_running(),
        "the transfer ended before the flood did: nothing was tested"
    );

    eprintln!(
        "dht flood: {sent} garbage datagrams ({failed} not sent; to {targets:?}: {by_target:?}) \
         in {:.2} s to the receiver's DHT port during a 16 MiB transfer; receiver up",
        flood_time.as_secs_f64()
    );
    let done = verified(
        "send during the flood",
        sender,
        Duration::from_secs(90),
        &mut receiving,
        &inbox,
        &source,
    );
    eprintln!(
        "dht flood: the transfer verified in {:.2} s",
        done["seconds"].as_f64().unwrap_or_default()
    );

    // Its DHT node still answers (past the one-second rate window of the flood's address).
    std::thread::sleep(Duration::from_millis(1100));
    let probe = tempfile::tempdir().unwrap();
    let pong = Receiving::run({
        let mut cmd = std::process::Command::new(ferry_bin());
        cmd.env("FERRY_HOME", probe.path())
            .env("FERRY_NO_DISCOVERY", "1")
            .args(["--json", "--bootstrap", "none", "dht", "ping"])
            .arg(targets[0].to_string());
        cmd
    })
    .finish(Duration::from_secs(30));
    assert!(pong.status.success(), "dht ping after the flood: {pong:?}");
    assert!(pong.event("pong").is_some(), "{pong:?}");

    // And it is still found on the DHT and served: a second transfer.
    let small = seeded_file(work.path(), "after-dht-flood.bin", 100_000, seed + 1);
    let after = Receiving::run(send_via_dht(
        &alice,
        &small,
        &bob.device_id,
        &node.addr(),
        &[],
    ));
    verified(
        "a send after the flood",
        after,
        Duration::from_secs(90),
        &mut receiving,
        &inbox,
        &small,
    );
    assert_eq!(
        final_names(&inbox),
        vec!["after-dht-flood.bin", "during-dht-flood.bin"]
    );
    assert!(receiving.still_running());
    eprintln!("dht flood: `dht ping` answered; a second transfer through the DHT went through");
}

/// What the flood above runs into, on its own: a few well-formed pings, each with a new random
/// node id, all from one UDP socket. The node must not hand those ids out as contacts in its
/// `find` replies, since none of them ever answered a request (OpenDHT gives out only nodes
/// that replied recently); else every lookup through it is sent to nodes that do not exist,
/// and puts near it fail ("no node accepted the value").
#[test]
fn spoofed_node_ids_from_one_socket_are_not_handed_out_as_contacts() {
    // Ten pings and a bounded poll: light, but bounded in time.
    let _machine = timed();
    let home = tempfile::tempdir().unwrap();
    let mut node = KillOnDrop(
        std::process::Command::new(ferry_bin())
            .env("FERRY_HOME", home.path())
            .env("FERRY_NO_DISCOVERY", "1")
            .args(["--json", "--bootstrap", "none", "dht", "node"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Its first line gives its addresses (bounded: the node prints it once bound).
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(node.0.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let info: serde_json::Value = serde_json::from_str(&first).unwrap();
    let port: u16 = info["ipv4"]
        .as_str()
        .and_then(|a| a.rsplit(':').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no IPv4 address in {first}"));
    let target = SocketAddr::from(([127, 0, 0, 1], port));
    // A node that does answer (a real `dhtnode` that joins through this one): it must be given
    // out, which shows the reply below is read right and not empty by accident.
    let honest = have_dhtnode().then(|| DhtNode::start(Some(port)));

    let spoofer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let spoofer_port = spoofer.local_addr().unwrap().port();
    let ping = |id: [u8; 20]| {
        let mut p = b"\x84\xa1a\x81\xa2id\xc4\x14".to_vec();
        p.extend_from_slice(&id);
        p.extend_from_slice(b"\xa1q\xa4ping\xa1t\x01\xa1y\xa1q");
        p
    };
    for _ in 0..10 {
        spoofer.send_to(&ping(rand::random()), target).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));

    // A find from another socket: which contacts does the node give out?
    let asker = UdpSocket::bind("127.0.0.1:0").unwrap();
    asker
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    use rmpv::Value as V;
    let s = |t: &str| V::String(t.into());
    let field = |v: &V, k: &str| -> Option<V> {
        v.as_map()?
            .iter()
            .find(|(key, _)| key.as_str() == Some(k))
            .map(|(_, v)| v.clone())
    };
    let find_contacts = |t: u32| -> Vec<SocketAddr> {
        let find = msgpack(&V::Map(vec![
            (
                s("a"),
                V::Map(vec![
                    (s("id"), V::Binary(rand::random::<[u8; 20]>().to_vec())),
                    (s("target"), V::Binary(rand::random::<[u8; 20]>().to_vec())),
                    (s("w"), V::Array(vec![V::from(2)])),
                ]),
            ),
            (s("q"), s("find")),
            (s("t"), V::from(t)),
            (s("y"), s("q")),
        ]));
        asker.send_to(&find, target).unwrap();
        let mut buf = [0u8; 2048];
        let (n, _) = asker.recv_from(&mut buf).expect("a find reply");
        let reply = rmpv::decode::read_value(&mut &buf[..n]).unwrap();
        // A reply, not an error: an error carries no contacts and would pass below.
        assert_eq!(
            field(&reply, "y"),
            Some(s("r")),
            "not a find reply: {reply}"
        );
        // `n4` is left out when there is no contact.
        let n4 = field(&reply, "r")
            .and_then(|r| field(&r, "n4"))
            .and_then(|b| b.as_slice().map(<[u8]>::to_vec))
            .unwrap_or_default();
        n4.chunks_exact(26)
            .map(|c| {
                SocketAddr::from((
                    [c[20], c[21], c[22], c[23]],
                    u16::from_be_bytes([c[24], c[25]]),
                ))
            })
            .collect()
    };
    let mut contacts = find_contacts(7);
    if let Some(honest) = &honest {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut t = 7;
        while !contacts.iter().any(|a| a.port() == honest.port) {
            assert!(
                Instant::now() < deadline,
                "the answering dhtnode on {} is never given out: {contacts:?}",
                honest.port
            );
            std::thread::sleep(Duration::from_millis(200));
            t += 1;
            contacts = find_contacts(t);
        }
    }
    let spoofed = contacts.iter().filter(|a| a.port() == spoofer_port).count();
    drop(node);
    eprintln!(
        "spoofed ids: 10 pings with random ids from 127.0.0.1:{spoofer_port}; the find reply \
         lists {} contacts ({}), {spoofed} of them that spoofing socket",
        contacts.len(),
        match &honest {
            Some(h) => format!("the answering dhtnode on {} among them", h.port),
            None => "no dhtnode to answer".into(),
        }
    );
    assert_eq!(
        spoofed, 0,
        "nodes that never answered are given out as contacts: {contacts:?}"
    );
}
