//! A plain TCP copy, the baseline a relayed ferry transfer is measured against: through a
//! TURN-TCP relay with ferry's own client (`ferry::net::turn`: Allocate, CreatePermission,
//! ConnectionBind on a data connection), or straight to a listener. No TLS, no framing, no
//! hashing, no disk: what the path itself carries.
//!
//! Both ends time the same window as a ferry transfer's rate does (from the receiver's `GO` to
//! its verdict): the sink writes one byte once it holds the connection (bound, for the relay),
//! the pusher starts its clock when that byte arrives, writes `bytes`, and stops it when the
//! sink's one-byte answer to the last byte arrives.
#![allow(dead_code)]

use ferry::net::turn::{allocate, TurnConfig};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Copy size of one write or read: as large as ferry's own records.
const CHUNK: usize = 256 * 1024;
/// Bound on every wait of a copy.
const LIMIT: Duration = Duration::from_secs(300);

pub fn turn_config(server: SocketAddr, user: &str, password: &str, realm: &str) -> TurnConfig {
    TurnConfig {
        server: format!("turn:{server}"),
        username: user.into(),
        password: password.into(),
        realm: realm.into(),
        ca: None,
    }
}

/// Allocate a TCP relay, permit `peer`, hand the relayed address to `relayed`, then take the
/// first peer connection, read `bytes` and answer. Runs its own runtime.
pub fn relayed_sink(
    config: TurnConfig,
    peer: IpAddr,
    bytes: u64,
    relayed: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let mut relay = allocate(&config, false)
            .await
            .map_err(|e| std::io::Error::other(format!("{e:#}")))?;
        relay
            .permit(vec![peer])
            .await
            .map_err(|e| std::io::Error::other(format!("{e:#}")))?;
        relayed(relay.relayed);
        let (mut conn, _) = tokio::time::timeout(LIMIT, relay.next_connection())
            .await
            .map_err(|_| std::io::Error::other("no peer connection through the relay"))?
            .ok_or_else(|| std::io::Error::other("the allocation ended"))?;
        conn.write_all(b"g").await?;
        conn.flush().await?;
        let mut buf = vec![0u8; CHUNK];
        let mut got = 0u64;
        while got < bytes {
            let n = tokio::time::timeout(LIMIT, conn.read(&mut buf))
                .await
                .map_err(|_| std::io::Error::other("the copy stalled"))??;
            if n == 0 {
                return Err(std::io::Error::other(format!("closed after {got} bytes")));
            }
            got += n as u64;
        }
        conn.write_all(b"k").await?;
        conn.flush().await?;
        // Let the answer leave before the allocation goes.
        let _ = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut buf)).await;
        Ok(())
    })
}

/// Accept one connection on `listener`, read `bytes` and answer.
pub fn sink(listener: TcpListener, bytes: u64) -> std::io::Result<()> {
    let (mut conn, _) = listener.accept()?;
    conn.set_read_timeout(Some(LIMIT))?;
    conn.write_all(b"g")?;
    let mut buf = vec![0u8; CHUNK];
    let mut got = 0u64;
    while got < bytes {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::Error::other(format!("closed after {got} bytes")));
        }
        got += n as u64;
    }
    conn.write_all(b"k")?;
    let _ = conn.read(&mut buf);
    Ok(())
}

/// Connect to `to`, wait for the sink's go, write `bytes`, wait for its answer: the seconds
/// from the go to the answer.
pub fn push(to: SocketAddr, bytes: u64) -> std::io::Result<f64> {
    let mut conn = TcpStream::connect_timeout(&to, Duration::from_secs(10))?;
    conn.set_read_timeout(Some(LIMIT))?;
    conn.set_nodelay(true)?;
    let mut one = [0u8; 1];
    conn.read_exact(&mut one)?;
    let start = Instant::now();
    let buf = vec![0x5a_u8; CHUNK];
    let mut sent = 0u64;
    while sent < bytes {
        let n = (bytes - sent).min(CHUNK as u64) as usize;
        conn.write_all(&buf[..n])?;
        sent += n as u64;
    }
    conn.read_exact(&mut one)?;
    Ok(start.elapsed().as_secs_f64())
}
