//! The transfer protocol: one file over one TLS stream, as a pair of pure machines.
//!
//! ```text
//! sender                                              receiver
//!   header: "Content-Length: N\n"  (or "Ferry-Streamed: yes\n": size unknown, `send -`)
//!           "Display-Name: NAME\n"
//!           "Offset: K\n"
//!           "Ferry-Transfer-Id: HEX\n"
//!           ["Ferry-Sha3-256: HEX\n"] ["Ferry-Entries: N\n"]  "\n"  ──▶  Offer(header)
//!                                     ◀─────────  "GO\n"  or  "NO reason\n"
//!                                          or  "GO HAVE PREFIX-SHA3\n" (resume, see below)
//!   'O' u64be start (only after "GO HAVE ..."): HAVE or 0  ──▶  Start(start)
//!   records:  'D' u32be len, len bytes      ─────────▶  Data(bytes)    (hashed, counted)
//!             'E' 32-byte SHA3-256          ─────────▶  Finished(digest) when it matches
//!             'C' u16be len, reason         ─────────▶  Cancelled(reason)
//!                                     ◀─────────  "OK HEX\n" (verified) or "ERR reason\n"
//!                          at any time ◀─────────  "CANCEL reason\n"
//! ```
//!
//! The sender may also write a `C` record before any answer, while the receiver decides: it
//! withdraws the offer (it gave up waiting, or was interrupted), so that a receiver still asking
//! its user takes the question back. No other byte may come before the answer.
//!
//! A `D` record may be empty: a stream's sender writes one while its input is silent, so that
//! the receiver's idle limit measures a dead sender, not a slow producer.
//!
//! The header keeps jami-daemon's text form (`Content-Length`, `Display-Name`, `Offset`, a blank
//! line); ferry adds its own `Ferry-*` fields the same way, and unknown fields are ignored. Any
//! reply other than `GO` is a refusal. After `GO`, the body travels in records so that the sender
//! can cancel explicitly and can send the SHA3-256 it computed *while* streaming (no second pass
//! over the file); the receiver compares it with its own and only then answers `OK`. The sender
//! reports success only after that `OK`, so exit status 0 means "the peer holds a verified copy".
//!
//! **Resume.** A receiver that still holds the first `HAVE` bytes of the same offer (kept from
//! an interrupted transfer) answers `GO HAVE DIGEST`, DIGEST being the SHA3-256 of those bytes.
//! The sender hashes its own first `HAVE` bytes: when they match it answers with an `O` record
//! holding `HAVE` and sends only the rest, else `O 0` and the whole file. The final `E` digest
//! always covers the whole file, so a resumed copy is verified exactly like a fresh one.
//!
//! **Sets** (`send DIR FILE...`). A header with `Ferry-Entries: N` (N ≥ 1) offers N entries at
//! once; `Content-Length` is their total. After `GO`, each entry travels as its own header
//! (`Display-Name` is the relative path, `Ferry-Entry: dir` marks a directory, which has an
//! empty body) followed by its records and `E`; the receiver answers each with `OK digest`
//! (so every file is verified on its own), in the order the entries came.
//!
//! The sender does not wait for an entry's `OK` before the next entry: entries stream back to
//! back, and the `OK`s are matched as they arrive, in order, against the entries sent and not
//! yet confirmed (a queue in [`Sender`]). That queue is bounded by a window of
//! [`WINDOW_ENTRIES`] entries or [`WINDOW_BYTES`] of their bodies, whichever fills first: with
//! it full, the next entry waits for the oldest `OK`. An `OK` carrying another digest than the
//! oldest unconfirmed entry's is [`TransferError::ConfirmationMismatch`] (naming that entry);
//! an `OK` with nothing unconfirmed is an unexpected reply; `ERR` or `CANCEL` at any point
//! stops the set as before. The last entry's `OK` comes only once the whole set is kept (and
//! synced), so success still means "the peer holds a verified copy of every file".
//!
//! *Compatibility.* The bytes on the wire are the same as when the sender waited for each
//! `OK`: only when the sender writes changed. A receiver of that older kind already answered
//! each entry as it read it, and read the next one right after, so a pipelining sender works
//! with it (its answers, at most one line per entry in the window, fit in socket buffers even
//! while neither side reads; this sender reads them while it writes anyway). An older sender
//! waits for each `OK`, which this receiver sends as soon as that entry is verified and its
//! file written, so it works as before, one round trip per entry.
//!
//! **Texts** (`send --text`). `Ferry-Text: yes` marks a body that is a short UTF-8 text to
//! show, not a file to keep: its `Content-Length` is at most [`MAX_TEXT_BYTES`] and it is never
//! a set or a stream. It travels and is verified like a file; a receiver that does not know
//! the field would save it as a file named by `Display-Name`, which is harmless.
//!
//! **Modes and times** (optional, in any header: a set's entries and a single file).
//! `Ferry-Mode: 755` carries a file's permission bits in octal (only `0o777`: never setuid,
//! setgid or sticky); `Ferry-Mtime: 1700000000.123456789` its modification time, seconds since
//! the Unix epoch with up to 9 digits of fraction (a directory carries its time too, no mode).
//! Both may be absent (a stream has neither). They are hints, not part of what is verified: a
//! receiver that does not know them ignores them like any unknown field, and one that does
//! ignores a malformed or repeated value (listed in [`Header::ignored`] for its log) instead of
//! refusing the transfer. The receiver applies the bits `& 0o777` and the time once a file is
//! verified, a directory's time once everything inside it is in place.
//!
//! **Deadlines** (see [`deadline`]). Time is an input, in microseconds: both machines take
//! `now` when created and with what they read, and say in `poll_timeout()` when they must next
//! be woken and in `handle_timeout(now)` whether a wait ran out
//! ([`TransferError::Timeout`]) or, for a stream's sender, an empty record is due. Which limit
//! applies follows from the state: the header (20 s from the connection, whatever trickles
//! in), the answer, the body's silence, the verdict. A driver holds one timer per machine:
//! feed it the input, act on the outputs, then sleep until `poll_timeout()` or the next input.
//!
//! Limits ([`MAX_HEADER_BYTES`], [`MAX_RECORD_BYTES`], [`MAX_LINE_BYTES`]) bound every buffer a
//! peer can make us fill. Every way a peer can misbehave is one [`TransferError`] variant.

pub mod deadline;

use crate::proto::sha3::{Digest as _, Sha3_256};
use deadline::{
    after, Phase, Wait, ANSWER_TIMEOUT, HEADER_TIMEOUT, IDLE_TIMEOUT, MIN_PREFIX_HASH_RATE,
    STREAM_KEEPALIVE, VERDICT_TIMEOUT,
};
use std::fmt;

/// A SHA3-256 digest.
pub type Digest = [u8; 32];

/// Largest header accepted: room for a long name without letting a peer stream forever.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Largest body record; the sender uses [`SEND_RECORD_BYTES`].
pub const MAX_RECORD_BYTES: u32 = 4 << 20;
/// Body record size the sender writes: large enough that framing costs nothing.
pub const SEND_RECORD_BYTES: usize = 256 * 1024;
/// Longest reply line (`GO`, `NO reason`, `OK digest`, ...).
pub const MAX_LINE_BYTES: usize = 1024;
/// Longest reason text carried in a refusal, cancel or error.
pub const MAX_REASON_BYTES: usize = 200;
/// Largest text (`Ferry-Text`): a token, a URL, a few lines; a receiver holds it in memory.
pub const MAX_TEXT_BYTES: u64 = 64 * 1024;
/// Entries of a set a sender may have sent before their `OK`s arrive. Over a link of round
/// trip R, a set of small files moves at most `WINDOW_ENTRIES / R` entries a second (10,240 at
/// 100 ms); the receiver's answers for a full window (at most 1024 lines of 68 bytes) always
/// fit in the socket buffers, so neither side can block the other by not reading.
pub const WINDOW_ENTRIES: usize = 1024;
/// Body bytes of a set's entries sent and not yet confirmed: past this, the next entry waits.
/// Bounds what is sent in vain when the receiver fails an entry (a full disk), and still
/// allows 320 MB/s of files of any size over a 100 ms round trip.
pub const WINDOW_BYTES: u64 = 32 << 20;

