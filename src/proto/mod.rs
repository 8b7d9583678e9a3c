//! Pure protocol machines: bytes in, bytes and events out. Nothing here touches a socket, a
//! file or the clock, so every rule is tested in memory (see each module's tests).

pub mod admission;
pub mod attempts;
pub mod dht;
pub mod framing;
pub mod ice_tcp;
pub mod identity;
pub mod name;
pub mod pairing;
pub mod ratelog;
pub mod rendezvous;
pub mod sha3;
pub mod signal;
pub mod text;
pub mod transfer;
pub mod turn;
