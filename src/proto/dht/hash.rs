//! The 160-bit ids of the DHT (`InfoHash`): node ids and keys, with the XOR metric.

use sha1::{Digest as _, Sha1};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A node id or a key: 20 bytes, always `bin 20` on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct InfoHash(pub [u8; 20]);

impl InfoHash {
    pub const LEN: usize = 20;

    /// OpenDHT's `InfoHash::get(string)`: SHA-1 of the raw bytes.
    pub fn of(data: impl AsRef<[u8]>) -> InfoHash {
        InfoHash(Sha1::digest(data.as_ref()).into())
    }

    pub fn from_slice(bytes: &[u8]) -> Option<InfoHash> {
        Some(InfoHash(bytes.try_into().ok()?))
    }

    pub fn random(rng: &mut impl rand::RngCore) -> InfoHash {
        let mut id = [0u8; 20];
        rng.fill_bytes(&mut id);
        InfoHash(id)
    }

    /// A key given by a user: 40 hex digits are used as they are, anything else is hashed,
    /// as `dhtnode` does.
    pub fn from_user_key(text: &str) -> InfoHash {
        text.parse().unwrap_or_else(|_| InfoHash::of(text))
    }

    pub fn xor(&self, other: &InfoHash) -> [u8; 20] {
        let mut out = [0u8; 20];
        for (o, (a, b)) in out.iter_mut().zip(self.0.iter().zip(other.0.iter())) {
            *o = a ^ b;
        }
        out
    }

    /// Compare `a` and `b` by their XOR distance to `self` (closest first).
    pub fn cmp_distance(&self, a: &InfoHash, b: &InfoHash) -> Ordering {
        self.xor(a).cmp(&self.xor(b))
    }

    /// Number of leading bits `self` and `other` share (160 when equal).
    pub fn common_bits(&self, other: &InfoHash) -> usize {
        let x = self.xor(other);
        for (i, byte) in x.iter().enumerate() {
            if *byte != 0 {
                return i * 8 + byte.leading_zeros() as usize;
            }
        }
        160
    }

    /// A random id sharing exactly `bits` leading bits with `self` (for bucket refresh).
    pub fn random_at_depth(&self, bits: usize, rng: &mut impl rand::RngCore) -> InfoHash {
        let mut id = InfoHash::random(rng).0;
        let bits = bits.min(159);
        for i in 0..=bits {
            let (byte, mask) = (i / 8, 0x80u8 >> (i % 8));
            let mine = self.0[byte] & mask;
            let flip = i == bits;
            id[byte] = (id[byte] & !mask) | if flip { mine ^ mask } else { mine };
        }
        InfoHash(id)
    }
}

impl fmt::Display for InfoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for InfoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", &hex::encode(self.0)[..8])
    }
}

impl FromStr for InfoHash {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = hex::decode(s).map_err(|e| e.to_string())?;
        InfoHash::from_slice(&bytes).ok_or_else(|| "an InfoHash is 40 hex digits".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_keys_hash_like_opendht() {
        // Captured: the `h` of "raw-key" on the wire.
        assert_eq!(
            InfoHash::of("raw-key").to_string(),
            "d6818da717fb2807ce8557b70d9c82e3effbd523"
        );
        assert_eq!(
            InfoHash::from_user_key("py-key").to_string(),
            "fe601e241b3700cdeebaaa159364761d64fbd8a5"
        );
        let hex = "d6818da717fb2807ce8557b70d9c82e3effbd523";
        assert_eq!(InfoHash::from_user_key(hex).to_string(), hex);
    }

    #[test]
    fn xor_distance_orders_by_prefix() {
        let target = InfoHash([0; 20]);
        let mut near = [0u8; 20];
        near[19] = 1;
        let mut far = [0u8; 20];
        far[0] = 1;
        assert_eq!(
            target.cmp_distance(&InfoHash(near), &InfoHash(far)),
            Ordering::Less
        );
        assert_eq!(target.common_bits(&InfoHash(far)), 7);
        assert_eq!(target.common_bits(&target), 160);
    }

    #[test]
    fn random_at_depth_shares_exactly_that_prefix() {
        let mut rng = rand::thread_rng();
        let me = InfoHash::random(&mut rng);
        for bits in [0, 1, 7, 8, 63, 159] {
            let id = me.random_at_depth(bits, &mut rng);
            assert_eq!(me.common_bits(&id), bits);
        }
    }
}
