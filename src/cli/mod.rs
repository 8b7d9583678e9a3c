//! The command line, defined once: it feeds parsing, `--help`, the man page and the shell
//! completions (`ferry generate man|completions SHELL`, checked in under `man/` and
//! `completions/`). This module knows clap and indicatif, never protocols.

pub mod output;

use crate::identity::Id;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Shown at the end of `--help` and in the man page.
pub const EXIT_CODES: &str = "\
EXIT STATUS:
  0    done: the peer verified and kept the file (send), or a file was kept (receive --once)
  1    refused, declined or cancelled by the other side
  2    error: bad usage, I/O, no route, identity mismatch, integrity failure (the message says which)
  130  interrupted by Ctrl-C; the peer was told. A second Ctrl-C exits at once.";

#[derive(Debug, Parser)]
#[command(
    name = "ferry",
    version,
    about = "Send files between devices, peer to peer, the way Jami does",
    long_about = "Send files between devices, peer to peer, the way the Jami messenger does: \
                  TLS 1.3 between pinned device identities and a SHA3-256 check before a file \
                  is kept.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// Directory holding this device's keys and state.
    #[arg(long, env = "FERRY_HOME", global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Configuration file (TOML; default: config.toml in the home given by --home, else in
    /// the platform configuration directory). A setting is taken from its flag, else its
    /// environment variable, else this file, else the default; `ferry doctor --config-only`
    /// shows each value and where it came from.
    #[arg(long, env = "FERRY_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print one JSON event per line on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail (repeat for debug logs).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// No progress bars, even on a terminal.
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// DHT node to join through (repeatable; default bootstrap.jami.net:4222; `none`: LAN
    /// discovery only).
    #[arg(
        long,
        global = true,
        env = "FERRY_BOOTSTRAP",
        value_name = "HOST:PORT",
        value_delimiter = ','
    )]
    pub bootstrap: Vec<String>,
    /// Reach the DHT through OpenDHT's REST proxy (Jami's "DHT proxy"), for networks where
    /// UDP does not pass: `http://HOST:PORT` (or https://) uses only the proxy; `auto` uses
    /// UDP and switches to Jami's proxy (http://dhtproxy.jami.net:80) when no DHT node answered
    /// within 5 s; `auto:URL` the same with another proxy; `off` (default): UDP only.
    #[arg(long, global = true, env = "FERRY_DHT_PROXY", value_name = "URL")]
    pub dht_proxy: Option<String>,
    /// Do not look for DHT nodes on the LAN (multicast peer discovery).
    #[arg(long, global = true, env = "FERRY_NO_DISCOVERY", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_discovery: bool,
    /// Offer only this local address as an ICE candidate (repeatable; default: every
    /// interface address).
    #[arg(
        long,
        global = true,
        env = "FERRY_CANDIDATE_IP",
        value_name = "IP",
        value_delimiter = ','
    )]
    pub candidate_ip: Vec<std::net::IpAddr>,
    /// TURN server for the relay fallback (default: Jami's, turn:turn.jami.net:3478);
    /// `turns:HOST:PORT` reaches it over TLS.
    #[arg(long, global = true, env = "FERRY_TURN", value_name = "turn:HOST:PORT")]
    pub turn: Option<String>,
    /// TURN user name.
    #[arg(long, global = true, env = "FERRY_TURN_USER", value_name = "USER")]
    pub turn_user: Option<String>,
    /// TURN password (visible to other users in the process list: prefer
    /// --turn-password-file).
    #[arg(
        long,
        global = true,
        env = "FERRY_TURN_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub turn_password: Option<String>,
    /// File whose first line is the TURN password (should be readable by its owner only).
    #[arg(
        long,
        global = true,
        env = "FERRY_TURN_PASSWORD_FILE",
        value_name = "FILE"
    )]
    pub turn_password_file: Option<PathBuf>,
    /// TURN realm.
    #[arg(long, global = true, env = "FERRY_TURN_REALM", value_name = "REALM")]
    pub turn_realm: Option<String>,
    /// PEM file of certificates to trust for a `turns:` TURN server (TURN over TLS) besides
    /// the public roots.
    #[arg(long, global = true, env = "FERRY_TURN_CA", value_name = "FILE")]
    pub turn_ca: Option<PathBuf>,
    /// Never use a TURN relay.
    #[arg(long, global = true, env = "FERRY_NO_TURN", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_turn: bool,
    /// Offer only the TURN-relayed address as a candidate (no direct path).
    #[arg(long, global = true, env = "FERRY_RELAY_ONLY", value_parser = clap::builder::BoolishValueParser::new())]
    pub relay_only: bool,
    /// Do not ask the LAN's UPnP gateway for a port mapping.
    #[arg(long, global = true, env = "FERRY_NO_UPNP", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_upnp: bool,
    /// UDP port of this device's DHT node (default: any free port).
    #[arg(
        long,
        global = true,
        env = "FERRY_DHT_PORT",
        value_name = "PORT",
        default_value_t = 0
    )]
    pub dht_port: u16,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show this device's account id, device id and name (created on first use).
    Id,
    /// Send files to a device (--to), or to whoever types the one-time code shown.
    Send(SendArgs),
    /// Stay online and receive files, or receive one transfer with a code from `ferry send`.
    Receive(ReceiveArgs),
    /// List the offers waiting in the running `ferry receive`, or accept or refuse one.
    Accept(AcceptArgs),
    /// Ask the conversation's other members to send a recorded transfer again; kept only if
    /// its SHA3-256 matches the recorded one.
    Rerequest(RerequestArgs),
    /// Show the settings and where each comes from; check the DHT, candidates, UPnP and
    /// the TURN server.
    Doctor(DoctorArgs),
    /// The transfers this device sent and received.
    History,
    /// Short names for ids: `add ALIAS ID`, `list`, `remove ALIAS`.
    #[command(subcommand)]
    Contacts(ContactsCommand),
    /// Link another device to this account: export the account, import it there.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Talk to the DHT directly, for diagnosis (as `dhtnode` does).
    #[command(subcommand)]
    Dht(DhtCommand),
    /// Print the man page or shell completions.
    #[command(hide = true)]
    Generate {
        #[command(subcommand)]
        what: Generate,
    },
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// What to send: one file, `-` for standard input (size unknown, digest at the end), or
    /// several files and directories as one offer (relative paths kept, symbolic links not
    /// followed out of the tree, empty directories kept, every file verified).
    #[arg(required_unless_present = "text", num_args = 1.., value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Send this short text instead of a file (a token, a URL; at most 64 KiB of UTF-8): the
    /// receiver prints it on standard output, verified, and keeps no file.
    #[arg(long, value_name = "TEXT", conflicts_with = "paths")]
    pub text: Option<String>,
    /// The receiving device id, account id (every device of it), or contact alias. Without
    /// it, ferry shows a one-time code (like 7-guitar-orbit-lunch) to type on the other
    /// device as `ferry receive CODE`.
    #[arg(long, value_name = "PEER", conflicts_with = "code")]
    pub to: Option<String>,
    /// Without --to: use this code (a number from 1 to 999 and three BIP39 English words)
    /// instead of a random one.
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// Without --to: how long the code stays valid, in seconds; it works once.
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub code_timeout: u64,
    /// Connect directly to the receiver at this address, without the DHT.
    #[arg(long, value_name = "ADDR:PORT", requires = "to")]
    pub peer_addr: Option<SocketAddr>,
    /// Offer under this name instead of the file's (or the directory's) own.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Limit the sending rate, in bytes per second (suffixes K, M, G).
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub limit_rate: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// The code `ferry send` showed on the other device (`7-guitar-orbit-lunch`, or its
    /// parts as separate words): pair with that device, receive its one offer, and exit, as
    /// --once. Only that device is accepted (--from does not apply).
    #[arg(value_name = "CODE", conflicts_with = "listen")]
    pub code: Vec<String>,
    /// With CODE: keep the sender's account as a contact under this alias.
    #[arg(long, value_name = "ALIAS")]
    pub save_as: Option<String>,
    /// Accept direct connections on this address instead of requests through the DHT.
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Where received files are saved (default: the configuration file's `dir`, else the
    /// download directory).
    #[arg(long, value_name = "DIR", env = "FERRY_RECEIVE_DIR")]
    pub dir: Option<PathBuf>,
    /// Accept every offer (from the senders allowed by --from): `--accept all`.
    #[arg(long)]
    pub yes: bool,
    /// Which offers to accept (default: the configuration file's `accept`, else ask).
    #[arg(long, value_name = "POLICY", env = "FERRY_ACCEPT")]
    pub accept: Option<crate::config::Accept>,
    /// Accept offers only from this device id, account id or contact (repeatable); others
    /// are refused before any work is done for them (in the TLS handshake, or when their
    /// offer is opened).
    #[arg(long, value_name = "PEER", env = "FERRY_FROM", value_delimiter = ',')]
    pub from: Vec<String>,
    /// Exit after one transfer, with its outcome as exit status. Senders refused by --from or
    /// as busy, strangers and failed connections leave it waiting.
    #[arg(long)]
    pub once: bool,
    /// Write the accepted file to standard output (with --once or a CODE); messages and
    /// `--json` events go to standard error.
    #[arg(long)]
    pub stdout: bool,
    /// Transfers at once; offers beyond are refused as busy (never queued).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_concurrent: u32,
    /// Without --yes and without a terminal, how long an offer waits for `ferry accept`.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub accept_timeout: u64,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Only show the settings and their sources; no network checks.
    #[arg(long)]
    pub config_only: bool,
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// The pending offer; without it, list them.
    pub id: Option<String>,
    /// Refuse the offer instead.
    #[arg(long)]
    pub reject: bool,
    /// Save under this name.
    #[arg(long = "as", value_name = "NAME")]
    pub save_as: Option<String>,
}

