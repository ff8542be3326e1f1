//! Strict mutual TLS: a fresh server certificate per process, and a client
//! verifier that accepts exactly the certificate Terraform announced in
//! PLUGIN_CLIENT_CERT (byte-for-byte, plus a valid handshake signature).
//!
//! webpki refuses Terraform's self-signed CA:TRUE client certificate as an
//! end entity, which is why the usual CA-based verifier cannot be used.

use std::sync::Arc;

use rustls::DigitallySignedStruct;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{WebPkiSupportedAlgorithms, aws_lc_rs};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DistinguishedName, Error as TlsError, SignatureScheme};

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("PLUGIN_CLIENT_CERT holds no PEM certificate: {0}")]
    BadClientCert(String),
    #[error("generating the server certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("building the TLS configuration: {0}")]
    Config(#[from] TlsError),
}

/// The server's certificate and key, made fresh for this process.
pub struct ServerIdentity {
    pub cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

/// ECDSA P-256, SAN localhost, EKU serverAuth, not a CA, valid for a day.
/// `organization` names the product in the certificate's subject.
pub fn generate_server_identity(organization: &str) -> Result<ServerIdentity, TlsSetupError> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])?;
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, organization);
    let now = time::OffsetDateTime::now_utc();
    // A little slack for clock differences between Terraform and us.
    params.not_before = now - time::Duration::minutes(1);
    params.not_after = now + time::Duration::days(1);
    let cert = params.self_signed(&key)?;
    Ok(ServerIdentity {
        cert_der: cert.der().clone(),
        key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
    })
}

/// Accepts one client certificate, and only it.
#[derive(Debug)]
pub struct PinnedClientVerifier {
    pinned: CertificateDer<'static>,
    /// Validity period of the pinned certificate, in Unix seconds.
    not_before: i64,
    not_after: i64,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientVerifier {
    pub fn from_pem(pem: &str) -> Result<Self, TlsSetupError> {
        let pinned = CertificateDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| TlsSetupError::BadClientCert(e.to_string()))?;
        let (_, cert) = x509_parser::parse_x509_certificate(pinned.as_ref())
            .map_err(|e| TlsSetupError::BadClientCert(e.to_string()))?;
        let validity = cert.validity();
        let (not_before, not_after) = (
            validity.not_before.timestamp(),
            validity.not_after.timestamp(),
        );
        Ok(Self {
            pinned,
            not_before,
            not_after,
            algorithms: aws_lc_rs::default_provider().signature_verification_algorithms,
        })
    }

    /// The pin says which certificate; its validity period says when. Go's
    /// TLS stack (go-plugin's) checks both, so we do.
    fn check_validity(&self, now: UnixTime) -> Result<(), TlsError> {
        let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        let problem = if now < self.not_before {
            CertificateError::NotValidYet
        } else if now > self.not_after {
            CertificateError::Expired
        } else {
            return Ok(());
        };
        tracing::warn!(
            ?problem,
            "refused a TLS client: the pinned certificate is outside its validity period"
        );
        Err(TlsError::InvalidCertificate(problem))
    }

    fn check_pin(&self, presented: &CertificateDer<'_>) -> Result<(), TlsError> {
        if presented.as_ref() == self.pinned.as_ref() {
            Ok(())
        } else {
            tracing::warn!(
                "refused a TLS client: its certificate is not the one Terraform announced in PLUGIN_CLIENT_CERT"
            );
            Err(TlsError::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }
}

impl ClientCertVerifier for PinnedClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, TlsError> {
        self.check_pin(end_entity)?;
        self.check_validity(now)?;
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.check_pin(cert)?;
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.check_pin(cert)?;
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        // aws-lc-rs lists ECDSA_NISTP521_SHA512, without which Go's client
        // does not send Terraform's P-521 certificate at all.
        self.algorithms.supported_schemes()
    }
}

/// The rustls server configuration: aws-lc-rs, pinned client, ALPN h2.
pub fn server_config(
    identity: &ServerIdentity,
    client_cert_pem: &str,
) -> Result<Arc<rustls::ServerConfig>, TlsSetupError> {
    let verifier = Arc::new(PinnedClientVerifier::from_pem(client_cert_pem)?);
    let mut config =
        rustls::ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![identity.cert_der.clone()],
                PrivateKeyDer::Pkcs8(identity.key_der.clone_key()),
            )?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_certificate_has_the_properties_terraform_checks() {
        use x509_parser::prelude::*;
        let id = generate_server_identity("terraform-provider-example").unwrap();
        let (_, cert) = X509Certificate::from_der(&id.cert_der).unwrap();
        let san = cert.subject_alternative_name().unwrap().unwrap().value;
        assert!(
            san.general_names
                .iter()
                .any(|n| matches!(n, GeneralName::DNSName("localhost"))),
            "SAN localhost"
        );
        let eku = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.server_auth, "EKU serverAuth");
        assert!(!cert.is_ca(), "not a CA");
        assert_eq!(
            cert.signature_algorithm.algorithm,
            oid_registry::OID_SIG_ECDSA_WITH_SHA256,
            "ECDSA P-256/SHA-256"
        );
        let lifetime =
            cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp();
        assert!(
            (86_400..=86_400 + 120).contains(&lifetime),
            "valid for a day, got {lifetime} s"
        );
        assert!(cert.validity().is_valid(), "valid now");
        let other = generate_server_identity("terraform-provider-example").unwrap();
        assert_ne!(
            id.cert_der.as_ref(),
            other.cert_der.as_ref(),
            "fresh per process"
        );
    }

    #[test]
    fn verifier_accepts_only_the_pinned_certificate() {
        let pinned = rcgen::generate_simple_self_signed(vec!["client".into()]).unwrap();
        let stranger = rcgen::generate_simple_self_signed(vec!["client".into()]).unwrap();
        let v = PinnedClientVerifier::from_pem(&pinned.cert.pem()).unwrap();
        let now = UnixTime::now();
        assert!(v.verify_client_cert(pinned.cert.der(), &[], now).is_ok());
        assert!(v.verify_client_cert(stranger.cert.der(), &[], now).is_err());
    }

    #[test]
    fn a_pinned_certificate_outside_its_validity_period_is_refused() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["client".into()]).unwrap();
        params.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(2);
        params.not_after = time::OffsetDateTime::now_utc() - time::Duration::days(1);
        let expired = params.self_signed(&key).unwrap();
        let v = PinnedClientVerifier::from_pem(&expired.pem()).unwrap();
        let err = v
            .verify_client_cert(expired.der(), &[], UnixTime::now())
            .unwrap_err();
        assert_eq!(err, TlsError::InvalidCertificate(CertificateError::Expired));
        // Valid yesterday: the same certificate was accepted then.
        let yesterday = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            (time::OffsetDateTime::now_utc() - time::Duration::hours(36)).unix_timestamp() as u64,
        ));
        assert!(v.verify_client_cert(expired.der(), &[], yesterday).is_ok());
        assert!(v.client_auth_mandatory());
        assert!(
            v.supported_verify_schemes()
                .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
        );
    }

    #[test]
    fn garbage_client_cert_is_a_setup_error() {
        assert!(PinnedClientVerifier::from_pem("not a pem").is_err());
    }
}
