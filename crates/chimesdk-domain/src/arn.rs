//! Amazon Resource Names for the two kinds this project deals with:
//! Chime SDK AppInstances and Kinesis data streams.

use std::fmt;

/// `arn:{partition}:chime:{region}:{account}:app-instance/{id}`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInstanceArn {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub id: String,
}

/// `arn:{partition}:kinesis:{region}:{account}:stream/{name}`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamArn {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub name: String,
}

/// Why a string is not the ARN expected, in words for a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ArnError(pub String);

struct Parts<'a> {
    partition: &'a str,
    service: &'a str,
    region: &'a str,
    account: &'a str,
    resource: &'a str,
}

/// The longest ARN the Chime SDK models accept (AppInstanceArn and
/// ResourceArn are 5-1600 characters); longer ones never reach an SDK call.
pub const MAX_ARN_LENGTH: usize = 1600;

fn split(raw: &str) -> Result<Parts<'_>, ArnError> {
    let length = raw.chars().count();
    if length > MAX_ARN_LENGTH {
        return Err(ArnError(format!(
            "it is {length} characters long; ARNs here are at most {MAX_ARN_LENGTH}"
        )));
    }
    let mut it = raw.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
    ) else {
        return Err(ArnError(
            "it does not have the form arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE".into(),
        ));
    };
    if !partition.starts_with("aws") {
        return Err(ArnError(format!(
            "the partition {partition:?} is not an AWS partition (aws, aws-cn, aws-us-gov, ...)"
        )));
    }
    if region.is_empty()
        || !region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(ArnError(format!(
            "the region {region:?} is not a region name"
        )));
    }
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Err(ArnError(format!(
            "the account {account:?} is not a 12-digit AWS account ID"
        )));
    }
    Ok(Parts {
        partition,
        service,
        region,
        account,
        resource,
    })
}

impl AppInstanceArn {
    pub fn parse(raw: &str) -> Result<Self, ArnError> {
        let p = split(raw)?;
        if p.service != "chime" {
            return Err(ArnError(format!(
                "the service is {:?}, not \"chime\"",
                p.service
            )));
        }
        let Some(id) = p.resource.strip_prefix("app-instance/") else {
            return Err(ArnError(format!(
                "the resource {:?} is not app-instance/ID",
                p.resource
            )));
        };
        if id.is_empty() || id.contains('/') {
            return Err(ArnError(format!(
                "the resource {:?} is not app-instance/ID (a user or channel ARN is not an AppInstance ARN)",
                p.resource
            )));
        }
        Ok(Self {
            partition: p.partition.into(),
            region: p.region.into(),
            account: p.account.into(),
            id: id.into(),
        })
    }
}

impl fmt::Display for AppInstanceArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:chime:{}:{}:app-instance/{}",
            self.partition, self.region, self.account, self.id
        )
    }
}

impl StreamArn {
    pub fn parse(raw: &str) -> Result<Self, ArnError> {
        let p = split(raw)?;
        if p.service != "kinesis" {
            return Err(ArnError(format!(
                "the service is {:?}, not \"kinesis\" (a Kinesis data stream ARN is required)",
                p.service
            )));
        }
        let Some(name) = p.resource.strip_prefix("stream/") else {
            return Err(ArnError(format!(
                "the resource {:?} is not stream/NAME",
                p.resource
            )));
        };
        if name.is_empty() || name.contains('/') {
            return Err(ArnError(format!(
                "the resource {:?} is not stream/NAME",
                p.resource
            )));
        }
        Ok(Self {
            partition: p.partition.into(),
            region: p.region.into(),
            account: p.account.into(),
            name: name.into(),
        })
    }

    pub fn new(partition: &str, region: &str, account: &str, name: &str) -> Self {
        Self {
            partition: partition.into(),
            region: region.into(),
            account: account.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for StreamArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:kinesis:{}:{}:stream/{}",
            self.partition, self.region, self.account, self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_longer_than_the_models_allow_is_refused() {
        let long = format!(
            "arn:aws:chime:us-east-1:123456789012:app-instance/{}",
            "a".repeat(70_000)
        );
        let err = AppInstanceArn::parse(&long).unwrap_err().to_string();
        assert!(err.contains("at most 1600"), "{err}");
        let long = format!(
            "arn:aws:kinesis:us-east-1:123456789012:stream/{}",
            "a".repeat(2_000)
        );
        assert!(StreamArn::parse(&long).is_err());
    }

    #[test]
    fn app_instance_arns_parse_and_print() {
        let raw = "arn:aws:chime:us-east-1:123456789012:app-instance/abc-123";
        let a = AppInstanceArn::parse(raw).unwrap();
        assert_eq!(
            (a.region.as_str(), a.account.as_str(), a.id.as_str()),
            ("us-east-1", "123456789012", "abc-123")
        );
        assert_eq!(a.to_string(), raw);
    }

    #[test]
    fn wrong_app_instance_arns_say_why() {
        let cases = [
            (
                "arn:aws:chime:us-east-1:123456789012:app-instance/a/user/u",
                "user or channel",
            ),
            (
                "arn:aws:kinesis:us-east-1:123456789012:app-instance/a",
                "not \"chime\"",
            ),
            ("arn:aws:chime:us-east-1:1234:app-instance/a", "12-digit"),
            ("app-instance/a", "does not have the form"),
            (
                "arn:aws:chime:us-east-1:123456789012:channel/a",
                "not app-instance/ID",
            ),
        ];
        for (raw, why) in cases {
            let err = AppInstanceArn::parse(raw).unwrap_err().0;
            assert!(err.contains(why), "{raw}: {err}");
        }
    }

    #[test]
    fn stream_arns_parse() {
        let s =
            StreamArn::parse("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/chime-messaging-x")
                .unwrap();
        assert_eq!(s.partition, "aws-cn");
        assert_eq!(s.name, "chime-messaging-x");
        assert!(StreamArn::parse("arn:aws:sqs:us-east-1:123456789012:queue").is_err());
        assert!(StreamArn::parse("arn:aws:kinesis:us-east-1:123456789012:stream/").is_err());
    }
}
