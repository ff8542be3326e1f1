//! Checks of the provider block that attribute validators cannot express,
//! on its typed model (unknown values are checked once known).

use std::collections::BTreeMap;

use crate::aws::endpoints::SERVICES;
use crate::aws::kinesis::stream_tag_problem;
use crate::aws::tags::MAX_USER_TAGS;
use tfplugin::framework::{Diagnostics, parse_duration};
use tfplugin::value::{Attr, AttributePath};

use super::model::check_proxy_url;
use super::schema::*;

type Strings = Attr<Vec<Attr<String>>>;
type StringMap = Attr<BTreeMap<String, Attr<String>>>;

/// Checks that attribute validators cannot express: endpoint and proxy
/// URLs, conflicts, durations, policies, account IDs, tags; and an empty
/// region (the regex would say "does not match", which is less clear).
pub fn validate(config: &ProviderConfig, diags: &mut Diagnostics) {
    if let Attr::Known(region) = &config.region
        && region.trim().is_empty()
    {
        diags.error_at(
            AttributePath::attr("region"),
            "Empty region",
            "region is set to an empty string. Set it to a region name such as \"us-east-1\", or remove it to use \
             AWS_REGION / AWS_DEFAULT_REGION or the profile's region.",
        );
    }
    for (i, block) in config.endpoints.known().into_iter().flatten().enumerate() {
        for name in SERVICES.map(|r| r.attribute) {
            let Some(Attr::Known(raw)) = block.0.get(name) else {
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
    for (name, value) in [
        ("http_proxy", &config.http_proxy),
        ("https_proxy", &config.https_proxy),
    ] {
        if let Attr::Known(raw) = value
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
    for (name, value) in [
        ("custom_ca_bundle", &config.custom_ca_bundle),
        ("no_proxy", &config.no_proxy),
    ] {
        if let Attr::Known(raw) = value
            && raw.trim().is_empty()
        {
            diags.error_at(
                AttributePath::attr(name),
                format!("Empty {name}"),
                format!("{name} is set to an empty string. Remove it, or set it to a value."),
            );
        }
    }
    for (name, value) in [
        ("shared_config_files", &config.shared_config_files),
        ("shared_credentials_files", &config.shared_credentials_files),
    ] {
        for (path, value) in list_elements(name, value) {
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
    for (i, r) in config.assume_role.known().into_iter().flatten().enumerate() {
        let session = RoleSessionView {
            duration: &r.duration,
            policy: &r.policy,
            policy_arns: &r.policy_arns,
            tags: Some(&r.tags),
            transitive_tag_keys: Some(&r.transitive_tag_keys),
        };
        validate_role_session(
            &session,
            &AttributePath::attr("assume_role").index(i as i64),
            diags,
        );
    }
    for (i, w) in config
        .assume_role_with_web_identity
        .known()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = AttributePath::attr("assume_role_with_web_identity").index(i as i64);
        let session = RoleSessionView {
            duration: &w.duration,
            policy: &w.policy,
            policy_arns: &w.policy_arns,
            tags: None,
            transitive_tag_keys: None,
        };
        validate_role_session(&session, &path, diags);
        if !w.web_identity_token.is_null() && !w.web_identity_token_file.is_null() {
            diags.error_at(
                path.attribute("web_identity_token_file"),
                "Conflicting web identity token settings",
                "Both web_identity_token and web_identity_token_file are set; set only one: the token file for CI \
                 systems that write and rotate it, the token itself otherwise.",
            );
        }
    }
}

pub(super) fn validate_default_tags(config: &ProviderConfig, diags: &mut Diagnostics) {
    for (i, block) in config
        .default_tags
        .known()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Attr::Known(tags) = &block.tags else {
            continue;
        };
        let path = AttributePath::attr("default_tags")
            .index(i as i64)
            .attribute("tags");
        for (key, value) in tags {
            if let Some(why) = stream_tag_problem(key, value.known().map_or("", String::as_str)) {
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
pub(super) fn describe(v: &Attr<String>) -> String {
    match v.known() {
        Some(s) => format!("{s:?}"),
        None => "(not yet known)".into(),
    }
}

/// The known elements of a list attribute, with their paths.
fn list_elements(name: &str, list: &Strings) -> Vec<(AttributePath, String)> {
    list.known()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| {
            Some((
                AttributePath::attr(name).index(i as i64),
                v.known()?.clone(),
            ))
        })
        .collect()
}

/// The known elements of a set attribute (a set element has no path of its
/// own in the protocol).
fn set_elements(set: &Strings) -> impl Iterator<Item = &String> {
    set.known().into_iter().flatten().filter_map(Attr::known)
}

pub(super) fn validate_accounts(config: &ProviderConfig, diags: &mut Diagnostics) {
    // Compiled on first use: most configurations list no account ids.
    static ACCOUNT: std::sync::LazyLock<regex_lite::Regex> =
        std::sync::LazyLock::new(|| regex_lite::Regex::new(ACCOUNT_ID).expect("constant regex"));
    let lists = [
        ("allowed_account_ids", &config.allowed_account_ids),
        ("forbidden_account_ids", &config.forbidden_account_ids),
    ];
    for (name, ids) in lists {
        for id in set_elements(ids) {
            if !ACCOUNT.is_match(id) {
                diags.error_at(
                    AttributePath::attr(name),
                    format!("Invalid account ID in {name}"),
                    format!(
                        "{id:?} is not an AWS account ID; use the 12 digits, e.g. \"111122223333\"."
                    ),
                );
            }
        }
    }
    if lists.iter().all(|(_, ids)| !ids.is_null()) {
        diags.error_at(
            AttributePath::attr("forbidden_account_ids"),
            "Conflicting account settings",
            "allowed_account_ids and forbidden_account_ids are both set; set only one (an allow list already forbids \
             every other account).",
        );
    }
    if config.skip_credentials_validation == Attr::Known(true) {
        for (name, ids) in lists {
            if !ids.is_null() {
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

/// What assume_role and assume_role_with_web_identity share (only the
/// first has session tags).
pub(super) struct RoleSessionView<'a> {
    pub duration: &'a Attr<String>,
    pub policy: &'a Attr<String>,
    pub policy_arns: &'a Strings,
    pub tags: Option<&'a StringMap>,
    pub transitive_tag_keys: Option<&'a Strings>,
}

pub(super) fn validate_role_session(
    block: &RoleSessionView,
    path: &AttributePath,
    diags: &mut Diagnostics,
) {
    if let Attr::Known(raw) = block.duration {
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
    if let Attr::Known(raw) = block.policy
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
    for arn in set_elements(block.policy_arns) {
        if !POLICY_ARN_RE.is_match(arn) {
            diags.error_at(
                path.clone().attribute("policy_arns"),
                "Invalid policy ARN",
                format!("{arn:?} is not an IAM policy ARN such as \"arn:aws:iam::aws:policy/ReadOnlyAccess\"."),
            );
        }
    }
    if let Some(Attr::Known(tags)) = block.tags {
        for (k, v) in tags {
            let long_value = v.known().is_some_and(|s| s.chars().count() > 256);
            if k.is_empty() || k.chars().count() > 128 || long_value {
                diags.error_at(
                    path.clone().attribute("tags").key(k),
                    "Invalid session tag",
                    format!("Session tag {k:?}: keys are 1-128 characters and values at most 256."),
                );
            }
        }
    }
    if let Some(keys) = block.transitive_tag_keys {
        let empty = BTreeMap::new();
        let tags = match block.tags {
            Some(Attr::Known(t)) => Some(t),
            Some(Attr::Unknown) => None,
            _ => Some(&empty),
        };
        if let Some(tags) = tags {
            for key in set_elements(keys) {
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
