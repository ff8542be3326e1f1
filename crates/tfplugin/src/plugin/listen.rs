//! Where the plugin listens: a private unix socket, or a loopback TCP port
//! from the range Terraform allows.

use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
#[cfg(unix)]
use tokio::net::UnixListener;

use super::handshake::{Launch, Transport};
#[cfg(unix)]
use super::socket::PrivateSocket;

pub enum Listening {
    #[cfg(unix)]
    Unix {
        /// Removes the socket and its directory when dropped.
        socket: PrivateSocket,
        listener: UnixListener,
    },
    Tcp {
        listener: TcpListener,
        address: SocketAddr,
    },
}

impl Listening {
    pub async fn bind(launch: &Launch, product: &str) -> std::io::Result<Listening> {
        match launch.transport {
            #[cfg(unix)]
            Transport::Unix => {
                let (socket, listener) = PrivateSocket::bind(&launch.socket_parent, product)?;
                Ok(Listening::Unix { socket, listener })
            }
            #[cfg(not(unix))]
            Transport::Unix => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "unix sockets are not available on this OS; unset the provider's PLUGIN_TRANSPORT variable (TCP is the default here)",
            )),
            Transport::Tcp { min_port, max_port } => {
                // As go-plugin does: the first port of the range that binds.
                let mut last_error = None;
                for port in min_port..=max_port {
                    match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
                        Ok(listener) => {
                            let address = listener.local_addr()?;
                            return Ok(Listening::Tcp { listener, address });
                        }
                        Err(e) => last_error = Some(e),
                    }
                }
                Err(std::io::Error::new(
                    std::io::ErrorKind::AddrInUse,
                    format!(
                        "no free port on 127.0.0.1 between PLUGIN_MIN_PORT {min_port} and PLUGIN_MAX_PORT {max_port} (last error: {})",
                        last_error.map_or_else(|| "none".into(), |e| e.to_string())
                    ),
                ))
            }
        }
    }

    /// The handshake line's network field.
    pub fn network(&self) -> &'static str {
        match self {
            #[cfg(unix)]
            Listening::Unix { .. } => "unix",
            Listening::Tcp { .. } => "tcp",
        }
    }

    /// The handshake line's address field.
    pub fn address(&self) -> String {
        match self {
            #[cfg(unix)]
            Listening::Unix { socket, .. } => socket.path().display().to_string(),
            Listening::Tcp { address, .. } => address.to_string(),
        }
    }
}
