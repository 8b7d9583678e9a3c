//! The DHT through OpenDHT's REST proxy, for networks where UDP does not pass: HTTP/1.1 over
//! TCP (TLS for `https://`) with hyper, driving `proto::dht::proxy`.
//!
//! It serves the same commands as the UDP node (`net::dht`), so a [`super::dht::Dht`] handle
//! works the same either way: a get is one request whose streamed lines become `Values`
//! events, then `Done`; a put is one POST (a permanent one is posted again before the proxy
//! forgets it, as OpenDHT's client does); a listen is a stream kept open, reconnected with a
//! backoff when it ends; a cancel aborts the operation's task. Node info (`GET /`) is the
//! health check: the node "knows" one node (the proxy) while it answers, and
//! [`super::dht::Status::proxy_error`] says why not when it does not.
//!
//! Every request is bounded: [`CONNECT_TIMEOUT`] to connect, [`ANSWER_TIMEOUT`] for the
//! status line, [`OP_TIMEOUT`] for a whole get or put, and the reader's line and value limits
//! for what comes back.

use super::dht::{Command, Status};
use crate::proto::dht::engine::{Event, OpId};
use crate::proto::dht::proxy::{self, Line, LineReader, NodeInfo, ProxyUrl, Request};
use crate::proto::dht::InfoHash;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

/// Time to open the TCP connection (and TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time from the request to the proxy's status line.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// Time for a whole get or put: the proxy answers once its own DHT operation ends.
pub const OP_TIMEOUT: Duration = Duration::from_secs(30);
/// Health checks: again after this while the proxy answers...
const HEALTH_PERIOD: Duration = Duration::from_secs(60);
/// ...and after this while it does not.
const HEALTH_RETRY: Duration = Duration::from_secs(2);
/// A listen stream that ended is opened again after this, doubling up to the maximum.
const LISTEN_BACKOFF: Duration = Duration::from_secs(1);
const LISTEN_BACKOFF_MAX: Duration = Duration::from_secs(30);
/// A failed refresh of a permanent put is tried again after this.
const PUT_RETRY: Duration = Duration::from_secs(60);

/// What the health check last saw.
#[derive(Default)]
struct Health {
    info: Option<NodeInfo>,
    error: Option<String>,
}

struct Shared {
    url: ProxyUrl,
    health: Mutex<Health>,
}

impl Shared {
    fn set_health(&self, outcome: Result<NodeInfo, String>) {
        if let Ok(mut health) = self.health.lock() {
            match outcome {
                Ok(info) => {
                    *health = Health {
                        info: Some(info),
                        error: None,
                    }
                }
                Err(error) => {
                    *health = Health {
                        info: None,
                        error: Some(error),
                    }
                }
            }
        }
    }
}

/// Start the driver for `url`, serving `commands` until the handle is dropped.
pub(super) fn spawn(url: ProxyUrl, id: InfoHash, commands: mpsc::UnboundedReceiver<Command>) {
    let shared = Arc::new(Shared {
        url,
        health: Mutex::new(Health::default()),
    });
    let health = tokio::spawn(check_health(shared.clone()));
    tokio::spawn(async move {
        Driver {
            shared,
            id,
            ops: HashMap::new(),
            next_op: 1,
        }
        .run(commands)
        .await;
        health.abort();
    });
}

async fn check_health(shared: Arc<Shared>) {
    loop {
        let outcome = node_info(&shared.url).await;
        let wait = if outcome.is_ok() {
            HEALTH_PERIOD
        } else {
            HEALTH_RETRY
        };
        if let Err(err) = &outcome {
            tracing::info!("{err}");
        }
        shared.set_health(outcome);
        tokio::time::sleep(wait).await;
    }
}

async fn node_info(url: &ProxyUrl) -> Result<NodeInfo, String> {
    let response = send(url, &Request::info(url)).await?;
    let status = response.status().as_u16();
    let body = tokio::time::timeout(ANSWER_TIMEOUT, read_all(response.into_body()))
        .await
        .map_err(|_| failed(url, "sent no node info within the time"))?
        .map_err(|e| failed(url, &e))?;
    if status != 200 {
        return Err(failed(
            url,
            &format!("does not answer as a DHT proxy (node info: HTTP {status})"),
        ));
    }
    proxy::node_info(&body).map_err(|e| {
        failed(
            url,
            &format!("does not answer as a DHT proxy (node info: {e})"),
        )
    })
}

struct Driver {
    shared: Arc<Shared>,
    id: InfoHash,
    /// Puts and listens that run until cancelled.
    ops: HashMap<OpId, AbortHandle>,
    next_op: OpId,
}

