//! Throughput of `ferry send`/`receive` over loopback, beside its baselines, in one run.
//!
//! `cargo bench --bench throughput` (size with `FERRY_BENCH_MIB`, default 1024; runs per row
//! with `FERRY_BENCH_RUNS`, default 5, the median printed) prints:
//! - plain SHA3-256 of the file (read + hash, one core), with RustCrypto's `sha3` and with
//!   ferry's own ([`ferry::proto::sha3`], chosen because it is faster);
//! - the baseline ("pipe"): an in-process rustls TLS 1.3 stream over loopback TCP with SHA3-256
//!   (the `sha3` crate, as the reference row) on both ends (no disk writes), the
//!   ceiling ferry is measured against; and the same pipe hashing with ferry's SHA3, so that
//!   the ratio to it shows ferry's own overhead apart from the faster hash;
//! - ferry itself: the real binary on both ends (`--listen` / `--peer-addr`), receiver writing
//!   and syncing to disk, with its ratio to the pipe;
//! - the same two pinned: the sending side on core 0 and the receiving side on core 1
//!   (`taskset` for ferry, `sched_setaffinity` for the pipe's two threads), a model of two
//!   machines of one core each;
//! - the CPU time (user plus system) per GiB of the pipe (this process, `getrusage`) and of each
//!   ferry process (`/usr/bin/time -v`): on shared cores the ratio follows it;
//! - each ferry process's peak RSS for one transfer (`/usr/bin/time -v`), and the receiver's
//!   peak RSS (`VmHWM`) with 1 and with 50 concurrent transfers of `FERRY_BENCH_CONCURRENT_MIB`
//!   (default 16) each, with the cost of each transfer beyond the first.
//!
//! `FERRY_BENCH_BIN=/path/to/ferry` measures another build of ferry against the same pipe.
//!
//! The rows alternate (pipe, ferry, pipe, ferry, ...) so that a burst of load from elsewhere
//! on a shared machine hits both alike. Run it holding `/work/cargo.lock` on a shared machine
//! (`flock /work/cargo.lock cargo bench --bench throughput`) so that no build runs meanwhile.

use ferry::identity::{Identity, Pin};
use sha3::Digest;

/// The reference pipe's hash (RustCrypto's `sha3`, as the table names it), and the one
/// ferry uses (chosen by measurement, `ferry::proto::sha3`).
type ReferenceSha3 = sha3::Sha3_256;
type FerrySha3 = ferry::proto::sha3::Sha3_256;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CHUNK: usize = 256 * 1024;

/// Where each side of a run may run: anywhere, or pinned to one core each.
#[derive(Clone, Copy, PartialEq)]
enum Cores {
    Shared,
    /// Sending side on core 0, receiving side on core 1.
    Pinned,
}

