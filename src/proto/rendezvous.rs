//! Connection setup on the DHT as pure machines, time an input: what the offering side does
//! while it waits for an answer, and the order in which the answering side acts. The crypto
//! (sealing, signatures, replay and age rules) is [`crate::proto::signal`]'s; the DHT and the
//! sockets are the driver's (`connector`).
//!
//! **Offering** ([`Offering`]). The sender has published one offer (id `id`) for one device and
//! waits at most [`ANSWER_TIMEOUT`]. A busy node may drop the offer or the update that carries
//! it to the device, so while no answer came the offer is published again every
//! [`OFFER_AGAIN`] (as a new value: a refresh would reach no listener). The first answer that
//! is for this offer and signed by that device ends the wait: accepted, or refused with the
//! device's reason (peer text, cut to one printable line). Anything else at the sender's key
//! (other offers' answers, other devices, offers) leaves it waiting.
//!
//! **Answering** ([`Answering`]). An admitted offer is answered in three steps, in this order:
//! permit the peer on our TURN relays, publish the answer, run ICE. A peer dials our relayed
//! address as soon as it reads the answer; a relay turns it away until the permission exists,
//! and under load its checks could run out first (the bug of commit bf97552 published first).

use crate::proto::identity::Id;
use crate::proto::signal::Request;
use std::time::{Duration, Instant};

/// How long a sender waits for the answer to its offer.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// How often an unanswered offer is published again.
pub const OFFER_AGAIN: Duration = Duration::from_secs(6);
/// Longest refusal reason kept from a peer.
const MAX_REASON_CHARS: usize = 200;

/// The sender's wait for the answer to one offer.
#[derive(Debug)]
pub struct Offering {
    id: u64,
    device: Id,
    deadline: Instant,
    again_at: Instant,
    over: bool,
}

/// How the wait ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The device answered with its ICE parameters.
    Accepted(Box<Request>),
    /// The device refused the offer, for this reason.
    Refused(String),
}

/// What a timeout asks the driver to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Publish the offer again, as a new value.
    PublishAgain,
    /// No answer within [`ANSWER_TIMEOUT`]: the device is unreachable.
    GaveUp,
}

impl Offering {
    /// The offer `id` for `device` was published at `now`.
    pub fn new(now: Instant, id: u64, device: Id) -> Offering {
        Offering {
            id,
            device,
            deadline: now + ANSWER_TIMEOUT,
            again_at: now + OFFER_AGAIN,
            over: false,
        }
    }

    /// When [`Offering::handle_timeout`] must be called next; `None` once the wait is over.
    pub fn poll_timeout(&self) -> Option<Instant> {
        (!self.over).then(|| self.again_at.min(self.deadline))
    }

    pub fn handle_timeout(&mut self, now: Instant) -> Option<Tick> {
        if self.over {
            return None;
        }
        if now >= self.deadline {
            self.over = true;
            return Some(Tick::GaveUp);
        }
        if now < self.again_at {
            return None;
        }
        // Once per due time, however late the driver is.
        while self.again_at <= now {
            self.again_at += OFFER_AGAIN;
        }
        Some(Tick::PublishAgain)
    }

    /// A request opened and verified at the sender's key, signed by device `signer`: the
    /// answer if it is the one awaited.
    pub fn handle_request(&mut self, request: Request, signer: Id) -> Option<Answer> {
        if self.over || !request.is_answer || request.id != self.id || signer != self.device {
            return None;
        }
        self.over = true;
        if request.refused.is_empty() {
            return Some(Answer::Accepted(Box::new(request)));
        }
        Some(Answer::Refused(
            request
                .refused
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_REASON_CHARS)
                .collect(),
        ))
    }
}

/// One step of answering an admitted offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Let the peer's addresses in on our TURN relays (and wait until the relays confirm).
    PermitPeer,
    /// Publish the answer (without waiting for the storing nodes' acknowledgements: ICE may
    /// start as soon as the datagrams are out).
    PublishAnswer,
    /// Run the connectivity checks.
    ConnectIce,
}

/// The answering side's steps for one offer, in the order they must happen.
#[derive(Debug)]
pub struct Answering {
    next: Option<Step>,
}

impl Answering {
    /// `relayed`: whether our candidates include a relayed address (else there is nothing to
    /// permit).
    pub fn new(relayed: bool) -> Answering {
        Answering {
            next: Some(if relayed {
                Step::PermitPeer
            } else {
                Step::PublishAnswer
            }),
        }
    }

