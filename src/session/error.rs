//! How a session can end other than done: a layer's own failure, an outcome decided here (a
//! refusal, no answer, Ctrl-C: a [`Stop`]), or one of the session's own sentences.
//!
//! The session's functions return [`SessionError`]; `cmd/` hands it on as its own result, and
//! [`SessionError::stop`] is what `outcome::stop_of` finds in it for `main`'s exit code.
//! A wrapped layer error is shown as it is (`transparent`), and, as with `ConnectError`, no
//! variant has a `source`: the text is the same with `{}` and `{:#}`, here or in a chain.

use crate::connector::ConnectError;
use crate::identity::{Id, StoreError};
use crate::net::control::{ControlError, Reply};
use crate::net::dht::DhtError;
use crate::net::pairing::RendezvousError;
use crate::net::transfer::TransferFailure;
use crate::outcome::Stop;
use crate::proto::dht::proxy::ProxyError;
use std::path::PathBuf;

/// Why a session (a send, a receive, a re-request, starting this device) did not end done.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Reaching a device, or being reached, failed.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The transfer on a connection failed (or was refused, cancelled, interrupted).
    #[error(transparent)]
    Transfer(#[from] TransferFailure),
    /// This device's DHT node failed.
    #[error(transparent)]
    Dht(#[from] DhtError),
    /// This device's identity could not be loaded or created.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The control socket of the running `ferry receive` failed.
    #[error(transparent)]
    Control(#[from] ControlError),
    /// Pairing with a code failed (or was interrupted).
    #[error(transparent)]
    Rendezvous(#[from] RendezvousError),
    /// An outcome the session decided: every device refused, none answered, Ctrl-C...
    #[error(transparent)]
    Stop(#[from] Stop),
    /// `dht.proxy` is not a proxy mode: why, and where the setting came from.
    #[error("{cause} (dht.proxy from {from})")]
    ProxySetting { cause: ProxyError, from: String },
    /// `receive`: the download directory cannot take files.
    #[error("cannot write files into {}: {cause}; choose another --dir", dir.display())]
    NotWritable { dir: PathBuf, cause: std::io::Error },
    /// `receive` with a code: the paired device never connected.
    #[error(
        "the paired device did not connect within {waited_secs}s; nothing was received (is \
         its `ferry send` still running?)"
    )]
    PairedDidNotConnect { waited_secs: u64 },
    /// `send` from standard input to a contact with several devices.
    #[error(
        "{to} has {devices} devices, and standard input can be read only once: send a file, or \
         pick one device with --to DEVICE_ID"
    )]
    StdinToDevices { to: Id, devices: usize },
    /// A sub-transfer of a send to several devices panicked or was cancelled.
    #[error("a sub-transfer crashed: {0}")]
    Crashed(tokio::task::JoinError),
    /// A send to several devices: no device received the file, and not every one refused.
    #[error("no device received the file ({errors} error(s), {refused} refusal(s))")]
    NoDeviceReceived { errors: usize, refused: usize },
    /// `send --to`: no device of the contact is announced.
    #[error("no device of {to} is announced on the DHT (is `ferry receive` running there?)")]
    NotAnnounced { to: Id },
    /// `send --code`: the chosen code's rendezvous holds an open pairing.
    #[error(
        "code {public_part}-... is in use by another pairing right now: choose another \
         --code, or leave --code out for a random one"
    )]
    CodeInUse { public_part: String },
    /// `rerequest`: the history has no completed transfer with this id.
    #[error("no completed transfer {id:?} in this device's history (see `ferry history`)")]
    NoRecord { id: String },
    /// `rerequest`: the record names no valid peer account.
    #[error("the history names no valid peer account for {interaction}")]
    NoPeerAccount { interaction: String },
    /// `rerequest`: no device of the other member is announced.
    #[error(
        "no device of account {member} is announced on the DHT (is `ferry receive` running \
         there?)"
    )]
    MemberNotAnnounced { member: Id },
    /// `rerequest`: no device of the other member could be asked.
    #[error("could not ask any device of account {member}")]
    CouldNotAsk { member: Id },
    /// `rerequest`: the request could not be encoded.
    #[error("{0}")]
    Encode(serde_json::Error),
    /// `rerequest`: no member device sent the file in time.
    #[error("no member device sent {interaction} within {waited_secs}s")]
    NoFileWithin {
        interaction: String,
        waited_secs: u64,
    },
    /// `rerequest`: the running `receive` answered the hand-over with an error.
    #[error("the running `ferry receive` did not take the re-request: {reason}")]
    HandoverNotTaken { reason: String },
    /// `rerequest`: the running `receive` answered the hand-over with another reply.
    #[error("the running `ferry receive` answered the re-request with {reply:?}")]
    HandoverAnswered { reply: Option<Reply> },
    /// `rerequest`: the running `receive` did not answer the hand-over in time.
    #[error(
        "the running `ferry receive` did not answer the re-request within {waited_secs}s; \
         is it stuck? (stop it, or wait and try again)"
    )]
    HandoverNoAnswer { waited_secs: u64 },
    /// `rerequest`: the running `receive` gave no outcome in time.
    #[error(
        "the running `ferry receive` (pid {pid}) gave no outcome for {interaction} in \
         {waited_secs}s"
    )]
    HandoverNoOutcome {
        pid: u32,
        interaction: String,
        waited_secs: u64,
    },
    /// `rerequest`: the running `receive` stopped before the outcome.
    #[error(
        "the running `ferry receive` (pid {pid}) stopped before the re-request of \
         {interaction} ended; run `ferry rerequest {interaction}` again"
    )]
    HandoverStopped { pid: u32, interaction: String },
    /// `rerequest`: the running `receive` failed the handed-over re-request: its reason.
    #[error("{0}")]
    HandoverFailed(String),
}

