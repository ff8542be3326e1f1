//! Live prerequisite checks shared by plan and apply: the provider's
//! region/account against the AppInstance's, the AppInstance's existence,
//! the five stream rules against what Kinesis reports, and no takeover of a
//! configuration another owner set. Plan asks the shared lookups, apply
//! asks AWS again before its first mutating call.

use std::collections::BTreeMap;

use super::calls as chime;
use super::model::{Desired, Model, Target};
use super::validate::block_path;
use crate::aws::Aws;
use crate::aws::kinesis::StreamSummary;
use crate::aws::regions::chime_region_problem;
use chimesdk_domain::arn::{AppInstanceArn, StreamArn};
use chimesdk_domain::streaming::{MIN_OPEN_SHARDS, Unmet, unmet_by_summary};
use tfplugin::framework::Diagnostics;
use tfplugin::value::{Attr, AttributePath};

/// Rule 7: streams are read and made with the provider's credentials, so the
/// provider must be in the AppInstance's region and account.
pub fn check_provider_matches(c: &Aws<'_>, app: &AppInstanceArn, diags: &mut Diagnostics) {
    if let Some(why) = chime_region_problem(&c.region, c.custom_chime_endpoint) {
        diags.error_at(
            AttributePath::attr("app_instance_arn"),
            "Amazon Chime SDK messaging is not available in this region",
            why,
        );
        return;
    }
    let mut wrong = Vec::new();
    if c.region != app.region {
        wrong.push(format!(
            "region {:?} (AppInstance: {:?})",
            c.region, app.region
        ));
    }
    if let Some(account) = &c.account_id
        && *account != app.account
    {
        wrong.push(format!(
            "account {account:?} (AppInstance: {:?})",
            app.account
        ));
    }
    if !wrong.is_empty() {
        diags.error_at(
            AttributePath::attr("app_instance_arn"),
            "Provider is not in the AppInstance's region and account",
            format!(
                "This provider configuration uses {}. Kinesis streams for an AppInstance must be in its own account and \
                 region, and the provider reads and creates them with its own credentials. Use a provider alias \
                 configured for region {:?} and account {:?}, and set `provider = chimesdk.ALIAS` on this resource.",
                wrong.join(" and "),
                app.region,
                app.account
            ),
        );
    }
}

/// Where a live check gets its answer: the plan's lookups, shared by every
/// resource of this provider process, or AWS itself, right before apply
/// mutates anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asking {
    SharedPlanLookup,
    AwsNow,
}

impl Asking {
    /// `operation`'s answer for `key`: the shared plan-time one, or `call`
    /// made now. Boxed: the plan's futures nest deep enough already that
    /// one more inline layer passes the compiler's layout depth limit.
    fn ask<'a, T, F>(
        self,
        c: &'a Aws<'_>,
        operation: &'static str,
        key: &'a str,
        call: impl FnOnce() -> F + Send + 'a,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<T, crate::aws::AwsError>> + Send + 'a>,
    >
    where
        T: Clone + Send + Sync + 'static,
        F: std::future::Future<Output = Result<T, crate::aws::AwsError>> + Send + 'a,
    {
        Box::pin(async move {
            match self {
                Asking::SharedPlanLookup => c.lookups.once(operation, key, call).await,
                Asking::AwsNow => call().await,
            }
        })
    }

    pub async fn stream_summary(
        self,
        c: &Aws<'_>,
        name: &str,
    ) -> Result<StreamSummary, crate::aws::AwsError> {
        self.ask(c, "DescribeStreamSummary", name, || {
            crate::aws::kinesis::describe_stream_summary(c, name)
        })
        .await
    }

    pub async fn key(
        self,
        c: &Aws<'_>,
        key: &str,
    ) -> Result<crate::aws::kms::KeyFacts, crate::aws::AwsError> {
        self.ask(c, "DescribeKey", key, || {
            crate::aws::kms::describe_key(c, key)
        })
        .await
    }

    pub async fn key_policy(
        self,
        c: &Aws<'_>,
        key_id: &str,
    ) -> Result<String, crate::aws::AwsError> {
        self.ask(c, "GetKeyPolicy", key_id, || {
            crate::aws::kms::key_policy(c, key_id)
        })
        .await
    }

