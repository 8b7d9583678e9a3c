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
//! Keys live in `FERRY_HOME` with mode 0600, created on first use. The pure rules (ids, pins,
//! the chain check) are `proto::identity`, re-exported here; this module stores keys and seals
//! the account archive.
//!
//! Storing, loading, exporting and importing fail with a [`StoreError`], which holds the rest
//! of the family as they are: the chain rules' [`IdentityError`], an archive's refusal
//! ([`ArchiveError`]), a passphrase too weak for an export ([`WeakPassphrase`]).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, PKCS_ED25519,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub use crate::proto::identity::{
    device_signing_key, subject_public_key_info, verify_chain, Id, IdentityError, PeerIdentity, Pin,
};

const ACCOUNT_KEY: &str = "account.key";
const ACCOUNT_CERT: &str = "account.crt";
const DEVICE_KEY: &str = "device.key";
const DEVICE_CERT: &str = "device.crt";
/// The device's X25519 secret for requests encrypted to it (hex).
const DEVICE_ENC_KEY: &str = "device.x25519";

/// Account archives: the scrypt cost written (2^15, ~100 ms and 32 MiB) and the format name.
const ARCHIVE_LOG_N: u8 = 15;
/// The highest scrypt cost an archive may ask for: the cost is read before the passphrase can
/// be checked, so it bounds what a crafted archive makes us spend (2^17: 128 MiB, under 1 s).
const ARCHIVE_MAX_LOG_N: u8 = 17;
/// scrypt's block size and parallelism, fixed by the format.
const ARCHIVE_R: u32 = 8;
const ARCHIVE_P: u32 = 1;
/// The current format: the KDF parameters and the format name are the AEAD's associated data.
const ARCHIVE_FORMAT: &str = "ferry-account-v2";
/// The first format, whose parameters were not authenticated: still read, but only at the one
/// cost it was ever written with, so a changed parameter cannot cost anything.
const ARCHIVE_FORMAT_V1: &str = "ferry-account-v1";
/// Salt and nonce sizes (ChaCha20-Poly1305 takes a 96-bit nonce).
const ARCHIVE_SALT_BYTES: usize = 16;
const ARCHIVE_NONCE_BYTES: usize = 12;
/// The lowest zxcvbn score (0..=4) a passphrase needs for an export: 3 is "safely
/// unguessable" (over 10^10 guesses), the archive being open to offline guessing.
pub const MIN_PASSPHRASE_SCORE: u8 = 3;
/// Only this many characters are scored (zxcvbn's time grows with length); a longer
/// passphrase is at least as strong as its beginning.
const SCORED_PASSPHRASE_CHARS: usize = 100;

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

/// Why an account archive is refused before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("not a ferry account archive")]
    NotAnArchive,
    #[error("an account archive of an unknown format {0:?} (written by a newer ferry?)")]
    UnknownFormat(String),
    #[error(
        "the archive asks for scrypt cost 2^{asked}; more than 2^{max} is refused (ferry writes \
         2^{ARCHIVE_LOG_N}): the archive was altered or not written by ferry"
    )]
    CostTooHigh { asked: u8, max: u8 },
    #[error(
        "the archive asks for scrypt cost 2^{asked}; a {ARCHIVE_FORMAT_V1} archive is always \
         2^{ARCHIVE_LOG_N}: the archive was altered"
    )]
    AlteredV1Cost { asked: u8 },
    #[error("the archive's salt or nonce has the wrong size")]
    BadSizes,
    #[error("wrong passphrase, or the archive is damaged or altered")]
    WrongPassphrase,
    #[error("the archive's account certificate is not the certificate of its account key")]
    CertificateMismatch,
    #[error("the archive's account key or certificate cannot be read: {0}")]
    Unreadable(String),
}

/// What the AEAD authenticates besides the ciphertext: the format and every KDF parameter,
/// so that none of them can be changed without the passphrase.
fn archive_associated_data(format: &str, log_n: u8) -> Vec<u8> {
    format!("{format}\0scrypt log_n={log_n} r={ARCHIVE_R} p={ARCHIVE_P}").into_bytes()
}