impl SessionError {
    /// The outcome this error stands for when it is not a plain error (exit 2): the
    /// [`Stop`] itself, or what the wrapped layer's failure maps to.
    pub fn stop(&self) -> Option<Stop> {
        match self {
            SessionError::Stop(stop) => Some(stop.clone()),
            SessionError::Connect(err) => err.stop(),
            SessionError::Transfer(err) => err.stop(),
            SessionError::Rendezvous(err) => err.stop(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::dht::DhtConfig;
    use std::time::Duration;

    /// What `main` prints for `err` under a caller's context, checking that `{}` and `{:#}`
    /// read the same.
    fn in_main(err: SessionError) -> String {
        let plain = err.to_string();
        assert_eq!(format!("{err:#}"), plain);
        let printed = format!("{:#}", anyhow::Error::from(err).context("sending"));
        assert_eq!(printed, format!("sending: {plain}"));
        plain
    }

    fn exit_in_main(err: SessionError) -> u8 {
        crate::outcome::exit_code(&Err(anyhow::Error::from(err).context("sending")))
    }

    #[test]
    fn a_wrapped_failure_reads_as_the_layer_wrote_it() {
        let connect = || ConnectError::Refused("busy".into());
        assert_eq!(in_main(connect().into()), connect().to_string());
        let config = DhtConfig::default();
        let dht = || DhtError::no_node_answered(&config, Duration::from_secs(5));
        assert_eq!(in_main(dht().into()), dht().to_string());
        assert_eq!(
            in_main(TransferFailure::Interrupted.into()),
            TransferFailure::Interrupted.to_string()
        );
        assert_eq!(in_main(Stop::Interrupted.into()), "interrupted");
        assert_eq!(
            in_main(RendezvousError::DhtStopped.into()),
            "the DHT node stopped"
        );
    }

    #[test]
    fn the_session_s_own_sentences_are_the_ones_users_read() {
        assert_eq!(
            in_main(SessionError::StdinToDevices {
                to: Id([1; 20]),
                devices: 2
            }),
            format!(
                "{} has 2 devices, and standard input can be read only once: send a file, or \
                 pick one device with --to DEVICE_ID",
                Id([1; 20])
            )
        );
        assert_eq!(
            in_main(SessionError::NotWritable {
                dir: "/nowhere".into(),
                cause: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            }),
            "cannot write files into /nowhere: permission denied; choose another --dir"
        );
        assert_eq!(
            in_main(SessionError::HandoverNoOutcome {
                pid: 7,
                interaction: "abc".into(),
                waited_secs: 30
            }),
            "the running `ferry receive` (pid 7) gave no outcome for abc in 30s"
        );
        assert_eq!(
            in_main(SessionError::HandoverAnswered { reply: None }),
            "the running `ferry receive` answered the re-request with None"
        );
    }

    #[test]
    fn the_exit_code_is_the_outcome_the_session_error_stands_for() {
        let refused = || ConnectError::Refused("--from".into());
        assert_eq!(
            SessionError::from(refused()).stop(),
            Some(Stop::Refused("--from".into()))
        );
        assert_eq!(exit_in_main(refused().into()), Stop::EXIT_REFUSED);
        assert_eq!(
            exit_in_main(RendezvousError::Interrupted.into()),
            Stop::EXIT_INTERRUPTED
        );
        assert_eq!(
            exit_in_main(TransferFailure::PeerCancelled("x".into()).into()),
            Stop::EXIT_REFUSED
        );
        assert_eq!(
            exit_in_main(Stop::NoAnswer("late".into()).into()),
            Stop::EXIT_REFUSED
        );
        assert_eq!(
            exit_in_main(Stop::Unreachable("gone".into()).into()),
            Stop::EXIT_ERROR
        );
        assert_eq!(
            exit_in_main(SessionError::NoDeviceReceived {
                errors: 1,
                refused: 1
            }),
            Stop::EXIT_ERROR
        );
        assert_eq!(
            exit_in_main(ConnectError::DhtStopped.into()),
            Stop::EXIT_ERROR
        );
    }
}
