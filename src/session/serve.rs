//! Serving offers on a running device: each connection that reaches it is verified, each
//! offer decided (`--from`, `--yes`, a y/N prompt on a terminal, or `ferry accept`), each
//! transfer received and recorded once. `ferry receive` runs it over the DHT, over `--listen`,
//! or for the one device a code paired with.

use crate::connector::{self, ConnectError, Handshake, Incoming};
use crate::events::{Event, Reporter};
use crate::history::Recorder;
use crate::identity::{Identity, Pin};
use crate::net::control::{Pending, PendingOffer};
use crate::net::transfer::{self, Decide, Decision, IncomingOffer, Received, TransferFailure};
use crate::net::Interrupt;
use crate::outcome::Stop;
use crate::session::rerequest::Handovers;
use crate::session::Context;
use crate::session::SessionError;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

type Result<T, E = SessionError> = std::result::Result<T, E>;

/// A connection on its way to becoming a transfer.
pub enum Arrival {
    /// A direct TCP connection; its TLS handshake is still to be done.
    Direct(Handshake),
    /// A connection set up through the DHT (or the error that stopped it).
    Connected(Box<Result<Incoming, ConnectError>>),
}

/// Answer the offers that reach this device through `dht` under `policy` (and pass its
/// messages on, if wanted); each connection set up becomes an arrival.
pub(crate) fn serve_offers(
    ctx: &Context,
    background: &mut JoinSet<()>,
    dht: crate::net::dht::Dht,
    identity: &Arc<Identity>,
    messages: Option<mpsc::Sender<connector::InboundMessage>>,
    policy: connector::OfferPolicy,
    arrivals: &mpsc::Sender<Arrival>,
) {
    let (incoming, mut connected) = mpsc::channel(16);
    let reporter: Arc<dyn Reporter> = ctx.console.clone();
    let (identity, interrupt) = (identity.clone(), ctx.interrupt.clone());
    background.spawn(async move {
        if let Err(err) = connector::serve_offers(
            dht,
            identity,
            incoming,
            messages,
            policy,
            reporter.clone(),
            interrupt,
        )
        .await
        {
            report_error(reporter.as_ref(), None, &err.into());
        }
    });
    let arrivals = arrivals.clone();
    background.spawn(async move {
        while let Some(c) = connected.recv().await {
            if arrivals
                .send(Arrival::Connected(Box::new(c)))
                .await
                .is_err()
            {
                return;
            }
        }
    });
}

/// What a connection passes before its offer is decided: a transfer slot and `--from`.
#[derive(Clone)]
pub(crate) struct Gate {
    pub(crate) slots: Arc<tokio::sync::Semaphore>,
    pub(crate) from: Pin,
}

/// Who learns of a kept file: the history, and a handed-over re-request waiting for it.
#[derive(Clone)]
pub(crate) struct Keeper {
    pub(crate) recorder: Recorder,
    pub(crate) handovers: Arc<Handovers>,
}

pub(crate) enum Served {
    /// The connection never became a verified TLS session (scanner, wrong identity, no path).
    NotAPeer(ConnectError),
    /// Refused by policy, not by the user: busy, or a sender --from does not allow.
    Refused(String),
    /// An offer was read: how its transfer ended, and its id once the offer was decided on
    /// (the receiver's `error` event names it, so that a script knows which transfer failed).
    Transfer {
        transfer_id: Option<String>,
        result: Result<Received, TransferFailure>,
    },
}

