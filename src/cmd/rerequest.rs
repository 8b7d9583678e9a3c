//! `ferry rerequest ID`, both sides of it (the messages and the decision are in
//! `crate::rerequest`).
//!
//! The requester finds interaction ID in its own history, asks every announced device of the
//! conversation's other member with a sealed `application/data-transfer-request+json`
//! message, and waits: a transfer offered by a member device for exactly that interaction,
//! announcing exactly the recorded SHA3-256, is accepted without asking and kept only if the
//! body hashes to it; anything else is refused. It ends when the file is back (exit 0), when
//! every device asked refused (exit 1), or after `--timeout` (exit 2).
//!
//! When a `ferry receive` runs with the same home, it answers this device's offers: a second
//! listener would race it for the file sent again. So `rerequest` hands the request to it
//! through the control socket ([`Handovers`], `net::control`'s `rerequest` op) and shows the
//! progress and outcome it streams back; receive asks with the same functions
//! ([`ask`], [`Asked`]), takes the offer with the same checks ([`check_offer`]) into the
//! requester's directory, and records it in the history once, as every file it keeps.
//!
//! The serving side runs inside `ferry receive` ([`answer_rerequests`]): it checks the request
//! against its history, hashes the file on disk again, and sends it by an ordinary transfer.

use super::Context;
use crate::cli::output::Console;
use crate::cli::RerequestArgs;
use crate::connector::{self, InboundMessage, Incoming};
use crate::events::{Event, Reporter};
use crate::history::{self, Interaction, Recorder};
use crate::identity::{Id, Identity, PeerIdentity};
use crate::net::control::{self, Exchange, Reply};
use crate::net::dht::Dht;
use crate::net::ice::CandidateOptions;
use crate::net::transfer::{self, Decide, Decision, IncomingOffer, Outgoing, Received, Source};
use crate::net::{AbortOnDrop, Interrupt};
use crate::outcome::Stop;
use crate::proto::signal::DeviceInfo;
use crate::proto::transfer::Digest;
use crate::rerequest::{self, DataTransferRequest, Refusal, Status, REQUEST_TYPE, STATUS_TYPE};
use anyhow::{anyhow, bail, Context as _, Result};
use sha3::Digest as _;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};

/// Re-requests served at once by one `receive` (each hashes a whole file first).
const MAX_RESENDS: usize = 2;
/// Re-requests handed over to one `receive` at once (each waits for its file up to its timeout).
const MAX_HANDED: usize = 4;
/// How long `rerequest` waits for the running `receive` to take its request on.
const HANDOVER_ANSWER: Duration = Duration::from_secs(5);
/// How long past its timeout `rerequest` waits for the outcome of a handed-over request.
const HANDOVER_GRACE: Duration = Duration::from_secs(10);

/// The requester's side: `ferry rerequest ID`.
pub async fn run(ctx: &Context, args: RerequestArgs) -> Result<()> {
    let history = history::load(&ctx.home)?;
    let (record, digest) = find_record(&history, &args.id)?;
    let member = member_of(&record)?;
    let dir = destination(&ctx.settings.dir.value, args.dir.as_deref(), &record);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    if let Some(path) = record.path.as_deref().map(Path::new) {
        if hash_file(path).ok() == Some(digest) {
            ctx.console.say(&format!(
                "{} is still here and verified; nothing to ask",
                path.display()
            ));
            return Ok(());
        }
    }
    let timeout = Duration::from_secs(args.timeout);
    if let Some(outcome) = hand_over(ctx, &record, &dir, timeout).await {
        return outcome;
    }
    ask_here(ctx, &record, digest, member, &dir, timeout).await
}