/// Check an archive's declared KDF parameters before any work is done for them.
fn check_archive_params(sealed: &SealedArchive) -> Result<(), ArchiveError> {
    match sealed.format.as_str() {
        ARCHIVE_FORMAT if sealed.log_n > ARCHIVE_MAX_LOG_N => {
            return Err(ArchiveError::CostTooHigh {
                asked: sealed.log_n,
                max: ARCHIVE_MAX_LOG_N,
            })
        }
        // Below what ferry writes is cheap for us; the AEAD rejects it if it was changed.
        ARCHIVE_FORMAT => {}
        ARCHIVE_FORMAT_V1 if sealed.log_n != ARCHIVE_LOG_N => {
            return Err(ArchiveError::AlteredV1Cost {
                asked: sealed.log_n,
            })
        }
        ARCHIVE_FORMAT_V1 => {}
        other => {
            return Err(ArchiveError::UnknownFormat(
                other.chars().take(40).collect(),
            ))
        }
    }
    if sealed.salt.len() != ARCHIVE_SALT_BYTES || sealed.nonce.len() != ARCHIVE_NONCE_BYTES {
        return Err(ArchiveError::BadSizes);
    }
    Ok(())
}

fn archive_key(passphrase: &str, salt: &[u8], log_n: u8) -> Result<[u8; 32], StoreError> {
    let params = scrypt::Params::new(log_n, ARCHIVE_R, ARCHIVE_P, 32)
        .map_err(|e| StoreError::Kdf(e.to_string()))?;
    let mut key = [0u8; 32];
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, &mut key)
        .map_err(|e| StoreError::Kdf(e.to_string()))?;
    Ok(key)
}

/// Why this device's identity could not be loaded, created, exported or imported: which file
/// and what was being done with it, or which member of the family refused (the chain rules,
/// an archive, a passphrase). As with `ConnectError`, the text ends with its cause and no
/// variant has a `source`, so it reads the same with `{}` and `{:#}` (a failed rename is
/// logged with it).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file of the identity could not be read.
    #[error("reading {}: {cause}", path.display())]
    Read { path: PathBuf, cause: io::Error },
    /// The account's key or certificate could not be read (`what`: which).
    #[error("reading {what}: {cause}")]
    ReadAccount {
        what: &'static str,
        cause: io::Error,
    },
    /// A stored certificate is not PEM.
    #[error("{} is not a PEM certificate: {cause}", path.display())]
    NotPemCertificate {
        path: PathBuf,
        cause: rustls::pki_types::pem::Error,
    },
    /// The stored device key is not a PKCS#8 key in PEM.
    #[error("{} is not a PKCS#8 key: {cause}", path.display())]
    NotPkcs8Key {
        path: PathBuf,
        cause: rustls::pki_types::pem::Error,
    },
    /// The stored encryption key is not 32 bytes in hex.
    #[error("{} is not an X25519 key", .0.display())]
    NotX25519Key(PathBuf),
    /// The account certificate (given, or stored) is not a PEM certificate.
    #[error("reading the account certificate: {0}")]
    AccountCertificatePem(rustls::pki_types::pem::Error),
    /// The account certificate cannot serve as the issuer of a device certificate.
    #[error("reading the account certificate: {0}")]
    AccountCertificateIssuer(rcgen::Error),
    /// The stored account key is not a key rcgen can sign with.
    #[error("the stored account key: {0}")]
    StoredAccountKey(rcgen::Error),
    /// The stored device certificate does not chain to the stored account certificate.
    #[error("the stored device certificate does not verify against the account: {0}")]
    StoredChain(IdentityError),
    /// A device certificate just issued does not chain to the account certificate (the
    /// certificate given does not go with its key).
    #[error("the new device certificate does not verify against the account: {0}")]
    NewChain(IdentityError),
    /// A chain built in memory does not verify (the rules' words).
    #[error("{0}")]
    Chain(IdentityError),
    /// The stored device key cannot be used for signing.
    #[error("the stored device key is not usable: {0}")]
    UnusableDeviceKey(rcgen::Error),
    /// The stored device key is not the key the device certificate is for.
    #[error("the stored device key does not match the device certificate")]
    DeviceKeyMismatch,
    /// The device key is not an Ed25519 key ring can sign with.
    #[error("the device key is not Ed25519: {0}")]
    NotEd25519(ring::error::KeyRejected),
    /// A key or certificate could not be generated or signed (rcgen's words).
    #[error("{0}")]
    Generate(rcgen::Error),
    /// Creating or importing into a home that has an identity already.
    #[error("{} already holds an identity", .0.display())]
    AlreadyExists(PathBuf),
    /// A directory or a private file could not be created.
    #[error("creating {}: {cause}", path.display())]
    Create { path: PathBuf, cause: io::Error },
    /// A private file could not be written in full.
    #[error("writing {}: {cause}", path.display())]
    Write { path: PathBuf, cause: io::Error },
    /// The home could not be made private (0700).
    #[error("restricting {}: {cause}", path.display())]
    Restrict { path: PathBuf, cause: io::Error },
    /// The renamed device certificate could not take the old one's place.
    #[error("replacing {}: {cause}", path.display())]
    Replace { path: PathBuf, cause: io::Error },
    /// An export: the passphrase is too easy to guess.
    #[error("{0}")]
    WeakPassphrase(WeakPassphrase),
    /// An import: the archive is refused.
    #[error("{0}")]
    Archive(ArchiveError),
    /// An export: scrypt refused its parameters (its words).
    #[error("{0}")]
    Kdf(String),
    /// An export: the AEAD failed to seal the archive.
    #[error("sealing the account archive failed")]
    Seal,
    /// An export: the archive could not be encoded (MessagePack's words).
    #[error("{0}")]
    Encode(rmp_serde::encode::Error),
}

