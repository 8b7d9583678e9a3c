//! Runs the real `ferry` binary in temporary homes, on loopback, with a bound on every wait.
#![allow(dead_code)]

pub mod delay_proxy;
pub mod natlab;
pub mod netns;
pub mod procs;
pub mod real;
pub mod relay_copy;

use serde_json::Value;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(60);

/// The machine's two cores, as the tests of one process share them. In the one `e2e` binary
/// libtest runs tests of every file side by side; most of them wait on deadlines and overlap
/// well, but two kinds must not meet:
///
/// - a test that loads the CPU hard (`load.rs`' 50 senders and floods, 100,000 datagrams at a
///   node) or measures a speed (`relay_speed.rs`' rates and ratio) takes it **alone**
///   ([`alone`]): no other such test and no timed test runs meanwhile;
/// - a test that asserts a wall-clock bound of a few seconds (a refusal "at once", a doctor
///   within 3 s) takes it **shared** ([`timed`]): timed tests overlap each other, as they did
///   within one file, but never a test that holds it alone.
///
/// Tests of neither kind take nothing and run beside either. Hold the guard for the whole test
/// (`let _machine = alone();` first). A test that panics poisons nothing here: the lock is
/// taken back as it was. `RwLock` on Linux lets a waiting writer go before new readers, so an
/// `alone` test is not starved by a stream of timed ones.
static MACHINE: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// The machine to this test alone among the tests that take [`MACHINE`]; see there.
pub fn alone() -> std::sync::RwLockWriteGuard<'static, ()> {
    MACHINE.write().unwrap_or_else(|e| e.into_inner())
}

/// The machine shared with other timed tests, never with one that takes it [`alone`]; see
/// [`MACHINE`].
pub fn timed() -> std::sync::RwLockReadGuard<'static, ()> {
    MACHINE.read().unwrap_or_else(|e| e.into_inner())
}

/// The binary under test: this build's `ferry`, or the one named by `FERRY_TEST_BIN` (used to
/// show that an attack test fails against an older build).
pub fn ferry_bin() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        std::env::var("FERRY_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_ferry").to_string())
    })
}

/// One device: a fresh `FERRY_HOME` with its identity created.
pub struct Device {
    pub home: tempfile::TempDir,
    pub device_id: String,
    pub account_id: String,
}

impl Device {
    pub fn new() -> Device {
        let home = tempfile::tempdir().expect("tempdir");
        let out = Command::new(ferry_bin())
            .args(["--json", "id"])
            .env("FERRY_HOME", home.path())
            .output()
            .expect("run ferry id");
        assert!(out.status.success(), "ferry id: {out:?}");
        // A new home first says it made a device (a `device_created` event), then the ids.
        let id = json_events(&out.stdout)
            .pop()
            .expect("the ids as a JSON line");
        Device {
            device_id: id["device_id"].as_str().expect("device_id").to_string(),
            account_id: id["account_id"].as_str().expect("account_id").to_string(),
            home,
        }
    }

    pub fn path(&self) -> &Path {
        self.home.path()
    }

    /// A `ferry` command running as this device.
    pub fn ferry(&self) -> Command {
        let mut cmd = Command::new(ferry_bin());
        cmd.env("FERRY_HOME", self.home.path()).arg("--no-progress");
        cmd
    }
}

/// A spawned `ferry` (or any program) with both outputs read on threads of their own, so a
/// chatty child never blocks on a full pipe. For `--json` commands its stdout lines are the
/// events that [`Receiving::wait_for`] waits on; [`Receiving::finish`] collects what it left.
/// Every wait is bounded: the waits for an event by [`WAIT`], the wait for the exit by the
/// limit given. Dropping it kills the process.
pub struct Receiving {
    pub child: Child,
    /// The `addr` of the ready event (a receiver's listening address), when it has one.
    pub addr: String,
    /// The events read so far by the waits, in order.
    pub seen: Vec<Value>,
    /// When the process was spawned.
    pub started: Instant,
    stdout: mpsc::Receiver<String>,
    /// Every stdout line read so far (events included), for [`Finished::stdout`].
    lines: Vec<String>,
    stderr: mpsc::Receiver<String>,
}

/// What a [`Receiving`] process left when it exited.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// From spawn to exit (as seen by the polling wait: within ~20 ms).
    pub elapsed: Duration,
}

impl Finished {
    /// The JSON events printed on stdout (`--json`); a line that is not JSON fails the test.
    pub fn events(&self) -> Vec<Value> {
        json_events(self.stdout.as_bytes())
    }

