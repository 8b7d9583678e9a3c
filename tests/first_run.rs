//! A new user's first minutes, offline: `doctor` answers quickly with advice, files land where
//! the user is when there is no download folder.

use crate::common;
use crate::common::*;
use std::time::{Duration, Instant};

/// A loopback UDP port nothing listens on, and a loopback TCP port nothing accepts on.
fn dead_ports() -> (u16, u16) {
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    (
        udp.local_addr().unwrap().port(),
        tcp.local_addr().unwrap().port(),
    )
}

#[test]
fn doctor_answers_offline_within_three_seconds_with_advice() {
    let _machine = timed();
    let device = Device::new();
    let (udp, tcp) = dead_ports();
    for json in [false, true] {
        let mut cmd = device.ferry();
        cmd.env("FERRY_NO_DISCOVERY", "1")
            .env("FERRY_NO_UPNP", "1")
            .args(["--bootstrap", &format!("127.0.0.1:{udp}")])
            .args(["--turn", &format!("turn:127.0.0.1:{tcp}")]);
        if json {
            cmd.arg("--json");
        }
        let started = Instant::now();
        let out = cmd.arg("doctor").output().unwrap();
        let took = started.elapsed();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        println!(
            "doctor offline (json: {json}) took {:.2} s",
            took.as_secs_f64()
        );
        assert!(took < Duration::from_secs(3), "doctor took {took:?}");
        assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
        assert!(stderr.contains("no DHT node answered"), "{stderr}");
        assert!(stderr.contains("--bootstrap HOST:PORT"), "{stderr}");
        assert!(stderr.contains("--no-turn"), "{stderr}");
        if json {
            let first: serde_json::Value =
                serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
            assert_eq!(first["event"], "doctor");
            assert_eq!(first["dht"]["reachable"], false);
            assert_eq!(first["turn"]["allocation"], false);
        } else {
            assert!(
                !stdout.contains('{'),
                "raw JSON in the text report:\n{stdout}"
            );
            assert!(stdout.contains("not reachable"), "{stdout}");
        }
    }
}

#[test]
fn with_no_download_folder_files_land_in_the_current_directory() {
    let (bob, alice) = (Device::new(), Device::new());
    let here = tempfile::tempdir().unwrap();
    let bare_home = tempfile::tempdir().unwrap();
    let mut cmd = bob.ferry();
    cmd.current_dir(here.path())
        .env("HOME", bare_home.path())
        .env_remove("XDG_DOWNLOAD_DIR")
        .env_remove("XDG_CONFIG_HOME")
        .args([
            "--json",
            "receive",
            "--listen",
            "127.0.0.1:0",
            "--yes",
            "--once",
        ]);
    let receiving = Receiving::spawn(cmd, "listening");
    let outbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "lands-here.bin", 10_000);
    let out = send_direct(&alice, [&file], &bob.device_id, &receiving.addr, &[])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let (status, _, _) = receiving.wait_exit();
    assert!(status.success());
    assert_eq!(
        python_sha3(&here.path().join("lands-here.bin")),
        python_sha3(&file)
    );
    assert!(!bob.path().join("downloads").exists());
}

/// A loopback bootstrap address where nothing answers: the DHT stays empty, nothing leaves the
/// machine.
fn dead_bootstrap() -> String {
    format!("127.0.0.1:{}", dead_ports().0)
}

