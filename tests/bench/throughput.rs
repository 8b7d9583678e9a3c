//! Throughput of `ferry send`/`receive` over loopback, beside its baselines, in one run.
//!
//! `cargo bench --bench throughput` (size with `FERRY_BENCH_MIB`, default 1024) prints:
//! - plain SHA3-256 of the file (read + hash, one core);
//! - the baseline: an in-process rustls TLS 1.3 stream over loopback TCP with SHA3-256 on both
//!   ends (no disk writes), the ceiling ferry is measured against;
//! - ferry itself: the real binary on both ends, receiver writing and syncing to disk;
//! - the ratio ferry / baseline, and each ferry process's peak RSS (`/usr/bin/time -v`).

use ferry::identity::{Identity, Pin};
use sha3::{Digest, Sha3_256};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CHUNK: usize = 256 * 1024;

fn main() {
    // `cargo bench` passes --bench: the full 1 GiB. Under `cargo test --all-targets` the same
    // code runs as a quick smoke check on 16 MiB.
    let full = std::env::args().any(|a| a == "--bench");
    let mib: u64 = std::env::var("FERRY_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 1024 } else { 16 });
    let size = mib << 20;
    let work = tempfile::tempdir_in(std::env::var("FERRY_BENCH_DIR").unwrap_or("/tmp".into()))
        .expect("tempdir");
    let source = work.path().join("payload.bin");
    write_random(&source, size);
    println!("file: {mib} MiB at {}", source.display());

    let (secs, digest) = plain_sha3(&source);
    let sha3_rate = mb_per_s(size, secs);
    println!(
        "sha3-256 alone:            {sha3_rate:8.1} MB/s  ({})",
        &digest[..16]
    );

    let alice = Identity::create(&work.path().join("alice")).expect("alice");
    let bob = Identity::create(&work.path().join("bob")).expect("bob");
    let secs = rustls_baseline(&source, &alice, &bob, None);
    let baseline = mb_per_s(size, secs);
    println!("rustls stream + sha3 x2:   {baseline:8.1} MB/s  (baseline)");
    let sink = work.path().join("baseline-copy.bin");
    let secs = rustls_baseline(&source, &alice, &bob, Some(&sink));
    let _ = std::fs::remove_file(&sink);
    let with_disk = mb_per_s(size, secs);
    println!("  ... + receiver writes:   {with_disk:8.1} MB/s  (baseline with the disk)");

    let run = ferry_binary(work.path(), &source, &bob.device.to_string());
    let ferry_rate = mb_per_s(size, run.seconds);
    println!(
        "ferry send -> receive:     {ferry_rate:8.1} MB/s  ratio to baseline {:.2}, with disk {:.2}, to sha3 alone {:.2}",
        ferry_rate / baseline,
        ferry_rate / with_disk,
        ferry_rate / sha3_rate
    );
    println!(
        "peak RSS: sender {:.1} MiB, receiver {:.1} MiB",
        run.sender_rss_kib as f64 / 1024.0,
        run.receiver_rss_kib as f64 / 1024.0
    );
    assert_eq!(run.digest, digest, "ferry reported a different digest");
}

fn mb_per_s(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / secs / 1e6
}

fn write_random(path: &Path, size: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut block = vec![0u8; CHUNK];
    let mut left = size;
    while left > 0 {
        for word in block.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(CHUNK as u64) as usize;
        file.write_all(&block[..n]).expect("write");
        left -= n as u64;
    }
    file.flush().expect("flush");
}

fn plain_sha3(path: &Path) -> (f64, String) {
    let mut file = std::fs::File::open(path).expect("open");
    let mut buf = vec![0u8; CHUNK];
    let mut hasher = Sha3_256::new();
    let start = Instant::now();
    loop {
        let n = file.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    (
        start.elapsed().as_secs_f64(),
        hex::encode(hasher.finalize()),
    )
}

/// One TLS 1.3 stream over loopback with ferry's own configurations; both ends hash; the
/// receiver also writes what it gets to `sink` when given (plain blocking writes).
fn rustls_baseline(path: &Path, alice: &Identity, bob: &Identity, sink: Option<&Path>) -> f64 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = ferry::net::tls::client_config(alice, Pin::to([bob.device])).expect("client");
    let server = ferry::net::tls::server_config(bob, Pin::any()).expect("server");
    let mut sink = sink.map(|p| std::fs::File::create(p).expect("sink"));
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let receiver = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut tls = tokio_rustls::TlsAcceptor::from(server)
                .accept(tcp)
                .await
                .unwrap();
            let mut hasher = Sha3_256::new();
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = tls.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                if let Some(sink) = sink.as_mut() {
                    sink.write_all(&buf[..n]).unwrap();
                }
            }
            if let Some(sink) = sink {
                sink.sync_all().unwrap();
            }
            hex::encode(hasher.finalize())
        });
        let start = Instant::now();
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut tls = tokio_rustls::TlsConnector::from(client)
            .connect(ferry::net::tls::server_name(), tcp)
            .await
            .unwrap();
        let mut file = tokio::fs::File::open(path).await.unwrap();
        let mut buf = vec![0u8; CHUNK];
        let mut hasher = Sha3_256::new();
        loop {
            let n = file.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            tls.write_all(&buf[..n]).await.unwrap();
        }
        tls.shutdown().await.unwrap();
        let received = receiver.await.unwrap();
        assert_eq!(received, hex::encode(hasher.finalize()));
        start.elapsed().as_secs_f64()
    })
}

