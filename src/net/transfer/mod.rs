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

use crate::events::{Event, Reporter};
use crate::identity::PeerIdentity;
use crate::net::partfile::{
    move_to_free_name, resume_key, set_dir_mtime, Hints, Opened, PartDir, PartError, PartFile,
    Parts, Resumable, SetWriter,
};
use crate::net::{AbortOnDrop, Interrupt};
use crate::proto::name::{sanitise, sanitise_relative, PathRefused};
use crate::proto::transfer::deadline::ANSWER_TIMEOUT;
use crate::proto::transfer::{
    Digest, EntryKind, Header, Mtime, Receiver, ReceiverEvent, Sender, SenderEvent, TransferError,
    MAX_LINE_BYTES, SEND_RECORD_BYTES, WINDOW_ENTRIES,
};
use crate::set::SetEntry;
use sha3::{Digest as _, Sha3_256};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

mod error;
pub use error::TransferFailure;

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

/// The connection as the sender uses it: the write half, the receiver's lines (read by a task
/// of their own, so a `CANCEL` is seen while writing), Ctrl-C, and the progress so far.
struct SendLink<W> {
    writer: W,
    from_peer: mpsc::Receiver<Vec<u8>>,
    interrupt: Interrupt,
    _reader: AbortOnDrop<()>,
    tid: String,
    limit_rate: Option<u64>,
    started: Instant,
    clock: Clock,
    /// Set when the receiver's TLS verifier turned this device away (`--from`).
    refused_in_tls: Arc<std::sync::atomic::AtomicBool>,
    /// The receiver's bytes read (also while a write was blocked) and not yet given to the
    /// machine.
    inbox: Inbox,
    /// The files of a set the receiver confirmed so far, in order: path and digest.
    verified: Vec<(String, Digest)>,
}

/// Send `outgoing` over `stream`; succeeds once the receiver confirmed the digest (of every
/// file, for a set).
pub async fn send<S>(
    stream: S,
    outgoing: &Outgoing,
    peer: &PeerIdentity,
    reporter: &dyn Reporter,
    interrupt: Interrupt,
) -> Result<Delivered>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut file = None;
    let mut hints = (None, None);
    let (size, entries) = match &outgoing.source {
        Source::File(path) => {
            let opened = tokio::fs::File::open(path)
                .await
                .map_err(|cause| TransferFailure::file("opening", path, cause))?;
            let meta = opened.metadata().await.map_err(TransferFailure::LocalIo)?;
            if !meta.is_file() {
                return Err(TransferFailure::NotAFile(path.clone()));
            }
            file = Some(opened);
            hints = file_hints(&meta);
            (Some(meta.len()), None)
        }
        Source::Stdin => (None, None),
        Source::Text(text) => (Some(text.len() as u64), None),
        Source::Set(entries) => (
            Some(entries.iter().map(|e| e.size).sum()),
            Some(entries.len() as u64),
        ),
    };
    let header = Header {
        size,
        name: outgoing.name.clone(),
        transfer_id: outgoing.transfer_id.clone(),
        sha3_256: outgoing.digest,
        entries,
        mode: hints.0,
        mtime: hints.1,
        text: matches!(outgoing.source, Source::Text(_)),
        ..Header::default()
    };
    let tid = header.transfer_id.clone();
    let clock = Clock::start();
    let mut tx = Sender::new(header, clock.now());
    let (reader, writer) = tokio::io::split(stream);
    let (peer_bytes, from_peer) = mpsc::channel::<Vec<u8>>(8);
    let refused_in_tls = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let read_task = tokio::spawn(forward_reads(reader, peer_bytes, refused_in_tls.clone()));
    let mut link = SendLink {
        writer,
        from_peer,
        interrupt,
        _reader: AbortOnDrop(read_task),
        tid: tid.clone(),
        limit_rate: outgoing.limit_rate,
        started: Instant::now(),
        clock,
        refused_in_tls,
        inbox: Inbox::default(),
        verified: Vec::new(),
    };

    reporter.report(Event::Offer {
        transfer_id: tid.clone(),
        name: outgoing.name.clone(),
        size,
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
        offered_name: None,
    });
    // Under the write deadline, as every write: a receiver that takes no bytes at all cannot
    // hold the offer forever. (A receiver whose TLS verifier refused this device says so
    // with an alert that surfaces on these first writes: `guarded_write` tells it apart.)
    let header = tx.header_bytes();
    link.guarded_write(&mut tx, Some(&header), "sending the offer", reporter)
        .await?;
    link.guarded_write(&mut tx, None, "sending the offer", reporter)
        .await?;
    crate::events::phase(
        reporter,
        format!(
            "offered {} to device {}; waiting for it to accept (up to {} s)",
            outgoing.name,
            peer.device,
            ANSWER_TIMEOUT.as_secs()
        ),
    );

    let answer = match link.next_event(&mut tx, "GO").await {
        Ok(answer) => answer,
        Err(err) => {
            // Take the offer back, so that a receiver still asking its user stops asking.
            let frame = tx.cancel_frame(&format!("{err:#}"));
            let _ =
                tokio::time::timeout(CANCEL_GRACE, send_and_close(&mut link.writer, &frame)).await;
            return Err(err);
        }
    };
    match answer {
        SenderEvent::Accepted => {}
        SenderEvent::ResumeOffered { have, prefix } => {
            let Source::File(path) = &outgoing.source else {
                return Err(TransferFailure::UnwantedResume);
            };
            let (matches, hasher) = prefix_matches(path.clone(), have, prefix).await?;
            let start = if matches { have } else { 0 };
            let record = tx.start_at(start, hasher)?;
            link.guarded_write(
                &mut tx,
                Some(&record),
                "sending the resume offset",
                reporter,
            )
            .await?;
            if let Some(file) = file.as_mut() {
                file.seek(std::io::SeekFrom::Start(start))
                    .await
                    .map_err(TransferFailure::LocalIo)?;
            }
            tracing::info!(
                "resuming {tid}: the receiver holds {have} bytes, {}",
                if matches {
                    "they match"
                } else {
                    "they differ: sending all"
                }
            );
        }
        SenderEvent::Refused(reason) => {
            reporter.report(Event::Refused {
                transfer_id: tid.clone(),
                reason: reason.clone(),
            });
            return Err(TransferFailure::Refused(reason));
        }
        other => return Err(TransferFailure::UnexpectedAnswer(format!("{other:?}"))),
    }
    reporter.report(Event::Accepted {
        transfer_id: tid.clone(),
    });
    link.started = Instant::now();

    let (digest, size) = match &outgoing.source {
        Source::File(_) => {
            let file = file
                .ok_or(TransferFailure::Internal("the file is not open"))?
                .into_std()
                .await;
            let left = size.unwrap_or(0) - tx.sent();
            let job = ReadJob::open(file, left, tx.hash_elsewhere()?);
            let mut reader = FileReader::start(vec![job], link.record_bytes());
            link.threaded_body(&mut tx, &mut reader, Progress::whole(size), reporter)
                .await?;
            (link.verdict(&mut tx, reporter).await?, size.unwrap_or(0))
        }
        Source::Stdin => {
            let mut stdin = tokio::io::stdin();
            let digest = link
                .file_body(&mut tx, &mut stdin, Progress::whole(None), reporter)
                .await?;
            (digest, tx.sent())
        }
        Source::Text(text) => {
            let digest = link
                .file_body(
                    &mut tx,
                    &mut text.as_bytes(),
                    Progress::whole(size),
                    reporter,
                )
                .await?;
            (digest, size.unwrap_or(0))
        }
        Source::Set(entries) => {
            let total = size.unwrap_or(0);
            (
                link.set_body(&mut tx, entries, total, reporter).await?,
                total,
            )
        }
    };
    let _ = link.writer.shutdown().await;
    reporter.report(Event::Done {
        transfer_id: tid,
        name: outgoing.name.clone(),
        size,
        sha3_256: hex::encode(digest),
        path: None,
        seconds: link.started.elapsed().as_secs_f64(),
        bytes_sent: Some(tx.written()),
    });
    Ok(Delivered {
        digest,
        size,
        bytes_sent: tx.written(),
    })
}

/// The mode (`0o777` bits) and modification time a regular file's header carries.
fn file_hints(meta: &std::fs::Metadata) -> (Option<u32>, Option<Mtime>) {
    use std::os::unix::fs::PermissionsExt;
    (
        Some(meta.permissions().mode() & 0o777),
        crate::set::mtime_of(meta),
    )
}