/// Ask and receive in this process (no `ferry receive` runs with this home).
async fn ask_here(
    ctx: &Context,
    record: &Interaction,
    digest: Digest,
    member: Id,
    dir: &Path,
    timeout: Duration,
) -> Result<()> {
    let identity = Arc::new(ctx.identity()?);
    let dht = ctx.start_dht().await?;
    // Listen before asking, so that no answer is missed.
    let (incoming, mut connected) = mpsc::channel(4);
    let (messages, mut answers) = mpsc::channel(16);
    let serving = tokio::spawn(connector::serve_offers(
        dht.clone(),
        identity.clone(),
        incoming,
        Some(messages),
        // Only the member asked (or this account's own devices) may connect to send it again.
        connector::OfferPolicy {
            candidates: ctx.candidate_options(),
            from: crate::identity::Pin::to([member, identity.account]),
            ..connector::OfferPolicy::default()
        },
        ctx.console.clone(),
        ctx.interrupt.clone(),
    ));
    let _stop_serving = AbortOnDrop(serving);
    let mut asked = ask(&dht, &identity, member, record, ctx.console.as_ref()).await?;
    waiting(ctx.console.as_ref(), &asked, timeout);

    let decide = expect_offer(record.clone(), digest, [member, identity.account]);
    let recorder = Recorder {
        home: ctx.home.clone(),
        account: identity.account,
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let mut interrupt = ctx.interrupt.clone();
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => bail!(no_file_within(record, timeout)),
            _ = interrupt.wait() => return Err(Stop::Interrupted.into()),
            Some(answer) = answers.recv() => {
                if let Some(refusals) = asked.take(&answer, ctx.console.as_ref()) {
                    return Err(Stop::Refused(refusals).into());
                }
            }
            Some(connection) = connected.recv() => {
                tracing::info!("a member device connected");
                let Incoming { stream, peer, .. } = match connection {
                    Ok(incoming) => incoming,
                    Err(err) => {
                        tracing::info!("a connection failed: {err:#}");
                        continue;
                    }
                };
                let received = transfer::receive(
                    stream,
                    peer,
                    Some(dir),
                    decide.clone(),
                    ctx.console.as_ref(),
                    ctx.interrupt.clone(),
                )
                .await;
                match received {
                    Ok(Received::Kept { path, digest, size, .. }) => {
                        let path = std::fs::canonicalize(&path).unwrap_or(path);
                        recorder.record(
                            crate::history::Direction::Received,
                            &peer,
                            &record.interaction,
                            &record.name,
                            size,
                            Ok((Some(hex::encode(digest)), Some(path.display().to_string()))),
                        );
                        return Ok(());
                    }
                    Ok(Received::RefusedHere(reason)) => tracing::info!("refused an offer: {reason}"),
                    Ok(Received::Withdrawn(reason)) => tracing::info!("{reason}"),
                    Ok(Received::Text { .. }) => tracing::info!("a text arrived, not the file"),
                    Err(err) => ctx.console.report(Event::Error {
                        transfer_id: Some(record.interaction.clone()),
                        reason: format!("{err:#}"),
                    }),
                }
            }
        }
    }
}

/// Hand the re-request to the running `ferry receive` of this home: its outcome, or `None`
/// when none runs (or it cannot ask), so that this process asks itself.
async fn hand_over(
    ctx: &Context,
    record: &Interaction,
    dir: &Path,
    timeout: Duration,
) -> Option<Result<()>> {
    let request = control::Request::Rerequest {
        id: record.interaction.clone(),
        dir: Some(std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())),
        timeout: timeout.as_secs(),
    };
    let asks_itself = |reason: String| {
        ctx.console.report(Event::RerequestBy {
            by: "self",
            pid: None,
            reason,
        });
        None
    };
    let mut exchange = match Exchange::open(&ctx.home, &request).await {
        Ok(Some(exchange)) => exchange,
        Ok(None) => return asks_itself("no `ferry receive` runs with this home".into()),
        Err(err) => return asks_itself(format!("the running `ferry receive`: {err:#}")),
    };
    let pid = match tokio::time::timeout(HANDOVER_ANSWER, exchange.next()).await {
        Ok(Ok(Some(Reply::Handed { pid }))) => pid,
        Ok(Ok(Some(Reply::Unavailable { reason }))) => return asks_itself(reason),
        Ok(Ok(Some(Reply::Error { reason }))) => {
            return Some(Err(anyhow!(
                "the running `ferry receive` did not take the re-request: {reason}"
            )))
        }
        Ok(Ok(other)) => {
            return Some(Err(anyhow!(
                "the running `ferry receive` answered the re-request with {other:?}"
            )))
        }
        Ok(Err(err)) => return Some(Err(err)),
        Err(_) => {
            return Some(Err(anyhow!(
                "the running `ferry receive` did not answer the re-request within {}s; \
                 is it stuck? (stop it, or wait and try again)",
                HANDOVER_ANSWER.as_secs()
            )))
        }
    };
    ctx.console.report(Event::RerequestBy {
        by: "receive",
        pid: Some(pid),
        reason: String::new(),
    });
    Some(follow(ctx, record, exchange, pid, timeout).await)
}

