//! The control socket of a running `ferry receive`, through which `ferry accept` lists pending
//! offers and accepts or refuses them.
//!
//! `FERRY_HOME/control.sock`, mode 0600 inside the 0700 home; the peer's uid (SO_PEERCRED) must
//! be the socket owner's, so no other user can reach it even if permissions are loosened.
//! One JSON request line, one JSON reply line per connection:
//! `{"op":"list"}` → `{"result":"offers","offers":[{id, peer_device, peer_account, name, size}]}`;
//! `{"op":"accept","id":ID,"save_as":NAME?}` / `{"op":"reject","id":ID}` → `{"result":"ok"}`
//! or `{"result":"error","reason":...}`.

use crate::net::transfer::Decision;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::oneshot;

const SOCKET: &str = "control.sock";
/// Longest request accepted.
const MAX_REQUEST: usize = 4096;
/// A client that does not finish its request in this time is dropped.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    List,
    Accept { id: String, save_as: Option<String> },
    Reject { id: String },
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
    Offers { offers: Vec<PendingOffer> },
    Ok,
    Error { reason: String },
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
pub async fn serve(home: &Path, pending: Arc<Pending>) -> Result<tokio::task::JoinHandle<()>> {
    let path = socket_path(home);
    if path.exists() {
        if UnixStream::connect(&path).await.is_ok() {
            bail!(
                "another `ferry receive` already runs with this home ({})",
                path.display()
            );
        }
        let _ = std::fs::remove_file(&path);
    }
    let listener =
        UnixListener::bind(&path).with_context(|| format!("binding {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let owner = std::fs::metadata(&path)?.uid();
    Ok(tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let allowed = stream.peer_cred().is_ok_and(|c| c.uid() == owner);
            let pending = pending.clone();
            tokio::spawn(async move {
                let _ =
                    tokio::time::timeout(CLIENT_TIMEOUT, answer(stream, &pending, allowed)).await;
            });
        }
    }))
}

async fn answer(stream: UnixStream, pending: &Pending, allowed: bool) -> Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    let mut reader = BufReader::new(read.take(MAX_REQUEST as u64));
    reader.read_line(&mut line).await?;
    let reply = if !allowed {
        Reply::Error {
            reason: "not the owner of this ferry".into(),
        }
    } else {
        match serde_json::from_str::<Request>(&line) {
            Ok(request) => pending.handle(request),
            Err(err) => Reply::Error {
                reason: format!("bad request: {err}"),
            },
        }
    };
    write
        .write_all(serde_json::to_string(&reply)?.as_bytes())
        .await?;
    write.write_all(b"\n").await?;
    Ok(())
}

/// Send one request to the running `ferry receive` of `home`.
pub async fn call(home: &Path, request: &Request) -> Result<Reply> {
    let path = socket_path(home);
    let stream = UnixStream::connect(&path).await.with_context(|| {
        format!(
            "no running `ferry receive` for {} (or not yours)",
            home.display()
        )
    })?;
    let (read, mut write) = stream.into_split();
    write
        .write_all(serde_json::to_string(request)?.as_bytes())
        .await?;
    write.write_all(b"\n").await?;
    let mut line = String::new();
    BufReader::new(read).read_line(&mut line).await?;
    serde_json::from_str(&line).context("a malformed reply from `ferry receive`")
}