pub(crate) async fn serve(
    arrival: Arrival,
    dir: Option<PathBuf>,
    decide: Decide,
    console: Arc<crate::cli::output::Console>,
    interrupt: Interrupt,
    keeper: Keeper,
    gate: Gate,
) -> Served {
    let Gate { slots, from } = gate;
    let Keeper {
        recorder,
        handovers,
    } = keeper;
    let incoming = match arrival {
        Arrival::Direct(handshake) => handshake.complete().await,
        Arrival::Connected(result) => *result,
    };
    let Incoming {
        stream,
        peer,
        addr,
        slot,
    } = match incoming {
        Ok(i) => i,
        Err(err) => return Served::NotAPeer(err),
    };
    console.report(Event::Connected {
        addr: addr.to_string(),
        peer_device: peer.device.to_string(),
        peer_account: peer.account.to_string(),
        path: if stream.get_ref().0.relayed {
            "relay"
        } else {
            "direct"
        },
    });
    // A slot for the whole transfer (an offer through the DHT brings the one it took when it
    // was admitted); without one, the offer is refused at once as busy.
    let slot = slot.or_else(|| slots.try_acquire_owned().ok());
    let policy_refusal = slot.is_none() || !from.allows(&peer);
    let decide: Decide = match &slot {
        Some(_) => decide,
        None => Arc::new(|_| {
            Box::pin(async {
                Decision::Refuse(
                    "the receiver is busy with other transfers; try again later".into(),
                )
            })
        }),
    };
    // The transfer id decided on, so that a handed-over re-request learns how it ended.
    let offered = Arc::new(std::sync::Mutex::new(None));
    let decide: Decide = {
        let offered = offered.clone();
        Arc::new(move |offer: IncomingOffer| {
            if let Ok(mut offered) = offered.lock() {
                *offered = Some(offer.header.transfer_id.clone());
            }
            decide(offer)
        })
    };
    let result = transfer::receive(
        stream,
        peer,
        dir.as_deref(),
        decide,
        console.as_ref(),
        interrupt,
    )
    .await;
    drop(slot);
    if let Ok(Received::Kept {
        path,
        digest,
        size,
        header,
    }) = &result
    {
        // A set of several top-level entries is kept in the directory itself: name it as
        // offered (made safe), not after the download directory.
        let name = match path.file_name() {
            Some(n) if dir.as_deref() != Some(path.as_path()) => n.to_string_lossy().into_owned(),
            _ => crate::proto::name::sanitise(&header.name).name,
        };
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        recorder.record(
            crate::history::Direction::Received,
            &peer,
            &header.transfer_id,
            &name,
            *size,
            Ok((Some(hex::encode(digest)), Some(path.display().to_string()))),
        );
    }
    if let Ok(Received::Text {
        text,
        digest,
        header,
    }) = &result
    {
        recorder.record(
            crate::history::Direction::Received,
            &peer,
            &header.transfer_id,
            "text",
            text.len() as u64,
            Ok((Some(hex::encode(digest)), None)),
        );
    }
    let offered = offered.lock().ok().and_then(|mut o| o.take());
    if let Some(transfer_id) = &offered {
        handovers.settle(transfer_id, &peer, &result);
    }
    match result {
        Ok(Received::RefusedHere(reason)) if policy_refusal => Served::Refused(reason),
        result => Served::Transfer {
            transfer_id: offered,
            result,
        },
    }
}

/// Raise the soft limit on open descriptors to the hard one: a receiver serving many
/// connections should run out later, not at a distribution's default of 1024 (or less).
pub(crate) fn raise_descriptor_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => {
            if let Err(err) = setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
                tracing::debug!("raising the descriptor limit from {soft} to {hard}: {err}");
            }
        }
        Ok(_) => {}
        Err(err) => tracing::debug!("reading the descriptor limit: {err}"),
    }
}

/// Report `err` as an `error` event, naming the transfer it ended when there was one.
pub(crate) fn report_error(
    reporter: &dyn Reporter,
    transfer_id: Option<String>,
    err: &SessionError,
) {
    // Ctrl-C: the shutdown says so, not an error of this transfer.
    if matches!(err.stop(), Some(Stop::Interrupted)) {
        return;
    }
    reporter.report(Event::Error {
        transfer_id,
        reason: format!("{err:#}"),
    });
}

