//! The control socket of a running `ferry receive`, through which `ferry accept` lists pending
//! offers and accepts or refuses them.
//!
//! `FERRY_HOME/control.sock`, mode 0600 inside the 0700 home; the peer's uid (SO_PEERCRED) must
//! be the socket owner's, so no other user can reach it even if permissions are loosened.
//! One JSON request line, one JSON reply line per connection:
//! `{"op":"list"}` → `{"result":"offers","offers":[{id, peer_device, peer_account, name, size}]}`;
//! `{"op":"accept","id":ID,"save_as":NAME?}` / `{"op":"reject","id":ID}` → `{"result":"ok"}`
//! or `{"result":"error","reason":...}`.
//!
//! One op is long-lived: `ferry rerequest` hands its request to the running receive (which
//! alone takes the offers that arrive for this home) and reads its progress:
//! ```text
//! {"op":"rerequest","id":ID,"dir":PATH|null,"timeout":SECS}
//!   → {"result":"handed","pid":PID}                     taken on (else one error line)
//!   → {"result":"progress","outcome":"asked"|"refused"|"waiting"|"failed",
//!      "peer_device":ID|null,"reason":...}                any number, as it goes
//!   → one of {"result":"kept","path","name","size","sha3_256"}      the file is back (exit 0)
//!            {"result":"refused","reason"}                every device asked refused (exit 1)
//!            {"result":"error","reason"}                  timed out, or failed (exit 2)
//! ```
//! or, first and only, `{"result":"unavailable","reason"}` when this receive cannot ask (it
//! runs without the DHT, `--listen`): the client then asks by itself. The request must arrive
//! within [`CLIENT_TIMEOUT`]; the op then lives until its outcome (bounded by its `timeout`)
//! or until the client hangs up, which abandons the re-request.

use crate::net::transfer::Decision;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, oneshot};

