//! Re-request: a device that lacks a file asks the conversation's other members to send it
//! again (DESIGN.md §6, as Jami's `application/data-transfer-request+json` messages).
//!
//! ```text
//! requester                                    member device running `ferry receive`
//!   message REQUEST_TYPE {"conversation",       ─▶  check(): signer = deviceId, interaction
//!            "interaction","deviceId"}              known in that conversation, signer's
//!   (sealed to each device of the other member)     account a member, file recorded with a
//!                                                    path and digest; then the file on disk
//!                                                    still hashes to the recorded digest
//!                                        ◀─  an ordinary transfer (connection request on
//!                                            the DHT, ICE, TLS), `Ferry-Transfer-Id` = the
//!                                            interaction, `Ferry-Sha3-256` = recorded digest
//!   accepted automatically only if both match; kept only if the body hashes to it
//!                                        ◀─  or, to a member, message STATUS_TYPE
//!                                            {"interaction","status":"refused","reason"}
//! ```
//! Requests from non-members get no answer at all (nothing tells them the conversation
//! exists); every refusal is logged on the serving side.
//!
//! This module holds the messages and the decision, without I/O; `cmd/rerequest.rs` runs both
//! sides.

use crate::history::Interaction;
use crate::identity::{Id, PeerIdentity};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

/// The MIME type of a re-request, as Jami names it.
pub const REQUEST_TYPE: &str = "application/data-transfer-request+json";
/// The MIME type of the answer a member gets when its re-request is refused.
pub const STATUS_TYPE: &str = "application/data-transfer-status+json";

/// The re-request payload (JSON, Jami's field names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataTransferRequest {
    pub conversation: String,
    pub interaction: String,
    #[serde(rename = "deviceId")]
    pub device_id: String,
}

/// A refusal sent back to a member (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub interaction: String,
    /// Always `refused` for now.
    pub status: String,
    pub reason: String,
}

/// Why a re-request is not served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the payload is not a data-transfer request")]
    Malformed,
    #[error("the request names device {named}, but device {signer} signed it")]
    DeviceMismatch { named: String, signer: Id },
    #[error("account {account} is not a member of conversation {conversation}")]
    NotAMember { account: Id, conversation: String },
    #[error("interaction {interaction} is unknown in conversation {conversation}")]
    UnknownInteraction {
        interaction: String,
        conversation: String,
    },
    #[error("interaction {interaction} was not kept here as a single file")]
    NotResendable { interaction: String },
    #[error("the file of interaction {interaction} is gone from {path}")]
    FileMissing { interaction: String, path: String },
    #[error("the file of interaction {interaction} changed on disk since it was sent")]
    FileChanged { interaction: String },
}

impl Refusal {
    /// Whether the requester is told: only members learn anything about the conversation.
    pub fn tell_requester(&self) -> bool {
        !matches!(
            self,
            Refusal::Malformed | Refusal::DeviceMismatch { .. } | Refusal::NotAMember { .. }
        )
    }
}

/// The members of the conversation `interaction` belongs to, as this device sees it.
fn is_member(account: Id, own_account: Id, interaction: &Interaction) -> bool {
    account == own_account || account.to_string() == interaction.peer_account
}

/// Longest id accepted in a request (ids are 16 to 40 hex digits; anything longer is not ours).
const MAX_ID_CHARS: usize = 128;

impl DataTransferRequest {
    /// The payload of a re-request, with ids of a sane length.
    pub fn parse(payload: &[u8]) -> Result<DataTransferRequest, Refusal> {
        let request: DataTransferRequest =
            serde_json::from_slice(payload).map_err(|_| Refusal::Malformed)?;
        let ids = [
            &request.conversation,
            &request.interaction,
            &request.device_id,
        ];
        if ids.iter().any(|id| id.len() > MAX_ID_CHARS) {
            return Err(Refusal::Malformed);
        }
        Ok(request)
    }
}