/// Show what the running `receive` does with a handed-over re-request, until its outcome.
async fn follow(
    ctx: &Context,
    record: &Interaction,
    mut exchange: Exchange,
    pid: u32,
    timeout: Duration,
) -> Result<()> {
    let started = std::time::Instant::now();
    let deadline = tokio::time::Instant::now() + timeout + HANDOVER_GRACE;
    let mut interrupt = ctx.interrupt.clone();
    let interaction = &record.interaction;
    loop {
        let reply = tokio::select! {
            reply = exchange.next() => reply?,
            _ = tokio::time::sleep_until(deadline) => bail!(
                "the running `ferry receive` (pid {pid}) gave no outcome for {interaction} in {}s",
                timeout.as_secs()
            ),
            // Dropping the exchange hangs up: receive abandons the re-request.
            _ = interrupt.wait() => return Err(Stop::Interrupted.into()),
        };
        let Some(reply) = reply else {
            bail!(
                "the running `ferry receive` (pid {pid}) stopped before the re-request of \
                 {interaction} ended; run `ferry rerequest {interaction}` again"
            );
        };
        match reply {
            Reply::Progress {
                outcome,
                peer_device,
                reason,
            } => show_progress(
                ctx.console.as_ref(),
                interaction,
                &outcome,
                peer_device,
                reason,
            ),
            Reply::Kept {
                path,
                name,
                size,
                sha3_256,
            } => {
                ctx.console.report(Event::Done {
                    transfer_id: interaction.clone(),
                    name,
                    size,
                    sha3_256,
                    path: Some(path),
                    seconds: started.elapsed().as_secs_f64(),
                    bytes_sent: None,
                });
                return Ok(());
            }
            Reply::Refused { reason } => return Err(Stop::Refused(reason).into()),
            Reply::Error { reason } => bail!("{reason}"),
            other => tracing::debug!("ignored a reply of the running receive: {other:?}"),
        }
    }
}

/// One progress line of a handed-over re-request, as the events the requester shows itself.
fn show_progress(
    reporter: &dyn Reporter,
    interaction: &str,
    outcome: &str,
    peer_device: Option<String>,
    reason: String,
) {
    let outcome = match outcome {
        "asked" => "asked",
        "unreachable" => "unreachable",
        "refused" => "refused",
        "receiving" => "receiving",
        "waiting" => return crate::events::phase(reporter, reason),
        "failed" => {
            return reporter.report(Event::Error {
                transfer_id: Some(interaction.to_string()),
                reason,
            })
        }
        other => return tracing::debug!("ignored progress {other:?}: {reason}"),
    };
    reporter.report(Event::Rerequest {
        interaction: interaction.to_string(),
        peer_device: peer_device.unwrap_or_default(),
        outcome,
        reason,
    });
}

/// The newest complete record of interaction `id` and its digest: a file received again has
/// a newer path.
fn find_record(history: &[Interaction], id: &str) -> Result<(Interaction, Digest)> {
    history
        .iter()
        .rev()
        .filter(|i| i.interaction == id && i.is_complete())
        .find_map(|i| Some((i.clone(), i.digest()?)))
        .ok_or_else(|| {
            anyhow!("no completed transfer {id:?} in this device's history (see `ferry history`)")
        })
}

/// The other member of the conversation `record` belongs to.
fn member_of(record: &Interaction) -> Result<Id> {
    record.peer_account.parse().map_err(|_| {
        anyhow!(
            "the history names no valid peer account for {}",
            record.interaction
        )
    })
}

/// `dir` (`--dir`), else the directory the file was kept in, else `download_dir`.
fn destination(download_dir: &Path, dir: Option<&Path>, record: &Interaction) -> PathBuf {
    if let Some(dir) = dir {
        return dir.to_path_buf();
    }
    record
        .path
        .as_deref()
        .and_then(|p| Path::new(p).parent())
        .filter(|p| p.is_dir())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| download_dir.to_path_buf())
}

fn no_file_within(record: &Interaction, timeout: Duration) -> String {
    format!(
        "no member device sent {} within {}s",
        record.interaction,
        timeout.as_secs()
    )
}