const TAG_DATA: u8 = b'D';
const TAG_END: u8 = b'E';
const TAG_CANCEL: u8 = b'C';
const TAG_START: u8 = b'O';

/// What an entry of a set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntryKind {
    #[default]
    File,
    /// A directory: no body; kept even when empty.
    Directory,
}

/// Latest modification time accepted (9999-12-31T23:59:59Z): later than any real file's, and
/// far from where adding it to the epoch could overflow.
pub const MAX_MTIME_SECS: u64 = 253_402_300_799;
/// Longest `Ferry-Mode` value: four octal digits (higher bits than `0o7777` are no mode).
const MAX_MODE_DIGITS: usize = 4;
/// Ignored values kept per header for the log: a few say what is wrong.
const MAX_IGNORED: usize = 4;

/// A modification time: whole seconds since the Unix epoch (at most [`MAX_MTIME_SECS`]) and
/// nanoseconds (below one second).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mtime {
    pub secs: u64,
    pub nanos: u32,
}

impl Mtime {
    /// `time` as sent; `None` before the epoch or after [`MAX_MTIME_SECS`] (not carried).
    pub fn from_system_time(time: std::time::SystemTime) -> Option<Mtime> {
        let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
        (since.as_secs() <= MAX_MTIME_SECS).then(|| Mtime {
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
        })
    }

    pub fn to_system_time(self) -> std::time::SystemTime {
        // In range by construction (`secs` ≤ MAX_MTIME_SECS, `nanos` < 10^9).
        std::time::UNIX_EPOCH + std::time::Duration::new(self.secs, self.nanos)
    }

    /// `SECS` or `SECS.NNNNNNNNN`, as `Ferry-Mtime` carries it.
    pub fn encode(self) -> String {
        if self.nanos == 0 {
            self.secs.to_string()
        } else {
            format!("{}.{:09}", self.secs, self.nanos)
        }
    }

    /// Strictly `DIGITS[.DIGITS]`: at most [`MAX_MTIME_SECS`] seconds, 1 to 9 fraction digits.
    pub fn parse(value: &str) -> Option<Mtime> {
        let (secs, fraction) = match value.split_once('.') {
            Some((secs, fraction)) => (secs, Some(fraction)),
            None => (value, None),
        };
        let secs = parse_decimal(secs).filter(|&s| s <= MAX_MTIME_SECS)?;
        let nanos = match fraction {
            None => 0,
            Some(f) if (1..=9).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
                // Right-padded to nine digits: ".5" is half a second.
                format!("{f:0<9}").parse().ok()?
            }
            Some(_) => return None,
        };
        Some(Mtime { secs, nanos })
    }
}

/// Strictly 1 to [`MAX_MODE_DIGITS`] octal digits; only the permission bits (`0o777`) kept.
pub fn parse_mode(value: &str) -> Option<u32> {
    if value.is_empty()
        || value.len() > MAX_MODE_DIGITS
        || !value.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        return None;
    }
    u32::from_str_radix(value, 8).ok().map(|mode| mode & 0o777)
}

/// The header a sender offers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// Total size of the file in bytes (`Content-Length`), `None` when streamed from a pipe
    /// (`Ferry-Streamed: yes`): the body then ends with the `E` record alone.
    pub size: Option<u64>,
    /// The name the sender proposes (`Display-Name`), untrusted until sanitised.
    pub name: String,
    /// First byte sent (`Offset`): 0 for a whole file.
    pub offset: u64,
    /// Identifies the transfer in logs, events and history (`Ferry-Transfer-Id`).
    pub transfer_id: String,
    /// The digest of the whole file when the sender knows it before sending (`Ferry-Sha3-256`).
    pub sha3_256: Option<Digest>,
    /// `Ferry-Entries`: this offer is a set of that many entries, each with its own header.
    pub entries: Option<u64>,
    /// `Ferry-Entry`: file or directory (entries of a set).
    pub kind: EntryKind,
    /// `Ferry-Mode`: the file's permission bits (within `0o777`), when the sender gave them.
    pub mode: Option<u32>,
    /// `Ferry-Mtime`: the modification time, when the sender gave it.
    pub mtime: Option<Mtime>,
    /// `Ferry-Text`: the body is a text to show (at most [`MAX_TEXT_BYTES`]), not a file.
    pub text: bool,
    /// Parsed headers only: optional fields whose value was malformed or repeated, ignored
    /// (the field and the start of the value), for the receiver's log. Never encoded.
    pub ignored: Vec<(&'static str, String)>,
}

