//! The console: events as human lines and progress bars on stderr, or as JSON lines on stdout.
//!
//! Progress bars appear only when stderr is a terminal and neither `--json`, `-q` nor
//! `--no-progress` was given. JSON progress is throttled to a few events per second per transfer,
//! plus the last one; every other event is printed as it happens.

use crate::events::{Event, Reporter};
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

    /// Print a human line on stderr (unless quiet or JSON), above any progress bar.
    pub fn say(&self, line: &str) {
        if self.json || self.quiet {
            return;
        }
        match &self.bars {
            Some(bars) => {
                let _ = bars.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    /// Print one JSON value as a line on stdout.
    pub fn print_json(&self, value: &serde_json::Value) {
        if self.json_to_stderr {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{value}");
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{value}");
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
            if let Some(bar) = self.bar_for(&mut state, transfer_id, *total) {
                bar.set_position(*bytes);
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
                    eprintln!("ferry: error: {reason}");
                }
            }
            Event::Dropped { reason, total } => {
                self.say(&format!("dropped a request ({total} so far): {reason}"))
            }
            Event::Progress { .. } => {}
        }
    }
}
