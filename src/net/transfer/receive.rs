//! The receiving side: the header, the decision, the body into a part file (or a set's
//! directory, or standard output), the verdict.

use super::set_sink::SetSink;
use super::*;

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
pub(super) async fn offer_withdrawn<S: AsyncRead + Unpin>(
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
pub(super) async fn prepare_file(
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

pub(super) enum BodyEnd {
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

pub(super) enum BodyError {
    /// The peer broke the protocol (reported to it as `ERR`).
    Protocol(TransferError),
    /// Something failed here, such as the disk (reported as `CANCEL`).
    Local(TransferFailure),
    /// The connection broke or went silent: nobody to tell.
    Connection(TransferFailure),
}

impl BodyError {
    /// A failure of this side: the disk's, or the receiver's own.
    pub(super) fn local(err: impl Into<TransferFailure>) -> BodyError {
        BodyError::Local(err.into())
    }
}

impl From<TransferError> for BodyError {
    fn from(err: TransferError) -> Self {
        BodyError::Protocol(err)
    }
}

/// Where the bodies of an accepted offer go.
pub(super) enum Sink {
    File(Target),
    Set(Box<SetSink>),
    /// A text (`Ferry-Text`), held in memory: the header bounds it to `MAX_TEXT_BYTES` and
    /// the receiver machine refuses a body longer than declared.
    Text(Vec<u8>),
}

/// A single file's destination: ready, or waiting for the sender's answer to a resume offer.
pub(super) enum Target {
    Ready(PartFile),
    AwaitStart(Box<Resumable>),
    /// Only while switching from waiting to ready.
    Gone,
}

/// What a sink asks of the body loop after an event.
pub(super) enum Step {
    Continue,
    End(BodyEnd),
}

impl Sink {
    pub(super) async fn on(
        &mut self,
        rx: &Receiver,
        event: ReceiverEvent<'_>,
    ) -> Result<Step, BodyError> {
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
    pub(super) fn ready_replies(&mut self, out: &mut Vec<u8>) -> Result<(), BodyError> {
        match self {
            Sink::Set(set) => set.ready_oks(out).map_err(BodyError::Local),
            Sink::File(_) | Sink::Text(_) => Ok(()),
        }
    }

    /// [`Sink::ready_replies`] once every file handed over so far is written.
    pub(super) async fn settle_replies(&mut self, out: &mut Vec<u8>) -> Result<(), BodyError> {
        if let Sink::Set(set) = self {
            set.writer.settle().await.map_err(BodyError::local)?;
        }
        self.ready_replies(out)
    }

    /// What signals that `OK`s may have become ready (a set's disk thread wrote a file, or
    /// failed), when some are waiting.
    pub(super) fn progress_signal(&self) -> Option<Arc<tokio::sync::Notify>> {
        match self {
            Sink::Set(set) if !set.pending_oks.is_empty() => Some(set.writer.progress_signal()),
            _ => None,
        }
    }

    /// Bytes received of the whole offer, and its declared total.
    /// A transfer that stopped early (broken connection, Ctrl-C on either side): keep what
    /// arrived of a resumable file, so the next offer of the same file resumes there.
    pub(super) async fn keep_for_resume(self) {
        if let Sink::File(Target::Ready(file)) = self {
            file.preserve_if_resumable().await;
        }
    }

    pub(super) fn progress(&self, rx: &Receiver) -> (u64, Option<u64>) {
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

/// Log the optional fields a header carried malformed (ignored, not fatal).
pub(super) fn log_ignored(header: &Header) {
    for (field, value) in &header.ignored {
        tracing::debug!(
            "ignoring {field} {value:?} of {:?}: not a valid value",
            header.name
        );
    }
}

pub(super) fn path_refusal(why: &PathRefused) -> &'static str {
    match why {
        PathRefused::Empty => "an empty path component",
        PathRefused::Absolute => "an absolute path",
        PathRefused::DotComponent => "`.` or `..` in the path",
        PathRefused::TooDeep => "too deep",
    }
}

/// What stays the same for the whole of a received body: the read buffer, whose transfer it is
/// and where its progress goes, Ctrl-C, and the machine's clock.
pub(super) struct BodyContext<'a> {
    buf: &'a mut [u8],
    tid: &'a str,
    reporter: &'a dyn Reporter,
    interrupt: &'a mut Interrupt,
    clock: Clock,
}

pub(super) async fn receive_body<S: AsyncRead + AsyncWrite + Unpin>(
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
                // Best effort, bounded: a sender that does not read them cannot hold this side.
                if sink.settle_replies(&mut replies).await.is_ok() && !replies.is_empty() {
                    let _ = tokio::time::timeout(CANCEL_GRACE, stream.write_all(&replies)).await;
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
pub(super) async fn handle_input(
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
