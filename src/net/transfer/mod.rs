//! Drives the transfer machines of `proto::transfer` over an established (TLS) stream, with the
//! file on one side and the disk on the other.
//!
//! The sender reads the file in [`SEND_RECORD_BYTES`] records, hashing as it goes (one pass), and
//! watches the receiver's lines while it writes, so a `CANCEL` stops it at once. A regular file
//! (alone, or a set's file larger than one record) is read and hashed on a blocking thread
//! ([`FileReader`]: one for the whole set, its large files in order, each followed by its
//! hash) a few records ahead of the task that frames, encrypts and writes them, so that hashing
//! and encryption run on two cores where there are two, and a set does not drain that pipeline
//! at each file. A set's entries
//! go out back to back (the window of `proto::transfer`): the receiver's `OK`s are read even
//! while a write blocks, kept (bounded) and matched between records, so the two sides never
//! wait on each other. A stream (`send -`) goes out as its producer writes it, with an empty
//! record every [`STREAM_KEEPALIVE`] of silence; Ctrl-C stops it even while the producer is
//! silent.
//!
//! The timing rules (how long to wait for the header, `GO`, the body, `OK`; when a keepalive
//! is due) are the machines' (`proto::transfer::deadline`): each loop here sleeps until the
//! machine's `poll_timeout()` and hands it the time ([`Clock`]). Only [`CANCEL_GRACE`], which
//! bounds a best-effort last write while closing, is the driver's own.
//!
//! [`STREAM_KEEPALIVE`]: crate::proto::transfer::deadline::STREAM_KEEPALIVE
//!
//! The receiver writes into a part file in the destination's private `.ferry-parts/` directory
//! (see `net::partfile`: resumable ones kept when the connection breaks so that the next offer
//! of the same file resumes there), removed on every other failure path and linked under a
//! free final name only after the SHA3-256 matched, before the `OK`; an existing file is never
//! replaced. A set is received into a private directory there, whose top-level entries are
//! moved into place once every file was verified. Its files are not synced one by one (a sync
//! each cost about 4 ms on ext4: 40 s for 10,000 small files): the whole set is synced once
//! (`syncfs`) before it is moved into place and the last `OK` goes out, so that `OK` still means
//! "kept on disk". The `OK`s of the entries before it mean "verified and written" (not yet
//! synced): the set's files are written by one thread, and their `OK`s go out as it writes
//! them, gathered into one write, while the next entries are read (no wait per file).
//!
//! Parts: `send` (the sender's loop and its guarded writes), `reader` (the reading and hashing
//! thread), `receive` (the receiver's loop and its sinks), `set_sink` (a set being received),
//! `error` ([`TransferFailure`], what both sides return); this file holds what they share.

use crate::events::{Event, Reporter};
use crate::identity::PeerIdentity;
use crate::net::partfile::{
    move_to_free_name, resume_key, set_dir_mtime, Hints, Opened, PartDir, PartError, PartFile,
    Parts, Resumable, SetWriter,
};
use crate::net::{AbortOnDrop, Interrupt};
use crate::proto::name::{sanitise, sanitise_relative, PathRefused};
use crate::proto::sha3::{Digest as _, Sha3_256};
use crate::proto::transfer::deadline::ANSWER_TIMEOUT;
use crate::proto::transfer::{
    Digest, EntryKind, Header, Mtime, Receiver, ReceiverEvent, Sender, SenderEvent, TransferError,
    MAX_LINE_BYTES, SEND_RECORD_BYTES, WINDOW_ENTRIES,
};
use crate::set::SetEntry;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

mod error;
mod reader;
mod receive;
mod send;
mod set_sink;
pub use error::TransferFailure;
pub use receive::{receive, Decide, Decision, IncomingOffer, Received};
pub use send::send;

/// How this module's work fails: a [`TransferFailure`] unless said otherwise.
type Result<T, E = TransferFailure> = std::result::Result<T, E>;

