//! Blocking a `--from` or `--once` receiver in direct mode (`receive --listen`), performed
//! against the real binary: idle TLS sessions from a stranger, a foreign sender, idle TCP
//! connections, and a flood of idle connections with few descriptors. Each test fails on a
//! build where the slot is taken before `--from`, `--once` ends on the first attempt,
//! handshakes run one at a time or `EMFILE` spins (`FERRY_TEST_BIN=/path/to/old/ferry`).

use crate::common::*;
use ferry::identity::{Identity, Pin};
use std::io::Read;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

/// A `ferry send` from `from` to `to` at `addr`, bounded; its output.
fn send(from: &Device, file: &std::path::Path, to: &Device, addr: &str) -> std::process::Output {
    let mut child = spawn_piped(&mut send_direct(from, [file], &to.device_id, addr, &[]));
    let status = wait_bounded(&mut child, Duration::from_secs(60));
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    std::process::Output {
        status,
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
    }
}

#[test]
fn idle_tls_sessions_from_a_stranger_do_not_make_from_a_busy() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, mallory) = (Device::new(), Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    // Default --max-concurrent is 8.
    let mut receiving = Receiving::start(&bob, &inbox, &["--yes", "--from", &alice.device_id]);
    let mallory_id = Identity::open(mallory.path()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let addr: std::net::SocketAddr = receiving.addr.parse().unwrap();
    // Eight TLS sessions from Mallory, held open and idle (kept in `_held`).
    let (_held, established) = runtime.block_on(async {
        let config = ferry::net::tls::client_config(&mallory_id, Pin::any()).unwrap();
        let mut held = Vec::new();
        let mut established = 0;
        for _ in 0..8 {
            let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            let tls = tokio::time::timeout(
                Duration::from_secs(10),
                tokio_rustls::TlsConnector::from(config.clone())
                    .connect(ferry::net::tls::server_name(), tcp),
            )
            .await;
            if let Ok(Ok(stream)) = tls {
                established += 1;
                held.push(stream);
            }
        }
        (held, established)
    });
    eprintln!("{established} of Mallory's 8 TLS sessions completed on her side");
    // Let the receiver take in what it will.
    std::thread::sleep(Duration::from_secs(1));
    let source = random_file(work.path(), "from-alice.bin", 50_000);
    let sent = send(&alice, &source, &bob, &receiving.addr);
    let stderr = String::from_utf8_lossy(&sent.stderr);
    eprintln!(
        "Alice after 8 idle stranger sessions: {:?} {stderr}",
        sent.status
    );
    assert!(sent.status.success(), "Alice was turned away: {stderr}");
    let done = receiving.wait_for("done");
    assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
}

#[test]
fn a_foreign_sender_does_not_end_receive_once_from_a() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob, mallory) = (Device::new(), Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut receiving = Receiving::start(
        &bob,
        &inbox,
        &["--yes", "--once", "--from", &alice.device_id],
    );
    let junk = random_file(work.path(), "junk.bin", 1000);
    let refused = send(&mallory, &junk, &bob, &receiving.addr);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    std::thread::sleep(Duration::from_millis(500));
    let running = receiving.still_running();
    eprintln!("receive --once --from A after a foreign sender: still running = {running}");
    assert!(running, "a foreign sender ended receive --once");
    let source = random_file(work.path(), "from-alice.bin", 50_000);
    let sent = send(&alice, &source, &bob, &receiving.addr);
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let (status, stderr, events) = receiving.wait_exit();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(events.iter().any(|e| e["event"] == "done"), "{events:#?}");
    assert_eq!(entries(&inbox), vec!["from-alice.bin"]);
}

#[test]
fn idle_tcp_connections_do_not_time_out_a_handshake_on_receive_once() {
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let receiving = Receiving::start(
        &bob,
        &inbox,
        &["--yes", "--once", "--from", &alice.device_id],
    );
    // Three connections that never say a word.
    let _idle: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(&receiving.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let source = random_file(work.path(), "from-alice.bin", 50_000);
    let started = Instant::now();
    let sent = send(&alice, &source, &bob, &receiving.addr);
    eprintln!(
        "Alice behind 3 idle TCP connections: {:?} in {:?}",
        sent.status,
        started.elapsed()
    );
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let (status, stderr, _) = receiving.wait_exit();
    assert_eq!(status.code(), Some(0), "{stderr}");
}

/// User plus system CPU time of `pid` so far, in clock ticks (`/proc/PID/stat` fields 14, 15).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The command name may hold spaces: count fields after its closing parenthesis.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Field 3 is at index 0 here; utime is field 14, stime field 15.
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

fn clock_ticks_per_second() -> u64 {
    let out = Command::new("getconf").arg("CLK_TCK").output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(100)
}

#[test]
fn two_hundred_idle_connections_with_128_descriptors_do_not_spin() {
    idle_flood_does_not_spin(128);
}

/// With 36 descriptors the accept loop does run out (`EMFILE`): it backs off, and says so in
/// one line every few seconds.
#[test]
fn running_out_of_descriptors_backs_off_quietly() {
    idle_flood_does_not_spin(36);
}

/// 200 idle connections for 10 s to a direct-mode receiver limited to `descriptors`: little
/// CPU, little stderr, still running.
fn idle_flood_does_not_spin(descriptors: u32) {
    let work = tempfile::tempdir().unwrap();
    let bob = Device::new();
    let mut cmd = Command::new("sh");
    let script = format!("ulimit -n {descriptors} && exec \"$0\" \"$@\"");
    cmd.args(["-c", &script, ferry_bin()])
        .env("FERRY_HOME", bob.path())
        .args([
            "--no-progress",
            "--json",
            "receive",
            "--yes",
            "--listen",
            "127.0.0.1:0",
            "--dir",
        ])
        .arg(work.path().join("inbox"));
    let mut receiving = Receiving::spawn(cmd, "listening");
    let pid = receiving.child.id();
    let before = cpu_ticks(pid);
    let start = Instant::now();
    let mut idle = Vec::new();
    let addr: std::net::SocketAddr = receiving.addr.parse().unwrap();
    for _ in 0..200 {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Ok(c) => idle.push(c),
            Err(err) => {
                eprintln!("connect: {err}");
                break;
            }
        }
    }
    while start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let spent = cpu_ticks(pid) - before;
    let seconds = spent as f64 / clock_ticks_per_second() as f64;
    assert!(receiving.still_running());
    let idle_count = idle.len();
    drop(idle);
    receiving.interrupt();
    let (_, stderr, _) = receiving.wait_exit();
    eprintln!(
        "{} idle connections, {descriptors} descriptors: {seconds:.2} s CPU in 10 s, {} bytes \
         of stderr",
        idle_count,
        stderr.len()
    );
    assert!(
        seconds < 2.0,
        "the receiver spun: {seconds:.2} s of CPU in 10 s"
    );
    assert!(
        stderr.len() < 64 * 1024,
        "{} bytes of warnings: {}",
        stderr.len(),
        &stderr[..stderr.len().min(2000)]
    );
}
