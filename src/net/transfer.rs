//! Drives the transfer machines of `proto::transfer` over an established (TLS) stream, with the
//! file on one side and the disk on the other.
//!
//! The sender reads the file in [`SEND_RECORD_BYTES`] records, hashing as it goes (one pass), and
//! watches the receiver's lines while it writes, so a `CANCEL` stops it at once. The receiver
//! writes into a temporary file beside the destination (`.NAME.ID.ferry-part`), which is removed
//! on every failure path and linked under a free final name only after the SHA3-256 matched;
//! an existing file is never replaced.

use crate::events::{Event, Reporter};
use crate::identity::PeerIdentity;
use crate::net::Interrupt;
use crate::outcome::Stop;
use crate::proto::name::{numbered, sanitise};
use crate::proto::transfer::{
    Digest, Header, Receiver, ReceiverEvent, Sender, SenderEvent, TransferError, SEND_RECORD_BYTES,
};
use anyhow::{anyhow, bail, Context, Result};
use std::future::Future;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// How long a receiver may take to send the header once connected.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a sender waits for `GO`: a person may be deciding.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(600);
/// Longest silence accepted in the middle of a body, either way.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the sender waits for the receiver's verdict after the last byte (it syncs to disk).
pub const VERDICT_TIMEOUT: Duration = Duration::from_secs(120);
/// Time allowed to tell the peer about a cancel before closing anyway.
const CANCEL_GRACE: Duration = Duration::from_secs(2);
/// Size of the receiver's read buffer and disk write buffer.
const READ_BUFFER_BYTES: usize = 256 * 1024;
const WRITE_BUFFER_BYTES: usize = 1024 * 1024;
/// Highest `name (n).ext` tried before giving up.
const MAX_NAME_ATTEMPTS: u32 = 10_000;

/// What to send.
pub struct Outgoing {
    pub path: PathBuf,
    pub name: String,
    pub transfer_id: String,
    /// Bytes per second, for sharing a slow link.
    pub limit_rate: Option<u64>,
}