const SOCKET: &str = "control.sock";
/// Longest request accepted.
const MAX_REQUEST: usize = 4096;
/// A client that does not finish its request in this time is dropped.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the control socket could not be served, or reached as a client. As with
/// `ConnectError`, the text ends with its cause and no variant has a `source`: it reads the
/// same with `{}` and `{:#}`.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// `serve`: a `ferry receive` answers on this home's socket already.
    #[error("another `ferry receive` already runs with this home ({})", .0.display())]
    AlreadyRunning(PathBuf),
    /// `serve`: the socket could not be bound.
    #[error("binding {}: {cause}", path.display())]
    Bind { path: PathBuf, cause: io::Error },
    /// `serve`: the bound socket could not be restricted to its owner, or its owner read.
    /// The text is the cause alone, as before.
    #[error("{cause}")]
    Restrict { path: PathBuf, cause: io::Error },
    /// A client: nothing listens on the home's socket, or not for this user.
    #[error("no running `ferry receive` for {} (or not yours): {cause}", home.display())]
    NotRunning { home: PathBuf, cause: io::Error },
    /// A client: the request could not be written, or the reply read.
    #[error("{0}")]
    Io(io::Error),
    /// A client: the reply is not one of the [`Reply`] lines.
    #[error("a malformed reply from `ferry receive`: {0}")]
    MalformedReply(serde_json::Error),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    List,
    Accept {
        id: String,
        save_as: Option<String>,
    },
    Reject {
        id: String,
    },
    /// Re-request interaction `id` (see the module doc): kept into `dir`, or where the
    /// receive's history says it was kept; given up after `timeout` seconds.
    Rerequest {
        id: String,
        dir: Option<PathBuf>,
        timeout: u64,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PendingOffer {
    pub id: String,
    pub peer_device: String,
    pub peer_account: String,
    pub name: String,
    /// `null` for a stream of unknown size.
    pub size: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Reply {
    Offers {
        offers: Vec<PendingOffer>,
    },
    Ok,
    Error {
        reason: String,
    },
    /// A re-request was taken on by the receive with this process id.
    Handed {
        pid: u32,
    },
    /// What a handed-over re-request is doing.
    Progress {
        outcome: String,
        peer_device: Option<String>,
        #[serde(default)]
        reason: String,
    },
    /// The re-requested file is back, verified.
    Kept {
        path: String,
        name: String,
        size: u64,
        sha3_256: String,
    },
    /// Every device asked refused.
    Refused {
        reason: String,
    },
    /// This receive cannot serve a re-request: the client should do it itself.
    Unavailable {
        reason: String,
    },
}

/// What serves handed-over re-requests inside `receive` (`cmd::rerequest::Handovers`).
pub trait Rerequests: Send + Sync {
    /// Take on a re-request: its progress and then one final reply go to `replies`, which it
    /// drops when done; a client that hangs up closes `replies`, which abandons it. `Err` is
    /// the one reply when it is not taken on (busy, unavailable).
    fn start(
        self: Arc<Self>,
        id: String,
        dir: Option<PathBuf>,
        timeout: Duration,
        replies: mpsc::Sender<Reply>,
    ) -> std::result::Result<(), Reply>;
}

/// Offers waiting for a decision.
#[derive(Default)]
pub struct Pending {
    next: AtomicU64,
    offers: Mutex<BTreeMap<u64, (PendingOffer, oneshot::Sender<Decision>)>>,
}

impl Pending {
    /// Register an offer; the receiver resolves when `ferry accept` decides.
    pub fn add(&self, mut offer: PendingOffer) -> (String, oneshot::Receiver<Decision>) {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        offer.id = n.to_string();
        let (tx, rx) = oneshot::channel();
        if let Ok(mut offers) = self.offers.lock() {
            offers.insert(n, (offer, tx));
        }
        (n.to_string(), rx)
    }

    /// Forget an offer (decided elsewhere, timed out, or its sender left).
    pub fn remove(&self, id: &str) {
        if let (Ok(n), Ok(mut offers)) = (id.parse::<u64>(), self.offers.lock()) {
            offers.remove(&n);
        }
    }

    fn handle(&self, request: Request) -> Reply {
        let Ok(mut offers) = self.offers.lock() else {
            return Reply::Error {
                reason: "internal error".into(),
            };
        };
        let (id, decision) = match request {
            Request::List => {
                return Reply::Offers {
                    offers: offers.values().map(|(o, _)| o.clone()).collect(),
                }
            }
            Request::Accept { id, save_as } => (
                id,
                match save_as {
                    Some(name) => Decision::AcceptAs(name),
                    None => Decision::Accept,
                },
            ),
            Request::Reject { id } => (id, Decision::Refuse("declined by the user".into())),
            Request::Rerequest { .. } => {
                return Reply::Error {
                    reason: "internal error: a re-request is not a pending offer".into(),
                }
            }
        };
        let Some((_, tx)) = id.parse::<u64>().ok().and_then(|n| offers.remove(&n)) else {
            return Reply::Error {
                reason: format!("no pending offer {id:?} (`ferry accept` lists them)"),
            };
        };
        match tx.send(decision) {
            Ok(()) => Reply::Ok,
            Err(_) => Reply::Error {
                reason: format!("offer {id} is gone (its sender left)"),
            },
        }
    }
}

pub fn socket_path(home: &Path) -> PathBuf {
    home.join(SOCKET)
}

/// Listen on the control socket until the task is dropped.
pub async fn serve(
    home: &Path,
    pending: Arc<Pending>,
    rerequests: Arc<dyn Rerequests>,
) -> Result<tokio::task::JoinHandle<()>, ControlError> {
    let path = socket_path(home);
    if path.exists() {
        if UnixStream::connect(&path).await.is_ok() {
            return Err(ControlError::AlreadyRunning(path));
        }
        let _ = std::fs::remove_file(&path);
    }
    let listener = match UnixListener::bind(&path) {
        Ok(listener) => listener,
        Err(cause) => return Err(ControlError::Bind { path, cause }),
    };
    let owner = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .and_then(|()| std::fs::metadata(&path))
        .map_err(|cause| ControlError::Restrict {
            path: path.clone(),
            cause,
        })?
        .uid();
    Ok(tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let allowed = stream.peer_cred().is_ok_and(|c| c.uid() == owner);
            let (pending, rerequests) = (pending.clone(), rerequests.clone());
            tokio::spawn(async move {
                let _ = answer(stream, &pending, rerequests, allowed).await;
            });
        }
    }))
}

async fn answer(
    stream: UnixStream,
    pending: &Pending,
    rerequests: Arc<dyn Rerequests>,
    allowed: bool,
) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    let mut reader = BufReader::new(read.take(MAX_REQUEST as u64));
    tokio::time::timeout(CLIENT_TIMEOUT, reader.read_line(&mut line)).await??;
    let request = serde_json::from_str::<Request>(&line);
    let reply = match request {
        _ if !allowed => Reply::Error {
            reason: "not the owner of this ferry".into(),
        },
        Ok(Request::Rerequest { id, dir, timeout }) => {
            let (replies, progress) = mpsc::channel(16);
            let timeout = Duration::from_secs(timeout.min(MAX_REREQUEST_SECS));
            match rerequests.start(id, dir, timeout, replies) {
                Ok(()) => {
                    let handed = Reply::Handed {
                        pid: std::process::id(),
                    };
                    return stream_replies(
                        reader.into_inner().into_inner(),
                        write,
                        handed,
                        progress,
                    )
                    .await;
                }
                Err(reply) => reply,
            }
        }
        Ok(request) => pending.handle(request),
        Err(err) => Reply::Error {
            reason: format!("bad request: {err}"),
        },
    };
    tokio::time::timeout(CLIENT_TIMEOUT, write_line(&mut write, &reply)).await?
}

/// The longest a handed-over re-request may wait.
const MAX_REREQUEST_SECS: u64 = 24 * 3600;

async fn write_line(
    write: &mut (impl AsyncWriteExt + Unpin),
    value: &impl Serialize,
) -> io::Result<()> {
    let mut line = serde_json::to_string(value)?;
    line.push('\n');
    write.write_all(line.as_bytes()).await?;
    Ok(())
}

