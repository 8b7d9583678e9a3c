//! How a transfer can fail, for the sender and the receiver alike: one variant per thing the
//! user needs to know, each carrying the facts its sentence needs: this side failed (what was
//! being done, which file), the connection failed (what was being waited for, read or
//! written), the peer refused or cancelled, Ctrl-C here, the peer broke the protocol (what it
//! sent), a deadline passed (which one).
//!
//! [`transfer::send`](super::send) and [`transfer::receive`](super::receive) return
//! [`TransferFailure`]; [`TransferFailure::stop`] maps the outcomes that are not plain errors
//! onto [`Stop`], which `main` alone turns into the exit code (`outcome::stop_of` finds it in
//! an `anyhow` chain).
//!
//! As with `ConnectError`, the text of each variant is what the user reads and ends with its
//! cause: no variant has a `source`, so it reads the same with `{}` and `{:#}` (the receiver
//! sends it to the sender in its `ERR`, the sender in its `CANCEL`).

use crate::net::partfile::PartError;
use crate::outcome::Stop;
use crate::proto::transfer::TransferError;
use std::io;
use std::path::PathBuf;

/// Why a transfer did not end with the file verified and kept.
#[derive(Debug, thiserror::Error)]
pub enum TransferFailure {
    // This side.
    /// A file or directory of this side could not be opened, read or created.
    #[error("{doing} {}: {cause}", path.display())]
    File {
        doing: &'static str,
        path: PathBuf,
        cause: io::Error,
    },
    /// What was offered as a regular file is not one.
    #[error("{} is not a regular file", .0.display())]
    NotAFile(PathBuf),
    /// The input (a file already open, standard input) could not be read, or this side's
    /// file could not be used: what was being done.
    #[error("{doing}: {cause}")]
    Local {
        doing: &'static str,
        cause: io::Error,
    },
    /// An I/O error on this side's file, already named by where it happened.
    #[error("{0}")]
    LocalIo(io::Error),
    /// The part file, the set's directory or the disk thread failed (the disk is full...).
    #[error("{0}")]
    Disk(PartError),
    /// A blocking task of this side failed or stopped: what it was doing.
    #[error("{doing}: {cause}")]
    Task { doing: &'static str, cause: String },
    /// This side's own bookkeeping went wrong (a bug, never the peer's doing).
    #[error("{0}")]
    Internal(&'static str),
    /// A text (`send --text`) arrived verified but is not UTF-8: not shown.
    #[error("the text is not UTF-8: not shown")]
    TextNotUtf8,
    /// The source changed while it was sent (it grew, it shrank), or this side misused its
    /// machine.
    #[error("{0}")]
    Source(TransferError),

    // The connection.
    /// Reading or writing failed: what was being done (`sending the body`, `reading the
    /// header`, `the connection failed after N bytes`).
    #[error("{doing}: {cause}")]
    Connection { doing: String, cause: io::Error },
    /// Reading or writing failed where nothing more was said.
    #[error("{0}")]
    ConnectionIo(io::Error),
    /// The receiver closed the connection while the sender waited for its `waiting_for`.
    #[error("the receiver closed the connection before answering {waiting_for}")]
    ClosedBeforeAnswer { waiting_for: &'static str },
    /// The receiver closed the connection while a stream's input was silent.
    #[error("the receiver closed the connection while the input was silent")]
    ClosedWhileSilent,
    /// The sender's connection ended in the middle of a body.
    #[error("the connection ended early")]
    EndedEarly,
    /// The connection closed before the body was complete (how much had arrived).
    #[error("{0}")]
    Closed(TransferError),

    // The peer's word, and Ctrl-C here.
    /// The receiver refused the offer (its answer, or its TLS verifier: `--from`). Exit 1.
    #[error("the receiver refused: {0}")]
    Refused(String),
    /// The peer cancelled the transfer: its reason. Exit 1.
    #[error("cancelled by the peer: {0}")]
    PeerCancelled(String),
    /// The receiver could not keep the file (its `ERR`: its disk, a digest mismatch...).
    #[error("the receiver could not keep the file: {0}")]
    ReceiverFailed(String),
    /// Ctrl-C here; the peer was told. Exit 130.
    #[error("interrupted")]
    Interrupted,

    // The peer broke the protocol.
    /// What the peer sent is not what the protocol allows there.
    #[error("{0}")]
    Protocol(TransferError),
    /// The receiver offered to resume what cannot resume (standard input, a set, a text).
    #[error("the receiver offered to resume a transfer that cannot resume")]
    UnwantedResume,
    /// The receiver answered the offer with something else than `GO`, `NO` or a resume.
    #[error("unexpected answer to the offer: {0}")]
    UnexpectedAnswer(String),
    /// The receiver said something that has no place during a body.
    #[error("unexpected message from the receiver: {0}")]
    UnexpectedMessage(String),
    /// The receiver sent more than it could have to say (unread bytes past `limit`).
    #[error(
        "the receiver sent more than {limit} bytes of answers unread: more than it could have \
         to say"
    )]
    Flooded { limit: usize },

    // A deadline.
    /// A wait ran out: which one, after how long, how far the body got.
    #[error("{0}")]
    Deadline(TransferError),
}

impl TransferFailure {
    /// The outcome this failure stands for when it is not a plain error (exit 2).
    pub fn stop(&self) -> Option<Stop> {
        match self {
            TransferFailure::Refused(reason) => Some(Stop::Refused(reason.clone())),
            TransferFailure::PeerCancelled(reason) => Some(Stop::PeerCancelled(reason.clone())),
            TransferFailure::Interrupted => Some(Stop::Interrupted),
            _ => None,
        }
    }

