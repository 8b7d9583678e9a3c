//! Helpers for load and fault tests: files of distinct content, their digests, the receiver's
//! memory, part files, a small tmpfs. (A spawned `ferry` is a [`super::Receiving`].)
#![allow(dead_code)]

use super::Device;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

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
