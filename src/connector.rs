//! The one path every command takes to reach a device, and to be reached.
//!
//! Today this is direct mode: a known `ADDR:PORT`, a TCP connection, and TLS 1.3 pinned to the
//! expected device (`net::tls`). The DHT rendezvous and ICE-TCP/TURN paths plug in here, so the
//! commands above never change: they ask for a verified stream to a peer and get one.

use crate::identity::{Identity, IdentityError, PeerIdentity, Pin};
use crate::net::tls;
use anyhow::{anyhow, Context, Result};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector, TlsStream};

/// Longest wait for a TCP connection to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for a TLS handshake to complete.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A verified TLS stream to a device, either direction.
pub type PeerStream = TlsStream<TcpStream>;

/// Connect to `addr` and accept it only if it proves to be a device allowed by `pin`.
pub async fn connect_direct(
    identity: &Identity,
    addr: SocketAddr,
    pin: Pin,
) -> Result<(PeerStream, PeerIdentity)> {
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| {
            anyhow!(
                "no TCP connection to {addr} within {}s",
                CONNECT_TIMEOUT.as_secs()
            )
        })?
        .with_context(|| format!("connecting to {addr}"))?;
    tcp.set_nodelay(true)?;
    let connector = TlsConnector::from(tls::client_config(identity, pin)?);
    let stream = tokio::time::timeout(
        HANDSHAKE_TIMEOUT,
        connector.connect(tls::server_name(), tcp),
    )
    .await
    .map_err(|_| anyhow!("TLS handshake with {addr} timed out"))?
    .map_err(|e| handshake_error(e, addr))?;
    let peer = tls::peer_of(stream.get_ref().1)?;
    Ok((TlsStream::Client(stream), peer))
}

/// Listens for devices connecting directly.
pub struct DirectListener {
    listener: TcpListener,
    acceptor: TlsAcceptor,
}

impl DirectListener {
    pub async fn bind(identity: &Identity, addr: SocketAddr) -> Result<DirectListener> {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        Ok(DirectListener {
            listener,
            acceptor: TlsAcceptor::from(tls::server_config(identity)?),
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The next TCP connection; run [`Handshake::complete`] on it (in its own task).
    pub async fn accept(&self) -> Result<Handshake> {
        let (tcp, addr) = self.listener.accept().await?;
        tcp.set_nodelay(true)?;
        Ok(Handshake {
            tcp,
            addr,
            acceptor: self.acceptor.clone(),
        })
    }
}

/// An accepted TCP connection whose TLS handshake is still to be done.
pub struct Handshake {
    tcp: TcpStream,
    pub addr: SocketAddr,
    acceptor: TlsAcceptor,
}

impl Handshake {
    /// Run the TLS handshake; the peer must present a verified device chain.
    pub async fn complete(self) -> Result<(PeerStream, PeerIdentity)> {
        let addr = self.addr;
        let stream = tokio::time::timeout(HANDSHAKE_TIMEOUT, self.acceptor.accept(self.tcp))
            .await
            .map_err(|_| anyhow!("TLS handshake with {addr} timed out"))?
            .map_err(|e| handshake_error(e, addr))?;
        let peer = tls::peer_of(stream.get_ref().1)?;
        Ok((TlsStream::Server(stream), peer))
    }
}

/// Turn a failed handshake into a clear error, surfacing identity problems as themselves.
fn handshake_error(err: std::io::Error, addr: SocketAddr) -> anyhow::Error {
    let identity = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .and_then(|tls| match tls {
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) => {
                other.0.downcast_ref::<IdentityError>().cloned()
            }
            _ => None,
        });
    match identity {
        Some(identity) => anyhow!(identity).context(format!("TLS with {addr} refused")),
        None => anyhow!(err).context(format!("TLS handshake with {addr} failed")),
    }
}