/// Decide on `request` from `requester`, against this device's `history`: the recorded
/// interaction to send again (complete, with its path and digest), or why not. The file's
/// digest on disk is checked afterwards by the caller ([`Refusal::FileChanged`]).
pub fn check<'h>(
    history: &'h [Interaction],
    own_account: Id,
    requester: &PeerIdentity,
    request: &DataTransferRequest,
) -> Result<&'h Interaction, Refusal> {
    if request.device_id != requester.device.to_string() {
        return Err(Refusal::DeviceMismatch {
            named: request.device_id.clone(),
            signer: requester.device,
        });
    }
    let conversation: Vec<&Interaction> = history
        .iter()
        .filter(|i| i.conversation == request.conversation)
        .collect();
    // Membership first, from any interaction of the conversation: a non-member learns
    // nothing, not even whether the interaction exists.
    if !conversation
        .first()
        .is_some_and(|i| is_member(requester.account, own_account, i))
    {
        return Err(Refusal::NotAMember {
            account: requester.account,
            conversation: request.conversation.clone(),
        });
    }
    let records: Vec<&Interaction> = conversation
        .into_iter()
        .filter(|i| i.interaction == request.interaction)
        .collect();
    // The latest complete record wins (a file received again has a newer path).
    let resendable = records
        .iter()
        .rev()
        .find(|i| i.is_complete() && i.path.is_some());
    match (resendable, records.is_empty()) {
        (Some(i), _) => Ok(i),
        (None, false) => Err(Refusal::NotResendable {
            interaction: request.interaction.clone(),
        }),
        (None, true) => Err(Refusal::UnknownInteraction {
            interaction: request.interaction.clone(),
            conversation: request.conversation.clone(),
        }),
    }
}

/// Re-requests one device may have admitted per [`RATE_WINDOW`]: a lost file or two is asked
/// for again now and then, not in bursts.
pub const MAX_PER_REQUESTER: usize = 4;
/// The window of [`MAX_PER_REQUESTER`].
pub const RATE_WINDOW: Duration = Duration::from_secs(600);
/// Re-requests admitted and not finished yet, from everyone: each waits for or holds a resend
/// slot (and may dial a requester that never answers), so their number is bounded.
pub const MAX_OUTSTANDING: usize = 8;
/// Requesting devices remembered for the rate limit; past that the longest-quiet is forgotten
/// (memory stays bounded whoever signs).
pub const MAX_TRACKED_REQUESTERS: usize = 1024;

/// Why a re-request was dropped before any work (not even reading the history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Throttled {
    #[error("the same re-request from this device is already being answered")]
    Duplicate,
    #[error("this device asked more than {MAX_PER_REQUESTER} times in {}s", RATE_WINDOW.as_secs())]
    RateLimited,
    #[error("{MAX_OUTSTANDING} re-requests are being answered already")]
    Full,
}

/// Admission of re-requests, decided on the signing device before any work: at most one
/// outstanding per (requester, interaction), [`MAX_PER_REQUESTER`] per [`RATE_WINDOW`] per
/// requester, [`MAX_OUTSTANDING`] in all. Pure: time is an input.
#[derive(Debug, Default)]
pub struct Gate {
    outstanding: HashSet<(Id, String)>,
    /// When each requester's admitted re-requests came, oldest first (at most
    /// [`MAX_PER_REQUESTER`] each).
    recent: HashMap<Id, VecDeque<Instant>>,
}

impl Gate {
    /// Admit the re-request of `interaction` by `requester` at `now`, or say why not. An
    /// admitted one counts as outstanding until [`Gate::finish`].
    pub fn admit(
        &mut self,
        requester: Id,
        interaction: &str,
        now: Instant,
    ) -> Result<(), Throttled> {
        let key = (requester, interaction.to_string());
        if self.outstanding.contains(&key) {
            return Err(Throttled::Duplicate);
        }
        if self.outstanding.len() >= MAX_OUTSTANDING {
            return Err(Throttled::Full);
        }
        let times = self.recent.entry(requester).or_default();
        while times
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= RATE_WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= MAX_PER_REQUESTER {
            return Err(Throttled::RateLimited);
        }
        times.push_back(now);
        self.outstanding.insert(key);
        self.forget_quiet(now);
        Ok(())
    }

