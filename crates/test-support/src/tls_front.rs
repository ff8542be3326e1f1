//! An HTTPS front for a local HTTP service, with a certificate from a test
//! CA that nothing trusts unless told to: for custom_ca_bundle tests.

use std::sync::Arc;

use tokio::io::copy_bidirectional;
use tokio_rustls::TlsAcceptor;

use super::background::BackgroundServer;

pub struct TlsFront {
    /// `https://localhost:PORT`.
    pub url: String,
    /// The test CA's certificate, PEM: the bundle that makes `url` trusted.
    pub ca_pem: String,
    _server: BackgroundServer,
}

impl TlsFront {
    /// Terminates TLS and passes the bytes on to `upstream` (`host:port`).
    pub fn start(upstream: &str) -> TlsFront {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "chimesdk test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));

        let upstream = upstream.to_string();
        let server = BackgroundServer::start(move |stream| {
            let (acceptor, upstream) = (acceptor.clone(), upstream.clone());
            async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let Ok(mut back) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                let _ = copy_bidirectional(&mut tls, &mut back).await;
            }
        });
        TlsFront {
            url: format!("https://localhost:{}", server.addr.port()),
            ca_pem: ca.pem(),
            _server: server,
        }
    }
}