/// Send one file over `stream` and return its digest once the receiver confirmed it.
pub async fn send<S>(
    stream: S,
    outgoing: &Outgoing,
    peer: &PeerIdentity,
    reporter: &dyn Reporter,
    mut interrupt: Interrupt,
) -> Result<Digest>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut file = tokio::fs::File::open(&outgoing.path)
        .await
        .with_context(|| format!("opening {}", outgoing.path.display()))?;
    let meta = file.metadata().await?;
    if !meta.is_file() {
        bail!("{} is not a regular file", outgoing.path.display());
    }
    let header = Header {
        size: meta.len(),
        name: outgoing.name.clone(),
        offset: 0,
        transfer_id: outgoing.transfer_id.clone(),
        sha3_256: None,
    };
    let tid = header.transfer_id.clone();
    let total = header.size;
    let mut tx = Sender::new(header);
    let (mut reader, mut writer) = tokio::io::split(stream);
    let (peer_bytes, mut from_peer) = mpsc::channel::<Vec<u8>>(8);
    let read_task = tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if peer_bytes.send(buf[..n].to_vec()).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    let _abort_reader = AbortOnDrop(read_task);

    reporter.report(Event::Offer {
        transfer_id: tid.clone(),
        name: outgoing.name.clone(),
        size: total,
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
        offered_name: None,
    });
    writer.write_all(&tx.header_bytes()).await?;
    writer.flush().await?;

    match next_sender_event(
        &mut tx,
        &mut from_peer,
        &mut interrupt,
        ANSWER_TIMEOUT,
        "GO",
    )
    .await?
    {
        SenderEvent::Accepted => reporter.report(Event::Accepted {
            transfer_id: tid.clone(),
        }),
        SenderEvent::Refused(reason) => {
            reporter.report(Event::Refused {
                transfer_id: tid.clone(),
                reason: reason.clone(),
            });
            return Err(Stop::Refused(reason).into());
        }
        other => bail!("unexpected answer to the offer: {other:?}"),
    }

    let started = Instant::now();
    let record = match outgoing.limit_rate {
        Some(rate) => (rate / 8).clamp(1024, SEND_RECORD_BYTES as u64) as usize,
        None => SEND_RECORD_BYTES,
    };
    let mut buf = vec![0u8; 5 + record];
    loop {
        while let Ok(bytes) = from_peer.try_recv() {
            if let Some(event) = feed_sender(&mut tx, &bytes)? {
                return peer_stopped(event, &tid, reporter);
            }
        }
        let want = ((total - tx.sent()) as usize).min(record);
        if want == 0 {
            break;
        }
        let n = read_some(&mut file, &mut buf[5..5 + want]).await?;
        if n == 0 {
            let err = TransferError::SourceShrank {
                declared: total,
                sent: tx.sent(),
            };
            let _ = writer.write_all(&tx.cancel_frame(&err.to_string())).await;
            return Err(err.into());
        }
        let frame = tx.data_frame(&buf[5..5 + n])?;
        buf[..5].copy_from_slice(&frame);
        let write = writer.write_all(&buf[..5 + n]);
        tokio::pin!(write);
        let outcome = tokio::select! {
            biased;
            _ = interrupt.wait() => WriteOutcome::Interrupted,
            result = &mut write => WriteOutcome::Written(result),
            _ = tokio::time::sleep(IDLE_TIMEOUT) => WriteOutcome::Stalled,
        };
        match outcome {
            WriteOutcome::Written(result) => result.context("sending the body")?,
            WriteOutcome::Interrupted => {
                // Finish the record if the peer lets us, so the cancel is read as one.
                if tokio::time::timeout(CANCEL_GRACE, &mut write).await.is_ok() {
                    let frame = tx.cancel_frame("the sender interrupted the transfer");
                    let _ = tokio::time::timeout(CANCEL_GRACE, send_and_close(&mut writer, &frame))
                        .await;
                }
                reporter.report(Event::Cancelled {
                    transfer_id: tid,
                    by: "local",
                    reason: "interrupted".into(),
                });
                return Err(Stop::Interrupted.into());
            }
            WriteOutcome::Stalled => bail!(
                "the receiver stopped reading for {}s ({} of {total} bytes sent)",
                IDLE_TIMEOUT.as_secs(),
                tx.sent()
            ),
        }
        reporter.report(Event::Progress {
            transfer_id: tid.clone(),
            bytes: tx.sent(),
            total,
        });
        if let Some(rate) = outgoing.limit_rate {
            let due = Duration::from_secs_f64(tx.sent() as f64 / rate.max(1) as f64);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = interrupt.wait() => {}
                }
            }
        }
    }
    let end = tx.end_frame()?;
    writer.write_all(&end).await?;
    writer.flush().await?;
    match next_sender_event(
        &mut tx,
        &mut from_peer,
        &mut interrupt,
        VERDICT_TIMEOUT,
        "OK",
    )
    .await?
    {
        SenderEvent::Confirmed(digest) => {
            let _ = writer.shutdown().await;
            reporter.report(Event::Done {
                transfer_id: tid,
                name: outgoing.name.clone(),
                size: total,
                sha3_256: hex::encode(digest),
                path: None,
                seconds: started.elapsed().as_secs_f64(),
            });
            Ok(digest)
        }
        event => peer_stopped(event, &tid, reporter),
    }
}

enum WriteOutcome {
    Written(std::io::Result<()>),
    Interrupted,
    Stalled,
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn send_and_close<W: AsyncWrite + Unpin>(writer: &mut W, bytes: &[u8]) -> Result<()> {
    writer.write_all(bytes).await?;
    writer.flush().await?;
    writer.shutdown().await?;
    Ok(())
}

/// Read until `buf` is full or the file ends.
async fn read_some(file: &mut tokio::fs::File, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = file
            .read(&mut buf[filled..])
            .await
            .context("reading the file")?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

fn feed_sender(tx: &mut Sender, mut bytes: &[u8]) -> Result<Option<SenderEvent>> {
    while !bytes.is_empty() {
        let (used, event) = tx.handle_read(bytes)?;
        bytes = &bytes[used..];
        if event.is_some() {
            return Ok(event);
        }
    }
    Ok(None)
}

async fn next_sender_event(
    tx: &mut Sender,
    from_peer: &mut mpsc::Receiver<Vec<u8>>,
    interrupt: &mut Interrupt,
    limit: Duration,
    waiting_for: &str,
) -> Result<SenderEvent> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let bytes = tokio::select! {
            bytes = from_peer.recv() => bytes,
            _ = interrupt.wait() => return Err(Stop::Interrupted.into()),
            _ = tokio::time::sleep_until(deadline) => {
                bail!("no {waiting_for} from the receiver within {}s", limit.as_secs())
            }
        };
        let Some(bytes) = bytes else {
            bail!("the receiver closed the connection before answering {waiting_for}");
        };
        if let Some(event) = feed_sender(tx, &bytes)? {
            return Ok(event);
        }
    }
}

