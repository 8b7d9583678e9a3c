//! Drives a pairing machine (`proto::pairing`) on the DHT: puts its values at the code's
//! rendezvous key (kept alive until the pairing ends, then left to expire), feeds it what is
//! read there (the receiver first gets everything stored, then listens; the sender listens),
//! and wakes it at its deadlines. Ctrl-C closes the code for any receiver before it returns.
//!
//! Failures are [`RendezvousError`]s; Ctrl-C is [`RendezvousError::Interrupted`], which
//! [`RendezvousError::stop`] maps to [`Stop::Interrupted`] (exit 130).

use crate::identity::Identity;
use crate::net::dht::{Dht, DhtError, ListenEvent, Listening, PutHandle};
use crate::net::Interrupt;
use crate::outcome::Stop;
use crate::proto::dht::value::Value;
use crate::proto::dht::InfoHash;
use crate::proto::pairing::{Own, PairingError, PairingEvent, Receiver, Sender, CODE_USER_TYPE};
use crate::proto::signal::DeviceInfo;
use serde_bytes::ByteBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long the last values (an abort, a close) may take to be stored after Ctrl-C.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Why a pairing did not pair: the DHT failed (what was being done there), or the pairing
/// machine failed (wrong code, expired...). As with `ConnectError`, the text ends with its
/// cause and no variant has a `source`: it reads the same with `{}` and `{:#}`.
#[derive(Debug, thiserror::Error)]
pub enum RendezvousError {
    /// One of this side's values could not be stored at the rendezvous.
    #[error("putting a pairing value on the DHT: {cause}")]
    Put { cause: DhtError },
    /// What is stored at the rendezvous could not be read.
    #[error("reading the code's rendezvous on the DHT: {cause}")]
    Get { cause: DhtError },
    /// Listening at the rendezvous could not start (the DHT layer's own words).
    #[error("{0}")]
    Listen(DhtError),
    /// The DHT node stopped while the pairing waited for the other device.
    #[error("the DHT node stopped")]
    DhtStopped,
    /// The pairing machine ended without a device: its reason.
    #[error("{0}")]
    Failed(PairingError),
    /// Ctrl-C here, once the code was closed for any receiver (exit 130).
    #[error("interrupted")]
    Interrupted,
}

impl RendezvousError {
    /// The outcome this failure stands for when it is not a plain error: Ctrl-C.
    pub fn stop(&self) -> Option<Stop> {
        match self {
            RendezvousError::Interrupted => Some(Stop::Interrupted),
            _ => None,
        }
    }
}

/// The wall clock, unix microseconds: the machines' time.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// This device as the pairing presents it.
pub fn own(identity: &Arc<Identity>) -> Own {
    Own {
        chain: identity
            .tls_chain()
            .iter()
            .map(|c| ByteBuf::from(c.to_vec()))
            .collect(),
        enc_key: identity.enc_public(),
        signer: identity.clone(),
        device: identity.device,
    }
}

/// What the driver needs of either machine.
pub trait Machine {
    fn handle_value(&mut self, bytes: &[u8], now_us: u64);
    fn handle_timeout(&mut self, now_us: u64);
    fn poll_write(&mut self) -> Option<Vec<u8>>;
    fn poll_event(&mut self) -> Option<PairingEvent>;
    fn poll_timeout(&self) -> Option<u64>;
    /// Ctrl-C: stop, leaving what the other side should know among the writes.
    fn close(&mut self);
}

impl Machine for Sender {
    fn handle_value(&mut self, bytes: &[u8], now_us: u64) {
        Sender::handle_value(self, bytes, now_us)
    }
    fn handle_timeout(&mut self, now_us: u64) {
        Sender::handle_timeout(self, now_us)
    }
    fn poll_write(&mut self) -> Option<Vec<u8>> {
        Sender::poll_write(self)
    }
    fn poll_event(&mut self) -> Option<PairingEvent> {
        Sender::poll_event(self)
    }
    fn poll_timeout(&self) -> Option<u64> {
        Sender::poll_timeout(self)
    }
    fn close(&mut self) {
        Sender::close(self)
    }
}