/// Where a body's progress stands within the whole offer.
struct Progress {
    /// Bytes of the offer before this body (earlier entries of a set).
    base: u64,
    total: Option<u64>,
}

impl Progress {
    /// The body is the whole offer. A resumed prefix needs no base: the sender's count
    /// ([`Sender::sent`]) starts at the resumed position already.
    fn whole(total: Option<u64>) -> Progress {
        Progress { base: 0, total }
    }
}

/// Hash the first `have` bytes of `path` (on a blocking thread): whether they hash to
/// `prefix`, and the hash state to continue from.
async fn prefix_matches(path: PathBuf, have: u64, prefix: Digest) -> Result<(bool, Sha3_256)> {
    tokio::task::spawn_blocking(move || -> std::io::Result<(bool, Sha3_256)> {
        let (read, hasher) = crate::net::partfile::hash_prefix(std::fs::File::open(&path)?, have)?;
        let digest: Digest = hasher.clone().finalize().into();
        Ok((read == have && digest == prefix, hasher))
    })
    .await
    .map_err(|e| TransferFailure::task("hashing the resumed prefix", e))?
    .map_err(TransferFailure::LocalIo)
}

async fn forward_reads<R: AsyncRead + Unpin>(
    mut reader: R,
    to: mpsc::Sender<Vec<u8>>,
    refused_in_tls: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut buf = vec![0u8; 4096];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) => break,
            Err(err) => {
                if crate::net::tls::refused_by_verifier(&err) {
                    refused_in_tls.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                break;
            }
            Ok(n) => {
                if to.send(buf[..n].to_vec()).await.is_err() {
                    break;
                }
            }
        }
    }
}

impl<W: AsyncWrite + Unpin> SendLink<W> {
    /// Stream one body from `source` (to its declared end, or to end of input when streamed),
    /// end it with the digest and wait for the receiver's `OK`.
    async fn file_body<R: AsyncRead + Unpin>(
        &mut self,
        tx: &mut Sender,
        source: &mut R,
        progress: Progress,
        reporter: &dyn Reporter,
    ) -> Result<Digest> {
        self.body(tx, source, progress, reporter).await?;
        self.verdict(tx, reporter).await
    }

    /// After a body's end record: send what is buffered and wait for the receiver's `OK`.
    async fn verdict(&mut self, tx: &mut Sender, reporter: &dyn Reporter) -> Result<Digest> {
        self.flush(tx, "sending the body", reporter).await?;
        match self.next_event(tx, "OK").await? {
            SenderEvent::Confirmed(digest) => Ok(digest),
            event => peer_stopped(event, &self.tid, reporter),
        }
    }

    /// Bytes of body per record: [`SEND_RECORD_BYTES`], smaller under `--limit-rate` (about
    /// eight records a second) so that pacing stays smooth.
    fn record_bytes(&self) -> usize {
        match self.limit_rate {
            Some(rate) => (rate / 8).clamp(1024, SEND_RECORD_BYTES as u64) as usize,
            None => SEND_RECORD_BYTES,
        }
    }

    /// [`SendLink::body`] for a regular file of declared size whose hashing the caller handed
    /// out ([`Sender::hash_elsewhere`]) to `reader`, which reads and hashes it on a blocking
    /// thread while this task frames, encrypts and writes the records before: on a machine
    /// with a core to spare, reading and hashing no longer wait for encryption and the socket,
    /// nor these for them. Takes the reader's records of this file, up to its end.
    async fn threaded_body(
        &mut self,
        tx: &mut Sender,
        reader: &mut FileReader,
        progress: Progress,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        let declared = tx
            .declared()
            .ok_or(TransferFailure::Internal("a file body of unknown size"))?;
        let hasher = loop {
            self.poll_peer(tx, reporter)?;
            // A source that blocks (a slow mount) must not keep Ctrl-C waiting.
            let next = tokio::select! {
                biased;
                _ = self.interrupt.wait() => None,
                item = reader.items.recv() => Some(item),
            };
            let Some(next) = next else {
                return Err(self.cancel_here(tx, reporter).await);
            };
            let (mut buf, n) = match next {
                Some(ReadItem::Chunk(buf, n)) => (buf, n),
                Some(ReadItem::End(hashed)) => break *hashed?,
                None => return Err(TransferFailure::Internal("the reading thread stopped")),
            };
            let frame = tx.data_frame(&buf[5..5 + n])?;
            buf[..5].copy_from_slice(&frame);
            self.write_record(tx, &buf[..5 + n], reporter).await?;
            reporter.report(Event::Progress {
                transfer_id: self.tid.clone(),
                bytes: progress.base + tx.sent(),
                total: progress.total,
            });
            let _ = reader.recycle.send(buf);
            self.pace(tx).await;
        };
        if tx.sent() < declared {
            let err = TransferError::SourceShrank {
                declared,
                sent: tx.sent(),
            };
            let _ = self
                .writer
                .write_all(&tx.cancel_frame(&err.to_string()))
                .await;
            return Err(err.into());
        }
        let end = tx.end_frame_hashed(hasher)?;
        self.write_record(tx, &end, reporter).await
    }

    /// Write one body from `source` (to its declared end, or to end of input when streamed)
    /// and its end record, without waiting for the receiver's verdict. Between records, the
    /// receiver's lines so far are handled: a set's confirmations, or why it stopped.
    async fn body<R: AsyncRead + Unpin>(
        &mut self,
        tx: &mut Sender,
        source: &mut R,
        progress: Progress,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        let declared = tx.declared();
        let record = self.record_bytes();
        let mut buf = vec![0u8; 5 + record.min(declared.unwrap_or(u64::MAX) as usize)];
        loop {
            self.poll_peer(tx, reporter)?;
            let want = match declared {
                Some(size) => ((size - tx.sent()) as usize).min(buf.len() - 5),
                None => buf.len() - 5,
            };
            if want == 0 {
                break;
            }
            let n = match declared {
                Some(_) => read_some(source, &mut buf[5..5 + want]).await?,
                None => match self
                    .read_stream(tx, source, &mut buf[5..5 + want], reporter)
                    .await?
                {
                    StreamRead::Data(n) => n,
                    StreamRead::PeerStopped(event) => {
                        return peer_stopped(event, &self.tid, reporter)
                    }
                    StreamRead::Interrupted => return Err(self.cancel_here(tx, reporter).await),
                },
            };
            if n == 0 {
                let Some(declared) = declared else {
                    break; // A stream ends when its input does.
                };
                let err = TransferError::SourceShrank {
                    declared,
                    sent: tx.sent(),
                };
                let _ = self
                    .writer
                    .write_all(&tx.cancel_frame(&err.to_string()))
                    .await;
                return Err(err.into());
            }
            let frame = tx.data_frame(&buf[5..5 + n])?;
            buf[..5].copy_from_slice(&frame);
            self.write_record(tx, &buf[..5 + n], reporter).await?;
            if declared.is_none() {
                // The producer may pause next: what it gave goes out now.
                self.flush(tx, "sending the body", reporter).await?;
            }
            reporter.report(Event::Progress {
                transfer_id: self.tid.clone(),
                bytes: progress.base + tx.sent(),
                total: progress.total,
            });
            self.pace(tx).await;
        }
        let end = tx.end_frame()?;
        self.write_record(tx, &end, reporter).await
    }