fn peer_stopped<T>(event: SenderEvent, tid: &str, reporter: &dyn Reporter) -> Result<T> {
    match event {
        SenderEvent::Cancelled(reason) => {
            reporter.report(Event::Cancelled {
                transfer_id: tid.to_string(),
                by: "peer",
                reason: reason.clone(),
            });
            Err(Stop::PeerCancelled(reason).into())
        }
        SenderEvent::ReceiverFailed(reason) => {
            Err(anyhow!("the receiver could not keep the file: {reason}"))
        }
        other => Err(anyhow!("unexpected message from the receiver: {other:?}")),
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
        header: Header,
    },
    RefusedHere(String),
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
    let mut rx = Receiver::new();
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let header_deadline = tokio::time::Instant::now() + HEADER_TIMEOUT;
    let header = loop {
        let n = tokio::select! {
            n = stream.read(&mut buf) => n.context("reading the header")?,
            _ = tokio::time::sleep_until(header_deadline) => {
                bail!("no complete header within {}s", HEADER_TIMEOUT.as_secs())
            }
            _ = interrupt.wait() => return Err(Stop::Interrupted.into()),
        };
        if n == 0 {
            rx.handle_eof()?;
        }
        let (used, event) = rx.handle_read(&buf[..n])?;
        if let Some(ReceiverEvent::Offer(header)) = event {
            if used < n {
                return Err(TransferError::DataBeforeAccept.into());
            }
            break header;
        }
        if used < n {
            // The header machine takes everything it is given until the header ends.
            bail!("the header parser stopped early");
        }
    };
    let tid = header.transfer_id.clone();
    let mut safe = sanitise(&header.name);
    reporter.report(Event::Offer {
        transfer_id: tid.clone(),
        name: safe.name.clone(),
        size: header.size,
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
        offered_name: safe.changed.then(|| header.name.clone()),
    });
    let decision = if header.offset != 0 {
        Decision::Refuse("this receiver does not resume transfers (Offset must be 0)".into())
    } else {
        let offer = IncomingOffer {
            header: header.clone(),
            safe_name: safe.name.clone(),
            peer,
        };
        tokio::select! {
            d = decide(offer) => d,
            _ = interrupt.wait() => Decision::Refuse("the receiver is shutting down".into()),
        }
    };
    if let Decision::AcceptAs(name) = &decision {
        safe = sanitise(name);
    }
    if let Decision::Refuse(reason) = decision {
        let no = rx.refuse(&reason)?;
        let _ = send_and_close(&mut stream, &no).await;
        reporter.report(Event::Refused {
            transfer_id: tid,
            reason: reason.clone(),
        });
        return Ok(Received::RefusedHere(reason));
    }

    let created = match dir {
        Some(dir) => {
            PartFile::create(&dir.join(format!(".{}.{}.ferry-part", safe.name, tid))).await
        }
        None => PartFile::stdout(),
    };
    let file = match created {
        Ok(file) => file,
        Err(err) => {
            let no = rx.refuse("the receiver cannot write the file")?;
            let _ = send_and_close(&mut stream, &no).await;
            return Err(err);
        }
    };
    let go = rx.accept()?;
    stream.write_all(&go).await?;
    stream.flush().await?;
    reporter.report(Event::Accepted {
        transfer_id: tid.clone(),
    });

    let started = Instant::now();
    let result = receive_body(
        &mut stream,
        &mut rx,
        &mut buf,
        file,
        &tid,
        header.size,
        reporter,
        &mut interrupt,
    )
    .await;
    match result {
        Ok(BodyEnd::Finished(file, digest)) => {
            match file.keep(dir.unwrap_or(Path::new(".")), &safe.name).await {
                Ok(path) => {
                    let ok = rx.confirm(&digest);
                    let _ = send_and_close(&mut stream, &ok).await;
                    reporter.report(Event::Done {
                        transfer_id: tid,
                        name: safe.name,
                        size: header.size,
                        sha3_256: hex::encode(digest),
                        path: Some(path.display().to_string()),
                        seconds: started.elapsed().as_secs_f64(),
                    });
                    Ok(Received::Kept {
                        path,
                        digest,
                        header,
                    })
                }
                Err(err) => {
                    let line = rx.fail(&format!("{err:#}"));
                    let _ = send_and_close(&mut stream, &line).await;
                    Err(err)
                }
            }
        }
        Ok(BodyEnd::Cancelled(reason)) => {
            reporter.report(Event::Cancelled {
                transfer_id: tid,
                by: "peer",
                reason: reason.clone(),
            });
            Err(Stop::PeerCancelled(reason).into())
        }
        Ok(BodyEnd::Interrupted) => {
            let line = rx.cancel("the receiver interrupted the transfer");
            let _ = tokio::time::timeout(CANCEL_GRACE, send_and_close(&mut stream, &line)).await;
            reporter.report(Event::Cancelled {
                transfer_id: tid,
                by: "local",
                reason: "interrupted".into(),
            });
            Err(Stop::Interrupted.into())
        }
        Err(BodyError::Protocol(err)) => {
            let line = rx.fail(&err.to_string());
            let _ = tokio::time::timeout(CANCEL_GRACE, send_and_close(&mut stream, &line)).await;
            Err(err.into())
        }
        Err(BodyError::Local(err)) => {
            let line = rx.cancel(&format!("the receiver failed: {err:#}"));
            let _ = tokio::time::timeout(CANCEL_GRACE, send_and_close(&mut stream, &line)).await;
            Err(err)
        }
    }
}

