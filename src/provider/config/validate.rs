//! Checks of the provider block that attribute validators cannot express.

use std::collections::BTreeMap;

use crate::aws::endpoints::SERVICES;
use crate::aws::tags::{MAX_USER_TAGS, tag_problem};
use tfplugin::framework::{Diagnostics, parse_duration};
use tfplugin::value::{AttributePath, Value};

use super::model::check_proxy_url;
use super::schema::*;

/// Checks that attribute validators cannot express: endpoint and proxy
/// URLs, conflicts, durations, policies, account IDs, tags; and an empty
/// region (the regex would say "does not match", which is less clear).
pub fn validate(config: &Value, diags: &mut Diagnostics) {
    if let Some(Value::String(region)) = config.get_attr("region")
        && region.trim().is_empty()
    {
        diags.error_at(
            AttributePath::attr("region"),
            "Empty region",
            "region is set to an empty string. Set it to a region name such as \"us-east-1\", or remove it to use \
             AWS_REGION / AWS_DEFAULT_REGION or the profile's region.",
        );
    }
    if let Some(Value::List(blocks)) = config.get_attr("endpoints") {
        for (i, block) in blocks.iter().enumerate() {
            for name in SERVICES.map(|r| r.attribute) {
                let Some(Value::String(raw)) = block.get_attr(name) else {
                    continue;
                };
                if let Err(why) = check_endpoint_url(raw) {
                    diags.error_at(
                        AttributePath::attr("endpoints").index(i as i64).attribute(name),
                        format!("Invalid endpoint URL for {name}"),
                        format!("endpoints.{name} = {raw:?} is not a usable endpoint URL: {why}. Use a full URL such as \"http://127.0.0.1:4566\" or \"https://kinesis.us-east-1.amazonaws.com\"."),
                    );
                }
            }
        }
    }
    for name in ["http_proxy", "https_proxy"] {
        if let Some(Value::String(raw)) = config.get_attr(name)
            && let Err(why) = check_proxy_url(raw)
        {
            diags.error_at(
                AttributePath::attr(name),
                format!("Invalid {name}"),
                format!(
                    "{name} = {raw:?} {why}. Use a URL such as \"http://proxy.internal:3128\"."
                ),
            );
        }
    }
    for name in ["custom_ca_bundle", "no_proxy"] {
        if let Some(Value::String(raw)) = config.get_attr(name)
            && raw.trim().is_empty()
        {
            diags.error_at(
                AttributePath::attr(name),
                format!("Empty {name}"),
                format!("{name} is set to an empty string. Remove it, or set it to a value."),
            );
        }
    }
    for name in ["shared_config_files", "shared_credentials_files"] {
        for (path, value) in elements(config, name) {
            if value.trim().is_empty() {
                diags.error_at(
                    path,
                    format!("Empty path in {name}"),
                    format!("{name} holds an empty path; remove it."),
                );
            }
        }
    }
    validate_accounts(config, diags);
    validate_default_tags(config, diags);
    for block in ["assume_role", "assume_role_with_web_identity"] {
        if let Some(Value::List(items)) = config.get_attr(block) {
            for (i, item) in items.iter().enumerate() {
                validate_role_session(item, &AttributePath::attr(block).index(i as i64), diags);
            }
        }
    }
    if let Some(Value::List(items)) = config.get_attr("assume_role_with_web_identity") {
        for (i, item) in items.iter().enumerate() {
            let token = item
                .get_attr("web_identity_token")
                .is_some_and(|v| !v.is_null());
            let file = item
                .get_attr("web_identity_token_file")
                .is_some_and(|v| !v.is_null());
            if token && file {
                diags.error_at(
                    AttributePath::attr("assume_role_with_web_identity").index(i as i64).attribute("web_identity_token_file"),
                    "Conflicting web identity token settings",
                    "Both web_identity_token and web_identity_token_file are set; set only one: the token file for CI \
                     systems that write and rotate it, the token itself otherwise.",
                );
            }
        }
    }
}

pub(super) fn validate_default_tags(config: &Value, diags: &mut Diagnostics) {
    let Some(Value::List(blocks)) = config.get_attr("default_tags") else {
        return;
    };
    for (i, block) in blocks.iter().enumerate() {
        let Some(Value::Map(tags)) = block.get_attr("tags") else {
            continue;
        };
        let path = AttributePath::attr("default_tags")
            .index(i as i64)
            .attribute("tags");
        for (key, value) in tags {
            if let Some(why) = tag_problem(key, value.as_str().unwrap_or_default()) {
                diags.error_at(
                    path.clone().key(key),
                    "Invalid default tag",
                    format!(
                        "default_tags has the tag {key:?} = {value}: {why}. Change or remove it.",
                        value = describe(value)
                    ),
                );
            }
        }
        if tags.len() > MAX_USER_TAGS {
            diags.error_at(
                path,
                "Too many default tags",
                format!(
                    "default_tags has {} tags; a Kinesis stream takes 50, one of which the provider uses to mark the \
                     streams it created, so at most {MAX_USER_TAGS} (together with each stream's own tags). Remove {}.",
                    tags.len(),
                    tags.len() - MAX_USER_TAGS
                ),
            );
        }
    }
}

/// A value for a diagnostic: strings quoted, unknown said so.
pub(super) fn describe(v: &Value) -> String {
    match v.as_str() {
        Some(s) => format!("{s:?}"),
        None => "(not yet known)".into(),
    }
}

