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
            direction: "sent".into(),
            name: "report.pdf".into(),
            size: 3,
            sha3_256: Some("ab".repeat(32)),
            peer_device: id(20).to_string(),
            peer_account: id(2).to_string(),
            outcome: "done".into(),
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
        history[0].outcome = "error".into();
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
}