impl Driver {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        while let Some(command) = commands.recv().await {
            self.command(command);
        }
        for (_, task) in self.ops.drain() {
            task.abort();
        }
    }

    fn op(&mut self) -> OpId {
        self.next_op += 1;
        self.next_op
    }

    fn command(&mut self, command: Command) {
        let url = self.shared.url.clone();
        match command {
            Command::Get(key, tx) => {
                let op = self.op();
                tokio::spawn(get(url, key, op, tx));
            }
            Command::Put(key, value, permanent, tx, op_tx) => {
                let op = self.op();
                let task = tokio::spawn(put(url, key, *value, permanent, op, tx));
                self.ops.insert(op, task.abort_handle());
                let _ = op_tx.send(op);
            }
            Command::Listen(key, tx, op_tx) => {
                let op = self.op();
                let task = tokio::spawn(listen(url, key, op, tx));
                self.ops.insert(op, task.abort_handle());
                let _ = op_tx.send(op);
            }
            Command::Cancel(op) => {
                if let Some(task) = self.ops.remove(&op) {
                    task.abort();
                }
            }
            // A proxy client has no UDP node to ping or to bootstrap: the caller sees no answer.
            Command::Ping(..) | Command::Bootstrap(_) => {}
            Command::Status(tx) => {
                let (info, error) = match self.shared.health.lock() {
                    Ok(h) => (h.info.clone(), h.error.clone()),
                    Err(_) => (None, Some("the proxy state is unusable".into())),
                };
                // The proxy counts as one node while it answers, whatever it knows itself.
                let (n4, n6) = info
                    .as_ref()
                    .map_or((0, 0), |i| (i.nodes_ipv4.max(1), i.nodes_ipv6));
                let _ = tx.send(Status {
                    id: self.id.to_string(),
                    ipv4: None,
                    ipv6: None,
                    nodes_ipv4: n4,
                    nodes_ipv6: n6,
                    public_addr: info.and_then(|i| i.public_ip),
                    stored_values: 0,
                    dropped_malformed: 0,
                    dropped_other: 0,
                    received: 0,
                    proxy: Some(url.to_string()),
                    proxy_error: error,
                });
            }
        }
    }
}

async fn get(url: ProxyUrl, key: InfoHash, op: OpId, tx: mpsc::UnboundedSender<Event>) {
    let request = Request::get(&url, &key);
    let read = async {
        let response = send(&url, &request).await?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(failed(
                &url,
                &format!("answered get {key} with HTTP {status}"),
            ));
        }
        let mut reader = LineReader::default();
        let mut body = response.into_body();
        loop {
            let lines = match body.frame().await {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => reader.handle_data(&data),
                    Err(_) => continue,
                },
                Some(Err(err)) => return Err(failed(&url, &format!("broke off a get: {err}"))),
                None => {
                    let last = reader.finish();
                    deliver(&tx, op, last.map_err(|e| failed(&url, &e.to_string()))?);
                    return Ok(());
                }
            };
            deliver(&tx, op, lines.map_err(|e| failed(&url, &e.to_string()))?);
        }
    };
    let detail = match tokio::time::timeout(OP_TIMEOUT, read).await {
        Ok(Ok(())) => None,
        Ok(Err(err)) => Some(err),
        Err(_) => Some(failed(
            &url,
            &format!("did not finish get {key} within {}s", OP_TIMEOUT.as_secs()),
        )),
    };
    let _ = tx.send(Event::Done {
        op,
        ok: detail.is_none(),
        detail: detail.unwrap_or_default(),
    });
}

/// Hand lines over as the UDP node does: new values in one event, expired ids in another.
fn deliver(tx: &mpsc::UnboundedSender<Event>, op: OpId, lines: Vec<Line>) {
    let mut values = Vec::new();
    let mut ids = Vec::new();
    for line in lines {
        match line {
            Line::Value(v) => values.push(*v),
            Line::Expired(id) => ids.push(id),
        }
    }
    if !values.is_empty() {
        let _ = tx.send(Event::Values { op, values });
    }
    if !ids.is_empty() {
        let _ = tx.send(Event::Expired { op, ids });
    }
}

async fn put(
    url: ProxyUrl,
    key: InfoHash,
    value: crate::proto::dht::value::Value,
    permanent: bool,
    op: OpId,
    tx: mpsc::UnboundedSender<Event>,
) {
    let request = Request::put(&url, &key, &value, permanent);
    let mut first = true;
    loop {
        let outcome = match tokio::time::timeout(OP_TIMEOUT, post(&url, &request)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(failed(
                &url,
                &format!("did not confirm put {key} within {}s", OP_TIMEOUT.as_secs()),
            )),
        };
        if first {
            let _ = tx.send(Event::Done {
                op,
                ok: outcome.is_ok(),
                detail: outcome.as_ref().err().cloned().unwrap_or_default(),
            });
            first = false;
        }
        if !permanent {
            return;
        }
        // As OpenDHT's client: posted again before the proxy lets it go.
        let wait = match outcome {
            Ok(()) => Duration::from_secs(proxy::PERMANENT_REFRESH_S),
            Err(err) => {
                tracing::info!("{err}; trying again in {}s", PUT_RETRY.as_secs());
                PUT_RETRY
            }
        };
        tokio::time::sleep(wait).await;
    }
}