/// Ask every announced device of `member` to send `record`'s file again; each one asked (or
/// that could not be) is reported.
async fn ask(
    dht: &Dht,
    identity: &Identity,
    member: Id,
    record: &Interaction,
    reporter: &dyn Reporter,
) -> Result<Asked> {
    dht.wait_for_nodes(1, crate::net::dht::JOIN_WAIT).await?;
    let devices = connector::still_receiving(connector::resolve(dht, member).await?, reporter)?;
    tracing::info!("account {member} has {} announced device(s)", devices.len());
    if devices.is_empty() {
        bail!("no device of account {member} is announced on the DHT (is `ferry receive` running there?)");
    }
    let payload = serde_json::to_vec(&DataTransferRequest {
        conversation: record.conversation.clone(),
        interaction: record.interaction.clone(),
        device_id: identity.device.to_string(),
    })?;
    let mut asked = Asked {
        interaction: record.interaction.clone(),
        devices: HashSet::new(),
        refused: HashMap::new(),
    };
    for device in &devices {
        let sent =
            connector::send_message(dht, identity, device, REQUEST_TYPE, payload.clone()).await;
        let (outcome, reason) = match sent {
            Ok(()) => {
                asked.devices.insert(device.peer.device);
                ("asked", String::new())
            }
            Err(err) => ("unreachable", format!("{err:#}")),
        };
        reporter.report(Event::Rerequest {
            interaction: record.interaction.clone(),
            peer_device: device.peer.device.to_string(),
            outcome,
            reason,
        });
    }
    if asked.devices.is_empty() {
        bail!("could not ask any device of account {member}");
    }
    Ok(asked)
}

/// Say that the devices were asked and how long the answer is awaited.
fn waiting(reporter: &dyn Reporter, asked: &Asked, timeout: Duration) {
    crate::events::phase(
        reporter,
        format!(
            "asked {} device(s); waiting up to {}s for one to send {} again",
            asked.devices.len(),
            timeout.as_secs(),
            asked.interaction
        ),
    );
}

/// The devices asked for an interaction, and the refusals they sent back.
pub struct Asked {
    interaction: String,
    devices: HashSet<Id>,
    refused: HashMap<Id, String>,
}

impl Asked {
    /// Take `answer` if it is a refusal from a device asked (and report it): every reason,
    /// once every device asked refused.
    fn take(&mut self, answer: &InboundMessage, reporter: &dyn Reporter) -> Option<String> {
        let reason = refusal_from(answer, &self.interaction, &self.devices)?;
        reporter.report(Event::Rerequest {
            interaction: self.interaction.clone(),
            peer_device: answer.from.peer.device.to_string(),
            outcome: "refused",
            reason: reason.clone(),
        });
        self.refused.insert(answer.from.peer.device, reason);
        (self.refused.len() == self.devices.len()).then(|| {
            let mut reasons: Vec<_> = self.refused.values().cloned().collect();
            reasons.sort();
            reasons.join("; ")
        })
    }
}

/// Accept only the offer that answers the re-request (see [`check_offer`]).
fn expect_offer(record: Interaction, digest: Digest, members: [Id; 2]) -> Decide {
    Arc::new(move |offer: IncomingOffer| {
        let decision = check_offer(&record, digest, members, &offer);
        Box::pin(async move { decision })
    })
}

/// The decision on an offer that may answer a re-request of `record`: from a member account,
/// for exactly this interaction, announcing exactly the recorded digest; saved under the
/// recorded name.
fn check_offer(
    record: &Interaction,
    digest: Digest,
    members: [Id; 2],
    offer: &IncomingOffer,
) -> Decision {
    if !members.contains(&offer.peer.account) {
        Decision::Refuse(format!(
            "{} is not a member of this conversation",
            offer.peer
        ))
    } else if offer.header.transfer_id != record.interaction {
        Decision::Refuse(format!("this device waits for {} only", record.interaction))
    } else if offer.header.sha3_256 != Some(digest)
        || offer.header.entries.is_some()
        || offer.header.text
    {
        Decision::Refuse("not the recorded file (its SHA3-256 differs)".into())
    } else {
        Decision::AcceptAs(record.name.clone())
    }
}

/// A member's refusal of our re-request, if `answer` is one.
fn refusal_from(answer: &InboundMessage, interaction: &str, asked: &HashSet<Id>) -> Option<String> {
    if answer.message.mime_type != STATUS_TYPE || !asked.contains(&answer.from.peer.device) {
        return None;
    }
    let status: Status = serde_json::from_slice(&answer.message.payload).ok()?;
    (status.interaction == interaction && status.status == "refused")
        .then(|| status.reason.chars().take(200).collect())
}

fn hash_file(path: &Path) -> std::io::Result<Digest> {
    let (_, hasher) = crate::net::partfile::hash_prefix(std::fs::File::open(path)?, u64::MAX)?;
    Ok(hasher.finalize().into())
}

