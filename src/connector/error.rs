//! How reaching a device, or being reached, can fail: one variant per thing the callers tell
//! apart, each carrying the facts its sentence needs.
//!
//! The connector's public functions return [`ConnectError`]; callers `match` on it (a refusal
//! is reported as a `refused` event, a wrong identity is dropped and counted, everything else
//! is an error). [`ConnectError::stop`] maps the outcomes that are not plain errors onto
//! [`Stop`], which `main` alone turns into the exit code.
//!
//! The text of each variant is what the user reads, and it ends with its cause: no variant
//! has a `source`, so the error reads the same wherever it is quoted (`main`'s chain, a
//! `dropped` event, a log line, a summary row), with `{}` or `{:#}`.

use crate::identity::{Id, IdentityError};
use crate::net::dht::DhtError;
use crate::net::ice::IceFailure;
use crate::net::tls::{HandshakeFailure, TlsError, REFUSED_IN_TLS};
use crate::outcome::Stop;
use std::io;
use std::net::SocketAddr;

/// Why a connection to or from a device was not set up.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The device refused: its answer to the offer, or its TLS verifier (`--from`). Exit 1.
    #[error("the receiver refused: {0}")]
    Refused(String),
    /// The device never answered the offer: most likely offline. Exit 2.
    #[error(
        "device {device} did not answer within {waited_secs}s; it last announced itself {} \
         ago, so it has probably stopped: start `ferry receive` there, or send again later",
        crate::cli::output::ago(*announced_ago_secs)
    )]
    NoAnswer {
        device: Id,
        waited_secs: u64,
        announced_ago_secs: u64,
    },
    /// Every device asked withdrew its announcement: each one's "device D stopped receiving
    /// N ago". Exit 2.
    #[error(
        "{}: its `ferry receive` exited; start it again there, then send again",
        .0.join("; ")
    )]
    AllStopped(Vec<String>),
    /// ICE found no path to the device: what was tried, pair by pair (`Attempts::no_path`).
    #[error("connecting to device {device}: {tried}")]
    NoPath { device: Id, tried: String },
    /// ICE failed otherwise (gathering done, the checks or the handover broke).
    #[error("connecting to device {device}: {cause}")]
    Ice { device: Id, cause: IceFailure },
    /// Nothing to offer: no local candidate, or (relay only) no TURN allocation.
    #[error("{0}")]
    Gather(IceFailure),
    /// The TLS peer is not a device, or not the one pinned (`--to`, or the offer's signer).
    #[error("TLS with {addr} refused: {cause}")]
    WrongIdentity {
        addr: SocketAddr,
        cause: IdentityError,
    },
    /// The TLS peer, or the device that answered, is not the one that signed the offer.
    #[error("{0}")]
    Identity(IdentityError),
    /// Our verifier refused a valid device that `--from` does not allow.
    #[error("TLS with {addr} refused: a device --from does not allow")]
    NotAllowed { addr: SocketAddr },
    /// The TLS handshake failed in rustls (a protocol error, a bad signature, an alert).
    #[error("TLS handshake with {addr} failed: {cause}")]
    Tls {
        addr: SocketAddr,
        cause: rustls::Error,
    },
    /// The connection broke during the TLS handshake.
    #[error("TLS handshake with {addr} failed: {cause}")]
    HandshakeIo { addr: SocketAddr, cause: io::Error },
    #[error("TLS handshake with {addr} timed out")]
    HandshakeTimeout { addr: SocketAddr },
    /// TLS could not be set up on this side (its configuration, this device's certificate).
    #[error("{0}")]
    TlsSetup(TlsError),
    /// Direct mode: no TCP connection within `CONNECT_TIMEOUT`.
    #[error("no TCP connection to {addr} within {secs}s")]
    ConnectTimeout { addr: SocketAddr, secs: u64 },
    /// Direct mode: the TCP connection failed.
    #[error("connecting to {addr}: {cause}")]
    Connect { addr: SocketAddr, cause: io::Error },
    /// Direct mode: the listening socket could not be opened.
    #[error("listening on {addr}: {cause}")]
    Listen { addr: SocketAddr, cause: io::Error },
    /// Looking a device up failed: no DHT node answered either lookup.
    #[error("looking {id} up on the DHT: {cause}")]
    Lookup { id: Id, cause: DhtError },
    /// A DHT put or listen failed while doing what `doing` says.
    #[error("{doing}: {cause}")]
    Dht { doing: String, cause: DhtError },
    /// A DHT listen could not start (the DHT layer's own words).
    #[error("{0}")]
    DhtListen(DhtError),
    #[error("the DHT node stopped")]
    DhtStopped,
    #[error("the wait for the answer ended with no outcome")]
    AnswerWaitEnded,
    #[error("the request carries no usable encryption key")]
    NoEncryptionKey,
    #[error("{0}")]
    Io(io::Error),
}

