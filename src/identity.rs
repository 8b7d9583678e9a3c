//! Accounts, devices and the rule that pins a peer to the identity we expect.
//!
//! An **account** is a long-lived Ed25519 key with a self-signed CA certificate; a **device** has
//! its own Ed25519 key and a certificate issued by the account key, which is also its TLS
//! identity. Ids are the SHA-1 of the public key's SubjectPublicKeyInfo, 40 hex digits (the size
//! of a DHT InfoHash), so anything a peer presents can be checked against an id alone:
//!
//! - the peer sends `[device certificate, account certificate]` in TLS;
//! - the device certificate must chain to the account certificate (webpki, Ed25519 only);
//! - the device id is computed from the device key, the account id from the account key;
//! - a [`Pin`] then says whether that device, or any device of that account, is the one wanted.
//!
//! Keys live in `FERRY_HOME` with mode 0600, created on first use.

use anyhow::{bail, Context, Result};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, PKCS_ED25519,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use sha1::{Digest as _, Sha1};
use std::fmt;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;

const ACCOUNT_KEY: &str = "account.key";
const ACCOUNT_CERT: &str = "account.crt";
const DEVICE_KEY: &str = "device.key";
const DEVICE_CERT: &str = "device.crt";
/// The device's X25519 secret for requests encrypted to it (hex).
const DEVICE_ENC_KEY: &str = "device.x25519";

/// Account archives: scrypt cost (2^15, ~100 ms) and format name.
const ARCHIVE_LOG_N: u8 = 15;
const ARCHIVE_FORMAT: &str = "ferry-account-v1";

#[derive(serde::Serialize, serde::Deserialize)]
struct AccountArchive {
    key_pem: String,
    cert_pem: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SealedArchive {
    format: String,
    log_n: u8,
    salt: serde_bytes::ByteBuf,
    nonce: serde_bytes::ByteBuf,
    ct: serde_bytes::ByteBuf,
}

fn archive_key(passphrase: &str, salt: &[u8], log_n: u8) -> Result<[u8; 32]> {
    let params = scrypt::Params::new(log_n, 8, 1, 32).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut key = [0u8; 32];
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, &mut key)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(key)
}

/// Certificates are long-lived: the account key, not expiry, is what revokes trust.
const CERT_VALIDITY_DAYS: i64 = 20 * 365;

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

fn subject_public_key_info(der: &[u8]) -> Result<Vec<u8>, IdentityError> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| IdentityError::Unparsable(e.to_string()))?;
    Ok(cert.tbs_certificate.subject_pki.raw.to_vec())
}

/// This device: its keys, certificates and ids, as stored in `FERRY_HOME`.
pub struct Identity {
    pub account: Id,
    pub device: Id,
    pub name: String,
    account_cert: CertificateDer<'static>,
    device_cert: CertificateDer<'static>,
    device_key: PrivatePkcs8KeyDer<'static>,
    signing: ring::signature::Ed25519KeyPair,
    enc_secret: x25519_dalek::StaticSecret,
}

impl Identity {
    /// Load the identity in `home`, creating a new account and device on first use.
    pub fn load_or_create(home: &Path) -> Result<Identity> {
        if home.join(DEVICE_CERT).exists() {
            Self::load(home)
        } else {
            Self::create(home)
        }
    }

    /// Load an existing identity.
    pub fn load(home: &Path) -> Result<Identity> {
        let read = |name: &str| -> Result<String> {
            let path = home.join(name);
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
        };
        let cert = |name: &str| -> Result<CertificateDer<'static>> {
            CertificateDer::from_pem_slice(read(name)?.as_bytes())
                .with_context(|| format!("{} is not a PEM certificate", home.join(name).display()))
        };
        let device_key = PrivatePkcs8KeyDer::from_pem_slice(read(DEVICE_KEY)?.as_bytes())
            .with_context(|| format!("{} is not a PKCS#8 key", home.join(DEVICE_KEY).display()))?;
        let account_cert = cert(ACCOUNT_CERT)?;
        let device_cert = cert(DEVICE_CERT)?;
        let peer = verify_chain(
            &[device_cert.clone(), account_cert.clone()],
            UnixTime::now(),
        )
        .context("the stored device certificate does not verify against the account")?;
        let key_spki = KeyPair::try_from(&device_key)
            .context("the stored device key is not usable")?
            .public_key_der();
        if Id::of_public_key(&key_spki) != peer.device {
            bail!("the stored device key does not match the device certificate");
        }
        let signing = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(
            device_key.secret_pkcs8_der(),
        )
        .map_err(|e| anyhow::anyhow!("the device key is not Ed25519: {e}"))?;
        let enc_path = home.join(DEVICE_ENC_KEY);
        if !enc_path.exists() {
            let secret = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
            write_private(&enc_path, hex::encode(secret.to_bytes()))?;
        }
        let enc_bytes: [u8; 32] = hex::decode(read(DEVICE_ENC_KEY)?.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .with_context(|| format!("{} is not an X25519 key", enc_path.display()))?;
        Ok(Identity {
            account: peer.account,
            device: peer.device,
            name: device_name_of(&device_cert),
            account_cert,
            device_cert,
            device_key,
            signing,
            enc_secret: x25519_dalek::StaticSecret::from(enc_bytes),
        })
    }

