//! I/O at the edges: each module drives one `proto` machine (or rustls) with real sockets,
//! timers and files.

pub mod conn;
pub mod control;
pub mod dht;
pub mod dht_proxy;
pub mod dns;
pub mod ice;
pub mod pairing;
pub mod partfile;
pub mod tls;
pub mod transfer;
pub mod turn;
pub mod upnp;

/// A spawned task that ends with its owner: dropping this aborts it.
pub struct AbortOnDrop<T>(pub tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Ctrl-C as seen by the I/O loops: set once by `main`, watched by every transfer.
#[derive(Clone)]
pub struct Interrupt(tokio::sync::watch::Receiver<bool>);

impl Interrupt {
    /// A pair: the trigger for `main` and the watch for the loops.
    pub fn new() -> (tokio::sync::watch::Sender<bool>, Interrupt) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (tx, Interrupt(rx))
    }

    /// One that never fires (tests, library use).
    pub fn never() -> Interrupt {
        let (_, rx) = tokio::sync::watch::channel(false);
        Interrupt(rx)
    }

    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when Ctrl-C was pressed (at once if it already was).
    pub async fn wait(&mut self) {
        if self.0.wait_for(|set| *set).await.is_err() {
            // The trigger is gone: no interrupt can come any more.
            std::future::pending::<()>().await;
        }
    }
}
