//! The sending side: the offer, the answer, and the body written record by record under the
//! machine's deadlines while the receiver's lines are read meanwhile (a set's `OK`s, `CANCEL`).

use super::reader::*;
use super::*;

/// The `CANCEL` reason the sender gives when its user pressed Ctrl-C.
const INTERRUPTED: &str = "the sender interrupted the transfer";

/// The connection as the sender uses it: the write half, the receiver's lines (read by a task
/// of their own, so a `CANCEL` is seen while writing), Ctrl-C, and the progress so far.
pub(super) struct SendLink<W> {
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
    link.flush(&mut tx, "sending the offer", reporter).await?;
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
            link.send_cancel(&mut tx, &format!("{err:#}")).await;
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
pub(super) fn file_hints(meta: &std::fs::Metadata) -> (Option<u32>, Option<Mtime>) {
    use std::os::unix::fs::PermissionsExt;
    (
        Some(meta.permissions().mode() & 0o777),
        crate::set::mtime_of(meta),
    )
}

/// Where a body's progress stands within the whole offer.
pub(super) struct Progress {
    /// Bytes of the offer before this body (earlier entries of a set).
    base: u64,
    total: Option<u64>,
}

impl Progress {
    /// The body is the whole offer. A resumed prefix needs no base: the sender's count
    /// ([`Sender::sent`]) starts at the resumed position already.
    pub(super) fn whole(total: Option<u64>) -> Progress {
        Progress { base: 0, total }
    }
}

/// Hash the first `have` bytes of `path` (on a blocking thread): whether they hash to
/// `prefix`, and the hash state to continue from.
pub(super) async fn prefix_matches(
    path: PathBuf,
    have: u64,
    prefix: Digest,
) -> Result<(bool, Sha3_256)> {
    tokio::task::spawn_blocking(move || -> std::io::Result<(bool, Sha3_256)> {
        let (read, hasher) = crate::net::partfile::hash_prefix(std::fs::File::open(&path)?, have)?;
        let digest: Digest = hasher.clone().finalize().into();
        Ok((read == have && digest == prefix, hasher))
    })
    .await
    .map_err(|e| TransferFailure::task("hashing the resumed prefix", e))?
    .map_err(TransferFailure::LocalIo)
}

pub(super) async fn forward_reads<R: AsyncRead + Unpin>(
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
    pub(super) async fn file_body<R: AsyncRead + Unpin>(
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
    pub(super) async fn verdict(
        &mut self,
        tx: &mut Sender,
        reporter: &dyn Reporter,
    ) -> Result<Digest> {
        self.flush(tx, "sending the body", reporter).await?;
        match self.next_event(tx, "OK").await? {
            SenderEvent::Confirmed(digest) => Ok(digest),
            event => peer_stopped(event, &self.tid, reporter),
        }
    }

    /// Bytes of body per record: [`SEND_RECORD_BYTES`], smaller under `--limit-rate` (about
    /// eight records a second) so that pacing stays smooth.
    pub(super) fn record_bytes(&self) -> usize {
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
    pub(super) async fn threaded_body(
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
            return Err(self.source_shrank(tx, declared).await);
        }
        let end = tx.end_frame_hashed(hasher)?;
        self.write_record(tx, &end, reporter).await
    }

    /// Write one body from `source` (to its declared end, or to end of input when streamed)
    /// and its end record, without waiting for the receiver's verdict. Between records, the
    /// receiver's lines so far are handled: a set's confirmations, or why it stopped.
    pub(super) async fn body<R: AsyncRead + Unpin>(
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
                return Err(self.source_shrank(tx, declared).await);
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
    pub(super) async fn set_body(
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
    pub(super) async fn confirmation(
        &mut self,
        tx: &mut Sender,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        let event = self.next_event(tx, "OK").await?;
        match self.on_event(event, reporter) {
            Some(event) => peer_stopped(event, &self.tid, reporter),
            None => Ok(()),
        }
    }

    /// A confirmation of a set's entry: reported and recorded (`None`). Anything else is the
    /// caller's.
    pub(super) fn on_event(
        &mut self,
        event: SenderEvent,
        reporter: &dyn Reporter,
    ) -> Option<SenderEvent> {
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
    pub(super) async fn flush(
        &mut self,
        tx: &mut Sender,
        doing: &'static str,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        self.guarded_write(tx, None, doing, reporter).await
    }

    /// Without waiting: handle everything the receiver sent so far. Confirmations of a set's
    /// entries are recorded; `CANCEL` or `ERR` ends the transfer with its reason.
    pub(super) fn poll_peer(&mut self, tx: &mut Sender, reporter: &dyn Reporter) -> Result<()> {
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
    pub(super) async fn read_stream<R: AsyncRead + Unpin>(
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

    /// The file ended before its declared size: tell the receiver (a best-effort `CANCEL`)
    /// and fail with what happened.
    async fn source_shrank(&mut self, tx: &mut Sender, declared: u64) -> TransferFailure {
        let err = TransferError::SourceShrank {
            declared,
            sent: tx.sent(),
        };
        self.send_cancel(tx, &err.to_string()).await;
        err.into()
    }

    /// The sender's last word, best effort: `CANCEL` with `reason`, flushed (a TLS writer may
    /// hold what `write_all` took) and this side closed, all within [`CANCEL_GRACE`].
    async fn send_cancel(&mut self, tx: &mut Sender, reason: &str) {
        let frame = tx.cancel_frame(reason);
        let _ = tokio::time::timeout(CANCEL_GRACE, send_and_close(&mut self.writer, &frame)).await;
    }

    /// Ctrl-C between records: tell the receiver, report it, and stop.
    pub(super) async fn cancel_here(
        &mut self,
        tx: &mut Sender,
        reporter: &dyn Reporter,
    ) -> TransferFailure {
        self.send_cancel(tx, INTERRUPTED).await;
        self.report_interrupted(reporter)
    }

    /// Ctrl-C, told to the receiver or not: say so here, and stop.
    fn report_interrupted(&self, reporter: &dyn Reporter) -> TransferFailure {
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
    pub(super) async fn write_record(
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
    pub(super) async fn guarded_write(
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
                    self.send_cancel(tx, INTERRUPTED).await;
                }
                Err(self.report_interrupted(reporter))
            }
            WriteOutcome::Stalled(err) => Err(err.into()),
        }
    }

    /// After a failed write: what the receiver said before it closed (`CANCEL`, `ERR`), read
    /// for at most [`CANCEL_GRACE`], as the error to report; confirmations on the way are
    /// recorded as usual.
    pub(super) async fn why_stopped(
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
    pub(super) async fn pace(&mut self, tx: &Sender) {
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
    pub(super) async fn next_event(
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

/// The receiver's bytes not yet given to the sender machine: at most [`MAX_INBOX_BYTES`] unread.
#[derive(Default)]
pub(super) struct Inbox {
    bytes: Vec<u8>,
    /// How many of `bytes` the machine used already (dropped at the next push, so that taking
    /// a thousand `OK`s one by one does not move the rest each time).
    read: usize,
}

impl Inbox {
    pub(super) fn push(&mut self, bytes: &[u8]) -> Result<()> {
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
    pub(super) fn next_event(&mut self, tx: &mut Sender, now: u64) -> Result<Option<SenderEvent>> {
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
pub(super) enum StreamRead {
    /// Bytes of input (0: the input ended).
    Data(usize),
    PeerStopped(SenderEvent),
    Interrupted,
}

/// Why a wait for stream input woke up without input.
pub(super) enum StreamWake {
    Peer(Option<Vec<u8>>),
    /// The machine's deadline: a keepalive may be due.
    Timer,
}

pub(super) enum WriteOutcome {
    Written(std::io::Result<()>),
    Interrupted,
    Stalled(TransferError),
}

/// Read until `buf` is full or the file ends.
pub(super) async fn read_some<R: AsyncRead + Unpin>(file: &mut R, buf: &mut [u8]) -> Result<usize> {
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

pub(super) fn peer_stopped<T>(event: SenderEvent, tid: &str, reporter: &dyn Reporter) -> Result<T> {
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