/// `xs`, comma-separated, with `places` decimals.
fn joined(xs: &[f64], places: usize) -> String {
    xs.iter()
        .map(|x| format!("{x:.places$}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench: the full 1 GiB. Under `cargo test --all-targets` the same
    // code runs as a quick smoke check on 16 MiB.
    let full = std::env::args().any(|a| a == "--bench");
    let env = |name: &str, default: u64| -> u64 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let mib = env("FERRY_BENCH_MIB", if full { 1024 } else { 16 });
    let runs = env("FERRY_BENCH_RUNS", if full { 5 } else { 1 }).max(1) as usize;
    let concurrent_mib = env("FERRY_BENCH_CONCURRENT_MIB", if full { 16 } else { 1 });
    let size = mib << 20;
    let work = tempfile::tempdir_in(std::env::var("FERRY_BENCH_DIR").unwrap_or("/tmp".into()))
        .expect("tempdir");
    let source = work.path().join("payload.bin");
    write_random(&source, size);
    println!(
        "file: {mib} MiB at {}; {runs} run(s) per row, median",
        source.display()
    );

    let (secs, digest) = plain_sha3::<ReferenceSha3>(&source);
    let sha3_rate = mb_per_s(size, secs);
    println!(
        "sha3-256 alone (sha3 crate):      {sha3_rate:8.1} MB/s  ({})",
        &digest[..16]
    );
    let (secs, ferry_digest) = plain_sha3::<FerrySha3>(&source);
    assert_eq!(
        ferry_digest, digest,
        "ferry's SHA3 differs from the sha3 crate's"
    );
    println!(
        "sha3-256 alone (ferry's):         {:8.1} MB/s",
        mb_per_s(size, secs)
    );

    let alice = Identity::create(&work.path().join("alice")).expect("alice");
    let bob = Identity::create(&work.path().join("bob")).expect("bob");
    let sink = work.path().join("baseline-copy.bin");
    let secs = rustls_baseline::<ReferenceSha3>(&source, &alice, &bob, Some(&sink), Cores::Shared);
    let _ = std::fs::remove_file(&sink);
    let with_disk = mb_per_s(size, secs);
    println!("pipe + receiver writes (1 run):   {with_disk:8.1} MB/s  (the pipe with buffered disk writes inline)");

    let pinned = std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2
        && Path::new("/usr/bin/taskset").exists();
    let mut one_transfer = None;
    for cores in [Cores::Shared, Cores::Pinned] {
        if cores == Cores::Pinned && !pinned {
            println!("pinned rows skipped: fewer than 2 cores, or no taskset");
            continue;
        }
        let (mut pipe, mut same_hash_pipe, mut ferry) = (Vec::new(), Vec::new(), Vec::new());
        let (mut pipe_cpu, mut same_hash_cpu) = (Vec::new(), Vec::new());
        let (mut sender_cpu, mut receiver_cpu) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let cpu_before = own_cpu_seconds();
            let secs = rustls_baseline::<ReferenceSha3>(&source, &alice, &bob, None, cores);
            pipe_cpu.push(own_cpu_seconds() - cpu_before);
            pipe.push(mb_per_s(size, secs));
            let cpu_before = own_cpu_seconds();
            let secs = rustls_baseline::<FerrySha3>(&source, &alice, &bob, None, cores);
            same_hash_cpu.push(own_cpu_seconds() - cpu_before);
            same_hash_pipe.push(mb_per_s(size, secs));
            let run = ferry_binary(work.path(), &source, &bob.device.to_string(), cores);
            assert_eq!(run.digest, digest, "ferry reported a different digest");
            ferry.push(mb_per_s(size, run.seconds));
            sender_cpu.push(run.sender_cpu);
            receiver_cpu.push(run.receiver_cpu);
            if cores == Cores::Shared {
                one_transfer.get_or_insert((run.sender_rss_kib, run.receiver_rss_kib));
            }
        }
        let (label, pipe_runs, same_hash_runs, ferry_runs) = (
            match cores {
                Cores::Shared => "shared cores",
                Cores::Pinned => "pinned: send core 0, receive core 1",
            },
            format_runs(&pipe),
            format_runs(&same_hash_pipe),
            format_runs(&ferry),
        );
        // Each ferry run beside the pipe runs of its round (the same-hash pipe just before it,
        // the reference pipe before that): the machine's speed drifts from run to run on
        // shared cores, and runs close together drift least.
        let paired =
            |pipe: &[f64]| -> Vec<f64> { ferry.iter().zip(pipe).map(|(f, p)| f / p).collect() };
        let (paired_reference, paired_same) = (paired(&pipe), paired(&same_hash_pipe));
        let (pipe, same_hash_pipe, ferry) = (median(pipe), median(same_hash_pipe), median(ferry));
        println!("{label}:");
        println!("  pipe (rustls + sha3 crate x2):  {pipe:8.1} MB/s  {pipe_runs}");
        println!("  pipe with ferry's SHA3:         {same_hash_pipe:8.1} MB/s  {same_hash_runs}");
        println!(
            "  ferry send -> receive:          {ferry:8.1} MB/s  {ferry_runs}  ratio to pipe {:.2}, to the same-hash pipe {:.2}, to the sha3 crate alone {:.2}",
            ferry / pipe,
            ferry / same_hash_pipe,
            ferry / sha3_rate
        );
        println!(
            "  ratio to pipe per run:          {:8.2}       (median of {})",
            median(paired_reference.clone()),
            joined(&paired_reference, 2)
        );
        println!(
            "  ratio to same-hash pipe per run:{:8.2}       (median of {})",
            median(paired_same.clone()),
            joined(&paired_same, 2)
        );
        let gib = size as f64 / f64::from(1 << 30);
        let (pipe_cpu, same_hash_cpu, sender_cpu, receiver_cpu) = (
            median(pipe_cpu) / gib,
            median(same_hash_cpu) / gib,
            median(sender_cpu) / gib,
            median(receiver_cpu) / gib,
        );
        let ferry_cpu = sender_cpu + receiver_cpu;
        println!(
            "  CPU seconds per GiB (median):   pipe {pipe_cpu:.2}, same-hash pipe {same_hash_cpu:.2} (both ends); ferry {ferry_cpu:.2} = sender {sender_cpu:.2} + receiver {receiver_cpu:.2}, {:.2}x the pipe's, {:.2}x the same-hash pipe's",
            ferry_cpu / pipe_cpu,
            ferry_cpu / same_hash_cpu
        );
    }
    if let Some((sender, receiver)) = one_transfer {
        println!(
            "peak RSS of one {mib} MiB transfer: sender {:.1} MiB, receiver {:.1} MiB",
            sender as f64 / 1024.0,
            receiver as f64 / 1024.0
        );
    }

    let concurrent = work.path().join("concurrent.bin");
    write_random(&concurrent, concurrent_mib << 20);
    let one = concurrent_receptions(work.path(), &concurrent, &bob.device.to_string(), 1);
    let fifty = concurrent_receptions(work.path(), &concurrent, &bob.device.to_string(), 50);
    println!(
        "receiver peak RSS (VmHWM), transfers of {concurrent_mib} MiB: 1 at a time {:.1} MiB, 50 at once {:.1} MiB: {:.2} MiB per transfer beyond the first",
        one as f64 / 1024.0,
        fifty as f64 / 1024.0,
        (fifty as f64 - one as f64) / 49.0 / 1024.0
    );
}

fn format_runs(rates: &[f64]) -> String {
    format!("(runs: {})", joined(rates, 1))
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

fn plain_sha3<H: Digest>(path: &Path) -> (f64, String) {
    let mut file = std::fs::File::open(path).expect("open");
    let mut buf = vec![0u8; CHUNK];
    let mut hasher = H::new();
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
/// receiver also writes what it gets to `sink` when given (plain blocking writes). Shared: one
/// runtime of two threads runs both ends. Pinned: each end runs on a thread of its own pinned
/// to its core (sender 0, receiver 1), with a runtime of its own (its blocking threads, which
/// read the file, inherit the pinning).
fn rustls_baseline<H: Digest + Send + 'static>(
    path: &Path,
    alice: &Identity,
    bob: &Identity,
    sink: Option<&Path>,
    cores: Cores,
) -> f64 {
    let client = ferry::net::tls::client_config(alice, Pin::to([bob.device])).expect("client");
    let server = ferry::net::tls::server_config(bob, Pin::any()).expect("server");
    let sink = sink.map(|p| std::fs::File::create(p).expect("sink"));
    let path = path.to_path_buf();
    match cores {
        Cores::Shared => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let receiver = tokio::spawn(pipe_receive::<H>(listener, server, sink));
                let (secs, sent) = pipe_send::<H>(addr, client, &path).await;
                assert_eq!(receiver.await.unwrap(), sent);
                secs
            })
        }
        Cores::Pinned => {
            let (addr_tx, addr_rx) = std::sync::mpsc::channel();
            let receiver = std::thread::spawn(move || {
                pin_to_core(1);
                current_thread().block_on(async {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    addr_tx.send(listener.local_addr().unwrap()).unwrap();
                    pipe_receive::<H>(listener, server, sink).await
                })
            });
            let addr = addr_rx.recv().expect("the pipe's receiver started");
            let sender = std::thread::spawn(move || {
                pin_to_core(0);
                current_thread().block_on(pipe_send::<H>(addr, client, &path))
            });
            let (secs, sent) = sender.join().expect("pipe sender");
            assert_eq!(receiver.join().expect("pipe receiver"), sent);
            secs
        }
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Pin the calling thread (and the threads it starts from now on) to core `core`.
fn pin_to_core(core: usize) {
    // SAFETY: `set` is a plain bit set, zeroed then filled by the libc macros, and passed with
    // its own size; 0 names the calling thread.
    let pinned = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(core, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    assert_eq!(pinned, 0, "pinning to core {core}");
}

/// The pipe's receiving end: accept one TLS connection, read and hash it to the end.
async fn pipe_receive<H: Digest>(
    listener: tokio::net::TcpListener,
    server: std::sync::Arc<rustls::ServerConfig>,
    mut sink: Option<std::fs::File>,
) -> String {
    let (tcp, _) = listener.accept().await.unwrap();
    let mut tls = tokio_rustls::TlsAcceptor::from(server)
        .accept(tcp)
        .await
        .unwrap();
    let mut hasher = H::new();
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
}

/// The pipe's sending end: connect, read and hash `path` and send it; the seconds from the
/// connection to the end, and the digest.
async fn pipe_send<H: Digest>(
    addr: std::net::SocketAddr,
    client: std::sync::Arc<rustls::ClientConfig>,
    path: &Path,
) -> (f64, String) {
    let start = Instant::now();
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut tls = tokio_rustls::TlsConnector::from(client)
        .connect(ferry::net::tls::server_name(), tcp)
        .await
        .unwrap();
    let mut file = tokio::fs::File::open(path).await.unwrap();
    let mut buf = vec![0u8; CHUNK];
    let mut hasher = H::new();
    loop {
        let n = file.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        tls.write_all(&buf[..n]).await.unwrap();
    }
    tls.shutdown().await.unwrap();
    let sent = hex::encode(hasher.finalize());
    // The receiver has everything once it sees the end: wait for its side to close.
    let mut rest = Vec::new();
    let _ = tls.read_to_end(&mut rest).await;
    (start.elapsed().as_secs_f64(), sent)
}

struct FerryRun {
    seconds: f64,
    digest: String,
    sender_rss_kib: u64,
    receiver_rss_kib: u64,
    /// User plus system CPU seconds of each process.
    sender_cpu: f64,
    receiver_cpu: f64,
}

/// The `ferry` binary measured: this build's, or `FERRY_BENCH_BIN` (another build, to compare
/// before and after in one run against the same pipe).
fn ferry_bin() -> String {
    std::env::var("FERRY_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_ferry").into())
}

/// `/usr/bin/time -v [taskset -c CORE] ferry`, as `cores` asks for the side on `core`.
fn timed_ferry(cores: Cores, core: usize) -> Command {
    let time = "/usr/bin/time";
    assert!(
        Path::new(time).exists(),
        "/usr/bin/time is needed for peak RSS (apt-get install time)"
    );
    let mut cmd = Command::new(time);
    cmd.arg("-v");
    if cores == Cores::Pinned {
        cmd.args(["taskset", "-c", &core.to_string()]);
    }
    cmd.arg(ferry_bin());
    cmd
}

fn ferry_binary(work: &Path, source: &Path, bob_device: &str, cores: Cores) -> FerryRun {
    let inbox = work.join("inbox");
    let _ = std::fs::remove_dir_all(&inbox);
    let mut receiver = timed_ferry(cores, 1)
        .args([
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
    let sender = timed_ferry(cores, 0)
        .args(["--no-progress", "send"])
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
        sender_cpu: cpu_seconds(&String::from_utf8_lossy(&sender.stderr)),
        receiver_cpu: cpu_seconds(&receiver_err),
    }
}

/// User plus system seconds, from `/usr/bin/time -v`'s report.
fn cpu_seconds(time_output: &str) -> f64 {
    ["User time (seconds):", "System time (seconds):"]
        .iter()
        .filter_map(|field| {
            time_output
                .lines()
                .find_map(|l| l.trim().strip_prefix(field))
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
        .sum()
}

/// CPU seconds (user plus system) this process has used so far: the pipe runs in it.
fn own_cpu_seconds() -> f64 {
    // SAFETY: `getrusage` fills the zeroed struct it is given, of its own type.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn max_rss(time_output: &str) -> u64 {
    time_output
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Peak RSS (`VmHWM`, KiB) of one `receive --listen` serving `n` senders of `source` at once
/// (each its own name: a hard link), every transfer checked.
fn concurrent_receptions(work: &Path, source: &Path, bob_device: &str, n: usize) -> u64 {
    let bin = ferry_bin();
    let inbox = work.join(format!("inbox-{n}"));
    let mut receiver = Command::new(&bin)
        .args(["--json", "receive", "--listen", "127.0.0.1:0", "--yes"])
        .args(["--max-concurrent", "64", "--dir"])
        .arg(&inbox)
        .env("FERRY_HOME", work.join("bob"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("receiver");
    let (events, arrived) = std::sync::mpsc::channel::<serde_json::Value>();
    let stdout = receiver.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(event) = serde_json::from_str(&line) {
                if events.send(event).is_err() {
                    break;
                }
            }
        }
    });
    let wait = Duration::from_secs(60);
    let addr = loop {
        let event = arrived.recv_timeout(wait).expect("the receiver listens");
        if event["event"] == "listening" {
            break event["addr"].as_str().expect("addr").to_string();
        }
    };
    let senders: Vec<_> = (0..n)
        .map(|i| {
            let name = work.join(format!("c{n}-{i:02}.bin"));
            let _ = std::fs::remove_file(&name);
            std::fs::hard_link(source, &name).expect("link");
            Command::new(&bin)
                .args(["--no-progress", "send"])
                .arg(&name)
                .args(["--to", bob_device, "--peer-addr", &addr])
                .env("FERRY_HOME", work.join("alice"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("sender")
        })
        .collect();
    for sender in senders {
        let out = sender.wait_with_output().expect("sender");
        assert!(
            out.status.success(),
            "send failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut done = 0;
    while done < n {
        let event = arrived.recv_timeout(wait).expect("the receiver's done");
        if event["event"] == "done" {
            done += 1;
        }
    }
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", receiver.id())).expect("status");
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    let _ = receiver.kill();
    let _ = receiver.wait();
    let _ = std::fs::remove_dir_all(&inbox);
    peak
}
