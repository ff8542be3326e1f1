//! Rule 9: Chime SDK messaging can use each stream's KMS key. A stream
//! encrypted with a customer-managed key whose policy does not let the
//! service-linked role use `kms:GenerateDataKey` (or that is disabled,
//! pending deletion, asymmetric or in another region) takes no record,
//! and nothing in AWS says so. Checked at plan (one DescribeKey and one
//! GetKeyPolicy per key, shared by every resource) and again before apply
//! mutates anything.

use std::collections::BTreeMap;

use super::checks::{Asking, stream_name};
use super::model::Model;
use super::validate::block_path;
use crate::aws::Aws;
use crate::aws::AwsError;
use crate::aws::kinesis::StreamSummary;
use crate::aws::kms::{AWS_MANAGED_KINESIS_KEY, KeyFacts};
use chimesdk_domain::arn::AppInstanceArn;
use chimesdk_domain::kms_policy::{ACTION, SERVICE_LINKED_ROLE, Verdict, WriteRequest, evaluate};
use tfplugin::framework::Diagnostics;
use tfplugin::value::{Attr, AttributePath};

/// One stream that uses a key, and the attribute that chose it.
struct KeyUse {
    stream_arn: String,
    path: AttributePath,
}

/// The keys of the configuration's streams: a managed stream's
/// `kms_key_id`, a referenced stream's current key (from `referenced`,
/// what the stream checks just read).
fn key_uses(
    c: &Aws<'_>,
    config: &Model,
    app: &AppInstanceArn,
    referenced: &BTreeMap<String, StreamSummary>,
) -> BTreeMap<String, Vec<KeyUse>> {
    let account = c.account_id.clone().unwrap_or_else(|| app.account.clone());
    let stream_arn = |name: &str| {
        format!(
            "arn:{}:kinesis:{}:{account}:stream/{name}",
            c.partition, c.region
        )
    };
    let blocks = config.blocks();
    let mut uses: BTreeMap<String, Vec<KeyUse>> = BTreeMap::new();
    for (i, b) in blocks.iter().enumerate() {
        let path = block_path(i, blocks.len());
        match (&b.stream, &b.resource_arn) {
            (Attr::Known(s), _) => {
                if let (Attr::Known(name), Attr::Known(key)) = (&s.name, &s.kms_key_id) {
                    uses.entry(key.clone()).or_default().push(KeyUse {
                        stream_arn: stream_arn(name),
                        path: path.attribute("stream").attribute("kms_key_id"),
                    });
                }
            }
            (Attr::Null, Attr::Known(arn)) => {
                let Some(name) = stream_name(arn) else {
                    continue;
                };
                // Not found or refused: check_referenced_streams says so.
                if let Some(summary) = referenced.get(&name)
                    && summary.kms
                    && let Some(key) = summary.key_id.clone()
                {
                    uses.entry(key).or_default().push(KeyUse {
                        stream_arn: arn.clone(),
                        path: path.attribute("resource_arn"),
                    });
                }
            }
            _ => {}
        }
    }
    uses
}

/// Checks every customer-managed key the configuration's streams use.
pub async fn check_stream_keys(
    c: &Aws<'_>,
    config: &Model,
    referenced: &BTreeMap<String, StreamSummary>,
    asking: Asking,
    diags: &mut Diagnostics,
) {
    let Some(app) = config
        .app_instance_arn
        .known()
        .and_then(|a| AppInstanceArn::parse(a).ok())
    else {
        return;
    };
    for (key, uses) in key_uses(c, config, &app, referenced) {
        if key == AWS_MANAGED_KINESIS_KEY {
            continue;
        }
        let facts = match asking.key(c, &key).await {
            Ok(f) => f,
            Err(e) => {
                lookup_failed(&key, "DescribeKey", "kms:DescribeKey", &e, &uses, diags);
                continue;
            }
        };
        if facts.aws_managed {
            continue;
        }
        let account = c.account_id.clone().unwrap_or_else(|| app.account.clone());
        if let Some((summary, detail)) = unusable(&facts, &c.region) {
            for u in &uses {
                diags.error_at(u.path.clone(), summary.clone(), detail.clone());
            }
            continue;
        }
        if facts.account != account {
            for u in &uses {
                diags.warning_at(
                    u.path.clone(),
                    format!("KMS key {key} is in another account"),
                    format!(
                        "The key {} belongs to account {}, and the stream to {account}: its key policy cannot be read \
                         from here. It must allow {ACTION} to the role {} of account {account} (or to that account's \
                         IAM), with kms:ViaService kinesis.{}.amazonaws.com.",
                        facts.arn,
                        facts.account,
                        SERVICE_LINKED_ROLE,
                        c.region
                    ),
                );
            }
            continue;
        }
        let policy = match asking.key_policy(c, &facts.key_id).await {
            Ok(p) => p,
            Err(e) => {
                lookup_failed(&key, "GetKeyPolicy", "kms:GetKeyPolicy", &e, &uses, diags);
                continue;
            }
        };
        for u in &uses {
            let request = WriteRequest {
                account: account.clone(),
                partition: c.partition.clone(),
                region: c.region.clone(),
                stream_arn: u.stream_arn.clone(),
                key_arn: facts.arn.clone(),
            };
            judge(&key, &facts, &policy, &request, &u.path, diags);
        }
    }
}

