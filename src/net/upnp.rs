//! UPnP/IGD port mapping (igd-next): when a gateway on the LAN answers, each ICE session maps
//! its IPv4 passive candidate on the gateway and offers the mapped address as one more passive
//! candidate, so a peer outside the NAT can dial in. Discovery runs in the background and never
//! delays a connection; the mapping is removed when the session ends.

use igd_next::aio::tokio::{search_gateway, Tokio};
use igd_next::aio::Gateway;
use igd_next::{PortMappingProtocol, SearchOptions};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long to look for a gateway.
const SEARCH_TIMEOUT: Duration = Duration::from_secs(3);
/// Mappings expire on the gateway after this, even if ferry dies without removing them.
const LEASE_SECS: u32 = 600;

/// A gateway that answered, and its external address.
pub struct Upnp {
    gateway: Gateway<Tokio>,
    pub external_ip: IpAddr,
}

/// The result of discovery, once it is known (`None` while searching or when no gateway).
pub type UpnpWatch = watch::Receiver<Option<Arc<Upnp>>>;

/// Start looking for a gateway in the background.
pub fn spawn_discovery(enabled: bool) -> UpnpWatch {
    let (tx, rx) = watch::channel(None);
    if enabled {
        tokio::spawn(async move {
            let options = SearchOptions {
                timeout: Some(SEARCH_TIMEOUT),
                single_search_timeout: Some(SEARCH_TIMEOUT),
                ..SearchOptions::default()
            };
            match search_gateway(options).await {
                Ok(gateway) => match gateway.get_external_ip().await {
                    Ok(external_ip) => {
                        tracing::info!(
                            "UPnP gateway {} answered, external address {external_ip}",
                            gateway.addr
                        );
                        let _ = tx.send(Some(Arc::new(Upnp {
                            gateway,
                            external_ip,
                        })));
                    }
                    Err(err) => tracing::info!("UPnP gateway without external address: {err}"),
                },
                Err(err) => tracing::debug!("no UPnP gateway: {err}"),
            }
        });
    }
    rx
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

    /// Remove a mapping (in the background: teardown never blocks).
    pub fn unmap(self: &Arc<Self>, external_port: u16) {
        let me = self.clone();
        tokio::spawn(async move {
            let _ = me
                .gateway
                .remove_port(PortMappingProtocol::TCP, external_port)
                .await;
        });
    }
}
