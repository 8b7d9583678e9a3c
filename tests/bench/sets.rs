//! Sets, measured: many small files through a long link, and many 1 MiB files against one big
//! file, with the real binary on both ends.
//!
//! `cargo bench --bench sets` prints:
//! - 10,000 files of 1 KiB (`FERRY_BENCH_SET_FILES`) sent with `ferry send DIR` through a proxy
//!   on loopback that delays each direction by 50 ms (`common::delay_proxy`), handshakes
//!   included, until the sender has the receiver's last `OK`; beside `tar c DIR` copied over
//!   plain TCP through the same proxy (what `tar c | nc` does, the copy done in this process:
//!   `nc` is not always installed) until the far end has read it all and said so; the ratio;
//! - 1 GiB (`FERRY_BENCH_SET_MB`) as 1 MiB files against the same bytes as one file, direct
//!   (no proxy), the sources synced first, alternating for `FERRY_BENCH_SET_ROUNDS` rounds
//!   (default 5), the ratio of their median rates, and the median of each round's ratio.
//!
//! Under `cargo test --all-targets` it runs as a smoke check (500 small files, 64 MiB). Every
//! wait is bounded: a run that takes too long fails instead of hanging.

#[path = "../common/mod.rs"]
mod common;
use common::delay_proxy::DelayProxy;
use common::procs::*;
use common::*;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Added each way by the proxy: a 100 ms round trip.
const DELAY: Duration = Duration::from_millis(50);
/// Longest any one send may take before the bench fails.
const LIMIT: Duration = Duration::from_secs(600);

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let env = |name: &str, full_value: usize, smoke: usize| -> usize {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(if full { full_value } else { smoke })
    };
    let files = env("FERRY_BENCH_SET_FILES", 10_000, 500);
    let mib = env("FERRY_BENCH_SET_MB", 1024, 64);
    let work = tempfile::tempdir_in(std::env::var("FERRY_BENCH_DIR").unwrap_or("/tmp".into()))
        .expect("tempdir");

    // ---- Small files through a 100 ms round trip ----------------------------------------------
    let small = work.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    for i in 0..files {
        seeded_file(&small, &format!("f{i:05}"), 1024, i as u64 + 1);
    }
    let (alice, bob) = (Device::new(), Device::new());
    let ferry_secs = send_set_through_proxy(work.path(), &alice, &bob, &small, files);
    let tar_secs = tar_through_proxy(work.path(), "small");
    println!(
        "{files} files of 1 KiB, {} ms round trip (proxy):",
        2 * DELAY.as_millis()
    );
    println!("  ferry send DIR:         {ferry_secs:8.2} s  (handshakes and every OK included)");
    println!("  tar c DIR | tcp copy:   {tar_secs:8.2} s  (until the far end read it all)");
    println!("  ratio ferry / tar:      {:8.2}", ferry_secs / tar_secs);
    // The small files stay until the end: on ext4 without a journal (the reference machine's
    // disk), a file created within minutes after many were deleted waits while the allocator
    // skips each recently freed inode, a cost of the file system, not of ferry, that would fall
    // on the 1 MiB files' runs below and not on the one file's.

    // ---- Many 1 MiB files against one file, direct ----------------------------------------------
    let parts = work.path().join("parts");
    std::fs::create_dir_all(&parts).unwrap();
    for i in 0..mib {
        seeded_file(&parts, &format!("p{i:05}"), 1 << 20, i as u64 + 7);
    }
    let one = seeded_file(work.path(), "one.bin", mib << 20, 99);
    // The sources just written are still being written back: finish that first, or it
    // competes with the receivers' writes in whichever run comes first.
    nix::unistd::sync();
    let bytes = (mib as u64) << 20;
    let rounds = env("FERRY_BENCH_SET_ROUNDS", 5, 1).max(1);
    // Alternating, so that load from elsewhere hits both alike; the medians compared.
    let (mut one_runs, mut parts_runs) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let inbox = |name: &str| format!("in-{name}-{round}");
        one_runs.push(send_direct_timed(
            work.path(),
            &alice,
            &bob,
            &one,
            &inbox("one"),
        ));
        parts_runs.push(send_direct_timed(
            work.path(),
            &alice,
            &bob,
            &parts,
            &inbox("parts"),
        ));
    }
    let runs = |xs: &[f64]| {
        xs.iter()
            .map(|x| format!("{x:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (one_secs, parts_secs) = (median(one_runs.clone()), median(parts_runs.clone()));
    let rate = |secs: f64| bytes as f64 / secs / 1e6;
    println!("{mib} MiB direct on loopback, {rounds} round(s), median:");
    println!(
        "  one file:               {:8.2} s  {:8.1} MB/s  (runs: {})",
        one_secs,
        rate(one_secs),
        runs(&one_runs)
    );
    println!(
        "  {mib} files of 1 MiB:   {:8.2} s  {:8.1} MB/s  (runs: {})",
        parts_secs,
        rate(parts_secs),
        runs(&parts_runs)
    );
    println!(
        "  ratio files / one file: {:8.2}  (rate, of the medians)",
        one_secs / parts_secs
    );
    // The machine's speed drifts from run to run (shared cores): each round's pair, run back
    // to back, is compared as well, and the median of those ratios printed.
    let paired: Vec<f64> = one_runs
        .iter()
        .zip(&parts_runs)
        .map(|(one, parts)| one / parts)
        .collect();
    println!(
        "  ratio per round:        {:8.2}  (median of the rounds' ratios: {})",
        median(paired.clone()),
        runs(&paired)
    );
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// `ferry send DIR` through a fresh delaying proxy to a fresh receiver: seconds from the
/// sender's start to its exit (it exits once the receiver confirmed the last entry).
fn send_set_through_proxy(
    work: &Path,
    alice: &Device,
    bob: &Device,
    dir: &Path,
    files: usize,
) -> f64 {
    let inbox = work.join("in-small");
    let receiving = Receiving::start(bob, &inbox, &["--yes", "--once"]);
    let proxy = DelayProxy::start(&receiving.addr, DELAY);
    let send = send_direct(alice, [dir], &bob.device_id, &proxy.addr, &[]);
    let sent = Receiving::run(send).finish(LIMIT);
    assert!(sent.status.success(), "send: {}", sent.stderr);
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "receive: {stderr}");
    let kept = entries(&inbox.join(dir.file_name().unwrap())).len();
    assert_eq!(kept, files, "files kept");
    std::fs::remove_dir_all(&inbox).unwrap();
    sent.elapsed.as_secs_f64()
}

/// `tar c NAME` (run in `work`) over plain TCP through a fresh delaying proxy to a sink that
/// reads to the end, then answers one byte: seconds until that answer (the last byte arrived,
/// as ferry's last `OK` says): `tar c NAME | nc`, with the copy done here.
fn tar_through_proxy(work: &Path, name: &str) -> f64 {
    let sink = TcpListener::bind("127.0.0.1:0").unwrap();
    let sink_addr = sink.local_addr().unwrap().to_string();
    let reader = std::thread::spawn(move || {
        let (mut stream, _) = sink.accept().unwrap();
        let mut total = 0u64;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match stream.read(&mut buf).unwrap() {
                0 => break,
                n => total += n as u64,
            }
        }
        stream.write_all(b"!").unwrap();
        total
    });
    let proxy = DelayProxy::start(&sink_addr, DELAY);
    let start = Instant::now();
    let mut tar = Command::new("tar")
        .arg("c")
        .arg(name)
        .current_dir(work)
        .stdout(Stdio::piped())
        .spawn()
        .expect("tar");
    let mut stream = TcpStream::connect(&proxy.addr).unwrap();
    stream.set_nodelay(true).unwrap();
    std::io::copy(tar.stdout.as_mut().unwrap(), &mut stream).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    let mut answer = [0u8; 1];
    stream.read_exact(&mut answer).expect("the sink's answer");
    let secs = start.elapsed().as_secs_f64();
    assert!(wait_bounded(&mut tar, LIMIT).success(), "tar failed");
    let total = reader.join().unwrap();
    assert!(total > 0, "nothing arrived");
    secs
}

/// `ferry send PATH` directly (no proxy) to a fresh receiver: seconds until the sender exits.
fn send_direct_timed(work: &Path, alice: &Device, bob: &Device, path: &Path, into: &str) -> f64 {
    let inbox = work.join(into);
    let receiving = Receiving::start(bob, &inbox, &["--yes", "--once"]);
    let send = send_direct(alice, [path], &bob.device_id, &receiving.addr, &[]);
    let sent = Receiving::run(send).finish(LIMIT);
    assert!(sent.status.success(), "send: {}", sent.stderr);
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "receive: {stderr}");
    std::fs::remove_dir_all(&inbox).unwrap();
    sent.elapsed.as_secs_f64()
}