    async fn app_instance_exists(
        self,
        c: &Aws<'_>,
        arn: &str,
    ) -> Result<bool, crate::aws::AwsError> {
        self.ask(c, "DescribeAppInstance", arn, || {
            crate::aws::app_instances::app_instance_exists(c, arn)
        })
        .await
    }
}

/// The AppInstance must exist before anything is created for it: checked at
/// plan time on create, and again before apply's first mutating call.
pub async fn check_app_instance_exists(
    c: &Aws<'_>,
    app: &str,
    asking: Asking,
    diags: &mut Diagnostics,
) {
    match asking.app_instance_exists(c, app).await {
        Ok(true) => {}
        Ok(false) => diags.error_at(
            AttributePath::attr("app_instance_arn"),
            "AppInstance does not exist",
            format!(
                "app_instance_arn = {app:?} names no AppInstance in region {} of this account. Create it first (for \
                 example chimesdk_app_instance or awscc_chime_app_instance) and reference its ARN, or correct the ARN.",
                c.region
            ),
        ),
        Err(why) if why.is_access_denied() => diags.warning_at(
            AttributePath::attr("app_instance_arn"),
            "Could not check that the AppInstance exists",
            format!("DescribeAppInstance was refused ({why}). Grant chime:DescribeAppInstance to check it at plan time."),
        ),
        Err(e) => diags.error(format!("reading Chime SDK AppInstance ({app})"), e.to_string()),
    }
}

/// Rule 8: what is wrong with an existing stream, as (summary, detail) pairs.
pub fn stream_problems(s: &StreamSummary) -> Vec<(String, String)> {
    unmet_by_summary(s.open_shards, s.kms)
        .into_iter()
        .filter_map(|unmet| match unmet {
            Unmet::TooFewShards { open } => Some((
                format!("Kinesis stream {} has too few shards", s.name),
                format!(
                    "The stream {} has {open} open shard(s); Chime SDK messaging needs at least {MIN_OPEN_SHARDS}. Fix: set \
                     `shard_count = {MIN_OPEN_SHARDS}` on the aws_kinesis_stream, or run `aws kinesis update-shard-count \
                     --stream-name {} --target-shard-count {MIN_OPEN_SHARDS} --scaling-type UNIFORM_SCALING`.",
                    s.name, s.name
                ),
            )),
            Unmet::NotEncrypted => Some((
                format!("Kinesis stream {} is not encrypted", s.name),
                format!(
                    "The stream {} has server-side encryption off (EncryptionType NONE); Chime SDK messaging requires KMS \
                     encryption. Fix: set `encryption_type = \"KMS\"` and `kms_key_id = \"alias/aws/kinesis\"` on the \
                     aws_kinesis_stream, or run `aws kinesis start-stream-encryption --stream-name {} --encryption-type KMS \
                     --key-id alias/aws/kinesis`.",
                    s.name, s.name
                ),
            )),
            Unmet::NamePrefix | Unmet::Placement(_) => None,
        })
        .collect()
}

/// The stream name of a referenced ARN (already validated statically).
pub fn stream_name(arn: &str) -> Option<String> {
    StreamArn::parse(arn).ok().map(|s| s.name)
}

/// Paths of config blocks by data type, for diagnostics.
pub fn block_paths(config: &Model) -> BTreeMap<String, AttributePath> {
    let count = config.blocks().len();
    config
        .blocks()
        .iter()
        .enumerate()
        .filter_map(|(i, b)| Some((b.data_type.known()?.clone(), block_path(i, count))))
        .collect()
}