impl Machine for Receiver {
    fn handle_value(&mut self, bytes: &[u8], now_us: u64) {
        Receiver::handle_value(self, bytes, now_us)
    }
    fn handle_timeout(&mut self, now_us: u64) {
        Receiver::handle_timeout(self, now_us)
    }
    fn poll_write(&mut self) -> Option<Vec<u8>> {
        Receiver::poll_write(self)
    }
    fn poll_event(&mut self) -> Option<PairingEvent> {
        Receiver::poll_event(self)
    }
    fn poll_timeout(&self) -> Option<u64> {
        Receiver::poll_timeout(self)
    }
    fn close(&mut self) {}
}

/// The rendezvous key and the values this side keeps there.
pub struct Rendezvous {
    dht: Dht,
    key: InfoHash,
    /// Our values, re-put while the pairing runs; dropped, they live out their 10 minutes.
    handles: Vec<PutHandle>,
}

impl Rendezvous {
    pub fn new(dht: Dht, key: InfoHash) -> Rendezvous {
        Rendezvous {
            dht,
            key,
            handles: Vec::new(),
        }
    }

    /// Put every value the machine has to write, in order, each once stored.
    pub async fn flush(&mut self, machine: &mut impl Machine) -> Result<(), RendezvousError> {
        while let Some(bytes) = machine.poll_write() {
            let value = Value::new(rand::random::<u64>() | 1, 0, bytes, CODE_USER_TYPE);
            let handle = self
                .dht
                .put(self.key, value)
                .await
                .map_err(|cause| RendezvousError::Put { cause })?;
            self.handles.push(handle);
        }
        Ok(())
    }

    pub async fn listen(&self) -> Result<Listening, RendezvousError> {
        self.dht
            .listen(self.key)
            .await
            .map_err(RendezvousError::Listen)
    }

    /// Everything stored at the key now.
    pub async fn get(&self) -> Result<Vec<Value>, RendezvousError> {
        self.dht
            .get(self.key)
            .await
            .map_err(|cause| RendezvousError::Get { cause })
    }

    /// Run `machine` until it pairs or fails: the other device, or the reason as an error
    /// ([`RendezvousError::Interrupted`] on Ctrl-C).
    pub async fn drive(
        &mut self,
        machine: &mut impl Machine,
        listening: &mut Listening,
        interrupt: &mut Interrupt,
    ) -> Result<DeviceInfo, RendezvousError> {
        loop {
            self.flush(machine).await?;
            if let Some(event) = machine.poll_event() {
                self.flush(machine).await?;
                return match event {
                    PairingEvent::Paired(info) => Ok(info),
                    PairingEvent::Failed(err) => Err(RendezvousError::Failed(err)),
                };
            }
            let wait = machine
                .poll_timeout()
                .map(|at| Duration::from_micros(at.saturating_sub(now_us())));
            let timer = async {
                match wait {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                event = listening.next() => match event {
                    None => return Err(RendezvousError::DhtStopped),
                    Some(ListenEvent::Values(values)) => feed(machine, &values),
                    Some(ListenEvent::Expired(_)) => {}
                },
                _ = timer => machine.handle_timeout(now_us()),
                _ = interrupt.wait() => {
                    machine.close();
                    let _ = tokio::time::timeout(CLOSE_WAIT, self.flush(machine)).await;
                    return Err(RendezvousError::Interrupted);
                }
            }
        }
    }
}

/// Hand the pairing values among `values` to the machine.
pub fn feed(machine: &mut impl Machine, values: &[Value]) {
    for value in values {
        if value.user_type == CODE_USER_TYPE {
            machine.handle_value(&value.data, now_us());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_put_says_it_was_storing_a_pairing_value_and_why() {
        let key = InfoHash([0xff; 20]);
        let err = RendezvousError::Put {
            cause: DhtError::Put {
                key,
                detail: "no DHT node answered".into(),
            },
        };
        let said = format!("putting a pairing value on the DHT: put {key}: no DHT node answered");
        assert_eq!(err.to_string(), said);
        assert_eq!(format!("{err:#}"), said);
        // Under a caller's context, as `main` prints it: the cause once.
        assert_eq!(
            format!("{:#}", anyhow::Error::from(err).context("sending")),
            format!("sending: {said}")
        );
        assert_eq!(
            RendezvousError::DhtStopped.to_string(),
            "the DHT node stopped"
        );
    }

    #[test]
    fn ctrl_c_while_pairing_is_the_interrupted_outcome() {
        let err = RendezvousError::Interrupted;
        assert_eq!(err.stop(), Some(Stop::Interrupted));
        assert_eq!(format!("{err:#}"), "interrupted");
        assert_eq!(RendezvousError::DhtStopped.stop(), None);
    }
}