/// The decision policy: the offer a handed-over re-request waits for is decided by it (see
/// `rerequest::Handovers::decide`); senders outside `--from` are refused; then `--yes`, a
/// terminal prompt, or, with neither, the offer waits for `ferry accept` (refused after `wait`).
pub(crate) fn decider(
    from: Pin,
    yes: bool,
    pending: Arc<Pending>,
    handovers: Arc<Handovers>,
    wait: Duration,
    reporter: Arc<crate::cli::output::Console>,
) -> Decide {
    let terminal = Arc::new(Terminal::default());
    Arc::new(move |offer: IncomingOffer| {
        let from = from.clone();
        let terminal = terminal.clone();
        let pending = pending.clone();
        let reporter = reporter.clone();
        // The file a handed-over re-request waits for, or an offer posing as it.
        let handed = handovers.decide(&offer);
        Box::pin(async move {
            if let Some(decision) = handed {
                return decision;
            }
            if !from.allows(&offer.peer) {
                return Decision::Refuse(format!(
                    "this receiver does not accept files from {}",
                    offer.peer
                ));
            }
            if yes {
                return Decision::Accept;
            }
            if !std::io::stdin().is_terminal() {
                let (id, decided) = pending.add(PendingOffer {
                    id: String::new(),
                    peer_device: offer.peer.device.to_string(),
                    peer_account: offer.peer.account.to_string(),
                    name: offer.safe_name.clone(),
                    size: offer.header.size,
                });
                // Listed by `ferry accept` only while this waits: not after a decision, a
                // timeout, or its sender leaving (this future is then dropped).
                let _listed = Listed {
                    pending: &pending,
                    id: id.clone(),
                };
                reporter.report(Event::Pending {
                    id: id.clone(),
                    transfer_id: offer.header.transfer_id.clone(),
                    name: offer.safe_name.clone(),
                    size: offer.header.size,
                    peer_device: offer.peer.device.to_string(),
                });
                return match tokio::time::timeout(wait, decided).await {
                    Ok(Ok(decision)) => decision,
                    _ => Decision::Refuse(format!("no decision within {}s", wait.as_secs())),
                };
            }
            let size = match (offer.header.size, offer.header.entries) {
                (Some(size), _) if offer.header.text => format!("a text of {size} bytes"),
                (None, _) => "a stream of unknown size".to_string(),
                (Some(size), None) => format!("{size} bytes"),
                (Some(size), Some(n)) => format!("{n} entries, {size} bytes"),
            };
            let question = format!(
                "Accept {:?} ({size}) from {}? [y/N] ",
                offer.safe_name, offer.peer
            );
            match terminal.ask(question).await {
                Some(line) if matches!(line.trim(), "y" | "Y" | "yes") => Decision::Accept,
                _ => Decision::Refuse("declined by the user".into()),
            }
        })
    })
}

/// An offer listed for `ferry accept`, unlisted when its wait ends, however it ends.
pub(crate) struct Listed<'a> {
    pub(crate) pending: &'a Pending,
    pub(crate) id: String,
}

impl Drop for Listed<'_> {
    fn drop(&mut self) {
        self.pending.remove(&self.id);
    }
}

/// Questions on the terminal, one at a time. One thread reads standard input for the whole run:
/// a question taken back while it waits (its sender left) leaves no reader behind to swallow
/// the answer to the next one, and what was typed before a question is not taken as its answer.
#[derive(Default)]
pub(crate) struct Terminal {
    pub(crate) lines: tokio::sync::Mutex<Option<mpsc::Receiver<String>>>,
}

impl Terminal {
    /// Ask `question`; the line typed, or `None` when standard input ended.
    async fn ask(&self, question: String) -> Option<String> {
        let mut lines = self.lines.lock().await;
        let lines = lines.get_or_insert_with(|| {
            let (tx, rx) = mpsc::channel(4);
            std::thread::spawn(move || {
                for line in std::io::stdin().lines() {
                    let Ok(line) = line else { return };
                    if tx.blocking_send(line).is_err() {
                        return;
                    }
                }
            });
            rx
        });
        while lines.try_recv().is_ok() {}
        eprint!("{question}");
        let mut unanswered = Unanswered(true);
        let line = lines.recv().await;
        unanswered.0 = false;
        line
    }
}

/// Ends the prompt's line when its question is taken back unanswered, so that what is said
/// next (why) starts on a line of its own.
pub(crate) struct Unanswered(bool);

impl Drop for Unanswered {
    fn drop(&mut self) {
        if self.0 {
            eprintln!();
        }
    }
}

/// With a code: how long the paired device has to connect (its offer waits up to 30 s for
/// an answer, then ICE up to 15 s).
pub(crate) const PAIRED_CONNECT_WAIT: Duration = Duration::from_secs(60);
/// How long running transfers get to tell their peers after Ctrl-C.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// How a receive serves what arrives.
pub(crate) struct Serving {
    /// Where kept files go; `None`: standard output (`--stdout`).
    pub(crate) dir: Option<PathBuf>,
    pub(crate) decide: Decide,
    pub(crate) keeper: Keeper,
    pub(crate) gate: Gate,
    /// The first transfer the policy lets through decides the outcome (`--once`, a code).
    pub(crate) once: bool,
    /// Paired with a code: that device alone connects, within [`PAIRED_CONNECT_WAIT`].
    pub(crate) paired: bool,
}