/// What the serving side needs to send files again.
#[derive(Clone)]
pub struct Resender {
    pub home: PathBuf,
    pub identity: Arc<Identity>,
    pub dht: Dht,
    pub candidates: CandidateOptions,
    pub console: Arc<crate::cli::output::Console>,
    pub interrupt: Interrupt,
}

/// The serving side, inside `ferry receive`: answer each re-request that arrives. Admission
/// ([`rerequest::Gate`]) is decided on the signing device before any work, and this loop never
/// waits for a resend slot: it only reads messages, so the queue behind it (and the offers
/// served beside it) never stalls, however many valid re-requests come from a device that
/// never answers.
pub async fn answer_rerequests(resender: Resender, mut messages: mpsc::Receiver<InboundMessage>) {
    let slots = Arc::new(Semaphore::new(MAX_RESENDS));
    let gate = Arc::new(Mutex::new(rerequest::Gate::default()));
    while let Some(message) = messages.recv().await {
        if message.message.mime_type != REQUEST_TYPE {
            continue;
        }
        let requester = message.from.peer.device;
        let interaction = DataTransferRequest::parse(&message.message.payload)
            .map(|r| r.interaction)
            .unwrap_or_default();
        let admitted = gate.lock().unwrap_or_else(|e| e.into_inner()).admit(
            requester,
            &interaction,
            std::time::Instant::now(),
        );
        if let Err(why) = admitted {
            tracing::info!("dropped a re-request from device {requester}: {why}");
            continue;
        }
        let outstanding = Outstanding {
            gate: gate.clone(),
            requester,
            interaction,
        };
        let (resender, slots) = (resender.clone(), slots.clone());
        tokio::spawn(async move {
            let _outstanding = outstanding;
            let Ok(_slot) = slots.acquire_owned().await else {
                return;
            };
            resender.answer(message).await;
        });
    }
}

/// An admitted re-request: outstanding in the gate until dropped (answered, failed, aborted).
struct Outstanding {
    gate: Arc<Mutex<rerequest::Gate>>,
    requester: Id,
    interaction: String,
}

impl Drop for Outstanding {
    fn drop(&mut self) {
        self.gate
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .finish(self.requester, &self.interaction);
    }
}

impl Resender {
    async fn answer(&self, message: InboundMessage) {
        let requester = message.from;
        let request = DataTransferRequest::parse(&message.message.payload);
        let interaction = request
            .as_ref()
            .map(|r| r.interaction.clone())
            .unwrap_or_default();
        let history = match history::load(&self.home) {
            Ok(h) => h,
            Err(err) => return tracing::warn!("cannot read the history: {err:#}"),
        };
        let resendable = match request {
            Ok(request) => self.resendable(&history, &requester, &request).await,
            Err(refusal) => Err(refusal),
        };
        let (record, digest, path) = match resendable {
            Ok(found) => found,
            Err(refusal) => return self.refuse(&requester, &interaction, refusal).await,
        };
        self.report(&requester, &interaction, "sending", String::new());
        tracing::info!("sending {interaction} again to {}", requester.peer);
        let outgoing = Outgoing {
            source: Source::File(path),
            name: record.name.clone(),
            transfer_id: record.interaction.clone(),
            limit_rate: None,
            digest: Some(digest),
        };
        let sent = async {
            let (stream, peer) = connector::connect_via_dht(
                &self.dht,
                &self.identity,
                &requester,
                &self.candidates,
                self.console.as_ref(),
            )
            .await?;
            let recorder = Recorder {
                home: self.home.clone(),
                account: self.identity.account,
            };
            super::send::deliver(
                &self.console,
                self.interrupt.clone(),
                &recorder,
                stream,
                peer,
                &outgoing,
            )
            .await
        };
        if let Err(err) = sent.await {
            self.console.report(Event::Error {
                transfer_id: Some(interaction.clone()),
                reason: format!("sending {interaction} again: {err:#}"),
            });
        }
    }