    /// The re-request of `interaction` by `requester` was answered (or failed).
    pub fn finish(&mut self, requester: Id, interaction: &str) {
        self.outstanding
            .remove(&(requester, interaction.to_string()));
    }

    /// Keep at most [`MAX_TRACKED_REQUESTERS`]: drop those whose window ended, then the
    /// longest-quiet.
    fn forget_quiet(&mut self, now: Instant) {
        if self.recent.len() <= MAX_TRACKED_REQUESTERS {
            return;
        }
        self.recent.retain(|_, times| {
            times
                .back()
                .is_some_and(|t| now.saturating_duration_since(*t) < RATE_WINDOW)
        });
        while self.recent.len() > MAX_TRACKED_REQUESTERS {
            let quietest = self
                .recent
                .iter()
                .min_by_key(|(_, times)| times.back().copied())
                .map(|(id, _)| *id);
            match quietest {
                Some(id) => self.recent.remove(&id),
                None => break,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::conversation;

    fn id(byte: u8) -> Id {
        Id([byte; 20])
    }

    fn peer(account: u8, device: u8) -> PeerIdentity {
        PeerIdentity {
            account: id(account),
            device: id(device),
        }
    }

    /// Alice (account 1) sent interaction `t1` to Bob (account 2) and kept its path.
    fn alice_history() -> Vec<Interaction> {
        vec![Interaction {
            conversation: conversation(&id(1), &id(2)),
            interaction: "t1".into(),
            direction: crate::history::Direction::Sent,
            name: "report.pdf".into(),
            size: 3,
            sha3_256: Some("ab".repeat(32)),
            peer_device: id(20).to_string(),
            peer_account: id(2).to_string(),
            outcome: crate::history::Outcome::Done,
            path: Some("/data/report.pdf".into()),
            at: 1,
        }]
    }

    fn request(conversation: &str, interaction: &str, device: Id) -> DataTransferRequest {
        DataTransferRequest::parse(&payload(conversation, interaction, device)).unwrap()
    }

    fn payload(conversation: &str, interaction: &str, device: Id) -> Vec<u8> {
        serde_json::to_vec(&DataTransferRequest {
            conversation: conversation.into(),
            interaction: interaction.into(),
            device_id: device.to_string(),
        })
        .unwrap()
    }

    #[test]
    fn a_member_device_gets_the_recorded_file() {
        let history = alice_history();
        let conv = conversation(&id(1), &id(2));
        // Another device (21) of Bob's account, and Alice's own other device (11).
        for requester in [peer(2, 21), peer(1, 11)] {
            let asked = request(&conv, "t1", requester.device);
            let found = check(&history, id(1), &requester, &asked).unwrap();
            assert_eq!(found.interaction, "t1");
            assert_eq!(found.path.as_deref(), Some("/data/report.pdf"));
        }
    }

    #[test]
    fn the_payload_uses_jamis_field_names() {
        let json: serde_json::Value = serde_json::from_slice(&payload("c", "i", id(3))).unwrap();
        assert_eq!(json["deviceId"], id(3).to_string());
        assert_eq!(json["conversation"], "c");
        assert_eq!(json["interaction"], "i");
    }

    #[test]
    fn non_members_unknown_interactions_and_impostors_are_refused() {
        let history = alice_history();
        let conv = conversation(&id(1), &id(2));
        let carol = peer(3, 30);
        let refused = check(&history, id(1), &carol, &request(&conv, "t1", carol.device));
        assert!(matches!(refused, Err(Refusal::NotAMember { .. })));
        assert!(!refused.unwrap_err().tell_requester());
        // Not a member of an unknown conversation either: nothing is revealed.
        let bob = peer(2, 21);
        assert!(matches!(
            check(&history, id(1), &bob, &request("other", "t1", bob.device)),
            Err(Refusal::NotAMember { .. })
        ));
        let unknown = check(&history, id(1), &bob, &request(&conv, "t9", bob.device));
        assert!(matches!(unknown, Err(Refusal::UnknownInteraction { .. })));
        assert!(unknown.unwrap_err().tell_requester());
        // Bob's device naming another device in the payload.
        assert!(matches!(
            check(&history, id(1), &bob, &request(&conv, "t1", id(99))),
            Err(Refusal::DeviceMismatch { .. })
        ));
        assert_eq!(
            DataTransferRequest::parse(b"not json"),
            Err(Refusal::Malformed)
        );
        assert_eq!(
            DataTransferRequest::parse(&payload(&"c".repeat(MAX_ID_CHARS + 1), "t1", bob.device)),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn a_transfer_that_did_not_complete_cannot_be_sent_again() {
        let mut history = alice_history();
        history[0].outcome = crate::history::Outcome::Error;
        history[0].path = None;
        let conv = conversation(&id(1), &id(2));
        let bob = peer(2, 21);
        assert_eq!(
            check(&history, id(1), &bob, &request(&conv, "t1", bob.device)),
            Err(Refusal::NotResendable {
                interaction: "t1".into()
            })
        );
    }

    #[test]
    fn one_outstanding_re_request_per_requester_and_interaction() {
        let mut gate = Gate::default();
        let now = Instant::now();
        assert_eq!(gate.admit(id(7), "t1", now), Ok(()));
        assert_eq!(gate.admit(id(7), "t1", now), Err(Throttled::Duplicate));
        // Another interaction, another device: their own.
        assert_eq!(gate.admit(id(7), "t2", now), Ok(()));
        assert_eq!(gate.admit(id(8), "t1", now), Ok(()));
        gate.finish(id(7), "t1");
        assert_eq!(gate.admit(id(7), "t1", now), Ok(()));
    }

    #[test]
    fn a_requester_gets_a_few_re_requests_per_window() {
        let mut gate = Gate::default();
        let start = Instant::now();
        for n in 0..MAX_PER_REQUESTER {
            let interaction = format!("t{n}");
            let when = start + Duration::from_secs(n as u64);
            assert_eq!(gate.admit(id(7), &interaction, when), Ok(()));
            gate.finish(id(7), &interaction);
        }
        let burst_end = start + Duration::from_secs(MAX_PER_REQUESTER as u64);
        assert_eq!(
            gate.admit(id(7), "late", burst_end),
            Err(Throttled::RateLimited)
        );
        // Others are not held back by it.
        assert_eq!(gate.admit(id(8), "late", burst_end), Ok(()));
        // Once the window has passed, the first slot is free again.
        let later = start + RATE_WINDOW;
        assert_eq!(gate.admit(id(7), "late", later), Ok(()));
        assert_eq!(
            gate.admit(id(7), "later", later),
            Err(Throttled::RateLimited)
        );
    }

    #[test]
    fn outstanding_re_requests_are_bounded_and_requesters_remembered_are_too() {
        let mut gate = Gate::default();
        let now = Instant::now();
        for n in 0..MAX_OUTSTANDING {
            assert_eq!(gate.admit(id(n as u8), "t", now), Ok(()));
        }
        assert_eq!(gate.admit(id(200), "t", now), Err(Throttled::Full));
        gate.finish(id(0), "t");
        assert_eq!(gate.admit(id(200), "t", now), Ok(()));

        let mut gate = Gate::default();
        for n in 0..(MAX_TRACKED_REQUESTERS + 50) as u32 {
            let mut bytes = [0u8; 20];
            bytes[..4].copy_from_slice(&n.to_be_bytes());
            let when = now + Duration::from_millis(n.into());
            assert_eq!(gate.admit(Id(bytes), "t", when), Ok(()));
            gate.finish(Id(bytes), "t");
        }
        assert!(gate.recent.len() <= MAX_TRACKED_REQUESTERS);
    }
}
