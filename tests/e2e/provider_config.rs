//! The provider block as pipelines use it, through the real `terraform`:
//! each endpoint reroutes its own service only, proxies, a private CA,
//! web identity, every assume_role argument, account allow/forbid lists,
//! shared files, and regions without Chime SDK messaging.

use test_support::Workspace;
use test_support::env::{Env, referenced};
use test_support::proxy::Proxy;

const KINESIS_OPS: &[&str] = &["DescribeStreamSummary", "CreateStream", "ListTagsForStream"];

/// A provider block with `body` inside and the usual required_providers.
fn provider(body: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    chimesdk = {{ source = \"chimesdk/chimesdk\" }}\n  }}\n}}\n\nprovider \"chimesdk\" {{\n  region      = \"us-east-1\"\n  max_retries = 0\n{body}}}\n"
    )
}

fn endpoints(
    kinesis: Option<&str>,
    chime: Option<&str>,
    identity: Option<&str>,
    sts: Option<&str>,
) -> String {
    let mut out = String::from("  endpoints {\n");
    for (name, url) in [
        ("kinesis", kinesis),
        ("chime_sdk_messaging", chime),
        ("chime_sdk_identity", identity),
        ("sts", sts),
    ] {
        if let Some(url) = url {
            out.push_str(&format!("    {name} = \"{url}\"\n"));
        }
    }
    out.push_str("  }\n");
    out
}

/// main.tf: the provider block around `body`, and `resource(app, stream)`.
fn write_stack(ws: &Workspace, body: &str, app: &str, stream: &str) {
    ws.write(
        "main.tf",
        &format!("{}\n{}", provider(body), resource(app, stream)),
    );
}

/// A resource that makes plan call Kinesis, identity and messaging.
fn resource(app: &str, stream_arn: &str) -> String {
    format!(
        "resource \"chimesdk_messaging_streaming_configuration\" \"this\" {{\n  app_instance_arn = \"{app}\"\n{}}}\n",
        referenced("ChannelMessage", stream_arn)
    )
}

#[test]
fn each_endpoint_reaches_its_own_service_only() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-endpoints", 2, true);
    let kinesis = Proxy::start(&env.svc.moto_url);
    let sts = Proxy::start(&env.svc.moto_url);
    let messaging = Proxy::start(&env.svc.chime_url);
    let identity = Proxy::start(&env.svc.chime_url);
    // Everything that is not set goes to AWS's own https:// endpoint, which
    // this proxy records and refuses: nothing leaves the machine.
    let egress = Proxy::start("");

    // All four set: each proxy sees its own service's calls and nothing else.
    let ws = Workspace::new();
    write_stack(
        &ws,
        &endpoints(
            Some(&kinesis.url),
            Some(&messaging.url),
            Some(&identity.url),
            Some(&sts.url),
        ),
        &env.app,
        &stream,
    );
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
    let k = kinesis.take_calls();
    assert!(
        !k.is_empty() && k.iter().all(|c| KINESIS_OPS.contains(&c.as_str())),
        "kinesis endpoint: {k:?}"
    );
    let s = sts.take_calls();
    assert!(
        !s.is_empty() && s.iter().all(|c| c == "GetCallerIdentity"),
        "sts endpoint: {s:?}"
    );
    let m = messaging.take_calls();
    assert!(
        !m.is_empty() && m.iter().all(|c| c == "GetMessagingStreamingConfigurations"),
        "messaging endpoint: {m:?}"
    );
    let i = identity.take_calls();
    assert!(
        !i.is_empty() && i.iter().all(|c| c == "DescribeAppInstance"),
        "identity endpoint: {i:?}"
    );

    // Each set on its own: the others go to AWS (through the refusing proxy),
    // never to the one that is set.
    let cases: [(&str, &Proxy, Option<&str>); 4] = [
        ("sts", &sts, Some("kinesis.us-east-1.amazonaws.com:443")),
        ("kinesis", &kinesis, Some("sts.us-east-1.amazonaws.com:443")),
        (
            "chime_sdk_messaging",
            &messaging,
            Some("sts.us-east-1.amazonaws.com:443"),
        ),
        (
            "chime_sdk_identity",
            &identity,
            Some("sts.us-east-1.amazonaws.com:443"),
        ),
    ];
    for (name, proxy, first_elsewhere) in cases {
        let url = proxy.url.clone();
        let only = match name {
            "sts" => endpoints(None, None, None, Some(&url)),
            "kinesis" => endpoints(Some(&url), None, None, None),
            "chime_sdk_messaging" => endpoints(None, Some(&url), None, None),
            _ => endpoints(None, None, Some(&url), None),
        };
        let ws = Workspace::new();
        write_stack(
            &ws,
            &format!("{only}  https_proxy = \"{}\"\n", egress.url),
            &env.app,
            &stream,
        );
        let run = ws.run(&["plan", "-input=false", "-no-color"]);
        run.assert_failed();
        let calls = proxy.take_calls();
        let own: &[&str] = match name {
            "sts" => &["GetCallerIdentity"],
            "kinesis" => KINESIS_OPS,
            "chime_sdk_messaging" => &["GetMessagingStreamingConfigurations"],
            _ => &["DescribeAppInstance"],
        };
        assert!(
            calls.iter().all(|c| own.contains(&c.as_str())),
            "endpoints.{name} alone received another service's calls: {calls:?}"
        );
        let proxied = egress.take_proxied();
        if let Some(host) = first_elsewhere {
            assert!(
                proxied.contains(&format!("CONNECT {host}")),
                "endpoints.{name} alone: the other services went to AWS, first {host}: {proxied:?}"
            );
        }
    }
}