    /// Send every entry of a set, each with its header and body, back to back as far as the
    /// window allows; the receiver's `OK`s are matched as they come. Returns the digest of the
    /// set ([`set_digest`]) once every entry was confirmed.
    async fn set_body(
        &mut self,
        tx: &mut Sender,
        entries: &[SetEntry],
        total: u64,
        reporter: &dyn Reporter,
    ) -> Result<Digest> {
        let mut done = 0u64;
        // Small files are read ahead, each whole in one blocking call, while earlier entries
        // go out: a set of thousands of them does not wait on the disk (and on three trips to
        // the blocking pool) per file.
        let mut ahead = std::collections::VecDeque::new();
        let mut next_read = 0;
        // Larger files are read and hashed on one thread for the whole set, one after the
        // other, so that reading the next file overlaps with sending the end of this one.
        let large = entries
            .iter()
            .filter(|entry| !is_small(entry))
            .filter_map(|entry| Some(ReadJob::path(entry.source.clone()?, entry.size)))
            .collect();
        let mut reader = FileReader::start(large, self.record_bytes());
        for (i, entry) in entries.iter().enumerate() {
            while next_read < entries.len() && next_read < i + READ_AHEAD_FILES {
                if let Some(handle) = read_small(&entries[next_read]) {
                    ahead.push_back(handle);
                }
                next_read += 1;
            }
            // The window is full: what was written goes out, then wait for the oldest `OK`.
            if !tx.window_open() {
                self.flush(tx, "sending the set", reporter).await?;
                while !tx.window_open() {
                    self.confirmation(tx, reporter).await?;
                }
            }
            // The path as the receiver reads it, so both sides name (and digest) it alike.
            let path = Header::wire_name(&entry.relative);
            let header = Header {
                size: Some(entry.size),
                name: path,
                transfer_id: self.tid.clone(),
                kind: entry.kind,
                mode: entry.mode,
                mtime: entry.mtime,
                ..Header::default()
            };
            let bytes = tx.begin_entry(header)?;
            self.write_record(tx, &bytes, reporter).await?;
            let progress = Progress {
                base: done,
                total: Some(total),
            };
            match &entry.source {
                Some(_) if is_small(entry) => {
                    let read = ahead
                        .pop_front()
                        .ok_or(TransferFailure::Internal("the read-ahead lost its place"))?;
                    let data = read
                        .await
                        .map_err(|e| TransferFailure::task("reading ahead", e))??;
                    self.body(tx, &mut data.as_slice(), progress, reporter)
                        .await?
                }
                Some(_) => {
                    // An entry starts from nothing: the reader's fresh hash is the machine's.
                    let prefix = tx.hash_elsewhere()?;
                    debug_assert_eq!(prefix.finalize(), Sha3_256::new().finalize());
                    self.threaded_body(tx, &mut reader, progress, reporter)
                        .await?
                }
                // A directory: an empty body.
                None => {
                    self.body(tx, &mut tokio::io::empty(), progress, reporter)
                        .await?
                }
            };
            done += entry.size;
        }
        self.flush(tx, "sending the set", reporter).await?;
        while !tx.finished() {
            self.confirmation(tx, reporter).await?;
        }
        Ok(set_digest(&self.verified))
    }

    /// Wait for the receiver's next line in a set: a confirmation (handled), or why it stopped.
    async fn confirmation(&mut self, tx: &mut Sender, reporter: &dyn Reporter) -> Result<()> {
        let event = self.next_event(tx, "OK").await?;
        match self.on_event(event, reporter) {
            Some(event) => peer_stopped(event, &self.tid, reporter),
            None => Ok(()),
        }
    }

    /// A confirmation of a set's entry: reported and recorded (`None`). Anything else is the
    /// caller's.
    fn on_event(&mut self, event: SenderEvent, reporter: &dyn Reporter) -> Option<SenderEvent> {
        let SenderEvent::EntryConfirmed(entry) = event else {
            return Some(event);
        };
        if entry.kind == EntryKind::File {
            reporter.report(Event::Entry {
                transfer_id: self.tid.clone(),
                path: entry.name.clone(),
                size: entry.size,
                sha3_256: hex::encode(entry.digest),
            });
            self.verified.push((entry.name, entry.digest));
        }
        None
    }

    /// Send what is buffered, guarded as a record's write is ([`SendLink::write_record`]):
    /// what the machine framed is then written (its wait for the verdict, or a stream's
    /// keepalive, counts from here).
    async fn flush(
        &mut self,
        tx: &mut Sender,
        doing: &'static str,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        self.guarded_write(tx, None, doing, reporter).await
    }

    /// Without waiting: handle everything the receiver sent so far. Confirmations of a set's
    /// entries are recorded; `CANCEL` or `ERR` ends the transfer with its reason.
    fn poll_peer(&mut self, tx: &mut Sender, reporter: &dyn Reporter) -> Result<()> {
        loop {
            while let Some(event) = self.inbox.next_event(tx, self.clock.now())? {
                if let Some(event) = self.on_event(event, reporter) {
                    return peer_stopped(event, &self.tid, reporter);
                }
            }
            match self.from_peer.try_recv() {
                Ok(bytes) => self.inbox.push(&bytes)?,
                // Closed: the next write or wait says so.
                Err(_) => return Ok(()),
            }
        }
    }

    /// One read from a stream: whatever the producer has written so far (a slow producer's
    /// bytes go out as they come), while watching Ctrl-C and the receiver, and sending the
    /// empty record the machine asks for after a silence, so that the receiver does not take
    /// the producer's silence for a dead sender.
    async fn read_stream<R: AsyncRead + Unpin>(
        &mut self,
        tx: &mut Sender,
        source: &mut R,
        buf: &mut [u8],
        reporter: &dyn Reporter,
    ) -> Result<StreamRead> {
        loop {
            if let Some(event) = self.inbox.next_event(tx, self.clock.now())? {
                return Ok(StreamRead::PeerStopped(event));
            }
            // `read` on a tokio reader is cancel-safe: bytes are never lost to the other arms.
            let woke = tokio::select! {
                biased;
                _ = self.interrupt.wait() => return Ok(StreamRead::Interrupted),
                bytes = self.from_peer.recv() => StreamWake::Peer(bytes),
                n = source.read(buf) => {
                    return Ok(StreamRead::Data(n.map_err(|cause| TransferFailure::Local {
                        doing: "reading the source",
                        cause,
                    })?))
                }
                _ = self.clock.sleep_until(tx.poll_timeout()) => StreamWake::Timer,
            };
            match woke {
                StreamWake::Peer(Some(bytes)) => self.inbox.push(&bytes)?,
                StreamWake::Peer(None) => return Err(TransferFailure::ClosedWhileSilent),
                StreamWake::Timer => {
                    if let Some(keepalive) = tx.handle_timeout(self.clock.now())? {
                        self.write_record(tx, &keepalive, reporter).await?;
                        self.flush(tx, "sending the body", reporter).await?;
                    }
                }
            }
        }
    }

    /// Ctrl-C between records: tell the receiver, report it, and stop.
    async fn cancel_here(&mut self, tx: &mut Sender, reporter: &dyn Reporter) -> TransferFailure {
        let frame = tx.cancel_frame("the sender interrupted the transfer");
        let _ = tokio::time::timeout(CANCEL_GRACE, send_and_close(&mut self.writer, &frame)).await;
        reporter.report(Event::Cancelled {
            transfer_id: self.tid.clone(),
            by: "local",
            reason: "interrupted".into(),
        });
        TransferFailure::Interrupted
    }

    /// Write one record (or an entry's header), or cancel cleanly on Ctrl-C, or give up on a
    /// receiver that stopped reading. The receiver's lines are read meanwhile (kept in the
    /// inbox), so that a receiver blocked writing its `OK`s never blocks this write.
    async fn write_record(
        &mut self,
        tx: &mut Sender,
        bytes: &[u8],
        reporter: &dyn Reporter,
    ) -> Result<()> {
        self.guarded_write(tx, Some(bytes), "sending the body", reporter)
            .await
    }

    /// Write `bytes` (or, with `None`, flush what is buffered) under the machine's write
    /// deadline, watching Ctrl-C and reading the receiver's lines meanwhile.
    async fn guarded_write(
        &mut self,
        tx: &mut Sender,
        bytes: Option<&[u8]>,
        doing: &'static str,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        tx.note_writing(self.clock.now());
        let clock = self.clock;
        let writer = &mut self.writer;
        let write = async move {
            match bytes {
                Some(bytes) => writer.write_all(bytes).await,
                None => writer.flush().await,
            }
        };
        tokio::pin!(write);
        let mut peer_open = true;
        let outcome = loop {
            tokio::select! {
                biased;
                _ = self.interrupt.wait() => break WriteOutcome::Interrupted,
                result = &mut write => break WriteOutcome::Written(result),
                bytes = self.from_peer.recv(), if peer_open => match bytes {
                    Some(bytes) => self.inbox.push(&bytes)?,
                    None => peer_open = false,
                },
                _ = clock.sleep_until(tx.poll_timeout()) => {
                    if let Err(err) = tx.handle_timeout(clock.now()) {
                        break WriteOutcome::Stalled(err);
                    }
                }
            }
        };
        match outcome {
            WriteOutcome::Written(Ok(())) => {
                tx.handle_written(clock.now());
                Ok(())
            }
            WriteOutcome::Written(Err(err)) => {
                if crate::net::tls::refused_by_verifier(&err) {
                    return Err(TransferFailure::refused_in_tls());
                }
                // The receiver may have said why it stopped (CANCEL, ERR) before closing.
                match self.why_stopped(tx, reporter).await {
                    Some(why) => Err(why),
                    None => Err(TransferFailure::connection(doing, err)),
                }
            }
            WriteOutcome::Interrupted => {
                // Finish the record if the peer lets us, so the cancel is read as one.
                if tokio::time::timeout(CANCEL_GRACE, &mut write).await.is_ok() {
                    let frame = tx.cancel_frame("the sender interrupted the transfer");
                    let _ = tokio::time::timeout(
                        CANCEL_GRACE,
                        send_and_close(&mut self.writer, &frame),
                    )
                    .await;
                }
                reporter.report(Event::Cancelled {
                    transfer_id: self.tid.clone(),
                    by: "local",
                    reason: "interrupted".into(),
                });
                Err(TransferFailure::Interrupted)
            }
            WriteOutcome::Stalled(err) => Err(err.into()),
        }
    }

