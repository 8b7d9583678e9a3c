//! The record of transfers, kept by both sides in `FERRY_HOME/history.jsonl` (mode 0600, one
//! JSON object per line, appended): a **conversation** per pair of accounts, an
//! **interaction** per transfer, with what a re-request needs (name, size, SHA3-256, path).

use crate::identity::Id;
use serde::{Deserialize, Serialize};
use sha1::{Digest as _, Sha1};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

const FILE: &str = "history.jsonl";

/// Why the history could not be read or written: what was being done to which file, and the
/// cause. As with `ConnectError`, the text ends with its cause and no variant has a `source`,
/// so it reads the same with `{}` and `{:#}` (a receive logs it, a handed re-request sends it
/// back to its client).
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The history file could not be opened to append to it.
    #[error("opening {}: {cause}", path.display())]
    Open { path: PathBuf, cause: io::Error },
    /// A line could not be appended.
    #[error("writing {}: {cause}", path.display())]
    Write { path: PathBuf, cause: io::Error },
    /// The history file exists but could not be read.
    #[error("reading {}: {cause}", path.display())]
    Read { path: PathBuf, cause: io::Error },
    /// An interaction could not be written as JSON (serde's words).
    #[error("{0}")]
    Encode(serde_json::Error),
}

/// One transfer as one side saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub conversation: String,
    pub interaction: String,
    pub direction: Direction,
    pub name: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha3_256: Option<String>,
    pub peer_device: String,
    pub peer_account: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Unix seconds.
    pub at: u64,
}

impl Interaction {
    /// Done, with the digest of what was kept.
    pub fn is_complete(&self) -> bool {
        self.outcome == Outcome::Done && self.sha3_256.is_some()
    }

    /// The recorded SHA3-256, when there is a valid one.
    pub fn digest(&self) -> Option<crate::proto::transfer::Digest> {
        self.sha3_256
            .as_deref()
            .and_then(crate::proto::transfer::parse_digest)
    }
}

/// Which way a recorded transfer went, written `sent` or `received`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Sent,
    Received,
}

/// How a recorded transfer ended, written `done`, `refused`, `cancelled` or `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Verified and kept (the receiver) or confirmed (the sender).
    Done,
    /// Refused or declined by either side.
    Refused,
    /// Cancelled by the peer or interrupted here.
    Cancelled,
    /// Anything else went wrong.
    Error,
}

impl Outcome {
    /// How a transfer that failed with the outcome `stop` (`None`: a plain error) is recorded:
    /// a typed failure's `stop()`.
    pub fn of_stop(stop: Option<crate::outcome::Stop>) -> Outcome {
        use crate::outcome::Stop;
        match stop {
            Some(Stop::Refused(_) | Stop::Declined(_)) => Outcome::Refused,
            Some(Stop::PeerCancelled(_) | Stop::Interrupted) => Outcome::Cancelled,
            _ => Outcome::Error,
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            Direction::Sent => "sent",
            Direction::Received => "received",
        })
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            Outcome::Done => "done",
            Outcome::Refused => "refused",
            Outcome::Cancelled => "cancelled",
            Outcome::Error => "error",
        })
    }
}

/// The conversation of two accounts: the same id on both sides.
pub fn conversation(a: &Id, b: &Id) -> String {
    let (x, y) = if a <= b { (a, b) } else { (b, a) };
    hex::encode(Sha1::digest(format!("ferry-conversation:{x}:{y}")))
}

/// Append one interaction.
pub fn record(home: &Path, interaction: &Interaction) -> Result<(), HistoryError> {
    let mut line = serde_json::to_vec(interaction).map_err(HistoryError::Encode)?;
    line.push(b'\n');
    let path = home.join(FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path);
    let mut file = match file {
        Ok(file) => file,
        Err(cause) => return Err(HistoryError::Open { path, cause }),
    };
    // One write per line: concurrent transfers append whole lines.
    file.write_all(&line)
        .map_err(|cause| HistoryError::Write { path, cause })
}

/// Every recorded interaction, oldest first; damaged lines are skipped.
pub fn load(home: &Path) -> Result<Vec<Interaction>, HistoryError> {
    let path = home.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(cause) => return Err(HistoryError::Read { path, cause }),
    };
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

/// Records this device's transfers.
#[derive(Clone)]
pub struct Recorder {
    pub home: std::path::PathBuf,
    pub account: Id,
}