/// Every way the other side can break the protocol, with what was expected and what arrived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    #[error("the header did not end within {limit} bytes")]
    HeaderTooLarge { limit: usize },
    #[error("the header is not text (not UTF-8): this peer does not speak ferry's protocol")]
    HeaderNotText,
    #[error("malformed header line {line:?}: expected `Field: value`")]
    MalformedHeaderLine { line: String },
    #[error("the header has no {field} field")]
    MissingField { field: &'static str },
    #[error("the header repeats the {field} field")]
    DuplicateField { field: &'static str },
    #[error("the header field {field} has an invalid value {value:?}")]
    InvalidField { field: &'static str, value: String },
    #[error("Offset {offset} is beyond Content-Length {size}")]
    OffsetBeyondSize { offset: u64, size: u64 },
    #[error("the sender sent data before the offer was accepted")]
    DataBeforeAccept,
    #[error("unknown body record tag 0x{tag:02x}")]
    UnknownRecord { tag: u8 },
    #[error("body record of {len} bytes exceeds the limit of {limit}")]
    RecordTooLarge { len: u32, limit: u32 },
    #[error("the sender sent more than it declared: {received} bytes of {declared}")]
    BodyTooLong { declared: u64, received: u64 },
    #[error("the sender ended after {received} bytes of {declared} declared")]
    BodyTooShort { declared: u64, received: u64 },
    #[error("integrity check failed: the sender's SHA3-256 is {declared}, the received data hashes to {computed}")]
    DigestMismatch { declared: String, computed: String },
    #[error("the sender sent data after the end of the file")]
    DataAfterEnd,
    #[error("the connection closed {stage} ({received} of {declared} bytes received)")]
    ConnectionClosed {
        stage: &'static str,
        declared: u64,
        received: u64,
    },
    #[error("the peer's reply line is longer than {limit} bytes")]
    ReplyTooLong { limit: usize },
    #[error("unexpected reply {line:?} while {state}")]
    UnexpectedReply { line: String, state: &'static str },
    #[error("the receiver confirmed digest {confirmed} for {name:?}, but what was sent there hashes to {sent}")]
    ConfirmationMismatch {
        /// The file, or for a set the oldest entry not yet confirmed (the one an `OK` is for).
        name: String,
        confirmed: String,
        sent: String,
    },
    #[error("the source grew while being sent: more than the {declared} bytes announced")]
    SourceGrew { declared: u64 },
    #[error("the source shrank while being sent: {sent} of {declared} bytes")]
    SourceShrank { declared: u64, sent: u64 },
    #[error("the sender answered a resume offer of {have} bytes with start {start}")]
    InvalidStart { have: u64, start: u64 },
    #[error("the set's entry {name:?} is not valid here: {why}")]
    InvalidEntry { name: String, why: &'static str },
    /// A wait ran out: `after_secs` is its limit, `bytes` the body bytes received (by the
    /// receiver) or written (by the sender) so far.
    #[error("{}", .phase.describe(*.after_secs, *.bytes))]
    Timeout {
        phase: Phase,
        after_secs: u64,
        bytes: u64,
    },
    #[error("{action} is not possible while {state}")]
    WrongState {
        action: &'static str,
        state: &'static str,
    },
}

impl Header {
    /// `name` as the peer reads it back from [`Header::encode`]: one line (control characters
    /// replaced) without surrounding blanks. What both sides of a set name an entry by.
    pub fn wire_name(name: &str) -> String {
        one_line(name, usize::MAX).trim().to_string()
    }

    /// The bytes of this header on the wire, blank line included.
    pub fn encode(&self) -> Vec<u8> {
        let mut text = match self.size {
            Some(size) => format!("Content-Length: {size}\n"),
            None => "Ferry-Streamed: yes\n".to_string(),
        };
        text.push_str(&format!(
            "Display-Name: {}\nOffset: {}\nFerry-Transfer-Id: {}\n",
            one_line(&self.name, usize::MAX),
            self.offset,
            one_line(&self.transfer_id, 64),
        ));
        if let Some(digest) = &self.sha3_256 {
            text.push_str(&format!("Ferry-Sha3-256: {}\n", hex::encode(digest)));
        }
        if let Some(entries) = self.entries {
            text.push_str(&format!("Ferry-Entries: {entries}\n"));
        }
        if self.kind == EntryKind::Directory {
            text.push_str("Ferry-Entry: dir\n");
        }
        if let Some(mode) = self.mode {
            text.push_str(&format!("Ferry-Mode: {:o}\n", mode & 0o777));
        }
        if let Some(mtime) = self.mtime {
            text.push_str(&format!("Ferry-Mtime: {}\n", mtime.encode()));
        }
        if self.text {
            text.push_str("Ferry-Text: yes\n");
        }
        text.push('\n');
        text.into_bytes()
    }

    /// Parse a header from the start of `buf`: `Ok(None)` while the blank line has not arrived,
    /// else the header and the number of bytes it used.
    pub fn parse(buf: &[u8]) -> Result<Option<(Header, usize)>, TransferError> {
        let Some(end) = find_blank_line(buf) else {
            if buf.len() > MAX_HEADER_BYTES {
                return Err(TransferError::HeaderTooLarge {
                    limit: MAX_HEADER_BYTES,
                });
            }
            return Ok(None);
        };
        if end.body_start > MAX_HEADER_BYTES {
            return Err(TransferError::HeaderTooLarge {
                limit: MAX_HEADER_BYTES,
            });
        }
        let text =
            std::str::from_utf8(&buf[..end.text_end]).map_err(|_| TransferError::HeaderNotText)?;
        let mut fields = HeaderFields::default();
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let Some((key, value)) = line.split_once(':') else {
                return Err(TransferError::MalformedHeaderLine {
                    line: one_line(line, 80),
                });
            };
            fields.set(key.trim(), value.trim())?;
        }
        Ok(Some((fields.finish()?, end.body_start)))
    }
}

#[derive(Default)]
struct HeaderFields {
    size: Option<u64>,
    name: Option<String>,
    offset: Option<u64>,
    transfer_id: Option<String>,
    sha3_256: Option<Digest>,
    streamed: Option<bool>,
    entries: Option<u64>,
    kind: Option<EntryKind>,
    mode: Option<u32>,
    mtime: Option<Mtime>,
    text: Option<bool>,
    ignored: Vec<(&'static str, String)>,
}

impl HeaderFields {
    fn set(&mut self, key: &str, value: &str) -> Result<(), TransferError> {
        fn put<T>(slot: &mut Option<T>, field: &'static str, v: T) -> Result<(), TransferError> {
            if slot.replace(v).is_some() {
                return Err(TransferError::DuplicateField { field });
            }
            Ok(())
        }
        let invalid = |field: &'static str| TransferError::InvalidField {
            field,
            value: one_line(value, 80),
        };
        match key.to_ascii_lowercase().as_str() {
            "content-length" => {
                let n = parse_decimal(value).ok_or_else(|| invalid("Content-Length"))?;
                put(&mut self.size, "Content-Length", n)
            }
            "offset" => {
                let n = parse_decimal(value).ok_or_else(|| invalid("Offset"))?;
                put(&mut self.offset, "Offset", n)
            }
            "display-name" => put(&mut self.name, "Display-Name", value.to_string()),
            "ferry-transfer-id" => {
                let ok = !value.is_empty()
                    && value.len() <= 64
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-');
                if !ok {
                    return Err(invalid("Ferry-Transfer-Id"));
                }
                put(
                    &mut self.transfer_id,
                    "Ferry-Transfer-Id",
                    value.to_string(),
                )
            }
            "ferry-sha3-256" => {
                let digest = parse_digest(value).ok_or_else(|| invalid("Ferry-Sha3-256"))?;
                put(&mut self.sha3_256, "Ferry-Sha3-256", digest)
            }
            "ferry-streamed" => {
                let yes = parse_yes_no(value).ok_or_else(|| invalid("Ferry-Streamed"))?;
                put(&mut self.streamed, "Ferry-Streamed", yes)
            }
            "ferry-text" => {
                let yes = parse_yes_no(value).ok_or_else(|| invalid("Ferry-Text"))?;
                put(&mut self.text, "Ferry-Text", yes)
            }
            "ferry-entries" => {
                let n = parse_decimal(value).ok_or_else(|| invalid("Ferry-Entries"))?;
                put(&mut self.entries, "Ferry-Entries", n)
            }
            "ferry-entry" => {
                let kind = match value.to_ascii_lowercase().as_str() {
                    "file" => EntryKind::File,
                    "dir" => EntryKind::Directory,
                    _ => return Err(invalid("Ferry-Entry")),
                };
                put(&mut self.kind, "Ferry-Entry", kind)
            }
            // Hints: a bad or repeated value is ignored (and listed), never fatal.
            "ferry-mode" => {
                match parse_mode(value).filter(|_| self.mode.is_none()) {
                    Some(mode) => self.mode = Some(mode),
                    None => self.ignore("Ferry-Mode", value),
                }
                Ok(())
            }
            "ferry-mtime" => {
                match Mtime::parse(value).filter(|_| self.mtime.is_none()) {
                    Some(mtime) => self.mtime = Some(mtime),
                    None => self.ignore("Ferry-Mtime", value),
                }
                Ok(())
            }
            _ => Ok(()), // Fields of later versions or of jami-daemon: ignored.
        }
    }

    fn ignore(&mut self, field: &'static str, value: &str) {
        // Bounded: at most MAX_IGNORED entries of at most 80 bytes each.
        if self.ignored.len() < MAX_IGNORED {
            self.ignored.push((field, one_line(value, 80)));
        }
    }

    fn finish(self) -> Result<Header, TransferError> {
        let streamed = self.streamed.unwrap_or(false);
        let size = match (self.size, streamed) {
            (Some(_), true) => {
                return Err(TransferError::InvalidField {
                    field: "Ferry-Streamed",
                    value: "yes (with a Content-Length)".into(),
                })
            }
            (None, false) => {
                return Err(TransferError::MissingField {
                    field: "Content-Length",
                })
            }
            (size, _) => size,
        };
        let offset = self.offset.unwrap_or(0);
        if offset > size.unwrap_or(0) {
            return Err(TransferError::OffsetBeyondSize {
                offset,
                size: size.unwrap_or(0),
            });
        }
        if streamed && self.entries.is_some() {
            return Err(TransferError::InvalidField {
                field: "Ferry-Entries",
                value: "a set must declare its size".into(),
            });
        }
        if self.entries == Some(0) {
            // Nothing would ever be confirmed, yet the sender would be done.
            return Err(TransferError::InvalidField {
                field: "Ferry-Entries",
                value: "0 (a set has at least one entry)".into(),
            });
        }
        let text = self.text.unwrap_or(false);
        if text {
            let why = match (size, self.entries) {
                (None, _) => Some("a text must declare its size".to_string()),
                (Some(_), Some(_)) => Some("a text is not a set".to_string()),
                (Some(n), None) if n > MAX_TEXT_BYTES => {
                    Some(format!("a text of {n} bytes (at most {MAX_TEXT_BYTES})"))
                }
                _ => None,
            };
            if let Some(value) = why {
                return Err(TransferError::InvalidField {
                    field: "Ferry-Text",
                    value,
                });
            }
        }
        Ok(Header {
            size,
            name: self.name.unwrap_or_default(),
            offset,
            transfer_id: self.transfer_id.unwrap_or_else(|| "unnamed".to_string()),
            sha3_256: self.sha3_256,
            entries: self.entries,
            kind: self.kind.unwrap_or_default(),
            mode: self.mode,
            mtime: self.mtime,
            text,
            ignored: self.ignored,
        })
    }
}

/// A `yes`/`no` field value, in any case.
fn parse_yes_no(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

struct BlankLine {
    text_end: usize,
    body_start: usize,
}

fn find_blank_line(buf: &[u8]) -> Option<BlankLine> {
    let mut start = 0;
    while let Some(pos) = buf[start..].iter().position(|&b| b == b'\n') {
        let nl = start + pos;
        let rest = &buf[nl + 1..];
        if rest.first() == Some(&b'\n') {
            return Some(BlankLine {
                text_end: nl,
                body_start: nl + 2,
            });
        }
        if rest.starts_with(b"\r\n") {
            return Some(BlankLine {
                text_end: nl,
                body_start: nl + 3,
            });
        }
        start = nl + 1;
    }
    None
}

fn parse_decimal(value: &str) -> Option<u64> {
    if value.is_empty() || value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// Parse a 64-hex-digit SHA3-256 digest.
pub fn parse_digest(value: &str) -> Option<Digest> {
    let bytes = hex::decode(value).ok()?;
    bytes.try_into().ok()
}

/// `text` as one printable line of at most `limit` bytes (control characters replaced).
fn one_line(text: &str, limit: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_control() { '_' } else { c };
        if out.len() + c.len_utf8() > limit {
            break;
        }
        out.push(c);
    }
    out
}

fn reply_line(verb: &str, reason: &str) -> Vec<u8> {
    format!("{verb} {}\n", one_line(reason, MAX_REASON_BYTES)).into_bytes()
}

/// Accumulates one `\n`-terminated line across reads, bounded by [`MAX_LINE_BYTES`].
#[derive(Default)]
struct LineBuffer {
    bytes: Vec<u8>,
}

impl LineBuffer {
    /// Take bytes from `input` until a line is complete: (bytes used, the line if complete).
    fn feed(&mut self, input: &[u8]) -> Result<(usize, Option<String>), TransferError> {
        match input.iter().position(|&b| b == b'\n') {
            Some(pos) => {
                self.bytes.extend_from_slice(&input[..pos]);
                self.check_len()?;
                let line = String::from_utf8_lossy(&self.bytes).trim_end().to_string();
                self.bytes.clear();
                Ok((pos + 1, Some(line)))
            }
            None => {
                self.bytes.extend_from_slice(input);
                self.check_len()?;
                Ok((input.len(), None))
            }
        }
    }

    fn check_len(&self) -> Result<(), TransferError> {
        if self.bytes.len() > MAX_LINE_BYTES {
            return Err(TransferError::ReplyTooLong {
                limit: MAX_LINE_BYTES,
            });
        }
        Ok(())
    }
}

/// What the receiving machine reports after consuming input.
#[derive(Debug, PartialEq, Eq)]
pub enum ReceiverEvent<'a> {
    /// The header arrived: decide with [`Receiver::accept`] or [`Receiver::refuse`].
    Offer(Header),
    /// Body bytes to write, already counted and hashed.
    Data(&'a [u8]),
    /// The whole body arrived and its SHA3-256 matches the sender's: keep the file, then send
    /// [`Receiver::confirm`].
    Finished(Digest),
    /// The sender cancelled, with its reason.
    Cancelled(String),
    /// After [`Receiver::accept_resume`]: the body starts at this byte of the file, the
    /// resumed length or 0 (the sender's copy differs: start over, truncate what is held).
    Start(u64),
    /// The next entry of an accepted set: its body (if any) follows at once.
    Entry(Header),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReceiverState {
    ExpectHeader,
    ExpectDecision,
    ExpectStart,
    ExpectEntryHeader,
    ExpectRecordTag,
    ExpectDataLength,
    ExpectData { remaining: u32 },
    ExpectDigest,
    ExpectCancelLength,
    ExpectCancelReason { len: usize },
    Closed,
}

impl ReceiverState {
    fn describe(self) -> &'static str {
        match self {
            Self::ExpectHeader => "waiting for the header",
            Self::ExpectDecision => "waiting for the decision",
            Self::ExpectStart => "waiting for the resume answer",
            Self::ExpectEntryHeader => "waiting for the next entry",
            Self::ExpectRecordTag
            | Self::ExpectDataLength
            | Self::ExpectData { .. }
            | Self::ExpectDigest => "receiving the body",
            Self::ExpectCancelLength | Self::ExpectCancelReason { .. } => "reading a cancel",
            Self::Closed => "closed",
        }
    }
}

/// The receiving side of one transfer.
///
/// Feed every byte read from the peer to [`Receiver::handle_read`] (it may use only part of the
/// input; call again with the rest) and act on each event; write what [`Receiver::accept`],
/// [`Receiver::refuse`], [`Receiver::confirm`], [`Receiver::fail`] and [`Receiver::cancel`]
/// return. At end of stream call [`Receiver::handle_eof`].
///
/// Time: create it when the connection opens; give `now` with every read and answer; call
/// [`Receiver::note_activity`] when this side was busy (its disk) so that the time does not
/// count as the sender's silence. Sleep until [`Receiver::poll_timeout`] (or the next input),
/// then call [`Receiver::handle_timeout`]: an error ends the transfer.
pub struct Receiver {
    state: ReceiverState,
    /// Header bytes so far, then the fixed-size fields of records (length, digest, reason).
    pending: Vec<u8>,
    /// The offer, then (in a set) the current entry.
    header: Option<Header>,
    /// Bytes of the current file held: the start position plus the body received.
    received: u64,
    hasher: Sha3_256,
    /// Offered resume: bytes held and their hash state.
    resume: Option<(u64, Sha3_256)>,
    /// In an accepted set: entries still to come, and bytes they may still carry.
    entries_left: u64,
    set_bytes_left: u64,
    /// When the connection opened (µs): the header is due [`HEADER_TIMEOUT`] later.
    opened: u64,
    /// When the sender was last heard in the body, or this side last busy (µs).
    heard: u64,
    /// Since when (µs) this side's answers (a set's `OK`s) are being written, if they are.
    replying: Option<u64>,
}

impl Receiver {
    /// A receiver whose connection opened at `now` (µs).
    pub fn new(now: u64) -> Self {
        Receiver {
            opened: now,
            heard: now,
            state: ReceiverState::ExpectHeader,
            pending: Vec::new(),
            header: None,
            received: 0,
            hasher: Sha3_256::new(),
            resume: None,
            entries_left: 0,
            set_bytes_left: 0,
            replying: None,
        }
    }

    /// Bytes of the current file held so far (a resumed prefix included).
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The declared size of the current file, `None` when streamed.
    pub fn declared(&self) -> Option<u64> {
        self.header.as_ref().and_then(|h| h.size)
    }

    /// Consume bytes from the peer, read at `now`: how many were used, and what happened.
    /// Any byte after the header restarts the idle clock; header bytes do not move its
    /// deadline.
    pub fn handle_read<'a>(
        &mut self,
        input: &'a [u8],
        now: u64,
    ) -> Result<(usize, Option<ReceiverEvent<'a>>), TransferError> {
        if self.state != ReceiverState::ExpectHeader && !input.is_empty() {
            self.heard = self.heard.max(now);
        }
        let result = self.step(input);
        if result.is_err() {
            self.state = ReceiverState::Closed;
        }
        result
    }

    fn step<'a>(
        &mut self,
        input: &'a [u8],
    ) -> Result<(usize, Option<ReceiverEvent<'a>>), TransferError> {
        use ReceiverState::*;
        match self.state {
            ExpectHeader => {
                let before = self.pending.len();
                let room = (MAX_HEADER_BYTES + 1).saturating_sub(before);
                let take = input.len().min(room.max(1));
                self.pending.extend_from_slice(&input[..take]);
                match Header::parse(&self.pending)? {
                    None => Ok((take, None)),
                    Some((header, used)) => {
                        self.pending.clear();
                        self.received = header.offset;
                        self.header = Some(header.clone());
                        self.state = ExpectDecision;
                        Ok((used - before, Some(ReceiverEvent::Offer(header))))
                    }
                }
            }
            // While the receiver decides, the sender may only take its offer back: a `C`
            // record (it gave up waiting, or was interrupted). Anything else is data too early.
            ExpectDecision => match input.first() {
                None => Ok((0, None)),
                Some(&TAG_CANCEL) => {
                    self.state = ExpectCancelLength;
                    Ok((1, None))
                }
                Some(_) => Err(TransferError::DataBeforeAccept),
            },
            ExpectStart => {
                let (used, field) = self.fill_array::<9>(input);
                let Some([tag, start @ ..]) = field else {
                    return Ok((used, None));
                };
                if tag != TAG_START {
                    return Err(TransferError::UnknownRecord { tag });
                }
                let start = u64::from_be_bytes(start);
                let (have, prefix) = self.resume.take().unwrap_or((0, Sha3_256::new()));
                if start == have {
                    self.hasher = prefix;
                } else if start == 0 {
                    self.hasher = Sha3_256::new();
                } else {
                    return Err(TransferError::InvalidStart { have, start });
                }
                self.received = start;
                self.state = ExpectRecordTag;
                Ok((used, Some(ReceiverEvent::Start(start))))
            }
            ExpectEntryHeader => {
                let before = self.pending.len();
                let room = (MAX_HEADER_BYTES + 1).saturating_sub(before);
                let take = input.len().min(room.max(1));
                self.pending.extend_from_slice(&input[..take]);
                let Some((entry, used)) = Header::parse(&self.pending)? else {
                    return Ok((take, None));
                };
                self.pending.clear();
                let invalid = |why| TransferError::InvalidEntry {
                    name: one_line(&entry.name, 80),
                    why,
                };
                let size = match (entry.size, entry.kind) {
                    _ if entry.entries.is_some() => return Err(invalid("sets do not nest")),
                    _ if entry.offset != 0 => return Err(invalid("entries start at 0")),
                    (None, _) => return Err(invalid("an entry must declare its size")),
                    (Some(n), EntryKind::Directory) if n > 0 => {
                        return Err(invalid("a directory has no body"))
                    }
                    (Some(n), _) if n > self.set_bytes_left => {
                        return Err(invalid("the set carries more than it declared"))
                    }
                    (Some(n), _) => n,
                };
                self.set_bytes_left -= size;
                self.entries_left -= 1;
                self.received = 0;
                self.hasher = Sha3_256::new();
                self.header = Some(entry.clone());
                self.state = ExpectRecordTag;
                Ok((used - before, Some(ReceiverEvent::Entry(entry))))
            }
            ExpectRecordTag => {
                let Some(&tag) = input.first() else {
                    return Ok((0, None));
                };
                self.state = match tag {
                    TAG_DATA => ExpectDataLength,
                    TAG_END => ExpectDigest,
                    TAG_CANCEL => ExpectCancelLength,
                    tag => return Err(TransferError::UnknownRecord { tag }),
                };
                Ok((1, None))
            }
            ExpectDataLength => {
                let (used, field) = self.fill_array::<4>(input);
                let Some(field) = field else {
                    return Ok((used, None));
                };
                let len = u32::from_be_bytes(field);
                if len > MAX_RECORD_BYTES {
                    return Err(TransferError::RecordTooLarge {
                        len,
                        limit: MAX_RECORD_BYTES,
                    });
                }
                if let Some(declared) = self.declared() {
                    if self.received + u64::from(len) > declared {
                        return Err(TransferError::BodyTooLong {
                            declared,
                            received: self.received + u64::from(len),
                        });
                    }
                }
                self.state = if len == 0 {
                    ExpectRecordTag
                } else {
                    ExpectData { remaining: len }
                };
                Ok((used, None))
            }
            ExpectData { remaining } => {
                let take = input.len().min(remaining as usize);
                let data = &input[..take];
                self.hasher.update(data);
                self.received += take as u64;
                let remaining = remaining - take as u32;
                self.state = if remaining == 0 {
                    ExpectRecordTag
                } else {
                    ExpectData { remaining }
                };
                Ok((take, (take > 0).then_some(ReceiverEvent::Data(data))))
            }
            ExpectDigest => {
                let (used, field) = self.fill_array::<32>(input);
                let Some(declared_digest) = field else {
                    return Ok((used, None));
                };
                if let Some(declared) = self.declared() {
                    if self.received != declared {
                        return Err(TransferError::BodyTooShort {
                            declared,
                            received: self.received,
                        });
                    }
                }
                let computed: Digest = self.hasher.clone().finalize().into();
                let announced = self.header.as_ref().and_then(|h| h.sha3_256);
                for expected in std::iter::once(declared_digest).chain(announced) {
                    if expected != computed {
                        return Err(TransferError::DigestMismatch {
                            declared: hex::encode(expected),
                            computed: hex::encode(computed),
                        });
                    }
                }
                self.state = if self.entries_left > 0 {
                    ExpectEntryHeader
                } else {
                    Closed
                };
                Ok((used, Some(ReceiverEvent::Finished(computed))))
            }
            ExpectCancelLength => {
                let (used, field) = self.fill_array::<2>(input);
                let Some(field) = field else {
                    return Ok((used, None));
                };
                let len = usize::from(u16::from_be_bytes(field));
                if len == 0 {
                    self.state = Closed;
                    return Ok((used, Some(ReceiverEvent::Cancelled(String::new()))));
                }
                // Read the whole reason (at most 64 KiB, the u16 bounds it) so that nothing
                // of it is taken for data after the end; only its start is kept.
                self.state = ExpectCancelReason { len };
                Ok((used, None))
            }
            ExpectCancelReason { len } => {
                let (used, field) = self.fill(input, len);
                let Some(field) = field else {
                    return Ok((used, None));
                };
                let reason = one_line(&String::from_utf8_lossy(&field), MAX_REASON_BYTES);
                self.state = Closed;
                Ok((used, Some(ReceiverEvent::Cancelled(reason))))
            }
            Closed => {
                if input.is_empty() {
                    Ok((0, None))
                } else {
                    Err(TransferError::DataAfterEnd)
                }
            }
        }
    }

    /// [`Receiver::fill`] for a field whose size is a constant, as an array.
    fn fill_array<const N: usize>(&mut self, input: &[u8]) -> (usize, Option<[u8; N]>) {
        let (used, field) = self.fill(input, N);
        (used, field.and_then(|f| f.try_into().ok()))
    }

    /// Collect a fixed-size field of `size` bytes across reads.
    fn fill(&mut self, input: &[u8], size: usize) -> (usize, Option<Vec<u8>>) {
        let take = input.len().min(size - self.pending.len());
        self.pending.extend_from_slice(&input[..take]);
        if self.pending.len() == size {
            (take, Some(std::mem::take(&mut self.pending)))
        } else {
            (take, None)
        }
    }

    /// The stream ended: an error unless the transfer was already finished or cancelled.
    pub fn handle_eof(&mut self) -> Result<(), TransferError> {
        let state = self.state;
        self.state = ReceiverState::Closed;
        if state == ReceiverState::Closed {
            return Ok(());
        }
        Err(TransferError::ConnectionClosed {
            stage: match state {
                ReceiverState::ExpectHeader => "before the header ended",
                ReceiverState::ExpectDecision => "before the offer was answered",
                ReceiverState::ExpectEntryHeader => "before the set's last entry",
                _ => "before the end of the file",
            },
            declared: self.declared().unwrap_or(self.received),
            received: self.received,
        })
    }

    /// Accept the offer at `now` (the body's idle clock starts): the bytes `GO\n` to send.
    pub fn accept(&mut self, now: u64) -> Result<Vec<u8>, TransferError> {
        self.expect_decision("accepting")?;
        self.heard = now;
        let set = self
            .header
            .as_ref()
            .and_then(|h| h.entries.map(|n| (n, h.size)));
        self.state = match set {
            Some((0, _)) => ReceiverState::Closed, // Refused by `Header::parse`; never here.
            Some((n, size)) => {
                self.entries_left = n;
                self.set_bytes_left = size.unwrap_or(0);
                ReceiverState::ExpectEntryHeader
            }
            None => ReceiverState::ExpectRecordTag,
        };
        Ok(b"GO\n".to_vec())
    }

    /// Accept, offering to resume after the first `have` bytes already held, whose hash state
    /// is `prefix`. Only for a single file of known size from its start; the next event is
    /// [`ReceiverEvent::Start`].
    /// The sender then first hashes its own `have` bytes: it may stay silent that much longer
    /// (at [`MIN_PREFIX_HASH_RATE`]) before its `O` record.
    pub fn accept_resume(
        &mut self,
        have: u64,
        prefix: Sha3_256,
        now: u64,
    ) -> Result<Vec<u8>, TransferError> {
        self.expect_decision("accepting")?;
        self.heard = now;
        let header = self.header.as_ref();
        let resumable = header.is_some_and(|h| {
            h.entries.is_none() && h.offset == 0 && h.size.is_some_and(|size| have <= size)
        });
        if !resumable || have == 0 {
            return self.accept(now);
        }
        let digest = hex::encode(prefix.clone().finalize());
        self.resume = Some((have, prefix));
        self.state = ReceiverState::ExpectStart;
        Ok(format!("GO {have} {digest}\n").into_bytes())
    }

    /// Refuse the offer, with a reason for the sender.
    pub fn refuse(&mut self, reason: &str) -> Result<Vec<u8>, TransferError> {
        self.expect_decision("refusing")?;
        self.state = ReceiverState::Closed;
        Ok(reply_line("NO", reason))
    }

    fn expect_decision(&self, action: &'static str) -> Result<(), TransferError> {
        if self.state != ReceiverState::ExpectDecision {
            return Err(TransferError::WrongState {
                action,
                state: self.state.describe(),
            });
        }
        Ok(())
    }

    /// After [`ReceiverEvent::Finished`] and once the file is kept: tell the sender.
    pub fn confirm(&self, digest: &Digest) -> Vec<u8> {
        format!("OK {}\n", hex::encode(digest)).into_bytes()
    }

    /// The body arrived but could not be kept (integrity, disk): tell the sender why.
    pub fn fail(&mut self, reason: &str) -> Vec<u8> {
        self.state = ReceiverState::Closed;
        reply_line("ERR", reason)
    }

    /// Cancel from the receiving side, at any time.
    pub fn cancel(&mut self, reason: &str) -> Vec<u8> {
        self.state = ReceiverState::Closed;
        reply_line("CANCEL", reason)
    }

    /// This side was busy until `now` (writing to its disk, or its `OK`s waited for files the
    /// sender then waits for): the sender's silence counts from here. No effect on the
    /// header's deadline.
    pub fn note_activity(&mut self, now: u64) {
        if self.state != ReceiverState::ExpectHeader {
            self.heard = self.heard.max(now);
        }
    }

    /// This side starts writing its answers at `now` (µs): until
    /// [`Receiver::handle_replied`], the wait is for the sender to take them, [`IDLE_TIMEOUT`]
    /// at most (a sender that never reads cannot hold the connection).
    pub fn note_replying(&mut self, now: u64) {
        self.replying = Some(now);
    }

    /// The answers are written (and flushed) at `now` (µs): the sender's silence counts from
    /// here again.
    pub fn handle_replied(&mut self, now: u64) {
        self.replying = None;
        self.note_activity(now);
    }

    /// What the receiver waits for now, and since when.
    fn wait(&self) -> Option<Wait> {
        use ReceiverState::*;
        if let (Some(start), false) = (self.replying, self.state == Closed) {
            return Some(Wait::new(Phase::Replying, start, IDLE_TIMEOUT));
        }
        match self.state {
            ExpectHeader => Some(Wait::new(Phase::Header, self.opened, HEADER_TIMEOUT)),
            ExpectDecision | Closed => None,
            ExpectStart => {
                let have = self.resume.as_ref().map_or(0, |(have, _)| *have);
                Some(Wait {
                    phase: Phase::Body,
                    since: self.heard,
                    secs: IDLE_TIMEOUT.as_secs() + have / MIN_PREFIX_HASH_RATE,
                })
            }
            ExpectEntryHeader
            | ExpectRecordTag
            | ExpectDataLength
            | ExpectData { .. }
            | ExpectDigest
            | ExpectCancelLength
            | ExpectCancelReason { .. } => Some(Wait::new(Phase::Body, self.heard, IDLE_TIMEOUT)),
        }
    }

    /// When (µs) [`Receiver::handle_timeout`] must be called next, if ever.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.wait().map(Wait::deadline)
    }

    /// The time is `now`: [`TransferError::Timeout`] (and the machine closed) when the wait
    /// ran out.
    pub fn handle_timeout(&mut self, now: u64) -> Result<(), TransferError> {
        match self.wait() {
            Some(wait) if wait.expired(now) => {
                self.state = ReceiverState::Closed;
                Err(TransferError::Timeout {
                    phase: wait.phase,
                    after_secs: wait.secs,
                    bytes: self.received,
                })
            }
            _ => Ok(()),
        }
    }
}

/// What the sending machine reports after reading the receiver's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderEvent {
    /// `GO`: start sending the body.
    Accepted,
    /// The receiver holds the first `have` bytes, hashing to `prefix`: answer with
    /// [`Sender::start_at`] (`have` when the own prefix matches, else 0).
    ResumeOffered { have: u64, prefix: Digest },
    /// Anything but `GO` in answer to the offer.
    Refused(String),
    /// The receiver cancelled during the body.
    Cancelled(String),
    /// The receiver verified and kept the file.
    Confirmed(Digest),
    /// The receiver verified this entry of a set (the oldest one unconfirmed). After the last
    /// entry's, [`Sender::finished`] says the whole set is kept.
    EntryConfirmed(SentEntry),
    /// The receiver got the body but could not keep it.
    ReceiverFailed(String),
}