    /// After a failed write: what the receiver said before it closed (`CANCEL`, `ERR`), read
    /// for at most [`CANCEL_GRACE`], as the error to report; confirmations on the way are
    /// recorded as usual.
    async fn why_stopped(
        &mut self,
        tx: &mut Sender,
        reporter: &dyn Reporter,
    ) -> Option<TransferFailure> {
        let deadline = tokio::time::Instant::now() + CANCEL_GRACE;
        loop {
            match self.inbox.next_event(tx, self.clock.now()) {
                Ok(Some(event)) => match self.on_event(event, reporter) {
                    Some(event) => return peer_stopped::<()>(event, &self.tid, reporter).err(),
                    None => continue,
                },
                Ok(None) => {}
                Err(_) => return None,
            }
            match tokio::time::timeout_at(deadline, self.from_peer.recv()).await {
                Ok(Some(bytes)) => self.inbox.push(&bytes).ok()?,
                _ => return None,
            }
        }
    }

    /// Sleep as long as `--limit-rate` asks.
    async fn pace(&mut self, tx: &Sender) {
        let Some(rate) = self.limit_rate else {
            return;
        };
        let due = Duration::from_secs_f64(tx.written() as f64 / rate.max(1) as f64);
        if let Some(wait) = due.checked_sub(self.started.elapsed()) {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.interrupt.wait() => {}
            }
        }
    }

    /// Wait for the receiver's next event (complete line), as long as the machine allows
    /// (`GO`, or `OK`).
    async fn next_event(
        &mut self,
        tx: &mut Sender,
        waiting_for: &'static str,
    ) -> Result<SenderEvent> {
        loop {
            if let Some(event) = self.inbox.next_event(tx, self.clock.now())? {
                return Ok(event);
            }
            let bytes = tokio::select! {
                bytes = self.from_peer.recv() => bytes,
                _ = self.interrupt.wait() => return Err(TransferFailure::Interrupted),
                _ = self.clock.sleep_until(tx.poll_timeout()) => {
                    // Waiting for a line, no keepalive is due: only the timeout comes out.
                    let keepalive = tx.handle_timeout(self.clock.now())?;
                    debug_assert!(keepalive.is_none(), "a keepalive due while awaiting a line");
                    continue;
                }
            };
            let Some(bytes) = bytes else {
                if self
                    .refused_in_tls
                    .load(std::sync::atomic::Ordering::Relaxed)
                {
                    return Err(TransferFailure::refused_in_tls());
                }
                return Err(TransferFailure::ClosedBeforeAnswer { waiting_for });
            };
            self.inbox.push(&bytes)?;
        }
    }
}

/// Records of a file read (and hashed) ahead of the one being written: with the one being
/// read and the one being written, four buffers of [`SEND_RECORD_BYTES`] (1 MiB) per transfer.
const READ_AHEAD_RECORDS: usize = 2;

/// Reads files' bodies on one blocking thread, one after the other, and hashes them there,
/// handing the records to the writing task through a bounded channel, each file's followed by
/// its hash ([`ReadItem::End`]); the buffers come back to be filled again, so memory stays at
/// [`READ_AHEAD_RECORDS`] + 2 buffers whatever the size or the number of files, and the reading
/// runs on across a file's end into the next (a set of 1 MiB files does not drain the pipeline
/// at each). Each buffer holds 5 bytes of room for the frame header before the data, so a
/// record goes out without another copy.
struct FileReader {
    items: mpsc::Receiver<ReadItem>,
    recycle: std::sync::mpsc::Sender<Vec<u8>>,
}

/// What the reading thread hands over, in order.
enum ReadItem {
    /// A buffer and how many bytes of data it holds (after its 5 bytes of room).
    Chunk(Vec<u8>, usize),
    /// The current file is read (to its declared size, or to its end if shorter): the hash of
    /// what was read (boxed: a hash state is many times a chunk's size, and comes once a
    /// file), or why reading failed.
    End(Result<Box<Sha3_256>>),
}

/// One file for the reading thread: where it is, how many bytes to read, and the hash state
/// to continue from (a resumed prefix's, or empty).
struct ReadJob {
    source: ReadSource,
    left: u64,
    hasher: Sha3_256,
}

enum ReadSource {
    Open(std::fs::File),
    Path(PathBuf),
}

impl ReadJob {
    fn open(file: std::fs::File, left: u64, hasher: Sha3_256) -> ReadJob {
        ReadJob {
            source: ReadSource::Open(file),
            left,
            hasher,
        }
    }

    /// A file of a set: opened by the reading thread when its turn comes, read from the start.
    fn path(path: PathBuf, size: u64) -> ReadJob {
        ReadJob {
            source: ReadSource::Path(path),
            left: size,
            hasher: Sha3_256::new(),
        }
    }
}

impl FileReader {
    fn start(jobs: Vec<ReadJob>, record: usize) -> Self {
        let (to_writer, items) = mpsc::channel(READ_AHEAD_RECORDS);
        let (recycle, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        tokio::task::spawn_blocking(move || {
            for job in jobs {
                let hashed = read_job(job, record, &recycled, &to_writer).map(Box::new);
                let failed = hashed.is_err();
                // Gone: the writing task stopped, and it says why.
                if to_writer.blocking_send(ReadItem::End(hashed)).is_err() || failed {
                    return;
                }
            }
        });
        FileReader { items, recycle }
    }
}

/// Read and hash one file of a [`FileReader`], handing its records over: its hash, or why
/// reading failed (also when the writing task is gone: nothing is waiting for it then).
fn read_job(
    job: ReadJob,
    record: usize,
    recycled: &std::sync::mpsc::Receiver<Vec<u8>>,
    to_writer: &mpsc::Sender<ReadItem>,
) -> Result<Sha3_256> {
    let ReadJob {
        source,
        mut left,
        mut hasher,
    } = job;
    let (mut file, path) = match source {
        ReadSource::Open(file) => (file, None),
        ReadSource::Path(path) => (
            std::fs::File::open(&path)
                .map_err(|cause| TransferFailure::file("opening", &path, cause))?,
            Some(path),
        ),
    };
    while left > 0 {
        let mut buf = recycled
            .try_recv()
            .unwrap_or_else(|_| vec![0u8; 5 + record]);
        let want = left.min(record as u64) as usize;
        let n = read_full(&mut file, &mut buf[5..5 + want]).map_err(|cause| match &path {
            Some(path) => TransferFailure::file("reading", path, cause),
            None => TransferFailure::Local {
                doing: "reading the source",
                cause,
            },
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[5..5 + n]);
        left -= n as u64;
        if to_writer.blocking_send(ReadItem::Chunk(buf, n)).is_err() {
            return Err(TransferFailure::Internal("the writing task stopped"));
        }
        if n < want {
            break;
        }
    }
    Ok(hasher)
}

/// Read until `buf` is full or the file ends (blocking).
fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Small files of a set read ahead of the one being sent.
const READ_AHEAD_FILES: usize = 8;

/// Whether `entry` is a file read whole at once (read ahead): one record's worth at most.
fn is_small(entry: &SetEntry) -> bool {
    entry.source.is_some() && entry.size <= SEND_RECORD_BYTES as u64
}

/// Start reading a small file of a set whole (its declared size at most: like a file read
/// record by record, what it grew by is not read; shorter, it is caught as shrunk).
fn read_small(entry: &SetEntry) -> Option<tokio::task::JoinHandle<Result<Vec<u8>>>> {
    let path = entry.source.clone().filter(|_| is_small(entry))?;
    let size = entry.size;
    Some(tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let file = std::fs::File::open(&path)
            .map_err(|cause| TransferFailure::file("opening", &path, cause))?;
        let mut data = Vec::with_capacity(size as usize);
        file.take(size)
            .read_to_end(&mut data)
            .map_err(|cause| TransferFailure::file("reading", &path, cause))?;
        Ok(data)
    }))
}

