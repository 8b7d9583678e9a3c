//! The console: events as human lines and progress bars on stderr, or as JSON lines on stdout.
//!
//! Progress bars appear only when stderr is a terminal and neither `--json`, `-q` nor
//! `--no-progress` was given. JSON progress is throttled to a few events per second per transfer,
//! plus the last one; every other event is printed as it happens.

use crate::events::{Event, Reporter};
use crate::proto::text::{for_terminal, json_line};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Shortest interval between two JSON progress events of one transfer.
const JSON_PROGRESS_INTERVAL: Duration = Duration::from_millis(250);

pub struct Console {
    json: bool,
    /// Standard output carries data (`receive --stdout`): JSON events go to stderr.
    json_to_stderr: bool,
    quiet: bool,
    /// `-v`: per-file lines of a set, per-device bars of a multi-device send.
    verbose: bool,
    bars: Option<MultiProgress>,
    state: Mutex<ConsoleState>,
}

#[derive(Default)]
struct ConsoleState {
    bars: HashMap<String, ProgressBar>,
    last_progress: HashMap<String, Instant>,
    /// Sends to several devices, by base transfer id: sub-transfers are `BASE-N`.
    groups: HashMap<String, Combined>,
}

/// The optimistic combined progress of one send to several devices, as jami-daemon's
/// `OptimisticMetaOutgoingInfo` shows it: the most advanced device sets the bar.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Combined {
    positions: HashMap<String, u64>,
}

impl Combined {
    /// Record a device's position; the combined position after it.
    pub fn update(&mut self, device_tid: &str, bytes: u64) -> u64 {
        self.positions.insert(device_tid.to_string(), bytes);
        self.position()
    }

    pub fn position(&self) -> u64 {
        self.positions.values().copied().max().unwrap_or(0)
    }
}

/// The group a sub-transfer id `BASE-N` belongs to.
fn group_of(tid: &str) -> Option<&str> {
    let (base, n) = tid.rsplit_once('-')?;
    n.parse::<u32>().ok().map(|_| base)
}