    /// The record `request` asks for, its digest and its file, still on disk with that digest.
    async fn resendable(
        &self,
        history: &[Interaction],
        requester: &DeviceInfo,
        request: &DataTransferRequest,
    ) -> Result<(Interaction, Digest, PathBuf), Refusal> {
        let record = rerequest::check(history, self.identity.account, &requester.peer, request)?;
        let interaction = record.interaction.clone();
        let (Some(path), Some(digest)) =
            (record.path.as_deref().map(PathBuf::from), record.digest())
        else {
            return Err(Refusal::NotResendable { interaction });
        };
        let hashed = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || hash_file(&path)).await
        };
        match hashed {
            Ok(Ok(found)) if found == digest => Ok((record.clone(), digest, path)),
            Ok(Ok(_)) => Err(Refusal::FileChanged { interaction }),
            _ => Err(Refusal::FileMissing {
                interaction,
                path: path.display().to_string(),
            }),
        }
    }

    fn report(
        &self,
        requester: &DeviceInfo,
        interaction: &str,
        outcome: &'static str,
        reason: String,
    ) {
        self.console.report(Event::Rerequest {
            interaction: interaction.to_string(),
            peer_device: requester.peer.device.to_string(),
            outcome,
            reason,
        });
    }

    /// Log and show a refusal; tell the requester when it is a member.
    async fn refuse(&self, requester: &DeviceInfo, interaction: &str, refusal: Refusal) {
        tracing::warn!("refused a re-request from {}: {refusal}", requester.peer);
        self.report(requester, interaction, "refused", refusal.to_string());
        if refusal.tell_requester() {
            self.tell_refused(requester, interaction, &refusal).await;
        }
    }

    async fn tell_refused(&self, requester: &DeviceInfo, interaction: &str, refusal: &Refusal) {
        let status = Status {
            interaction: interaction.to_string(),
            status: "refused".into(),
            reason: refusal.to_string(),
        };
        let Ok(payload) = serde_json::to_vec(&status) else {
            return;
        };
        if let Err(err) =
            connector::send_message(&self.dht, &self.identity, requester, STATUS_TYPE, payload)
                .await
        {
            tracing::warn!("could not answer a re-request: {err:#}");
        }
    }
}

/// Re-requests handed over by `ferry rerequest` to this `ferry receive` through the control
/// socket. Each is asked from here ([`ask`]); the offer that answers it reaches receive's own
/// decider, which asks [`Handovers::decide`] first; receive's `serve` keeps the file, records
/// it, and tells [`Handovers::settle`]; members' refusals come through
/// [`Handovers::status`]. At most [`MAX_HANDED`] at once, one per interaction.
pub struct Handovers {
    home: PathBuf,
    /// Where a re-request with no directory of its own keeps the file (receive's `--dir`).
    download_dir: PathBuf,
    console: Arc<Console>,
    interrupt: Interrupt,
    /// Whether this receive uses the DHT (not `--listen`): without, it cannot ask.
    uses_dht: bool,
    /// The DHT and identity to ask with, once receive is online.
    online: watch::Sender<Option<Online>>,
    slots: Arc<Semaphore>,
    expected: Mutex<HashMap<String, Expected>>,
}

/// What asking needs, known once `receive` is online.
#[derive(Clone)]
pub struct Online {
    pub dht: Dht,
    pub identity: Arc<Identity>,
}

/// A handed-over re-request waiting for its file.
struct Expected {
    record: Interaction,
    digest: Digest,
    members: [Id; 2],
    dir: PathBuf,
    /// The device whose offer of it was accepted, while that transfer runs.
    receiving: Option<Id>,
    replies: mpsc::Sender<Reply>,
    statuses: mpsc::Sender<InboundMessage>,
    arrivals: mpsc::Sender<Arrived>,
}

/// How the transfer of an expected file ended.
enum Arrived {
    Kept {
        path: PathBuf,
        digest: Digest,
        size: u64,
    },
    Failed(String),
}

impl Handovers {
    pub fn new(
        home: PathBuf,
        download_dir: PathBuf,
        console: Arc<Console>,
        interrupt: Interrupt,
        uses_dht: bool,
    ) -> Arc<Handovers> {
        Arc::new(Handovers {
            home,
            download_dir,
            console,
            interrupt,
            uses_dht,
            online: watch::Sender::new(None),
            slots: Arc::new(Semaphore::new(MAX_HANDED)),
            expected: Mutex::new(HashMap::new()),
        })
    }

    /// Receive is online: handed-over re-requests can ask from now on.
    pub fn go_online(&self, online: Online) {
        self.online.send_replace(Some(online));
    }