/// A passphrase too easy to guess for an archive anyone holding it may attack offline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "this passphrase is too easy to guess (strength {score} of 4, {MIN_PASSPHRASE_SCORE} needed){advice}"
)]
pub struct WeakPassphrase {
    pub score: u8,
    /// zxcvbn's warning and suggestions, as one sentence after `: `, or empty.
    pub advice: String,
}

/// Refuse a passphrase that zxcvbn scores below [`MIN_PASSPHRASE_SCORE`]; `context` are words
/// an attacker would try first (ids, the program's name).
pub fn check_passphrase(passphrase: &str, context: &[&str]) -> Result<(), WeakPassphrase> {
    let scored: String = passphrase.chars().take(SCORED_PASSPHRASE_CHARS).collect();
    let mut words = vec!["ferry", "account", "passphrase", "password"];
    words.extend_from_slice(context);
    let entropy = zxcvbn::zxcvbn(&scored, &words);
    let score = u8::from(entropy.score());
    if score >= MIN_PASSPHRASE_SCORE {
        return Ok(());
    }
    let mut advice: Vec<String> = Vec::new();
    if let Some(feedback) = entropy.feedback() {
        advice.extend(feedback.warning().map(|w| w.to_string()));
        advice.extend(feedback.suggestions().iter().map(|s| s.to_string()));
    }
    if advice.is_empty() {
        advice.push("use four or more unrelated words, or a longer passphrase".into());
    }
    Err(WeakPassphrase {
        score,
        advice: format!(": {}", advice.join(" ")),
    })
}

/// Certificates are long-lived: the account key, not expiry, is what revokes trust.
const CERT_VALIDITY_DAYS: i64 = 20 * 365;

