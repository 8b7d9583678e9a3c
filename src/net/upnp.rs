//! UPnP/IGD port mapping (igd-next): when a gateway on the LAN answers, each ICE session maps
//! its IPv4 passive candidate on the gateway and offers the mapped address as one more passive
//! candidate, so a peer outside the NAT can dial in. Discovery runs in the background from the
//! start of the command; its state ([`Discovery`]: searching, found, none) is a watch value.
//! `gather` waits for a search still running only within [`GRACE`] of its start
//! ([`grace_left`]): a gateway on the LAN answers well within it, and without one a session
//! gathered later never waits. The mapping is removed when the session ends.

use igd_next::aio::tokio::{search_gateway, Tokio};
use igd_next::aio::Gateway;
use igd_next::{PortMappingProtocol, SearchOptions};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// How long to look for a gateway.
const SEARCH_TIMEOUT: Duration = Duration::from_secs(3);
/// Mappings expire on the gateway after this, even if ferry dies without removing them.
const LEASE_SECS: u32 = 600;
/// How long after discovery started a session may wait for it: a gateway on the LAN answers
/// the search, its description and the external address request within a few tens of
/// milliseconds; past this, no gateway is assumed and the session goes on without a mapping.
pub const GRACE: Duration = Duration::from_millis(500);

/// A gateway that answered, and its external address.
pub struct Upnp {
    gateway: Gateway<Tokio>,
    pub external_ip: IpAddr,
    /// Our address towards the gateway (the one its LAN reaches us on): the candidate to map.
    pub local_ip: Option<IpAddr>,
}

/// What discovery knows so far.
#[derive(Clone)]
pub enum Discovery {
    /// Still looking, since this instant.
    Searching { started: Instant },
    /// A gateway answered with its external address.
    Found(Arc<Upnp>),
    /// Discovery is off, or ended without a usable gateway.
    None,
}

impl Discovery {
    pub fn searching(&self) -> bool {
        matches!(self, Discovery::Searching { .. })
    }

    /// The gateway, once found.
    pub fn gateway(&self) -> Option<Arc<Upnp>> {
        match self {
            Discovery::Found(upnp) => Some(upnp.clone()),
            _ => None,
        }
    }
}

/// The state of discovery, as it changes.
pub type UpnpWatch = watch::Receiver<Discovery>;

/// How long a session gathering `since_start_us` microseconds after discovery started should
/// still wait for it: what is left of [`GRACE`], `None` once it has passed.
pub fn grace_left(since_start_us: u64) -> Option<Duration> {
    let grace_us = GRACE.as_micros() as u64;
    if since_start_us < grace_us {
        Some(Duration::from_micros(grace_us - since_start_us))
    } else {
        None
    }
}

/// The gateway for a session gathering now: at once when discovery has ended (or is off);
/// while it still searches, a wait of at most what is left of [`GRACE`] since it started. The
/// second value is how long it waited, when it did.
pub async fn gateway_for_session(watch: &UpnpWatch) -> (Option<Arc<Upnp>>, Option<Duration>) {
    let started = match &*watch.borrow() {
        Discovery::Searching { started } => *started,
        done => return (done.gateway(), None),
    };
    let since_start_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let Some(left) = grace_left(since_start_us) else {
        return (None, None);
    };
    let waiting = Instant::now();
    let mut watch = watch.clone();
    // A discovery task that ends without saying (it panicked) closes the channel: no gateway.
    let _ = tokio::time::timeout(left, watch.wait_for(|d| !d.searching())).await;
    let gateway = watch.borrow().gateway();
    (gateway, Some(waiting.elapsed()))
}

/// Start looking for a gateway in the background.
pub fn spawn_discovery(enabled: bool) -> UpnpWatch {
    if !enabled {
        return watch::channel(Discovery::None).1;
    }
    let (tx, rx) = watch::channel(Discovery::Searching {
        started: Instant::now(),
    });
    tokio::spawn(async move {
        let options = SearchOptions {
            timeout: Some(SEARCH_TIMEOUT),
            single_search_timeout: Some(SEARCH_TIMEOUT),
            ..SearchOptions::default()
        };
        let found = match search_gateway(options).await {
            Ok(gateway) => match gateway.get_external_ip().await {
                Ok(external_ip) => {
                    tracing::info!(
                        "UPnP gateway {} answered, external address {external_ip}",
                        gateway.addr
                    );
                    let local_ip = local_ip_towards(gateway.addr);
                    Discovery::Found(Arc::new(Upnp {
                        gateway,
                        external_ip,
                        local_ip,
                    }))
                }
                Err(err) => {
                    tracing::info!("UPnP gateway without external address: {err}");
                    Discovery::None
                }
            },
            Err(err) => {
                tracing::debug!("no UPnP gateway: {err}");
                Discovery::None
            }
        };
        let _ = tx.send(found);
    });
    rx
}

