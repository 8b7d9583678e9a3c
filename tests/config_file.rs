//! The configuration file, through the real binary: `ferry doctor` shows that a file beats the
//! default, a variable beats the file and a flag beats the variable; a bad key or bad TOML stops
//! ferry with exit 2 and a message naming the file; `receive` saves where the file says and
//! accepts as it says.

use crate::common::real::BootstrapNode;
use crate::common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Variables that would change what these tests see, should the runner have them set.
const SETTINGS_VARS: &[&str] = &[
    "FERRY_CONFIG",
    "FERRY_BOOTSTRAP",
    "FERRY_NO_DISCOVERY",
    "FERRY_DHT_PROXY",
    "FERRY_TURN",
    "FERRY_TURN_USER",
    "FERRY_TURN_PASSWORD",
    "FERRY_TURN_PASSWORD_FILE",
    "FERRY_TURN_REALM",
    "FERRY_NO_TURN",
    "FERRY_RECEIVE_DIR",
    "FERRY_ACCEPT",
    "FERRY_FROM",
];

/// A command of `device` with none of the settings' variables.
fn clean(device: &Device) -> Command {
    let mut cmd = device.ferry();
    for var in SETTINGS_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// A command of `device` that reaches nothing beyond loopback, whatever the file says about
/// TURN and discovery (the bootstrap is the file's business in each test).
fn offline(device: &Device) -> Command {
    let mut cmd = clean(device);
    cmd.env("FERRY_NO_TURN", "1")
        .env("FERRY_NO_DISCOVERY", "1")
        .env("FERRY_NO_UPNP", "1")
        .env("FERRY_CANDIDATE_IP", "127.0.0.1");
    cmd
}

fn write_config(device: &Device, text: &str) -> std::path::PathBuf {
    let path = device.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `ferry --json doctor --config-only`: the `config` event (no network is touched).
fn config_event(mut cmd: Command, extra: &[&str]) -> Value {
    let out = cmd
        .args(["--json", "doctor", "--config-only"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "doctor: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let event: Value = serde_json::from_str(lines.next().expect("one line")).unwrap();
    assert_eq!(event["event"], "config", "{text}");
    assert_eq!(lines.next(), None, "only the config event: {text}");
    event
}

/// `(value, source)` of one setting in a `config` event.
fn setting(event: &Value, key: &str) -> (Value, String) {
    let s = &event["settings"][key];
    let source = match s["source"].as_str().expect("source") {
        "env" => format!("env {}", s["env"].as_str().expect("env name")),
        other => other.to_string(),
    };
    (s["value"].clone(), source)
}

/// Check `(key, value, source)` of each setting named in a `config` event.
fn assert_settings(event: &Value, expected: &[(&str, Value, &str)]) {
    for (key, value, source) in expected {
        assert_eq!(
            setting(event, key),
            (value.clone(), source.to_string()),
            "{key} in {event}"
        );
    }
}

#[test]
fn doctor_shows_file_over_default_env_over_file_flag_over_env() {
    let work = tempfile::tempdir().unwrap();
    let bob = Device::new();
    let file_dir = work.path().join("from-file");
    let file = write_config(
        &bob,
        &format!(
            r#"
bootstrap = ["127.0.0.1:1"]
discovery = false
[turn]
server = "turn:127.0.0.1:2"
password = "file-secret"
[receive]
dir = {:?}
accept = "all"
"#,
            file_dir.to_str().unwrap()
        ),
    );

    // The file over the defaults.
    let event = config_event(clean(&bob), &[]);
    assert_eq!(event["file"], file.to_str().unwrap());
    assert_settings(
        &event,
        &[
            ("bootstrap", json!(["127.0.0.1:1"]), "file"),
            ("discovery", json!(false), "file"),
            ("turn.server", json!("turn:127.0.0.1:2"), "file"),
            ("turn.password", json!("***"), "file"),
            ("receive.dir", json!(file_dir.to_str().unwrap()), "file"),
            ("receive.accept", json!("all"), "file"),
            ("turn.realm", json!("ring"), "default"),
        ],
    );
    assert!(!event.to_string().contains("file-secret"), "{event}");

    // Variables over the file.
    let mut cmd = clean(&bob);
    cmd.env("FERRY_BOOTSTRAP", "127.0.0.1:3,127.0.0.1:4")
        .env("FERRY_NO_DISCOVERY", "0")
        .env("FERRY_TURN", "turn:127.0.0.1:5")
        .env("FERRY_TURN_PASSWORD", "env-secret")
        .env("FERRY_RECEIVE_DIR", "/env/dir")
        .env("FERRY_ACCEPT", "ask");
    let event = config_event(cmd, &[]);
    assert_settings(
        &event,
        &[
            (
                "bootstrap",
                json!(["127.0.0.1:3", "127.0.0.1:4"]),
                "env FERRY_BOOTSTRAP",
            ),
            ("discovery", json!(true), "env FERRY_NO_DISCOVERY"),
            ("turn.server", json!("turn:127.0.0.1:5"), "env FERRY_TURN"),
            ("receive.dir", json!("/env/dir"), "env FERRY_RECEIVE_DIR"),
            ("receive.accept", json!("ask"), "env FERRY_ACCEPT"),
        ],
    );
    assert!(!event.to_string().contains("env-secret"), "{event}");

    // Flags over the variables (`none`: LAN discovery only).
    let mut cmd = clean(&bob);
    cmd.env("FERRY_BOOTSTRAP", "127.0.0.1:3")
        .env("FERRY_TURN", "turn:127.0.0.1:5");
    let event = config_event(cmd, &["--bootstrap", "none", "--turn", "turn:127.0.0.1:6"]);
    assert_settings(
        &event,
        &[
            ("bootstrap", json!([]), "flag"),
            ("turn.server", json!("turn:127.0.0.1:6"), "flag"),
        ],
    );

    // The same in text, one line per setting with its source.
    let out = clean(&bob)
        .env("FERRY_TURN", "turn:127.0.0.1:5")
        .args(["doctor", "--config-only"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |key: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no {key} line in {text}"))
            .to_string()
    };
    assert!(
        line("bootstrap").ends_with(&format!("(file {})", file.display())),
        "{text}"
    );
    assert!(line("turn.server").ends_with("(env FERRY_TURN)"), "{text}");
    assert!(line("turn.realm").ends_with("(default)"), "{text}");
    assert!(line("turn.password").contains("***"), "{text}");
    assert!(!text.contains("file-secret"), "{text}");
}

#[test]
fn without_a_file_every_setting_is_the_default() {
    let bob = Device::new();
    let event = config_event(clean(&bob), &[]);
    assert_eq!(event["file"], Value::Null);
    assert_eq!(
        event["path"],
        bob.path().join("config.toml").to_str().unwrap()
    );
    assert_eq!(
        setting(&event, "home"),
        (bob.path().to_str().unwrap().into(), "env FERRY_HOME".into())
    );
    for key in [
        "bootstrap",
        "discovery",
        "dht.proxy",
        "turn.enabled",
        "turn.server",
        "turn.user",
        "turn.password",
        "turn.realm",
        "receive.dir",
        "receive.accept",
        "receive.from",
    ] {
        assert_eq!(setting(&event, key).1, "default", "{key}: {event}");
    }
    assert_eq!(
        event["settings"]["bootstrap"]["value"][0],
        "bootstrap.jami.net:4222"
    );
}

fn fails_naming(out: &Output, file: &Path, also: &[&str]) {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&*file.to_string_lossy()), "{stderr}");
    for text in also {
        assert!(stderr.contains(text), "{text:?} not in {stderr}");
    }
}

#[test]
fn a_bad_key_or_bad_toml_is_exit_2_naming_the_file() {
    let bob = Device::new();
    let file = write_config(
        &bob,
        "[turn]\nserver = \"turn:127.0.0.1:1\"\nservr = \"x\"\n",
    );
    let out = clean(&bob).arg("id").output().unwrap();
    fails_naming(&out, &file, &[":3:1:", "unknown field `servr`"]);
    // As a JSON error event too.
    let out = clean(&bob).args(["--json", "id"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let event: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event["event"], "error");
    assert!(
        event["reason"].as_str().unwrap().contains("servr"),
        "{event}"
    );

    let bad: [(&str, &[&str]); 2] = [
        (
            "discovery = false\nbootstrap = [\"127.0.0.1:1\"\n",
            &[":2:"],
        ),
        ("[receive]\naccept = \"maybe\"\n", &[":2:10:", "maybe"]),
    ];
    for (text, also) in bad {
        let file = write_config(&bob, text);
        let out = clean(&bob)
            .args(["doctor", "--config-only"])
            .output()
            .unwrap();
        fails_naming(&out, &file, also);
    }

    // A file named with --config must exist.
    let missing = bob.path().join("missing.toml");
    let out = clean(&bob)
        .arg("--config")
        .arg(&missing)
        .arg("id")
        .output()
        .unwrap();
    fails_naming(&out, &missing, &[]);
}

#[test]
fn a_bad_receive_variable_is_exit_2_outside_receive_too() {
    // `doctor` reads the `receive` variables through clap as `receive` would.
    let bob = Device::new();
    let out = clean(&bob)
        .env("FERRY_ACCEPT", "maybe")
        .args(["doctor", "--config-only"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'maybe'") && stderr.contains("(from the environment)"),
        "{stderr}"
    );
}

/// A file for `receive`: no DHT, save in `dir`, accept every offer.
fn write_receive_config(bob: &Device, dir: &Path) {
    let text = format!(
        "bootstrap = [\"none\"]\n[receive]\ndir = {:?}\naccept = \"all\"\n",
        dir.to_str().unwrap()
    );
    write_config(bob, &text);
}

/// Start `bob` receiving in direct mode with `extra` arguments (no `--yes`), send him a small
/// file from a new device, and return where it was kept.
fn receive_one(
    bob: &Device,
    work: &Path,
    name: &str,
    env: &[(&str, &Path)],
    extra: &[&str],
) -> Value {
    let mut cmd = offline(bob);
    for (var, value) in env {
        cmd.env(var, value);
    }
    cmd.args(["--json", "receive", "--listen", "127.0.0.1:0", "--once"])
        .args(extra);
    let mut receiving = Receiving::spawn(cmd, "listening");
    let alice = Device::new();
    let source = random_file(work, name, 10_000);
    let mut sender = offline(&alice)
        .args(["--json", "send"])
        .arg(&source)
        .args(["--to", &bob.device_id, "--peer-addr", &receiving.addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let sent = wait_bounded(&mut sender, WAIT);
    assert!(sent.success(), "send: {sent:?}");
    let done = receiving.wait_for("done");
    let (status, stderr, _) = receiving.wait_exit();
    assert!(status.success(), "receive: {status:?} {stderr}");
    assert_eq!(done["sha3_256"], python_sha3(&source).as_str());
    done
}

#[test]
fn receive_saves_in_the_files_dir_and_accepts_as_the_file_says() {
    let work = tempfile::tempdir().unwrap();
    let bob = Device::new();
    let inbox = work.path().join("configured-inbox");
    write_receive_config(&bob, &inbox);
    // No --dir, no --yes, no terminal: only the file's `accept = "all"` lets the offer in
    // (otherwise it would wait for `ferry accept` far past the test's bound).
    receive_one(&bob, work.path(), "report.txt", &[], &[]);
    assert_eq!(entries(&inbox), ["report.txt"]);
}

#[test]
fn receive_dir_from_the_variable_beats_the_file_and_the_flag_beats_both() {
    let work = tempfile::tempdir().unwrap();
    let bob = Device::new();
    let (in_file, in_env, in_flag) = (
        work.path().join("file-inbox"),
        work.path().join("env-inbox"),
        work.path().join("flag-inbox"),
    );
    write_receive_config(&bob, &in_file);
    let env = [("FERRY_RECEIVE_DIR", in_env.as_path())];
    receive_one(&bob, work.path(), "a.txt", &env, &[]);
    let flag = ["--dir", in_flag.to_str().unwrap()];
    receive_one(&bob, work.path(), "b.txt", &env, &flag);
    assert_eq!(entries(&in_env), ["a.txt"]);
    assert_eq!(entries(&in_flag), ["b.txt"]);
    assert!(entries(&in_file).is_empty());
}

#[test]
fn doctor_joins_the_dht_the_file_names() {
    let node = BootstrapNode::start();
    let bob = Device::new();
    let file = write_config(
        &bob,
        &format!(
            "bootstrap = [{:?}]\ndiscovery = false\n[turn]\nenabled = false\n",
            node.addr()
        ),
    );
    let out = clean(&bob)
        .env("FERRY_NO_UPNP", "1")
        .env("FERRY_CANDIDATE_IP", "127.0.0.1")
        .args(["--json", "doctor"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let events: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The network report stays the first line; the settings follow.
    assert_eq!(events.len(), 2, "{events:?}");
    let (report, config) = (&events[0], &events[1]);
    assert_eq!(report["event"], "doctor");
    assert_eq!(report["dht"]["reachable"], true, "{report}");
    assert_eq!(report["dht"]["bootstrap"], json!([node.addr()]));
    assert_eq!(report["dht"]["lan_discovery"], false);
    assert_eq!(report["turn"]["enabled"], false);
    assert_eq!(config["event"], "config");
    assert_eq!(config["file"], file.to_str().unwrap());
    assert_eq!(setting(config, "turn.enabled").1, "file");
}
