//! The provider block as a typed model, and reading it (with the AWS
//! environment variables and files it falls back to) into client settings.

use std::path::PathBuf;

use crate::aws::clients::ClientSettings;
use crate::aws::credentials::{
    AssumeRole, AssumeRoleWithWebIdentity, RoleSession, WebIdentityToken,
};
use crate::aws::endpoints::Endpoints;
use crate::aws::http::{HttpSettings, ProxySettings, check_ca_bundle};
use tfplugin::framework::parse_duration;
use tfplugin::value::{Attr, AttributePath, Value, from_value};

use super::schema::*;

/// Unknown provider values are treated as unset (Terraform cannot configure
/// a provider with values from resources not yet created).
pub(super) fn known<T: Clone>(a: &Attr<T>) -> Option<T> {
    a.known().cloned()
}

pub(super) fn known_strings(a: &Attr<Vec<Attr<String>>>) -> Vec<String> {
    a.known()
        .map(|v| v.iter().filter_map(|s| s.known().cloned()).collect())
        .unwrap_or_default()
}

/// A provider setting that cannot be used, found while reading files and
/// the environment at ConfigureProvider.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsError {
    pub path: AttributePath,
    pub summary: String,
    pub detail: String,
}

impl ProviderConfig {
    pub fn read(config: &Value) -> Result<Self, tfplugin::value::TypedError> {
        from_value(config)
    }