    /// The refusal of a receiver whose TLS verifier turned this device away (`--from`).
    pub(super) fn refused_in_tls() -> TransferFailure {
        TransferFailure::Refused(crate::net::tls::REFUSED_IN_TLS.into())
    }

    /// `doing` (opening, reading, creating) the file or directory at `path` failed.
    pub(super) fn file(
        doing: &'static str,
        path: &std::path::Path,
        cause: io::Error,
    ) -> TransferFailure {
        TransferFailure::File {
            doing,
            path: path.to_path_buf(),
            cause,
        }
    }

    /// A failed read or write of the connection while doing `doing`.
    pub(super) fn connection(doing: impl Into<String>, cause: io::Error) -> TransferFailure {
        TransferFailure::Connection {
            doing: doing.into(),
            cause,
        }
    }

    /// A blocking task that failed to finish while doing `doing`.
    pub(super) fn task(doing: &'static str, cause: tokio::task::JoinError) -> TransferFailure {
        TransferFailure::Task {
            doing,
            cause: cause.to_string(),
        }
    }
}

/// A machine's error, sorted by what it means: a deadline, the connection closing, the
/// source changing under this side, or the peer breaking the protocol.
impl From<TransferError> for TransferFailure {
    fn from(err: TransferError) -> TransferFailure {
        match err {
            TransferError::Timeout { .. } => TransferFailure::Deadline(err),
            TransferError::ConnectionClosed { .. } => TransferFailure::Closed(err),
            TransferError::SourceGrew { .. }
            | TransferError::SourceShrank { .. }
            | TransferError::WrongState { .. } => TransferFailure::Source(err),
            _ => TransferFailure::Protocol(err),
        }
    }
}

impl From<PartError> for TransferFailure {
    fn from(err: PartError) -> TransferFailure {
        TransferFailure::Disk(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::transfer::deadline::Phase;

    /// What the user reads: the same with `{}` and `{:#}`, alone or in an `anyhow` chain.
    fn text(err: &TransferFailure) -> String {
        let plain = err.to_string();
        assert_eq!(format!("{err:#}"), plain);
        plain
    }

    /// The outcome `main` recovers from `err` under a caller's context.
    fn stop_in_main(err: TransferFailure) -> Option<Stop> {
        crate::outcome::stop_of(&anyhow::Error::from(err).context("sending"))
    }

    #[test]
    fn a_refusal_a_cancel_and_ctrl_c_are_outcomes_found_through_context() {
        let refused = TransferFailure::Refused("the receiver is busy".into());
        assert_eq!(text(&refused), "the receiver refused: the receiver is busy");
        assert_eq!(
            refused.stop(),
            Some(Stop::Refused("the receiver is busy".into()))
        );
        assert_eq!(
            stop_in_main(refused),
            Some(Stop::Refused("the receiver is busy".into()))
        );
        let cancelled = TransferFailure::PeerCancelled("the user pressed Ctrl-C".into());
        assert_eq!(
            text(&cancelled),
            "cancelled by the peer: the user pressed Ctrl-C"
        );
        assert_eq!(
            stop_in_main(cancelled),
            Some(Stop::PeerCancelled("the user pressed Ctrl-C".into()))
        );
        assert_eq!(text(&TransferFailure::Interrupted), "interrupted");
        assert_eq!(
            stop_in_main(TransferFailure::Interrupted),
            Some(Stop::Interrupted)
        );
        let exit = crate::outcome::exit_code(&Err(anyhow::Error::from(
            TransferFailure::Interrupted,
        )
        .context("receiving")));
        assert_eq!(exit, Stop::EXIT_INTERRUPTED);
        let in_tls = TransferFailure::refused_in_tls();
        assert_eq!(
            stop_in_main(in_tls),
            Some(Stop::Refused(crate::net::tls::REFUSED_IN_TLS.into()))
        );
    }

    #[test]
    fn plain_errors_are_no_outcome_and_say_what_happened() {
        let err = TransferFailure::ReceiverFailed("the disk is full: /tmp/x: no space".into());
        assert_eq!(
            text(&err),
            "the receiver could not keep the file: the disk is full: /tmp/x: no space"
        );
        assert_eq!(err.stop(), None);
        assert_eq!(stop_in_main(err), None);
        let broken = TransferFailure::connection(
            "sending the body",
            io::Error::new(io::ErrorKind::BrokenPipe, "broken pipe"),
        );
        assert_eq!(text(&broken), "sending the body: broken pipe");
        assert_eq!(
            crate::outcome::exit_code(&Err(anyhow::Error::from(broken))),
            Stop::EXIT_ERROR
        );
        let file = TransferFailure::File {
            doing: "opening",
            path: "/srv/a.iso".into(),
            cause: io::Error::new(io::ErrorKind::NotFound, "no such file"),
        };
        assert_eq!(text(&file), "opening /srv/a.iso: no such file");
        assert_eq!(
            text(&TransferFailure::NotAFile("/srv".into())),
            "/srv is not a regular file"
        );
        assert_eq!(
            text(&TransferFailure::ClosedBeforeAnswer { waiting_for: "GO" }),
            "the receiver closed the connection before answering GO"
        );
        let disk = TransferFailure::from(PartError::NoFreeName {
            what: "part-file name".into(),
            dir: "/d/.ferry-parts".into(),
        });
        assert!(matches!(disk, TransferFailure::Disk(_)));
        assert_eq!(text(&disk), "no free part-file name in /d/.ferry-parts");
    }

    #[test]
    fn a_machine_error_is_sorted_by_what_it_means() {
        let timeout = TransferError::Timeout {
            phase: Phase::Body,
            after_secs: 30,
            bytes: 7,
        };
        let said = timeout.to_string();
        let err = TransferFailure::from(timeout);
        assert!(matches!(err, TransferFailure::Deadline(_)), "{err:?}");
        assert_eq!(text(&err), said);
        let closed = TransferFailure::from(TransferError::ConnectionClosed {
            stage: "in the body",
            declared: 10,
            received: 3,
        });
        assert!(matches!(closed, TransferFailure::Closed(_)), "{closed:?}");
        let shrank = TransferFailure::from(TransferError::SourceShrank {
            declared: 10,
            sent: 3,
        });
        assert!(matches!(shrank, TransferFailure::Source(_)), "{shrank:?}");
        assert_eq!(
            text(&shrank),
            "the source shrank while being sent: 3 of 10 bytes"
        );
        let mismatch = TransferFailure::from(TransferError::DataAfterEnd);
        assert!(
            matches!(mismatch, TransferFailure::Protocol(_)),
            "{mismatch:?}"
        );
        assert_eq!(
            text(&mismatch),
            "the sender sent data after the end of the file"
        );
        assert_eq!(mismatch.stop(), None);
    }
}
