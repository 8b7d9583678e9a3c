//! Every end-to-end test of ferry, in one test binary (`cargo test --test e2e`).
//!
//! Each file in `tests/` holds the tests of one behaviour (see `tests/README.md`); this crate
//! root makes each of them a module (`mod faults;` is `tests/faults.rs`), with the shared
//! helpers in `tests/common`. Why one binary: as ~37 binaries, each file compiled `common`
//! again and linked on its own (about 180 CPU-seconds of the test build), and `cargo test`
//! ran the binaries one after another, most of their time spent waiting on protocol
//! deadlines (idle limits, retries, DHT timeouts). Here the build links once and libtest runs
//! the tests of all files side by side, so one file's waits overlap another's.
//!
//! Running side by side in one process, the tests share what a process has: the network
//! namespace names of `common::netns` and `common::natlab` (distinct prefixes, `fy` and `nl`,
//! each with the pid and its own counter), the environment (no test sets a variable of its
//! own process: children get theirs through `Command::env`), and the machine's two cores.
//! A test that loads the CPU hard or measures a speed takes the machine alone
//! ([`common::alone`]); one that asserts a wall-clock bound takes it shared
//! ([`common::timed`]), so it never runs beside such a test.
//!
//! One file's tests: `cargo test --test e2e faults::` (a test's name is its module path,
//! `faults::a_full_disk_is_...`); with figures: `cargo test --test e2e load:: -- --nocapture`.
//! The benches in `tests/bench/` stay binaries of their own (`cargo bench`).

mod accept_control;
mod attack_admission;
mod attack_dht;
mod attack_offers;
mod attack_partfiles;
mod attack_replies;
mod attack_rerequests;
mod attack_small;
mod ci_handoff;
mod code_pairing;
mod common;
mod config_file;
mod connector_e2e;
mod connector_netns;
mod dht_captured_vectors;
mod dht_interop;
mod dht_proxy;
mod dht_robustness;
mod faults;
mod first_run;
mod generated_files;
mod hostile_headers;
mod lan_discovery;
mod load;
mod multi_device;
mod prompt;
mod refuse_cancel;
mod relay_speed;
mod rerequest;
mod rerequest_handover;
mod resume;
mod sets_pipelined;
mod streams_and_sets;
mod turn_fallback;
mod turn_natlab;
mod turn_tls;
mod upnp_gateway;
mod verified_transfer;
mod wrong_identity;

/// Every `tests/*.rs` file is a module of this binary: with `autotests = false`, a file left
/// out of the list above would compile nowhere and its tests would never run.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let root = std::fs::read_to_string(dir.join("e2e.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(module) = name.strip_suffix(".rs") {
            if module != "e2e" && !root.contains(&format!("\nmod {module};\n")) {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not modules of tests/e2e.rs: {missing:?}"
    );
}
