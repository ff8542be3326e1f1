//! The provider process as a TLS server: only the client certificate that
//! Terraform announced in PLUGIN_CLIENT_CERT gets in; the socket directory
//! is private; Shutdown ends the process and removes the socket.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use base64::Engine;
use chimesdk_provider::proto::plugin::Empty;
use chimesdk_provider::proto::plugin::grpc_controller_client::GrpcControllerClient;
use chimesdk_provider::proto::tfplugin6::get_provider_schema;
use chimesdk_provider::proto::tfplugin6::provider_client::ProviderClient;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tonic::transport::{Endpoint, Uri};

struct Plugin {
    child: Child,
    socket: PathBuf,
    server_cert: Vec<u8>,
}

/// A client identity like Terraform's (self-signed).
fn client_identity() -> (String, Vec<u8>, Vec<u8>) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap().self_signed(&key).unwrap();
    (cert.pem(), cert.der().to_vec(), key.serialize_der())
}

fn start_plugin(client_cert_pem: &str) -> Plugin {
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk"))
        .env("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", client_cert_pem)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let fields: Vec<&str> = line.trim().split('|').collect();
    assert_eq!(fields.len(), 6, "handshake line: {line}");
    assert_eq!(&fields[..3], &["1", "6", "unix"]);
    assert_eq!(fields[4], "grpc");
    assert!(!fields[5].ends_with('='), "certificate must be unpadded base64");
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD.decode(fields[5]).unwrap();
    Plugin { child, socket: PathBuf::from(fields[3]), server_cert }
}

/// Trusts exactly the certificate from the handshake line, as Terraform does.
#[derive(Debug)]
struct PinnedServer(Vec<u8>, rustls::crypto::WebPkiSupportedAlgorithms);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(&self, end: &CertificateDer<'_>, _: &[CertificateDer<'_>], _: &ServerName<'_>, _: &[u8], _: UnixTime) -> Result<ServerCertVerified, rustls::Error> {
        if end.as_ref() == self.0.as_slice() { Ok(ServerCertVerified::assertion()) } else { Err(rustls::Error::General("unexpected server certificate".into())) }
    }
    fn verify_tls12_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1)
    }
    fn verify_tls13_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.supported_schemes()
    }
}

fn client_config(server_cert: &[u8], identity: Option<(Vec<u8>, Vec<u8>)>) -> Arc<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServer(server_cert.to_vec(), provider.signature_verification_algorithms));
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(vec![CertificateDer::from(cert)], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)))
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

/// A gRPC channel over TLS over the plugin's unix socket.
async fn channel(plugin: &Plugin, config: Arc<rustls::ClientConfig>) -> Result<tonic::transport::Channel, tonic::transport::Error> {
    let socket = plugin.socket.clone();
    Endpoint::try_from("http://localhost")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let (socket, config) = (socket.clone(), config.clone());
            async move {
                let stream = tokio::net::UnixStream::connect(socket).await?;
                let tls = tokio_rustls::TlsConnector::from(config).connect(ServerName::try_from("localhost").unwrap(), stream).await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

async fn schema_call(plugin: &Plugin, config: Arc<rustls::ClientConfig>) -> Result<(), String> {
    let ch = channel(plugin, config).await.map_err(|e| e.to_string())?;
    ProviderClient::new(ch).get_provider_schema(get_provider_schema::Request {}).await.map(|_| ()).map_err(|e| e.to_string())
}

#[tokio::test]
async fn only_the_announced_client_certificate_is_accepted() {
    let (pem, der, key) = client_identity();
    let mut plugin = start_plugin(&pem);

    let dir = plugin.socket.parent().unwrap();
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "socket directory is private to the user");

    let (_, other_der, other_key) = client_identity();
    let wrong = schema_call(&plugin, client_config(&plugin.server_cert, Some((other_der, other_key)))).await;
    assert!(wrong.is_err(), "a different client certificate must be refused");
    let none = schema_call(&plugin, client_config(&plugin.server_cert, None)).await;
    assert!(none.is_err(), "a client without a certificate must be refused");

    let good = schema_call(&plugin, client_config(&plugin.server_cert, Some((der.clone(), key.clone())))).await;
    assert_eq!(good, Ok(()), "Terraform's own certificate gets in");

    // Shutdown: the process exits promptly and removes its socket directory.
    let ch = channel(&plugin, client_config(&plugin.server_cert, Some((der, key)))).await.unwrap();
    GrpcControllerClient::new(ch).shutdown(Empty {}).await.unwrap();
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = plugin.child.try_wait().unwrap() {
            assert!(status.success(), "clean exit");
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "exit within Terraform's 2 s grace");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(!dir.exists(), "socket directory removed on exit");
}

#[test]
fn plaintext_when_tls_is_disabled() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk"))
        .env("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("TF_DISABLE_PLUGIN_TLS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.trim().ends_with("|grpc|"), "empty certificate field: {line}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn refuses_a_terraform_without_protocol_6() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk"))
        .env("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("speaks only version 6"));
}

#[test]
fn debug_mode_prints_a_reattach_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk"))
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    while !text.contains("TF_REATTACH_PROVIDERS") {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "no reattach line: {text}");
        text.push_str(&line);
    }
    let json = text.split("TF_REATTACH_PROVIDERS='").nth(1).unwrap().split('\'').next().unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let p = &v["registry.terraform.io/chimesdk/chimesdk"];
    assert_eq!(p["Test"], true);
    assert_eq!(p["ProtocolVersion"], 6);
    assert_eq!(p["Pid"], child.id());
    assert_eq!(p["Addr"]["Network"], "unix");
    assert!(std::path::Path::new(p["Addr"]["String"].as_str().unwrap()).exists());
    child.kill().unwrap();
    child.wait().unwrap();
}