impl From<io::Error> for ConnectError {
    fn from(err: io::Error) -> ConnectError {
        ConnectError::Io(err)
    }
}

impl ConnectError {
    /// The outcome this failure stands for when it is not a plain error (exit 2).
    pub fn stop(&self) -> Option<Stop> {
        match self {
            ConnectError::Refused(reason) => Some(Stop::Refused(reason.clone())),
            ConnectError::NoAnswer { .. } | ConnectError::AllStopped(_) => {
                Some(Stop::Unreachable(self.to_string()))
            }
            _ => None,
        }
    }

    /// Whether the peer failed to prove the identity it had to have: such a connection is
    /// dropped and counted, not reported as an error of this device.
    pub fn is_wrong_identity(&self) -> bool {
        matches!(
            self,
            ConnectError::WrongIdentity { .. } | ConnectError::Identity(_)
        )
    }

    /// The failure of a TLS handshake with the device at `addr`.
    pub fn handshake(failure: HandshakeFailure, addr: SocketAddr) -> ConnectError {
        match failure {
            HandshakeFailure::Identity(cause) => ConnectError::WrongIdentity { addr, cause },
            // The receiver's verifier turned this device away (`--from`): a refusal, exit 1.
            HandshakeFailure::RefusedByPeer => ConnectError::Refused(REFUSED_IN_TLS.into()),
            HandshakeFailure::NotAllowed => ConnectError::NotAllowed { addr },
            HandshakeFailure::Tls(cause) => ConnectError::Tls { addr, cause },
            HandshakeFailure::Io(cause) => ConnectError::HandshakeIo { addr, cause },
        }
    }

    /// ICE with `device` failed: no path (what was tried), or something else.
    pub fn ice(device: Id, failure: IceFailure) -> ConnectError {
        match failure {
            IceFailure::Ice(crate::proto::ice_tcp::IceError::NoPath(tried)) => {
                ConnectError::NoPath { device, tried }
            }
            cause => ConnectError::Ice { device, cause },
        }
    }
}

impl From<TlsError> for ConnectError {
    fn from(err: TlsError) -> ConnectError {
        match err {
            TlsError::Identity(identity) => ConnectError::Identity(identity),
            other => ConnectError::TlsSetup(other),
        }
    }
}