enum BodyEnd {
    Finished(PartFile, Digest),
    Cancelled(String),
    Interrupted,
}

enum BodyError {
    /// The peer broke the protocol or the stream (reported to it as `ERR`).
    Protocol(TransferError),
    /// Something failed here: disk, connection (reported as `CANCEL`).
    Local(anyhow::Error),
}

impl From<TransferError> for BodyError {
    fn from(err: TransferError) -> Self {
        BodyError::Protocol(err)
    }
}

#[allow(clippy::too_many_arguments)]
async fn receive_body<S: AsyncRead + Unpin>(
    stream: &mut S,
    rx: &mut Receiver,
    buf: &mut [u8],
    mut file: PartFile,
    tid: &str,
    total: u64,
    reporter: &dyn Reporter,
    interrupt: &mut Interrupt,
) -> Result<BodyEnd, BodyError> {
    loop {
        let n = tokio::select! {
            biased;
            _ = interrupt.wait() => return Ok(BodyEnd::Interrupted),
            n = stream.read(buf) => n.map_err(|e| BodyError::Local(anyhow!(e).context(
                format!("the connection failed after {} of {total} bytes", rx.received()))))?,
            _ = tokio::time::sleep(IDLE_TIMEOUT) => return Err(BodyError::Local(anyhow!(
                "the sender went silent for {}s after {} of {total} bytes",
                IDLE_TIMEOUT.as_secs(), rx.received()))),
        };
        if n == 0 {
            rx.handle_eof()?;
            return Err(BodyError::Local(anyhow!("the connection ended early")));
        }
        let mut input = &buf[..n];
        while !input.is_empty() {
            let (used, event) = rx.handle_read(input)?;
            input = &input[used..];
            match event {
                None | Some(ReceiverEvent::Offer(_)) => {}
                Some(ReceiverEvent::Data(data)) => {
                    file.write(data).await.map_err(BodyError::Local)?;
                }
                Some(ReceiverEvent::Finished(digest)) => {
                    if !input.is_empty() {
                        return Err(TransferError::DataAfterEnd.into());
                    }
                    return Ok(BodyEnd::Finished(file, digest));
                }
                Some(ReceiverEvent::Cancelled(reason)) => return Ok(BodyEnd::Cancelled(reason)),
            }
        }
        reporter.report(Event::Progress {
            transfer_id: tid.to_string(),
            bytes: rx.received(),
            total,
        });
    }
}

/// The temporary file a body is written to; removed on drop unless kept.
///
/// Writes happen on a thread of their own, fed blocks of [`WRITE_BUFFER_BYTES`] through a
/// bounded channel, so disk time overlaps with decryption and hashing instead of adding to
/// them; blocks are recycled, so memory stays flat whatever the file size.
struct PartFile {
    path: PathBuf,
    /// The body goes to standard output (`receive --stdout`), not to a file.
    to_stdout: bool,
    block: Vec<u8>,
    to_disk: Option<mpsc::Sender<Vec<u8>>>,
    recycled: std::sync::mpsc::Receiver<Vec<u8>>,
    writer: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// Blocks in flight between the network task and the disk thread.
const BLOCKS_IN_FLIGHT: usize = 4;

impl PartFile {
    async fn create(path: &Path) -> Result<PartFile> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        PartFile::start(path.to_path_buf(), false, file, |f| f.sync_all())
    }