/// Write `first`, then each reply from `progress` until it ends; stop (dropping `progress`,
/// which abandons the re-request) when the client hangs up.
async fn stream_replies(
    mut read: impl AsyncReadExt + Unpin,
    mut write: impl AsyncWriteExt + Unpin,
    first: Reply,
    mut progress: mpsc::Receiver<Reply>,
) -> io::Result<()> {
    write_line(&mut write, &first).await?;
    let mut byte = [0u8; 1];
    loop {
        tokio::select! {
            reply = progress.recv() => match reply {
                Some(reply) => write_line(&mut write, &reply).await?,
                None => return Ok(()),
            },
            // The client writes nothing more: any read that returns is its hang-up.
            _ = read.read(&mut byte) => return Ok(()),
        }
    }
}

/// Send one request to the running `ferry receive` of `home`.
pub async fn call(home: &Path, request: &Request) -> Result<Reply, ControlError> {
    let path = socket_path(home);
    let stream = match UnixStream::connect(&path).await {
        Ok(stream) => stream,
        Err(cause) => {
            return Err(ControlError::NotRunning {
                home: home.to_path_buf(),
                cause,
            })
        }
    };
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    async {
        write
            .write_all(serde_json::to_string(request)?.as_bytes())
            .await?;
        write.write_all(b"\n").await?;
        BufReader::new(read).read_line(&mut line).await
    }
    .await
    .map_err(ControlError::Io)?;
    serde_json::from_str(&line).map_err(ControlError::MalformedReply)
}

/// A long-lived exchange with the running `ferry receive` of a home: one request, then replies
/// as they come. Dropping it hangs up.
pub struct Exchange {
    lines: tokio::io::Lines<BufReader<tokio::net::unix::OwnedReadHalf>>,
    // Kept open: closing it is how the client hangs up.
    _write: tokio::net::unix::OwnedWriteHalf,
}

impl Exchange {
    /// Connect and send `request`; `None` when no receive listens on this home's socket.
    pub async fn open(home: &Path, request: &Request) -> Result<Option<Exchange>, ControlError> {
        let Ok(stream) = UnixStream::connect(socket_path(home)).await else {
            return Ok(None);
        };
        let (read, mut write) = stream.into_split();
        write_line(&mut write, request)
            .await
            .map_err(ControlError::Io)?;
        Ok(Some(Exchange {
            lines: BufReader::new(read).lines(),
            _write: write,
        }))
    }

    /// The next reply; `None` when the receive closed the connection.
    pub async fn next(&mut self) -> Result<Option<Reply>, ControlError> {
        match self.lines.next_line().await.map_err(ControlError::Io)? {
            Some(line) => serde_json::from_str(&line)
                .map(Some)
                .map_err(ControlError::MalformedReply),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rerequest_op_and_its_replies_read_as_the_module_doc_writes_them() {
        let request: Request =
            serde_json::from_str(r#"{"op":"rerequest","id":"ab12","dir":null,"timeout":60}"#)
                .unwrap();
        assert_eq!(
            request,
            Request::Rerequest {
                id: "ab12".into(),
                dir: None,
                timeout: 60
            }
        );
        let lines = [
            (Reply::Handed { pid: 7 }, r#"{"result":"handed","pid":7}"#),
            (
                Reply::Progress {
                    outcome: "asked".into(),
                    peer_device: Some("d1".into()),
                    reason: String::new(),
                },
                r#"{"result":"progress","outcome":"asked","peer_device":"d1","reason":""}"#,
            ),
            (
                Reply::Kept {
                    path: "/x/a.pdf".into(),
                    name: "a.pdf".into(),
                    size: 3,
                    sha3_256: "00".into(),
                },
                r#"{"result":"kept","path":"/x/a.pdf","name":"a.pdf","size":3,"sha3_256":"00"}"#,
            ),
            (
                Reply::Refused { reason: "r".into() },
                r#"{"result":"refused","reason":"r"}"#,
            ),
            (
                Reply::Unavailable { reason: "u".into() },
                r#"{"result":"unavailable","reason":"u"}"#,
            ),
        ];
        for (reply, line) in lines {
            assert_eq!(serde_json::to_string(&reply).unwrap(), line);
            assert_eq!(serde_json::from_str::<Reply>(line).unwrap(), reply);
        }
    }

    #[tokio::test]
    async fn a_client_with_no_receive_running_is_told_which_home_it_tried() {
        let home = tempfile::tempdir().unwrap();
        let err = call(home.path(), &Request::List).await.unwrap_err();
        assert!(matches!(err, ControlError::NotRunning { .. }), "{err:?}");
        let said = err.to_string();
        assert!(
            said.starts_with(&format!(
                "no running `ferry receive` for {} (or not yours): ",
                home.path().display()
            )),
            "{said}"
        );
        // Under a caller's context, as `main` prints it: the cause once.
        assert_eq!(
            format!("{:#}", anyhow::Error::from(err).context("accept")),
            format!("accept: {said}")
        );
        let reply = serde_json::from_str::<Reply>("{}").unwrap_err();
        assert!(ControlError::MalformedReply(reply)
            .to_string()
            .starts_with("a malformed reply from `ferry receive`: "));
    }
}
