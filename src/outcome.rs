//! Outcomes that are not plain errors, so that `main` alone can turn them into exit codes:
//! 0 done, 1 refused or cancelled by the peer, 2 any other error, 130 interrupted here.

use crate::connector::ConnectError;
use crate::net::transfer::TransferFailure;
use crate::session::SessionError;

/// An end of a command that `main` maps to a specific exit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stop {
    /// The peer refused the offer (exit 1).
    #[error("the receiver refused: {0}")]
    Refused(String),
    /// The peer cancelled during the transfer (exit 1).
    #[error("cancelled by the peer: {0}")]
    PeerCancelled(String),
    /// The peer did not answer in time (exit 1: "none accepted in time").
    #[error("{0}")]
    NoAnswer(String),
    /// The device never answered the offer: it is most likely offline (exit 2: nothing was
    /// refused, the transfer could not happen).
    #[error("{0}")]
    Unreachable(String),
    /// This side declined the offer (`receive --once`, exit 1).
    #[error("declined the offer: {0}")]
    Declined(String),
    /// Ctrl-C here; the peer was told (exit 130).
    #[error("interrupted")]
    Interrupted,
    /// A machinery that a later version brings (exit 2).
    #[error("{0} is not available yet in this version of ferry")]
    NotAvailable(&'static str),
}

impl Stop {
    pub const EXIT_OK: u8 = 0;
    pub const EXIT_REFUSED: u8 = 1;
    pub const EXIT_ERROR: u8 = 2;
    pub const EXIT_INTERRUPTED: u8 = 130;

    pub fn exit_code(&self) -> u8 {
        match self {
            Stop::Refused(_) | Stop::PeerCancelled(_) | Stop::Declined(_) | Stop::NoAnswer(_) => {
                Self::EXIT_REFUSED
            }
            Stop::Interrupted => Self::EXIT_INTERRUPTED,
            Stop::NotAvailable(_) | Stop::Unreachable(_) => Self::EXIT_ERROR,
        }
    }
}

/// The outcome `err` stands for when it is not a plain error: the first [`Stop`] in its chain,
/// or what the first session, connection or transfer failure in it maps to
/// ([`SessionError::stop`], [`ConnectError::stop`], [`TransferFailure::stop`]).
///
/// Commands return `anyhow` errors, so this is where an outcome is recovered from one: the one
/// place a chain is searched by type. `main` uses it for the exit code, and so do the callers
/// that hold a command's `anyhow` error (the combined view of a send, the history).
pub fn stop_of(err: &anyhow::Error) -> Option<Stop> {
    err.chain().find_map(|cause| {
        if let Some(stop) = cause.downcast_ref::<Stop>() {
            Some(stop.clone())
        } else if let Some(session) = cause.downcast_ref::<SessionError>() {
            session.stop()
        } else if let Some(connect) = cause.downcast_ref::<ConnectError>() {
            connect.stop()
        } else if let Some(transfer) = cause.downcast_ref::<TransferFailure>() {
            transfer.stop()
        } else {
            None
        }
    })
}

/// The exit code for the result of a command.
pub fn exit_code(result: &anyhow::Result<()>) -> u8 {
    match result {
        Ok(()) => Stop::EXIT_OK,
        Err(err) => stop_of(err).map_or(Stop::EXIT_ERROR, |stop| stop.exit_code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::anyhow;

    #[test]
    fn the_exit_code_comes_from_the_outcome_anywhere_in_the_chain() {
        let refused = anyhow::Error::from(Stop::Refused("busy".into())).context("sending");
        assert_eq!(exit_code(&Err(refused)), Stop::EXIT_REFUSED);
        let interrupted = anyhow::Error::from(Stop::Interrupted);
        assert_eq!(stop_of(&interrupted), Some(Stop::Interrupted));
        assert_eq!(exit_code(&Err(interrupted)), Stop::EXIT_INTERRUPTED);
        let refused_in_tls =
            anyhow::Error::from(ConnectError::Refused("--from".into())).context("sending");
        assert_eq!(
            stop_of(&refused_in_tls),
            Some(Stop::Refused("--from".into()))
        );
        assert_eq!(exit_code(&Err(refused_in_tls)), Stop::EXIT_REFUSED);
        let dht_stopped = anyhow::Error::from(ConnectError::DhtStopped).context("sending");
        assert_eq!(stop_of(&dht_stopped), None);
        assert_eq!(exit_code(&Err(dht_stopped)), Stop::EXIT_ERROR);
        assert_eq!(exit_code(&Err(anyhow!("disk full"))), Stop::EXIT_ERROR);
        assert_eq!(exit_code(&Ok(())), Stop::EXIT_OK);
    }
}
