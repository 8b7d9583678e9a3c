//! The TURN-TCP client on real sockets: a control connection driving `proto::turn`, and one
//! new data connection per peer, bound with ConnectionBind, that then carries the peer's bytes.
//! A `turns:HOST:PORT` server is reached over TLS (rustls; the server's certificate checked
//! against the Mozilla roots of `webpki-roots`, or the CA file of `--turn-ca`), the control
//! connection and every data connection alike.

use crate::net::conn::Conn;
use crate::proto::turn::{connection_bind_result, message_len, Client, Credentials, TurnEvent};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

/// Jami's public TURN server and its well-known credentials, as jami-daemon ships them.
pub const DEFAULT_SERVER: &str = "turn:turn.jami.net:3478";
pub const DEFAULT_USER: &str = "ring";
pub const DEFAULT_PASSWORD: &str = "ring";
pub const DEFAULT_REALM: &str = "ring";
/// Longest wait for the server to grant an allocation or a permission.
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to allocate.
#[derive(Debug, Clone)]
pub struct TurnConfig {
    /// `turn:HOST:PORT` (or `HOST:PORT`).
    pub server: String,
    pub username: String,
    pub password: String,
    /// The realm the user expects; the server's own realm (from its 401) is what is used.
    pub realm: String,
    /// PEM certificates trusted for a `turns:` server besides the usual public roots.
    pub ca: Option<PathBuf>,
}

impl TurnConfig {
    fn host_port(&self) -> &str {
        let s = &self.server;
        s.strip_prefix("turns:")
            .or_else(|| s.strip_prefix("turn:"))
            .unwrap_or(s)
    }

    /// Whether the server is reached over TLS (`turns:`).
    pub fn tls(&self) -> bool {
        self.server.starts_with("turns:")
    }

    /// A connection to `server`, inside TLS for `turns:`.
    async fn connect(&self, server: SocketAddr) -> Result<Conn> {
        let tcp = tokio::time::timeout(SETUP_TIMEOUT, TcpStream::connect(server))
            .await
            .map_err(|_| anyhow!("no connection to the TURN server {server}"))?
            .with_context(|| format!("connecting to the TURN server {server}"))?;
        tcp.set_nodelay(true)?;
        if !self.tls() {
            return Ok(Conn::Tcp(tcp));
        }
        let host = self
            .host_port()
            .rsplit_once(':')
            .map_or(self.host_port(), |(host, _)| host)
            .trim_start_matches('[')
            .trim_end_matches(']');
        let name = rustls::pki_types::ServerName::try_from(host.to_string())
            .map_err(|_| anyhow!("{host:?} is not a name a TLS certificate can carry"))?;
        let connector = tokio_rustls::TlsConnector::from(self.tls_config()?);
        let tls = tokio::time::timeout(SETUP_TIMEOUT, connector.connect(name, tcp))
            .await
            .map_err(|_| anyhow!("no TLS handshake with the TURN server {server}"))?
            .with_context(|| format!("TLS with the TURN server {} ({server})", self.server))?;
        Ok(Conn::Tls(Box::new(tls)))
    }

    fn tls_config(&self) -> Result<Arc<rustls::ClientConfig>> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = &self.ca {
            let pem = std::fs::read(path)
                .with_context(|| format!("reading the TURN CA file {}", path.display()))?;
            let mut added = 0;
            use rustls::pki_types::pem::PemObject as _;
            for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| anyhow!("{}: {e}", path.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| anyhow!("{}: {e}", path.display()))?;
                added += 1;
            }
            if added == 0 {
                bail!("{} holds no PEM certificate", path.display());
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| anyhow!("TLS for TURN: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    async fn resolve(&self, ipv6: bool) -> Result<SocketAddr> {
        super::dns::lookup(self.host_port())
            .await
            .map_err(|e| anyhow!("resolving the TURN server {}: {e}", self.server))?
            .into_iter()
            .find(|a| a.is_ipv6() == ipv6)
            .with_context(|| {
                format!(
                    "the TURN server {} has no {} address",
                    self.server,
                    if ipv6 { "IPv6" } else { "IPv4" }
                )
            })
    }

    fn client(&self) -> Result<Client> {
        let crypto = rtc_ice::crypto::default_provider().map_err(|e| anyhow!("{e}"))?;
        Ok(Client::new(
            Credentials {
                username: self.username.clone(),
                password: self.password.clone(),
            },
            crypto,
        ))
    }
}

enum Command {
    Permit(Vec<IpAddr>, oneshot::Sender<Result<()>>),
}

/// A TCP allocation; dropping it releases it.
pub struct Relay {
    pub relayed: SocketAddr,
    pub mapped: SocketAddr,
    commands: mpsc::UnboundedSender<Command>,
    connections: mpsc::Receiver<(Conn, SocketAddr)>,
}

impl Relay {
    /// Let peers at these IPs connect to the relayed address.
    pub async fn permit(&self, ips: Vec<IpAddr>) -> Result<()> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .send(Command::Permit(ips, tx))
            .map_err(|_| anyhow!("the TURN allocation ended"))?;
        tokio::time::timeout(SETUP_TIMEOUT, rx)
            .await
            .map_err(|_| anyhow!("the TURN server did not grant the permission"))?
            .map_err(|_| anyhow!("the TURN allocation ended"))?
    }

