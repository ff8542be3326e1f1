//! What Terraform tells the plugin through the environment, and the one
//! line the plugin answers with on stdout.

use base64::Engine;

pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's own handshake version, always 1.
pub const CORE_PROTOCOL_VERSION: u32 = 1;
pub const APP_PROTOCOL_VERSION: u32 = 6;

/// How Terraform reaches the plugin: go-plugin's unix socket, or loopback
/// TCP (what go-plugin clients expect on Windows; they accept it anywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Unix,
    /// On 127.0.0.1, on the first free port of the range.
    Tcp {
        min_port: u16,
        max_port: u16,
    },
}

/// go-plugin's port range when PLUGIN_MIN_PORT / PLUGIN_MAX_PORT are unset.
const DEFAULT_PORTS: (u16, u16) = (10000, 25000);

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum HandshakeError {
    #[error("the magic cookie is missing or wrong: this process was not started by Terraform")]
    NotLaunchedByTerraform,
    #[error(
        "Terraform offered plugin protocol versions {offered:?} but this provider speaks only version 6; use Terraform 1.0 or newer"
    )]
    NoCommonVersion { offered: String },
    #[error("{name}={value:?} is not a transport; set it to \"tcp\" or \"unix\", or unset it")]
    BadTransport { name: String, value: String },
    #[error("{name}={value:?} is not a port number (1-65535)")]
    BadPort { name: &'static str, value: String },
    #[error("PLUGIN_MIN_PORT {min} is above PLUGIN_MAX_PORT {max}")]
    EmptyPortRange { min: u16, max: u16 },
}

/// How Terraform asked us to serve.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    /// PEM of Terraform's client certificate; `None` = plaintext.
    pub client_cert_pem: Option<String>,
    /// Where to make the socket directory (PLUGIN_UNIX_SOCKET_DIR or the temp dir).
    pub socket_parent: std::path::PathBuf,
    pub transport: Transport,
}

