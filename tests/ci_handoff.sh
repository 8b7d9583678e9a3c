#!/usr/bin/env bash
# Hand a build directory from one ferry device to another through a DHT, as a CI job would,
# and check every file's SHA3-256 on both sides against digests computed here, independently
# of ferry (python3's hashlib, what `sha3sum -a 256` prints).
#
# Usage:
#   tests/ci_handoff.sh [FERRY_BIN [DHT_HOST:PORT]]
#
#   FERRY_BIN      the ferry binary (default: target/debug/ferry, else `ferry` on PATH)
#   DHT_HOST:PORT  a DHT node both ends join (default: a `dhtnode` started here on a free
#                  loopback port, stopped at the end; Debian package `dhtnode`)
#
# For example:
#   cargo build && tests/ci_handoff.sh
#   tests/ci_handoff.sh ~/.cargo/bin/ferry 127.0.0.1:4222
#
# Both ends run on this machine, in two fresh FERRY_HOMEs under a temporary directory, and offer
# only 127.0.0.1 as a candidate (override with FERRY_CANDIDATE_IP). It sends the fake build
# directory with `ferry --json send build/ --to RECEIVER_DEVICE_ID` to
# `ferry --json receive --yes --once --dir OUT`, then compares the `entry` events of both sides
# (one per file: path, size, sha3_256) with the files themselves.
#
# Exit status: 0 when every file arrived and every digest matches on both sides; 1 on a
# mismatch or a missing or extra file; 2 when the hand-off itself failed (ferry's exit status
# and output are shown). Needs bash, python3, coreutils.
#
# CI_HANDOFF_TAMPER=flip|remove (for the script's own test) changes one kept file before the
# check, which must then fail.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ferry=${1:-}
if [ -z "$ferry" ]; then
  if [ -x "$here/../target/debug/ferry" ]; then ferry="$here/../target/debug/ferry"; else ferry=$(command -v ferry || true); fi
fi
[ -n "$ferry" ] && [ -x "$ferry" ] || { echo "ci_handoff: no ferry binary (give its path)" >&2; exit 2; }
ferry=$(cd "$(dirname "$ferry")" && pwd)/$(basename "$ferry")
command -v python3 >/dev/null || { echo "ci_handoff: python3 is needed for the digests" >&2; exit 2; }
bootstrap=${2:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/ci-handoff.XXXXXX")
pids=()
cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
  exec 3>&- 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "ci_handoff: $*" >&2; exit 2; }

# Wait (at most $2 seconds) until file $1 has a line containing $3.
wait_for_line() {
  local file=$1 limit=$2 text=$3 i
  for ((i = 0; i < limit * 10; i++)); do
    grep -q -- "$text" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# 1. A DHT node to meet on: the one given, or a dhtnode of our own on loopback.
if [ -z "$bootstrap" ]; then
  command -v dhtnode >/dev/null || fail "no DHT address given and no dhtnode installed (apt-get install dhtnode)"
  port=$(python3 -c '
import random, socket
for _ in range(200):
    p = random.randint(20000, 29999)
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::", p)); s.close()
        print(p); break
    except OSError: pass')
  [ -n "$port" ] || fail "no free UDP port for dhtnode"
  # dhtnode reads commands on stdin and stops at its end: keep a pipe open for it.
  mkfifo "$work/dhtnode.in"
  dhtnode -p "$port" <"$work/dhtnode.in" >"$work/dhtnode.log" 2>&1 &
  pids+=($!)
  exec 3>"$work/dhtnode.in"
  wait_for_line "$work/dhtnode.log" 10 "running on" || fail "dhtnode did not start: $(cat "$work/dhtnode.log")"
  bootstrap="127.0.0.1:$port"
fi
export FERRY_BOOTSTRAP="$bootstrap" FERRY_NO_DISCOVERY=1 FERRY_NO_UPNP=1 FERRY_NO_TURN=1
export FERRY_CANDIDATE_IP="${FERRY_CANDIDATE_IP:-127.0.0.1}"

# 2. Two devices.
sender_home="$work/sender-home" receiver_home="$work/receiver-home"
FERRY_HOME="$sender_home" "$ferry" --json id >/dev/null || fail "ferry id failed (sender)"
# The ids are the last line (a new home first reports the device it made).
device=$(FERRY_HOME="$receiver_home" "$ferry" --json id | python3 -c 'import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])["device_id"])') \
  || fail "ferry id failed (receiver)"

# 3. A fake build directory: nested directories, files of varied sizes, an empty file, an
#    empty directory, a name with a space.
build="$work/build"
mkdir -p "$build/bin" "$build/lib/x86_64" "$build/share/doc/app" "$build/cache/empty"
head -c 1048577 /dev/urandom >"$build/bin/app"
head -c 3145731 /dev/urandom >"$build/lib/x86_64/libapp.so.1"
head -c 65536 /dev/urandom >"$build/lib/libtiny.a"
printf 'ferry ci hand-off\n' >"$build/share/doc/app/README"
printf 'notes\n' >"$build/share/doc/app/release notes.txt"
: >"$build/share/doc/app/EMPTY"
head -c 1 /dev/urandom >"$build/one-byte"

# 4. Receive once; send the directory (both bounded in time).
out="$work/out"
FERRY_HOME="$receiver_home" timeout 120 "$ferry" --json --no-progress receive --yes --once --dir "$out" \
  >"$work/receiver.jsonl" 2>"$work/receiver.err" &
receiver=$!
pids+=("$receiver")
wait_for_line "$work/receiver.jsonl" 30 '"online"' \
  || fail "the receiver did not get online within 30 s through the DHT node $bootstrap (is it reachable?) $(cat "$work/receiver.err")"

send_status=0
(cd "$work" && FERRY_HOME="$sender_home" timeout 120 "$ferry" --json --no-progress send build/ --to "$device") \
  >"$work/sender.jsonl" 2>"$work/sender.err" || send_status=$?
if [ "$send_status" -ne 0 ]; then
  # The receiver waits for an offer that may never come: a few seconds, then stop it.
  for ((i = 0; i < 50; i++)); do kill -0 "$receiver" 2>/dev/null || break; sleep 0.1; done
  kill "$receiver" 2>/dev/null || true
fi
receive_status=0
wait "$receiver" || receive_status=$?
if [ "$send_status" -ne 0 ] || [ "$receive_status" -ne 0 ]; then
  echo "ci_handoff: the hand-off failed: send exited $send_status, receive exited $receive_status" >&2
  echo "--- sender stderr:" >&2; cat "$work/sender.err" >&2
  echo "--- receiver stderr:" >&2; cat "$work/receiver.err" >&2
  echo "--- receiver events:" >&2; grep -v '"progress"' "$work/receiver.jsonl" >&2 || true
  exit 2
fi

case "${CI_HANDOFF_TAMPER:-}" in
  flip) python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' \
          "$out/build/lib/x86_64/libapp.so.1" ;;
  remove) rm "$out/build/share/doc/app/README" ;;
  "") ;;
  *) fail "CI_HANDOFF_TAMPER: flip or remove" ;;
