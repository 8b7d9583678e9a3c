//! `ferry dht ping|get|put|listen|node`: the DHT node on its own, for diagnosis, as `dhtnode`
//! offers. Keys are strings hashed as OpenDHT hashes them (or 40 hex digits used as they are).
//! Values are anyone's: their text is printed through `proto::text` (escaped, never raw).

use super::Context;
use crate::cli::DhtCommand;
use crate::events::{DhtValue, Event};
use crate::net::dht::ListenEvent;
use crate::outcome::Stop;
use crate::proto::dht::value::Value;
use crate::proto::dht::InfoHash;
use crate::proto::text::for_terminal;
use anyhow::{Context as _, Result};

pub async fn run(ctx: &Context, command: DhtCommand) -> Result<()> {
    // One-shot commands join as clients, so they leave no dead entries in routing tables.
    let stays = matches!(
        command,
        DhtCommand::Node | DhtCommand::Put { keep: true, .. }
    );
    let mut config = ctx.dht.clone();
    config.client_only = !stays;
    let dht = ctx.start_dht_with(config).await?;
    match command {
        DhtCommand::Ping { addr } => {
            let target = crate::net::dht::resolve(std::slice::from_ref(&addr))
                .await
                .into_iter()
                .next()
                .with_context(|| format!("cannot resolve {addr}"))?;
            let started = std::time::Instant::now();
            let id = dht.ping(target).await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if ctx.console.json() {
                ctx.console.emit_json(&Event::Pong {
                    addr: target.to_string(),
                    id: id.to_string(),
                    ms,
                });
            } else {
                println!("{target}: node {id} answered in {ms:.1} ms");
            }
        }
        DhtCommand::Get { key } => {
            dht.wait_for_nodes(1, crate::net::dht::JOIN_WAIT).await?;
            let hash = InfoHash::from_user_key(&key);
            let values = dht.get(hash).await?;
            for value in &values {
                print_value(ctx, &hash, value, "value");
            }
            if !ctx.console.json() && values.is_empty() {
                eprintln!("no value at {hash}");
            }
        }
        DhtCommand::Put { key, text, keep } => {
            dht.wait_for_nodes(1, crate::net::dht::JOIN_WAIT).await?;
            let hash = InfoHash::from_user_key(&key);
            let value = Value::new(
                rand::random::<u64>() | 1,
                0,
                text.into_bytes(),
                "text/plain",
            );
            let handle = dht.put(hash, value.clone()).await?;
            print_value(ctx, &hash, &value, "stored");
            if keep {
                let mut interrupt = ctx.interrupt.clone();
                interrupt.wait().await;
                drop(handle);
                return Err(Stop::Interrupted.into());
            }
        }
        DhtCommand::Listen { key, count } => {
            dht.wait_for_nodes(1, crate::net::dht::JOIN_WAIT).await?;
            let hash = InfoHash::from_user_key(&key);
            let mut listening = dht.listen(hash).await?;
            ctx.console.emit_json(&Event::Watching {
                key: hash.to_string(),
            });
            let mut interrupt = ctx.interrupt.clone();
            let mut seen = 0;
            loop {
                let event = tokio::select! {
                    e = listening.next() => e,
                    _ = interrupt.wait() => return Err(Stop::Interrupted.into()),
                };
                match event {
                    Some(ListenEvent::Values(values)) => {
                        for value in &values {
                            print_value(ctx, &hash, value, "value");
                        }
                        seen += values.len();
                        if count.is_some_and(|c| seen >= c) {
                            return Ok(());
                        }
                    }
                    Some(ListenEvent::Expired(ids)) => {
                        for id in ids {
                            if ctx.console.json() {
                                ctx.console.emit_json(&Event::Expired {
                                    key: hash.to_string(),
                                    id,
                                });
                            } else {
                                println!("expired {id:016x}");
                            }
                        }
                    }
                    None => anyhow::bail!("the DHT node stopped"),
                }
            }
        }
        DhtCommand::Node => {
            let status = dht.status().await?;
            if ctx.console.json() {
                ctx.console.emit_json(&Event::Node {
                    id: status.id.clone(),
                    ipv4: status.ipv4.clone(),
                    ipv6: status.ipv6.clone(),
                });
            } else {
                println!("node {} on {:?} {:?}", status.id, status.ipv4, status.ipv6);
            }
            let mut interrupt = ctx.interrupt.clone();
            interrupt.wait().await;
            let status = dht.status().await?;
            if ctx.console.json() {
                ctx.console.emit_json(&Event::Stats {
                    status: status.clone(),
                });
            } else {
                println!(
                    "{} datagrams received, {} malformed and {} others dropped, {} values stored",
                    status.received,
                    status.dropped_malformed,
                    status.dropped_other,
                    status.stored_values
                );
            }
            return Err(Stop::Interrupted.into());
        }
    }
    Ok(())
}

fn print_value(ctx: &Context, key: &InfoHash, value: &Value, event: &str) {
    let text = std::str::from_utf8(&value.data).ok();
    if ctx.console.json() {
        let shown = DhtValue {
            key: key.to_string(),
            id: value.id,
            value_type: value.value_type,
            user_type: value.user_type.clone(),
            data: text.map(str::to_string),
            data_hex: hex::encode(&value.data),
            encrypted: value.cypher.is_some(),
            signed: value.owner.is_some(),
        };
        ctx.console.emit_json(&if event == "stored" {
            Event::Stored(shown)
        } else {
            Event::Value(shown)
        });
    } else {
        let shown = match (text, &value.cypher) {
            (_, Some(c)) => format!("<encrypted, {} bytes>", c.len()),
            (Some(t), None) => for_terminal(t).into_owned(),
            (None, None) => format!("<{} bytes> {}", value.data.len(), hex::encode(&value.data)),
        };
        println!(
            "{:016x} [{} {}] {shown}",
            value.id, value.value_type, value.user_type
        );
    }
}