/// The local address the system would use to reach `gateway` (no packet is sent).
fn local_ip_towards(gateway: SocketAddr) -> Option<IpAddr> {
    let any: SocketAddr = if gateway.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = std::net::UdpSocket::bind(any).ok()?;
    socket.connect(gateway).ok()?;
    Some(socket.local_addr().ok()?.ip())
}

impl Upnp {
    /// Map `local` (a passive candidate) on the gateway: the external address, if granted.
    pub async fn map(&self, local: SocketAddr) -> Option<SocketAddr> {
        let port = self
            .gateway
            .add_any_port(PortMappingProtocol::TCP, local, LEASE_SECS, "ferry")
            .await
            .map_err(|e| tracing::info!("UPnP mapping of {local} refused: {e}"))
            .ok()?;
        Some(SocketAddr::new(self.external_ip, port))
    }

    /// Remove a mapping (in the background: teardown never blocks; the process waits for it
    /// briefly before it exits, [`removals_done`]).
    pub fn unmap(self: &Arc<Self>, external_port: u16) {
        let me = self.clone();
        let removal = tokio::spawn(async move {
            if let Err(err) = me
                .gateway
                .remove_port(PortMappingProtocol::TCP, external_port)
                .await
            {
                tracing::info!("UPnP mapping of port {external_port} not removed: {err}");
            }
        });
        let mut pending = REMOVALS.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|r| !r.is_finished());
        pending.push(removal);
    }
}

/// Mapping removals under way.
static REMOVALS: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// Wait at most `limit` for the mapping removals still under way: called before the process
/// exits, since the runtime's shutdown would drop them and leave the port mapped on the
/// gateway until its lease ends. Returns at once when there are none.
pub async fn removals_done(limit: Duration) {
    let pending = std::mem::take(&mut *REMOVALS.lock().unwrap_or_else(|e| e.into_inner()));
    if pending.is_empty() {
        return;
    }
    let _ = tokio::time::timeout(limit, async {
        for removal in pending {
            let _ = removal.await;
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1000;

    #[test]
    fn a_session_gathering_at_the_start_waits_the_whole_grace() {
        assert_eq!(grace_left(0), Some(GRACE));
    }

    #[test]
    fn a_session_gathering_within_the_grace_waits_only_what_is_left() {
        assert_eq!(
            grace_left(120 * MS),
            Some(GRACE - Duration::from_millis(120))
        );
        assert_eq!(
            grace_left(GRACE.as_micros() as u64 - 1),
            Some(Duration::from_micros(1))
        );
    }

    #[test]
    fn a_session_gathering_after_the_grace_never_waits() {
        assert_eq!(grace_left(GRACE.as_micros() as u64), None);
        assert_eq!(grace_left(3_000 * MS), None);
        assert_eq!(grace_left(u64::MAX), None);
    }

    /// How long `gateway_for_session` took, and what it returned.
    async fn session_with(watch: &UpnpWatch) -> (Option<Arc<Upnp>>, Duration) {
        let asked = std::time::Instant::now();
        let (gateway, _) = gateway_for_session(watch).await;
        (gateway, asked.elapsed())
    }

    #[tokio::test]
    async fn with_upnp_off_a_session_never_waits() {
        let (gateway, took) = session_with(&spawn_discovery(false)).await;
        assert!(gateway.is_none());
        assert!(took < GRACE / 5, "{took:?}");
    }

    #[tokio::test]
    async fn a_search_started_longer_ago_than_the_grace_is_not_waited_for() {
        let Some(started) = Instant::now().checked_sub(GRACE * 2) else {
            return; // A clock that started less than a second ago.
        };
        let (_still_searching, watch) = watch::channel(Discovery::Searching { started });
        let (gateway, took) = session_with(&watch).await;
        assert!(gateway.is_none());
        assert!(took < GRACE / 5, "{took:?}");
    }

    #[tokio::test]
    async fn a_search_that_ended_without_saying_is_not_waited_for() {
        let (ended, watch) = watch::channel(Discovery::Searching {
            started: Instant::now(),
        });
        drop(ended);
        let (gateway, took) = session_with(&watch).await;
        assert!(gateway.is_none());
        assert!(took < GRACE / 5, "{took:?}");
    }

    #[test]
    fn the_grace_stays_short() {
        // The most a session without a gateway can lose; it must stay well under a second.
        assert!(GRACE >= Duration::from_millis(300) && GRACE <= Duration::from_millis(500));
    }
}