    /// Settings from the block, falling back to the environment (`env`)
    /// where the AWS provider does; reads the CA bundle and checks that a
    /// token file exists.
    pub fn into_settings(
        self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ClientSettings, SettingsError> {
        let env_any = |names: &[&str]| names.iter().find_map(|n| env(n).filter(|v| !v.is_empty()));
        let endpoints = known(&self.endpoints)
            .and_then(|v| v.into_iter().next())
            .unwrap_or_default()
            .0;
        let endpoints = Endpoints::from_attributes(
            endpoints
                .iter()
                .filter_map(|(name, url)| Some((name.as_str(), known(url)?))),
        );

        let ca_bundle_pem = match known(&self.custom_ca_bundle)
            .map(|p| (p, AttributePath::attr("custom_ca_bundle")))
            .or_else(|| {
                env_any(&["AWS_CA_BUNDLE"]).map(|p| (p, AttributePath::attr("custom_ca_bundle")))
            }) {
            Some((path, attr)) => Some(read_ca_bundle(&path, attr)?),
            None => None,
        };
        let proxy = ProxySettings {
            http_proxy: known(&self.http_proxy).or_else(|| env_any(&["HTTP_PROXY", "http_proxy"])),
            https_proxy: known(&self.https_proxy)
                .or_else(|| env_any(&["HTTPS_PROXY", "https_proxy"])),
            no_proxy: known(&self.no_proxy).or_else(|| env_any(&["NO_PROXY", "no_proxy"])),
        };
        for (name, url) in [
            ("http_proxy", &proxy.http_proxy),
            ("https_proxy", &proxy.https_proxy),
        ] {
            if let Some(url) = url
                && let Err(why) = check_proxy_url(url)
            {
                return Err(SettingsError {
                    path: AttributePath::attr(name),
                    summary: format!("Invalid {name}"),
                    detail: format!(
                        "{name} (or its environment variable) is {url:?}, which {why}. Use a URL such as \"http://proxy.internal:3128\"."
                    ),
                });
            }
        }

        let assume_role = known(&self.assume_role)
            .and_then(|v| v.into_iter().next())
            .and_then(|r| {
                Some(AssumeRole {
                    session: RoleSession {
                        role_arn: known(&r.role_arn)?,
                        session_name: known(&r.session_name),
                        duration: known(&r.duration).and_then(|d| parse_duration(&d).ok()),
                        policy: known(&r.policy),
                        policy_arns: known_strings(&r.policy_arns),
                    },
                    external_id: known(&r.external_id),
                    tags: known(&r.tags)
                        .map(|m| {
                            m.into_iter()
                                .filter_map(|(k, v)| Some((k, v.known()?.clone())))
                                .collect()
                        })
                        .unwrap_or_default(),
                    transitive_tag_keys: known_strings(&r.transitive_tag_keys),
                    source_identity: known(&r.source_identity),
                })
            });
        let assume_role_with_web_identity =
            match known(&self.assume_role_with_web_identity).and_then(|v| v.into_iter().next()) {
                Some(w) => Some(web_identity(w, &env_any)?),
                None => None,
            };

        Ok(ClientSettings {
            region: known(&self.region),
            profile: known(&self.profile),
            shared_config_files: known_strings(&self.shared_config_files)
                .into_iter()
                .map(PathBuf::from)
                .collect(),
            shared_credentials_files: known_strings(&self.shared_credentials_files)
                .into_iter()
                .map(PathBuf::from)
                .collect(),
            max_retries: known(&self.max_retries)
                .unwrap_or(DEFAULT_MAX_RETRIES)
                .clamp(0, 1000) as u32,
            skip_credentials_validation: known(&self.skip_credentials_validation).unwrap_or(false),
            allowed_account_ids: known_strings(&self.allowed_account_ids),
            forbidden_account_ids: known_strings(&self.forbidden_account_ids),
            endpoints,
            assume_role,
            assume_role_with_web_identity,
            http: HttpSettings {
                ca_bundle_pem,
                proxy,
            },
            default_tags: known(&self.default_tags)
                .and_then(|v| v.into_iter().next())
                .and_then(|b| known(&b.tags))
                .map(|m| {
                    m.into_iter()
                        .filter_map(|(k, v)| Some((k, v.known()?.clone())))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

pub(super) fn web_identity(
    w: WebIdentityBlock,
    env_any: &dyn Fn(&[&str]) -> Option<String>,
) -> Result<AssumeRoleWithWebIdentity, SettingsError> {
    let block = AttributePath::attr("assume_role_with_web_identity").index(0);
    let role_arn = known(&w.role_arn)
        .or_else(|| env_any(&["AWS_ROLE_ARN"]))
        .ok_or_else(|| SettingsError {
            path: block.clone().attribute("role_arn"),
            summary: "No role for web identity".into(),
            detail: "assume_role_with_web_identity needs role_arn, or the AWS_ROLE_ARN environment variable.".into(),
        })?;
    let token = match (
        known(&w.web_identity_token),
        known(&w.web_identity_token_file),
    ) {
        (Some(token), _) => WebIdentityToken::Value(token),
        (None, file) => {
            let from_attr = file.is_some();
            let Some(file) = file.or_else(|| env_any(&["AWS_WEB_IDENTITY_TOKEN_FILE"])) else {
                return Err(SettingsError {
                    path: block.attribute("web_identity_token_file"),
                    summary: "No web identity token".into(),
                    detail: "assume_role_with_web_identity needs web_identity_token, web_identity_token_file, or the \
                             AWS_WEB_IDENTITY_TOKEN_FILE environment variable (GitHub Actions sets it with \
                             `permissions: id-token: write` and aws-actions/configure-aws-credentials)."
                        .into(),
                });
            };
            if !std::path::Path::new(&file).is_file() {
                return Err(SettingsError {
                    path: block.attribute("web_identity_token_file"),
                    summary: "Web identity token file not found".into(),
                    detail: format!(
                        "{} is {file:?}, and there is no file at that path. Check the path (in CI, that the OIDC token is \
                         written before terraform runs), or set web_identity_token instead.",
                        if from_attr {
                            "web_identity_token_file"
                        } else {
                            "AWS_WEB_IDENTITY_TOKEN_FILE"
                        }
                    ),
                });
            }
            WebIdentityToken::File(PathBuf::from(file))
        }
    };
    Ok(AssumeRoleWithWebIdentity {
        session: RoleSession {
            role_arn,
            session_name: known(&w.session_name).or_else(|| env_any(&["AWS_ROLE_SESSION_NAME"])),
            duration: known(&w.duration).and_then(|d| parse_duration(&d).ok()),
            policy: known(&w.policy),
            policy_arns: known_strings(&w.policy_arns),
        },
        token,
    })
}

pub(super) fn read_ca_bundle(path: &str, attr: AttributePath) -> Result<Vec<u8>, SettingsError> {
    let pem = std::fs::read(path).map_err(|e| SettingsError {
        path: attr.clone(),
        summary: "Cannot read custom_ca_bundle".into(),
        detail: format!(
            "custom_ca_bundle (or AWS_CA_BUNDLE) is {path:?}, which cannot be read: {e}. Point it at a PEM file of CA certificates."
        ),
    })?;
    check_ca_bundle(&pem).map_err(|why| SettingsError {
        path: attr,
        summary: "custom_ca_bundle is not a PEM bundle".into(),
        detail: format!(
            "The file {path:?} given as custom_ca_bundle (or AWS_CA_BUNDLE): {why}. It must hold PEM certificates \
             (-----BEGIN CERTIFICATE----- blocks)."
        ),
    })?;
    Ok(pem)
}

pub(super) fn check_proxy_url(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| format!("is not a URL ({e})"))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!(
            "has no http:// or https:// scheme (it reads as {:?})",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    Ok(())
}