/// Time allowed to tell the peer about a cancel before closing anyway. Pure I/O, so the
/// driver's: it bounds a best-effort write (and a wait for the peer to close) after the
/// machine is done, when no protocol rule is left to apply.
const CANCEL_GRACE: Duration = Duration::from_secs(2);
/// Size of the receiver's read buffer.
const READ_BUFFER_BYTES: usize = 64 * 1024;
/// Most of the receiver's bytes the sender keeps unread: one line for each entry a full window
/// holds and one more (`ERR`, `CANCEL`). An honest receiver never has more to say at once.
const MAX_INBOX_BYTES: usize = (WINDOW_ENTRIES + 1) * (MAX_LINE_BYTES + 1);

/// What is sent.
#[derive(Debug, Clone)]
pub enum Source {
    /// A regular file: size known, resumable.
    File(PathBuf),
    /// Standard input (`send -`): size unknown until the end.
    Stdin,
    /// Several files and directories (`send DIR`, `send A B`), one offer for all.
    Set(Vec<SetEntry>),
    /// A short text the receiver shows instead of keeping a file (`send --text`), at most
    /// [`MAX_TEXT_BYTES`](crate::proto::transfer::MAX_TEXT_BYTES).
    Text(String),
}

/// What to send, and how.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub source: Source,
    pub name: String,
    pub transfer_id: String,
    /// Bytes per second, for sharing a slow link.
    pub limit_rate: Option<u64>,
    /// The file's SHA3-256 when known before sending (a re-request): announced in the header
    /// (`Ferry-Sha3-256`), so the receiver can decide on it and checks the body against it.
    pub digest: Option<Digest>,
}

/// What a receiver confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The file's SHA3-256, or for a set the digest of its manifest ([`set_digest`]).
    pub digest: Digest,
    /// Bytes of the file (or of all files of the set).
    pub size: u64,
    /// Body bytes that actually travelled: less than `size` when a transfer resumed.
    pub bytes_sent: u64,
}

/// The digest that stands for a whole set: SHA3-256 over one `relative-path NUL hex-digest LF`
/// line per file, in sending order. Both sides compute it from what they verified.
pub fn set_digest(files: &[(String, Digest)]) -> Digest {
    let mut hasher = Sha3_256::new();
    for (path, digest) in files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(hex::encode(digest).as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize().into()
}

/// The machines' time: microseconds since the transfer began, on tokio's monotonic clock.
#[derive(Debug, Clone, Copy)]
struct Clock(tokio::time::Instant);

impl Clock {
    fn start() -> Clock {
        Clock(tokio::time::Instant::now())
    }

    fn now(self) -> u64 {
        u64::try_from(self.0.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Sleep until a machine's `poll_timeout()`, forever when it waits for nothing.
    async fn sleep_until(self, deadline: Option<u64>) {
        match deadline {
            Some(at) => tokio::time::sleep_until(self.0 + Duration::from_micros(at)).await,
            None => std::future::pending().await,
        }
    }
}

async fn send_and_close<W: AsyncWrite + Unpin>(
    writer: &mut W,
    bytes: &[u8],
) -> std::io::Result<()> {
    writer.write_all(bytes).await?;
    writer.flush().await?;
    writer.shutdown().await
}

/// The receiver's last word (`NO`, `OK`, `ERR`, `CANCEL`): send it, close this side, then wait,
/// briefly, for the sender to close its own. Closing at once can lose that word: on any TCP
/// path, bytes still unread at close (a sender still writing) turn the FIN into a reset; through
/// a TURN relay, the allocation dies with this process and the relay may drop what it has not
/// forwarded yet. Bounded by [`CANCEL_GRACE`] twice.
async fn last_word<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, bytes: &[u8]) {
    let _ = tokio::time::timeout(CANCEL_GRACE, send_and_close(stream, bytes)).await;
    let mut sink = [0u8; 512];
    let _ = tokio::time::timeout(CANCEL_GRACE, async {
        // Bounded by the timeout; ends at the sender's close or any error.
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