    /// Create a new account with this machine as its first device.
    pub fn create(home: &Path) -> Result<Identity> {
        let account_key = KeyPair::generate_for(&PKCS_ED25519)?;
        let account = Id::of_public_key(&account_key.public_key_der());
        let mut params = base_params(&format!("ferry account {account}"))?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let account_cert = params.self_signed(&account_key)?;
        Self::create_device(home, &account_key, &account_cert.pem())
    }

    /// Make this machine a new device of the account whose key and certificate are given.
    fn create_device(
        home: &Path,
        account_key: &KeyPair,
        account_cert_pem: &str,
    ) -> Result<Identity> {
        if home.join(DEVICE_CERT).exists() {
            bail!("{} already holds an identity", home.display());
        }
        fs::create_dir_all(home).with_context(|| format!("creating {}", home.display()))?;
        set_private_dir(home)?;
        // The issuer as rcgen needs it: the account certificate's own name and key.
        let issuer = CertificateParams::from_ca_cert_pem(account_cert_pem)
            .context("reading the account certificate")?
            .self_signed(account_key)?;
        let name = host_name();
        let device_key = KeyPair::generate_for(&PKCS_ED25519)?;
        let mut params = base_params(&format!("ferry device {name}"))?;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let device_cert = params.signed_by(&device_key, &issuer, account_key)?;
        write_private(&home.join(ACCOUNT_KEY), account_key.serialize_pem())?;
        write_private(&home.join(ACCOUNT_CERT), account_cert_pem)?;
        write_private(&home.join(DEVICE_KEY), device_key.serialize_pem())?;
        write_private(&home.join(DEVICE_CERT), device_cert.pem())?;
        Self::load(home)
    }

    /// The account key and certificate, sealed with a passphrase (scrypt, ChaCha20-Poly1305),
    /// for `ferry account import` on another machine.
    pub fn export_account(home: &Path, passphrase: &str) -> Result<Vec<u8>> {
        let key_pem =
            fs::read_to_string(home.join(ACCOUNT_KEY)).context("reading the account key")?;
        let cert_pem = fs::read_to_string(home.join(ACCOUNT_CERT))
            .context("reading the account certificate")?;
        let plain = rmp_serde::to_vec_named(&AccountArchive { key_pem, cert_pem })?;
        let salt: [u8; 16] = rand::random();
        let nonce: [u8; 12] = rand::random();
        let key = archive_key(passphrase, &salt, ARCHIVE_LOG_N)?;
        let ct = ChaCha20Poly1305::new(Key::from_slice(&key))
            .encrypt(Nonce::from_slice(&nonce), plain.as_slice())
            .map_err(|_| anyhow::anyhow!("sealing the account archive failed"))?;
        Ok(rmp_serde::to_vec_named(&SealedArchive {
            format: ARCHIVE_FORMAT.into(),
            log_n: ARCHIVE_LOG_N,
            salt: serde_bytes::ByteBuf::from(salt.to_vec()),
            nonce: serde_bytes::ByteBuf::from(nonce.to_vec()),
            ct: serde_bytes::ByteBuf::from(ct),
        })?)
    }

    /// Open an account archive and make this machine a new device of that account.
    pub fn import_account(home: &Path, archive: &[u8], passphrase: &str) -> Result<Identity> {
        let sealed: SealedArchive = rmp_serde::from_slice(archive)
            .map_err(|_| anyhow::anyhow!("not a ferry account archive"))?;
        if sealed.format != ARCHIVE_FORMAT || sealed.nonce.len() != 12 || sealed.log_n > 22 {
            bail!("not a ferry account archive (or a newer format)");
        }
        let key = archive_key(passphrase, &sealed.salt, sealed.log_n)?;
        let plain = ChaCha20Poly1305::new(Key::from_slice(&key))
            .decrypt(Nonce::from_slice(&sealed.nonce), sealed.ct.as_ref())
            .map_err(|_| anyhow::anyhow!("wrong passphrase, or the archive is damaged"))?;
        let archive: AccountArchive = rmp_serde::from_slice(&plain)?;
        let account_key =
            KeyPair::from_pem(&archive.key_pem).context("the archive's account key")?;
        Self::create_device(home, &account_key, &archive.cert_pem)
    }

