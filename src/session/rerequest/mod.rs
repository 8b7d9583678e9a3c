//! Re-requests, the parts a running device shares between `ferry rerequest` and `ferry receive`
//! (the messages and the decision are `crate::rerequest`): finding the record and asking the
//! other member's devices ([`ask`], [`Asked`]), checking the offer that answers
//! ([`check_offer`]), serving others' re-requests ([`resend`]) and the requests `rerequest`
//! hands to a running `receive` through the control socket ([`handover`]).

mod handover;
mod requester;
mod resend;

pub use handover::{Handovers, Online};
pub(crate) use requester::{ask_here, hand_over};
pub use resend::{answer_rerequests, Resender};

use crate::cli::output::Console;
use crate::connector::{self, InboundMessage};
use crate::events::{Event, Reporter};
use crate::history::{self, Interaction, Recorder};
use crate::identity::{Id, Identity, PeerIdentity};
use crate::net::control::{self, Reply};
use crate::net::dht::Dht;
use crate::net::ice::CandidateOptions;
use crate::net::transfer::{Decide, Decision, IncomingOffer, Outgoing, Received, Source};
use crate::net::Interrupt;
use crate::proto::sha3::Digest as _;
use crate::proto::signal::DeviceInfo;
use crate::proto::transfer::Digest;
use crate::rerequest::{self, DataTransferRequest, Refusal, Status, REQUEST_TYPE, STATUS_TYPE};
use crate::session::SessionError;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};

type Result<T, E = SessionError> = std::result::Result<T, E>;

/// The newest complete record of interaction `id` and its digest: a file received again has
/// a newer path.
pub(crate) fn find_record(history: &[Interaction], id: &str) -> Result<(Interaction, Digest)> {
    history
        .iter()
        .rev()
        .filter(|i| i.interaction == id && i.is_complete())
        .find_map(|i| Some((i.clone(), i.digest()?)))
        .ok_or_else(|| SessionError::NoRecord { id: id.to_string() })
}

/// The other member of the conversation `record` belongs to.
pub(crate) fn member_of(record: &Interaction) -> Result<Id> {
    record
        .peer_account
        .parse()
        .map_err(|_| SessionError::NoPeerAccount {
            interaction: record.interaction.clone(),
        })
}

/// `dir` (`--dir`), else the directory the file was kept in, else `download_dir`.
pub(crate) fn destination(
    download_dir: &Path,
    dir: Option<&Path>,
    record: &Interaction,
) -> PathBuf {
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

pub(crate) fn no_file_within(record: &Interaction, timeout: Duration) -> SessionError {
    SessionError::NoFileWithin {
        interaction: record.interaction.clone(),
        waited_secs: timeout.as_secs(),
    }
}

/// Ask every announced device of `member` to send `record`'s file again; each one asked (or
/// that could not be) is reported.
pub(crate) async fn ask(
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
        return Err(SessionError::MemberNotAnnounced { member });
    }
    let payload = serde_json::to_vec(&DataTransferRequest {
        conversation: record.conversation.clone(),
        interaction: record.interaction.clone(),
        device_id: identity.device.to_string(),
    })
    .map_err(SessionError::Encode)?;
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
        return Err(SessionError::CouldNotAsk { member });
    }
    Ok(asked)
}

/// Say that the devices were asked and how long the answer is awaited.
pub(crate) fn waiting(reporter: &dyn Reporter, asked: &Asked, timeout: Duration) {
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
    pub(crate) interaction: String,
    pub(crate) devices: HashSet<Id>,
    pub(crate) refused: HashMap<Id, String>,
}

impl Asked {
    /// Take `answer` if it is a refusal from a device asked (and report it): every reason,
    /// once every device asked refused.
    pub(crate) fn take(
        &mut self,
        answer: &InboundMessage,
        reporter: &dyn Reporter,
    ) -> Option<String> {
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
pub(crate) fn expect_offer(record: Interaction, digest: Digest, members: [Id; 2]) -> Decide {
    Arc::new(move |offer: IncomingOffer| {
        let decision = check_offer(&record, digest, members, &offer);
        Box::pin(async move { decision })
    })
}

/// The decision on an offer that may answer a re-request of `record`: from a member account,
/// for exactly this interaction, announcing exactly the recorded digest; saved under the
/// recorded name.
pub(crate) fn check_offer(
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
pub(crate) fn refusal_from(
    answer: &InboundMessage,
    interaction: &str,
    asked: &HashSet<Id>,
) -> Option<String> {
    if answer.message.mime_type != STATUS_TYPE || !asked.contains(&answer.from.peer.device) {
        return None;
    }
    let status: Status = serde_json::from_slice(&answer.message.payload).ok()?;
    (status.interaction == interaction && status.status == "refused")
        .then(|| status.reason.chars().take(200).collect())
}

pub(crate) fn hash_file(path: &Path) -> std::io::Result<Digest> {
    let (_, hasher) = crate::net::partfile::hash_prefix(std::fs::File::open(path)?, u64::MAX)?;
    Ok(hasher.finalize().into())
}
