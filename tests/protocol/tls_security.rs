//! The provider process as a TLS server: only the client certificate that
//! Terraform announced in PLUGIN_CLIENT_CERT gets in; the socket directory
//! is private; Shutdown ends the process and removes the socket.

use test_support::plugin_client;
use test_support::signals;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use plugin_client::{channel, client_config, client_identity, schema_call};
use signals::{caught_signals, signal_bit};
use tfplugin::proto::plugin::Empty;
use tfplugin::proto::plugin::grpc_controller_client::GrpcControllerClient;

/// Stops a provider started by hand as Terraform would if it could not call
/// Shutdown, and waits for it.
fn terminate(child: &mut std::process::Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

fn assert_empty(dir: &std::path::Path) {
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
    assert!(
        left.is_empty(),
        "left behind in {}: {left:?}",
        dir.display()
    );
}

fn start_plugin(pem: &str) -> plugin_client::Plugin {
    plugin_client::start_plugin(
        std::path::Path::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk")),
        pem,
    )
}

#[tokio::test]
async fn only_the_announced_client_certificate_is_accepted() {
    let (pem, der, key) = client_identity();
    let mut plugin = start_plugin(&pem);

    let dir = plugin.socket.parent().unwrap();
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "socket directory is private to the user");

    let (_, other_der, other_key) = client_identity();
    let wrong = schema_call(
        &plugin,
        client_config(&plugin.server_cert, Some((other_der, other_key))),
    )
    .await;
    assert!(
        wrong.is_err(),
        "a different client certificate must be refused"
    );
    let none = schema_call(&plugin, client_config(&plugin.server_cert, None)).await;
    assert!(
        none.is_err(),
        "a client without a certificate must be refused"
    );

    let good = schema_call(
        &plugin,
        client_config(&plugin.server_cert, Some((der.clone(), key.clone()))),
    )
    .await;
    assert_eq!(good, Ok(()), "Terraform's own certificate gets in");

    // go-plugin's side services: health says "plugin" is SERVING, and the
    // stdio stream ends at once without data.
    let ch = channel(
        &plugin,
        client_config(&plugin.server_cert, Some((der.clone(), key.clone()))),
    )
    .await
    .unwrap();
    let health = tonic_health::pb::health_client::HealthClient::new(ch.clone())
        .check(tonic_health::pb::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        health.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    let mut stdio = tfplugin::proto::plugin::grpc_stdio_client::GrpcStdioClient::new(ch)
        .stream_stdio(())
        .await
        .unwrap()
        .into_inner();
    assert!(
        stdio.message().await.unwrap().is_none(),
        "StreamStdio ends cleanly with nothing"
    );

    // Shutdown: the process exits promptly and removes its socket directory.
    let ch = channel(
        &plugin,
        client_config(&plugin.server_cert, Some((der, key))),
    )
    .await
    .unwrap();
    GrpcControllerClient::new(ch)
        .shutdown(Empty {})
        .await
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = plugin.child.try_wait().unwrap() {
            assert!(status.success(), "clean exit");
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "exit within Terraform's 2 s grace"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(!dir.exists(), "socket directory removed on exit");
}

#[tokio::test]
async fn tcp_transport_takes_a_port_in_range_and_is_as_strict() {
    // go-plugin's TCP transport (Windows' default), chosen here by variable.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (min, max) = (port.to_string(), port.saturating_add(20).to_string());
    let (pem, der, key) = client_identity();
    let plugin = plugin_client::start_plugin_with(
        std::path::Path::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk")),
        &pem,
        &[
            ("CHIMESDK_PLUGIN_TRANSPORT", "tcp"),
            ("PLUGIN_MIN_PORT", &min),
            ("PLUGIN_MAX_PORT", &max),
        ],
    );
    assert_eq!(plugin.network, "tcp");
    let address = plugin.socket.to_str().unwrap().to_string();
    let bound: std::net::SocketAddr = address.parse().unwrap();
    assert!(bound.ip().is_loopback(), "{address}");
    assert!(
        (port..=port + 20).contains(&bound.port()),
        "{address} within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT"
    );
    let (_, other_der, other_key) = client_identity();
    assert!(
        schema_call(
            &plugin,
            client_config(&plugin.server_cert, Some((other_der, other_key)))
        )
        .await
        .is_err(),
        "a foreign client certificate is refused over TCP"
    );
    assert!(
        schema_call(&plugin, client_config(&plugin.server_cert, None))
            .await
            .is_err(),
        "no client certificate is refused over TCP"
    );
    assert_eq!(
        schema_call(
            &plugin,
            client_config(&plugin.server_cert, Some((der, key)))
        )
        .await,
        Ok(()),
        "Terraform's certificate gets in over TCP"
    );
}

#[tokio::test]
async fn an_expired_announced_certificate_is_refused() {
    // Terraform announces a certificate that is no longer valid (a clock
    // that moved, a reused PLUGIN_CLIENT_CERT): the pin matches, the dates
    // do not, and Go's TLS would refuse it too.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(30);
    params.not_after = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    let expired = params.self_signed(&key).unwrap();
    let plugin = start_plugin(&expired.pem());
    let refused = schema_call(
        &plugin,
        client_config(
            &plugin.server_cert,
            Some((expired.der().to_vec(), key.serialize_der())),
        ),
    )
    .await;
    assert!(refused.is_err(), "an expired pinned certificate is refused");
}

#[test]
fn plaintext_when_tls_is_disabled() {
    let scratch = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk"))
        .env("TF_PLUGIN_MAGIC_COOKIE", plugin_client::COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("TF_DISABLE_PLUGIN_TLS", "1")
        .env("PLUGIN_UNIX_SOCKET_DIR", scratch.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.trim().ends_with("|grpc|"),
        "empty certificate field: {line}"
    );
    terminate(&mut child);
    assert_empty(scratch.path());
}

#[test]
fn refuses_a_terraform_without_protocol_6() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk"))
        .env("TF_PLUGIN_MAGIC_COOKIE", plugin_client::COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("speaks only version 6"));
}

#[test]
fn debug_mode_prints_a_reattach_line() {
    let scratch = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-chimesdk"))
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .env("TMPDIR", scratch.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    while !text.contains("TF_REATTACH_PROVIDERS") {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "no reattach line: {text}"
        );
        text.push_str(&line);
    }
    let json = text
        .split("TF_REATTACH_PROVIDERS='")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let p = &v["registry.terraform.io/chimesdk/chimesdk"];
    assert_eq!(p["Test"], true);
    assert_eq!(p["ProtocolVersion"], 6);
    assert_eq!(p["Pid"], child.id());
    assert_eq!(p["Addr"]["Network"], "unix");
    assert!(std::path::Path::new(p["Addr"]["String"].as_str().unwrap()).exists());
    // Debug mode stops on Ctrl-C and removes its socket.
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_empty(scratch.path());
}

#[tokio::test]
async fn signals_are_taken_over_before_the_handshake_line() {
    // Terraform sends SIGINT to the whole process group on Ctrl-C, possibly
    // while a provider is still starting. By the time the handshake line can
    // be read, SIGINT, SIGTERM and SIGHUP must no longer have their default
    // action (terminate without removing the socket directory).
    for _ in 0..20 {
        let (pem, _, _) = client_identity();
        let plugin = start_plugin(&pem);
        let caught = caught_signals(plugin.child.id());
        for (name, number) in [("SIGHUP", 1), ("SIGINT", 2), ("SIGTERM", 15)] {
            assert!(
                caught & signal_bit(number) != 0,
                "{name} still has its default action when the handshake line is printed (SigCgt {caught:x})"
            );
        }
    }
}

#[tokio::test]
async fn sigint_is_ignored_as_go_plugin_does() {
    let (pem, der, key) = client_identity();
    let mut plugin = start_plugin(&pem);
    // At once, as Terraform's Ctrl-C can: no sleep between handshake and signal.
    for _ in 0..3 {
        Command::new("kill")
            .args(["-INT", &plugin.child.id().to_string()])
            .status()
            .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    if let Some(status) = plugin.child.try_wait().unwrap() {
        panic!("the provider ended on SIGINT ({status}); it must ignore it as go-plugin does");
    }
    assert_eq!(
        schema_call(
            &plugin,
            client_config(&plugin.server_cert, Some((der, key)))
        )
        .await,
        Ok(()),
        "still serving after SIGINT"
    );
}

#[test]
fn sighup_and_sigterm_stop_cleanly_and_remove_the_socket_directory() {
    for signal in ["-HUP", "-TERM"] {
        let (pem, _, _) = client_identity();
        let mut plugin = start_plugin(&pem);
        let dir = plugin.socket.parent().unwrap().to_path_buf();
        assert!(dir.exists());
        Command::new("kill")
            .args([signal, &plugin.child.id().to_string()])
            .status()
            .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = plugin.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "still running 2 s after {signal}"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        assert!(status.success(), "{signal}: clean exit, got {status}");
        assert!(
            !dir.exists(),
            "{signal}: socket directory {} removed",
            dir.display()
        );
    }
}

/// SIGTERM after a GetProviderSchema, the client's connection still open
/// but its client busy elsewhere (its runtime not polled, so it neither
/// answers the server's GOAWAY nor closes): the provider stops at once
/// instead of waiting out the shutdown grace (500 ms) for that connection.
/// The fastest of three stops is compared, so one slow moment of a busy
/// machine does not decide.
#[test]
fn sigterm_with_a_client_that_does_not_close_stops_at_once() {
    let mut stops = Vec::new();
    for _ in 0..3 {
        let (pem, der, key) = client_identity();
        let mut plugin = start_plugin(&pem);
        let client = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let ch = client.block_on(async {
            let ch = channel(
                &plugin,
                client_config(&plugin.server_cert, Some((der, key))),
            )
            .await
            .unwrap();
            tfplugin::proto::tfplugin6::provider_client::ProviderClient::new(ch.clone())
                .get_provider_schema(tfplugin::proto::tfplugin6::get_provider_schema::Request {})
                .await
                .unwrap();
            ch
        });
        // From here on nothing polls the client's connection.
        let asked = std::time::Instant::now();
        Command::new("kill")
            .args(["-TERM", &plugin.child.id().to_string()])
            .status()
            .unwrap();
        let status = plugin.child.wait().unwrap();
        stops.push(asked.elapsed());
        assert!(status.success(), "a clean exit: {status:?}");
        drop(ch);
        drop(client);
    }
    let fastest = stops.iter().min().unwrap();
    assert!(
        *fastest < std::time::Duration::from_millis(250),
        "stops took {stops:?}: the provider waited for the connection"
    );
}