/// The receiver's bytes not yet given to the sender machine: at most [`MAX_INBOX_BYTES`] unread.
#[derive(Default)]
struct Inbox {
    bytes: Vec<u8>,
    /// How many of `bytes` the machine used already (dropped at the next push, so that taking
    /// a thousand `OK`s one by one does not move the rest each time).
    read: usize,
}

impl Inbox {
    fn push(&mut self, bytes: &[u8]) -> Result<()> {
        self.bytes.drain(..self.read);
        self.read = 0;
        if self.bytes.len() + bytes.len() > MAX_INBOX_BYTES {
            return Err(TransferFailure::Flooded {
                limit: MAX_INBOX_BYTES,
            });
        }
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    /// The next event in the unread bytes, if complete (a partial line is kept in the machine).
    fn next_event(&mut self, tx: &mut Sender, now: u64) -> Result<Option<SenderEvent>> {
        while self.read < self.bytes.len() {
            let (used, event) = tx.handle_read(&self.bytes[self.read..], now)?;
            self.read += used;
            if event.is_some() {
                return Ok(event);
            }
        }
        Ok(None)
    }
}

/// What one read from a stream gave.
enum StreamRead {
    /// Bytes of input (0: the input ended).
    Data(usize),
    PeerStopped(SenderEvent),
    Interrupted,
}

/// Why a wait for stream input woke up without input.
enum StreamWake {
    Peer(Option<Vec<u8>>),
    /// The machine's deadline: a keepalive may be due.
    Timer,
}

enum WriteOutcome {
    Written(std::io::Result<()>),
    Interrupted,
    Stalled(TransferError),
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

/// Read until `buf` is full or the file ends.
async fn read_some<R: AsyncRead + Unpin>(file: &mut R, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = file
            .read(&mut buf[filled..])
            .await
            .map_err(|cause| TransferFailure::Local {
                doing: "reading the source",
                cause,
            })?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

fn peer_stopped<T>(event: SenderEvent, tid: &str, reporter: &dyn Reporter) -> Result<T> {
    match event {
        SenderEvent::Cancelled(reason) => {
            reporter.report(Event::Cancelled {
                transfer_id: tid.to_string(),
                by: "peer",
                reason: reason.clone(),
            });
            Err(TransferFailure::PeerCancelled(reason))
        }
        SenderEvent::ReceiverFailed(reason) => Err(TransferFailure::ReceiverFailed(reason)),
        other => Err(TransferFailure::UnexpectedMessage(format!("{other:?}"))),
    }
}

/// An offer as the receiving side sees it, for the decision.
#[derive(Debug, Clone)]
pub struct IncomingOffer {
    pub header: Header,
    /// The name it will be saved under (before collision numbering).
    pub safe_name: String,
    pub peer: PeerIdentity,
}

/// The receiving side's answer to an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    /// Accept and save under this name (made safe like any offered name).
    AcceptAs(String),
    /// Accept and save under this name into this directory instead of the receiver's own (a
    /// file handed-over `ferry rerequest` waits for goes back where it was kept).
    AcceptInto {
        dir: PathBuf,
        name: String,
    },
    Refuse(String),
}

/// Decides on offers: `--yes`, `--from`, a terminal prompt. Async so a person can take time.
pub type Decide =
    Arc<dyn Fn(IncomingOffer) -> Pin<Box<dyn Future<Output = Decision> + Send>> + Send + Sync>;

/// How a received transfer ended, when it did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Kept {
        path: PathBuf,
        digest: Digest,
        /// Bytes kept (all files of a set).
        size: u64,
        header: Box<Header>,
    },
    /// A text (`send --text`), verified and shown (never written to disk).
    Text {
        text: String,
        digest: Digest,
        header: Box<Header>,
    },
    RefusedHere(String),
    /// The sender took its offer back (or left) before it was decided.
    Withdrawn(String),
}

