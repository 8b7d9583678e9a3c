//! The session layer between the commands and the protocol drivers: what a running device does
//! for whichever command runs it. [`Context`] holds who and where this device is (home,
//! console, Ctrl-C, the merged settings); [`serve`] answers offers and records what it keeps;
//! [`send`] runs one recorded transfer and sends to every device of a contact with the combined view; [`rerequest`] asks for
//! files again, serves others' re-requests and the ones handed over by `ferry rerequest`.
//! `src/cmd/` keeps argument handling and printing.

pub mod rerequest;
pub mod send;
pub mod serve;

use crate::cli::output::Console;
use crate::config::Settings;
use crate::net::dht::{Dht, DhtConfig};
use crate::net::Interrupt;
use anyhow::Result;
use std::path::PathBuf;
use std::sync::Arc;

/// What every command gets: where the state lives, where output goes, Ctrl-C, and the
/// settings merged from flags, environment, configuration file and defaults.
pub struct Context {
    pub home: PathBuf,
    pub console: Arc<Console>,
    pub interrupt: Interrupt,
    pub dht: DhtConfig,
    pub candidate_ips: Vec<std::net::IpAddr>,
    pub upnp: bool,
    pub turn: Option<crate::net::turn::TurnConfig>,
    pub relay_only: bool,
    /// Every setting the configuration file can hold, with its source (`ferry doctor`).
    pub settings: Settings,
}

impl Context {
    /// Candidate options, starting UPnP discovery in the background when enabled.
    pub fn candidate_options(&self) -> crate::net::ice::CandidateOptions {
        crate::net::ice::CandidateOptions {
            only: self.candidate_ips.clone(),
            upnp: Some(crate::net::upnp::spawn_discovery(self.upnp)),
            turn: self.turn.clone(),
            relay_only: self.relay_only,
        }
    }

    /// This device's identity, created on first use: a new one is reported (a line, or a
    /// `device_created` event), since it is who peers will know this machine as from now on.
    pub fn identity(&self) -> Result<crate::identity::Identity> {
        use crate::events::Reporter as _;
        if crate::identity::Identity::exists(&self.home) {
            return crate::identity::Identity::load(&self.home);
        }
        let identity = crate::identity::Identity::create(&self.home)?;
        self.console.report(crate::events::Event::DeviceCreated {
            device_id: identity.device.to_string(),
            account_id: identity.account.to_string(),
            home: self.home.display().to_string(),
        });
        Ok(identity)
    }

    /// Start this device's DHT node with the global options.
    pub async fn start_dht(&self) -> Result<Dht> {
        Dht::start(self.dht.clone()).await
    }
}