    /// The chain this device presents in TLS: `[device, account]`.
    pub fn tls_chain(&self) -> Vec<CertificateDer<'static>> {
        vec![self.device_cert.clone(), self.account_cert.clone()]
    }

    /// The device's private key for TLS.
    pub fn tls_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(self.device_key.clone_key())
    }

    /// The X25519 key requests to this device are encrypted to.
    pub fn enc_public(&self) -> [u8; 32] {
        x25519_dalek::PublicKey::from(&self.enc_secret).to_bytes()
    }

    pub fn enc_secret(&self) -> &x25519_dalek::StaticSecret {
        &self.enc_secret
    }

    /// Who this device is, as a peer would see it.
    pub fn as_peer(&self) -> PeerIdentity {
        PeerIdentity {
            device: self.device,
            account: self.account,
        }
    }
}

impl crate::proto::signal::Signer for Identity {
    fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.signing.sign(message).as_ref().to_vec()
    }
}

fn base_params(common_name: &str) -> Result<CertificateParams> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    params.distinguished_name = dn;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(CERT_VALIDITY_DAYS);
    Ok(params)
}

fn device_name_of(cert: &CertificateDer<'_>) -> String {
    x509_parser::parse_x509_certificate(cert)
        .ok()
        .and_then(|(_, c)| {
            c.subject()
                .iter_common_name()
                .next()
                .and_then(|cn| cn.as_str().ok().map(str::to_string))
        })
        .map(|cn| cn.trim_start_matches("ferry device ").to_string())
        .unwrap_or_default()
}

fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "device".to_string())
}

fn set_private_dir(dir: &Path) -> Result<()> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .with_context(|| format!("restricting {}", dir.display()))
}

/// Write `contents` to a new file readable only by its owner (never over an existing one).
pub fn write_private(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_ref())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

/// Where ferry keeps its state when neither `--home` nor `FERRY_HOME` is given.
pub fn default_home() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("ferry")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_identity_verifies_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let created = Identity::create(dir.path()).unwrap();
        let loaded = Identity::load(dir.path()).unwrap();
        assert_eq!(created.device, loaded.device);
        assert_eq!(created.account, loaded.account);
        assert_ne!(created.device, created.account);
        let peer = verify_chain(&loaded.tls_chain(), UnixTime::now()).unwrap();
        assert_eq!(peer, loaded.as_peer());
        for file in [
            ACCOUNT_KEY,
            DEVICE_KEY,
            DEVICE_CERT,
            ACCOUNT_CERT,
            DEVICE_ENC_KEY,
        ] {
            let mode = fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    #[test]
    fn a_device_of_another_account_does_not_chain() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let a = Identity::create(a.path()).unwrap();
        let b = Identity::create(b.path()).unwrap();
        let forged = vec![a.device_cert.clone(), b.account_cert.clone()];
        assert!(matches!(
            verify_chain(&forged, UnixTime::now()),
            Err(IdentityError::BadChain(_))
        ));
        assert_eq!(
            verify_chain(&a.tls_chain()[..1], UnixTime::now()),
            Err(IdentityError::IncompleteChain(1))
        );
    }

    #[test]
    fn an_imported_account_makes_a_second_device_of_it() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let first = Identity::create(a.path()).unwrap();
        let archive = Identity::export_account(a.path(), "correct horse").unwrap();
        assert!(Identity::import_account(b.path(), &archive, "wrong").is_err());
        let second = Identity::import_account(b.path(), &archive, "correct horse").unwrap();
        assert_eq!(second.account, first.account);
        assert_ne!(second.device, first.device);
        assert_eq!(
            verify_chain(&second.tls_chain(), UnixTime::now()).unwrap(),
            second.as_peer()
        );
        assert!(
            Identity::import_account(b.path(), &archive, "correct horse").is_err(),
            "no second identity"
        );
    }

    #[test]
    fn pins_match_device_or_account() {
        let peer = PeerIdentity {
            device: Id([1; 20]),
            account: Id([2; 20]),
        };
        assert!(Pin::any().allows(&peer));
        assert!(Pin::to([Id([1; 20])]).allows(&peer));
        assert!(Pin::to([Id([2; 20])]).allows(&peer));
        assert!(matches!(
            Pin::to([Id([3; 20])]).check(&peer),
            Err(IdentityError::Mismatch { .. })
        ));
    }

    #[test]
    fn ids_parse_from_hex() {
        let id: Id = "00112233445566778899aabbccddeeff00112233".parse().unwrap();
        assert_eq!(id.to_string(), "00112233445566778899aabbccddeeff00112233");
        assert!("0011".parse::<Id>().is_err());
        assert!("zz112233445566778899aabbccddeeff00112233"
            .parse::<Id>()
            .is_err());
    }
}