    fn expected(&self) -> std::sync::MutexGuard<'_, HashMap<String, Expected>> {
        self.expected.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The decision on `offer` when it is for a handed-over re-request; `None` otherwise.
    pub fn decide(&self, offer: &IncomingOffer) -> Option<Decision> {
        let mut expected = self.expected();
        let waiting = expected.get_mut(&offer.header.transfer_id)?;
        let decision = match check_offer(&waiting.record, waiting.digest, waiting.members, offer) {
            Decision::AcceptAs(_) if waiting.receiving.is_some() => {
                Decision::Refuse("another device is sending this file already".into())
            }
            Decision::AcceptAs(name) => {
                waiting.receiving = Some(offer.peer.device);
                let _ = waiting.replies.try_send(Reply::Progress {
                    outcome: "receiving".into(),
                    peer_device: Some(offer.peer.device.to_string()),
                    reason: String::new(),
                });
                Decision::AcceptInto {
                    dir: waiting.dir.clone(),
                    name,
                }
            }
            refusal => refusal,
        };
        Some(decision)
    }

    /// The transfer of the offer of `transfer_id` from `peer` ended with `result` (already
    /// recorded in the history when kept): tell the re-request that accepted it, if one did.
    pub fn settle(&self, transfer_id: &str, peer: &PeerIdentity, result: &Result<Received>) {
        let mut expected = self.expected();
        let Some(waiting) = expected.get_mut(transfer_id) else {
            return;
        };
        if waiting.receiving != Some(peer.device) {
            return;
        }
        waiting.receiving = None;
        let arrived = match result {
            Ok(Received::Kept {
                path, digest, size, ..
            }) => Arrived::Kept {
                path: std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()),
                digest: *digest,
                size: *size,
            },
            Ok(Received::RefusedHere(reason)) | Ok(Received::Withdrawn(reason)) => {
                Arrived::Failed(reason.clone())
            }
            // Refused by `check_offer` before it could arrive.
            Ok(Received::Text { .. }) => Arrived::Failed("a text, not the file".into()),
            Err(err) => Arrived::Failed(format!("{err:#}")),
        };
        // One transfer at a time per re-request: the channel has room for its outcome.
        let _ = waiting.arrivals.try_send(arrived);
    }

    /// A message to this device: a status answering a handed-over re-request goes to it.
    /// `false` when it is not one (for the other readers of messages).
    pub fn status(&self, message: &InboundMessage) -> bool {
        if message.message.mime_type != STATUS_TYPE {
            return false;
        }
        let Ok(status) = serde_json::from_slice::<Status>(&message.message.payload) else {
            return true;
        };
        if let Some(waiting) = self.expected().get(&status.interaction) {
            // Full only under a flood from a member; that refusal is then lost (timeout).
            let _ = waiting.statuses.try_send(message.clone());
        }
        true
    }

    fn take_on(
        self: &Arc<Self>,
        id: &str,
        dir: Option<PathBuf>,
        replies: &mpsc::Sender<Reply>,
    ) -> Result<Handed, Reply> {
        let error = |reason: String| Reply::Error { reason };
        if !self.uses_dht {
            return Err(Reply::Unavailable {
                reason:
                    "the running `ferry receive` does not take re-requests: it listens without \
                         the DHT (--listen), or receives with a code"
                        .into(),
            });
        }
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| {
            error(format!(
                "the running `ferry receive` already serves {MAX_HANDED} re-requests; \
                 try again when one has ended"
            ))
        })?;
        let history = history::load(&self.home).map_err(|e| error(format!("{e:#}")))?;
        let (record, digest) = find_record(&history, id).map_err(|e| error(format!("{e:#}")))?;
        let member = member_of(&record).map_err(|e| error(format!("{e:#}")))?;
        let dir = destination(&self.download_dir, dir.as_deref(), &record);
        std::fs::create_dir_all(&dir)
            .map_err(|e| error(format!("creating {}: {e}", dir.display())))?;
        let (statuses, statuses_in) = mpsc::channel(16);
        let (arrivals, arrivals_in) = mpsc::channel(1);
        let mut expected = self.expected();
        if expected.contains_key(id) {
            return Err(error(format!(
                "the running `ferry receive` is already re-requesting {id}"
            )));
        }
        // Filled in once online: until then no offer can answer it anyway.
        let own = self
            .online
            .borrow()
            .as_ref()
            .map_or(member, |o| o.identity.account);
        expected.insert(
            id.to_string(),
            Expected {
                record: record.clone(),
                digest,
                members: [member, own],
                dir,
                receiving: None,
                replies: replies.clone(),
                statuses,
                arrivals,
            },
        );
        Ok(Handed {
            handovers: self.clone(),
            record,
            member,
            statuses: statuses_in,
            arrivals: arrivals_in,
            _slot: slot,
        })
    }
}

