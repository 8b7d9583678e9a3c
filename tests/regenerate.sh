#!/usr/bin/env bash
# Regenerate the committed man page and shell completions from the CLI definition.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
f=target/debug/ferry
mkdir -p man completions
$f generate man > man/ferry.1
$f generate completions bash > completions/ferry.bash
$f generate completions zsh > completions/_ferry
$f generate completions fish > completions/ferry.fish
$f generate completions elvish > completions/ferry.elv
$f generate completions powershell > completions/_ferry.ps1
