//! The committed man page and completions are what the CLI definition generates today.
//! Regenerate with `tests/regenerate.sh`.

mod common;
use std::process::Command;

fn generated(args: &[&str]) -> Vec<u8> {
    let out = Command::new(common::ferry_bin())
        .arg("generate")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

#[test]
fn man_page_and_completions_are_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = [
        ("man/ferry.1", vec!["man"]),
        ("completions/ferry.bash", vec!["completions", "bash"]),
        ("completions/_ferry", vec!["completions", "zsh"]),
        ("completions/ferry.fish", vec!["completions", "fish"]),
        ("completions/ferry.elv", vec!["completions", "elvish"]),
        ("completions/_ferry.ps1", vec!["completions", "powershell"]),
    ];
    for (path, args) in files {
        let committed = std::fs::read(root.join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}; run tests/regenerate.sh"));
        assert!(
            committed == generated(&args),
            "{path} is stale: run tests/regenerate.sh"
        );
    }
}