esac

# 5. Every file, both sides: the sender's entry (path relative to build's parent), the
#    receiver's entry (where it kept it), and the file on disk, against our own digests.
python3 - "$build" "$out" "$work/sender.jsonl" "$work/receiver.jsonl" <<'EOF'
import hashlib, json, os, sys

build, out, sender_log, receiver_log = sys.argv[1:5]

def sha3(path):
    h = hashlib.sha3_256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

def entries(log):
    found = {}
    for line in open(log):
        event = json.loads(line)
        if event.get("event") == "entry":
            if event["path"] in found:
                problems.append(f"{log}: {event['path']} reported twice")
            found[event["path"]] = event
    return found

problems = []
sent = entries(sender_log)
kept = entries(receiver_log)
source = {}
for root, dirs, files in os.walk(build):
    for name in files:
        path = os.path.join(root, name)
        source[os.path.relpath(path, os.path.dirname(build))] = (os.path.getsize(path), sha3(path))

for rel, (size, digest) in sorted(source.items()):
    s = sent.pop(rel, None)
    if s is None:
        problems.append(f"sender: no entry for {rel}")
    elif s["sha3_256"] != digest or s["size"] != size:
        problems.append(f"sender: {rel}: reported {s['sha3_256']} ({s['size']} bytes), the file is {digest} ({size} bytes)")
    where = os.path.join(out, rel)
    r = kept.pop(where, None)
    if r is None:
        problems.append(f"receiver: no entry for {where}")
    elif r["sha3_256"] != digest or r["size"] != size:
        problems.append(f"receiver: {where}: reported {r['sha3_256']} ({r['size']} bytes), the source is {digest} ({size} bytes)")
    if not os.path.isfile(where):
        problems.append(f"missing: {where}")
    elif sha3(where) != digest:
        problems.append(f"mismatch: {where} is {sha3(where)}, the source {rel} is {digest}")
problems += [f"sender: entry for a file not in the build: {p}" for p in sent]
problems += [f"receiver: entry for a file not in the build: {p}" for p in kept]
for root, dirs, files in os.walk(os.path.join(out, "build")):
    for name in files:
        rel = os.path.relpath(os.path.join(root, name), out)
        if rel not in source:
            problems.append(f"extra file received: {rel}")
    for name in dirs:
        rel = os.path.relpath(os.path.join(root, name), out)
        if not os.path.isdir(os.path.join(os.path.dirname(build), rel)):
            problems.append(f"extra directory received: {rel}")
for root, dirs, files in os.walk(build):
    for name in dirs:
        rel = os.path.relpath(os.path.join(root, name), os.path.dirname(build))
        if not os.path.isdir(os.path.join(out, rel)):
            problems.append(f"missing directory: {rel}")
hidden = [n for n in os.listdir(out) if n.startswith(".")]
if hidden:
    problems.append(f"temporary files left in {out}: {hidden}")

for p in problems:
    print("ci_handoff: " + p, file=sys.stderr)
if problems:
    sys.exit(1)
total = sum(size for size, _ in source.values())
print(f"ci_handoff: {len(source)} files, {total} bytes: every SHA3-256 matches on both sides")
EOF
