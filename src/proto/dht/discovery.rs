//! LAN peer discovery as OpenDHT does it (`opendht-wire.md` §8): nodes announce
//! `{"dht": [node id, port, network id]}` to a multicast group and answer the one-byte query
//! `"q"` with their announcement, so two nodes on one LAN find each other with no bootstrap.

use super::hash::InfoHash;
use super::message::read_msgpack;
use rmpv::Value as Mp;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The groups and port of OpenDHT's peer discovery.
pub const GROUP_V4: Ipv4Addr = Ipv4Addr::new(239, 192, 0, 1);
pub const GROUP_V6: Ipv6Addr = Ipv6Addr::new(0xff08, 0, 0, 0, 0, 0, 0, 0x101);
pub const PORT: u16 = 8888;
/// The service name of DHT announcements.
pub const SERVICE: &str = "dht";

/// A discovery datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// "Who is there?": answer with an announcement.
    Query,
    /// A node of network `network` listens on `port` at the sender's address.
    Announce {
        id: InfoHash,
        port: u16,
        network: u32,
    },
    /// Announcements of other services, or anything else: ignored.
    Other,
}

pub fn encode_query() -> Vec<u8> {
    write(&Mp::from("q"))
}

pub fn encode_announce(id: InfoHash, port: u16, network: u32) -> Vec<u8> {
    write(&Mp::Map(vec![(
        Mp::from(SERVICE),
        Mp::Array(vec![
            Mp::Binary(id.0.to_vec()),
            Mp::from(port),
            Mp::from(network),
        ]),
    )]))
}

fn write(v: &Mp) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = rmpv::encode::write_value(&mut out, v);
    out
}

/// Read a discovery datagram; never fails, unknown content is [`Packet::Other`].
pub fn decode(bytes: &[u8]) -> Packet {
    let Ok(v) = read_msgpack(bytes) else {
        return Packet::Other;
    };
    match v {
        Mp::String(s) if s.as_str() == Some("q") => Packet::Query,
        Mp::Map(services) => services
            .iter()
            .find(|(k, _)| k.as_str() == Some(SERVICE))
            .and_then(|(_, payload)| match payload {
                // The payload may also come packed in a bin.
                Mp::Binary(b) => read_msgpack(b).ok().and_then(|p| announce(&p)),
                p => announce(p),
            })
            .unwrap_or(Packet::Other),
        _ => Packet::Other,
    }
}

fn announce(payload: &Mp) -> Option<Packet> {
    let Mp::Array(items) = payload else {
        return None;
    };
    let id = match items.first()? {
        Mp::Binary(b) => InfoHash::from_slice(b)?,
        _ => return None,
    };
    let port = u16::try_from(items.get(1)?.as_u64()?).ok()?;
    let network = items
        .get(2)
        .and_then(Mp::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0);
    (port != 0).then_some(Packet::Announce { id, port, network })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_and_queries_round_trip() {
        assert_eq!(encode_query(), vec![0xa1, b'q']);
        assert_eq!(decode(&encode_query()), Packet::Query);
        let id = InfoHash([5; 20]);
        assert_eq!(
            decode(&encode_announce(id, 4222, 0)),
            Packet::Announce {
                id,
                port: 4222,
                network: 0
            }
        );
        assert_eq!(decode(b"\xff\x00garbage"), Packet::Other);
        assert_eq!(decode(&encode_announce(id, 0, 0)), Packet::Other);
    }
}
