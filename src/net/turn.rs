//! The TURN-TCP client on real sockets: a control connection driving `proto::turn`, and one
//! new data connection per peer, bound with ConnectionBind, that then carries the peer's bytes.
//! A `turns:HOST:PORT` server is reached over TLS (rustls; the server's certificate checked
//! against the Mozilla roots of `webpki-roots`, or the CA file of `--turn-ca`), the control
//! connection and every data connection alike.

use crate::net::conn::Conn;
use crate::proto::turn::{
    connection_bind_result, message_len, Client, Credentials, TurnError, TurnEvent,
};
use std::collections::VecDeque;
use std::io;
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

/// Why a TURN server gave no allocation, permission or data connection: the server's own
/// answer ([`TurnError`]), or what stood between us and it.
///
/// Each text ends with its cause, and no variant has a `source`: it is quoted as one line
/// (the relay outcomes in a no-path error, `ferry doctor`, the logs), whoever formats it.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("resolving the TURN server {server}: {detail}")]
    Resolve { server: String, detail: String },
    #[error("the TURN server {server} has no {family} address")]
    NoAddress {
        server: String,
        family: &'static str,
    },
    #[error("no connection to the TURN server {0}")]
    ConnectTimeout(SocketAddr),
    #[error("connecting to the TURN server {server}: {cause}")]
    Connect {
        server: SocketAddr,
        cause: io::Error,
    },
    #[error("{0:?} is not a name a TLS certificate can carry")]
    NotATlsName(String),
    #[error("no TLS handshake with the TURN server {0}")]
    TlsTimeout(SocketAddr),
    /// The TLS handshake with a `turns:` server failed (its certificate, say).
    #[error("TLS with the TURN server {name} ({server}): {cause}")]
    Tls {
        name: String,
        server: SocketAddr,
        cause: io::Error,
    },
    #[error("TLS for TURN: {0}")]
    TlsConfig(rustls::Error),
    #[error("reading the TURN CA file {}: {cause}", path.display())]
    CaFile { path: PathBuf, cause: io::Error },
    #[error("{}: {detail}", path.display())]
    BadCa { path: PathBuf, detail: String },
    #[error("{} holds no PEM certificate", .0.display())]
    NoCa(PathBuf),
    #[error("{0}")]
    Crypto(String),
    /// The server refused or failed the allocation.
    #[error("allocating on {server}: {cause}")]
    Allocate { server: String, cause: TurnError },
    /// The server refused or failed a Binding, a permission or a ConnectionBind.
    #[error("{0}")]
    Server(TurnError),
    #[error("the TURN server did not finish within {}s", SETUP_TIMEOUT.as_secs())]
    SetupTimeout,
    #[error("the TURN server did not grant the permission")]
    PermissionTimeout,
    #[error("the TURN allocation ended")]
    Ended,
    #[error("opening a data connection: {0}")]
    DataConnection(Box<RelayError>),
    #[error("no answer to ConnectionBind")]
    BindTimeout,
    #[error("oversized ConnectionBind answer")]
    OversizedBind,
    /// The allocation task itself failed (a panic): the text of its join error.
    #[error("allocating over {family}: {detail}")]
    Crashed {
        family: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Io(io::Error),
}

impl From<io::Error> for RelayError {
    fn from(err: io::Error) -> RelayError {
        RelayError::Io(err)
    }
}

impl From<TurnError> for RelayError {
    fn from(err: TurnError) -> RelayError {
        RelayError::Server(err)
    }
}

type Result<T, E = RelayError> = std::result::Result<T, E>;

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
            .map_err(|_| RelayError::ConnectTimeout(server))?
            .map_err(|cause| RelayError::Connect { server, cause })?;
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
            .map_err(|_| RelayError::NotATlsName(host.to_string()))?;
        let connector = tokio_rustls::TlsConnector::from(self.tls_config()?);
        let tls = tokio::time::timeout(SETUP_TIMEOUT, connector.connect(name, tcp))
            .await
            .map_err(|_| RelayError::TlsTimeout(server))?
            .map_err(|cause| RelayError::Tls {
                name: self.server.clone(),
                server,
                cause,
            })?;
        Ok(Conn::Tls(Box::new(tls)))
    }

    fn tls_config(&self) -> Result<Arc<rustls::ClientConfig>> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = &self.ca {
            let pem = std::fs::read(path).map_err(|cause| RelayError::CaFile {
                path: path.clone(),
                cause,
            })?;
            let mut added = 0;
            use rustls::pki_types::pem::PemObject as _;
            for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
                let bad = |detail: String| RelayError::BadCa {
                    path: path.clone(),
                    detail,
                };
                let cert = cert.map_err(|e| bad(e.to_string()))?;
                roots.add(cert).map_err(|e| bad(e.to_string()))?;
                added += 1;
            }
            if added == 0 {
                return Err(RelayError::NoCa(path.clone()));
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(RelayError::TlsConfig)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    async fn resolve(&self, ipv6: bool) -> Result<SocketAddr> {
        super::dns::lookup(self.host_port())
            .await
            .map_err(|detail| RelayError::Resolve {
                server: self.server.clone(),
                detail,
            })?
            .into_iter()
            .find(|a| a.is_ipv6() == ipv6)
            .ok_or_else(|| RelayError::NoAddress {
                server: self.server.clone(),
                family: if ipv6 { "IPv6" } else { "IPv4" },
            })
    }

    fn client(&self) -> Result<Client> {
        let crypto =
            rtc_ice::crypto::default_provider().map_err(|e| RelayError::Crypto(e.to_string()))?;
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
            .map_err(|_| RelayError::Ended)?;
        tokio::time::timeout(SETUP_TIMEOUT, rx)
            .await
            .map_err(|_| RelayError::PermissionTimeout)?
            .map_err(|_| RelayError::Ended)?
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
                    return Err(RelayError::SetupTimeout);
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
        TurnEvent::Failed(err) => Some(Err(RelayError::Server(err))),
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
        TurnEvent::Failed(cause) => Some(Err(RelayError::Allocate {
            server: config.server.clone(),
            cause,
        })),
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
                            Err(err) => tracing::info!("TURN data connection for {peer}: {err}"),
                        }
                    });
                }
                TurnEvent::Failed(err) => {
                    if let Some(tx) = permits.pop_front() {
                        let _ = tx.send(Err(RelayError::Server(err.clone())));
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
        .map_err(|err| RelayError::DataConnection(Box::new(err)))?;
    stream.write_all(bind).await?;
    stream.flush().await?;
    let mut header = [0u8; 20];
    tokio::time::timeout(SETUP_TIMEOUT, stream.read_exact(&mut header))
        .await
        .map_err(|_| RelayError::BindTimeout)??;
    let len = message_len(&header).unwrap_or(20);
    let mut raw = header.to_vec();
    raw.resize(len, 0);
    stream.read_exact(&mut raw[20..]).await?;
    connection_bind_result(&raw)?;
    if len > 4096 {
        return Err(RelayError::OversizedBind);
    }
    Ok(stream)
}