#[test]
fn http_proxy_carries_every_call_and_no_proxy_bypasses_it() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-proxied", 2, true);
    let proxy = Proxy::start("");
    let direct = endpoints(
        Some(&env.svc.moto_url),
        Some(&env.svc.chime_url),
        Some(&env.svc.chime_url),
        Some(&env.svc.moto_url),
    );

    let ws = Workspace::new();
    write_stack(
        &ws,
        &format!("{direct}  http_proxy = \"{}\"\n", proxy.url),
        &env.app,
        &stream,
    );
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
    let via = proxy.take_proxied();
    let moto = env.svc.moto_url.trim_start_matches("http://");
    let chime = env.svc.chime_url.trim_start_matches("http://");
    assert!(
        via.iter().any(|v| v.ends_with(moto)),
        "Kinesis and STS went through the proxy: {via:?}"
    );
    assert!(
        via.iter().any(|v| v.ends_with(chime)),
        "Chime went through the proxy: {via:?}"
    );
    let calls = proxy.take_calls();
    assert!(
        calls.contains(&"GetCallerIdentity".to_string()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"DescribeStreamSummary".to_string()),
        "{calls:?}"
    );

    // The same from the environment, with NO_PROXY covering the services.
    let mut ws = Workspace::new();
    write_stack(&ws, &direct, &env.app, &stream);
    ws.set_env("HTTP_PROXY", &proxy.url);
    ws.set_env("NO_PROXY", "127.0.0.1");
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
    assert_eq!(
        proxy.take_proxied(),
        Vec::<String>::new(),
        "NO_PROXY bypasses the proxy"
    );
    ws.set_env("NO_PROXY", "");
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
    assert!(!proxy.take_proxied().is_empty(), "HTTP_PROXY alone is used");
}

