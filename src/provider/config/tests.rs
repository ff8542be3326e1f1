use std::collections::BTreeMap;

use crate::aws::endpoints::Service;

use super::model::*;
use super::schema::*;
use super::validate::*;
use crate::aws::clients::ClientSettings;
use crate::aws::credentials::WebIdentityToken;
use tfplugin::framework::Diagnostics;
use tfplugin::framework::validate_attributes;
use tfplugin::value::{AttributePath, Type, Value};
use tfplugin::value::{Number, PathStep};

/// A provider config value with every attribute null, then `set` applied.
fn config(set: &[(&str, Value)]) -> Value {
    let Type::Object(attrs) = schema().value_type() else {
        unreachable!()
    };
    let mut obj: BTreeMap<String, Value> = attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
    for (k, v) in set {
        obj.insert((*k).to_string(), v.clone());
    }
    Value::Object(obj)
}

fn block(ty_name: &str, set: &[(&str, Value)]) -> Value {
    let Type::Object(attrs) = schema().value_type() else {
        unreachable!()
    };
    let Type::List(inner) = &attrs[ty_name] else {
        unreachable!()
    };
    let Type::Object(fields) = inner.as_ref() else {
        unreachable!()
    };
    let mut obj: BTreeMap<String, Value> =
        fields.keys().map(|k| (k.clone(), Value::Null)).collect();
    for (k, v) in set {
        obj.insert((*k).to_string(), v.clone());
    }
    Value::List(vec![Value::Object(obj)])
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn default_tags(tags: &[(String, String)]) -> Value {
    let map = tags.iter().map(|(k, v)| (k.clone(), s(v))).collect();
    config(&[(
        "default_tags",
        block("default_tags", &[("tags", Value::Map(map))]),
    )])
}

fn set(items: &[&str]) -> Value {
    Value::Set(items.iter().map(|i| s(i)).collect())
}

fn all_diags(v: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    validate_attributes(&schema().block, v, &AttributePath::root(), &mut d);
    validate(&ProviderConfig::read(v).unwrap(), &mut d);
    d
}

fn paths(d: &Diagnostics) -> Vec<String> {
    d.iter()
        .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
        .collect()
}

const ROLE: &str = "arn:aws:iam::123456789012:role/terraform";

/// A config with `assume_role { role_arn = ROLE, extra... }`.
fn role(extra: &[(&str, Value)]) -> Value {
    let mut attrs = vec![("role_arn", s(ROLE))];
    attrs.extend(extra.iter().cloned());
    config(&[("assume_role", block("assume_role", &attrs))])
}

#[test]
fn bad_endpoint_url_points_at_the_attribute() {
    let d = all_diags(&config(&[(
        "endpoints",
        block("endpoints", &[("kinesis", s("not a url"))]),
    )]));
    assert_eq!(d.0.len(), 1, "{d:?}");
    assert_eq!(
        d.0[0].path.as_ref().unwrap().steps,
        vec![
            PathStep::Attribute("endpoints".into()),
            PathStep::ElementKeyInt(0),
            PathStep::Attribute("kinesis".into())
        ]
    );
    assert!(d.0[0].detail.contains("\"not a url\""));
}

#[test]
fn empty_region_and_malformed_role_are_errors_on_their_attributes() {
    let d = all_diags(&config(&[
        ("region", s("")),
        (
            "assume_role",
            block("assume_role", &[("role_arn", s("arn:aws:iam::12:user/x"))]),
        ),
    ]));
    let p = paths(&d);
    assert!(p.contains(&"region".to_string()), "{p:?}");
    assert!(p.contains(&"assume_role[0].role_arn".to_string()), "{p:?}");
}

/// Every refusal the provider block has: (config, path, words the detail must hold).
#[test]
fn every_bad_argument_is_refused_on_its_attribute() {
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            config(&[(
                "assume_role_with_web_identity",
                block(
                    "assume_role_with_web_identity",
                    &[("role_arn", s("role/x"))],
                ),
            )]),
            "assume_role_with_web_identity[0].role_arn",
            "IAM role ARN",
        ),
        (
            role(&[("duration", s("10m"))]),
            "assume_role[0].duration",
            "15m to 12h",
        ),
        (
            role(&[("duration", s("13h"))]),
            "assume_role[0].duration",
            "15m to 12h",
        ),
        (
            role(&[("duration", s("an hour"))]),
            "assume_role[0].duration",
            "15m to 12h",
        ),
        (
            role(&[("policy", s("{not json"))]),
            "assume_role[0].policy",
            "JSON",
        ),
        (
            role(&[("policy_arns", set(&["ReadOnlyAccess"]))]),
            "assume_role[0].policy_arns",
            "\"ReadOnlyAccess\"",
        ),
        (
            role(&[("transitive_tag_keys", set(&["team"]))]),
            "assume_role[0].transitive_tag_keys",
            "\"team\"",
        ),
        (
            role(&[("source_identity", s("x"))]),
            "assume_role[0].source_identity",
            "2-64",
        ),
        (
            config(&[(
                "assume_role_with_web_identity",
                block(
                    "assume_role_with_web_identity",
                    &[
                        ("role_arn", s(ROLE)),
                        ("web_identity_token", s("t")),
                        ("web_identity_token_file", s("/f")),
                    ],
                ),
            )]),
            "assume_role_with_web_identity[0].web_identity_token_file",
            "only one",
        ),
        (
            config(&[
                ("allowed_account_ids", set(&["111122223333"])),
                ("forbidden_account_ids", set(&["444455556666"])),
            ]),
            "forbidden_account_ids",
            "only one",
        ),
        (
            config(&[("allowed_account_ids", set(&["12345"]))]),
            "allowed_account_ids",
            "\"12345\"",
        ),
        (
            config(&[
                ("allowed_account_ids", set(&["111122223333"])),
                ("skip_credentials_validation", Value::Bool(true)),
            ]),
            "allowed_account_ids",
            "skip_credentials_validation",
        ),
        (
            config(&[("http_proxy", s("proxy.internal:3128"))]),
            "http_proxy",
            "scheme",
        ),
        (
            config(&[("https_proxy", s("proxy.internal"))]),
            "https_proxy",
            "proxy.internal",
        ),
        (
            config(&[("custom_ca_bundle", s(""))]),
            "custom_ca_bundle",
            "empty",
        ),
        (
            config(&[("shared_config_files", Value::List(vec![s("")]))]),
            "shared_config_files[0]",
            "empty path",
        ),
        (
            default_tags(&[("aws:team".to_string(), "x".to_string())]),
            "default_tags[0].tags[\"aws:team\"]",
            "reserved for AWS",
        ),
        (
            default_tags(
                &(0..50)
                    .map(|i| (format!("k{i}"), "v".to_string()))
                    .collect::<Vec<_>>(),
            ),
            "default_tags[0].tags",
            "at most 49",
        ),
    ];
    for (value, path, words) in cases {
        let d = all_diags(&value);
        let found = d
            .iter()
            .find(|d| d.path.as_ref().map(|p| p.to_string()).as_deref() == Some(path));
        let Some(diag) = found else {
            panic!("no diagnostic on {path}: {:?}", paths(&d));
        };
        assert!(
            diag.detail.contains(words) || diag.summary.contains(words),
            "{path}: {:?} / {:?} should mention {words}",
            diag.summary,
            diag.detail
        );
    }
}