/// Serve each arrival in a task of its own until Ctrl-C or, with `once`, the deciding
/// transfer; then give running transfers [`SHUTDOWN_GRACE`] to tell their peers while the
/// announcement on `announced_on` is withdrawn.
pub(crate) async fn serve_arrivals(
    ctx: &Context,
    mut arriving: mpsc::Receiver<Arrival>,
    serving: Serving,
    announced_on: Option<(crate::net::dht::Dht, Arc<Identity>)>,
) -> Result<()> {
    let mut interrupt = ctx.interrupt.clone();
    // Each arrival is served in a task of its own (handshakes are bounded by the listener);
    // with --once, a task's outcome may end the command: a kept file, or a refusal here by the
    // user. Refused (busy, --from), foreign and failed attempts leave it waiting.
    let mut running: JoinSet<Option<Result<()>>> = JoinSet::new();
    // With a code, the paired device alone may connect, and it does at once: bounded.
    let mut connect_by = serving
        .paired
        .then(|| tokio::time::Instant::now() + PAIRED_CONNECT_WAIT);
    let outcome = loop {
        let arrival = tokio::select! {
            a = arriving.recv() => a,
            _ = interrupt.wait() => break Err(Stop::Interrupted.into()),
            _ = async {
                match connect_by {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            } => {
                break Err(SessionError::PairedDidNotConnect {
                    waited_secs: PAIRED_CONNECT_WAIT.as_secs(),
                });
            }
            Some(done) = running.join_next(), if !running.is_empty() => {
                if let Ok(Some(outcome)) = done {
                    break outcome;
                }
                continue;
            }
        };
        let Some(arrival) = arrival else {
            break Err(Stop::Interrupted.into());
        };
        connect_by = None;
        let serve = serve(
            arrival,
            serving.dir.clone(),
            serving.decide.clone(),
            ctx.console.clone(),
            ctx.interrupt.clone(),
            serving.keeper.clone(),
            serving.gate.clone(),
        );
        let (console, once, paired_code) = (ctx.console.clone(), serving.once, serving.paired);
        running.spawn(async move {
            match serve.await {
                // The paired device failed to connect: nobody else will.
                Served::NotAPeer(err) if paired_code => Some(Err(err.into())),
                Served::NotAPeer(err) => {
                    report_error(console.as_ref(), None, &err.into());
                    None
                }
                Served::Refused(reason) => {
                    tracing::info!("refused an offer: {reason}");
                    None
                }
                Served::Transfer {
                    result: Ok(Received::Kept { .. } | Received::Text { .. }),
                    ..
                } if once => Some(Ok(())),
                Served::Transfer {
                    result: Ok(Received::RefusedHere(reason)),
                    ..
                } if once => Some(Err(Stop::Declined(reason).into())),
                Served::Transfer {
                    result: Err(err), ..
                } if once => Some(Err(err.into())),
                Served::Transfer {
                    result: Err(err),
                    transfer_id,
                } => {
                    report_error(console.as_ref(), transfer_id, &err.into());
                    None
                }
                Served::Transfer { result: Ok(_), .. } => None,
            }
        });
    };
    // On Ctrl-C, running transfers get a moment to tell their peers (with --once, the
    // transfer that decided is over); meanwhile the announcement is withdrawn, so that senders
    // learn at once that this device stopped.
    let interrupted = matches!(
        outcome.as_ref().err().and_then(SessionError::stop),
        Some(Stop::Interrupted)
    );
    let grace = if interrupted {
        SHUTDOWN_GRACE
    } else {
        Duration::ZERO
    };
    let finish_running = tokio::time::timeout(grace, async {
        while running.join_next().await.is_some() {}
    });
    let withdrawing = async {
        if let Some((dht, identity)) = &announced_on {
            crate::session::online::withdraw(dht, identity, ctx.console.as_ref()).await;
        }
    };
    let _ = tokio::join!(finish_running, withdrawing);
    outcome
}