#[test]
fn custom_ca_bundle_trusts_a_private_endpoint() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-private-ca", 2, true);
    let front =
        test_support::tls_front::TlsFront::start(env.svc.moto_url.trim_start_matches("http://"));
    let ws = Workspace::new();
    let bundle = ws.path().join("ca.pem");
    std::fs::write(&bundle, &front.ca_pem).unwrap();
    let block = endpoints(
        Some(&front.url),
        Some(&env.svc.chime_url),
        Some(&env.svc.chime_url),
        Some(&env.svc.moto_url),
    );

    // Not trusted without the bundle.
    write_stack(&ws, &block, &env.app, &stream);
    let run = ws.run(&["plan", "-input=false", "-no-color"]);
    run.assert_failed();
    assert!(
        run.stderr.contains("checking Kinesis stream"),
        "{}",
        run.output()
    );

    // Trusted with it, by attribute and by AWS_CA_BUNDLE.
    write_stack(
        &ws,
        &format!("{block}  custom_ca_bundle = \"{}\"\n", bundle.display()),
        &env.app,
        &stream,
    );
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
    let mut ws2 = Workspace::new();
    write_stack(&ws2, &block, &env.app, &stream);
    ws2.set_env("AWS_CA_BUNDLE", bundle.to_str().unwrap());
    ws2.run(&["plan", "-input=false", "-no-color"]).assert_ok();

    // A file that is not PEM: named, on the attribute.
    std::fs::write(&bundle, "not a certificate").unwrap();
    let run = ws.run(&["plan", "-input=false", "-json"]);
    run.assert_failed();
    let d = run.find("error", "custom_ca_bundle is not a PEM bundle");
    assert_eq!(d.len(), 1, "{}", run.output());
    assert!(
        d[0]["detail"]
            .as_str()
            .unwrap()
            .contains(bundle.to_str().unwrap())
    );
}

#[test]
fn web_identity_then_assume_role_with_every_argument() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-oidc", 2, true);
    let sts = Proxy::start(&env.svc.moto_url);
    let mut ws = Workspace::new();
    let token = ws.path().join("oidc-token");
    std::fs::write(&token, "eyJhbGciOiJSUzI1NiJ9.e30.distinctive-oidc-token").unwrap();
    // No base credentials at all: web identity needs none.
    ws.set_env("AWS_ACCESS_KEY_ID", "");
    ws.set_env("AWS_SECRET_ACCESS_KEY", "");
    ws.set_env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    ws.set_env("AWS_CONFIG_FILE", "/nonexistent/config");
    let body = format!(
        "{}  assume_role_with_web_identity {{\n    role_arn                = \"arn:aws:iam::123456789012:role/ci\"\n    session_name            = \"github-actions\"\n    web_identity_token_file = \"{}\"\n    duration                = \"1h\"\n  }}\n  assume_role {{\n    role_arn            = \"arn:aws:iam::123456789012:role/deploy\"\n    duration            = \"30m\"\n    policy              = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"kinesis:*\", Resource = \"*\" }}] }})\n    policy_arns         = [\"arn:aws:iam::aws:policy/ReadOnlyAccess\"]\n    tags                = {{ team = \"platform\" }}\n    transitive_tag_keys = [\"team\"]\n    source_identity     = \"pipeline-42\"\n  }}\n",
        endpoints(
            Some(&env.svc.moto_url),
            Some(&env.svc.chime_url),
            Some(&env.svc.chime_url),
            Some(&sts.url)
        ),
        token.display()
    );
    write_stack(&ws, &body, &env.app, &stream);
    ws.set_env("TF_LOG", "trace");
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
    let requests = sts.take_requests();
    let ops: Vec<&str> = requests.iter().map(|(op, _)| op.as_str()).collect();
    let web = ops.iter().position(|o| *o == "AssumeRoleWithWebIdentity");
    let role = ops.iter().position(|o| *o == "AssumeRole");
    assert!(
        web.is_some() && role.is_some() && web < role,
        "web identity first, then the role: {ops:?}"
    );
    let (_, web_body) = &requests[web.unwrap()];
    assert!(
        web_body.contains("RoleSessionName=github-actions"),
        "{web_body}"
    );
    assert!(web_body.contains("DurationSeconds=3600"), "{web_body}");
    assert!(
        web_body.contains("distinctive-oidc-token"),
        "the token file's content was sent"
    );
    let (_, role_body) = &requests[role.unwrap()];
    for sent in [
        "DurationSeconds=1800",
        "Policy=",
        "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
        "Tags.member.1.Key=team",
        "Tags.member.1.Value=platform",
        "TransitiveTagKeys.member.1=team",
        "SourceIdentity=pipeline-42",
    ] {
        assert!(
            role_body.contains(sent),
            "AssumeRole sends {sent}: {role_body}"
        );
    }
    assert!(
        !ws.log().contains("distinctive-oidc-token"),
        "the token is never logged"
    );
}

