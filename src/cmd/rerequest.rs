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
//! The serving side runs inside `ferry receive` ([`answer_rerequests`]): it checks the request
//! against its history, hashes the file on disk again, and sends it by an ordinary transfer.

use super::Context;
use crate::cli::RerequestArgs;
use crate::connector::{self, InboundMessage, Incoming};
use crate::events::{Event, Reporter};
use crate::history::{self, Interaction, Recorder};
use crate::identity::{Id, Identity};
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
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};

/// Re-requests served at once by one `receive` (each hashes a whole file first).
const MAX_RESENDS: usize = 2;

/// The requester's side: `ferry rerequest ID`.
pub async fn run(ctx: &Context, args: RerequestArgs) -> Result<()> {
    let identity = Arc::new(ctx.identity()?);
    let history = history::load(&ctx.home)?;
    // The newest complete record: a file received again has a newer path.
    let (record, digest) = history
        .iter()
        .rev()
        .filter(|i| i.interaction == args.id && i.is_complete())
        .find_map(|i| Some((i, i.digest()?)))
        .ok_or_else(|| {
            anyhow!(
                "no completed transfer {:?} in this device's history (see `ferry history`)",
                args.id
            )
        })?;
    let member: Id = record
        .peer_account
        .parse()
        .map_err(|_| anyhow!("the history names no valid peer account for {}", args.id))?;
    let dir = destination(ctx, &args, record);
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

    let dht = ctx.start_dht().await?;
    dht.wait_for_nodes(1, crate::net::dht::JOIN_WAIT).await?;
    let devices = connector::still_receiving(
        connector::resolve(&dht, member).await?,
        ctx.console.as_ref(),
    )?;
    tracing::info!("account {member} has {} announced device(s)", devices.len());
    if devices.is_empty() {
        bail!("no device of account {member} is announced on the DHT (is `ferry receive` running there?)");
    }
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
    let payload = serde_json::to_vec(&DataTransferRequest {
        conversation: record.conversation.clone(),
        interaction: record.interaction.clone(),
        device_id: identity.device.to_string(),
    })?;
    let mut asked = HashSet::new();
    for device in &devices {
        match connector::send_message(&dht, &identity, device, REQUEST_TYPE, payload.clone()).await
        {
            Ok(()) => {
                asked.insert(device.peer.device);
                ctx.console.report(Event::Rerequest {
                    interaction: record.interaction.clone(),
                    peer_device: device.peer.device.to_string(),
                    outcome: "asked",
                    reason: String::new(),
                });
            }
            Err(err) => tracing::warn!("{err:#}"),
        }
    }
    if asked.is_empty() {
        bail!("could not ask any device of account {member}");
    }

    let decide = expect_offer(record.clone(), digest, [member, identity.account]);
    let recorder = Recorder {
        home: ctx.home.clone(),
        account: identity.account,
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout);
    let mut interrupt = ctx.interrupt.clone();
    let mut refusals = Vec::new();
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => bail!(
                "no member device sent {} within {}s",
                record.interaction,
                args.timeout
            ),
            _ = interrupt.wait() => return Err(Stop::Interrupted.into()),
            Some(answer) = answers.recv() => {
                let Some(reason) = refusal_from(&answer, &record.interaction, &asked) else {
                    continue;
                };
                ctx.console.report(Event::Rerequest {
                    interaction: record.interaction.clone(),
                    peer_device: answer.from.peer.device.to_string(),
                    outcome: "refused",
                    reason: reason.clone(),
                });
                refusals.push(reason);
                if refusals.len() == asked.len() {
                    return Err(Stop::Refused(refusals.join("; ")).into());
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
                    Some(&dir),
                    decide.clone(),
                    ctx.console.as_ref(),
                    ctx.interrupt.clone(),
                )
                .await;
                match received {
                    Ok(Received::Kept { path, digest, size, .. }) => {
                        let path = std::fs::canonicalize(&path).unwrap_or(path);
                        recorder.record(
                            "received",
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
                    Err(err) => ctx.console.report(Event::Error {
                        transfer_id: Some(record.interaction.clone()),
                        reason: format!("{err:#}"),
                    }),
                }
            }
        }
    }
}

/// `--dir`, else the directory the file was kept in, else the configured download directory.
fn destination(ctx: &Context, args: &RerequestArgs, record: &Interaction) -> PathBuf {
    if let Some(dir) = &args.dir {
        return dir.clone();
    }
    record
        .path
        .as_deref()
        .and_then(|p| Path::new(p).parent())
        .filter(|p| p.is_dir())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ctx.settings.dir.value.clone())
}

/// Accept only the offer that answers the re-request: from a member account, for exactly this
/// interaction, announcing exactly the recorded digest; saved under the recorded name.
fn expect_offer(record: Interaction, digest: Digest, members: [Id; 2]) -> Decide {
    Arc::new(move |offer: IncomingOffer| {
        let decision = if !members.contains(&offer.peer.account) {
            Decision::Refuse(format!(
                "{} is not a member of this conversation",
                offer.peer
            ))
        } else if offer.header.transfer_id != record.interaction {
            Decision::Refuse(format!("this device waits for {} only", record.interaction))
        } else if offer.header.sha3_256 != Some(digest) || offer.header.entries.is_some() {
            Decision::Refuse("not the recorded file (its SHA3-256 differs)".into())
        } else {
            Decision::AcceptAs(record.name.clone())
        };
        Box::pin(async move { decision })
    })
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
