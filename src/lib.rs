//! ferry: send files between devices the way the Jami messenger does, as one small binary.
//!
//! The layers, each in its own module (see `README.md` for the protocol):
//!
//! ```text
//! cli  →  cmd/{id,send,receive,accept,rerequest,account,dht,doctor,generate}  →  connector  →  net/*  ↔  proto/*
//! ```
//!
//! - [`proto`] is pure: protocol machines that take bytes (and, where time matters, `now`) and
//!   return bytes to send and events. No sockets, files or clocks, so every rule is unit-tested.
//! - [`net`] drives those machines with real sockets, TLS and files.
//! - [`connector`] is the one path every command takes to reach a device.
//! - [`identity`] owns the account and device keys and the rules that pin a peer's certificate.
//! - [`cli`] knows clap and indicatif; [`cmd`] orchestrates one subcommand per file.
//! - [`config`] reads the configuration file and merges it with flags, environment and defaults;
//!   [`doctor`] turns what `ferry doctor` found into its verdicts and text.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod cmd;
pub mod config;
pub mod connector;
pub mod contacts;
pub mod doctor;
pub mod events;
pub mod history;
pub mod identity;
pub mod net;
pub mod outcome;
pub mod proto;
pub mod rerequest;
pub mod session;
pub mod set;