#[test]
fn account_lists_are_checked_before_any_other_call() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-accounts", 2, true);
    // The test environment's provider block plus one account list.
    let with_accounts = |ws: &Workspace, list: &str| {
        ws.write(
            "main.tf",
            &format!(
                "{}\n{}",
                env.provider().replace(
                    "  max_retries = 3\n",
                    &format!("  max_retries = 3\n  {list}\n")
                ),
                resource(&env.app, &stream)
            ),
        );
    };
    for (list, summary, path) in [
        (
            "allowed_account_ids = [\"111122223333\"]",
            "AWS account not allowed",
            "allowed_account_ids",
        ),
        (
            "forbidden_account_ids = [\"123456789012\"]",
            "AWS account forbidden",
            "forbidden_account_ids",
        ),
    ] {
        let ws = Workspace::new();
        with_accounts(&ws, list);
        env.kinesis.take_calls();
        env.chime.take_calls();
        let run = ws.run(&["plan", "-input=false", "-json"]);
        run.assert_failed();
        let d = run.find("error", summary);
        assert_eq!(d.len(), 1, "{}", run.output());
        assert!(
            d[0]["detail"].as_str().unwrap().contains("123456789012"),
            "names the account"
        );
        let snippet = d[0]["snippet"]["code"].as_str().unwrap_or_default();
        assert!(snippet.contains(path), "points at {path}: {}", d[0]);
        assert_eq!(
            env.kinesis.take_calls(),
            vec!["GetCallerIdentity".to_string()]
        );
        assert_eq!(env.chime.take_calls(), Vec::<String>::new());
    }
    // The right account passes.
    let ws = Workspace::new();
    with_accounts(&ws, "allowed_account_ids = [\"123456789012\"]");
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
}

#[test]
fn shared_files_and_profile_supply_credentials() {
    let env = Env::new();
    let stream = env.aws.create_stream("chime-messaging-profile", 2, true);
    let mut ws = Workspace::new();
    ws.set_env("AWS_ACCESS_KEY_ID", "");
    ws.set_env("AWS_SECRET_ACCESS_KEY", "");
    ws.set_env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    ws.set_env("AWS_CONFIG_FILE", "/nonexistent/config");
    let creds = ws.path().join("ci-credentials");
    std::fs::write(
        &creds,
        "[ci]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n",
    )
    .unwrap();
    let config = ws.path().join("ci-config");
    std::fs::write(&config, "[profile ci]\nregion = us-east-1\n").unwrap();
    let with_files = format!(
        "  profile = \"ci\"\n  shared_credentials_files = [\"{}\"]\n  shared_config_files = [\"{}\"]\n",
        creds.display(),
        config.display()
    );
    let block = endpoints(
        Some(&env.kinesis.url),
        Some(&env.chime.url),
        Some(&env.chime.url),
        Some(&env.kinesis.url),
    );
    write_stack(
        &ws,
        &format!("{block}  profile = \"ci\"\n"),
        &env.app,
        &stream,
    );
    let run = ws.run(&["plan", "-input=false", "-json"]);
    run.assert_failed();
    assert_eq!(
        run.find("error", "No AWS credentials found").len(),
        1,
        "{}",
        run.output()
    );

    write_stack(&ws, &format!("{block}{with_files}"), &env.app, &stream);
    ws.run(&["plan", "-input=false", "-no-color"]).assert_ok();
}

#[test]
fn a_region_without_chime_sdk_messaging_fails_at_plan_without_calling_chime() {
    let env = Env::new();
    let app = "arn:aws:chime:eu-west-1:123456789012:app-instance/abc";
    let stream = "arn:aws:kinesis:eu-west-1:123456789012:stream/chime-messaging-x";
    let ws = Workspace::new();
    // Kinesis and STS are local; Chime is left to AWS, which has no endpoint there.
    ws.write(
        "main.tf",
        &format!(
            "{}\n{}",
            provider(&endpoints(
                Some(&env.kinesis.url),
                None,
                None,
                Some(&env.kinesis.url)
            ))
            .replace("us-east-1", "eu-west-1"),
            resource(app, stream)
        ),
    );
    env.chime.take_calls();
    let run = ws.run(&["plan", "-input=false", "-json"]);
    run.assert_failed();
    let d = run.find(
        "error",
        "Amazon Chime SDK messaging is not available in this region",
    );
    assert_eq!(d.len(), 1, "{}", run.output());
    let detail = d[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("\"eu-west-1\"") && detail.contains("us-east-1 and eu-central-1"),
        "{detail}"
    );
    let snippet = d[0]["snippet"]["code"].as_str().unwrap_or_default();
    assert!(
        snippet.contains("app_instance_arn"),
        "points at app_instance_arn: {}",
        d[0]
    );
    let calls = env.kinesis.take_calls();
    assert!(
        !calls.iter().any(|c| c == "DescribeStreamSummary"),
        "no stream lookups either: {calls:?}"
    );
}