/// Why the key cannot encrypt a Kinesis stream at all.
fn unusable(facts: &KeyFacts, region: &str) -> Option<(String, String)> {
    let key = &facts.arn;
    if !facts.enabled() {
        return Some((
            format!("KMS key {} is {}", facts.key_id, facts.state),
            format!(
                "The stream's key {key} is {}: Kinesis refuses every record encrypted with it, so Chime SDK messaging \
                 streams nothing. Fix: enable the key (aws kms enable-key, or cancel-key-deletion), or use another key.",
                facts.state
            ),
        ));
    }
    if !facts.symmetric || !facts.encrypt_decrypt {
        return Some((
            format!("KMS key {} cannot encrypt a stream", facts.key_id),
            format!(
                "The key {key} is not a symmetric ENCRYPT_DECRYPT key, which Kinesis server-side encryption needs. Fix: \
                 use a symmetric key (KeySpec SYMMETRIC_DEFAULT), or alias/aws/kinesis."
            ),
        ));
    }
    if facts.region != region {
        return Some((
            format!("KMS key {} is in another region", facts.key_id),
            format!(
                "The key {key} is in {:?} and the stream in {region:?}; Kinesis uses keys of the stream's region only. \
                 Fix: use a key in {region:?}.",
                facts.region
            ),
        ));
    }
    None
}

fn judge(
    key: &str,
    facts: &KeyFacts,
    policy: &str,
    req: &WriteRequest,
    path: &AttributePath,
    diags: &mut Diagnostics,
) {
    let fix = format!(
        "Add this statement to the key policy of {}:\n{}",
        facts.arn,
        req.statement_to_add()
    );
    match evaluate(policy, req) {
        Verdict::Allowed => {}
        Verdict::NotAllowed => diags.error_at(
            path.clone(),
            format!("KMS key {key} does not let Chime SDK messaging write"),
            format!(
                "No statement of the key policy of {} allows {ACTION} to the service-linked role {SERVICE_LINKED_ROLE} \
                 or to the IAM of account {} for Kinesis in {}, so every record to {} would be refused and nothing \
                 streams. {fix}",
                facts.arn, req.account, req.region, req.stream_arn
            ),
        ),
        Verdict::Denied { statement } => diags.error_at(
            path.clone(),
            format!("KMS key {key} denies Chime SDK messaging"),
            format!(
                "This statement of the key policy of {} denies {ACTION} to the service-linked role \
                 {SERVICE_LINKED_ROLE} for {}:\n{statement}\nFix: narrow or remove it; an explicit Deny wins over every \
                 Allow.",
                facts.arn, req.stream_arn
            ),
        ),
        Verdict::CannotVerify { why, statement } => diags.warning_at(
            path.clone(),
            format!("Could not verify that KMS key {key} lets Chime SDK messaging write"),
            format!(
                "The key policy of {} cannot be judged from here: {why}{}. Check that it allows {ACTION} to the \
                 service-linked role {SERVICE_LINKED_ROLE}; after apply, the chimesdk_verify_streaming action proves it. \
                 {fix}",
                facts.arn,
                if statement.is_empty() { String::new() } else { format!(" (statement: {statement})") }
            ),
        ),
    }
}

fn lookup_failed(
    key: &str,
    call: &str,
    permission: &str,
    e: &AwsError,
    uses: &[KeyUse],
    diags: &mut Diagnostics,
) {
    if !e.is_not_found() && !e.is_access_denied() {
        diags.error(format!("checking KMS key ({key})"), format!("{call}: {e}"));
        return;
    }
    for u in uses {
        if e.is_not_found() {
            diags.error_at(
                u.path.clone(),
                format!("KMS key {key} does not exist"),
                format!(
                    "{call} found no key {key:?} in this account and region: the stream cannot be encrypted with it. Fix: \
                     use an existing key, or alias/aws/kinesis."
                ),
            );
        } else {
            diags.warning_at(
                u.path.clone(),
                format!("Could not check KMS key {key}"),
                format!(
                    "{call} was refused ({e}), so whether Chime SDK messaging may use the key was not checked. Grant \
                     {permission} to check it at plan time."
                ),
            );
        }
    }
}

/// The service writes with its service-linked role: say so when the
/// account has none yet, before a plan that writes a configuration.
pub async fn check_service_linked_role(c: &Aws<'_>, diags: &mut Diagnostics) {
    let exists = c.lookups.once("GetRole", SERVICE_LINKED_ROLE, || {
        crate::aws::iam::service_linked_role_exists(c)
    });
    match exists.await {
        Ok(true) => {}
        Ok(false) => diags.warning(
            format!("Chime SDK messaging's service-linked role {SERVICE_LINKED_ROLE} does not exist yet"),
            format!(
                "The service writes to the streams with the role {SERVICE_LINKED_ROLE}, which this account does not \
                 have. The AWS guide says the first PutMessagingStreamingConfigurations creates it: the credentials \
                 that apply this plan need iam:CreateServiceLinkedRole with iam:AWSServiceName = \
                 messaging.chime.amazonaws.com (examples/iam/iam-policy.json grants it). Or create it beforehand: \
                 `aws iam create-service-linked-role --aws-service-name messaging.chime.amazonaws.com`."
            ),
        ),
        Err(e) if e.is_access_denied() => diags.warning(
            format!("Could not check that {SERVICE_LINKED_ROLE} exists"),
            format!(
                "iam:GetRole was refused ({e}), so whether Chime SDK messaging's service-linked role exists was not \
                 checked. Grant iam:GetRole on it to check at plan time."
            ),
        ),
        Err(e) => diags.warning(format!("Could not check that {SERVICE_LINKED_ROLE} exists"), format!("GetRole: {e}")),
    }
}
