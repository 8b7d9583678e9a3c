//! What a transfer reports as it goes: one type, shown as text and progress bars on a terminal
//! or as one JSON object per line with `--json` (see `cli::output`). The `event` field names
//! the kind; scripts should ignore fields they do not know.

use serde::Serialize;

/// One thing that happened, in the order it happened.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// `receive` started: who it is, before any network is up (senders need the device id).
    Starting {
        device_id: String,
        account_id: String,
    },
    /// A new identity was made in `home` (the first command run with it): this device's
    /// keys, and a new account's, live there from now on.
    DeviceCreated {
        device_id: String,
        account_id: String,
        home: String,
    },
    /// How the DHT is doing: `alone` (no node answered yet; the LAN and direct connections
    /// still work, and it keeps trying), `joined` (`nodes` other nodes known), or `withdrawn`
    /// (a stopping `receive` told the DHT it no longer receives; `detail` says if that failed).
    Dht {
        state: &'static str,
        nodes: usize,
        #[serde(skip_serializing_if = "String::is_empty")]
        detail: String,
    },
    /// `receive` is announced on the DHT and answers connection requests.
    Online {
        device_id: String,
        account_id: String,
        dht: Vec<String>,
    },
    /// `send` without `--to`: the code to give the receiver (`ferry receive CODE`), valid
    /// once until `expires` (unix seconds), `expires_in` seconds from now.
    Code {
        code: String,
        expires: u64,
        expires_in: u64,
    },
    /// The code paired this device with another: the device, verified (its certificate chain
    /// and key), that the transfer is now pinned to.
    Paired {
        peer_device: String,
        peer_account: String,
    },
    /// `receive` is ready for connections on this address.
    Listening {
        addr: String,
    },
    /// A TLS session with a verified device is up.
    Connected {
        addr: String,
        peer_device: String,
        peer_account: String,
        /// `direct`, or `relay` when the path runs through a TURN server.
        path: &'static str,
    },
    /// An offer was sent (sender) or received (receiver).
    Offer {
        transfer_id: String,
        name: String,
        /// `null` when streamed (`send -`): known only at the end.
        size: Option<u64>,
        peer_device: String,
        peer_account: String,
        /// The name as the sender wrote it, when it had to be made safe.
        #[serde(skip_serializing_if = "Option::is_none")]
        offered_name: Option<String>,
    },
    /// An offer waits for `ferry accept ID` (or `ferry accept --reject ID`).
    Pending {
        id: String,
        transfer_id: String,
        name: String,
        size: Option<u64>,
        peer_device: String,
    },
    Accepted {
        transfer_id: String,
    },
    Refused {
        transfer_id: String,
        reason: String,
    },
    /// Body bytes so far; at most a few per second in JSON.
    Progress {
        transfer_id: String,
        bytes: u64,
        /// `null` when streamed.
        total: Option<u64>,
    },
    /// A text sent with `send --text`, verified (receiver). Without `--json` it is written to
    /// standard output: byte for byte into a pipe or file, escaped on a terminal.
    Text {
        transfer_id: String,
        text: String,
    },
    /// The transfer is complete and verified on both sides.
    Done {
        transfer_id: String,
        name: String,
        size: u64,
        sha3_256: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        seconds: f64,
        /// Sender: body bytes that travelled (less than `size` after a resume).
        #[serde(skip_serializing_if = "Option::is_none")]
        bytes_sent: Option<u64>,
    },
    /// Something under a path given to `send` that is not sent (a link leading out of the
    /// tree, a socket...).
    Skipped {
        path: String,
        reason: String,
    },
    /// One file of a set, verified (receiver: where it was kept; sender: its relative path).
    Entry {
        transfer_id: String,
        path: String,
        size: u64,
        sha3_256: String,
    },
    /// The transfer was cancelled; `by` is `local` or `peer`.
    Cancelled {
        transfer_id: String,
        by: &'static str,
        reason: String,
    },
    /// A re-request: sent (requester, `outcome` = `asked`, one event per device asked),
    /// answered (server: `sending` or `refused` with the reason; requester: `refused` by a
    /// member).
    Rerequest {
        interaction: String,
        peer_device: String,
        outcome: &'static str,
        #[serde(skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// Who carries out `ferry rerequest`: `receive`, the running `ferry receive` of this home
    /// (process `pid`), which takes the offers that arrive for it; or `self`, with the
    /// `reason` none could.
    RerequestBy {
        by: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pid: Option<u32>,
        #[serde(skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// A signalling value or connection was refused (tampered, replayed, wrong identity).
    Dropped {
        reason: String,
        total: u64,
    },
    /// What a command is doing now (`send`: joining, resolving, offer published, answered,
    /// connected, waiting for the decision), `seconds` after it started.
    Phase {
        what: String,
        seconds: f64,
    },
    /// The transfer failed; the receiver keeps serving others unless `--once`.
    Error {
        #[serde(skip_serializing_if = "Option::is_none")]
        transfer_id: Option<String>,
        reason: String,
    },
}

/// When the command started, for [`phase`] (set by its first phase).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Report a phase of the running command, with the seconds since its first phase.
pub fn phase(reporter: &dyn Reporter, what: impl Into<String>) {
    let started = *STARTED.get_or_init(std::time::Instant::now);
    reporter.report(Event::Phase {
        what: what.into(),
        seconds: started.elapsed().as_secs_f64(),
    });
}

/// Where events go. Implemented by the console in `cli::output`; tests may collect them.
pub trait Reporter: Send + Sync {
    fn report(&self, event: Event);
}
