//! The y/N prompt of `receive` on a terminal (a pseudo-terminal from Python's `pty`): a question
//! whose sender gave up is taken back, saying why, and the next offer is asked and answered.

use crate::common;
use crate::common::*;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Runs argv[1:] on a pseudo-terminal: its output is copied to stdout, lines written to stdin
/// are typed into it; when stdin ends, the program gets SIGINT. Bounded: 120 s of silence.
const PTY_DRIVER: &str = r#"
import os, pty, select, signal, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
stdin_open = True
for _ in range(100000):
    watched = [fd] + ([0] if stdin_open else [])
    ready, _, _ = select.select(watched, [], [], 120)
    if not ready:
        break
    if fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if stdin_open and 0 in ready:
        line = os.read(0, 1024)
        if line:
            os.write(fd, line)
        else:
            stdin_open = False
            os.kill(pid, signal.SIGINT)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"#;

/// What the terminal shows, as it comes.
struct Screen {
    text: mpsc::Receiver<String>,
    shown: String,
}

impl Screen {
    /// Wait until `want` has shown up `times` times in all, failing after [`WAIT`].
    fn wait_for(&mut self, want: &str, times: usize) {
        let deadline = Instant::now() + WAIT;
        while self.shown.matches(want).count() < times {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.text.recv_timeout(left.max(Duration::from_millis(1))) {
                Ok(more) => self.shown.push_str(&more),
                Err(_) => panic!(
                    "{want:?} not shown {times} time(s); the screen:\n{}",
                    self.shown
                ),
            }
        }
    }
}

#[test]
fn a_prompt_whose_sender_gave_up_is_taken_back_and_the_next_is_answered() {
    if !common::real::require("python3", &["-c", "import pty"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (alice, bob) = (Device::new(), Device::new());
    let inbox = work.path().join("inbox");
    let mut driver = Command::new("python3")
        .arg("-c")
        .arg(PTY_DRIVER)
        .arg(ferry_bin())
        .args(["--json", "receive", "--listen", "127.0.0.1:0", "--dir"])
        .arg(&inbox)
        .env("FERRY_HOME", bob.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let (tx, text) = mpsc::channel();
    let mut stdout = driver.stdout.take().unwrap();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        // Whatever the terminal shows, as it comes (a prompt has no line end).
        while let Ok(n @ 1..) = stdout.read(&mut chunk) {
            if tx
                .send(String::from_utf8_lossy(&chunk[..n]).into_owned())
                .is_err()
            {
                return;
            }
        }
    });
    let mut screen = Screen {
        text,
        shown: String::new(),
    };
    screen.wait_for("\"event\":\"listening\"", 1);
    let addr = screen
        .shown
        .lines()
        .find_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l.trim()).ok()?;
            (v["event"] == "listening").then(|| v["addr"].as_str().unwrap().to_string())
        })
        .expect("the listening address");
    let file = random_file(work.path(), "asked.bin", 20_000);
    let mut first = send_direct(&alice, [&file], &bob.device_id, &addr, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    screen.wait_for("[y/N] ", 1);
    sigint(&first);
    assert_eq!(wait_bounded(&mut first, WAIT).code(), Some(130));
    screen.wait_for("withdrew its offer", 1);

    let mut second = send_direct(&alice, [&file], &bob.device_id, &addr, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    screen.wait_for("[y/N] ", 2);
    let mut typing = driver.stdin.take().unwrap();
    typing.write_all(b"y\n").unwrap();
    typing.flush().unwrap();
    let sent = wait_bounded(&mut second, WAIT);
    assert!(sent.success(), "the screen:\n{}", screen.shown);
    assert_eq!(python_sha3(&inbox.join("asked.bin")), python_sha3(&file));
    drop(typing);
    let status = wait_bounded(&mut driver, WAIT);
    assert_eq!(status.code(), Some(130), "the screen:\n{}", screen.shown);
}
