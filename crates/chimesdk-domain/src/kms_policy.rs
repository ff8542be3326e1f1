//! Whether a KMS key policy lets Chime SDK messaging write to a stream
//! encrypted with the key: the service-linked role asks for
//! `kms:GenerateDataKey` through Kinesis. The role's AWS managed policy
//! allows that on any key via Kinesis, and an IAM policy counts only if the
//! key policy lets the account's IAM grant it (the account root, or the
//! account ID) or names the role itself.
//!
//! The evaluation is `policy`'s: what it cannot judge is reported as such.

pub use super::policy::Verdict;
use super::policy::{self, Request};

/// The role Chime SDK messaging writes with.
pub const SERVICE_LINKED_ROLE: &str = "AWSServiceRoleForChimeSDKMessaging";
/// The action a Kinesis producer needs on a customer-managed key.
pub const ACTION: &str = "kms:GenerateDataKey";

/// The request the service makes, as the policy sees it.
#[derive(Debug, Clone)]
pub struct WriteRequest {
    /// The account of the stream and the role.
    pub account: String,
    pub partition: String,
    pub region: String,
    pub stream_arn: String,
    pub key_arn: String,
}

impl WriteRequest {
    /// The service-linked role's ARN (IAM's path convention for service-linked roles).
    pub fn role_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role/aws-service-role/messaging.chime.amazonaws.com/{SERVICE_LINKED_ROLE}",
            self.partition, self.account
        )
    }

    fn via_service(&self) -> String {
        format!("kinesis.{}.amazonaws.com", self.region)
    }

    /// The request as the key policy sees it.
    fn request(&self) -> Request {
        let context = [
            ("kms:viaservice", self.via_service()),
            ("kms:calleraccount", self.account.clone()),
            ("aws:principalaccount", self.account.clone()),
            ("aws:principalarn", self.role_arn()),
            (
                "kms:encryptioncontext:aws:kinesis:arn",
                self.stream_arn.clone(),
            ),
            ("aws:principaltype", "AssumedRole".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Request {
            // The key policy lets the account's IAM grant it (the account
            // root, or the account ID) or names the role itself.
            aws_principals: vec![
                self.account.clone(),
                format!("arn:{}:iam::{}:root", self.partition, self.account),
                self.role_arn(),
            ],
            service_principal: None,
            action: ACTION.to_string(),
            resource: self.key_arn.clone(),
            context,
        }
    }

    /// The statement that lets the role use the key, for a fix.
    pub fn statement_to_add(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({
            "Sid": "AllowChimeSdkMessagingToWriteToKinesis",
            "Effect": "Allow",
            "Principal": { "AWS": self.role_arn() },
            "Action": ACTION,
            "Resource": "*",
            "Condition": { "StringEquals": { "kms:ViaService": self.via_service() } }
        }))
        .expect("a literal serializes")
    }
}