#[test]
fn bad_provider_arguments_fail_validate_on_their_attribute() {
    let ws = Workspace::new();
    let cases = [
        (
            "assume_role {\n    role_arn = \"arn:aws:iam::123456789012:role/x\"\n    duration = \"13h\"\n  }",
            "Invalid role session duration",
            "duration",
        ),
        (
            "http_proxy = \"proxy.internal:3128\"",
            "Invalid http_proxy",
            "http_proxy",
        ),
        (
            "assume_role_with_web_identity {\n    role_arn = \"arn:aws:iam::123456789012:role/x\"\n    web_identity_token = \"t\"\n    web_identity_token_file = \"/t\"\n  }",
            "Conflicting web identity token settings",
            "web_identity_token_file",
        ),
        (
            "allowed_account_ids = [\"111122223333\"]\n  forbidden_account_ids = [\"111122223333\"]",
            "Conflicting account settings",
            "forbidden_account_ids",
        ),
    ];
    for (body, summary, attribute) in cases {
        write_stack(
            &ws,
            &format!("  {body}\n"),
            "arn:aws:chime:us-east-1:123456789012:app-instance/a",
            "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-x",
        );
        let run = ws.run(&["validate", "-json"]);
        run.assert_failed();
        let d = run.find("error", summary);
        assert_eq!(d.len(), 1, "{body}: {}", run.output());
        let snippet = d[0]["snippet"]["code"].as_str().unwrap_or_default();
        assert!(
            snippet.contains(attribute),
            "{summary}: points at {attribute}: {}",
            d[0]
        );
    }
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn unreachable_aws_is_said_at_once_naming_the_host_and_the_proxy_network_first() {
    let env = Env::new();
    let stream = env
        .aws
        .create_stream("chime-messaging-unreachable", 2, true);
    let ws = Workspace::new();
    let port = closed_port();
    let sts = format!("http://127.0.0.1:{port}");
    let cases = [
        // An sts endpoint nothing answers on.
        (
            format!("  endpoints {{\n    sts = \"{sts}\"\n  }}\n"),
            vec![sts.clone()],
        ),
        // AWS's own STS through a proxy that is down.
        (
            format!("  https_proxy = \"http://127.0.0.1:{port}\"\n"),
            vec![
                "https://sts.us-east-1.amazonaws.com".to_string(),
                format!("through the proxy http://127.0.0.1:{port}"),
            ],
        ),
    ];
    for (body, named) in cases {
        // max_retries = 10: nothing ever answered, so 3 attempts, not 11.
        ws.write(
            "main.tf",
            &format!(
                "terraform {{\n  required_providers {{\n    chimesdk = {{ source = \"chimesdk/chimesdk\" }}\n  }}\n}}\n\nprovider \"chimesdk\" {{\n  region      = \"us-east-1\"\n  max_retries = 10\n{body}}}\n\n{}",
                resource(&env.app, &stream)
            ),
        );
        let r = ws.run(&["plan", "-input=false", "-json"]);
        r.assert_failed();
        let found = r.find("error", "Cannot reach AWS");
        assert_eq!(found.len(), 1, "{}", r.output());
        let detail = found[0]["detail"].as_str().unwrap();
        for name in &named {
            assert!(detail.contains(name.as_str()), "names {name}: {detail}");
        }
        assert!(detail.contains("3 attempts"), "gave up after 3: {detail}");
        let network = detail.find("network").expect("says network");
        let credentials = detail.find("the credentials.").expect("says credentials");
        assert!(network < credentials, "network first: {detail}");
    }
}
