//! The TURN-TCP client on real sockets: a control connection driving `proto::turn`, and one
//! new data connection per peer, bound with ConnectionBind, that then carries the peer's bytes.

use crate::proto::turn::{connection_bind_result, message_len, Client, Credentials, TurnEvent};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
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
}

impl TurnConfig {
    fn host_port(&self) -> &str {
        self.server.strip_prefix("turn:").unwrap_or(&self.server)
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
    connections: mpsc::Receiver<(TcpStream, SocketAddr)>,
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
    pub async fn next_connection(&mut self) -> Option<(TcpStream, SocketAddr)> {
        self.connections.recv().await
    }

    /// Send every future peer connection to `tx` instead (the relay itself stays owned).
    pub fn forward_to(&mut self, tx: mpsc::Sender<(TcpStream, SocketAddr)>) {
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
    control: &mut TcpStream,
    mut done: impl FnMut(TurnEvent) -> Option<Result<T>>,
) -> Result<T> {
    let mut buf = vec![0u8; 4096];
    let deadline = tokio::time::Instant::now() + SETUP_TIMEOUT;
    loop {
        while let Some(bytes) = client.poll_write() {
            control.write_all(&bytes).await?;
        }
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

async fn open_control(config: &TurnConfig, ipv6: bool) -> Result<(SocketAddr, TcpStream)> {
    let server = config.resolve(ipv6).await?;
    let control = tokio::time::timeout(SETUP_TIMEOUT, TcpStream::connect(server))
        .await
        .map_err(|_| anyhow!("no connection to the TURN server {server}"))?
        .with_context(|| format!("connecting to the TURN server {server}"))?;
    control.set_nodelay(true)?;
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
    tokio::spawn(run_allocation(client, control, server, rx, found));
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
    mut control: TcpStream,
    server: SocketAddr,
    mut commands: mpsc::UnboundedReceiver<Command>,
    found: mpsc::Sender<(TcpStream, SocketAddr)>,
) {
    let mut buf = vec![0u8; 4096];
    let mut permits: VecDeque<oneshot::Sender<Result<()>>> = VecDeque::new();
    loop {
        while let Some(bytes) = client.poll_write() {
            if control.write_all(&bytes).await.is_err() {
                return;
            }
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
                    tokio::spawn(async move {
                        match bind_data_connection(server, &bind).await {
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
                    if !matches!(
                        err,
                        crate::proto::turn::TurnError::Refused {
                            request: "CreatePermission",
                            ..
                        }
                    ) {
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
                    return;
                }
            },
            _ = tokio::time::sleep_until(wake) => client.handle_timeout(Instant::now()),
        }
    }
}

/// Open a data connection to the server and bind it to a peer connection.
async fn bind_data_connection(server: SocketAddr, bind: &[u8]) -> Result<TcpStream> {
    let mut stream = tokio::time::timeout(SETUP_TIMEOUT, TcpStream::connect(server))
        .await
        .map_err(|_| anyhow!("no data connection to {server}"))??;
    stream.set_nodelay(true)?;
    stream.write_all(bind).await?;
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
