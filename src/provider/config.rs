//! The provider block: schema, static validation, and reading it into
//! client settings.

use serde::Deserialize;

use crate::aws::clients::{AssumeRole, ClientSettings};
use crate::framework::{
    Attribute, Block, Diagnostics, NestedBlock, Nesting, Schema, at_least, not_empty, regex_match,
};
use crate::value::{Attr, AttributePath, Value, from_value};

pub const DEFAULT_MAX_RETRIES: i64 = 10;
const ENDPOINTS: [(&str, &str); 4] = [
    ("kinesis", "Amazon Kinesis Data Streams"),
    ("chime_sdk_messaging", "Amazon Chime SDK messaging"),
    (
        "chime_sdk_identity",
        "Amazon Chime SDK identity (accepted for symmetry with local emulators; the provider makes no identity calls today)",
    ),
    (
        "sts",
        "AWS STS (used for GetCallerIdentity and assume_role)",
    ),
];

pub fn schema() -> Schema {
    let mut endpoints =
        Block::new("Custom service endpoints: local emulators, VPC endpoints or FIPS endpoints.");
    for (name, service) in ENDPOINTS {
        endpoints = endpoints.attribute(Attribute::string(name).optional().describe(&format!(
            "Endpoint URL for {service}, e.g. `http://127.0.0.1:4566`."
        )));
    }
    Schema::new(
        Block::new("The chimesdk provider configures Amazon Chime SDK messaging streaming to Amazon Kinesis data streams.")
            .attribute(
                Attribute::string("region")
                    .optional()
                    .describe("AWS region for all calls. Defaults to `AWS_REGION`, `AWS_DEFAULT_REGION`, or the profile's region.")
                    .validate(regex_match(r"^[a-z0-9]+(-[a-z0-9]+)*$", "must be a region name such as `us-east-1`")),
            )
            .attribute(
                Attribute::string("profile")
                    .optional()
                    .describe("Named profile in the shared config and credentials files. Defaults to `AWS_PROFILE`.")
                    .validate(not_empty()),
            )
            .attribute(
                Attribute::number("max_retries")
                    .optional()
                    .describe("How many times a throttled or failed AWS call is retried, with exponential backoff and jitter. Default `10`.")
                    .validate(at_least(0)),
            )
            .attribute(
                Attribute::bool("skip_credentials_validation")
                    .optional()
                    .describe("Skip STS GetCallerIdentity at start-up. The AWS account is then unknown and not compared with the AppInstance's. Default `false`."),
            )
            .block(NestedBlock::new("endpoints", Nesting::List, endpoints).items(0, 1))
            .block(
                NestedBlock::new(
                    "assume_role",
                    Nesting::List,
                    Block::new("Assume an IAM role (STS AssumeRole) with the base credentials before any call.")
                        .attribute(
                            Attribute::string("role_arn")
                                .required()
                                .describe("ARN of the role to assume.")
                                .validate(regex_match(
                                    r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$",
                                    "must be an IAM role ARN such as `arn:aws:iam::111122223333:role/terraform`",
                                )),
                        )
                        .attribute(
                            Attribute::string("session_name")
                                .optional()
                                .describe("Session name; default `terraform-provider-chimesdk`.")
                                .validate(regex_match(r"^[\w+=,.@-]{2,64}$", "must be 2-64 characters of letters, digits and `+=,.@-_`")),
                        )
                        .attribute(Attribute::string("external_id").optional().describe("External ID the role's trust policy requires.").sensitive()),
                )
                .items(0, 1),
            ),
    )
}

#[derive(Debug, Deserialize)]
pub struct ProviderConfig {
    region: Attr<String>,
    profile: Attr<String>,
    max_retries: Attr<i64>,
    skip_credentials_validation: Attr<bool>,
    endpoints: Attr<Vec<Endpoints>>,
    assume_role: Attr<Vec<AssumeRoleBlock>>,
}

#[derive(Debug, Clone, Deserialize)]
struct Endpoints {
    kinesis: Attr<String>,
    chime_sdk_messaging: Attr<String>,
    chime_sdk_identity: Attr<String>,
    sts: Attr<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct AssumeRoleBlock {
    role_arn: Attr<String>,
    session_name: Attr<String>,
    external_id: Attr<String>,
}

/// Unknown provider values are treated as unset (Terraform cannot configure
/// a provider with values from resources not yet created).
fn known<T: Clone>(a: &Attr<T>) -> Option<T> {
    a.known().cloned()
}

impl ProviderConfig {
    pub fn read(config: &Value) -> Result<Self, crate::value::TypedError> {
        from_value(config)
    }

