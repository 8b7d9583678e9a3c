//! The transfer's timing rules: how long each side waits for the other, by what it waits for.
//!
//! Time is an input, in microseconds from any fixed origin (the driver's clock at the start of
//! the connection): [`Sender`](super::Sender) and [`Receiver`](super::Receiver) take `now` with
//! their inputs, say in `poll_timeout()` when they must next be woken, and in
//! `handle_timeout(now)` whether a wait ran out (a [`TransferError::Timeout`], which
//! carries the [`Phase`]) or a stream's keepalive is due. Which limit applies follows from the
//! machine's state, so the drivers in `net/` hold one timer each and no rule of their own
//! (but the grace they give a best-effort `CANCEL` while closing, which is I/O only).
//!
//! ```text
//! receiver  waiting for the header     HEADER_TIMEOUT from the connection; partial header
//!                                      bytes do not extend it (a peer trickling a byte a
//!                                      second is cut off at 20 s all the same)
//!           deciding                   no limit here (the decision has its own)
//!           waiting for the O record   IDLE_TIMEOUT + the time to hash the resumed prefix
//!                                      at MIN_PREFIX_HASH_RATE, from the answer
//!           in the body, between       IDLE_TIMEOUT from the last byte of the sender, or
//!             entries                  from when this side was last busy (its disk)
//!           writing its answers        IDLE_TIMEOUT for the sender to take them (a set's
//!                                      `OK`s: a sender that never reads is cut off)
//! sender    waiting for GO             ANSWER_TIMEOUT from the offer
//!           writing (any state)        IDLE_TIMEOUT for the receiver to take what is written
//!           a stream, input silent     an empty record STREAM_KEEPALIVE after the last write
//!           waiting for OK             VERDICT_TIMEOUT from the last completed write or
//!                                      the last complete line from the receiver (in a set,
//!                                      each OK restarts it)
//! ```
//!
//! [`TransferError::Timeout`]: super::TransferError::Timeout

use std::fmt;
use std::time::Duration;

/// How long a receiver may take to send the header once connected.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a sender waits for `GO`: a person may be deciding.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(600);
/// Longest silence accepted in the middle of a body, either way.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the sender waits for the receiver's verdict after the last byte (it syncs to disk).
pub const VERDICT_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest a stream's sender stays silent while its input is: an empty record then tells the
/// receiver (well within its [`IDLE_TIMEOUT`]) that the sender is alive.
pub const STREAM_KEEPALIVE: Duration = Duration::from_secs(10);
/// Slowest rate (bytes/s) at which a sender is assumed to hash the prefix of a resumed file
/// before answering: the receiver waits that long for the `O` record on top of the idle limit.
pub const MIN_PREFIX_HASH_RATE: u64 = 20 << 20;

/// What a machine was waiting for when its time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The receiver, for the offer's header.
    Header,
    /// The sender, for the answer to its offer (`GO`).
    Answer,
    /// The receiver, for the sender's next byte of the body (or its `O` record, or the next
    /// entry of a set).
    Body,
    /// The sender, for the receiver to take the bytes being written.
    Writing,
    /// The sender, for the receiver's `OK` after an end record.
    Verdict,
    /// The receiver, for the sender to take its answers (a set's `OK`s) being written.
    Replying,
}

impl Phase {
    /// What the user reads: the limit, in seconds, and the body bytes so far (received, for
    /// the receiver; written, for the sender).
    pub(super) fn describe(self, after_secs: u64, bytes: u64) -> String {
        match self {
            Phase::Header => format!("no complete header within {after_secs}s"),
            Phase::Answer => format!("no GO from the receiver within {after_secs}s"),
            Phase::Verdict => format!("no OK from the receiver within {after_secs}s"),
            Phase::Body => {
                format!("the sender went silent for {after_secs}s after {bytes} bytes")
            }
            Phase::Writing => {
                format!("the receiver stopped reading for {after_secs}s ({bytes} bytes sent)")
            }
            Phase::Replying => {
                format!("the sender stopped reading for {after_secs}s ({bytes} bytes received)")
            }
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Header => "waiting for the header",
            Phase::Answer => "waiting for the answer to the offer",
            Phase::Body => "receiving the body",
            Phase::Writing => "writing to the receiver",
            Phase::Verdict => "waiting for the receiver's verification",
            Phase::Replying => "writing to the sender",
        })
    }
}

/// A running wait: what for, since when (µs), and for how many seconds at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Wait {
    pub phase: Phase,
    pub since: u64,
    pub secs: u64,
}

impl Wait {
    pub fn new(phase: Phase, since: u64, limit: Duration) -> Wait {
        Wait {
            phase,
            since,
            secs: limit.as_secs(),
        }
    }

    /// The instant (µs) it runs out.
    pub fn deadline(self) -> u64 {
        self.since
            .saturating_add(self.secs.saturating_mul(1_000_000))
    }

    /// Whether it ran out at `now`: at its deadline exactly, not a microsecond before.
    pub fn expired(self, now: u64) -> bool {
        now >= self.deadline()
    }
}

/// `since + limit`, in µs.
pub(super) fn after(since: u64, limit: Duration) -> u64 {
    since.saturating_add(u64::try_from(limit.as_micros()).unwrap_or(u64::MAX))
}