/// The known string elements of a list or set attribute, with their paths.
pub(super) fn elements(config: &Value, name: &str) -> Vec<(AttributePath, String)> {
    match config.get_attr(name) {
        Some(Value::List(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                Some((
                    AttributePath::attr(name).index(i as i64),
                    v.as_str()?.to_string(),
                ))
            })
            .collect(),
        Some(Value::Set(items)) => items
            .iter()
            .filter_map(|v| {
                let s = v.as_str()?.to_string();
                // A set element has no path of its own in the protocol.
                Some((AttributePath::attr(name), s))
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn validate_accounts(config: &Value, diags: &mut Diagnostics) {
    // Compiled on first use: most configurations list no account ids.
    static ACCOUNT: std::sync::LazyLock<regex_lite::Regex> =
        std::sync::LazyLock::new(|| regex_lite::Regex::new(ACCOUNT_ID).expect("constant regex"));
    let mut lists = Vec::new();
    for name in ["allowed_account_ids", "forbidden_account_ids"] {
        let ids = elements(config, name);
        for (path, id) in &ids {
            if !ACCOUNT.is_match(id) {
                diags.error_at(
                    path.clone(),
                    format!("Invalid account ID in {name}"),
                    format!(
                        "{id:?} is not an AWS account ID; use the 12 digits, e.g. \"111122223333\"."
                    ),
                );
            }
        }
        let set = config.get_attr(name).is_some_and(|v| !v.is_null());
        lists.push((name, set));
    }
    if lists.iter().all(|(_, set)| *set) {
        diags.error_at(
            AttributePath::attr("forbidden_account_ids"),
            "Conflicting account settings",
            "allowed_account_ids and forbidden_account_ids are both set; set only one (an allow list already forbids \
             every other account).",
        );
    }
    if matches!(
        config.get_attr("skip_credentials_validation"),
        Some(Value::Bool(true))
    ) {
        for (name, set) in lists {
            if set {
                diags.error_at(
                    AttributePath::attr(name),
                    format!("{name} needs the account"),
                    format!(
                        "{name} is checked against the account that STS GetCallerIdentity reports, which \
                         skip_credentials_validation = true turns off. Remove one of the two."
                    ),
                );
            }
        }
    }
}

pub(super) fn validate_role_session(block: &Value, path: &AttributePath, diags: &mut Diagnostics) {
    if let Some(Value::String(raw)) = block.get_attr("duration") {
        let problem = match parse_duration(raw) {
            Ok(d) if (MIN_SESSION..=MAX_SESSION).contains(&d) => None,
            Ok(d) => Some(format!("{raw:?} is {} seconds", d.as_secs())),
            Err(e) => Some(e),
        };
        if let Some(why) = problem {
            diags.error_at(
                path.clone().attribute("duration"),
                "Invalid role session duration",
                format!("duration: {why}; STS accepts 15m to 12h. Use a value such as \"1h\"."),
            );
        }
    }
    if let Some(Value::String(raw)) = block.get_attr("policy")
        && let Err(e) = serde_json::from_str::<serde_json::Value>(raw).and_then(|v| {
            if v.is_object() {
                Ok(())
            } else {
                Err(serde::de::Error::custom("it is not a JSON object"))
            }
        })
    {
        diags.error_at(
            path.clone().attribute("policy"),
            "Invalid session policy",
            format!("policy must be an IAM policy document in JSON ({e}). Use jsonencode({{...}}) or data.aws_iam_policy_document.json."),
        );
    }
    static POLICY_ARN_RE: std::sync::LazyLock<regex_lite::Regex> =
        std::sync::LazyLock::new(|| regex_lite::Regex::new(POLICY_ARN).expect("constant regex"));
    if let Some(Value::Set(arns)) = block.get_attr("policy_arns") {
        for arn in arns.iter().filter_map(Value::as_str) {
            if !POLICY_ARN_RE.is_match(arn) {
                diags.error_at(
                    path.clone().attribute("policy_arns"),
                    "Invalid policy ARN",
                    format!("{arn:?} is not an IAM policy ARN such as \"arn:aws:iam::aws:policy/ReadOnlyAccess\"."),
                );
            }
        }
    }
    if let Some(Value::Map(tags)) = block.get_attr("tags") {
        for (k, v) in tags {
            let long_value = v.as_str().is_some_and(|s| s.chars().count() > 256);
            if k.is_empty() || k.chars().count() > 128 || long_value {
                diags.error_at(
                    path.clone().attribute("tags").key(k),
                    "Invalid session tag",
                    format!("Session tag {k:?}: keys are 1-128 characters and values at most 256."),
                );
            }
        }
    }
    if let Some(Value::Set(keys)) = block.get_attr("transitive_tag_keys") {
        let empty = BTreeMap::new();
        let tags = match block.get_attr("tags") {
            Some(Value::Map(t)) => Some(t),
            Some(v) if v.is_unknown() => None,
            _ => Some(&empty),
        };
        if let Some(tags) = tags {
            for key in keys.iter().filter_map(Value::as_str) {
                if !tags.contains_key(key) {
                    diags.error_at(
                        path.clone().attribute("transitive_tag_keys"),
                        "Transitive tag key is not a session tag",
                        format!("transitive_tag_keys names {key:?}, which is not a key of tags. Add it to tags, or remove it here."),
                    );
                }
            }
        }
    }
}

pub(super) fn check_endpoint_url(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| e.to_string())?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!(
            "the scheme must be http or https, not {:?}",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    Ok(())
}