    pub fn into_settings(self) -> ClientSettings {
        let endpoints = known(&self.endpoints).and_then(|v| v.into_iter().next());
        let ep = |f: fn(&Endpoints) -> &Attr<String>| endpoints.as_ref().and_then(|e| known(f(e)));
        ClientSettings {
            region: known(&self.region),
            profile: known(&self.profile),
            max_retries: known(&self.max_retries)
                .unwrap_or(DEFAULT_MAX_RETRIES)
                .clamp(0, 1000) as u32,
            skip_credentials_validation: known(&self.skip_credentials_validation).unwrap_or(false),
            kinesis_endpoint: ep(|e| &e.kinesis),
            chime_sdk_messaging_endpoint: ep(|e| &e.chime_sdk_messaging),
            chime_sdk_identity_endpoint: ep(|e| &e.chime_sdk_identity),
            sts_endpoint: ep(|e| &e.sts),
            assume_role: known(&self.assume_role)
                .and_then(|v| v.into_iter().next())
                .and_then(|r| {
                    Some(AssumeRole {
                        role_arn: known(&r.role_arn)?,
                        session_name: known(&r.session_name),
                        external_id: known(&r.external_id),
                    })
                }),
        }
    }
}

/// Checks that attribute validators cannot express: endpoint URLs, and an
/// empty region (the regex would say "does not match", which is less clear).
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
    let Some(Value::List(blocks)) = config.get_attr("endpoints") else {
        return;
    };
    for (i, block) in blocks.iter().enumerate() {
        for (name, _) in ENDPOINTS {
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

fn check_endpoint_url(raw: &str) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::framework::validate_attributes;
    use crate::value::{Number, PathStep};

    fn config(region: Value, endpoints: Value, role: Value) -> Value {
        Value::Object(BTreeMap::from([
            ("region".into(), region),
            ("profile".into(), Value::Null),
            ("max_retries".into(), Value::Number(Number::Int(3))),
            ("skip_credentials_validation".into(), Value::Bool(true)),
            ("endpoints".into(), endpoints),
            ("assume_role".into(), role),
        ]))
    }

    fn endpoints(kinesis: &str) -> Value {
        Value::List(vec![Value::Object(BTreeMap::from([
            ("kinesis".into(), Value::String(kinesis.into())),
            ("chime_sdk_messaging".into(), Value::unknown()),
            ("chime_sdk_identity".into(), Value::Null),
            ("sts".into(), Value::Null),
        ]))])
    }

    fn all_diags(v: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        validate_attributes(&schema().block, v, &AttributePath::root(), &mut d);
        validate(v, &mut d);
        d
    }

    #[test]
    fn bad_endpoint_url_points_at_the_attribute() {
        let d = all_diags(&config(
            Value::String("us-east-1".into()),
            endpoints("not a url"),
            Value::Null,
        ));
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
        let role = Value::List(vec![Value::Object(BTreeMap::from([
            (
                "role_arn".into(),
                Value::String("arn:aws:iam::12:user/x".into()),
            ),
            ("session_name".into(), Value::Null),
            ("external_id".into(), Value::Null),
        ]))]);
        let d = all_diags(&config(Value::String("".into()), Value::Null, role));
        let paths: Vec<String> = d
            .iter()
            .map(|d| d.path.as_ref().unwrap().to_string())
            .collect();
        assert!(paths.contains(&"region".to_string()), "{paths:?}");
        assert!(
            paths.contains(&"assume_role[0].role_arn".to_string()),
            "{paths:?}"
        );
    }

    #[test]
    fn unknown_values_are_not_errors_and_read_as_unset() {
        let v = config(
            Value::unknown(),
            endpoints("http://127.0.0.1:4566"),
            Value::Null,
        );
        assert!(all_diags(&v).is_empty());
        let s = ProviderConfig::read(&v).unwrap().into_settings();
        assert_eq!(s.region, None);
        assert_eq!(s.kinesis_endpoint.as_deref(), Some("http://127.0.0.1:4566"));
        assert_eq!(s.chime_sdk_messaging_endpoint, None);
        assert_eq!(s.max_retries, 3);
    }
}