struct FerryRun {
    seconds: f64,
    digest: String,
    sender_rss_kib: u64,
    receiver_rss_kib: u64,
}

fn ferry_binary(work: &Path, source: &Path, bob_device: &str) -> FerryRun {
    let bin = env!("CARGO_BIN_EXE_ferry");
    let time = "/usr/bin/time";
    assert!(
        Path::new(time).exists(),
        "/usr/bin/time is needed for peak RSS (apt-get install time)"
    );
    let inbox = work.join("inbox");
    let mut receiver = Command::new(time)
        .args([
            "-v",
            bin,
            "--json",
            "receive",
            "--listen",
            "127.0.0.1:0",
            "--yes",
            "--once",
            "--dir",
        ])
        .arg(&inbox)
        .env("FERRY_HOME", work.join("bob"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("receiver");
    let mut lines = BufReader::new(receiver.stdout.take().expect("stdout")).lines();
    // The first event that says where to connect (`starting` comes before it).
    let first: serde_json::Value = lines
        .by_ref()
        .take(10)
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .find(|e| e["event"] == "listening")
        .expect("listening");
    let addr = first["addr"].as_str().expect("addr").to_string();

    let start = Instant::now();
    let sender = Command::new(time)
        .args(["-v", bin, "--no-progress", "send"])
        .arg(source)
        .args(["--to", bob_device, "--peer-addr", &addr])
        .env("FERRY_HOME", work.join("alice"))
        .output()
        .expect("sender");
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        sender.status.success(),
        "send failed: {}",
        String::from_utf8_lossy(&sender.stderr)
    );

    let mut digest = String::new();
    for line in lines.map_while(Result::ok) {
        let event: serde_json::Value = serde_json::from_str(&line).expect("json");
        if event["event"] == "done" {
            digest = event["sha3_256"].as_str().unwrap_or_default().to_string();
        }
    }
    let mut receiver_err = String::new();
    receiver
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut receiver_err)
        .expect("stderr");
    let status = receiver.wait().expect("wait");
    assert!(status.success(), "receive failed: {receiver_err}");
    std::thread::sleep(Duration::from_millis(10));
    FerryRun {
        seconds,
        digest,
        sender_rss_kib: max_rss(&String::from_utf8_lossy(&sender.stderr)),
        receiver_rss_kib: max_rss(&receiver_err),
    }
}

fn max_rss(time_output: &str) -> u64 {
    time_output
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}
