//! The services the provider calls and their `endpoints { ... }` override:
//! one table that the provider schema, its validation, the settings and the
//! client builders all read.

use std::collections::BTreeMap;

/// An AWS service the provider has a client for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Service {
    Kinesis,
    Iam,
    Kms,
    ChimeSdkMessaging,
    ChimeSdkIdentity,
    LexModelsV2,
    Lambda,
    Sts,
}

/// One row of the table: the service, its attribute in the `endpoints`
/// block, and what it is used for (the attribute's docs).
pub struct ServiceEndpoint {
    pub service: Service,
    pub attribute: &'static str,
    pub used_for: &'static str,
}

/// Every service with an endpoint override, in the order the docs list them.
pub const SERVICES: [ServiceEndpoint; 8] = [
    ServiceEndpoint {
        service: Service::Kinesis,
        attribute: "kinesis",
        used_for: "Amazon Kinesis Data Streams",
    },
    ServiceEndpoint {
        service: Service::Iam,
        attribute: "iam",
        used_for: "AWS IAM (GetRole: whether Chime SDK messaging's service-linked role exists, at plan)",
    },
    ServiceEndpoint {
        service: Service::Kms,
        attribute: "kms",
        used_for: "AWS KMS (DescribeKey and GetKeyPolicy: plan-time checks of customer-managed stream keys)",
    },
    ServiceEndpoint {
        service: Service::ChimeSdkMessaging,
        attribute: "chime_sdk_messaging",
        used_for: "Amazon Chime SDK messaging",
    },
    ServiceEndpoint {
        service: Service::ChimeSdkIdentity,
        attribute: "chime_sdk_identity",
        used_for: "Amazon Chime SDK identity (AppInstances and their tags)",
    },
    ServiceEndpoint {
        service: Service::LexModelsV2,
        attribute: "lexv2models",
        used_for: "Amazon Lex V2 models (DescribeBotAlias and DescribeResourcePolicy: plan-time checks of an \
                   AppInstanceBot's bot alias)",
    },
    ServiceEndpoint {
        service: Service::Lambda,
        attribute: "lambda",
        used_for: "AWS Lambda (GetFunctionConfiguration and GetPolicy: plan-time checks of a channel flow's \
                   processors)",
    },
    ServiceEndpoint {
        service: Service::Sts,
        attribute: "sts",
        used_for: "AWS STS (GetCallerIdentity, AssumeRole and AssumeRoleWithWebIdentity); no other service uses it",
    },
];

/// The endpoint URLs the configuration overrides; a service missing here
/// uses AWS's own endpoint for the region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Endpoints(BTreeMap<Service, String>);

impl Endpoints {
    /// From `endpoints` block attribute names to URLs; names not in
    /// [`SERVICES`] are ignored (the schema has no others).
    pub fn from_attributes<'a>(urls: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let mut out = BTreeMap::new();
        for (name, url) in urls {
            if let Some(row) = SERVICES.iter().find(|r| r.attribute == name) {
                out.insert(row.service, url);
            }
        }
        Endpoints(out)
    }

    pub fn get(&self, service: Service) -> Option<&str> {
        self.0.get(&service).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_attribute_names_one_service() {
        let e = Endpoints::from_attributes([
            ("kinesis", "http://127.0.0.1:1".to_string()),
            ("chime_sdk_identity", "http://127.0.0.1:2".to_string()),
            ("not_a_service", "http://127.0.0.1:3".to_string()),
        ]);
        assert_eq!(e.get(Service::Kinesis), Some("http://127.0.0.1:1"));
        assert_eq!(e.get(Service::ChimeSdkIdentity), Some("http://127.0.0.1:2"));
        assert_eq!(e.get(Service::ChimeSdkMessaging), None);
        let mut attrs: Vec<_> = SERVICES.iter().map(|r| r.attribute).collect();
        attrs.dedup();
        assert_eq!(attrs.len(), SERVICES.len());
    }
}
