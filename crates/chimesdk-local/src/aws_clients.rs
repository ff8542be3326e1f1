//! chimesdk-local's own AWS clients (Kinesis for delivery and the
//! prerequisite checks, KMS for the key gate), all from one SdkConfig.

use std::time::Duration;

/// What every AWS client of chimesdk-local shares: its own credentials, the
/// one endpoint (moto), no SDK retries (delivery retries by itself) and
/// short timeouts, so a stuck call never holds a stream's worker for long.
pub fn sdk_config(endpoint: &str, region: &str) -> aws_config::SdkConfig {
    let creds = aws_credential_types::Credentials::new(
        "chimesdk-local",
        "chimesdk-local",
        None,
        None,
        "chimesdk-local",
    );
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
        .endpoint_url(endpoint)
        .http_client(http_client())
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(10))
                .build(),
        )
        .build()
}

/// The SDK crates are built without a default HTTP client: this one speaks
/// plain HTTP (moto) and HTTPS with the system's roots, without a proxy.
pub fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https()
}

pub fn kinesis_client(endpoint: &str, region: &str) -> aws_sdk_kinesis::Client {
    aws_sdk_kinesis::Client::new(&sdk_config(endpoint, region))
}