/// Receive one offer on `stream` into `dir`, or to standard output when `dir` is `None`
/// (the bytes then reach stdout before the digest is checked; a mismatch is still an error).
pub async fn receive<S>(
    mut stream: S,
    peer: PeerIdentity,
    dir: Option<&Path>,
    decide: Decide,
    reporter: &dyn Reporter,
    mut interrupt: Interrupt,
) -> Result<Received>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let clock = Clock::start();
    let mut rx = Receiver::new(clock.now());
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let header = loop {
        let n = tokio::select! {
            n = stream.read(&mut buf) => n.map_err(|e| TransferFailure::connection("reading the header", e))?,
            _ = clock.sleep_until(rx.poll_timeout()) => {
                rx.handle_timeout(clock.now())?;
                continue;
            }
            _ = interrupt.wait() => return Err(TransferFailure::Interrupted),
        };
        if n == 0 {
            rx.handle_eof()?;
        }
        let (used, event) = rx.handle_read(&buf[..n], clock.now())?;
        if let Some(ReceiverEvent::Offer(header)) = event {
            if used < n {
                return Err(TransferError::DataBeforeAccept.into());
            }
            break header;
        }
        if used < n {
            // The header machine takes everything it is given until the header ends.
            return Err(TransferFailure::Internal("the header parser stopped early"));
        }
    };
    let tid = header.transfer_id.clone();
    log_ignored(&header);
    let mut safe = sanitise(&header.name);
    reporter.report(Event::Offer {
        transfer_id: tid.clone(),
        name: safe.name.clone(),
        size: header.size,
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
        offered_name: safe.changed.then(|| header.name.clone()),
    });
    let set = header.entries.is_some();
    let decision = if header.offset != 0 {
        Decision::Refuse(
            "this receiver does not start files in the middle (Offset must be 0)".into(),
        )
    } else if set && dir.is_none() && !header.text {
        Decision::Refuse("a set of files cannot be written to standard output".into())
    } else {
        let offer = IncomingOffer {
            header: header.clone(),
            safe_name: safe.name.clone(),
            peer,
        };
        tokio::select! {
            d = decide(offer) => d,
            _ = interrupt.wait() => Decision::Refuse("the receiver is shutting down".into()),
            why = offer_withdrawn(&mut stream, &mut rx, &mut buf, clock) => {
                // The question (a prompt, a pending offer) goes away with the decision's
                // future; say why.
                reporter.report(Event::Cancelled {
                    transfer_id: tid,
                    by: "peer",
                    reason: why.clone(),
                });
                return Ok(Received::Withdrawn(why));
            }
        }
    };
    let dir = match &decision {
        Decision::AcceptAs(name) => {
            safe = sanitise(name);
            dir.map(Path::to_path_buf)
        }
        Decision::AcceptInto { dir, name } => {
            safe = sanitise(name);
            Some(dir.clone())
        }
        _ => dir.map(Path::to_path_buf),
    };
    let dir = dir.as_deref();
    if let Decision::Refuse(reason) = decision {
        last_word(&mut stream, &rx.refuse(&reason)?).await;
        reporter.report(Event::Refused {
            transfer_id: tid,
            reason: reason.clone(),
        });
        return Ok(Received::RefusedHere(reason));
    }

    let prepared = match dir {
        _ if header.text => Ok((
            Sink::Text(Vec::with_capacity(header.size.unwrap_or(0) as usize)),
            rx.accept(clock.now()),
        )),
        Some(dir) if set => Parts::open(dir)
            .and_then(|parts| PartDir::create(&parts))
            .and_then(|part| SetSink::new(part, &header))
            .map(|set| (Sink::Set(Box::new(set)), rx.accept(clock.now())))
            .map_err(TransferFailure::Disk),
        Some(dir) => prepare_file(dir, &peer, &header, &mut rx, clock).await,
        None => PartFile::stdout()
            .map(|file| (Sink::File(Target::Ready(file)), rx.accept(clock.now())))
            .map_err(TransferFailure::Disk),
    };
    let mut sink = match prepared {
        Ok((sink, go)) => {
            stream
                .write_all(&go?)
                .await
                .map_err(TransferFailure::ConnectionIo)?;
            stream
                .flush()
                .await
                .map_err(TransferFailure::ConnectionIo)?;
            sink
        }
        Err(err) => {
            last_word(
                &mut stream,
                &rx.refuse("the receiver cannot write the file")?,
            )
            .await;
            return Err(err);
        }
    };
    reporter.report(Event::Accepted {
        transfer_id: tid.clone(),
    });

    let started = Instant::now();
    let body = BodyContext {
        buf: &mut buf,
        tid: &tid,
        reporter,
        interrupt: &mut interrupt,
        clock,
    };
    let result = receive_body(&mut stream, &mut rx, &mut sink, body).await;
    let end = match result {
        Ok(end) => end,
        Err(BodyError::Protocol(err)) => {
            last_word(&mut stream, &rx.fail(&err.to_string())).await;
            return Err(err.into());
        }
        Err(BodyError::Local(err)) => {
            // ERR (not CANCEL): the receiver could not keep the file, an error (exit 2).
            last_word(&mut stream, &rx.fail(&format!("{err:#}"))).await;
            return Err(err);
        }
        Err(BodyError::Connection(err)) => {
            sink.keep_for_resume().await;
            return Err(err);
        }
    };
    let (size, _) = sink.progress(&rx);
    match end {
        BodyEnd::Finished { digest, confirm } if header.text => {
            let Sink::Text(bytes) = sink else {
                return Err(TransferFailure::Internal("a text arrived in a file's sink"));
            };
            let Ok(text) = String::from_utf8(bytes) else {
                let err = TransferFailure::TextNotUtf8;
                last_word(&mut stream, &rx.fail(&err.to_string())).await;
                return Err(err);
            };
            last_word(&mut stream, &rx.confirm(&confirm)).await;
            reporter.report(Event::Text {
                transfer_id: tid.clone(),
                text: text.clone(),
            });
            reporter.report(Event::Done {
                transfer_id: tid,
                name: safe.name,
                size,
                sha3_256: hex::encode(digest),
                path: None,
                seconds: started.elapsed().as_secs_f64(),
                bytes_sent: None,
            });
            Ok(Received::Text {
                text,
                digest,
                header: Box::new(header),
            })
        }
        BodyEnd::Finished { digest, confirm } => {
            // A set's `OK`s still waiting for their files go out before the last one.
            let mut verdict = Vec::new();
            let kept = match sink {
                Sink::File(Target::Ready(file)) => {
                    let hints = Hints::of(&header);
                    file.keep(dir.unwrap_or(Path::new(".")), &safe.name, hints)
                        .await
                        .map_err(TransferFailure::Disk)
                }
                Sink::File(_) | Sink::Text(_) => {
                    Err(TransferFailure::Internal("the body never started"))
                }
                Sink::Set(mut set) => {
                    verdict = set.take_pending_oks();
                    set.keep(dir.unwrap_or(Path::new(".")), &safe.name, &tid, reporter)
                        .await
                }
            };
            match kept {
                Ok(path) => {
                    verdict.extend(rx.confirm(&confirm));
                    last_word(&mut stream, &verdict).await;
                    reporter.report(Event::Done {
                        transfer_id: tid,
                        name: safe.name,
                        size,
                        sha3_256: hex::encode(digest),
                        path: Some(path.display().to_string()),
                        seconds: started.elapsed().as_secs_f64(),
                        bytes_sent: None,
                    });
                    Ok(Received::Kept {
                        path,
                        digest,
                        size,
                        header: Box::new(header),
                    })
                }
                Err(err) => {
                    last_word(&mut stream, &rx.fail(&format!("{err:#}"))).await;
                    Err(err)
                }
            }
        }
        BodyEnd::Cancelled(reason) => {
            sink.keep_for_resume().await;
            reporter.report(Event::Cancelled {
                transfer_id: tid,
                by: "peer",
                reason: reason.clone(),
            });
            Err(TransferFailure::PeerCancelled(reason))
        }
        BodyEnd::Interrupted => {
            sink.keep_for_resume().await;
            last_word(
                &mut stream,
                &rx.cancel("the receiver interrupted the transfer"),
            )
            .await;
            reporter.report(Event::Cancelled {
                transfer_id: tid,
                by: "local",
                reason: "interrupted".into(),
            });
            Err(TransferFailure::Interrupted)
        }
    }
}

/// Resolves when the sender takes its offer back while the receiver decides: its `C` record,
/// the connection closing, or a byte it must not send yet. Reading here is cancel-safe: when the
/// decision comes first, nothing read is lost (nothing may arrive before the answer anyway).
async fn offer_withdrawn<S: AsyncRead + Unpin>(
    stream: &mut S,
    rx: &mut Receiver,
    buf: &mut [u8],
    clock: Clock,
) -> String {
    loop {
        let n = match stream.read(buf).await {
            Ok(0) | Err(_) => return "the sender left before the offer was decided".into(),
            Ok(n) => n,
        };
        let mut input = &buf[..n];
        while !input.is_empty() {
            match rx.handle_read(input, clock.now()) {
                Ok((_, Some(ReceiverEvent::Cancelled(reason)))) if reason.is_empty() => {
                    return "the sender withdrew its offer".into()
                }
                Ok((_, Some(ReceiverEvent::Cancelled(reason)))) => {
                    return format!("the sender withdrew its offer: {reason}")
                }
                Ok((used, None)) if used > 0 => input = &input[used..],
                Ok(_) => return "the sender sent something unexpected before the answer".into(),
                Err(err) => {
                    return format!("the sender broke the protocol before the answer: {err}")
                }
            }
        }
    }
}

/// The part file for a single file: for a known size, a resumable one keyed by the sender's
/// account, the offered name and size (so a later offer of the same file finds what an
/// interrupted one left); a fresh one-shot one for a stream, when another transfer holds that
/// key (a second sending of the same file: it is served, it only does not resume), or when
/// what is found under the key must not be trusted (logged).
async fn prepare_file(
    dir: &Path,
    peer: &PeerIdentity,
    header: &Header,
    rx: &mut Receiver,
    clock: Clock,
) -> Result<(Sink, Result<Vec<u8>, TransferError>)> {
    let parts = Parts::open(dir)?;
    let once = |rx: &mut Receiver| -> Result<(Sink, Result<Vec<u8>, TransferError>)> {
        Ok((
            Sink::File(Target::Ready(PartFile::create_once(&parts)?)),
            rx.accept(clock.now()),
        ))
    };
    let Some(size) = header.size else {
        return once(rx);
    };
    let key = resume_key(&peer.account.to_string(), &header.name, size);
    let opened = {
        let parts = parts.clone();
        tokio::task::spawn_blocking(move || Resumable::open(&parts, &key, size))
            .await
            .map_err(|e| TransferFailure::task("opening the part file", e))??
    };
    match opened {
        Opened::Ready(resumable) if resumable.have > 0 => {
            let go = rx.accept_resume(resumable.have, resumable.prefix.clone(), clock.now());
            Ok((Sink::File(Target::AwaitStart(resumable)), go))
        }
        Opened::Ready(resumable) => Ok((
            Sink::File(Target::Ready(PartFile::resume(*resumable, 0)?)),
            rx.accept(clock.now()),
        )),
        Opened::Busy => once(rx),
        Opened::Unusable(why) => {
            tracing::warn!(
                "not resuming {:?} from {}: its part file is unusable ({why}); starting afresh",
                header.name,
                peer.account
            );
            once(rx)
        }
    }
}

enum BodyEnd {
    /// Verified: `digest` stands for what was kept (the file's, or a set's [`set_digest`]);
    /// `confirm` is what the sender checks in the final `OK` (the last body's own digest: for
    /// a set, that of its last entry, as every entry is confirmed on its own).
    Finished {
        digest: Digest,
        confirm: Digest,
    },
    Cancelled(String),
    Interrupted,
}

enum BodyError {
    /// The peer broke the protocol (reported to it as `ERR`).
    Protocol(TransferError),
    /// Something failed here, such as the disk (reported as `CANCEL`).
    Local(TransferFailure),
    /// The connection broke or went silent: nobody to tell.
    Connection(TransferFailure),
}

impl BodyError {
    /// A failure of this side: the disk's, or the receiver's own.
    fn local(err: impl Into<TransferFailure>) -> BodyError {
        BodyError::Local(err.into())
    }
}