impl Recorder {
    /// Record a transfer: `result` is its digest and path, or how it failed (never
    /// [`Outcome::Done`]). A failure to record is reported, never fatal to the transfer.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        direction: Direction,
        peer: &crate::identity::PeerIdentity,
        interaction: &str,
        name: &str,
        size: u64,
        result: std::result::Result<(Option<String>, Option<String>), Outcome>,
    ) {
        let (outcome, sha3_256, path) = match result {
            Ok((digest, path)) => (Outcome::Done, digest, path),
            Err(outcome) => (outcome, None, None),
        };
        let entry = Interaction {
            conversation: conversation(&self.account, &peer.account),
            interaction: interaction.to_string(),
            direction,
            name: name.to_string(),
            size,
            sha3_256,
            peer_device: peer.device.to_string(),
            peer_account: peer.account.to_string(),
            outcome,
            path,
            at: now(),
        };
        if let Err(err) = record(&self.home, &entry) {
            tracing::warn!("could not record the transfer: {err:#}");
        }
    }
}

/// Seconds since the Unix epoch, for `at`.
pub fn now() -> u64 {
    rustls::pki_types::UnixTime::now().as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree_on_the_conversation_and_lines_round_trip() {
        let a: Id = "00112233445566778899aabbccddeeff00112233".parse().unwrap();
        let b: Id = "ffeeddccbbaa99887766554433221100ffeeddcc".parse().unwrap();
        assert_eq!(conversation(&a, &b), conversation(&b, &a));
        let home = tempfile::tempdir().unwrap();
        let i = Interaction {
            conversation: conversation(&a, &b),
            interaction: "t1".into(),
            direction: Direction::Sent,
            name: "x".into(),
            size: 1,
            sha3_256: Some("ab".into()),
            peer_device: "d".into(),
            peer_account: b.to_string(),
            outcome: Outcome::Done,
            path: None,
            at: 5,
        };
        record(home.path(), &i).unwrap();
        record(home.path(), &i).unwrap();
        assert_eq!(load(home.path()).unwrap(), vec![i.clone(), i]);
        // The stored words are the ones older versions wrote.
        let text = std::fs::read_to_string(home.path().join(FILE)).unwrap();
        assert!(text.contains(r#""direction":"sent""#), "{text}");
        assert!(text.contains(r#""outcome":"done""#), "{text}");
    }

    #[test]
    fn an_ended_transfer_is_recorded_by_how_it_stopped() {
        use crate::outcome::Stop;
        let of = |stop: Stop| Outcome::of_stop(Some(stop));
        assert_eq!(of(Stop::Refused("no".into())), Outcome::Refused);
        assert_eq!(of(Stop::Declined("no".into())), Outcome::Refused);
        assert_eq!(of(Stop::PeerCancelled("x".into())), Outcome::Cancelled);
        assert_eq!(of(Stop::Interrupted), Outcome::Cancelled);
        assert_eq!(of(Stop::Unreachable("x".into())), Outcome::Error);
        assert_eq!(Outcome::of_stop(None), Outcome::Error);
        use crate::net::transfer::TransferFailure;
        let of_transfer = |err: TransferFailure| Outcome::of_stop(err.stop());
        assert_eq!(
            of_transfer(TransferFailure::PeerCancelled("x".into())),
            Outcome::Cancelled
        );
        assert_eq!(
            of_transfer(TransferFailure::Interrupted),
            Outcome::Cancelled
        );
        assert_eq!(
            of_transfer(TransferFailure::Refused("no".into())),
            Outcome::Refused
        );
        assert_eq!(of_transfer(TransferFailure::EndedEarly), Outcome::Error);
    }

    #[test]
    fn a_history_that_cannot_be_read_or_written_names_the_file_and_the_cause() {
        let home = tempfile::tempdir().unwrap();
        // A directory where the file should be: opening it to append fails, and so does
        // reading it.
        let path = home.path().join(FILE);
        std::fs::create_dir(&path).unwrap();
        let interaction = Interaction {
            conversation: "c".into(),
            interaction: "t1".into(),
            direction: Direction::Received,
            name: "x".into(),
            size: 1,
            sha3_256: None,
            peer_device: "d".into(),
            peer_account: "a".into(),
            outcome: Outcome::Error,
            path: None,
            at: 5,
        };
        let err = record(home.path(), &interaction).unwrap_err();
        assert!(
            matches!(&err, HistoryError::Open { path: p, .. } if *p == path),
            "{err:?}"
        );
        let cause = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap_err();
        let said = format!("opening {}: {cause}", path.display());
        assert_eq!(err.to_string(), said);
        // The same under a caller's context, as `main` prints it.
        assert_eq!(
            format!("{:#}", anyhow::Error::from(err).context("recording")),
            format!("recording: {said}")
        );
        let err = load(home.path()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("reading {}: ", path.display())),
            "{err}"
        );
    }
}