    pub fn event(&self, kind: &str) -> Option<Value> {
        self.events().into_iter().find(|e| e["event"] == kind)
    }
}

impl Receiving {
    /// A receiver in direct mode on a loopback port.
    pub fn start(device: &Device, dir: &Path, extra: &[&str]) -> Receiving {
        let mut cmd = device.ferry();
        cmd.args(["--json", "receive", "--listen", "127.0.0.1:0", "--dir"])
            .arg(dir)
            .args(extra);
        Receiving::spawn(cmd, "listening")
    }

    /// A receiver announced on the DHT through `bootstrap`, offering loopback candidates only.
    pub fn start_dht(device: &Device, dir: &Path, bootstrap: &str, extra: &[&str]) -> Receiving {
        let mut cmd = device.ferry();
        dht_env(&mut cmd, bootstrap);
        cmd.args(["--json", "receive", "--dir"])
            .arg(dir)
            .args(extra);
        Receiving::spawn(cmd, "online")
    }

    /// Spawn `cmd` (a `--json` command) and wait for its `ready` event (bounded by [`WAIT`]);
    /// its `addr`, if any, becomes [`Receiving::addr`].
    pub fn spawn(cmd: Command, ready: &str) -> Receiving {
        let mut receiving = Receiving::run(cmd);
        let first = receiving.wait_for(ready);
        receiving.addr = first["addr"].as_str().unwrap_or_default().to_string();
        receiving
    }

    /// Spawn `cmd` without waiting for anything: for a command to [`finish`](Self::finish)
    /// (or [`kill`](Self::kill)), whose stdout need not be JSON.
    pub fn run(mut cmd: Command) -> Receiving {
        let mut child = spawn_piped(&mut cmd);
        let started = Instant::now();
        let (tx, stdout) = mpsc::channel();
        let pipe = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = read_on_thread(child.stderr.take().expect("stderr"));
        Receiving {
            child,
            addr: String::new(),
            seen: Vec::new(),
            started,
            stdout,
            lines: Vec::new(),
            stderr,
        }
    }

    /// The next event of kind `kind`, failing the test after [`WAIT`].
    pub fn wait_for(&mut self, kind: &str) -> Value {
        self.wait_matching(kind, |_| true)
    }

    /// The next event of kind `kind` for which `ok` holds, failing the test after [`WAIT`]
    /// (or when stdout ends first, or carries a line that is not JSON).
    pub fn wait_matching(&mut self, kind: &str, ok: impl Fn(&Value) -> bool) -> Value {
        self.wait_matching_within(kind, WAIT, ok)
            .unwrap_or_else(|| panic!("no {kind:?} event within {WAIT:?}; seen: {:#?}", self.seen))
    }

    /// [`Receiving::wait_matching`] bounded by `limit`, `None` when it runs out (stdout ending
    /// first, or a line that is not JSON, still fails the test).
    pub fn wait_matching_within(
        &mut self,
        kind: &str,
        limit: Duration,
        ok: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    let event: Value = serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("printed non-JSON {line:?}: {e}"));
                    self.lines.push(line);
                    self.seen.push(event.clone());
                    if event["event"] == kind && ok(&event) {
                        return Some(event);
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => return None,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let _ = self.child.kill();
                    let stderr = self.stderr.recv_timeout(WAIT).unwrap_or_default();
                    panic!(
                        "stdout ended with no {kind:?} event; seen: {:#?}\nstderr: {stderr}",
                        self.seen
                    )
                }
            }
        }
    }

    /// Wait at most `limit` for the exit (past it the process is killed and the test fails),
    /// then collect all it printed, the lines the waits read included.
    pub fn finish(mut self, limit: Duration) -> Finished {
        let status = wait_bounded(&mut self.child, limit);
        let elapsed = self.started.elapsed();
        // The pipes close with the process (or with a child it left behind): bounded anyway.
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Ok(line) = self
            .stdout
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.lines.push(line);
        }
        let mut stdout = self.lines.join("\n");
        if !stdout.is_empty() {
            stdout.push('\n');
        }
        Finished {
            status,
            stdout,
            stderr: self
                .stderr
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_default(),
            elapsed,
        }
    }

    /// [`finish`](Self::finish) within [`WAIT`], as (status, stderr, every JSON event).
    pub fn wait_exit(self) -> (ExitStatus, String, Vec<Value>) {
        let finished = self.finish(WAIT);
        let events = finished.events();
        (finished.status, finished.stderr, events)
    }

    /// SIGKILL, then collect what it printed.
    pub fn kill(mut self) -> Finished {
        let _ = self.child.kill();
        self.finish(Duration::from_secs(10))
    }

    /// Ctrl-C (SIGINT).
    pub fn interrupt(&self) {
        sigint(&self.child);
    }

    /// Whether it has not exited yet.
    pub fn still_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }
}