impl From<TransferError> for BodyError {
    fn from(err: TransferError) -> Self {
        BodyError::Protocol(err)
    }
}

/// Where the bodies of an accepted offer go.
enum Sink {
    File(Target),
    Set(Box<SetSink>),
    /// A text (`Ferry-Text`), held in memory: the header bounds it to `MAX_TEXT_BYTES` and
    /// the receiver machine refuses a body longer than declared.
    Text(Vec<u8>),
}

/// A single file's destination: ready, or waiting for the sender's answer to a resume offer.
enum Target {
    Ready(PartFile),
    AwaitStart(Box<Resumable>),
    /// Only while switching from waiting to ready.
    Gone,
}

/// What a sink asks of the body loop after an event.
enum Step {
    Continue,
    End(BodyEnd),
}

impl Sink {
    async fn on(&mut self, rx: &Receiver, event: ReceiverEvent<'_>) -> Result<Step, BodyError> {
        match (self, event) {
            (_, ReceiverEvent::Cancelled(reason)) => Ok(Step::End(BodyEnd::Cancelled(reason))),
            (Sink::File(target), ReceiverEvent::Start(start)) => {
                if let Target::AwaitStart(resumable) = std::mem::replace(target, Target::Gone) {
                    let file = PartFile::resume(*resumable, start).map_err(BodyError::local)?;
                    *target = Target::Ready(file);
                }
                Ok(Step::Continue)
            }
            (Sink::File(Target::Ready(file)), ReceiverEvent::Data(data)) => {
                file.write(data).await.map_err(BodyError::local)?;
                Ok(Step::Continue)
            }
            (Sink::File(_), ReceiverEvent::Finished(digest)) => Ok(Step::End(BodyEnd::Finished {
                digest,
                confirm: digest,
            })),
            (Sink::Set(set), event) => set.on(rx, event).await,
            (Sink::Text(text), ReceiverEvent::Data(data)) => {
                text.extend_from_slice(data);
                Ok(Step::Continue)
            }
            (Sink::Text(_), ReceiverEvent::Finished(digest)) => Ok(Step::End(BodyEnd::Finished {
                digest,
                confirm: digest,
            })),
            (Sink::File(_) | Sink::Text(_), _) => Ok(Step::Continue),
        }
    }

    /// Add to `out` the `OK`s of a set's entries whose files are written by now; a file that
    /// could not be written is the set's error.
    fn ready_replies(&mut self, out: &mut Vec<u8>) -> Result<(), BodyError> {
        match self {
            Sink::Set(set) => set.ready_oks(out).map_err(BodyError::Local),
            Sink::File(_) | Sink::Text(_) => Ok(()),
        }
    }

    /// [`Sink::ready_replies`] once every file handed over so far is written.
    async fn settle_replies(&mut self, out: &mut Vec<u8>) -> Result<(), BodyError> {
        if let Sink::Set(set) = self {
            set.writer.settle().await.map_err(BodyError::local)?;
        }
        self.ready_replies(out)
    }

    /// What signals that `OK`s may have become ready (a set's disk thread wrote a file, or
    /// failed), when some are waiting.
    fn progress_signal(&self) -> Option<Arc<tokio::sync::Notify>> {
        match self {
            Sink::Set(set) if !set.pending_oks.is_empty() => Some(set.writer.progress_signal()),
            _ => None,
        }
    }

    /// Bytes received of the whole offer, and its declared total.
    /// A transfer that stopped early (broken connection, Ctrl-C on either side): keep what
    /// arrived of a resumable file, so the next offer of the same file resumes there.
    async fn keep_for_resume(self) {
        if let Sink::File(Target::Ready(file)) = self {
            file.preserve_if_resumable().await;
        }
    }

    fn progress(&self, rx: &Receiver) -> (u64, Option<u64>) {
        match self {
            Sink::File(_) | Sink::Text(_) => (rx.received(), rx.declared()),
            Sink::Set(set) => {
                let current = if set.current.is_some() {
                    rx.received()
                } else {
                    0
                };
                (set.done_bytes + current, Some(set.total))
            }
        }
    }
}

/// A set being received into its temporary directory.
struct SetSink {
    /// Writes the files (declared before `part`: dropped, and so finished, before it).
    writer: SetWriter,
    part: PartDir,
    total: u64,
    entries: u64,
    done_bytes: u64,
    /// The entry being received: offered path, safe components, whether it is a file (a
    /// directory has no body), what the sender said of its mode and time.
    current: Option<(String, Vec<String>, bool, Hints)>,
    /// Directories with a modification time to set once their contents are in place: safe
    /// components, time.
    dir_times: Vec<(Vec<String>, Mtime)>,
    /// Verified files: offered path, safe components, size, digest.
    files: Vec<(String, Vec<String>, u64, Digest)>,
    /// Top-level names in order of arrival.
    top: Vec<String>,
    /// The same, to look them up (a peer may send many).
    top_seen: std::collections::HashSet<String>,
    /// Directories already made for files (most files share theirs with the one before).
    made_dirs: std::collections::HashSet<PathBuf>,
    /// Files handed to the writer so far.
    files_queued: u64,
    /// The `OK`s of verified entries, each sent once the writer has written the first `.0`
    /// files (all of the set's files up to that entry).
    pending_oks: std::collections::VecDeque<(u64, Vec<u8>)>,
}

impl SetSink {
    fn new(part: PartDir, header: &Header) -> Result<SetSink, PartError> {
        Ok(SetSink {
            writer: SetWriter::start()?,
            part,
            total: header.size.unwrap_or(0),
            entries: header.entries.unwrap_or(0),
            done_bytes: 0,
            current: None,
            files: Vec::new(),
            dir_times: Vec::new(),
            top: Vec::new(),
            top_seen: Default::default(),
            made_dirs: Default::default(),
            files_queued: 0,
            pending_oks: Default::default(),
        })
    }

    async fn on(&mut self, rx: &Receiver, event: ReceiverEvent<'_>) -> Result<Step, BodyError> {
        match event {
            ReceiverEvent::Entry(entry) => {
                log_ignored(&entry);
                let parts = sanitise_relative(&entry.name).map_err(|why| {
                    BodyError::Protocol(TransferError::InvalidEntry {
                        name: entry.name.chars().take(80).collect(),
                        why: path_refusal(&why),
                    })
                })?;
                let target = parts.iter().fold(self.part.path.clone(), |p, c| p.join(c));
                if self.top_seen.insert(parts[0].clone()) {
                    self.top.push(parts[0].clone());
                }
                // Directories here, files on the writer's thread: a file's directory is
                // always made before the file is queued.
                let file = match entry.kind {
                    EntryKind::Directory => {
                        std::fs::create_dir_all(&target).map_err(|cause| {
                            BodyError::Local(TransferFailure::file("creating", &target, cause))
                        })?;
                        if let Some(mtime) = entry.mtime {
                            self.dir_times.push((parts.clone(), mtime));
                        }
                        false
                    }
                    EntryKind::File => {
                        if let Some(parent) = target.parent() {
                            if !self.made_dirs.contains(parent) {
                                std::fs::create_dir_all(parent).map_err(|cause| {
                                    BodyError::Local(TransferFailure::file(
                                        "creating", parent, cause,
                                    ))
                                })?;
                                self.made_dirs.insert(parent.to_path_buf());
                            }
                        }
                        self.writer.create(target).await.map_err(BodyError::local)?;
                        true
                    }
                };
                let hints = Hints::of(&entry);
                self.current = Some((entry.name, parts, file, hints));
                Ok(Step::Continue)
            }
            ReceiverEvent::Data(data) => match &mut self.current {
                Some((_, _, true, _)) => {
                    self.writer.write(data).await.map_err(BodyError::local)?;
                    Ok(Step::Continue)
                }
                _ => Err(BodyError::Local(TransferFailure::Internal(
                    "data for no file",
                ))),
            },
            ReceiverEvent::Finished(digest) => {
                let Some((offered, parts, file, hints)) = self.current.take() else {
                    return Err(BodyError::Local(TransferFailure::Internal(
                        "an entry ended that never began",
                    )));
                };
                let size = rx.received();
                self.done_bytes += size;
                self.entries -= 1;
                if file {
                    self.writer.close(hints).await.map_err(BodyError::local)?;
                    self.files.push((offered, parts, size, digest));
                    self.files_queued += 1;
                }
                // A file the disk failed on earlier stops the set here.
                self.writer.check().map_err(BodyError::local)?;
                if self.entries == 0 {
                    let listed: Vec<_> = self.files.iter().map(|f| (f.0.clone(), f.3)).collect();
                    return Ok(Step::End(BodyEnd::Finished {
                        digest: set_digest(&listed),
                        confirm: digest,
                    }));
                }
                // Its `OK` goes out once its file (and every one before) is written.
                self.pending_oks
                    .push_back((self.files_queued, rx.confirm(&digest)));
                Ok(Step::Continue)
            }
            _ => Ok(Step::Continue),
        }
    }