/// Judges `policy` (the key policy's JSON text) for `req`.
pub fn evaluate(policy: &str, req: &WriteRequest) -> Verdict {
    policy::evaluate(policy, &req.request())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::glob;

    fn req() -> WriteRequest {
        WriteRequest {
            account: "123456789012".into(),
            partition: "aws".into(),
            region: "us-east-1".into(),
            stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-a".into(),
            key_arn: "arn:aws:kms:us-east-1:123456789012:key/k-1".into(),
        }
    }

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/aws-service-role/messaging.chime.amazonaws.com/AWSServiceRoleForChimeSDKMessaging";

    #[test]
    fn a_table_of_statements() {
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "the default key policy: the account root, kms:*",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}"#),
                "Allowed",
            ),
            (
                "the account ID as a plain string",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:GenerateDataKey*","Resource":"*"}"#),
                "Allowed",
            ),
            (
                "the role in a list, action in a list, with the Kinesis ViaService",
                policy(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":["arn:aws:iam::111122223333:root","{ROLE}"]}},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:ViaService":"kinesis.us-east-1.amazonaws.com"}}}}}}"#)),
                "Allowed",
            ),
            (
                "principal * with a CallerAccount condition",
                policy(r#"{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"123456789012"}}}"#),
                "Allowed",
            ),
            (
                "principal {AWS: *} with StringLike ViaService",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:GenerateDataKey","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"kinesis.*.amazonaws.com"}}}"#),
                "Allowed",
            ),
            (
                "the encryption context of this stream",
                policy(&format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{ROLE}"}},"Action":"kms:GenerateDataKey","Resource":"*","Condition":{{"ArnLike":{{"kms:EncryptionContext:aws:kinesis:arn":"arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-*"}}}}}}"#)),
                "Allowed",
            ),
            (
                "only another principal",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}"#),
                "NotAllowed",
            ),
            (
                "a service principal is not the role",
                policy(r#"{"Effect":"Allow","Principal":{"Service":"messaging.chime.amazonaws.com"},"Action":"kms:*","Resource":"*"}"#),
                "NotAllowed",
            ),
            (
                "the right principal, another action",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["kms:Decrypt","kms:Describe*"],"Resource":"*"}"#),
                "NotAllowed",
            ),
            (
                "ViaService for another service",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}"#),
                "NotAllowed",
            ),
            (
                "ViaService for another region",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"kinesis.eu-central-1.amazonaws.com"}}}"#),
                "NotAllowed",
            ),
            (
                "an explicit Deny beats the root grant",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"NoKinesis","Effect":"Deny","Principal":"*","Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"kinesis.*.amazonaws.com"}}}"#),
                "Denied",
            ),
            (
                "NotAction that leaves GenerateDataKey in",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"NotAction":"kms:ScheduleKeyDeletion","Resource":"*"}"#),
                "Allowed",
            ),
            (
                "NotAction that takes GenerateDataKey out",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"NotAction":"kms:Generate*","Resource":"*"}"#),
                "NotAllowed",
            ),
            (
                "NotPrincipal cannot be judged",
                policy(r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/x"},"Action":"kms:*","Resource":"*"}"#),
                "CannotVerify",
            ),
            (
                "an unknown condition key cannot be judged",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}"#),
                "CannotVerify",
            ),
            (
                "IfExists on an unknown key passes",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}"#),
                "Allowed",
            ),
            (
                "an unsure Deny keeps a grant from being certain",
                policy(r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#),
                "CannotVerify",
            ),
            (
                "a single statement object, not a list",
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"kms:*","Resource":"*"}}"#.to_string(),
                "Allowed",
            ),
            ("not JSON", "{".to_string(), "CannotVerify"),
        ];
        for (what, text, expected) in cases {
            let got = evaluate(&text, &req());
            let name = match &got {
                Verdict::Allowed => "Allowed",
                Verdict::NotAllowed => "NotAllowed",
                Verdict::Denied { .. } => "Denied",
                Verdict::CannotVerify { .. } => "CannotVerify",
            };
            assert_eq!(name, expected, "{what}: {got:?}");
        }
        assert_eq!(evaluate(&policy(""), &req()), Verdict::NotAllowed);
    }

    #[test]
    fn a_deny_is_quoted_and_the_fix_names_the_role_and_region() {
        let denying = r#"{"Sid":"NoKinesis","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}"#;
        match evaluate(&policy(denying), &req()) {
            Verdict::Denied { statement } => {
                assert!(statement.contains("NoKinesis"), "{statement}")
            }
            other => panic!("{other:?}"),
        }
        let fix = req().statement_to_add();
        assert!(
            fix.contains(ROLE) && fix.contains("kinesis.us-east-1.amazonaws.com"),
            "{fix}"
        );
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(glob("kms:Generate*", "kms:GenerateDataKey", true));
        assert!(glob("KMS:generatedatakey", "kms:GenerateDataKey", true));
        assert!(glob("kms:GenerateDataKe?", "kms:GenerateDataKey", true));
        assert!(!glob(
            "kms:GenerateDataKeyPair*",
            "kms:GenerateDataKey",
            true
        ));
        assert!(glob("*", "anything", false));
        assert!(
            !glob("Kinesis.*", "kinesis.us-east-1", false),
            "values are case-sensitive"
        );
    }
}