/// The account key and certificate in a sealed archive, checked to belong together.
fn open_archive(archive: &[u8], passphrase: &str) -> Result<(KeyPair, String), ArchiveError> {
    let sealed: SealedArchive =
        rmp_serde::from_slice(archive).map_err(|_| ArchiveError::NotAnArchive)?;
    check_archive_params(&sealed)?;
    let key = archive_key(passphrase, &sealed.salt, sealed.log_n)
        .map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
    let nonce = Nonce::from_slice(&sealed.nonce);
    let plain = if sealed.format == ARCHIVE_FORMAT {
        let aad = archive_associated_data(&sealed.format, sealed.log_n);
        cipher.decrypt(
            nonce,
            Payload {
                msg: &sealed.ct,
                aad: &aad,
            },
        )
    } else {
        cipher.decrypt(nonce, sealed.ct.as_ref())
    }
    .map_err(|_| ArchiveError::WrongPassphrase)?;
    let inner: AccountArchive =
        rmp_serde::from_slice(&plain).map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
    let account_key = KeyPair::from_pem(&inner.key_pem)
        .map_err(|e| ArchiveError::Unreadable(format!("account key: {e}")))?;
    let cert_der = CertificateDer::from_pem_slice(inner.cert_pem.as_bytes())
        .map_err(|e| ArchiveError::Unreadable(format!("account certificate: {e}")))?;
    let cert_spki = subject_public_key_info(&cert_der)
        .map_err(|e| ArchiveError::Unreadable(format!("account certificate: {e}")))?;
    if cert_spki != account_key.public_key_der() {
        return Err(ArchiveError::CertificateMismatch);
    }
    Ok((account_key, inner.cert_pem))
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
    /// Whether `home` holds an identity (else [`Identity::load_or_create`] makes one).
    pub fn exists(home: &Path) -> bool {
        home.join(DEVICE_CERT).exists()
    }

    /// Load the identity in `home`, creating a new account and device on first use.
    pub fn load_or_create(home: &Path) -> Result<Identity, StoreError> {
        if Self::exists(home) {
            Self::open(home)
        } else {
            Self::create(home)
        }
    }

    /// Load an existing identity.
    pub fn open(home: &Path) -> Result<Identity, StoreError> {
        let read = |name: &str| -> Result<String, StoreError> {
            let path = home.join(name);
            fs::read_to_string(&path).map_err(|cause| StoreError::Read { path, cause })
        };
        let cert = |name: &str| -> Result<CertificateDer<'static>, StoreError> {
            CertificateDer::from_pem_slice(read(name)?.as_bytes()).map_err(|cause| {
                StoreError::NotPemCertificate {
                    path: home.join(name),
                    cause,
                }
            })
        };
        let device_key =
            PrivatePkcs8KeyDer::from_pem_slice(read(DEVICE_KEY)?.as_bytes()).map_err(|cause| {
                StoreError::NotPkcs8Key {
                    path: home.join(DEVICE_KEY),
                    cause,
                }
            })?;
        let account_cert = cert(ACCOUNT_CERT)?;
        let device_cert = cert(DEVICE_CERT)?;
        let peer = verify_chain(
            &[device_cert.clone(), account_cert.clone()],
            UnixTime::now(),
        )
        .map_err(StoreError::StoredChain)?;
        let device_pair = KeyPair::try_from(&device_key).map_err(StoreError::UnusableDeviceKey)?;
        if Id::of_public_key(&device_pair.public_key_der()) != peer.device {
            return Err(StoreError::DeviceKeyMismatch);
        }
        let mut device_cert = device_cert;
        if device_name_of(&device_cert) != neutral_device_name(&peer.device) {
            // Made by an older ferry, named after the host: the same key gets a certificate
            // named after its id (the ids, and so every pin, stay the same).
            match Self::rename_device(home, &device_pair) {
                Ok(renamed) => device_cert = renamed,
                Err(err) => tracing::warn!(
                    "the device certificate names this machine's host, and could not be \
                     renamed: {err:#}"
                ),
            }
        }
        let enc_path = home.join(DEVICE_ENC_KEY);
        if !enc_path.exists() {
            let secret = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
            write_private(&enc_path, hex::encode(secret.to_bytes()))?;
        }
        let enc_bytes: [u8; 32] = hex::decode(read(DEVICE_ENC_KEY)?.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(StoreError::NotX25519Key(enc_path))?;
        Self::assemble(
            peer,
            account_cert,
            device_cert,
            device_key,
            x25519_dalek::StaticSecret::from(enc_bytes),
        )
    }

    fn assemble(
        peer: PeerIdentity,
        account_cert: CertificateDer<'static>,
        device_cert: CertificateDer<'static>,
        device_key: PrivatePkcs8KeyDer<'static>,
        enc_secret: x25519_dalek::StaticSecret,
    ) -> Result<Identity, StoreError> {
        let signing = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(
            device_key.secret_pkcs8_der(),
        )
        .map_err(StoreError::NotEd25519)?;
        Ok(Identity {
            account: peer.account,
            device: peer.device,
            name: device_name_of(&device_cert),
            account_cert,
            device_cert,
            device_key,
            signing,
            enc_secret,
        })
    }

    /// A new account and device held in memory only, nothing written: for tests of the
    /// protocol machines, which sign and seal but must not touch the disk.
    pub fn in_memory() -> Result<Identity, StoreError> {
        let (account_key, account_cert_pem) = new_account()?;
        let device_key = KeyPair::generate_for(&PKCS_ED25519).map_err(StoreError::Generate)?;
        let device_cert = issue_device_cert(&device_key, &account_key, &account_cert_pem)?;
        let account_cert = CertificateDer::from_pem_slice(account_cert_pem.as_bytes())
            .map_err(StoreError::AccountCertificatePem)?;
        let device_cert = device_cert.der().clone();
        let peer = verify_chain(
            &[device_cert.clone(), account_cert.clone()],
            UnixTime::now(),
        )
        .map_err(StoreError::Chain)?;
        Self::assemble(
            peer,
            account_cert,
            device_cert,
            PrivatePkcs8KeyDer::from(device_key.serialize_der()),
            x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng()),
        )
    }

    /// Create a new account with this machine as its first device.
    pub fn create(home: &Path) -> Result<Identity, StoreError> {
        let (account_key, account_cert_pem) = new_account()?;
        Self::create_device(home, &account_key, &account_cert_pem)
    }

    /// Make this machine a new device of the account whose key and certificate are given.
    fn create_device(
        home: &Path,
        account_key: &KeyPair,
        account_cert_pem: &str,
    ) -> Result<Identity, StoreError> {
        if home.join(DEVICE_CERT).exists() {
            return Err(StoreError::AlreadyExists(home.to_path_buf()));
        }
        let device_key = KeyPair::generate_for(&PKCS_ED25519).map_err(StoreError::Generate)?;
        // Checked in memory, so that nothing is written for an account certificate that does
        // not go with its key.
        let device_cert = issue_device_cert(&device_key, account_key, account_cert_pem)?;
        fs::create_dir_all(home).map_err(|cause| StoreError::Create {
            path: home.to_path_buf(),
            cause,
        })?;
        set_private_dir(home)?;
        write_private(&home.join(ACCOUNT_KEY), account_key.serialize_pem())?;
        write_private(&home.join(ACCOUNT_CERT), account_cert_pem)?;
        write_private(&home.join(DEVICE_KEY), device_key.serialize_pem())?;
        write_private(&home.join(DEVICE_CERT), device_cert.pem())?;
        Self::open(home)
    }

    /// Replace the device certificate in `home` with one for the same key named after its id
    /// (written beside it, then renamed over it).
    fn rename_device(
        home: &Path,
        device_key: &KeyPair,
    ) -> Result<CertificateDer<'static>, StoreError> {
        let account_key = KeyPair::from_pem(&read_account(home, ACCOUNT_KEY)?)
            .map_err(StoreError::StoredAccountKey)?;
        let account_cert_pem = read_account(home, ACCOUNT_CERT)?;
        let cert = issue_device_cert(device_key, &account_key, &account_cert_pem)?;
        let fresh = home.join(format!("{DEVICE_CERT}.new"));
        let _ = fs::remove_file(&fresh);
        write_private(&fresh, cert.pem())?;
        fs::rename(&fresh, home.join(DEVICE_CERT)).map_err(|cause| StoreError::Replace {
            path: home.join(DEVICE_CERT),
            cause,
        })?;
        Ok(cert.der().clone())
    }

    /// The account key and certificate, sealed with a passphrase (scrypt, ChaCha20-Poly1305,
    /// the format and KDF parameters authenticated), for `ferry account import` on another
    /// machine. A passphrase that [`check_passphrase`] refuses is refused here.
    pub fn export_account(home: &Path, passphrase: &str) -> Result<Vec<u8>, StoreError> {
        let identity = Self::open(home)?;
        check_passphrase(
            passphrase,
            &[&identity.account.to_string(), &identity.device.to_string()],
        )
        .map_err(StoreError::WeakPassphrase)?;
        let key_pem = read_account(home, ACCOUNT_KEY)?;
        let cert_pem = read_account(home, ACCOUNT_CERT)?;
        let plain = rmp_serde::to_vec_named(&AccountArchive { key_pem, cert_pem })
            .map_err(StoreError::Encode)?;
        let salt: [u8; ARCHIVE_SALT_BYTES] = rand::random();
        let nonce: [u8; ARCHIVE_NONCE_BYTES] = rand::random();
        let key = archive_key(passphrase, &salt, ARCHIVE_LOG_N)?;
        let aad = archive_associated_data(ARCHIVE_FORMAT, ARCHIVE_LOG_N);
        let ct = ChaCha20Poly1305::new(Key::from_slice(&key))
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Seal)?;
        rmp_serde::to_vec_named(&SealedArchive {
            format: ARCHIVE_FORMAT.into(),
            log_n: ARCHIVE_LOG_N,
            salt: serde_bytes::ByteBuf::from(salt.to_vec()),
            nonce: serde_bytes::ByteBuf::from(nonce.to_vec()),
            ct: serde_bytes::ByteBuf::from(ct),
        })
        .map_err(StoreError::Encode)
    }

    /// Open an account archive and make this machine a new device of that account. The
    /// parameters are checked before scrypt runs, the certificate against the key before
    /// anything is written to `home`.
    pub fn import_account(
        home: &Path,
        archive: &[u8],
        passphrase: &str,
    ) -> Result<Identity, StoreError> {
        let (account_key, cert_pem) =
            open_archive(archive, passphrase).map_err(StoreError::Archive)?;
        Self::create_device(home, &account_key, &cert_pem)
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

/// The account's key or certificate (`name`) as stored in `home`.
fn read_account(home: &Path, name: &str) -> Result<String, StoreError> {
    let what = if name == ACCOUNT_KEY {
        "the account key"
    } else {
        "the account certificate"
    };
    fs::read_to_string(home.join(name)).map_err(|cause| StoreError::ReadAccount { what, cause })
}

/// A new account key and its self-signed CA certificate (PEM).
fn new_account() -> Result<(KeyPair, String), StoreError> {
    let account_key = KeyPair::generate_for(&PKCS_ED25519).map_err(StoreError::Generate)?;
    let account = Id::of_public_key(&account_key.public_key_der());
    let mut params = base_params(&format!("ferry account {account}"));
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let account_cert = params
        .self_signed(&account_key)
        .map_err(StoreError::Generate)?;
    Ok((account_key, account_cert.pem()))
}

fn base_params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    params.distinguished_name = dn;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(CERT_VALIDITY_DAYS);
    params
}

