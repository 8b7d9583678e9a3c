//! A new user's first minutes, offline: `doctor` answers quickly with advice, files land where
//! the user is when there is no download folder.

mod common;
use common::*;
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