async fn post(url: &ProxyUrl, request: &Request) -> Result<(), String> {
    let response = send(url, request).await?;
    let status = response.status().as_u16();
    let body = read_all(response.into_body())
        .await
        .map_err(|e| failed(url, &e))?;
    if status == 200 {
        Ok(())
    } else {
        Err(failed(
            url,
            &format!("refused a put: {}", proxy::put_refused(status, &body)),
        ))
    }
}

async fn listen(url: ProxyUrl, key: InfoHash, op: OpId, tx: mpsc::UnboundedSender<Event>) {
    let request = Request::listen(&url, &key);
    let mut backoff = LISTEN_BACKOFF;
    loop {
        let opened = tokio::time::Instant::now();
        let why = match send(&url, &request).await {
            Ok(response) if response.status().as_u16() == 200 => {
                let mut reader = LineReader::default();
                let mut body = response.into_body();
                loop {
                    match body.frame().await {
                        Some(Ok(frame)) => {
                            let Ok(data) = frame.into_data() else {
                                continue;
                            };
                            match reader.handle_data(&data) {
                                Ok(lines) => deliver(&tx, op, lines),
                                Err(err) => break err.to_string(),
                            }
                        }
                        Some(Err(err)) => break err.to_string(),
                        None => break "the stream ended".to_string(),
                    }
                    if tx.is_closed() {
                        return;
                    }
                }
            }
            Ok(response) => format!("HTTP {}", response.status().as_u16()),
            Err(err) => err,
        };
        if opened.elapsed() > LISTEN_BACKOFF_MAX * 2 {
            backoff = LISTEN_BACKOFF;
        }
        tracing::info!(
            "listen {key} through the DHT proxy {url}: {why}; again in {}s",
            backoff.as_secs()
        );
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(LISTEN_BACKOFF_MAX);
        if tx.is_closed() {
            return;
        }
    }
}

/// "the DHT proxy URL WHAT".
fn failed(url: &ProxyUrl, what: &str) -> String {
    format!("the DHT proxy {url} {what}")
}

/// The whole body of a short answer, at most [`proxy::MAX_REPLY`] bytes.
async fn read_all(mut body: Incoming) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("broke off its answer: {e}"))?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > proxy::MAX_REPLY {
                return Err(format!(
                    "answered with more than {} bytes",
                    proxy::MAX_REPLY
                ));
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Connect (within [`CONNECT_TIMEOUT`]) and send `request`; the response once its status line
/// came (within [`ANSWER_TIMEOUT`]), its body still to read. One connection per request.
async fn send(url: &ProxyUrl, request: &Request) -> Result<hyper::Response<Incoming>, String> {
    let io = tokio::time::timeout(CONNECT_TIMEOUT, connect(url))
        .await
        .map_err(|_| {
            failed(
                url,
                &format!(
                    "did not accept a connection within {}s",
                    CONNECT_TIMEOUT.as_secs()
                ),
            )
        })??;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Full<Bytes>>(hyper_util::rt::TokioIo::new(io))
            .await
            .map_err(|e| failed(url, &format!("HTTP: {e}")))?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!("DHT proxy connection: {err}");
        }
    });
    let body = request.body.clone().unwrap_or_default();
    let mut builder = hyper::Request::builder()
        .method(request.method)
        .uri(&request.path)
        .header(hyper::header::HOST, url.authority())
        .header(
            hyper::header::USER_AGENT,
            concat!("ferry/", env!("CARGO_PKG_VERSION")),
        );
    if request.body.is_some() {
        builder = builder.header(hyper::header::CONTENT_TYPE, "application/json");
    }
    let http = builder
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| failed(url, &format!("cannot be asked {}: {e}", request.path)))?;
    tokio::time::timeout(ANSWER_TIMEOUT, sender.send_request(http))
        .await
        .map_err(|_| {
            failed(
                url,
                &format!("did not answer within {}s", ANSWER_TIMEOUT.as_secs()),
            )
        })?
        .map_err(|e| failed(url, &format!("broke off: {e}")))
}

async fn connect(url: &ProxyUrl) -> Result<Box<dyn Io>, String> {
    let authority = url.authority();
    let addrs = super::dns::lookup_patient(&authority)
        .await
        .map_err(|e| failed(url, &format!("cannot be resolved: {e}")))?;
    let mut last = String::from("has no address");
    let mut tcp = None;
    for addr in addrs {
        match tokio::net::TcpStream::connect(addr).await {
            Ok(stream) => {
                tcp = Some(stream);
                break;
            }
            Err(err) => last = format!("is unreachable at {addr} ({err})"),
        }
    }
    let tcp = tcp.ok_or_else(|| failed(url, &last))?;
    let _ = tcp.set_nodelay(true);
    if !url.tls {
        return Ok(Box::new(tcp));
    }
    let name = rustls::pki_types::ServerName::try_from(url.host.clone())
        .map_err(|_| failed(url, "has a host name no TLS certificate can carry"))?;
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| failed(url, &format!("TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| failed(url, &format!("failed the TLS handshake: {e}")))?;
    Ok(Box::new(tls))
}