    /// The body written to standard output as it arrives (verified only at the end).
    fn stdout() -> Result<PartFile> {
        PartFile::start(PathBuf::from("-"), true, std::io::stdout(), |out| {
            std::io::Write::flush(out)
        })
    }

    fn start<W: std::io::Write + Send + 'static>(
        path: PathBuf,
        to_stdout: bool,
        mut out: W,
        finish: fn(&mut W) -> std::io::Result<()>,
    ) -> Result<PartFile> {
        let (to_disk, mut blocks) = mpsc::channel::<Vec<u8>>(BLOCKS_IN_FLIGHT);
        let (give_back, recycled) = std::sync::mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("ferry-disk".into())
            .spawn(move || -> std::io::Result<()> {
                while let Some(mut block) = blocks.blocking_recv() {
                    out.write_all(&block)?;
                    block.clear();
                    let _ = give_back.send(block);
                }
                finish(&mut out)
            })
            .context("starting the disk writer")?;
        Ok(PartFile {
            path,
            to_stdout,
            block: Vec::with_capacity(WRITE_BUFFER_BYTES),
            to_disk: Some(to_disk),
            recycled,
            writer: Some(writer),
        })
    }

    async fn write(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            let room = WRITE_BUFFER_BYTES - self.block.len();
            let take = room.min(data.len());
            self.block.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.block.len() == WRITE_BUFFER_BYTES {
                self.flush_block().await?;
            }
        }
        Ok(())
    }

    async fn flush_block(&mut self) -> Result<()> {
        let next = self
            .recycled
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(WRITE_BUFFER_BYTES));
        let full = std::mem::replace(&mut self.block, next);
        let sender = self
            .to_disk
            .as_ref()
            .context("the file is already closed")?;
        if sender.send(full).await.is_err() {
            // The disk thread stopped: its error says why.
            return Err(self.finish_writer().await.err().unwrap_or_else(|| {
                anyhow!("the disk writer stopped for {}", self.path.display())
            }));
        }
        Ok(())
    }

    /// Close the channel and wait for the disk thread to write, sync and report.
    async fn finish_writer(&mut self) -> Result<()> {
        self.to_disk = None;
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let joined = tokio::task::spawn_blocking(move || writer.join())
            .await
            .context("waiting for the disk writer")?;
        match joined {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(self.io_error(err)),
            Err(_) => bail!("the disk writer crashed for {}", self.path.display()),
        }
    }

    fn io_error(&self, err: std::io::Error) -> anyhow::Error {
        let what = if err.raw_os_error() == Some(28) {
            "the disk is full"
        } else {
            "cannot write"
        };
        anyhow!(err).context(format!("{what}: {}", self.path.display()))
    }

    /// Write the rest, sync, and link under the first free name in `dir`; the temporary
    /// name goes.
    async fn keep(mut self, dir: &Path, name: &str) -> Result<PathBuf> {
        if !self.block.is_empty() {
            self.flush_block().await?;
        }
        self.finish_writer().await?;
        if self.to_stdout {
            return Ok(self.path.clone());
        }
        for n in 0..MAX_NAME_ATTEMPTS {
            let candidate = if n == 0 {
                name.to_string()
            } else {
                numbered(name, n)
            };
            let target = dir.join(&candidate);
            match std::fs::hard_link(&self.path, &target) {
                Ok(()) => {
                    let _ = std::fs::remove_file(&self.path);
                    return Ok(target);
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(_) if !target.exists() => {
                    // Filesystems without hard links: a rename, after the existence check.
                    std::fs::rename(&self.path, &target)
                        .with_context(|| format!("renaming into {}", target.display()))?;
                    return Ok(target);
                }
                Err(e) => return Err(e.into()),
            }
        }
        bail!("no free name for {name:?} in {}", dir.display())
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        // Every path that does not keep the file removes it; an error here leaves nothing
        // under a final name, only the hidden `.ferry-part`.
        if !self.to_stdout {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
