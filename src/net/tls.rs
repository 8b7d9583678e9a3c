//! TLS 1.3 between device identities (rustls), with verifiers that pin the peer.
//!
//! Both sides present `[device certificate, account certificate]`. The connecting side accepts
//! only a server whose chain verifies and matches its [`Pin`] (the device or account named by
//! `--to`); anything else aborts the handshake with an identity-mismatch error. The listening
//! side requires a client certificate that verifies and, when it is given one (`--from` in
//! direct mode), matches its pin: a stranger is refused in the handshake, before it can hold a
//! transfer slot or wait on a decision.
//! Only TLS 1.3, AES-256-GCM preferred.

use crate::identity::{verify_chain, Identity, IdentityError, PeerIdentity, Pin};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, OtherError, SignatureScheme,
};
use std::sync::Arc;

/// Why TLS with a device could not be set up here, or its peer not be named. Each text ends
/// with its cause (no `source`).
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// rustls refused the configuration (TLS 1.3 with this provider).
    #[error("{0}")]
    Config(rustls::Error),
    #[error("loading this device's certificate for TLS: {0}")]
    Certificate(rustls::Error),
    #[error("the peer presented no certificate")]
    NoCertificate,
    /// The peer's chain is not a valid device chain.
    #[error("{0}")]
    Identity(IdentityError),
}

/// How a TLS handshake with a device failed, told apart in one place
/// ([`handshake_failure`]).
#[derive(Debug)]
pub enum HandshakeFailure {
    /// Our verifier turned the peer's chain away: not a device's, or not the pinned one.
    Identity(IdentityError),
    /// The peer's verifier refused this device (an `access_denied` alert: `--from`).
    RefusedByPeer,
    /// Our verifier refused a valid device that the pin does not allow (`--from`).
    NotAllowed,
    /// Any other TLS failure.
    Tls(rustls::Error),
    /// The connection failed under the handshake (closed, reset).
    Io(std::io::Error),
}

/// The name the client asks for; the verifiers ignore it, identities are pinned by key.
pub const SERVER_NAME: &str = "ferry.invalid";

fn provider() -> Arc<CryptoProvider> {
    let mut provider = ring::default_provider();
    provider.cipher_suites = vec![
        ring::cipher_suite::TLS13_AES_256_GCM_SHA384,
        ring::cipher_suite::TLS13_AES_128_GCM_SHA256,
        ring::cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
    ];
    Arc::new(provider)
}

fn algorithms() -> WebPkiSupportedAlgorithms {
    ring::default_provider().signature_verification_algorithms
}

fn identity_error(err: IdentityError) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(err))))
}

fn full_chain<'a>(
    end_entity: &CertificateDer<'a>,
    intermediates: &[CertificateDer<'a>],
) -> Vec<CertificateDer<'a>> {
    std::iter::once(end_entity.clone())
        .chain(intermediates.iter().cloned())
        .collect()
}

/// Accepts a server only if its chain verifies and the pin allows it.
#[derive(Debug)]
struct PinnedServer {
    pin: Pin,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let peer =
            verify_chain(&full_chain(end_entity, intermediates), now).map_err(identity_error)?;
        self.pin.check(&peer).map_err(identity_error)?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("ferry speaks TLS 1.3 only".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Requires a client certificate chain that verifies and that the pin allows.
#[derive(Debug)]
struct VerifiedClient {
    pin: Pin,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for VerifiedClient {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let peer =
            verify_chain(&full_chain(end_entity, intermediates), now).map_err(identity_error)?;
        if !self.pin.allows(&peer) {
            // Sent as an `access_denied` alert: the sender reports a refusal, not a fault.
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ));
        }
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("ferry speaks TLS 1.3 only".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Client configuration for connecting to a device allowed by `pin`.
pub fn client_config(identity: &Identity, pin: Pin) -> Result<Arc<rustls::ClientConfig>, TlsError> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(TlsError::Config)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer {
            pin,
            algorithms: algorithms(),
        }))
        .with_client_auth_cert(identity.tls_chain(), identity.tls_key())
        .map_err(TlsError::Certificate)?;
    Ok(Arc::new(config))
}

/// Server configuration for accepting verified devices allowed by `pin`.
pub fn server_config(identity: &Identity, pin: Pin) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(TlsError::Config)?
        .with_client_cert_verifier(Arc::new(VerifiedClient {
            pin,
            algorithms: algorithms(),
        }))
        .with_single_cert(identity.tls_chain(), identity.tls_key())
        .map_err(TlsError::Certificate)?;
    Ok(Arc::new(config))
}

/// The verified identity of the peer of an established connection.
pub fn peer_of(conn: &rustls::CommonState) -> Result<PeerIdentity, TlsError> {
    let chain = conn.peer_certificates().ok_or(TlsError::NoCertificate)?;
    verify_chain(chain, UnixTime::now()).map_err(TlsError::Identity)
}

/// What a sender is told when the receiver's verifier refused its device.
pub const REFUSED_IN_TLS: &str = "this receiver does not accept files from this device (--from)";

/// The rustls error a TLS stream failed with. tokio-rustls hands it over inside an
/// `io::Error`, so this is the one place it is recovered by type.
fn rustls_error(err: &std::io::Error) -> Option<&rustls::Error> {
    err.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// What a failed handshake means: `err` as tokio-rustls returned it, classified once, so that
/// callers `match` on the outcome.
pub fn handshake_failure(err: std::io::Error) -> HandshakeFailure {
    match rustls_error(&err) {
        Some(tls) => classify(tls),
        None => HandshakeFailure::Io(err),
    }
}

/// What a TLS error from a handshake means (never [`HandshakeFailure::Io`]).
fn classify(tls: &rustls::Error) -> HandshakeFailure {
    match tls {
        // Our verifiers carry an identity problem as rustls' "other" certificate error
        // (`identity_error`): the one shape rustls lets a verifier's own error take.
        rustls::Error::InvalidCertificate(CertificateError::Other(other)) => {
            match other.0.downcast_ref::<IdentityError>() {
                Some(identity) => HandshakeFailure::Identity(identity.clone()),
                None => HandshakeFailure::Tls(tls.clone()),
            }
        }
        rustls::Error::AlertReceived(rustls::AlertDescription::AccessDenied) => {
            HandshakeFailure::RefusedByPeer
        }
        rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure) => {
            HandshakeFailure::NotAllowed
        }
        tls => HandshakeFailure::Tls(tls.clone()),
    }
}

/// Whether `err` (from a TLS stream) is the receiver refusing this device in its verifier: an
/// `access_denied` alert. In TLS 1.3 the client finishes its handshake before the server has
/// checked the client's certificate, so this arrives on the first read.
pub fn refused_by_verifier(err: &std::io::Error) -> bool {
    matches!(
        rustls_error(err).map(classify),
        Some(HandshakeFailure::RefusedByPeer)
    )
}

/// The [`ServerName`] to pass when connecting.
pub fn server_name() -> ServerName<'static> {
    ServerName::DnsName(
        rustls::pki_types::DnsName::try_from(SERVER_NAME)
            .unwrap_or_else(|_| unreachable!("SERVER_NAME is a valid DNS name"))
            .to_owned(),
    )
}