impl Drop for Receiving {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Spawn `cmd` with no input and both outputs piped.
pub fn spawn_piped(cmd: &mut Command) -> Child {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"))
}

/// Read `pipe` to its end on a thread of its own (so a chatty child never blocks on a full
/// pipe); the text arrives on the channel returned.
pub fn read_on_thread(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        let _ = tx.send(text);
    });
    rx
}

/// The first JSON event of `kind` read from `reader` (a receiver's event stream), skipping
/// the few that come before it (`starting`); at most ten lines are read.
pub fn first_event_of(reader: &mut impl BufRead, kind: &str) -> Value {
    for _ in 0..10 {
        let mut line = String::new();
        reader.read_line(&mut line).expect("an event line");
        let event: Value = serde_json::from_str(&line).expect("a JSON event");
        if event["event"] == kind {
            return event;
        }
    }
    panic!("no {kind} event in the first ten lines");
}

/// `ferry send FILES --to ID --peer-addr ADDR` as `from`, with `extra` options: direct mode, to
/// a receiver listening on `addr` (a [`Receiving`]'s). [`procs::send_via_dht`] is its DHT twin.
pub fn send_direct<S: AsRef<OsStr>>(
    from: &Device,
    files: impl IntoIterator<Item = S>,
    to: &str,
    addr: &str,
    extra: &[&str],
) -> Command {
    let mut cmd = from.ferry();
    cmd.arg("send")
        .args(files)
        .args(["--to", to, "--peer-addr", addr])
        .args(extra);
    cmd
}

/// The events a `ferry --json` command printed on stdout, one a line; any other line fails
/// the test.
pub fn json_events(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON {l:?}: {e}")))
        .collect()
}

/// The one event of kind `kind` among `events`.
pub fn only_event<'a>(events: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<_> = events.iter().filter(|e| e["event"] == kind).collect();
    assert_eq!(found.len(), 1, "one {kind:?} event expected: {events:#?}");
    found[0]
}

/// Ctrl-C to a sender in the middle of the body: it exits 130, and `receiving` (started with
/// `--once`) is told the peer cancelled, exits 1 and keeps nothing under a final name in `inbox`
/// (what arrived of a resumable file stays in its private part directory, for a resume).
pub fn ctrl_c_sender_cancels_both_sides(sender: &mut Child, receiving: Receiving, inbox: &Path) {
    sigint(sender);
    let status = wait_bounded(sender, WAIT);
    assert_eq!(status.code(), Some(130));
    let (status, stderr, events) = receiving.wait_exit();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "cancelled" && e["by"] == "peer"),
        "{events:#?}"
    );
    assert!(procs::final_names(inbox).is_empty(), "{:?}", entries(inbox));
    assert!(
        procs::stray_hidden(inbox).is_empty(),
        "{:?}",
        entries(inbox)
    );
}

/// Point a ferry command at a test DHT: loopback bootstrap, no multicast, loopback candidates.
pub fn dht_env(cmd: &mut Command, bootstrap: &str) {
    cmd.env("FERRY_BOOTSTRAP", bootstrap)
        .env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_CANDIDATE_IP", "127.0.0.1")
        .env("FERRY_NO_UPNP", "1")
        .env("FERRY_NO_TURN", "1");
}

