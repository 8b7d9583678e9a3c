//! The pure rules of identity: ids, who a verified peer is, pins, and the check of a presented
//! certificate chain `[device, account]`. No files and no clock (the time a chain is checked at
//! is an argument): key storage and the account archive are in `crate::identity`, which
//! re-exports these.

use rustls::pki_types::{CertificateDer, UnixTime};
use sha1::{Digest as _, Sha1};
use std::fmt;
use std::str::FromStr;

/// An account or device id: SHA-1 of a public key, shown as 40 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub [u8; 20]);

impl Id {
    /// The id of the public key in `spki_der` (a DER SubjectPublicKeyInfo).
    pub fn of_public_key(spki_der: &[u8]) -> Id {
        Id(Sha1::digest(spki_der).into())
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({self})")
    }
}

impl FromStr for Id {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = hex::decode(s.trim()).map_err(|_| IdentityError::BadId(s.to_string()))?;
        let bytes: [u8; 20] = bytes
            .try_into()
            .map_err(|_| IdentityError::BadId(s.to_string()))?;
        Ok(Id(bytes))
    }
}

/// Who a verified peer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerIdentity {
    pub device: Id,
    pub account: Id,
}

impl fmt::Display for PeerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "device {} of account {}", self.device, self.account)
    }
}

/// Which peers are acceptable: any listed id, as a device id or an account id. Empty: any
/// peer with a valid chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pin {
    ids: Vec<Id>,
}

impl Pin {
    pub fn any() -> Self {
        Pin::default()
    }

    pub fn to(ids: impl IntoIterator<Item = Id>) -> Self {
        Pin {
            ids: ids.into_iter().collect(),
        }
    }

    pub fn is_any(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn allows(&self, peer: &PeerIdentity) -> bool {
        self.is_any()
            || self
                .ids
                .iter()
                .any(|id| *id == peer.device || *id == peer.account)
    }

    /// Check `peer` against the pin, with an error that names both sides.
    pub fn check(&self, peer: &PeerIdentity) -> Result<(), IdentityError> {
        if self.allows(peer) {
            return Ok(());
        }
        Err(IdentityError::Mismatch {
            expected: self.to_string(),
            got: *peer,
        })
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_any() {
            return f.write_str("any device");
        }
        let ids: Vec<String> = self.ids.iter().map(Id::to_string).collect();
        f.write_str(&ids.join(" or "))
    }
}

/// What can be wrong with an identity a peer presents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("{0:?} is not an id (40 hex digits)")]
    BadId(String),
    #[error("the peer presented {0} certificate(s); a device certificate and its account certificate are required")]
    IncompleteChain(usize),
    #[error("the peer's certificate could not be parsed: {0}")]
    Unparsable(String),
    #[error("the peer's device certificate is not validly issued by its account: {0}")]
    BadChain(String),
    #[error("identity mismatch: expected {expected}, but the peer is {got}")]
    Mismatch { expected: String, got: PeerIdentity },
}

/// Verify a presented chain `[device, account, ...]` and say who it belongs to.
pub fn verify_chain(
    chain: &[CertificateDer<'_>],
    now: UnixTime,
) -> Result<PeerIdentity, IdentityError> {
    let [device_der, account_der, ..] = chain else {
        return Err(IdentityError::IncompleteChain(chain.len()));
    };
    let device_spki = subject_public_key_info(device_der)?;
    let account_spki = subject_public_key_info(account_der)?;
    let anchor = webpki::anchor_from_trusted_cert(account_der)
        .map_err(|e| IdentityError::Unparsable(format!("account certificate: {e:?}")))?;
    let device = webpki::EndEntityCert::try_from(device_der)
        .map_err(|e| IdentityError::Unparsable(format!("device certificate: {e:?}")))?;
    // Device certificates carry both TLS usages, so one check serves client and server.
    device
        .verify_for_usage(
            &[webpki::ring::ED25519],
            &[anchor],
            &[],
            now,
            webpki::KeyUsage::server_auth(),
            None,
            None,
        )
        .map_err(|e| IdentityError::BadChain(format!("{e:?}")))?;
    Ok(PeerIdentity {
        device: Id::of_public_key(&device_spki),
        account: Id::of_public_key(&account_spki),
    })
}

/// The raw Ed25519 public key of a device certificate, to check its signatures.
pub fn device_signing_key(der: &[u8]) -> Result<Vec<u8>, IdentityError> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| IdentityError::Unparsable(e.to_string()))?;
    let key = cert
        .tbs_certificate
        .subject_pki
        .subject_public_key
        .data
        .to_vec();
    if key.len() != 32 {
        return Err(IdentityError::Unparsable("not an Ed25519 key".into()));
    }
    Ok(key)
}

/// The DER SubjectPublicKeyInfo of a certificate (what ids are computed from).
pub fn subject_public_key_info(der: &[u8]) -> Result<Vec<u8>, IdentityError> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| IdentityError::Unparsable(e.to_string()))?;
    Ok(cert.tbs_certificate.subject_pki.raw.to_vec())
}
