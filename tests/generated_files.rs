//! The committed man page and completions are what the CLI definition generates today.
//! Regenerate with `tests/regenerate.sh`.

use crate::common;
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

/// Every page the CLI has (`ferry`, `ferry-send`, `ferry-dht-get`, ...) is committed and up to
/// date, and no other page is: each page refers to its subcommands' pages, which must exist.
#[test]
fn a_man_page_for_every_subcommand_is_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages: Vec<String> = String::from_utf8(generated(&["man-pages"]))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert!(pages.len() > 10 && pages.contains(&"ferry-send".to_string()));
    for page in &pages {
        let path = format!("man/{page}.1");
        let sub = page.strip_prefix("ferry").unwrap().trim_start_matches('-');
        let args: Vec<&str> = if sub.is_empty() {
            vec!["man"]
        } else {
            vec!["man", sub]
        };
        let committed = std::fs::read(root.join(&path))
            .unwrap_or_else(|e| panic!("{path}: {e}; run tests/regenerate.sh"));
        assert!(
            committed == generated(&args),
            "{path} is stale: run tests/regenerate.sh"
        );
        // Every page it refers to exists.
        let text = String::from_utf8_lossy(&committed).replace("\\-", "-");
        for word in text.split_whitespace() {
            if let Some(name) = word.strip_suffix("(1)") {
                assert!(
                    pages.iter().any(|p| p == name),
                    "{path} refers to {name}(1), which does not exist"
                );
            }
        }
    }
    let mut committed: Vec<String> = std::fs::read_dir(root.join("man"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".1")
                .to_string()
        })
        .collect();
    committed.sort();
    let mut expected = pages.clone();
    expected.sort();
    assert_eq!(
        committed, expected,
        "man/ holds other pages: run tests/regenerate.sh"
    );
}

#[test]
fn completions_are_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = [
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
