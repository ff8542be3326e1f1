//! The serve loop: bind, print the handshake, accept (TLS) connections,
//! serve gRPC until Shutdown, clean up.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::StreamExt;
#[cfg(unix)]
use tokio_stream::wrappers::UnixListenerStream;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;
use tonic::transport::server::{Connected, Router};

use super::Product;
use super::handshake::{self, HandshakeError, Launch};
use super::in_flight::InFlight;
use super::listen::Listening;
use super::services::{Broker, Controller, Stdio};
use super::signals::{ProcessSignals, SignalAction};
use super::tls::{self, TlsSetupError};
use crate::framework::Provider;
use crate::proto::plugin::{
    grpc_broker_server::GrpcBrokerServer, grpc_controller_server::GrpcControllerServer,
    grpc_stdio_server::GrpcStdioServer,
};
use crate::proto::tfplugin6::provider_server::ProviderServer as ProviderService;
use crate::tfprotocol::ProviderServer;

/// Go providers accept messages this large; tonic's default is 4 MiB.
const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;
/// How long calls in flight get to finish once a stop is asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// After the last call is answered, how long its bytes get to reach the
/// socket before the process ends.
const FLUSH: Duration = Duration::from_millis(50);

/// The server with its calls counted (`InFlight`).
type CountedRouter = Router<tower_layer::Stack<InFlight, tower_layer::Identity>>;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    #[error(transparent)]
    Tls(#[from] TlsSetupError),
    #[error("opening the plugin's listener: {0}")]
    Socket(std::io::Error),
    #[error("serving gRPC: {0}")]
    Transport(#[from] tonic::transport::Error),
}

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Plaintext, no cookie; prints TF_REATTACH_PROVIDERS for another shell.
    pub debug: bool,
    /// Who is serving: names in messages, logs, sockets and variables.
    pub product: Product,
}