/// An entry of a set whose body was sent (its `E` written), as its `OK` must confirm it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEntry {
    /// The path as it travelled (`Display-Name`).
    pub name: String,
    pub kind: EntryKind,
    pub size: u64,
    pub digest: Digest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SenderState {
    ExpectAnswer,
    ChoosingStart {
        have: u64,
    },
    /// In an accepted set, no entry being sent: the next may begin when the window has room.
    BetweenEntries,
    Sending,
    /// Everything sent: the `OK` of the file, or of the set's entries still unconfirmed.
    ExpectResult,
    Closed,
}

impl SenderState {
    fn describe(self) -> &'static str {
        match self {
            Self::ExpectAnswer => "waiting for the answer to the offer",
            Self::ChoosingStart { .. } => "choosing where to resume",
            Self::BetweenEntries => "between entries of the set",
            Self::Sending => "sending the body",
            Self::ExpectResult => "waiting for the receiver's verification",
            Self::Closed => "closed",
        }
    }
}

/// The sending side of one transfer.
///
/// Write [`Sender::header_bytes`] first; feed what the receiver sends to
/// [`Sender::handle_read`]; after [`SenderEvent::Accepted`], write for each chunk the frame from
/// [`Sender::data_frame`] followed by the chunk itself, then [`Sender::end_frame`]; wait for
/// [`SenderEvent::Confirmed`]. [`Sender::cancel_frame`] cancels at any time. A driver that
/// hashes the body on another thread takes the hash state with [`Sender::hash_elsewhere`]
/// (then [`Sender::data_frame`] only counts) and gives it back with
/// [`Sender::end_frame_hashed`]: the bytes on the wire are the same.
///
/// A set: after `Accepted`, while [`Sender::window_open`], write [`Sender::begin_entry`] and the
/// entry's body as above, without waiting; feed the receiver's lines whenever they come (each
/// gives [`SenderEvent::EntryConfirmed`] for the oldest entry sent and unconfirmed). When the
/// window is full, wait for lines. Done when [`Sender::finished`]: every entry confirmed.
///
/// Time: create it as the offer goes out; give `now` with every read; around each write of
/// what it framed call [`Sender::note_writing`] and [`Sender::handle_written`]. Sleep until
/// [`Sender::poll_timeout`] (or the next input), then call [`Sender::handle_timeout`]: an
/// error ends the transfer, a record returned (a stream's keepalive) is to be written.
pub struct Sender {
    header: Header,
    /// In a set: the entry being sent, and how many are still to come.
    entry: Option<Header>,
    entries_left: u64,
    /// In a set: entries sent and not yet confirmed, oldest first (at most
    /// [`WINDOW_ENTRIES`]), and the sum of their sizes.
    unconfirmed: std::collections::VecDeque<SentEntry>,
    unconfirmed_bytes: u64,
    state: SenderState,
    line: LineBuffer,
    sent: u64,
    hasher: Sha3_256,
    /// The current body is hashed by the caller (on another thread): [`Sender::data_frame`]
    /// only counts, and the body ends with [`Sender::end_frame_hashed`].
    hashed_elsewhere: bool,
    digest: Option<Digest>,
    /// The receiver confirmed everything: the file, or the set's last entry.
    done: bool,
    /// When the offer went out (µs): `GO` is due [`ANSWER_TIMEOUT`] later.
    offered: u64,
    /// When the last write completed or the receiver's last line came (µs): the verdict and
    /// a stream's keepalive count from here.
    since: u64,
    /// Since when (µs) a write is under way: the receiver must take it within
    /// [`IDLE_TIMEOUT`].
    writing: Option<u64>,
    /// Body bytes framed since the offer (a resumed prefix not included), and of these the
    /// ones written.
    framed: u64,
    written: u64,
}

