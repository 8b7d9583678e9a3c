//! A TCP proxy on loopback that adds a fixed delay each way, as a long link would: every chunk
//! read is written to the other side `delay` after it was read, in order, as fast as it comes
//! (the bandwidth is not limited). A half-close travels too, after the bytes before it.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Bytes read at once on either side.
const CHUNK_BYTES: usize = 64 * 1024;

/// A running proxy: connections to [`DelayProxy::addr`] reach `target` with the delay added
/// each way. Stops accepting when dropped (connections already open run to their end).
pub struct DelayProxy {
    pub addr: String,
    stop: Arc<AtomicBool>,
}

impl DelayProxy {
    pub fn start(target: &str, delay: Duration) -> DelayProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address").to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let (target, stopped) = (target.to_string(), stop.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(&target) else {
                    continue; // The client sees its connection close.
                };
                for stream in [&client, &server] {
                    let _ = stream.set_nodelay(true);
                }
                let (c2, s2) = (
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                pipe(client, server, delay);
                pipe(s2, c2, delay);
            }
        });
        DelayProxy { addr, stop }
    }
}

impl Drop for DelayProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(&self.addr);
    }
}

/// Copy `from` to `to`, each chunk `delay` after it was read: one thread reads (so the sender
/// is never held back by the delay), one writes when each chunk is due.
fn pipe(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    // `None`: the reading side ended (end of stream or error).
    let (chunks, due) = mpsc::channel::<(Instant, Option<Vec<u8>>)>();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; CHUNK_BYTES];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => {
                    let _ = chunks.send((Instant::now() + delay, None));
                    return;
                }
                Ok(n) => {
                    if chunks
                        .send((Instant::now() + delay, Some(buf[..n].to_vec())))
                        .is_err()
                    {
                        let _ = from.shutdown(Shutdown::Both);
                        return;
                    }
                }
            }
        }
    });
    std::thread::spawn(move || {
        // Ends with the reading side (its `None`, or its channel dropped).
        while let Ok((at, chunk)) = due.recv() {
            if let Some(wait) = at.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            match chunk {
                Some(bytes) => {
                    if to.write_all(&bytes).is_err() {
                        let _ = to.shutdown(Shutdown::Both);
                        return;
                    }
                }
                None => {
                    let _ = to.shutdown(Shutdown::Write);
                    return;
                }
            }
        }
    });
}
