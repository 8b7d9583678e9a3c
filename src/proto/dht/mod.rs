//! An OpenDHT-compatible node, as pure machines (`opendht-wire.md`).
//!
//! - [`hash`]: 160-bit ids and the XOR metric.
//! - [`value`]: values, kept opaque, and queries.
//! - [`message`]: the msgpack datagrams and value parts.
//! - [`assembly`]: reassembly of values sent as parts, bounded against forged sizes.
//! - [`proxy`]: OpenDHT's REST proxy: values as JSON, requests, streamed answers.
//! - [`amplification`]: what an address that never proved itself may be sent.

pub mod amplification;
pub mod assembly;
pub mod discovery;
pub mod engine;
pub mod hash;
pub mod message;
pub mod proxy;
pub mod routing;
pub mod storage;
pub mod value;

pub use hash::InfoHash;
