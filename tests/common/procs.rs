//! Helpers for load and fault tests: many `ferry` processes at once, their outputs, the
//! receiver's memory, files of distinct content, a small tmpfs. Every wait is bounded.
#![allow(dead_code)]

use super::{json_events, read_on_thread, spawn_piped, wait_bounded, Device};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

/// A file of `len` bytes whose content depends on `seed` (xorshift, not cryptographic), so
/// files of the same size still differ.
pub fn seeded_file(dir: &Path, name: &str, len: usize, seed: u64) -> PathBuf {
    let path = dir.join(name);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1;
    let mut data = Vec::with_capacity(len + 8);
    while data.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data.extend_from_slice(&state.to_le_bytes());
    }
    data.truncate(len);
    std::fs::write(&path, data).expect("write file");
    path
}

/// SHA3-256 of many files in one python3 process (hashlib: an implementation independent of
/// ferry's), in the order given.
pub fn python_sha3_many(paths: &[PathBuf]) -> Vec<String> {
    if paths.is_empty() {
        return Vec::new();
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys\nfor p in sys.argv[1:]:\n h=hashlib.sha3_256()\n f=open(p,'rb')\n for b in iter(lambda: f.read(1<<20), b''): h.update(b)\n print(h.hexdigest())",
        ])
        .args(paths)
        .output()
        .expect("python3");
    assert!(out.status.success(), "python3 failed: {out:?}");
    let digests: Vec<String> = String::from_utf8(out.stdout)
        .expect("utf8")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(digests.len(), paths.len());
    digests
}

/// The peak resident set of a running process (`VmHWM`), in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Names in `dir` that are not hidden: what a user would take for a received file.
pub fn final_names(dir: &Path) -> Vec<String> {
    super::entries(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .collect()
}

/// The receiver's private directory of part files inside a receive directory.
pub const PARTS_DIR: &str = ".ferry-parts";

/// Hidden names in `dir` that are not where part files are kept (`.ferry-parts/`, or
/// `.NAME.KEY.ferry-part` beside the files for older builds).
pub fn stray_hidden(dir: &Path) -> Vec<String> {
    super::entries(dir)
        .into_iter()
        .filter(|n| n.starts_with('.') && n != PARTS_DIR && !n.ends_with(".ferry-part"))
        .collect()
}

/// The part files kept in receive directory `dir`: those of `.ferry-parts/` (older builds:
/// the `.NAME.KEY.ferry-part` files in `dir` itself), sorted.
pub fn part_files(dir: &Path) -> Vec<PathBuf> {
    let inside = dir.join(PARTS_DIR);
    let mut found: Vec<PathBuf> = super::entries(&inside)
        .into_iter()
        .map(|n| inside.join(n))
        .collect();
    found.extend(
        super::entries(dir)
            .into_iter()
            .filter(|n| n.starts_with('.') && n.ends_with(".ferry-part"))
            .map(|n| dir.join(n)),
    );
    found
}

/// A spawned process whose stdout and stderr are collected by threads (so a chatty child
/// never blocks on a full pipe).
pub struct Running {
    pub child: Child,
    stdout: std::sync::mpsc::Receiver<String>,
    stderr: std::sync::mpsc::Receiver<String>,
    pub started: Instant,
}

/// What a [`Running`] process left.
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

impl Running {
    pub fn spawn(mut cmd: Command) -> Running {
        let mut child = spawn_piped(&mut cmd);
        let started = Instant::now();
        let stdout = read_on_thread(child.stdout.take().expect("stdout"));
        let stderr = read_on_thread(child.stderr.take().expect("stderr"));
        Running {
            child,
            stdout,
            stderr,
            started,
        }
    }

    /// Wait at most `limit` (the test fails past it, the process killed).
    pub fn finish(mut self, limit: Duration) -> Finished {
        let status = wait_bounded(&mut self.child, limit);
        let elapsed = self.started.elapsed();
        let take = |rx: &std::sync::mpsc::Receiver<String>| {
            rx.recv_timeout(Duration::from_secs(10)).unwrap_or_default()
        };
        Finished {
            status,
            stdout: take(&self.stdout),
            stderr: take(&self.stderr),
            elapsed,
        }
    }

    /// Whether it has not exited yet.
    pub fn still_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL, then collect what it printed.
    pub fn kill(mut self) -> Finished {
        let _ = self.child.kill();
        self.finish(Duration::from_secs(10))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `ferry --json send FILE --to ID` through the test DHT at `bootstrap`, with `extra` options.
pub fn send_via_dht(
    from: &Device,
    file: &Path,
    to: &str,
    bootstrap: &str,
    extra: &[&str],
) -> Command {
    let mut cmd = from.ferry();
    super::dht_env(&mut cmd, bootstrap);
    cmd.args(["--json", "send"])
        .arg(file)
        .args(["--to", to])
        .args(extra);
    cmd
}

/// Whether this process may mount filesystems and make network namespaces; without root
/// a test is skipped with the reason, except under CI where it must run.
pub fn require_root(what: &str) -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !root {
        if std::env::var_os("CI").is_some() {
            panic!("{what} needs root under CI");
        }
        eprintln!("SKIPPED: {what} needs root");
    }
    root
}

/// A small tmpfs mounted on a fresh directory, unmounted when dropped (also when the test
/// fails), so a full disk can be made on purpose.
pub struct Tmpfs {
    pub dir: tempfile::TempDir,
}

impl Tmpfs {
    pub fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().expect("tempdir");
        let status = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .status()
            .expect("mount");
        assert!(status.success(), "mount -t tmpfs failed");
        Tmpfs { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy, so a receiver still holding a file open cannot keep it mounted.
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// The seed for randomised runs: `FERRY_TEST_SEED` when set (to replay a run), else from the
/// clock; printed either way.
pub fn seed(test: &str) -> u64 {
    let seed = std::env::var("FERRY_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("{test}: seed {seed} (replay with FERRY_TEST_SEED={seed})");
    seed
}

/// A child process killed when this is dropped (also when the test fails first).
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
