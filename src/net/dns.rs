//! Name lookups that never hold a user up: ferry's default servers (the bootstrap node, the
//! TURN server) are names, and on a machine with no internet each failed lookup used to cost
//! several seconds, once per offer.
//!
//! - One lookup per name at a time for the whole process; every caller shares it.
//! - Answers are kept for [`KEEP_ANSWER`], failures for [`KEEP_FAILURE`] (a negative cache), so
//!   an offline machine pays for a failure once, not once per offer.
//! - [`lookup`] waits at most [`WAIT`]; a slower lookup goes on in the background and serves
//!   the next caller. [`lookup_patient`] waits for the answer (for background tasks).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a caller in the foreground waits for a name.
pub const WAIT: Duration = Duration::from_millis(800);
/// How long an answer is reused.
pub const KEEP_ANSWER: Duration = Duration::from_secs(5 * 60);
/// How long a failure is reused before the name is tried again.
pub const KEEP_FAILURE: Duration = Duration::from_secs(60);

type Outcome = Result<Vec<SocketAddr>, String>;

enum Entry {
    Done(Outcome, Instant),
    Pending(watch::Receiver<Option<Outcome>>),
}

fn cache() -> &'static Mutex<HashMap<String, Entry>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Entry>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// A receiver that will carry the outcome for `host_port`, or the outcome itself if known.
fn start(host_port: &str) -> Result<Outcome, watch::Receiver<Option<Outcome>>> {
    let Ok(mut map) = cache().lock() else {
        return Ok(Err("the name cache is unusable".into()));
    };
    match map.get(host_port) {
        Some(Entry::Done(outcome, at)) => {
            let keep = if outcome.is_ok() {
                KEEP_ANSWER
            } else {
                KEEP_FAILURE
            };
            if at.elapsed() < keep {
                return Ok(outcome.clone());
            }
        }
        Some(Entry::Pending(rx)) => return Err(rx.clone()),
        None => {}
    }
    let (tx, rx) = watch::channel(None);
    map.insert(host_port.to_string(), Entry::Pending(rx.clone()));
    let name = host_port.to_string();
    tokio::spawn(async move {
        let outcome = match tokio::net::lookup_host(name.as_str()).await {
            Ok(addrs) => {
                let addrs: Vec<SocketAddr> = addrs.collect();
                if addrs.is_empty() {
                    Err(format!("{name} has no address"))
                } else {
                    Ok(addrs)
                }
            }
            Err(err) => Err(format!("cannot resolve {name}: {err}")),
        };
        if let Ok(mut map) = cache().lock() {
            map.insert(name, Entry::Done(outcome.clone(), Instant::now()));
        }
        let _ = tx.send(Some(outcome));
    });
    Err(rx)
}

async fn wait(mut rx: watch::Receiver<Option<Outcome>>) -> Outcome {
    loop {
        if let Some(outcome) = rx.borrow().clone() {
            return outcome;
        }
        if rx.changed().await.is_err() {
            return Err("the lookup stopped".into());
        }
    }
}

/// The addresses of `host_port`, waiting at most [`WAIT`].
pub async fn lookup(host_port: &str) -> Outcome {
    match start(host_port) {
        Ok(outcome) => outcome,
        Err(rx) => match tokio::time::timeout(WAIT, wait(rx)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(format!(
                "no DNS answer for {host_port} within {} ms (still trying)",
                WAIT.as_millis()
            )),
        },
    }
}

/// The addresses of `host_port`, however long the lookup takes.
pub async fn lookup_patient(host_port: &str) -> Outcome {
    match start(host_port) {
        Ok(outcome) => outcome,
        Err(rx) => wait(rx).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn literal_addresses_resolve_and_failures_are_cached() {
        let addrs = lookup("127.0.0.1:4222").await.unwrap();
        assert_eq!(addrs, vec!["127.0.0.1:4222".parse().unwrap()]);
        // A name with no port is an error from the resolver, then from the cache at once.
        let first = lookup_patient("no-port-given").await;
        assert!(first.is_err());
        let started = Instant::now();
        let again = lookup("no-port-given").await;
        assert_eq!(again, first);
        assert!(started.elapsed() < Duration::from_millis(50));
    }
}