    /// The step to take now; the driver takes it before asking again. `None` when done.
    pub fn next_step(&mut self) -> Option<Step> {
        let step = self.next?;
        self.next = match step {
            Step::PermitPeer => Some(Step::PublishAnswer),
            Step::PublishAnswer => Some(Step::ConnectIce),
            Step::ConnectIce => None,
        };
        Some(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_bytes::ByteBuf;

    fn device(n: u8) -> Id {
        Id([n; 20])
    }

    fn request(id: u64, is_answer: bool, refused: &str) -> Request {
        Request {
            id,
            ts: 0,
            is_answer,
            chain: Vec::new(),
            enc_key: ByteBuf::new(),
            ufrag: "ufrag".into(),
            pwd: "password".into(),
            candidates: Vec::new(),
            conn_type: "ferry".into(),
            public_addrs: Vec::new(),
            to: String::new(),
            refused: refused.into(),
        }
    }

    #[test]
    fn an_unanswered_offer_is_published_again_every_six_seconds_until_thirty() {
        let t0 = Instant::now();
        let mut wait = Offering::new(t0, 7, device(1));
        let mut again = Vec::new();
        let mut now = t0;
        // Bounded: 30 s in steps of at least one millisecond.
        for _ in 0..40_000 {
            let Some(at) = wait.poll_timeout() else { break };
            now = at.max(now + Duration::from_millis(1));
            match wait.handle_timeout(now) {
                Some(Tick::PublishAgain) => again.push((now - t0).as_secs()),
                Some(Tick::GaveUp) => break,
                None => {}
            }
        }
        assert_eq!(again, [6, 12, 18, 24]);
        assert_eq!((now - t0).as_secs(), 30);
        assert_eq!(wait.poll_timeout(), None);
        assert_eq!(wait.handle_timeout(now + ANSWER_TIMEOUT), None);
    }

    #[test]
    fn a_late_driver_publishes_once_per_wake_not_once_per_missed_period() {
        let t0 = Instant::now();
        let mut wait = Offering::new(t0, 7, device(1));
        let late = t0 + Duration::from_secs(20);
        assert_eq!(wait.handle_timeout(late), Some(Tick::PublishAgain));
        assert_eq!(wait.handle_timeout(late), None);
        assert_eq!(wait.poll_timeout(), Some(t0 + Duration::from_secs(24)));
    }

    #[test]
    fn only_the_answer_to_this_offer_from_this_device_ends_the_wait() {
        let t0 = Instant::now();
        let mut wait = Offering::new(t0, 7, device(1));
        // Another device, another offer's answer, an offer: still waiting.
        assert_eq!(wait.handle_request(request(7, true, ""), device(2)), None);
        assert_eq!(wait.handle_request(request(8, true, ""), device(1)), None);
        assert_eq!(wait.handle_request(request(7, false, ""), device(1)), None);
        assert!(wait.poll_timeout().is_some());
        let answer = wait.handle_request(request(7, true, ""), device(1));
        assert!(matches!(answer, Some(Answer::Accepted(r)) if r.ufrag == "ufrag"));
        // Over: a second copy of the answer, or the deadline, changes nothing.
        assert_eq!(wait.handle_request(request(7, true, ""), device(1)), None);
        assert_eq!(wait.handle_timeout(t0 + ANSWER_TIMEOUT), None);
    }

    #[test]
    fn a_refusal_reason_is_one_printable_line_of_bounded_length() {
        let mut wait = Offering::new(Instant::now(), 7, device(1));
        let hostile = format!("busy\n\x1b[31m{}", "x".repeat(1000));
        let Some(Answer::Refused(reason)) =
            wait.handle_request(request(7, true, &hostile), device(1))
        else {
            panic!("a refusal expected");
        };
        assert!(reason.starts_with("busy[31m"), "{reason:?}");
        assert_eq!(reason.chars().count(), MAX_REASON_CHARS);
        assert!(!reason.chars().any(char::is_control));
    }

    /// Commit bf97552's bug: the answer went out before the relay permitted the peer, whose
    /// first dials the relay turned away.
    #[test]
    fn the_peer_is_permitted_on_the_relay_before_the_answer_is_published() {
        let mut relayed = Answering::new(true);
        let steps: Vec<Step> = std::iter::from_fn(|| relayed.next_step()).collect();
        assert_eq!(
            steps,
            [Step::PermitPeer, Step::PublishAnswer, Step::ConnectIce]
        );
        let mut direct = Answering::new(false);
        let steps: Vec<Step> = std::iter::from_fn(|| direct.next_step()).collect();
        assert_eq!(steps, [Step::PublishAnswer, Step::ConnectIce]);
    }
}