/// Reads the launch environment; `env` is injectable for tests.
/// `transport_var` names the variable that chooses the transport
/// (`Product::transport_env`).
pub fn read_launch(
    transport_var: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Launch, HandshakeError> {
    if env(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(HandshakeError::NotLaunchedByTerraform);
    }
    let offered = env("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default();
    // An absent list means the client predates negotiation; it then speaks
    // the version it was built for, which go-plugin leaves to the plugin.
    if !offered.is_empty()
        && !offered
            .split(',')
            .any(|v| v.trim() == APP_PROTOCOL_VERSION.to_string())
    {
        return Err(HandshakeError::NoCommonVersion { offered });
    }
    let tls_disabled = env("TF_DISABLE_PLUGIN_TLS").is_some_and(|v| !v.is_empty());
    let client_cert_pem = if tls_disabled {
        None
    } else {
        env("PLUGIN_CLIENT_CERT").filter(|c| !c.trim().is_empty())
    };
    let socket_parent = env("PLUGIN_UNIX_SOCKET_DIR")
        .filter(|d| !d.is_empty())
        .map(Into::into)
        .unwrap_or_else(std::env::temp_dir);
    Ok(Launch {
        client_cert_pem,
        socket_parent,
        transport: read_transport(transport_var, &env)?,
    })
}

/// TCP on Windows (go-plugin has no unix sockets there), unix elsewhere;
/// `transport_var` overrides either way.
pub fn read_transport(
    transport_var: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Transport, HandshakeError> {
    let chosen = env(transport_var).filter(|v| !v.is_empty());
    let tcp = match chosen.as_deref() {
        None => cfg!(windows),
        Some("tcp") => true,
        Some("unix") => false,
        Some(other) => {
            return Err(HandshakeError::BadTransport {
                name: transport_var.to_string(),
                value: other.to_string(),
            });
        }
    };
    if !tcp {
        return Ok(Transport::Unix);
    }
    let port = |name: &'static str, default: u16| match env(name).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or(HandshakeError::BadPort { name, value: v }),
    };
    let min_port = port("PLUGIN_MIN_PORT", DEFAULT_PORTS.0)?;
    let max_port = port("PLUGIN_MAX_PORT", DEFAULT_PORTS.1)?;
    if min_port > max_port {
        return Err(HandshakeError::EmptyPortRange {
            min: min_port,
            max: max_port,
        });
    }
    Ok(Transport::Tcp { min_port, max_port })
}

/// `1|6|NETWORK|ADDRESS|grpc|CERT`: NETWORK `unix` with a socket path, or
/// `tcp` with `127.0.0.1:PORT`; CERT is base64 DER without padding.
pub fn handshake_line(network: &str, address: &str, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|{network}|{address}|grpc|{cert}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSPORT_ENV: &str = "EXAMPLE_PLUGIN_TRANSPORT";

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn refuses_without_the_cookie() {
        assert_eq!(
            read_launch(TRANSPORT_ENV, env_of(&[])),
            Err(HandshakeError::NotLaunchedByTerraform)
        );
        assert_eq!(
            read_launch(TRANSPORT_ENV, env_of(&[(MAGIC_COOKIE_KEY, "nope")])),
            Err(HandshakeError::NotLaunchedByTerraform)
        );
    }

    #[test]
    fn negotiates_six_from_either_order() {
        for versions in ["5,6", "6,5", "6"] {
            let pairs: &'static [(&str, &str)] = Box::leak(Box::new([
                (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                ("PLUGIN_PROTOCOL_VERSIONS", versions),
                ("PLUGIN_CLIENT_CERT", "PEM"),
            ]));
            let launch = read_launch(TRANSPORT_ENV, env_of(pairs)).unwrap();
            assert_eq!(launch.client_cert_pem.as_deref(), Some("PEM"));
        }
        let err = read_launch(
            TRANSPORT_ENV,
            env_of(&[
                (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                ("PLUGIN_PROTOCOL_VERSIONS", "4,5"),
            ]),
        );
        assert!(matches!(err, Err(HandshakeError::NoCommonVersion { .. })));
    }

    #[test]
    fn disable_tls_wins_over_a_client_cert() {
        let launch = read_launch(
            TRANSPORT_ENV,
            env_of(&[
                (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                ("PLUGIN_PROTOCOL_VERSIONS", "6"),
                ("PLUGIN_CLIENT_CERT", "PEM"),
                ("TF_DISABLE_PLUGIN_TLS", "1"),
                ("PLUGIN_UNIX_SOCKET_DIR", "/run/x"),
            ]),
        )
        .unwrap();
        assert_eq!(launch.client_cert_pem, None);
        assert_eq!(launch.socket_parent, std::path::PathBuf::from("/run/x"));
    }

    #[test]
    fn handshake_line_uses_unpadded_base64() {
        // 4 bytes would need "==" padding in standard base64.
        let line = handshake_line("unix", "/tmp/p/plugin.sock", Some(&[1, 2, 3, 4]));
        assert_eq!(line, "1|6|unix|/tmp/p/plugin.sock|grpc|AQIDBA");
        assert_eq!(handshake_line("unix", "/s", None), "1|6|unix|/s|grpc|");
        assert_eq!(
            handshake_line("tcp", "127.0.0.1:10000", None),
            "1|6|tcp|127.0.0.1:10000|grpc|"
        );
    }

    #[test]
    fn transport_is_chosen_by_os_or_by_variable_with_go_plugins_ports() {
        let default = read_transport(TRANSPORT_ENV, env_of(&[])).unwrap();
        if cfg!(windows) {
            assert_eq!(
                default,
                Transport::Tcp {
                    min_port: 10000,
                    max_port: 25000
                }
            );
        } else {
            assert_eq!(default, Transport::Unix);
        }
        assert_eq!(
            read_transport(TRANSPORT_ENV, env_of(&[(TRANSPORT_ENV, "tcp")])).unwrap(),
            Transport::Tcp {
                min_port: 10000,
                max_port: 25000
            }
        );
        assert_eq!(
            read_transport(
                TRANSPORT_ENV,
                env_of(&[
                    (TRANSPORT_ENV, "tcp"),
                    ("PLUGIN_MIN_PORT", "41000"),
                    ("PLUGIN_MAX_PORT", "41010"),
                ])
            )
            .unwrap(),
            Transport::Tcp {
                min_port: 41000,
                max_port: 41010
            }
        );
        assert_eq!(
            read_transport(TRANSPORT_ENV, env_of(&[(TRANSPORT_ENV, "unix")])).unwrap(),
            Transport::Unix
        );
        assert!(matches!(
            read_transport(TRANSPORT_ENV, env_of(&[(TRANSPORT_ENV, "udp")])),
            Err(HandshakeError::BadTransport { .. })
        ));
        assert!(matches!(
            read_transport(
                TRANSPORT_ENV,
                env_of(&[(TRANSPORT_ENV, "tcp"), ("PLUGIN_MIN_PORT", "70000")])
            ),
            Err(HandshakeError::BadPort { .. })
        ));
        assert!(matches!(
            read_transport(
                TRANSPORT_ENV,
                env_of(&[
                    (TRANSPORT_ENV, "tcp"),
                    ("PLUGIN_MIN_PORT", "5000"),
                    ("PLUGIN_MAX_PORT", "4000"),
                ])
            ),
            Err(HandshakeError::EmptyPortRange { .. })
        ));
    }
}