#[test]
fn good_arguments_pass() {
    let v = config(&[
        ("allowed_account_ids", set(&["111122223333"])),
        ("http_proxy", s("http://127.0.0.1:3128")),
        ("max_retries", Value::Number(Number::Int(3))),
        (
            "assume_role",
            block(
                "assume_role",
                &[
                    ("role_arn", s(ROLE)),
                    ("duration", s("1h")),
                    ("policy", s(r#"{"Version":"2012-10-17","Statement":[]}"#)),
                    (
                        "policy_arns",
                        set(&["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
                    ),
                    (
                        "tags",
                        Value::Map(BTreeMap::from([("team".into(), s("platform"))])),
                    ),
                    ("transitive_tag_keys", set(&["team"])),
                    ("source_identity", s("ci-pipeline")),
                ],
            ),
        ),
    ]);
    let d = all_diags(&v);
    assert!(d.is_empty(), "{d:?}");
}

fn settings(v: &Value, env: &[(&str, &str)]) -> Result<ClientSettings, SettingsError> {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ProviderConfig::read(v)
        .unwrap()
        .into_settings(&|k| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
}

#[test]
fn unknown_values_are_not_errors_and_read_as_unset() {
    let v = config(&[
        ("region", Value::unknown()),
        ("max_retries", Value::Number(Number::Int(3))),
        (
            "endpoints",
            block(
                "endpoints",
                &[
                    ("kinesis", s("http://127.0.0.1:4566")),
                    ("chime_sdk_messaging", Value::unknown()),
                ],
            ),
        ),
    ]);
    assert!(all_diags(&v).is_empty());
    let s = settings(&v, &[]).unwrap();
    assert_eq!(s.region, None);
    assert_eq!(
        s.endpoints.get(Service::Kinesis),
        Some("http://127.0.0.1:4566")
    );
    assert_eq!(s.endpoints.get(Service::ChimeSdkMessaging), None);
    assert_eq!(s.max_retries, 3);
}

#[test]
fn environment_variables_fill_what_the_block_leaves_unset() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "eyJ...").unwrap();
    let v = config(&[
        ("https_proxy", s("http://block-proxy:3128")),
        (
            "assume_role_with_web_identity",
            block("assume_role_with_web_identity", &[("role_arn", s(ROLE))]),
        ),
    ]);
    let got = settings(
        &v,
        &[
            ("HTTPS_PROXY", "http://env-proxy:1"),
            ("http_proxy", "http://lower-case:2"),
            ("NO_PROXY", "localhost"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ],
    )
    .unwrap();
    assert_eq!(
        got.http.proxy.https_proxy.as_deref(),
        Some("http://block-proxy:3128"),
        "the block wins"
    );
    assert_eq!(
        got.http.proxy.http_proxy.as_deref(),
        Some("http://lower-case:2")
    );
    assert_eq!(got.http.proxy.no_proxy.as_deref(), Some("localhost"));
    let web = got.assume_role_with_web_identity.unwrap();
    assert_eq!(web.token, WebIdentityToken::File(token));
}

#[test]
fn files_that_cannot_be_used_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("bundle.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let e = settings(
        &config(&[("custom_ca_bundle", s(not_pem.to_str().unwrap()))]),
        &[],
    )
    .unwrap_err();
    assert_eq!(e.path.to_string(), "custom_ca_bundle");
    assert!(e.detail.contains(not_pem.to_str().unwrap()), "{e:?}");

    let e = settings(&config(&[]), &[("AWS_CA_BUNDLE", "/nonexistent/ca.pem")]).unwrap_err();
    assert!(e.detail.contains("/nonexistent/ca.pem"), "{e:?}");

    let missing = dir.path().join("no-token");
    let e = settings(
        &config(&[(
            "assume_role_with_web_identity",
            block(
                "assume_role_with_web_identity",
                &[
                    ("role_arn", s(ROLE)),
                    ("web_identity_token_file", s(missing.to_str().unwrap())),
                ],
            ),
        )]),
        &[],
    )
    .unwrap_err();
    assert_eq!(
        e.path.to_string(),
        "assume_role_with_web_identity[0].web_identity_token_file"
    );
    assert!(e.detail.contains(missing.to_str().unwrap()), "{e:?}");

    let e = settings(&config(&[]), &[("HTTPS_PROXY", "proxy:3128")]).unwrap_err();
    assert_eq!(e.path.to_string(), "https_proxy");
}
