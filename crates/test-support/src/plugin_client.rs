//! A Terraform-like plugin client for tests and benchmarks: launches the
//! provider binary as Terraform does, reads the handshake line, and speaks
//! gRPC over mutual TLS on the unix socket or TCP port it announces.
//! Included with `#[path]`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tfplugin::proto::tfplugin6::get_provider_schema;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;
use tonic::transport::{Endpoint, Uri};

pub const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

pub struct Plugin {
    pub child: Child,
    /// The handshake line's network: "unix" or "tcp".
    pub network: String,
    /// The unix socket's path, or for TCP `127.0.0.1:PORT`.
    pub socket: PathBuf,
    pub server_cert: Vec<u8>,
    /// PLUGIN_UNIX_SOCKET_DIR for this launch: whatever the provider leaves
    /// behind (a killed process cannot clean up) goes with it.
    pub socket_parent: tempfile::TempDir,
}

impl Plugin {
    /// Asks the provider to stop (SIGTERM) and waits for it; a process that
    /// is still there after 2 s is killed.
    pub fn stop(&mut self) {
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(2) {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The release provider the benchmarks measure: CHIMESDK_PROVIDER_BIN
/// (scripts/bench copies the release binaries), else target/release.
pub fn release_binary() -> PathBuf {
    let bin = std::env::var_os("CHIMESDK_PROVIDER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            crate::paths::repo_root().join("target/release/terraform-provider-chimesdk")
        });
    assert!(
        bin.exists(),
        "{} not found: run `cargo build --release --bins` (scripts/bench does)",
        bin.display()
    );
    bin
}

/// A client identity like Terraform's (self-signed).
pub fn client_identity() -> (String, Vec<u8>, Vec<u8>) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    (cert.pem(), cert.der().to_vec(), key.serialize_der())
}

pub fn start_plugin(binary: &std::path::Path, client_cert_pem: &str) -> Plugin {
    start_plugin_with(binary, client_cert_pem, &[])
}

/// As `start_plugin`, with more environment (a transport, a port range).
pub fn start_plugin_with(
    binary: &std::path::Path,
    client_cert_pem: &str,
    env: &[(&str, &str)],
) -> Plugin {
    let mut cmd = Command::new(binary);
    cmd.envs(env.iter().copied());
    start_plugin_command(cmd, client_cert_pem)
}

/// Launches the plugin with `cmd` (a binary, or an emulator running one)
/// in Terraform's launch environment.
pub fn start_plugin_command(cmd: Command, client_cert_pem: &str) -> Plugin {
    launch_plugin(cmd, client_cert_pem)
        .handshake()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A provider process launched as Terraform launches it, its handshake
/// line not yet read.
pub struct Launched {
    /// Both taken by `handshake`; a launch dropped before it is killed.
    child: Option<Child>,
    socket_parent: Option<tempfile::TempDir>,
}

/// Launches the provider with Terraform's handshake environment.
pub fn launch_plugin(mut cmd: Command, client_cert_pem: &str) -> Launched {
    let socket_parent = tempfile::tempdir().unwrap();
    let child = cmd
        .env("PLUGIN_UNIX_SOCKET_DIR", socket_parent.path())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", client_cert_pem)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Launched {
        child: Some(child),
        socket_parent: Some(socket_parent),
    }
}

impl Launched {
    /// Reads and checks the handshake line; a process that ends without
    /// printing one is an error that says how it ended.
    pub fn handshake(mut self) -> Result<Plugin, String> {
        let mut child = self.child.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if line.is_empty() {
            let status = child.wait().unwrap();
            return Err(format!(
                "the provider ended without a handshake line ({status})"
            ));
        }
        let fields: Vec<&str> = line.trim().split('|').collect();
        assert_eq!(fields.len(), 6, "handshake line: {line}");
        assert_eq!(&fields[..2], &["1", "6"]);
        assert!(
            fields[2] == "unix" || fields[2] == "tcp",
            "network in {line}"
        );
        assert_eq!(fields[4], "grpc");
        assert!(
            !fields[5].ends_with('='),
            "certificate must be unpadded base64"
        );
        let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(fields[5])
            .unwrap();
        Ok(Plugin {
            network: fields[2].to_string(),
            socket: PathBuf::from(fields[3]),
            server_cert,
            child,
            socket_parent: self.socket_parent.take().unwrap(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Trusts exactly the certificate from the handshake line, as Terraform does.
#[derive(Debug)]
struct PinnedServer(Vec<u8>, rustls::crypto::WebPkiSupportedAlgorithms);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end.as_ref() == self.0.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "unexpected server certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.supported_schemes()
    }
}

pub fn client_config(
    server_cert: &[u8],
    identity: Option<(Vec<u8>, Vec<u8>)>,
) -> Arc<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServer(
        server_cert.to_vec(),
        provider.signature_verification_algorithms,
    ));
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from(cert)],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

/// A TLS stream over either transport.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> Io for T {}

/// A gRPC channel over TLS over the plugin's unix socket or TCP port.
pub async fn channel(
    plugin: &Plugin,
    config: Arc<rustls::ClientConfig>,
) -> Result<tonic::transport::Channel, tonic::transport::Error> {
    let socket = plugin.socket.clone();
    let tcp = plugin.network == "tcp";
    Endpoint::try_from("http://localhost")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let (socket, config) = (socket.clone(), config.clone());
            async move {
                let connector = tokio_rustls::TlsConnector::from(config);
                let name = ServerName::try_from("localhost").unwrap();
                let tls: Box<dyn Io> = if tcp {
                    let stream = tokio::net::TcpStream::connect(socket.to_str().unwrap()).await?;
                    Box::new(connector.connect(name, stream).await?)
                } else {
                    let stream = tokio::net::UnixStream::connect(socket).await?;
                    Box::new(connector.connect(name, stream).await?)
                };
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

pub async fn schema_call(plugin: &Plugin, config: Arc<rustls::ClientConfig>) -> Result<(), String> {
    let ch = channel(plugin, config).await.map_err(|e| e.to_string())?;
    ProviderClient::new(ch)
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
