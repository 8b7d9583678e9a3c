//! `tests/ci_handoff.sh`, the CI-style hand-off script, run on the binary under test: a build
//! directory crosses a local DHT and every file's SHA3-256 is checked on both sides against
//! python3's hashlib; and the check itself catches a changed or missing file.

use crate::common;
use crate::common::real::BootstrapNode;
use std::process::Command;
use std::time::Duration;

/// The script on `node` (the DHT it is given; by itself it would start a `dhtnode`).
fn handoff(node: &BootstrapNode, tamper: Option<&str>) -> common::Finished {
    let mut cmd = Command::new("bash");
    cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ci_handoff.sh"))
        .arg(env!("CARGO_BIN_EXE_ferry"))
        .arg(node.addr());
    match tamper {
        Some(how) => cmd.env("CI_HANDOFF_TAMPER", how),
        None => cmd.env_remove("CI_HANDOFF_TAMPER"),
    };
    let finished = common::Receiving::run(cmd).finish(Duration::from_secs(240));
    eprintln!("{}{}", finished.stdout, finished.stderr);
    finished
}

#[test]
fn the_ci_script_hands_a_build_directory_over_verified_on_both_sides() {
    let node = BootstrapNode::start();
    let run = handoff(&node, None);
    assert!(run.status.success(), "{:?}\n{}", run.status, run.stderr);
    assert!(
        run.stdout.contains("every SHA3-256 matches on both sides"),
        "{}",
        run.stdout
    );
    eprintln!("ci_handoff.sh took {:.2} s", run.elapsed.as_secs_f64());
}

#[test]
fn the_ci_script_fails_on_a_changed_or_missing_file() {
    let node = BootstrapNode::start();
    let flipped = handoff(&node, Some("flip"));
    assert_eq!(flipped.status.code(), Some(1), "{}", flipped.stderr);
    assert!(flipped.stderr.contains("mismatch"), "{}", flipped.stderr);
    let removed = handoff(&node, Some("remove"));
    assert_eq!(removed.status.code(), Some(1), "{}", removed.stderr);
    assert!(removed.stderr.contains("missing"), "{}", removed.stderr);
}