/// Checks each referenced stream against the prerequisites, one
/// DescribeStreamSummary per distinct stream; returns what was found, by
/// stream name, for the key checks. Shared with apply.
pub async fn check_referenced_streams(
    c: &Aws<'_>,
    config: &Model,
    asking: Asking,
    diags: &mut Diagnostics,
) -> BTreeMap<String, StreamSummary> {
    let mut found = BTreeMap::new();
    let paths = block_paths(config);
    let mut by_arn: BTreeMap<String, Vec<AttributePath>> = BTreeMap::new();
    for b in config.blocks() {
        if let (Attr::Known(arn), Attr::Null, Attr::Known(dt)) =
            (&b.resource_arn, &b.stream, &b.data_type)
            && let Some(path) = paths.get(dt)
        {
            by_arn
                .entry(arn.clone())
                .or_default()
                .push(path.clone().attribute("resource_arn"));
        }
    }
    for (arn, paths) in by_arn {
        let Some(name) = stream_name(&arn) else {
            continue;
        };
        match asking.stream_summary(c, &name).await {
            Ok(summary) => {
                for (summary_text, detail) in stream_problems(&summary) {
                    for p in &paths {
                        diags.error_at(p.clone(), summary_text.clone(), detail.clone());
                    }
                }
                found.insert(name, summary);
            }
            Err(e) if e.is_not_found() => {
                for p in &paths {
                    diags.error_at(
                        p.clone(),
                        format!("Kinesis stream {name} does not exist"),
                        format!(
                            "resource_arn names the stream {name:?}, which does not exist in region {} of this account. \
                             Create it first (aws_kinesis_stream, with encryption_type = \"KMS\" and shard_count >= 2), \
                             or replace resource_arn with a `stream` block so that this provider creates it.",
                            c.region
                        ),
                    );
                }
            }
            Err(why) if why.is_access_denied() => {
                for p in &paths {
                    diags.warning_at(
                        p.clone(),
                        format!("Could not check Kinesis stream {name}"),
                        format!(
                            "DescribeStreamSummary was refused ({why}), so the stream's shards and encryption were not \
                             checked. Grant kinesis:DescribeStreamSummary to check them at plan time."
                        ),
                    );
                }
            }
            Err(e) => diags.error(format!("checking Kinesis stream ({name})"), e.to_string()),
        }
    }
    found
}

/// Refuses to take over an AppInstance whose streaming configuration this
/// state does not hold (another stack, or set by hand). An identical
/// configuration is accepted: it is what an interrupted create left.
pub fn check_no_takeover(
    existing: &[chime::Configured],
    desired: Option<&Desired>,
    app: &str,
    diags: &mut Diagnostics,
) {
    if existing.is_empty() {
        return;
    }
    let wanted: Option<Vec<(String, String)>> = desired.map(|d| {
        d.targets
            .iter()
            .map(|(dt, t)| {
                let name = match t {
                    Target::Managed(s) => s.name.clone(),
                    Target::Referenced(arn) => stream_name(arn).unwrap_or_default(),
                };
                (dt.clone(), name)
            })
            .collect()
    });
    let found: Vec<(String, String)> = existing
        .iter()
        .map(|c| {
            (
                c.data_type.clone(),
                stream_name(&c.resource_arn).unwrap_or_default(),
            )
        })
        .collect();
    if wanted.as_ref() == Some(&found) {
        return;
    }
    let listing = existing
        .iter()
        .map(|c| format!("{} -> {}", c.data_type, c.resource_arn))
        .collect::<Vec<_>>()
        .join(", ");
    diags.error_at(
        AttributePath::attr("app_instance_arn"),
        "AppInstance already has a streaming configuration",
        format!(
            "The AppInstance {app} already streams ({listing}), and this Terraform state does not manage that \
             configuration: it was set by another stack or by hand. To manage it here, import it first: \
             `terraform import chimesdk_messaging_streaming_configuration.NAME {app}` (or an `import` block). To leave \
             it alone, remove this resource. Creating would overwrite the other owner's configuration, so it is refused."
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(open_shards: i64, on_demand: bool, kms: bool) -> StreamSummary {
        StreamSummary {
            name: "chime-messaging-s".into(),
            arn: "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-s".into(),
            status: "ACTIVE".into(),
            open_shards,
            on_demand,
            kms,
            key_id: kms.then(|| "alias/aws/kinesis".into()),
            retention_hours: 24,
        }
    }

    #[test]
    fn every_stream_needs_two_open_shards_and_kms_whatever_its_capacity_mode() {
        assert!(stream_problems(&summary(2, false, true)).is_empty());
        assert!(stream_problems(&summary(4, true, true)).is_empty());
        for on_demand in [false, true] {
            let problems = stream_problems(&summary(1, on_demand, true));
            assert_eq!(problems.len(), 1, "on_demand = {on_demand}");
            assert!(problems[0].0.contains("too few shards"));
        }
        let problems = stream_problems(&summary(2, true, false));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].0.contains("not encrypted"));
    }
}