/// `ferry` as `device`, started by `in_host` (the binary run inside a network namespace the
/// test made, e.g. `Pair::command(host, ferry_bin())`), on the DHT at `bootstrap`: no LAN
/// discovery, UPnP, TURN or DHT proxy unless the caller turns one back on; candidates from the
/// namespace's own interfaces; no progress bars; `FERRY_TEST_LOG` sets the log level.
pub fn ferry_in_lab(mut in_host: Command, device: &Device, bootstrap: &str) -> Command {
    in_host
        .env("FERRY_HOME", device.path())
        .env("FERRY_BOOTSTRAP", bootstrap)
        .env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_NO_UPNP", "1")
        .env("FERRY_NO_TURN", "1")
        .env_remove("FERRY_TURN")
        .env_remove("FERRY_DHT_PROXY")
        .env_remove("FERRY_CANDIDATE_IP")
        .env(
            "FERRY_LOG",
            std::env::var("FERRY_TEST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .arg("--no-progress");
    in_host
}

pub fn sigint(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
}

/// Wait for `child` at most `limit`, killing it (and failing) past that.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("process {} did not exit within {limit:?}", child.id());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `send` (`cmd`, with `--json`), timed from its start: seconds to its `accepted` event
/// (the receiver's `GO`) and to its exit (after the verdict), and its stdout. Waits at most
/// `limit`; a failed send is its stderr.
pub fn timed_send(mut cmd: Command, limit: Duration) -> Result<(f64, f64, String), String> {
    let start = Instant::now();
    let mut child = spawn_piped(&mut cmd);
    let errors = read_on_thread(child.stderr.take().expect("stderr"));
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send((start.elapsed().as_secs_f64(), line));
        }
    });
    let status = wait_bounded(&mut child, limit);
    let total = start.elapsed().as_secs_f64();
    if !status.success() {
        let said = errors
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default();
        return Err(format!("send failed: {said}"));
    }
    let lines: Vec<(f64, String)> = lines.iter().collect();
    let accepted = lines
        .iter()
        .find(|(_, l)| l.contains("\"accepted\""))
        .map(|(t, _)| *t)
        .ok_or_else(|| format!("no accepted event: {lines:?}"))?;
    let out = lines.into_iter().map(|(_, l)| l + "\n").collect();
    Ok((accepted, total, out))
}

/// A file of `len` pseudo-random bytes (fast, not cryptographic).
pub fn random_file(dir: &Path, name: &str, len: usize) -> PathBuf {
    procs::seeded_file(dir, name, len, len as u64)
}

/// SHA3-256 as Python's hashlib computes it: an independent implementation.
pub fn python_sha3(path: &Path) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys\nh=hashlib.sha3_256()\nf=open(sys.argv[1],'rb')\nfor b in iter(lambda: f.read(1<<20), b''): h.update(b)\nprint(h.hexdigest())",
        ])
        .arg(path)
        .output()
        .expect("python3");
    assert!(out.status.success(), "python3 failed: {out:?}");
    String::from_utf8(out.stdout)
        .expect("utf8")
        .trim()
        .to_string()
}

/// Names in `dir`, sorted, hidden ones included.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Run `f` on a single-threaded runtime (tests that speak the protocol by hand).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// A TLS connection to `addr` as `device` (accepting any peer), to write raw protocol bytes.
pub async fn raw_tls(
    device: &Device,
    addr: &str,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tls_over(device, tcp).await
}

/// [`raw_tls`] over a TCP connection the test made itself (with its own socket options).
pub async fn tls_over(
    device: &Device,
    tcp: tokio::net::TcpStream,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    let identity = ferry::identity::Identity::open(device.path()).expect("identity");
    let config =
        ferry::net::tls::client_config(&identity, ferry::identity::Pin::any()).expect("tls config");
    tokio_rustls::TlsConnector::from(config)
        .connect(ferry::net::tls::server_name(), tcp)
        .await
        .expect("TLS handshake")
}

/// Run `send` (`cmd`: a sender's command with its settings) of `source` to `bob`, whom
/// `receiving` serves with `--once`: both sides must report `path` (`direct` or `relay`) and
/// the receiver must keep the file verified. Returns how long the send took and the receiver's
/// `connected` event.
pub fn sent_verified(
    cmd: Command,
    bob: &Device,
    receiving: Receiving,
    source: &Path,
    path: &str,
) -> (Duration, Value) {
    let (took, connected, _) = sent_verified_events(cmd, bob, receiving, source, path);
    (took, connected)
}

/// [`sent_verified`], also returning the sender's events.
pub fn sent_verified_events(
    mut cmd: Command,
    bob: &Device,
    mut receiving: Receiving,
    source: &Path,
    path: &str,
) -> (Duration, Value, Vec<Value>) {
    let started = Instant::now();
    let out = cmd
        .args(["--json", "send"])
        .arg(source)
        .args(["--to", &bob.device_id])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = json_events(&out.stdout);
    assert_eq!(
        only_event(&events, "connected")["path"],
        path,
        "{events:#?}"
    );
    let connected = receiving.wait_for("connected");
    assert_eq!(connected["path"], path, "{connected}");
    let done = receiving.wait_for("done");
    assert_eq!(done["sha3_256"], python_sha3(source).as_str());
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "{stderr}");
    (took, connected, events)
}