/// Serves until Shutdown or a stopping signal. `signals` must have been
/// installed before anything else the process did (see `signals`).
pub async fn serve(
    provider: Arc<dyn Provider>,
    opts: ServeOptions,
    signals: ProcessSignals,
) -> Result<(), ServeError> {
    let launch = if opts.debug {
        Launch {
            client_cert_pem: None,
            socket_parent: std::env::temp_dir(),
            transport: handshake::read_transport(&opts.product.transport_env(), |k| {
                std::env::var(k).ok()
            })?,
        }
    } else {
        handshake::read_launch(&opts.product.transport_env(), |k| std::env::var(k).ok())?
    };
    let listening = Listening::bind(&launch, opts.product.name)
        .await
        .map_err(ServeError::Socket)?;

    let tls_config = match &launch.client_cert_pem {
        Some(pem) => {
            let identity = tls::generate_server_identity(opts.product.binary)?;
            Some((tls::server_config(&identity, pem)?, identity.cert_der))
        }
        None => None,
    };

    crate::tfprotocol::capture_into(std::env::var_os(opts.product.capture_env()).map(Into::into));
    let server = ProviderServer::new(provider);
    let stop = server.stop_token();
    let shutdown = CancellationToken::new();
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;

    let in_flight = InFlight::default();
    let router = Server::builder()
        .layer(in_flight.clone())
        .add_service(
            ProviderService::new(server)
                .max_decoding_message_size(MAX_MESSAGE_SIZE)
                .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
        .add_service(GrpcControllerServer::new(Controller {
            shutdown: shutdown.clone(),
        }))
        .add_service(GrpcStdioServer::new(Stdio))
        .add_service(GrpcBrokerServer::new(Broker))
        .add_service(health_service);

    tracing::debug!(network = listening.network(), address = %listening.address(), "plugin listening");
    announce(
        &opts,
        listening.network(),
        &listening.address(),
        tls_config.as_ref().map(|(_, der)| der.as_ref()),
    );

    let acceptor = tls_config.map(|(config, _)| TlsAcceptor::from(config));
    let shutdown_signal = wait_for_shutdown(shutdown.clone(), signals, opts.debug);
    let served = match listening {
        #[cfg(unix)]
        Listening::Unix { socket, listener } => {
            let served = serve_on(
                router,
                UnixListenerStream::new(listener),
                acceptor,
                shutdown_signal,
                shutdown,
                in_flight,
            )
            .await;
            drop(socket);
            served
        }
        Listening::Tcp { listener, .. } => {
            serve_on(
                router,
                TcpListenerStream::new(listener),
                acceptor,
                shutdown_signal,
                shutdown,
                in_flight,
            )
            .await
        }
    };
    stop.cancel();
    tracing::debug!("plugin server stopped");
    Ok(served?)
}

/// Serves gRPC on the accepted connections, through the strict TLS
/// acceptor when there is one, until shutdown and the calls then in flight
/// are answered (within a short grace).
async fn serve_on<S, I>(
    router: CountedRouter,
    incoming: I,
    acceptor: Option<TlsAcceptor>,
    shutdown_signal: impl Future<Output = ()>,
    shutdown: CancellationToken,
    in_flight: InFlight,
) -> Result<(), tonic::transport::Error>
where
    S: AsyncRead + AsyncWrite + Connected + Unpin + Send + 'static,
    I: Stream<Item = std::io::Result<S>> + Unpin + Send + 'static,
    TlsStream<S>: Connected,
{
    match acceptor {
        Some(acceptor) => {
            let incoming = ReceiverStream::new(tls_accept_loop(incoming, acceptor));
            let serving = router.serve_with_incoming_shutdown(incoming, shutdown_signal);
            until_answered(serving, shutdown, &in_flight).await
        }
        None => {
            let serving = router.serve_with_incoming_shutdown(incoming, shutdown_signal);
            until_answered(serving, shutdown, &in_flight).await
        }
    }
}

/// Runs the server until it stops by itself, or until a stop was asked for
/// and the calls then in flight are answered; then gives it `FLUSH` to
/// write those last answers (the Shutdown call's own) and to end the
/// connections its clients close, rather than wait for one a client keeps
/// open and idle.
async fn until_answered(
    serving: impl Future<Output = Result<(), tonic::transport::Error>>,
    shutdown: CancellationToken,
    in_flight: &InFlight,
) -> Result<(), tonic::transport::Error> {
    tokio::pin!(serving);
    tokio::select! {
        r = &mut serving => return r,
        () = after_shutdown(shutdown, in_flight) => {}
    }
    tokio::time::timeout(FLUSH, serving).await.unwrap_or(Ok(()))
}

fn announce(opts: &ServeOptions, network: &str, address: &str, cert_der: Option<&[u8]>) {
    let mut stdout = std::io::stdout().lock();
    if opts.debug {
        let reattach = serde_json::json!({
            opts.product.address: {
                "Protocol": "grpc",
                "ProtocolVersion": handshake::APP_PROTOCOL_VERSION,
                "Pid": std::process::id(),
                // Terraform 1.11 panics on protocol 6 reattach without it.
                "Test": true,
                "Addr": { "Network": network, "String": address }
            }
        });
        let _ = writeln!(
            stdout,
            "Provider started in debug mode. To attach Terraform, run this in another shell:\n\n\tTF_REATTACH_PROVIDERS='{reattach}'\n\n\
             Then run terraform there as usual. Stop this process with Ctrl-C."
        );
    } else {
        let _ = writeln!(
            stdout,
            "{}",
            handshake::handshake_line(network, address, cert_der)
        );
    }
    let _ = stdout.flush();
}

/// Feeds TLS streams that passed the strict client check to the gRPC
/// server. Each handshake runs in its own task so a stalled client cannot
/// block others.
fn tls_accept_loop<S, I>(
    mut incoming: I,
    acceptor: TlsAcceptor,
) -> mpsc::Receiver<Result<TlsStream<S>, std::io::Error>>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    I: Stream<Item = std::io::Result<S>> + Unpin + Send + 'static,
{
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        while let Some(accepted) = incoming.next().await {
            let stream = match accepted {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "accepting a plugin connection failed");
                    continue;
                }
            };
            if tx.is_closed() {
                break;
            }
            let acceptor = acceptor.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => {
                        let _ = tx.send(Ok(tls)).await;
                    }
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "TLS handshake with a plugin client failed; connection refused")
                    }
                    Err(_) => tracing::warn!("TLS handshake timed out; connection dropped"),
                }
            });
        }
    });
    rx
}

/// Resolves when Terraform calls Shutdown, the process gets SIGTERM or
/// SIGHUP (and, in debug mode only, SIGINT), or Terraform is gone. Outside debug mode SIGINT is
/// ignored, as go-plugin does: Terraform handles Ctrl-C and calls StopProvider.
async fn wait_for_shutdown(shutdown: CancellationToken, mut signals: ProcessSignals, debug: bool) {
    // Launched by hand (debug), the provider outlives its shell on purpose.
    let launcher_gone = async {
        if debug {
            std::future::pending::<()>().await
        } else {
            super::parent::gone().await
        }
    };
    tokio::pin!(launcher_gone);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = &mut launcher_gone => {
                shutdown.cancel();
                return;
            }
            action = signals.next(debug) => match action {
                SignalAction::Stop(name) => {
                    tracing::debug!(signal = name, "stopping on signal");
                    shutdown.cancel();
                    return;
                }
                SignalAction::Ignore => tracing::debug!(
                    "ignoring SIGINT; Terraform stops providers through StopProvider and Shutdown"
                ),
            },
        }
    }
}

/// Bounds the graceful stop: once shutdown is requested, the calls in flight
/// (the Shutdown call's own answer among them) get a short grace; with none,
/// the process ends at once. tonic's graceful stop alone would wait for
/// every connection to close, and a client may keep an idle one open: that
/// wait cost each SIGTERM after GetProviderSchema the whole grace.
async fn after_shutdown(shutdown: CancellationToken, in_flight: &InFlight) {
    shutdown.cancelled().await;
    if tokio::time::timeout(SHUTDOWN_GRACE, in_flight.settled())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_ms = SHUTDOWN_GRACE.as_millis() as u64,
            "calls still in flight when the stop's grace ran out"
        );
    }
}