impl From<IdentityError> for ConnectError {
    fn from(err: IdentityError) -> ConnectError {
        ConnectError::Identity(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::PeerIdentity;
    use std::sync::Arc;

    fn id(byte: u8) -> Id {
        Id([byte; 20])
    }

    fn addr() -> SocketAddr {
        "192.0.2.7:4433".parse().unwrap()
    }

    fn mismatch() -> IdentityError {
        IdentityError::Mismatch {
            expected: id(1).to_string(),
            got: PeerIdentity {
                device: id(2),
                account: id(3),
            },
        }
    }

    /// The exit code `main` gives for `err`, under a caller's context.
    fn exit_in_main(err: ConnectError) -> u8 {
        crate::outcome::exit_code(&Err(anyhow::Error::from(err).context("sending")))
    }

    /// What the user reads: the same with `{}` and `{:#}` (no cause is left out).
    fn text(err: &ConnectError) -> String {
        let plain = err.to_string();
        assert_eq!(format!("{err:#}"), plain);
        plain
    }

    #[test]
    fn a_wrong_certificate_is_the_wrong_identity_outcome() {
        // What the pinning verifier hands rustls, as tokio-rustls returns it.
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::Other(
            rustls::OtherError(Arc::new(mismatch())),
        ));
        let io = io::Error::new(io::ErrorKind::InvalidData, tls);
        let err = ConnectError::handshake(crate::net::tls::handshake_failure(io), addr());
        assert!(
            matches!(&err, ConnectError::WrongIdentity { addr: a, cause } if *a == addr() && *cause == mismatch()),
            "{err:?}"
        );
        assert!(err.is_wrong_identity());
        assert_eq!(err.stop(), None);
        assert_eq!(
            text(&err),
            format!(
                "TLS with 192.0.2.7:4433 refused: identity mismatch: expected {}, but the peer is {}",
                id(1),
                mismatch_peer()
            )
        );
        assert_eq!(exit_in_main(err), Stop::EXIT_ERROR);
    }

    fn mismatch_peer() -> PeerIdentity {
        PeerIdentity {
            device: id(2),
            account: id(3),
        }
    }

    #[test]
    fn an_access_denied_alert_is_a_refusal_exit_1() {
        let tls = rustls::Error::AlertReceived(rustls::AlertDescription::AccessDenied);
        let io = io::Error::new(io::ErrorKind::InvalidData, tls);
        let err = ConnectError::handshake(crate::net::tls::handshake_failure(io), addr());
        assert!(matches!(&err, ConnectError::Refused(r) if r == REFUSED_IN_TLS));
        assert!(!err.is_wrong_identity());
        assert_eq!(err.stop(), Some(Stop::Refused(REFUSED_IN_TLS.into())));
        assert_eq!(exit_in_main(err), Stop::EXIT_REFUSED);
    }

    #[test]
    fn a_device_from_does_not_allow_is_refused_here() {
        let tls = rustls::Error::InvalidCertificate(
            rustls::CertificateError::ApplicationVerificationFailure,
        );
        let io = io::Error::new(io::ErrorKind::InvalidData, tls);
        let err = ConnectError::handshake(crate::net::tls::handshake_failure(io), addr());
        assert!(matches!(err, ConnectError::NotAllowed { .. }), "{err:?}");
        assert_eq!(
            text(&err),
            "TLS with 192.0.2.7:4433 refused: a device --from does not allow"
        );
        assert_eq!(exit_in_main(err), Stop::EXIT_ERROR);
    }

    #[test]
    fn other_tls_and_io_failures_say_the_handshake_failed() {
        let tls = rustls::Error::DecryptError;
        let io = io::Error::new(io::ErrorKind::InvalidData, tls.clone());
        let err = ConnectError::handshake(crate::net::tls::handshake_failure(io), addr());
        assert!(matches!(&err, ConnectError::Tls { cause, .. } if *cause == tls));
        assert_eq!(
            text(&err),
            format!("TLS handshake with 192.0.2.7:4433 failed: {tls}")
        );
        let reset = io::Error::new(io::ErrorKind::ConnectionReset, "reset by peer");
        let err = ConnectError::handshake(crate::net::tls::handshake_failure(reset), addr());
        assert!(matches!(err, ConnectError::HandshakeIo { .. }), "{err:?}");
        assert_eq!(
            text(&err),
            "TLS handshake with 192.0.2.7:4433 failed: reset by peer"
        );
        assert_eq!(exit_in_main(err), Stop::EXIT_ERROR);
    }

    #[test]
    fn an_offer_refused_in_the_answer_exits_1_with_its_reason() {
        let err = ConnectError::Refused("the receiver is busy".into());
        assert_eq!(text(&err), "the receiver refused: the receiver is busy");
        assert_eq!(exit_in_main(err), Stop::EXIT_REFUSED);
    }

    #[test]
    fn a_device_that_never_answers_is_unreachable_exit_2() {
        let err = ConnectError::NoAnswer {
            device: id(4),
            waited_secs: 30,
            announced_ago_secs: 7200,
        };
        let said = text(&err);
        assert!(
            said.starts_with(&format!("device {} did not answer within 30s", id(4))),
            "{said}"
        );
        assert!(said.contains("start `ferry receive` there"), "{said}");
        assert_eq!(err.stop(), Some(Stop::Unreachable(said)));
        assert_eq!(exit_in_main(err), Stop::EXIT_ERROR);
        let all = ConnectError::AllStopped(vec!["device X stopped receiving 5s ago".into()]);
        assert_eq!(
            text(&all),
            "device X stopped receiving 5s ago: its `ferry receive` exited; start it again \
             there, then send again"
        );
        assert!(matches!(all.stop(), Some(Stop::Unreachable(_))));
    }

    #[test]
    fn no_path_says_what_was_tried() {
        let tried = "tried 192.0.2.1:5000 (refused)".to_string();
        let err = ConnectError::ice(
            id(5),
            IceFailure::Ice(crate::proto::ice_tcp::IceError::NoPath(tried.clone())),
        );
        assert!(matches!(&err, ConnectError::NoPath { tried: t, .. } if *t == tried));
        assert_eq!(
            text(&err),
            format!("connecting to device {}: {tried}", id(5))
        );
        let other = ConnectError::ice(id(5), IceFailure::Stalled);
        assert!(matches!(other, ConnectError::Ice { .. }));
        assert_eq!(exit_in_main(err), Stop::EXIT_ERROR);
    }

    #[test]
    fn an_identity_error_found_after_the_handshake_is_a_wrong_identity() {
        let err = ConnectError::from(TlsError::Identity(mismatch()));
        assert!(matches!(err, ConnectError::Identity(_)));
        assert!(err.is_wrong_identity());
        assert_eq!(text(&err), mismatch().to_string());
        let none = ConnectError::from(TlsError::NoCertificate);
        assert!(!none.is_wrong_identity());
        assert_eq!(text(&none), "the peer presented no certificate");
    }

    #[test]
    fn main_prints_the_chain_under_a_context() {
        let key = crate::proto::dht::InfoHash([7; 20]);
        let err = ConnectError::Lookup {
            id: id(6),
            cause: DhtError::Get {
                key,
                detail: "no DHT node answered".into(),
            },
        };
        let said = format!(
            "looking {} up on the DHT: get {key}: no DHT node answered",
            id(6)
        );
        assert_eq!(text(&err), said);
        let printed = format!("{:#}", anyhow::Error::from(err).context("sending"));
        assert_eq!(printed, format!("sending: {said}"));
    }
}