/// A device certificate for `device_key` issued by the account, named after the device's id
/// (it is published on the public DHT: never the host name), and checked against the account
/// certificate before it is returned.
fn issue_device_cert(
    device_key: &KeyPair,
    account_key: &KeyPair,
    account_cert_pem: &str,
) -> Result<rcgen::Certificate, StoreError> {
    // The issuer as rcgen needs it: the account certificate's own name and key.
    let issuer = CertificateParams::from_ca_cert_pem(account_cert_pem)
        .map_err(StoreError::AccountCertificateIssuer)?
        .self_signed(account_key)
        .map_err(StoreError::Generate)?;
    let name = neutral_device_name(&Id::of_public_key(&device_key.public_key_der()));
    let mut params = base_params(&format!("{DEVICE_CN_PREFIX}{name}"));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let device_cert = params
        .signed_by(device_key, &issuer, account_key)
        .map_err(StoreError::Generate)?;
    let account_der = CertificateDer::from_pem_slice(account_cert_pem.as_bytes())
        .map_err(StoreError::AccountCertificatePem)?;
    verify_chain(&[device_cert.der().clone(), account_der], UnixTime::now())
        .map_err(StoreError::NewChain)?;
    Ok(device_cert)
}

/// Device certificates are named `ferry device NAME`.
const DEVICE_CN_PREFIX: &str = "ferry device ";