impl Console {
    pub fn new(
        json: bool,
        quiet: bool,
        verbose: bool,
        no_progress: bool,
        json_to_stderr: bool,
    ) -> Console {
        let show_bars = !json && !quiet && !no_progress && std::io::stderr().is_terminal();
        Console {
            json,
            json_to_stderr,
            quiet,
            verbose,
            bars: show_bars.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
            state: Mutex::new(ConsoleState::default()),
        }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    pub fn verbose(&self) -> bool {
        self.verbose
    }

    /// Print a human line on stderr (unless quiet or JSON), above any progress bar. Lines
    /// carry peer text (names, reasons): control and bidi characters are shown escaped.
    pub fn say(&self, line: &str) {
        if self.json || self.quiet {
            return;
        }
        let line = &*for_terminal(line);
        match &self.bars {
            Some(bars) => {
                let _ = bars.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    /// Print an event as a JSON line (only with `--json`: commands print their own text).
    pub fn emit_json(&self, event: &Event) {
        if self.json {
            self.print_json(&serde_json::to_value(event).unwrap_or_default());
        }
    }

    /// Print one JSON value as a line on stdout, with the characters serde_json leaves raw
    /// (C1, DEL, bidi controls) written as `\u` escapes.
    pub fn print_json(&self, value: &serde_json::Value) {
        let text = value.to_string();
        let value = &*json_line(&text);
        if self.json_to_stderr {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{value}");
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{value}");
        let _ = out.flush();
    }

    /// Write a received text on standard output, even with `-q` (it is the data): exactly as
    /// sent into a pipe or file, each line escaped and ended on a terminal (a stranger's text
    /// must not drive the terminal).
    fn show_text(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        if out.is_terminal() {
            for line in text.lines() {
                let _ = writeln!(out, "{}", for_terminal(line));
            }
        } else {
            let _ = out.write_all(text.as_bytes());
        }
        let _ = out.flush();
    }

    fn bar_for(
        &self,
        state: &mut ConsoleState,
        tid: &str,
        total: Option<u64>,
    ) -> Option<ProgressBar> {
        let bars = self.bars.as_ref()?;
        let bar = state.bars.entry(tid.to_string()).or_insert_with(|| {
            // A stream of unknown size gets a counter instead of a bar.
            let (bar, template) = match total {
                Some(total) => (
                    ProgressBar::new(total),
                    "{bar:30.cyan/blue} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
                ),
                None => (
                    ProgressBar::no_length(),
                    "{spinner} {bytes} {binary_bytes_per_sec} (streamed)",
                ),
            };
            let bar = bars.add(bar);
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Some(bar.clone())
    }

    /// Sub-transfers `BASE-0`, `BASE-1`... of a send to several devices share one combined
    /// bar; with `-v` each device also gets its own.
    pub fn group(&self, base: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.groups.insert(base.to_string(), Combined::default());
        }
    }

    /// The send to several devices is over: remove its combined bar.
    pub fn finish_group(&self, base: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.groups.remove(base);
        }
        self.finish_bar(base);
    }

    fn finish_bar(&self, tid: &str) {
        if let Ok(mut state) = self.state.lock() {
            if let Some(bar) = state.bars.remove(tid) {
                bar.finish_and_clear();
            }
            state.last_progress.remove(tid);
        }
    }
}

impl Reporter for Console {
    fn report(&self, event: Event) {
        if let Event::Progress {
            transfer_id,
            bytes,
            total,
        } = &event
        {
            let Ok(mut state) = self.state.lock() else {
                return;
            };
            let combined = group_of(transfer_id).and_then(|base| {
                let group = state.groups.get_mut(base)?;
                Some((base.to_string(), group.update(transfer_id, *bytes)))
            });
            if let Some((base, position)) = &combined {
                if let Some(bar) = self.bar_for(&mut state, base, *total) {
                    bar.set_position(*position);
                }
            }
            if combined.is_none() || self.verbose {
                if let Some(bar) = self.bar_for(&mut state, transfer_id, *total) {
                    bar.set_position(*bytes);
                }
            }
            if self.json {
                let now = Instant::now();
                let due = state
                    .last_progress
                    .get(transfer_id)
                    .is_none_or(|last| now.duration_since(*last) >= JSON_PROGRESS_INTERVAL);
                if due || Some(*bytes) == *total {
                    state.last_progress.insert(transfer_id.clone(), now);
                    drop(state);
                    self.print_json(&serde_json::to_value(&event).unwrap_or_default());
                }
            }
            return;
        }
        if self.json {
            self.print_json(&serde_json::to_value(&event).unwrap_or_default());
        }
        match &event {
            Event::Listening { addr } => self.say(&format!("listening on {addr}")),
            // The one thing the user must see, even with -q.
            Event::Code {
                code, expires_in, ..
            } if !self.json => eprintln!(
                "code: {code}\non the other device run: ferry receive {code}\n(valid once, \
                 for {} min {} s; waiting for the receiver)",
                expires_in / 60,
                expires_in % 60
            ),
            Event::Code { .. } => {}
            Event::Paired {
                peer_device,
                peer_account,
            } => self.say(&format!(
                "paired with device {peer_device} (account {peer_account}) through the code"
            )),
            Event::Starting {
                device_id,
                account_id,
            } => self.say(&format!(
                "this is device {device_id} (account {account_id}); senders use: ferry send \
                 FILE --to {device_id}"
            )),
            Event::DeviceCreated {
                device_id,
                account_id,
                home,
            } => self.say(&format!(
                "created a new device {device_id} (account {account_id}) in {home}; its keys \
                 stay there: keep that directory, or back the account up with `ferry account \
                 export`"
            )),
            Event::Dht {
                state: "alone",
                detail,
                ..
            } => self.say(&format!(
                "{detail}\nmeanwhile devices on this LAN and direct connections (--listen) can \
                 still reach this one; still trying"
            )),
            Event::Dht {
                state: "withdrawn",
                detail,
                ..
            } => self.say(&match detail.as_str() {
                "" => "withdrew this device's announcement from the DHT: senders now learn at \
                       once that it stopped"
                    .to_string(),
                why => format!("could not withdraw this device's announcement ({why})"),
            }),
            Event::Dht { nodes, .. } => self.say(&format!("joined the DHT ({nodes} node(s))")),
            Event::DhtProxy { url, detail } => {
                self.say(&format!("{detail}: using the DHT proxy {url}"))
            }
            Event::Phase { what, seconds } => self.say(&format!("[{seconds:6.2} s] {what}")),
            Event::Online { device_id, .. } => {
                self.say(&format!("online as device {device_id}, waiting for files"))
            }
            Event::Connected {
                addr,
                peer_device,
                path,
                ..
            } => self.say(&format!(
                "connected to device {peer_device} at {addr} ({path})"
            )),
            Event::Offer {
                name,
                size,
                peer_device,
                offered_name,
                ..
            } => {
                let size = size.map_or("size unknown: streamed".into(), |s| format!("{s} bytes"));
                self.say(&format!("offer: {name:?} ({size}), device {peer_device}"));
                if let Some(offered) = offered_name {
                    self.say(&format!(
                        "  the offered name {:?} was made safe",
                        offered.chars().take(80).collect::<String>()
                    ));
                }
            }
            Event::Accepted { .. } => self.say("accepted"),
            Event::Skipped { path, reason } => self.say(&format!("skipped {path}: {reason}")),
            Event::Entry {
                path,
                size,
                sha3_256,
                ..
            } => {
                if self.verbose() {
                    self.say(&format!("  verified {path} ({size} bytes) {sha3_256}"));
                }
            }
            Event::Pending { id, name, .. } => self.say(&format!(
                "{name:?} waits for a decision: `ferry accept {id}` or `ferry accept {id} --reject`"
            )),
            Event::Refused { reason, .. } => self.say(&format!("refused: {reason}")),
            Event::Text { text, .. } if !self.json || self.json_to_stderr => self.show_text(text),
            Event::Done {
                transfer_id,
                name,
                size,
                sha3_256,
                path,
                seconds,
                bytes_sent,
            } => {
                self.finish_bar(transfer_id);
                let rate = *size as f64 / seconds.max(1e-6) / 1e6;
                let place = path.as_deref().unwrap_or(name);
                self.say(&format!(
                    "done: {place} ({size} bytes, {rate:.1} MB/s), SHA3-256 {sha3_256} verified"
                ));
                if let Some(sent) = bytes_sent.filter(|sent| sent < size) {
                    self.say(&format!("  resumed: only {sent} bytes had to travel"));
                }
            }
            Event::Cancelled {
                transfer_id,
                by,
                reason,
            } => {
                self.finish_bar(transfer_id);
                self.say(&format!("cancelled ({by}): {reason}"));
            }
            Event::Error {
                transfer_id,
                reason,
            } => {
                if let Some(tid) = transfer_id {
                    self.finish_bar(tid);
                }
                if !self.json {
                    eprintln!("ferry: error: {}", for_terminal(reason));
                }
            }
            Event::Rerequest {
                interaction,
                peer_device,
                outcome,
                reason,
            } => {
                let reason = if reason.is_empty() {
                    String::new()
                } else {
                    format!(": {reason}")
                };
                self.say(&format!(
                    "re-request of {interaction}, device {peer_device}: {outcome}{reason}"
                ))
            }
            Event::RerequestBy { pid, reason, .. } => match pid {
                Some(pid) => self.say(&format!(
                    "handed the re-request to the running `ferry receive` (pid {pid}), \
                     which takes the offers for this device; following it"
                )),
                None => self.say(&format!("{reason}: asking the devices from here")),
            },
            // Strangers' junk is routine on a public network: shown with -v, logged at debug.
            Event::Dropped { reason, total } => {
                let line = format!("dropped a request ({total} so far): {reason}");
                if self.verbose {
                    self.say(&line)
                } else {
                    tracing::debug!("{line}")
                }
            }
            Event::Progress { .. } | Event::Text { .. } => {}
            // Results of the commands that print their own text (`emit_json`).
            Event::Summary { .. }
            | Event::Identity { .. }
            | Event::Imported { .. }
            | Event::PendingOffers { .. }
            | Event::Doctor { .. }
            | Event::Config { .. }
            | Event::Pong { .. }
            | Event::Value(_)
            | Event::Stored(_)
            | Event::Watching { .. }
            | Event::Expired { .. }
            | Event::Node { .. }
            | Event::Stats { .. } => {}
        }
    }
}

/// Standard error for log lines: each write (one formatted event) is shown with control and
/// bidi characters escaped, except the line break that ends it.
pub struct SafeStderr;

impl Write for SafeStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (body, end) = match text.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (&*text, ""),
        };
        let mut err = std::io::stderr().lock();
        write!(err, "{}{end}", for_terminal(body))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// A duration in seconds as a person reads it: `45 s`, `12 min`, `3 h`, `2 days`.
pub fn ago(seconds: u64) -> String {
    match seconds {
        0..=119 => format!("{seconds} s"),
        120..=7199 => format!("{} min", seconds / 60),
        7200..=172_799 => format!("{} h", seconds / 3600),
        _ => format!("{} days", seconds / 86_400),
    }
}

/// Unix time `secs` as local wall time, `2026-12-02 23:41:07`, in the zone `TZ` names (the
/// system's when unset); the number itself when the C library cannot convert it.
pub fn local_time(secs: u64) -> String {
    let Ok(t) = libc::time_t::try_from(secs) else {
        return secs.to_string();
    };
    extern "C" {
        /// POSIX (not in the `libc` crate for every target): reads `TZ` again.
        fn tzset();
    }
    // SAFETY: `tzset` only reads the environment; `localtime_r` writes only into `tm`, which
    // lives on this stack frame, and is read only when it reports success.
    let tm = unsafe {
        tzset();
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return secs.to_string();
        }
        tm
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        i64::from(tm.tm_year) + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_combined_view_follows_the_most_advanced_device() {
        let mut combined = Combined::default();
        assert_eq!(combined.update("ab-0", 10), 10);
        assert_eq!(combined.update("ab-1", 50), 50);
        // A device behind the others does not pull the combined bar back...
        assert_eq!(combined.update("ab-0", 20), 50);
        // ...and when the leader starts over (a resume offer refused), the next one leads.
        assert_eq!(combined.update("ab-1", 0), 20);
        assert_eq!(group_of("ab12-3"), Some("ab12"));
        assert_eq!(group_of("ab12"), None);
        assert_eq!(group_of("ab-x"), None);
    }

    #[test]
    fn grouped_progress_feeds_the_combined_bar() {
        let console = Console::new(false, true, false, true, false);
        console.group("ab");
        console.report(Event::Progress {
            transfer_id: "ab-0".into(),
            bytes: 7,
            total: Some(9),
        });
        console.report(Event::Progress {
            transfer_id: "ab-1".into(),
            bytes: 3,
            total: Some(9),
        });
        let state = console.state.lock().unwrap();
        assert_eq!(state.groups["ab"].position(), 7);
        drop(state);
        console.finish_group("ab");
        assert!(console.state.lock().unwrap().groups.is_empty());
    }
}
