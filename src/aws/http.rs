//! The HTTP client under every AWS call: the trust store (system roots plus
//! `custom_ca_bundle`) and the proxy for the endpoint's scheme.

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, Connector};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// Proxies by scheme; `None` = connect directly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxySettings {
    pub http_proxy: Option<String>,
    pub https_proxy: Option<String>,
    pub no_proxy: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum HttpSetupError {
    #[error("{0}")]
    CaBundle(String),
    #[error("{0}")]
    Proxy(String),
}

/// What the client needs besides the endpoint's scheme.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpSettings {
    /// PEM text of extra trusted CA certificates.
    pub ca_bundle_pem: Option<Vec<u8>>,
    pub proxy: ProxySettings,
}

/// The two HTTP clients every AWS client picks from, built once per
/// configured provider so that they share connection pools and load the
/// system roots once per scheme.
#[derive(Debug, Clone)]
pub struct HttpClients {
    http: SharedHttpClient,
    https: SharedHttpClient,
}

impl HttpClients {
    /// The client for an endpoint URL (`None`: the service's own, https).
    /// Each AWS client talks to one endpoint, so each gets the proxy for
    /// that endpoint's scheme.
    pub fn for_endpoint(&self, endpoint: Option<&str>) -> SharedHttpClient {
        if is_http(endpoint) {
            self.http.clone()
        } else {
            self.https.clone()
        }
    }
}

impl ProxySettings {
    /// The proxy requests to `url` go through, if any: by its scheme, unless
    /// `no_proxy` names its host (a suffix match, as curl does; `*` = all).
    pub fn for_url(&self, url: &str) -> Option<&str> {
        let proxy = if is_http(Some(url)) {
            &self.http_proxy
        } else {
            &self.https_proxy
        };
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split(['/', ':'])
            .next()
            .unwrap_or_default();
        let bypassed = self.no_proxy.as_deref().is_some_and(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .any(|entry| {
                    entry == "*"
                        || host == entry.trim_start_matches('.')
                        || host.ends_with(&format!(".{}", entry.trim_start_matches('.')))
                })
        });
        if bypassed { None } else { proxy.as_deref() }
    }
}

fn is_http(endpoint: Option<&str>) -> bool {
    matches!(
        endpoint.and_then(|e| e.split_once("://")),
        Some(("http", _))
    )
}

impl HttpSettings {
    pub fn clients(&self) -> Result<HttpClients, HttpSetupError> {
        Ok(HttpClients {
            http: self.client(self.proxy.http_proxy.as_deref())?,
            https: self.client(self.proxy.https_proxy.as_deref())?,
        })
    }

    /// A client that goes through `proxy_url` (or directly).
    fn client(&self, proxy_url: Option<&str>) -> Result<SharedHttpClient, HttpSetupError> {
        let proxy = match proxy_url {
            Some(url) => {
                let mut p = ProxyConfig::all(url)
                    .map_err(|e| HttpSetupError::Proxy(format!("proxy URL {url:?}: {e}")))?;
                if let Some(no) = &self.proxy.no_proxy {
                    p = p.no_proxy(no);
                }
                p
            }
            None => ProxyConfig::disabled(),
        };
        let mut trust = TrustStore::default();
        if let Some(pem) = &self.ca_bundle_pem {
            trust = trust.with_pem_certificate(pem.clone());
        }
        let context = TlsContext::builder()
            .with_trust_store(trust)
            .build()
            .map_err(|e| HttpSetupError::CaBundle(e.to_string()))?;
        let provider = tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc);
        // The public builders take no proxy; this one builds the connector
        // the way `build_https` does, plus the proxy.
        Ok(
            Builder::new().build_with_connector_fn(move |settings, components| {
                // Called with neither only by the SDK's validation of each
                // client it builds, which drops the result: its point is to
                // load the system's CA roots early, and each load parses the
                // whole bundle (about 9 M instructions; ConfigureProvider
                // built eight, 13 % of a 500-resource plan's provider CPU).
                // The connector requests use is built below on the first
                // request, once per connector settings.
                if settings.is_none() && components.is_none() {
                    return Connector::builder().build_http();
                }
                let mut b = Connector::builder()
                    .tls_provider(provider.clone())
                    .tls_context(context.clone())
                    .proxy_config(proxy.clone());
                b.set_connector_settings(settings.cloned());
                if let Some(rc) = components {
                    b.set_sleep_impl(rc.sleep_impl());
                }
                b.build()
            }),
        )
    }
}

/// Checks that a CA bundle holds at least one PEM certificate and nothing
/// that is not PEM; returns the number of certificates.
pub fn check_ca_bundle(pem: &[u8]) -> Result<usize, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut count = 0;
    for cert in CertificateDer::pem_slice_iter(pem) {
        cert.map_err(|e| format!("it is not valid PEM ({e:?})"))?;
        count += 1;
    }
    if count == 0 {
        return Err("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_for_a_url_follows_its_scheme_and_no_proxy() {
        let p = ProxySettings {
            http_proxy: Some("http://p1:3128".into()),
            https_proxy: Some("http://p2:3128".into()),
            no_proxy: Some("localhost, .internal".into()),
        };
        assert_eq!(
            p.for_url("https://sts.us-east-1.amazonaws.com"),
            Some("http://p2:3128")
        );
        assert_eq!(p.for_url("http://127.0.0.1:4566"), Some("http://p1:3128"));
        assert_eq!(p.for_url("http://localhost:4566/x"), None);
        assert_eq!(p.for_url("https://kinesis.vpce.internal"), None);
        assert_eq!(ProxySettings::default().for_url("https://x"), None);
    }

    #[test]
    fn each_endpoint_picks_its_own_scheme() {
        assert!(is_http(Some("http://127.0.0.1:1")));
        assert!(!is_http(Some("https://sts.example")));
        assert!(!is_http(None));
    }

    #[test]
    fn a_ca_bundle_must_hold_pem_certificates() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        assert_eq!(check_ca_bundle(cert.pem().as_bytes()), Ok(1));
        assert!(check_ca_bundle(b"not a certificate").is_err());
        assert!(check_ca_bundle(cert.der()).is_err());
    }
}