impl control::Rerequests for Handovers {
    fn start(
        self: Arc<Self>,
        id: String,
        dir: Option<PathBuf>,
        timeout: Duration,
        replies: mpsc::Sender<Reply>,
    ) -> Result<(), Reply> {
        let handed = self.take_on(&id, dir, &replies)?;
        tracing::info!("re-requesting {id} for `ferry rerequest`");
        tokio::spawn(handed.run(timeout, replies));
        Ok(())
    }
}

/// A re-request taken on; it leaves the expected ones when dropped.
struct Handed {
    handovers: Arc<Handovers>,
    record: Interaction,
    member: Id,
    statuses: mpsc::Receiver<InboundMessage>,
    arrivals: mpsc::Receiver<Arrived>,
    _slot: OwnedSemaphorePermit,
}

impl Drop for Handed {
    fn drop(&mut self) {
        self.handovers.expected().remove(&self.record.interaction);
    }
}

impl Handed {
    /// Ask, wait, and send the outcome to the client; give up when it hangs up.
    async fn run(mut self, timeout: Duration, replies: mpsc::Sender<Reply>) {
        let interaction = self.record.interaction.clone();
        let deadline = tokio::time::Instant::now() + timeout;
        let mut interrupt = self.handovers.interrupt.clone();
        let reporter = ToClient {
            replies: replies.clone(),
            console: self.handovers.console.clone(),
        };
        let timed_out = no_file_within(&self.record, timeout);
        let outcome = tokio::select! {
            outcome = self.ask_and_wait(&reporter, timeout) => outcome,
            _ = tokio::time::sleep_until(deadline) => Reply::Error { reason: timed_out },
            _ = replies.closed() => {
                return tracing::info!("`ferry rerequest` of {interaction} hung up; given up");
            }
            _ = interrupt.wait() => Reply::Error {
                reason: "the running `ferry receive` was stopped".into(),
            },
        };
        tracing::info!("re-request of {interaction}: {outcome:?}");
        let _ = replies.send(outcome).await;
    }

    async fn ask_and_wait(&mut self, reporter: &ToClient, timeout: Duration) -> Reply {
        let mut online = self.handovers.online.subscribe();
        let online = match online.wait_for(Option::is_some).await {
            Ok(online) => online.clone(),
            Err(_) => None,
        };
        let Some(Online { dht, identity }) = online else {
            return Reply::Error {
                reason: "the running `ferry receive` never came online".into(),
            };
        };
        if let Some(waiting) = self.handovers.expected().get_mut(&self.record.interaction) {
            waiting.members = [self.member, identity.account];
        }
        let mut asked = match ask(&dht, &identity, self.member, &self.record, reporter).await {
            Ok(asked) => asked,
            Err(err) => {
                return Reply::Error {
                    reason: format!("{err:#}"),
                }
            }
        };
        waiting(reporter, &asked, timeout);
        loop {
            tokio::select! {
                Some(answer) = self.statuses.recv() => {
                    if let Some(reasons) = asked.take(&answer, reporter) {
                        return Reply::Refused { reason: reasons };
                    }
                }
                Some(arrived) = self.arrivals.recv() => match arrived {
                    Arrived::Kept { path, digest, size } => {
                        return Reply::Kept {
                            name: path
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_else(|| self.record.name.clone()),
                            path: path.display().to_string(),
                            size,
                            sha3_256: hex::encode(digest),
                        }
                    }
                    Arrived::Failed(reason) => reporter.report(Event::Error {
                        transfer_id: Some(self.record.interaction.clone()),
                        reason,
                    }),
                },
            }
        }
    }
}

/// Events of a handed-over re-request: shown by receive, and streamed to the client as
/// progress.
struct ToClient {
    replies: mpsc::Sender<Reply>,
    console: Arc<Console>,
}

impl Reporter for ToClient {
    fn report(&self, event: Event) {
        let progress = match &event {
            Event::Rerequest {
                peer_device,
                outcome,
                reason,
                ..
            } => Some((*outcome, Some(peer_device.clone()), reason.clone())),
            Event::Phase { what, .. } => Some(("waiting", None, what.clone())),
            Event::Error { reason, .. } => Some(("failed", None, reason.clone())),
            _ => None,
        };
        if let Some((outcome, peer_device, reason)) = progress {
            // A few lines per device asked: room enough unless the client stopped reading.
            let _ = self.replies.try_send(Reply::Progress {
                outcome: outcome.into(),
                peer_device,
                reason,
            });
        }
        self.console.report(event);
    }
}