impl Sender {
    /// The sender of `header`, offered at `now` (µs).
    pub fn new(header: Header, now: u64) -> Self {
        Sender {
            offered: now,
            since: now,
            writing: None,
            framed: 0,
            written: 0,
            sent: header.offset,
            entries_left: header.entries.unwrap_or(0),
            header,
            entry: None,
            unconfirmed: Default::default(),
            unconfirmed_bytes: 0,
            state: SenderState::ExpectAnswer,
            line: LineBuffer::default(),
            hasher: Sha3_256::new(),
            hashed_elsewhere: false,
            digest: None,
            done: false,
        }
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn header_bytes(&self) -> Vec<u8> {
        self.header.encode()
    }

    /// Body bytes framed so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// The declared size of the file (or entry) being sent, `None` when streamed.
    pub fn declared(&self) -> Option<u64> {
        self.entry.as_ref().unwrap_or(&self.header).size
    }

    /// Consume the receiver's bytes, read at `now`: how many were used, and what happened.
    /// A complete line restarts the wait for the next one (a set's next `OK`).
    pub fn handle_read(
        &mut self,
        input: &[u8],
        now: u64,
    ) -> Result<(usize, Option<SenderEvent>), TransferError> {
        let (used, line) = self.line.feed(input)?;
        let Some(line) = line else {
            return Ok((used, None));
        };
        self.since = self.since.max(now);
        let (verb, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let rest = one_line(rest, MAX_REASON_BYTES);
        let unexpected = |state: SenderState| TransferError::UnexpectedReply {
            line: one_line(&line, 80),
            state: state.describe(),
        };
        let event = match (self.state, verb) {
            (SenderState::ExpectAnswer, "GO") if !rest.is_empty() => {
                let (have, prefix) = rest
                    .split_once(' ')
                    .and_then(|(have, prefix)| Some((parse_decimal(have)?, parse_digest(prefix)?)))
                    .filter(|(have, _)| {
                        self.header.entries.is_none()
                            && self.header.offset == 0
                            && self.header.size.is_some_and(|size| *have <= size)
                    })
                    .ok_or_else(|| unexpected(self.state))?;
                self.state = SenderState::ChoosingStart { have };
                SenderEvent::ResumeOffered { have, prefix }
            }
            (SenderState::ExpectAnswer, "GO") => {
                self.state = if self.header.entries.is_some() {
                    SenderState::BetweenEntries
                } else {
                    SenderState::Sending
                };
                SenderEvent::Accepted
            }
            (SenderState::ExpectAnswer, "CANCEL") | (SenderState::ExpectAnswer, "NO") => {
                self.state = SenderState::Closed;
                SenderEvent::Refused(rest)
            }
            // jami-daemon: any answer other than GO is a refusal.
            (SenderState::ExpectAnswer, _) => {
                self.state = SenderState::Closed;
                SenderEvent::Refused(one_line(&line, MAX_REASON_BYTES))
            }
            (
                SenderState::Sending | SenderState::ExpectResult | SenderState::BetweenEntries,
                "CANCEL",
            ) => {
                self.state = SenderState::Closed;
                SenderEvent::Cancelled(rest)
            }
            (
                SenderState::Sending | SenderState::ExpectResult | SenderState::BetweenEntries,
                "ERR",
            ) => {
                self.state = SenderState::Closed;
                SenderEvent::ReceiverFailed(rest)
            }
            // A set: the oldest entry sent and not yet confirmed, whatever is being sent now.
            (
                SenderState::Sending | SenderState::ExpectResult | SenderState::BetweenEntries,
                "OK",
            ) if self.header.entries.is_some() => {
                let Some(oldest) = self.unconfirmed.front() else {
                    return Err(unexpected(self.state));
                };
                let confirmed = parse_digest(rest.trim()).ok_or_else(|| unexpected(self.state))?;
                if confirmed != oldest.digest {
                    let err = TransferError::ConfirmationMismatch {
                        name: one_line(&oldest.name, 80),
                        confirmed: hex::encode(confirmed),
                        sent: hex::encode(oldest.digest),
                    };
                    self.state = SenderState::Closed;
                    return Err(err);
                }
                let Some(entry) = self.unconfirmed.pop_front() else {
                    return Err(unexpected(self.state)); // Just checked: never here.
                };
                self.unconfirmed_bytes -= entry.size;
                if self.state == SenderState::ExpectResult && self.unconfirmed.is_empty() {
                    self.state = SenderState::Closed;
                    self.done = true;
                }
                SenderEvent::EntryConfirmed(entry)
            }
            (SenderState::ExpectResult, "OK") => {
                let sent = self.digest.unwrap_or_default();
                let confirmed = parse_digest(rest.trim()).ok_or_else(|| unexpected(self.state))?;
                if confirmed != sent {
                    return Err(TransferError::ConfirmationMismatch {
                        name: one_line(&self.header.name, 80),
                        confirmed: hex::encode(confirmed),
                        sent: hex::encode(sent),
                    });
                }
                self.state = SenderState::Closed;
                self.done = true;
                SenderEvent::Confirmed(confirmed)
            }
            (state, _) => return Err(unexpected(state)),
        };
        Ok((used, Some(event)))
    }

    /// The 5-byte frame to write before `chunk`; hashes (unless [`Sender::hash_elsewhere`])
    /// and counts it.
    pub fn data_frame(&mut self, chunk: &[u8]) -> Result<[u8; 5], TransferError> {
        self.expect(SenderState::Sending, "sending data")?;
        let len = chunk.len() as u64;
        let too_long = self.declared().is_some_and(|size| self.sent + len > size);
        if chunk.len() > MAX_RECORD_BYTES as usize || too_long {
            return Err(TransferError::SourceGrew {
                declared: self.declared().unwrap_or(0),
            });
        }
        if !self.hashed_elsewhere {
            self.hasher.update(chunk);
        }
        self.sent += len;
        self.framed += len;
        let n = (chunk.len() as u32).to_be_bytes();
        Ok([TAG_DATA, n[0], n[1], n[2], n[3]])
    }

    /// The end record carrying the digest of everything sent. In a set, the entry joins the
    /// unconfirmed ones and the next may begin (window permitting) without waiting.
    pub fn end_frame(&mut self) -> Result<Vec<u8>, TransferError> {
        self.expect(SenderState::Sending, "ending the body")?;
        if self.hashed_elsewhere {
            return Err(TransferError::WrongState {
                action: "ending the body without its hash",
                state: "the body is hashed elsewhere (end it with end_frame_hashed)",
            });
        }
        if let Some(declared) = self.declared().filter(|&size| size != self.sent) {
            return Err(TransferError::SourceShrank {
                declared,
                sent: self.sent,
            });
        }
        let digest: Digest = self.hasher.clone().finalize().into();
        self.digest = Some(digest);
        self.state = SenderState::ExpectResult;
        if let Some(entry) = self.entry.take() {
            self.unconfirmed_bytes += self.sent;
            self.unconfirmed.push_back(SentEntry {
                name: entry.name,
                kind: entry.kind,
                size: self.sent,
                digest,
            });
            if self.entries_left > 0 {
                self.state = SenderState::BetweenEntries;
            }
        }
        let mut frame = vec![TAG_END];
        frame.extend_from_slice(&digest);
        Ok(frame)
    }

    /// Hand the hashing of the current body to the caller, so that it runs on another thread
    /// than the one writing (reading and hashing overlap with encryption): returns the hash
    /// state so far (a resumed prefix's, or empty). Until [`Sender::end_frame_hashed`] gives
    /// it back, [`Sender::data_frame`] only counts; the caller must hash exactly the chunks it
    /// frames, in order.
    pub fn hash_elsewhere(&mut self) -> Result<Sha3_256, TransferError> {
        self.expect(SenderState::Sending, "handing out the body's hash")?;
        if self.hashed_elsewhere {
            return Err(TransferError::WrongState {
                action: "handing out the body's hash",
                state: "the body is hashed elsewhere already",
            });
        }
        self.hashed_elsewhere = true;
        Ok(std::mem::take(&mut self.hasher))
    }

    /// [`Sender::end_frame`] for a body hashed by the caller since [`Sender::hash_elsewhere`]:
    /// `hasher` is that state, updated with every chunk framed since.
    pub fn end_frame_hashed(&mut self, hasher: Sha3_256) -> Result<Vec<u8>, TransferError> {
        self.expect(SenderState::Sending, "ending the body")?;
        if !self.hashed_elsewhere {
            return Err(TransferError::WrongState {
                action: "ending the body with an outside hash",
                state: "the body is hashed here",
            });
        }
        self.hashed_elsewhere = false;
        self.hasher = hasher;
        self.end_frame()
    }

    /// Answer [`SenderEvent::ResumeOffered`]: send from `start` (the offered length, when the
    /// own first bytes hash to the offered prefix, or 0), `prefix` being the hash state of the
    /// bytes before `start`. Returns the `O` record to write.
    pub fn start_at(&mut self, start: u64, prefix: Sha3_256) -> Result<[u8; 9], TransferError> {
        let SenderState::ChoosingStart { have } = self.state else {
            return Err(TransferError::WrongState {
                action: "choosing where to resume",
                state: self.state.describe(),
            });
        };
        if start != have && start != 0 {
            return Err(TransferError::InvalidStart { have, start });
        }
        self.sent = start;
        self.hasher = if start == 0 { Sha3_256::new() } else { prefix };
        self.state = SenderState::Sending;
        let mut record = [0u8; 9];
        record[0] = TAG_START;
        record[1..].copy_from_slice(&start.to_be_bytes());
        Ok(record)
    }

    /// Whether a set's next entry may begin now: between entries, with fewer than
    /// [`WINDOW_ENTRIES`] entries and [`WINDOW_BYTES`] of body unconfirmed. When not, and
    /// entries are left, wait for the receiver's lines.
    pub fn window_open(&self) -> bool {
        self.state == SenderState::BetweenEntries
            && self.unconfirmed.len() < WINDOW_ENTRIES
            && self.unconfirmed_bytes < WINDOW_BYTES
    }

    /// In an accepted set, with the window open: start the next entry (size known, a
    /// directory with size 0) and return its header bytes; its body records and
    /// [`Sender::end_frame`] follow.
    pub fn begin_entry(&mut self, entry: Header) -> Result<Vec<u8>, TransferError> {
        self.expect(SenderState::BetweenEntries, "starting an entry")?;
        if !self.window_open() {
            return Err(TransferError::WrongState {
                action: "starting an entry",
                state: "waiting for confirmations: the window is full",
            });
        }
        if self.entries_left == 0 || entry.size.is_none() || entry.entries.is_some() {
            return Err(TransferError::InvalidEntry {
                name: one_line(&entry.name, 80),
                why: "not a further entry of known size",
            });
        }
        self.entries_left -= 1;
        self.sent = 0;
        self.hasher = Sha3_256::new();
        self.hashed_elsewhere = false;
        self.state = SenderState::Sending;
        let bytes = entry.encode();
        self.entry = Some(entry);
        Ok(bytes)
    }

    /// Entries of the set not yet begun.
    pub fn entries_left(&self) -> u64 {
        self.entries_left
    }

    /// Entries of the set sent and not yet confirmed.
    pub fn unconfirmed(&self) -> usize {
        self.unconfirmed.len()
    }

    /// Whether the receiver confirmed everything: the file, or every entry of the set.
    pub fn finished(&self) -> bool {
        self.done
    }

    /// The digest of the body (the last entry's, in a set), once [`Sender::end_frame`] was
    /// produced.
    pub fn digest(&self) -> Option<Digest> {
        self.digest
    }

    /// Cancel from the sending side: the record to write (only meaningful once accepted).
    pub fn cancel_frame(&mut self, reason: &str) -> Vec<u8> {
        self.state = SenderState::Closed;
        let reason = one_line(reason, MAX_REASON_BYTES);
        let mut frame = vec![TAG_CANCEL];
        frame.extend_from_slice(&(reason.len() as u16).to_be_bytes());
        frame.extend_from_slice(reason.as_bytes());
        frame
    }

    fn expect(&self, state: SenderState, action: &'static str) -> Result<(), TransferError> {
        if self.state != state {
            return Err(TransferError::WrongState {
                action,
                state: self.state.describe(),
            });
        }
        Ok(())
    }

    /// Body bytes written so far ([`Sender::handle_written`]): what travelled, a resumed
    /// prefix not included.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// A write of what the machine framed began at `now`: until [`Sender::handle_written`],
    /// the receiver must take it within [`IDLE_TIMEOUT`], and no keepalive is due.
    pub fn note_writing(&mut self, now: u64) {
        self.writing = Some(now);
    }

    /// Everything framed so far is written (and flushed) at `now`: counted as sent; the wait
    /// for the verdict and a stream's keepalive count from here.
    pub fn handle_written(&mut self, now: u64) {
        self.writing = None;
        self.since = self.since.max(now);
        self.written = self.framed;
    }

    /// What the sender waits for now, and since when.
    fn wait(&self) -> Option<Wait> {
        if let Some(start) = self.writing {
            return Some(Wait::new(Phase::Writing, start, IDLE_TIMEOUT));
        }
        match self.state {
            SenderState::ExpectAnswer => {
                Some(Wait::new(Phase::Answer, self.offered, ANSWER_TIMEOUT))
            }
            SenderState::ExpectResult => {
                Some(Wait::new(Phase::Verdict, self.since, VERDICT_TIMEOUT))
            }
            // Only a full window makes a driver wait here; with nothing unconfirmed, nothing
            // is awaited.
            SenderState::BetweenEntries if !self.unconfirmed.is_empty() => {
                Some(Wait::new(Phase::Verdict, self.since, VERDICT_TIMEOUT))
            }
            SenderState::BetweenEntries
            | SenderState::ChoosingStart { .. }
            | SenderState::Sending
            | SenderState::Closed => None,
        }
    }

    /// When (µs) a stream's empty record is due: [`STREAM_KEEPALIVE`] after the last write,
    /// while no write is under way.
    fn keepalive_due(&self) -> Option<u64> {
        let streaming = self.state == SenderState::Sending && self.declared().is_none();
        (streaming && self.writing.is_none()).then(|| after(self.since, STREAM_KEEPALIVE))
    }

    /// When (µs) [`Sender::handle_timeout`] must be called next, if ever.
    pub fn poll_timeout(&self) -> Option<u64> {
        let wait = self.wait().map(Wait::deadline);
        match (wait, self.keepalive_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The time is `now`: [`TransferError::Timeout`] (and the machine closed) when the wait
    /// ran out; an empty record to write when a stream's keepalive is due (its write counts
    /// as under way from `now`); else nothing.
    pub fn handle_timeout(&mut self, now: u64) -> Result<Option<[u8; 5]>, TransferError> {
        if let Some(wait) = self.wait().filter(|wait| wait.expired(now)) {
            self.state = SenderState::Closed;
            self.writing = None;
            return Err(TransferError::Timeout {
                phase: wait.phase,
                after_secs: wait.secs,
                bytes: self.written,
            });
        }
        if self.keepalive_due().is_some_and(|due| now >= due) {
            let frame = self.data_frame(&[])?;
            self.writing = Some(now);
            return Ok(Some(frame));
        }
        Ok(None)
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.size {
            Some(size) => write!(f, "{:?} ({size} bytes)", self.name),
            None => write!(f, "{:?} (streamed)", self.name),
        }
    }
}

/// SHA3-256 of a byte slice, for callers that hash outside the machines.
pub fn sha3_256(data: &[u8]) -> Digest {
    Sha3_256::digest(data).into()
}

#[cfg(test)]
mod tests;
