#!/usr/bin/env bash
# Regenerate the committed man pages (one per subcommand) and shell completions from the CLI definition.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
f=target/debug/ferry
mkdir -p man completions
rm -f man/*.1
for page in $($f generate man-pages); do
  sub=${page#ferry}; sub=${sub#-}
  if [ -z "$sub" ]; then $f generate man > "man/$page.1"; else $f generate man "$sub" > "man/$page.1"; fi
done
$f generate completions bash > completions/ferry.bash
$f generate completions zsh > completions/_ferry
$f generate completions fish > completions/ferry.fish
$f generate completions elvish > completions/ferry.elv
$f generate completions powershell > completions/_ferry.ps1
