//! SHA3-256, the digest every body is verified with, from one place.
//!
//! Hashing is most of a transfer's work: about two thirds of each side's CPU in a 1 GiB direct
//! transfer (`perf record` on both processes). The implementation was chosen by measurement, as
//! the design asks: OpenSSL's CRYPTOGAMS Keccak through `keccak-asm` hashes about 500 MB/s on
//! the reference machine, against about 385 MB/s for RustCrypto's `sha3` (a 1 GiB stream of
//! 1 MiB updates, both in the same run). Both implement the `digest` crate's traits, so the
//! rest of ferry is written against [`Digest`] and the type below.
//!
//! The tests check it against RustCrypto's `sha3` and the FIPS 202 vectors, at random splits
//! of the input across updates (the assembly absorbs whole blocks and buffers the rest).

pub use keccak_asm::{Digest, Sha3_256};

#[cfg(test)]
mod tests {
    use super::{Digest as _, Sha3_256};
    use proptest::prelude::*;

    #[test]
    fn the_fips_202_vectors() {
        let empty = "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a";
        let abc = "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532";
        assert_eq!(hex::encode(Sha3_256::digest(b"")), empty);
        assert_eq!(hex::encode(Sha3_256::digest(b"abc")), abc);
        // 200 bytes of 0xa3 (the FIPS 202 example message of 1600 bits).
        let long = "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787";
        assert_eq!(hex::encode(Sha3_256::digest([0xa3u8; 200])), long);
    }

    proptest! {
        #[test]
        fn matches_rustcrypto_sha3_at_random_splits(
            data in proptest::collection::vec(any::<u8>(), 0..2000),
            cuts in proptest::collection::vec(0usize..2000, 0..6),
        ) {
            let mut ours = Sha3_256::new();
            let mut reference = <sha3::Sha3_256 as sha3::Digest>::new();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.sort_unstable();
            let mut at = 0;
            for cut in cuts.into_iter().chain([data.len()]) {
                ours.update(&data[at..cut]);
                sha3::Digest::update(&mut reference, &data[at..cut]);
                at = cut;
            }
            // A hash state is cloned for resumes: the clone must go on the same way.
            let copy = ours.clone();
            prop_assert_eq!(ours.finalize().to_vec(), sha3::Digest::finalize(reference).to_vec());
            prop_assert_eq!(copy.finalize().to_vec(), <sha3::Sha3_256 as sha3::Digest>::digest(&data).to_vec());
        }
    }
}