#[test]
fn receive_says_who_it_is_at_once_and_that_no_dht_node_answered() {
    let _machine = timed();
    let device = Device::new();
    let inbox = tempfile::tempdir().unwrap();
    // JSON: the first event names the device, within a second; then the DHT state.
    let mut cmd = device.ferry();
    cmd.env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_NO_UPNP", "1")
        .env("FERRY_NO_TURN", "1")
        .args([
            "--bootstrap",
            &dead_bootstrap(),
            "--json",
            "receive",
            "--dir",
        ])
        .arg(inbox.path());
    let started = Instant::now();
    let mut receiving = Receiving::spawn(cmd, "starting");
    let took = started.elapsed();
    let first = receiving.seen.first().cloned().unwrap();
    assert_eq!(first["event"], "starting", "{first}");
    assert_eq!(first["device_id"], device.device_id.as_str());
    println!("device id printed after {:.3} s", took.as_secs_f64());
    assert!(took < Duration::from_secs(1), "{took:?}");
    let alone = receiving.wait_matching("dht", |e| e["state"] == "alone");
    assert!(
        alone["detail"]
            .as_str()
            .unwrap()
            .contains("no DHT node answered"),
        "{alone}"
    );
    receiving.interrupt();
    let _ = receiving.wait_exit();

    // Text: the id is on the terminal's stream at once too.
    let mut cmd = device.ferry();
    cmd.env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_NO_UPNP", "1")
        .env("FERRY_NO_TURN", "1")
        .args(["--bootstrap", &dead_bootstrap(), "receive", "--dir"])
        .arg(inbox.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stderr), &mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
    let took = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains(&device.device_id), "{line:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[test]
fn a_second_receive_on_the_same_home_is_refused_at_once() {
    let _machine = timed();
    let device = Device::new();
    let inbox = tempfile::tempdir().unwrap();
    let mut cmd = device.ferry();
    cmd.args(["--json", "receive", "--listen", "127.0.0.1:0", "--dir"])
        .arg(inbox.path());
    let first = Receiving::spawn(cmd, "listening");
    let started = Instant::now();
    let mut second = device.ferry();
    second
        .env("FERRY_NO_DISCOVERY", "1")
        .args(["--bootstrap", &dead_bootstrap(), "receive", "--dir"])
        .arg(inbox.path());
    let out = common::Receiving::run(second).finish(Duration::from_secs(10));
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stderr.contains("already runs"), "{out:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    first.interrupt();
    let _ = first.wait_exit();
}

#[test]
fn an_unwritable_download_directory_is_refused_at_start() {
    let _machine = timed();
    if !common::procs::require_root("mounting a read-only tmpfs") {
        return;
    }
    let device = Device::new();
    let readonly = common::procs::Tmpfs::mount("1m");
    let status = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(readonly.path())
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let mut cmd = device.ferry();
    cmd.args(["receive", "--listen", "127.0.0.1:0", "--dir"])
        .arg(readonly.path());
    let out = common::Receiving::run(cmd).finish(Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stderr.contains("cannot write files into"), "{out:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// A receiver that crashed is still announced for a while: the send waits for its answer,
/// then says when the device last announced itself and exits 2 (nothing was refused).
#[test]
fn a_send_to_a_stopped_receiver_says_so_and_exits_2() {
    let node = common::real::BootstrapNode::start();
    let (bob, alice) = (Device::new(), Device::new());
    let inbox = tempfile::tempdir().unwrap();
    let mut receiving = Receiving::start_dht(&bob, inbox.path(), &node.addr(), &["--yes"]);
    let _ = receiving.child.kill();
    let _ = receiving.child.wait();
    let outbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "nobody-home.bin", 1000);
    let started = Instant::now();
    let out = common::procs::send_via_dht(&alice, &file, &bob.device_id, &node.addr(), &[])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!(
        "send to a stopped receiver ended after {:.1} s: {stderr}",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr.contains("did not answer"), "{stderr}");
    assert!(stderr.contains("last announced itself"), "{stderr}");
}

/// A receiver stopped with Ctrl-C withdraws its announcement: a send to it fails at once,
/// saying when it stopped (exit 2), instead of waiting for an answer that cannot come; once it
/// runs again, it is found again.
#[test]
fn a_send_to_a_receiver_stopped_with_ctrl_c_fails_at_once() {
    let _machine = timed();
    let node = common::real::BootstrapNode::start();
    let (bob, alice) = (Device::new(), Device::new());
    let inbox = tempfile::tempdir().unwrap();
    let receiving = Receiving::start_dht(&bob, inbox.path(), &node.addr(), &["--yes"]);
    receiving.interrupt();
    let (status, stderr, events) = receiving.wait_exit();
    assert_eq!(status.code(), Some(130), "{stderr}");
    let withdrawn: Vec<_> = events
        .iter()
        .filter(|e| e["event"] == "dht" && e["state"] == "withdrawn")
        .collect();
    assert_eq!(withdrawn.len(), 1, "{events:#?}");
    assert!(withdrawn[0].get("detail").is_none(), "{events:#?}");
    let outbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "gone.bin", 1000);
    let started = Instant::now();
    let out = common::procs::send_via_dht(&alice, &file, &bob.device_id, &node.addr(), &[])
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!(
        "send to a receiver stopped with Ctrl-C ended after {:.2} s: {stderr}",
        took.as_secs_f64()
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr.contains("stopped receiving"), "{stderr}");
    assert!(took < Duration::from_secs(8), "{took:?}");

    let mut receiving = Receiving::start_dht(&bob, inbox.path(), &node.addr(), &["--yes"]);
    let out = common::procs::send_via_dht(&alice, &file, &bob.device_id, &node.addr(), &[])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    receiving.wait_for("done");
    receiving.interrupt();
}

/// `send` says what it is doing at each phase, with the time since it started.
#[test]
fn the_sender_reports_each_phase_with_elapsed_time() {
    let node = common::real::BootstrapNode::start();
    let (bob, alice) = (Device::new(), Device::new());
    let inbox = tempfile::tempdir().unwrap();
    let mut receiving = Receiving::start_dht(&bob, inbox.path(), &node.addr(), &["--yes"]);
    let outbox = tempfile::tempdir().unwrap();
    let file = random_file(outbox.path(), "phases.bin", 1000);
    let out = common::procs::send_via_dht(&alice, &file, &bob.device_id, &node.addr(), &[])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let phases: Vec<(String, f64)> = json_events(&out.stdout)
        .into_iter()
        .filter(|e| e["event"] == "phase")
        .map(|e| {
            (
                e["what"].as_str().unwrap().to_string(),
                e["seconds"].as_f64().unwrap(),
            )
        })
        .collect();
    for (what, seconds) in &phases {
        println!("[{seconds:6.2} s] {what}");
    }
    let expected = [
        "joining the DHT",
        "looking up",
        "offer published",
        "answered",
        "path to device",
        "waiting for it to accept",
    ];
    let mut at = 0;
    for want in expected {
        let found = phases[at..].iter().position(|(w, _)| w.contains(want));
        let found = found.unwrap_or_else(|| panic!("no phase {want:?} in order: {phases:?}"));
        at += found + 1;
    }
    assert!(phases.windows(2).all(|w| w[0].1 <= w[1].1));
    receiving.wait_for("done");
    receiving.interrupt();
}

#[test]
fn a_new_home_says_once_that_a_device_was_made_there() {
    let parent = tempfile::tempdir().unwrap();
    let ferry = |home: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new(ferry_bin())
            .env("FERRY_HOME", home)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // Text: one line on stderr naming the device, its account and the home, the first time.
    let home = parent.path().join("not/there/yet");
    let (stdout, stderr) = ferry(&home, &["id"]);
    let id_of = |label: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .unwrap()
            .trim()
            .to_string()
    };
    let (device, account) = (id_of("device "), id_of("account "));
    let said = format!(
        "created a new device {device} (account {account}) in {}",
        home.display()
    );
    assert_eq!(stderr.matches(&said).count(), 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (again, stderr) = ferry(&home, &["id"]);
    assert_eq!(again, stdout);
    assert_eq!(stderr, "", "said again on the second run");

    // JSON: a `device_created` event first, then the ids; nothing the second time.
    let home = parent.path().join("json-home");
    let (stdout, _) = ferry(&home, &["--json", "id"]);
    let events = json_events(stdout.as_bytes());
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["event"], "device_created");
    assert_eq!(events[0]["device_id"], events[1]["device_id"]);
    assert_eq!(events[0]["account_id"], events[1]["account_id"]);
    assert_eq!(events[0]["home"], home.display().to_string());
    let (stdout, _) = ferry(&home, &["--json", "id"]);
    assert_eq!(json_events(stdout.as_bytes()).len(), 1, "{stdout}");

    // --quiet: the device is made, nothing said.
    let home = parent.path().join("quiet-home");
    let (_, stderr) = ferry(&home, &["--quiet", "id"]);
    assert_eq!(stderr, "");
    assert!(home.join("device.crt").exists());
}