/// The name a new device gets: `device-` and the start of its id, which the DHT shows anyway
/// (the host name it once was told strangers the machine's name).
fn neutral_device_name(device: &Id) -> String {
    format!("device-{}", &device.to_string()[..8])
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
        .map(|cn| cn.trim_start_matches(DEVICE_CN_PREFIX).to_string())
        .unwrap_or_default()
}

fn set_private_dir(dir: &Path) -> Result<(), StoreError> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|cause| {
        StoreError::Restrict {
            path: dir.to_path_buf(),
            cause,
        }
    })
}

/// Write `contents` to a new file readable only by its owner (never over an existing one).
pub fn write_private(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), StoreError> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|cause| StoreError::Create {
            path: path.to_path_buf(),
            cause,
        })?;
    file.write_all(contents.as_ref())
        .and_then(|()| file.sync_all())
        .map_err(|cause| StoreError::Write {
            path: path.to_path_buf(),
            cause,
        })
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
        let loaded = Identity::open(dir.path()).unwrap();
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
        let archive = Identity::export_account(a.path(), STRONG).unwrap();
        assert!(Identity::import_account(b.path(), &archive, "wrong").is_err());
        let second = Identity::import_account(b.path(), &archive, STRONG).unwrap();
        assert_eq!(second.account, first.account);
        assert_ne!(second.device, first.device);
        assert_eq!(
            verify_chain(&second.tls_chain(), UnixTime::now()).unwrap(),
            second.as_peer()
        );
        assert!(
            Identity::import_account(b.path(), &archive, STRONG).is_err(),
            "no second identity"
        );
    }

    const STRONG: &str = "tangerine lighthouse quietly borrows seven anchors";

    /// An archive as `ferry-account-v1` wrote it (no associated data), from `key` and `cert`.
    fn v1_archive(key_pem: &str, cert_pem: &str, passphrase: &str, log_n: u8) -> Vec<u8> {
        let plain = rmp_serde::to_vec_named(&AccountArchive {
            key_pem: key_pem.into(),
            cert_pem: cert_pem.into(),
        })
        .unwrap();
        let salt = [7u8; ARCHIVE_SALT_BYTES];
        let nonce = [9u8; ARCHIVE_NONCE_BYTES];
        let key = archive_key(passphrase, &salt, ARCHIVE_LOG_N).unwrap();
        let ct = ChaCha20Poly1305::new(Key::from_slice(&key))
            .encrypt(Nonce::from_slice(&nonce), plain.as_slice())
            .unwrap();
        rmp_serde::to_vec_named(&SealedArchive {
            format: ARCHIVE_FORMAT_V1.into(),
            log_n,
            salt: serde_bytes::ByteBuf::from(salt.to_vec()),
            nonce: serde_bytes::ByteBuf::from(nonce.to_vec()),
            ct: serde_bytes::ByteBuf::from(ct),
        })
        .unwrap()
    }

    fn with_log_n(archive: &[u8], log_n: u8) -> Vec<u8> {
        let mut sealed: SealedArchive = rmp_serde::from_slice(archive).unwrap();
        sealed.log_n = log_n;
        rmp_serde::to_vec_named(&sealed).unwrap()
    }

    fn refusal(home: &Path, archive: &[u8]) -> ArchiveError {
        let err = match Identity::import_account(home, archive, STRONG) {
            Ok(_) => panic!("imported"),
            Err(err) => err,
        };
        assert!(!home.exists(), "nothing may be written to the home");
        match err {
            StoreError::Archive(refusal) => refusal,
            other => panic!("not an archive error: {other:?}"),
        }
    }

    #[test]
    fn an_archive_asking_for_a_huge_scrypt_cost_is_refused_before_scrypt() {
        let a = tempfile::tempdir().unwrap();
        Identity::create(a.path()).unwrap();
        let archive = Identity::export_account(a.path(), STRONG).unwrap();
        let b = tempfile::tempdir().unwrap();
        let home = b.path().join("home");
        let started = std::time::Instant::now();
        assert_eq!(
            refusal(&home, &with_log_n(&archive, 22)),
            ArchiveError::CostTooHigh {
                asked: 22,
                max: ARCHIVE_MAX_LOG_N
            }
        );
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
        // A cost within the bound but not the one sealed fails as a wrong passphrase would:
        // the parameters are associated data.
        assert_eq!(
            refusal(&home, &with_log_n(&archive, 16)),
            ArchiveError::WrongPassphrase
        );
        let mut sealed: SealedArchive = rmp_serde::from_slice(&archive).unwrap();
        sealed.format = ARCHIVE_FORMAT_V1.into();
        let downgraded = rmp_serde::to_vec_named(&sealed).unwrap();
        assert_eq!(refusal(&home, &downgraded), ArchiveError::WrongPassphrase);
        sealed.format = "ferry-account-v9".into();
        let unknown = rmp_serde::to_vec_named(&sealed).unwrap();
        assert!(matches!(
            refusal(&home, &unknown),
            ArchiveError::UnknownFormat(_)
        ));
        assert_eq!(refusal(&home, b"junk"), ArchiveError::NotAnArchive);
    }

    #[test]
    fn first_format_archives_import_only_at_the_cost_they_were_written_with() {
        let a = tempfile::tempdir().unwrap();
        let first = Identity::create(a.path()).unwrap();
        let key = fs::read_to_string(a.path().join(ACCOUNT_KEY)).unwrap();
        let cert = fs::read_to_string(a.path().join(ACCOUNT_CERT)).unwrap();
        let b = tempfile::tempdir().unwrap();
        let home = b.path().join("home");
        assert_eq!(
            refusal(&home, &v1_archive(&key, &cert, STRONG, 21)),
            ArchiveError::AlteredV1Cost { asked: 21 }
        );
        let second =
            Identity::import_account(&home, &v1_archive(&key, &cert, STRONG, 15), STRONG).unwrap();
        assert_eq!(second.account, first.account);
    }

    #[test]
    fn a_certificate_that_is_not_the_keys_is_refused_with_nothing_written() {
        let a = tempfile::tempdir().unwrap();
        let c = tempfile::tempdir().unwrap();
        Identity::create(a.path()).unwrap();
        Identity::create(c.path()).unwrap();
        let key = fs::read_to_string(a.path().join(ACCOUNT_KEY)).unwrap();
        let other_cert = fs::read_to_string(c.path().join(ACCOUNT_CERT)).unwrap();
        let b = tempfile::tempdir().unwrap();
        let home = b.path().join("home");
        assert_eq!(
            refusal(&home, &v1_archive(&key, &other_cert, STRONG, 15)),
            ArchiveError::CertificateMismatch
        );
    }

    #[test]
    fn weak_passphrases_are_refused_for_an_export() {
        let a = tempfile::tempdir().unwrap();
        Identity::create(a.path()).unwrap();
        for weak in [
            "password",
            "password1",
            "12345678",
            "ferryferry",
            "P@ssw0rd1",
            "qwertyuiop",
            "",
        ] {
            let Err(err) = Identity::export_account(a.path(), weak) else {
                panic!("{weak:?} was accepted");
            };
            let StoreError::WeakPassphrase(weak_err) = &err else {
                panic!("not a weak passphrase: {err:?}");
            };
            assert!(weak_err.score < MIN_PASSPHRASE_SCORE, "{weak:?}");
            assert!(err.to_string().contains("too easy to guess"), "{err}");
        }
        assert!(check_passphrase(STRONG, &[]).is_ok());
        // Only the beginning of a very long passphrase is scored, so this stays quick.
        let started = std::time::Instant::now();
        assert!(check_passphrase(&format!("{STRONG}{}", "z".repeat(100_000)), &[]).is_ok());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn a_new_device_is_not_named_after_the_host() {
        let a = tempfile::tempdir().unwrap();
        let created = Identity::create(a.path()).unwrap();
        let expected = format!("device-{}", &created.device.to_string()[..8]);
        assert_eq!(created.name, expected);
        let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
        let host = host.trim();
        if host.len() >= 3 {
            let cert = fs::read(a.path().join(DEVICE_CERT)).unwrap();
            let der = CertificateDer::from_pem_slice(&cert).unwrap();
            assert!(
                !der.windows(host.len()).any(|w| w == host.as_bytes()),
                "the certificate carries the host name {host:?}"
            );
        }
    }

    #[test]
    fn a_device_named_after_its_host_is_renamed_on_load_keeping_its_ids() {
        let a = tempfile::tempdir().unwrap();
        let created = Identity::create(a.path()).unwrap();
        // What an older ferry wrote: the same key, a certificate naming the host.
        let account_key =
            KeyPair::from_pem(&fs::read_to_string(a.path().join(ACCOUNT_KEY)).unwrap()).unwrap();
        let account_pem = fs::read_to_string(a.path().join(ACCOUNT_CERT)).unwrap();
        let issuer = CertificateParams::from_ca_cert_pem(&account_pem)
            .unwrap()
            .self_signed(&account_key)
            .unwrap();
        let device_key =
            KeyPair::from_pem(&fs::read_to_string(a.path().join(DEVICE_KEY)).unwrap()).unwrap();
        let mut params = base_params("ferry device alices-laptop.example.org");
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let old = params
            .signed_by(&device_key, &issuer, &account_key)
            .unwrap();
        fs::remove_file(a.path().join(DEVICE_CERT)).unwrap();
        write_private(&a.path().join(DEVICE_CERT), old.pem()).unwrap();

        let loaded = Identity::open(a.path()).unwrap();
        assert_eq!(
            (loaded.device, loaded.account),
            (created.device, created.account)
        );
        assert_eq!(loaded.name, neutral_device_name(&created.device));
        let stored = fs::read_to_string(a.path().join(DEVICE_CERT)).unwrap();
        let der = CertificateDer::from_pem_slice(stored.as_bytes()).unwrap();
        assert!(!der.windows(13).any(|w| w == b"alices-laptop"));
        assert_eq!(device_name_of(&der), loaded.name);
        assert!(!a.path().join(format!("{DEVICE_CERT}.new")).exists());
        let mode = fs::metadata(a.path().join(DEVICE_CERT))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_damaged_identity_names_the_file_and_what_is_wrong_with_it() {
        let a = tempfile::tempdir().unwrap();
        Identity::create(a.path()).unwrap();
        let key = a.path().join(DEVICE_KEY);
        fs::write(&key, "not a key").unwrap();
        let Err(err) = Identity::open(a.path()) else {
            panic!("a damaged device key was loaded");
        };
        assert!(matches!(err, StoreError::NotPkcs8Key { .. }), "{err:?}");
        let said = err.to_string();
        assert!(
            said.starts_with(&format!("{} is not a PKCS#8 key: ", key.display())),
            "{said}"
        );
        // Under a caller's context, as `main` prints it: the cause once.
        assert_eq!(
            format!("{:#}", anyhow::Error::from(err).context("sending")),
            format!("sending: {said}")
        );
        let b = tempfile::tempdir().unwrap();
        Identity::create(b.path()).unwrap();
        let cert = b.path().join(ACCOUNT_CERT);
        fs::remove_file(&cert).unwrap();
        let Err(err) = Identity::open(b.path()) else {
            panic!("an identity without its account certificate was loaded");
        };
        assert!(
            matches!(&err, StoreError::Read { path, .. } if *path == cert),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("reading {}: ", cert.display())),
            "{err}"
        );
        let Err(err) = Identity::create(a.path()) else {
            panic!("a second identity was created over the first");
        };
        assert_eq!(
            err.to_string(),
            format!("{} already holds an identity", a.path().display())
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