#[derive(Debug, Args)]
pub struct RerequestArgs {
    /// The recorded transfer (interaction) id, as `ferry history` shows it.
    pub id: String,
    /// Where to save the file (default: where it was kept before, or the download directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// How long to wait for a member device to send the file.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
}

#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Name an account or device id.
    Add { alias: String, id: Id },
    /// Show every contact.
    List,
    /// Forget a contact.
    Remove { alias: String },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Write the account, sealed with a passphrase, for `ferry account import`.
    Export {
        /// The archive to write (mode 0600; never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// Make this machine a new device of the account in FILE (with its own key).
    Import {
        file: PathBuf,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
}

#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// Read the passphrase from this file (first line) instead of a terminal prompt.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// The passphrase, for scripts.
    #[arg(
        long = "passphrase-env",
        env = "FERRY_PASSPHRASE",
        hide = true,
        hide_env_values = true
    )]
    pub passphrase_env: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DhtCommand {
    /// Ping a DHT node and print its id.
    Ping {
        /// The node's address.
        addr: String,
    },
    /// Print the values stored at KEY (a string, hashed as OpenDHT does, or 40 hex digits).
    Get { key: String },
    /// Store TEXT at KEY.
    Put {
        key: String,
        text: String,
        /// Stay online and keep the value alive until Ctrl-C.
        #[arg(long)]
        keep: bool,
    },
    /// Print values at KEY as they appear and expire, until Ctrl-C.
    Listen {
        key: String,
        /// Exit after this many new values.
        #[arg(long, value_name = "N")]
        count: Option<usize>,
    },
    /// Run a DHT node until Ctrl-C (prints its address and id).
    Node,
}

#[derive(Debug, Subcommand)]
pub enum Generate {
    /// The man page of `ferry`, or of one subcommand (`send`, `dht-get`, ...), in roff.
    Man {
        /// The subcommand, its words joined by `-` (as in `ferry-dht-get(1)`).
        command: Option<String>,
    },
    /// The names of every man page, one a line (`ferry`, `ferry-send`, ...).
    ManPages,
    /// Completions for a shell.
    Completions { shell: clap_complete::Shell },
}

/// Parse `1500`, `64K`, `10M`, `1G` (powers of 1024) into bytes per second.
pub fn parse_rate(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a rate like 500K or 10M"))?;
    let scale: u64 = match unit.to_ascii_uppercase().trim_end_matches("B") {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("unknown unit in {text:?}: use K, M or G")),
    };
    match n.checked_mul(scale) {
        Some(0) | None => Err(format!("{text:?} is not a usable rate")),
        Some(rate) => Ok(rate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("1500"), Ok(1500));
        assert_eq!(parse_rate("64K"), Ok(65536));
        assert_eq!(parse_rate("10MB"), Ok(10 << 20));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("10X").is_err());
    }
}