    /// Add to `out` the `OK`s whose files are written by now, in order.
    fn ready_oks(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.writer.check()?;
        let written = self.writer.written();
        while let Some((needed, ok)) = self.pending_oks.pop_front() {
            if needed > written {
                self.pending_oks.push_front((needed, ok));
                break;
            }
            out.extend_from_slice(&ok);
        }
        Ok(())
    }

    /// Every `OK` still waiting (to send once the whole set is written and kept).
    fn take_pending_oks(&mut self) -> Vec<u8> {
        self.pending_oks.drain(..).flat_map(|(_, ok)| ok).collect()
    }

    /// Wait for every file to be written, sync the set once, then move what arrived into
    /// `dir` (each top-level entry under a free name; `name` replaces the only one when there
    /// is just one) and report every file where it now is. Top-level names follow the rules
    /// of single files ([`sanitise`]: nothing hidden lands in `dir`); below them, a tree keeps
    /// its own names (`.gitignore` stays). Directories get their times last, where they now
    /// are (a move may touch one), deepest first.
    async fn keep(
        self,
        dir: &Path,
        name: &str,
        tid: &str,
        reporter: &dyn Reporter,
    ) -> Result<PathBuf> {
        self.writer.finish().await?;
        self.part.sync().await?;
        let mut placed = std::collections::HashMap::new();
        for top in &self.top {
            let wanted = if self.top.len() == 1 {
                name.to_string()
            } else {
                sanitise(top).name
            };
            let path = move_to_free_name(&self.part.path.join(top), dir, &wanted)?;
            placed.insert(top.clone(), path);
        }
        let place = |parts: &[String]| {
            parts[1..]
                .iter()
                .fold(placed[&parts[0]].clone(), |p, c| p.join(c))
        };
        let mut dir_times = self.dir_times.iter().collect::<Vec<_>>();
        dir_times.sort_by_key(|(parts, _)| std::cmp::Reverse(parts.len()));
        for (parts, mtime) in dir_times {
            if let Err(err) = set_dir_mtime(&place(parts), *mtime) {
                tracing::warn!("{err:#}");
            }
        }
        for (_, parts, size, digest) in &self.files {
            let path = place(parts);
            reporter.report(Event::Entry {
                transfer_id: tid.to_string(),
                path: path.display().to_string(),
                size: *size,
                sha3_256: hex::encode(digest),
            });
        }
        Ok(match self.top.as_slice() {
            [only] => placed[only].clone(),
            _ => dir.to_path_buf(),
        })
    }
}

/// Log the optional fields a header carried malformed (ignored, not fatal).
fn log_ignored(header: &Header) {
    for (field, value) in &header.ignored {
        tracing::debug!(
            "ignoring {field} {value:?} of {:?}: not a valid value",
            header.name
        );
    }
}

fn path_refusal(why: &PathRefused) -> &'static str {
    match why {
        PathRefused::Empty => "an empty path component",
        PathRefused::Absolute => "an absolute path",
        PathRefused::DotComponent => "`.` or `..` in the path",
        PathRefused::TooDeep => "too deep",
    }
}

/// What stays the same for the whole of a received body: the read buffer, whose transfer it is
/// and where its progress goes, Ctrl-C, and the machine's clock.
struct BodyContext<'a> {
    buf: &'a mut [u8],
    tid: &'a str,
    reporter: &'a dyn Reporter,
    interrupt: &'a mut Interrupt,
    clock: Clock,
}

async fn receive_body<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    rx: &mut Receiver,
    sink: &mut Sink,
    ctx: BodyContext<'_>,
) -> Result<BodyEnd, BodyError> {
    let BodyContext {
        buf,
        tid,
        reporter,
        interrupt,
        clock,
    } = ctx;
    let mut replies = Vec::new();
    // The `GO` is out: the sender's silence counts from here.
    rx.note_activity(clock.now());
    loop {
        // The `OK`s of a set's entries whose files are written by now, in one write (a file
        // that could not be written stops the set instead).
        sink.ready_replies(&mut replies)?;
        if !replies.is_empty() {
            // Under the machine's deadline: a sender that never reads them cannot hold this
            // side (blocked writing, not reading) forever.
            rx.note_replying(clock.now());
            let reply = async {
                stream.write_all(&replies).await?;
                stream.flush().await
            };
            tokio::pin!(reply);
            let written = loop {
                tokio::select! {
                    biased;
                    _ = interrupt.wait() => {
                        // Finish the line under way if the sender lets us, so that the
                        // cancel after it is read as one.
                        let _ = tokio::time::timeout(CANCEL_GRACE, &mut reply).await;
                        return Ok(BodyEnd::Interrupted);
                    }
                    written = &mut reply => break written,
                    _ = clock.sleep_until(rx.poll_timeout()) => {
                        rx.handle_timeout(clock.now())
                            .map_err(|err| BodyError::Connection(err.into()))?;
                    }
                }
            };
            written.map_err(|e| BodyError::Connection(TransferFailure::ConnectionIo(e)))?;
            rx.handle_replied(clock.now());
            replies.clear();
        }
        let signal = sink.progress_signal();
        let progressed = async move {
            match signal {
                Some(signal) => signal.notified().await,
                None => std::future::pending().await,
            }
        };
        let n = tokio::select! {
            biased;
            _ = interrupt.wait() => return Ok(BodyEnd::Interrupted),
            // More files written: more `OK`s to send, without waiting for the next read. A
            // sender whose window is full waits for them: its silence is ours, not its own.
            _ = progressed => {
                rx.note_activity(clock.now());
                continue;
            }
            n = stream.read(buf) => n.map_err(|e| BodyError::Connection(TransferFailure::connection(
                format!("the connection failed after {} bytes", rx.received()), e)))?,
            // Silent for longer than the machine allows (nobody to tell: the connection is as
            // good as broken, and a resumable prefix is kept).
            _ = clock.sleep_until(rx.poll_timeout()) => {
                rx.handle_timeout(clock.now())
                    .map_err(|err| BodyError::Connection(err.into()))?;
                continue;
            }
        };
        if n == 0 {
            // Nobody left to tell: a broken connection, whose resumable prefix is kept.
            rx.handle_eof()
                .map_err(|err| BodyError::Connection(err.into()))?;
            return Err(BodyError::Connection(TransferFailure::EndedEarly));
        }
        let handled = handle_input(rx, sink, &buf[..n], clock.now()).await;
        // Time spent waiting for this side's disk is not the sender's silence.
        rx.note_activity(clock.now());
        match handled {
            Ok(Some(end)) => return Ok(end),
            Ok(None) => {}
            Err(err) => {
                // Before the `ERR`: the `OK`s of the entries before, once their files are
                // written (none if the disk failed).
                if sink.settle_replies(&mut replies).await.is_ok() && !replies.is_empty() {
                    let _ = stream.write_all(&replies).await;
                }
                return Err(err);
            }
        }
        let (bytes, total) = sink.progress(rx);
        reporter.report(Event::Progress {
            transfer_id: tid.to_string(),
            bytes,
            total,
        });
    }
}

/// Give one read's bytes to the machine and the sink: the end of the body if it came.
async fn handle_input(
    rx: &mut Receiver,
    sink: &mut Sink,
    mut input: &[u8],
    now: u64,
) -> Result<Option<BodyEnd>, BodyError> {
    while !input.is_empty() {
        let (used, event) = rx.handle_read(input, now)?;
        input = &input[used..];
        let Some(event) = event else {
            continue;
        };
        match sink.on(rx, event).await? {
            Step::Continue => {}
            Step::End(BodyEnd::Finished { .. }) if !input.is_empty() => {
                return Err(TransferError::DataAfterEnd.into());
            }
            Step::End(end) => return Ok(Some(end)),
        }
    }
    Ok(None)
}
