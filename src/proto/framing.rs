//! RFC 4571 framing for ICE over TCP, and the handover from ICE to TLS.
//!
//! During connectivity checks every STUN message on a TCP candidate travels as a frame: a
//! 2-byte big-endian length, then the message. When a side's ICE agent selects the pair of a
//! connection, that side writes one [`HANDOVER`] frame on it and then reads frames until the
//! peer's [`HANDOVER`] (STUN still in flight is dropped). From the byte after the peer's
//! handover frame on, the connection carries TLS, unframed. The payload starts with 0xff, which
//! no STUN message can (their first two bits are zero), so it is never mistaken for a check.

/// The payload of the frame that ends ICE on a connection.
pub const HANDOVER: &[u8] = b"\xffferry-tls";

/// `payload` as one frame.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(2 + payload.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload[..usize::from(len)]);
    out
}

/// Splits a byte stream into frames; what follows a handover is kept for TLS.
#[derive(Debug, Default)]
pub struct Deframer {
    buf: Vec<u8>,
}

impl Deframer {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete frame, if any.
    pub fn next_frame(&mut self) -> Option<Vec<u8>> {
        if self.buf.len() < 2 {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([self.buf[0], self.buf[1]]));
        if self.buf.len() < 2 + len {
            return None;
        }
        let frame = self.buf[2..2 + len].to_vec();
        self.buf.drain(..2 + len);
        Some(frame)
    }

    /// Bytes received past the last frame taken (the start of TLS after a handover).
    pub fn into_rest(self) -> Vec<u8> {
        self.buf
    }
}

/// Whether a frame is a STUN message (first two bits zero, and long enough for a header).
pub fn is_stun(frame: &[u8]) -> bool {
    frame.len() >= 20 && frame[0] & 0xc0 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_across_reads_and_the_rest_goes_to_tls() {
        let stun = [0u8; 20];
        let mut wire = frame(&stun);
        wire.extend(frame(HANDOVER));
        wire.extend_from_slice(b"\x16\x03\x01client hello");
        let mut d = Deframer::default();
        let mut frames = Vec::new();
        for byte in &wire {
            d.push(std::slice::from_ref(byte));
            while let Some(f) = d.next_frame() {
                frames.push(f.clone());
                if f == HANDOVER {
                    break;
                }
            }
            if frames.last().is_some_and(|f| f == HANDOVER) {
                break;
            }
        }
        assert_eq!(frames, vec![stun.to_vec(), HANDOVER.to_vec()]);
        assert!(is_stun(&frames[0]) && !is_stun(HANDOVER));
        let mut d2 = Deframer::default();
        d2.push(&wire);
        while d2.next_frame().is_some_and(|f| f != HANDOVER) {}
        assert_eq!(d2.into_rest(), b"\x16\x03\x01client hello");
    }
}