    /// The next peer connection through the relay: a data connection, already bound.
    pub async fn next_connection(&mut self) -> Option<(Conn, SocketAddr)> {
        self.connections.recv().await
    }

    /// Send every future peer connection to `tx` instead (the relay itself stays owned).
    pub fn forward_to(&mut self, tx: mpsc::Sender<(Conn, SocketAddr)>) {
        let (_, empty) = mpsc::channel(1);
        let mut connections = std::mem::replace(&mut self.connections, empty);
        tokio::spawn(async move {
            while let Some(c) = connections.recv().await {
                if tx.send(c).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// Drive the machine until `done` picks an event, writing what it asks and reading replies.
async fn drive_until<T>(
    client: &mut Client,
    control: &mut Conn,
    mut done: impl FnMut(TurnEvent) -> Option<Result<T>>,
) -> Result<T> {
    let mut buf = vec![0u8; 4096];
    let deadline = tokio::time::Instant::now() + SETUP_TIMEOUT;
    loop {
        while let Some(bytes) = client.poll_write() {
            control.write_all(&bytes).await?;
        }
        control.flush().await?;
        while let Some(event) = client.poll_event() {
            if let Some(result) = done(event) {
                return result;
            }
        }
        // The machine says when its requests time out; SETUP_TIMEOUT only bounds the whole.
        let wake = client
            .poll_timeout()
            .map(|at| tokio::time::Instant::now() + at.saturating_duration_since(Instant::now()))
            .map_or(deadline, |at| at.min(deadline));
        let n = tokio::select! {
            n = control.read(&mut buf) => n?,
            _ = tokio::time::sleep_until(wake) => {
                if tokio::time::Instant::now() >= deadline {
                    bail!("the TURN server did not finish within {}s", SETUP_TIMEOUT.as_secs());
                }
                client.handle_timeout(Instant::now());
                continue;
            }
        };
        if n == 0 {
            client.handle_close();
        } else {
            client.handle_read(Instant::now(), &buf[..n]);
        }
    }
}

async fn open_control(config: &TurnConfig, ipv6: bool) -> Result<(SocketAddr, Conn)> {
    let server = config.resolve(ipv6).await?;
    let control = config.connect(server).await?;
    Ok((server, control))
}

/// Our public address as the TURN server sees it (a STUN Binding over TCP).
pub async fn public_address(config: &TurnConfig, ipv6: bool) -> Result<SocketAddr> {
    let (_, mut control) = open_control(config, ipv6).await?;
    let mut client = config.client()?;
    client.binding(Instant::now());
    drive_until(&mut client, &mut control, |e| match e {
        TurnEvent::Mapped(addr) => Some(Ok(addr)),
        TurnEvent::Failed(err) => Some(Err(err.into())),
        _ => None,
    })
    .await
}

/// Allocate a TCP relay on the server (IPv4 or IPv6: separate allocations, RFC 6156), reached
/// over the same family as the relayed address asked for.
pub async fn allocate(config: &TurnConfig, ipv6: bool) -> Result<Relay> {
    let (server, mut control) = open_control(config, ipv6).await?;
    let mut client = config.client()?;
    if ipv6 {
        client.allocate_ipv6(Instant::now());
    } else {
        client.allocate(Instant::now());
    }
    let (relayed, mapped) = drive_until(&mut client, &mut control, |e| match e {
        TurnEvent::Allocated {
            relayed, mapped, ..
        } => Some(Ok((relayed, mapped))),
        TurnEvent::Failed(err) => Some(Err(
            anyhow!(err).context(format!("allocating on {}", config.server))
        )),
        _ => None,
    })
    .await?;
    let (commands, rx) = mpsc::unbounded_channel();
    let (found, connections) = mpsc::channel(16);
    tokio::spawn(run_allocation(
        client,
        control,
        config.clone(),
        server,
        rx,
        found,
    ));
    Ok(Relay {
        relayed,
        mapped,
        commands,
        connections,
    })
}

/// Keep the allocation: refreshes, permissions, and a data connection per peer.
async fn run_allocation(
    mut client: Client,
    mut control: Conn,
    config: TurnConfig,
    server: SocketAddr,
    mut commands: mpsc::UnboundedReceiver<Command>,
    found: mpsc::Sender<(Conn, SocketAddr)>,
) {
    let mut buf = vec![0u8; 4096];
    let mut permits: VecDeque<oneshot::Sender<Result<()>>> = VecDeque::new();
    loop {
        while let Some(bytes) = client.poll_write() {
            if control.write_all(&bytes).await.is_err() {
                return;
            }
        }
        if control.flush().await.is_err() {
            return;
        }
        while let Some(event) = client.poll_event() {
            match event {
                TurnEvent::PermissionGranted(ips) => {
                    tracing::debug!("TURN: permission granted for {ips:?}");
                    if let Some(tx) = permits.pop_front() {
                        let _ = tx.send(Ok(()));
                    }
                }
                TurnEvent::ConnectionAttempt { id, peer } | TurnEvent::Connected { id, peer } => {
                    tracing::debug!("TURN: connection {id} from {peer}");
                    let bind = client.connection_bind(id);
                    let found = found.clone();
                    let config = config.clone();
                    tokio::spawn(async move {
                        match bind_data_connection(&config, server, &bind).await {
                            Ok(stream) => {
                                let _ = found.send((stream, peer)).await;
                            }
                            Err(err) => tracing::info!("TURN data connection for {peer}: {err:#}"),
                        }
                    });
                }
                TurnEvent::Failed(err) => {
                    if let Some(tx) = permits.pop_front() {
                        let _ = tx.send(Err(anyhow!(err.clone())));
                    }
                    if err.ends_allocation() {
                        tracing::info!("TURN allocation ended: {err}");
                        return;
                    }
                }
                _ => {}
            }
        }
        let wake = client
            .poll_timeout()
            .map(|at| tokio::time::Instant::now() + at.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(60));
        tokio::select! {
            n = control.read(&mut buf) => match n {
                Ok(0) | Err(_) => {
                    client.handle_close();
                    return;
                }
                Ok(n) => client.handle_read(Instant::now(), &buf[..n]),
            },
            command = commands.recv() => match command {
                Some(Command::Permit(ips, tx)) => {
                    tracing::debug!("TURN: CreatePermission {ips:?}");
                    client.create_permission(Instant::now(), &ips);
                    permits.push_back(tx);
                }
                None => {
                    // The Relay was dropped: release the allocation and stop.
                    client.release(Instant::now());
                    while let Some(bytes) = client.poll_write() {
                        let _ = control.write_all(&bytes).await;
                    }
                    let _ = control.flush().await;
                    return;
                }
            },
            _ = tokio::time::sleep_until(wake) => client.handle_timeout(Instant::now()),
        }
    }
}

/// Open a data connection to the server and bind it to a peer connection.
async fn bind_data_connection(
    config: &TurnConfig,
    server: SocketAddr,
    bind: &[u8],
) -> Result<Conn> {
    let mut stream = config
        .connect(server)
        .await
        .context("opening a data connection")?;
    stream.write_all(bind).await?;
    stream.flush().await?;
    let mut header = [0u8; 20];
    tokio::time::timeout(SETUP_TIMEOUT, stream.read_exact(&mut header))
        .await
        .map_err(|_| anyhow!("no answer to ConnectionBind"))??;
    let len = message_len(&header).unwrap_or(20);
    let mut raw = header.to_vec();
    raw.resize(len, 0);
    stream.read_exact(&mut raw[20..]).await?;
    connection_bind_result(&raw)?;
    if len > 4096 {
        bail!("oversized ConnectionBind answer");
    }
    Ok(stream)
}
