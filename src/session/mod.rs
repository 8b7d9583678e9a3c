//! The session layer between the commands and the protocol drivers: what a running device does
//! for whichever command runs it. [`Context`] holds who and where this device is (home,
//! console, Ctrl-C, the merged settings); [`serve`] answers offers and records what it keeps;
//! [`send`] runs one recorded transfer and sends to every device of a contact with the combined view; [`online`] joins, pairs, reports and withdraws a receiving device on the DHT; [`rerequest`] asks for
//! files again, serves others' re-requests and the ones handed over by `ferry rerequest`.
//! `src/cmd/` keeps argument handling and printing. Every function here fails with a
//! [`SessionError`].

mod error;
pub mod online;
pub mod rerequest;
pub mod send;
pub mod serve;

pub use error::SessionError;

use crate::cli::output::Console;
use crate::config::Settings;
use crate::net::dht::{Dht, DhtConfig, DhtError};
use crate::net::Interrupt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

type Result<T, E = SessionError> = std::result::Result<T, E>;

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
    /// The one conversion from the merged settings (and the command line's options that are
    /// not settings) to what the commands use. A `dht.proxy` that is not a proxy mode is an
    /// error naming where it came from.
    pub fn new(
        settings: Settings,
        cli: &crate::cli::Cli,
        console: Arc<Console>,
        interrupt: Interrupt,
    ) -> Result<Context> {
        let proxy = crate::proto::dht::proxy::ProxyMode::parse(&settings.dht_proxy.value).map_err(
            |cause| SessionError::ProxySetting {
                cause,
                from: settings.dht_proxy.source.to_string(),
            },
        )?;
        Ok(Context {
            home: settings.home.value.clone(),
            console,
            interrupt,
            dht: DhtConfig {
                port: cli.dht_port,
                bootstrap: settings.bootstrap.value.clone(),
                discovery: settings.discovery.value,
                proxy,
                ..DhtConfig::default()
            },
            candidate_ips: cli.candidate_ip.clone(),
            upnp: !cli.no_upnp,
            turn: settings.turn(),
            relay_only: cli.relay_only,
            settings,
        })
    }

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
            return Ok(crate::identity::Identity::open(&self.home)?);
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
        self.start_dht_with(self.dht.clone()).await
    }

    /// Start a DHT node as `config` says: on UDP, through the proxy (which must answer: a
    /// proxy that is down is an error now, not a silent wait), or on UDP with the proxy as
    /// the fallback. The one place every command starts its node.
    pub async fn start_dht_with(&self, config: DhtConfig) -> Result<Dht> {
        Ok(self.start_node(config).await?.0)
    }

    /// [`Context::start_dht_with`], and whether the switch to the proxy was reported.
    async fn start_node(&self, config: DhtConfig) -> Result<(Dht, Arc<AtomicBool>)> {
        use crate::proto::dht::proxy::ProxyMode;
        let dht = Dht::start(config.clone()).await?;
        let reported = Arc::new(AtomicBool::new(false));
        match &config.proxy {
            ProxyMode::Off => {}
            ProxyMode::Always(_) => {
                if dht.wait_for_nodes(1, crate::net::dht::JOIN_WAIT).await? == 0 {
                    return Err(
                        DhtError::no_node_answered(&config, crate::net::dht::JOIN_WAIT).into(),
                    );
                }
            }
            ProxyMode::Auto(_) => {
                tokio::spawn(report_fallback(
                    dht.clone(),
                    self.console.clone(),
                    reported.clone(),
                ));
            }
        }
        Ok((dht, reported))
    }

    /// A short-lived client node that knows another node, or the error saying what was tried.
    /// A switch to the proxy is said before this returns (a short command may be done before
    /// the background reporter looks again).
    pub async fn join_dht(&self) -> Result<Dht> {
        let mut config = self.dht.clone();
        config.client_only = true;
        let (dht, reported) = self.start_node(config).await?;
        if dht.wait_for_nodes(1, crate::net::dht::JOIN_WAIT).await? == 0 {
            return Err(DhtError::no_node_answered(&self.dht, crate::net::dht::JOIN_WAIT).into());
        }
        report_switch(&dht, self.console.as_ref(), &reported).await;
        Ok(dht)
    }
}

/// Say once that the node uses the proxy, if it does now; whether it does (or could not tell).
async fn report_switch(dht: &Dht, console: &Console, reported: &AtomicBool) -> bool {
    use crate::events::Reporter as _;
    let Ok(status) = dht.status().await else {
        return true;
    };
    let Some(url) = status.proxy else {
        return false;
    };
    if !reported.swap(true, Ordering::SeqCst) {
        console.report(crate::events::Event::DhtProxy {
            url,
            detail: format!(
                "no DHT node answered over UDP within {}s",
                crate::net::dht::AUTO_SWITCH_AFTER.as_secs()
            ),
        });
    }
    true
}

/// With `--dht-proxy auto`: say when the node switches to the proxy (it does so only at
/// [`crate::net::dht::AUTO_SWITCH_AFTER`], so this looks until shortly after).
async fn report_fallback(dht: Dht, console: Arc<Console>, reported: Arc<AtomicBool>) {
    let until = tokio::time::Instant::now()
        + crate::net::dht::AUTO_SWITCH_AFTER
        + std::time::Duration::from_secs(2);
    while tokio::time::Instant::now() < until {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if report_switch(&dht, console.as_ref(), &reported).await {
            return;
        }
    }
}
