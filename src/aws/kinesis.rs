//! Kinesis data streams: find / status / wait helpers and the mutating
//! calls reconcile needs, every one through the retry policy.

use aws_sdk_kinesis::operation::create_stream::CreateStreamError;
use aws_sdk_kinesis::operation::update_shard_count::UpdateShardCountError;
use aws_sdk_kinesis::types::{
    EncryptionType, ScalingType, StreamDescriptionSummary, StreamMode, StreamModeDetails,
    StreamStatus,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::error::AwsError;
use super::gone::Found;
use super::retry::{RetryError, Unanswered, classify_unless, with_retries};
use super::scope::{Aws, Made};
use super::tags::{TagCalls, Tags, converge, tag_problem};
use super::wait::{Poll, States, WaitPolicy, wait_until};

/// Tag key marking a stream this provider created, valued with the
/// AppInstance ARN it streams for. Survives a killed apply, unlike state.
pub const OWNER_TAG: &str = "chimesdk:managed-by-app-instance";
/// The keys a stream's tag convergence keeps and a read does not show.
pub const PROTECTED_TAGS: &[&str] = &[OWNER_TAG];

/// Why a tag cannot be set on a stream, or `None` if it can: Kinesis's
/// rules, and not the provider's owner tag.
pub fn stream_tag_problem(key: &str, value: &str) -> Option<String> {
    if key == OWNER_TAG {
        return Some(format!(
            "{OWNER_TAG} is the tag this provider uses to recognise the streams it created"
        ));
    }
    tag_problem(key, value)
}

#[derive(Debug, Clone, PartialEq)]
pub struct StreamSummary {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub open_shards: i64,
    pub on_demand: bool,
    pub kms: bool,
    pub key_id: Option<String>,
    pub retention_hours: i64,
}

impl StreamSummary {
    pub fn is_active(&self) -> bool {
        self.status == StreamStatus::Active.as_str()
    }
}

/// DescribeStreamSummary. Not a `find_*`: a missing stream is an error
/// (`is_not_found`), because each caller says something different about it
/// (plan: will be created; read: gone; verify: explain).
pub async fn describe_stream_summary(c: &Aws<'_>, name: &str) -> Result<StreamSummary, AwsError> {
    let out = c
        .call("DescribeStreamSummary", || {
            c.kinesis.describe_stream_summary().stream_name(name).send()
        })
        .await?;
    let s = out.stream_description_summary().ok_or_else(|| {
        AwsError::Other(format!(
            "DescribeStreamSummary for {name} returned no summary"
        ))
    })?;
    Ok(StreamSummary::from_description(s))
}

impl StreamSummary {
    /// What DescribeStreamSummary says, as the checks read it.
    pub fn from_description(s: &StreamDescriptionSummary) -> StreamSummary {
        StreamSummary {
            name: s.stream_name().to_string(),
            arn: s.stream_arn().to_string(),
            status: s.stream_status().as_str().to_string(),
            open_shards: i64::from(s.open_shard_count()),
            on_demand: s
                .stream_mode_details()
                .is_some_and(|m| *m.stream_mode() == StreamMode::OnDemand),
            kms: s.encryption_type() == Some(&EncryptionType::Kms),
            key_id: s.key_id().map(str::to_string),
            retention_hours: i64::from(s.retention_period_hours()),
        }
    }
}

/// A stream on its way to ACTIVE (Kinesis' StreamExists waiter): DELETING
/// is no state it passes through, so a wait that sees it stops at once.
const BECOME_ACTIVE: States = States {
    pending: &["CREATING", "UPDATING"],
    target: &["ACTIVE"],
};

/// Waits until the stream is ACTIVE and returns its summary.
pub async fn wait_stream_active(c: &Aws<'_>, name: &str) -> Result<StreamSummary, AwsError> {
    wait_until(
        c,
        &format!("Kinesis stream {name} to become ACTIVE"),
        WaitPolicy::default(),
        || async {
            let s = describe_stream_summary(c, name).await?;
            let status = s.status.clone();
            Ok(BECOME_ACTIVE.classify(&status, s))
        },
    )
    .await
}

/// Waits until DescribeStreamSummary says the stream does not exist.
pub async fn wait_stream_deleted(c: &Aws<'_>, name: &str) -> Result<(), AwsError> {
    wait_until(
        c,
        &format!("Kinesis stream {name} to be deleted"),
        WaitPolicy::default(),
        || async {
            Ok(match describe_stream_summary(c, name).await.found()? {
                None => Poll::Done(()),
                Some(s) => Poll::Pending(format!("status {}", s.status)),
            })
        },
    )
    .await
}

/// What a CreateStream did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// This call created the stream (possibly an earlier attempt whose
    /// response was lost: the retry then met ResourceInUseException).
    ByUs,
    /// The name was taken before our first attempt reached Kinesis: someone
    /// else created the stream after our DescribeStreamSummary.
    BySomeoneElse,
}

/// Creates a PROVISIONED stream carrying the owner tag and `tags` (at most
/// MAX_USER_TAGS, checked at validation).
pub async fn create_stream(
    c: &Aws<'_>,
    name: &str,
    shards: i64,
    owner: &str,
    tags: &Tags,
) -> Result<Created, AwsError> {
    let mode = StreamModeDetails::builder()
        .stream_mode(StreamMode::Provisioned)
        .build()
        .map_err(|e| AwsError::Other(e.to_string()))?;
    let shards = shard_count(shards)?;
    let mut with_owner: std::collections::HashMap<String, String> =
        tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    with_owner.insert(OWNER_TAG.to_string(), owner.to_string());
    let in_use = |e: &SdkError<CreateStreamError, HttpResponse>| {
        // ResourceInUse is retried for other calls ("busy"); here it means
        // the name exists.
        e.as_service_error()
            .is_some_and(CreateStreamError::is_resource_in_use_exception)
    };
    let made = c
        .call_creating("CreateStream", in_use, || {
            c.kinesis
                .create_stream()
                .stream_name(name)
                .shard_count(shards)
                .stream_mode_details(mode.clone())
                .set_tags(Some(with_owner.clone()))
                .send()
        })
        .await?;
    Ok(match made {
        Made::ByThisCall => Created::ByUs,
        Made::Existed(_) => Created::BySomeoneElse,
    })
}

/// Marks a stream as ours (CreateStream tags are not honoured everywhere).
pub async fn tag_owner(c: &Aws<'_>, name: &str, owner: &str) -> Result<(), AwsError> {
    c.call("AddTagsToStream", || {
        c.kinesis
            .add_tags_to_stream()
            .stream_name(name)
            .tags(OWNER_TAG, owner)
            .send()
    })
    .await?;
    Ok(())
}

/// Every tag of a stream (ListTagsForStream, page by page).
pub async fn list_tags(c: &Aws<'_>, name: &str) -> Result<Tags, AwsError> {
    let mut tags = Tags::new();
    let mut after: Option<String> = None;
    loop {
        let out = c
            .call("ListTagsForStream", || {
                c.kinesis
                    .list_tags_for_stream()
                    .stream_name(name)
                    .limit(50)
                    .set_exclusive_start_tag_key(after.clone())
                    .send()
            })
            .await?;
        for t in out.tags() {
            tags.insert(
                t.key().to_string(),
                t.value().unwrap_or_default().to_string(),
            );
        }
        let last = out.tags().last().map(|t| t.key().to_string());
        match last {
            Some(key) if out.has_more_tags() && after.as_ref() != Some(&key) => after = Some(key),
            _ => return Ok(tags),
        }
    }
}

/// The owner tag's value, if the stream has one.
pub async fn find_owner_tag(c: &Aws<'_>, name: &str) -> Result<Option<String>, AwsError> {
    Ok(list_tags(c, name).await?.remove(OWNER_TAG))
}

/// Brings a stream's tags (all but the owner tag) to `desired`.
pub async fn converge_tags(c: &Aws<'_>, name: &str, desired: &Tags) -> Result<(), AwsError> {
    let remote = list_tags(c, name).await?;
    converge(&StreamTags { c: *c, name }, &remote, desired).await
}

/// A stream's tag calls.
struct StreamTags<'a> {
    c: Aws<'a>,
    name: &'a str,
}

#[async_trait::async_trait]
impl TagCalls for StreamTags<'_> {
    fn object(&self) -> String {
        format!("stream {}", self.name)
    }

    fn protected(&self) -> &'static [&'static str] {
        PROTECTED_TAGS
    }

    async fn remove(&self, keys: &[String]) -> Result<(), AwsError> {
        self.c
            .call("RemoveTagsFromStream", || {
                self.c
                    .kinesis
                    .remove_tags_from_stream()
                    .stream_name(self.name)
                    .set_tag_keys(Some(keys.to_vec()))
                    .send()
            })
            .await?;
        Ok(())
    }

    async fn add(&self, tags: &Tags) -> Result<(), AwsError> {
        let tags: std::collections::HashMap<String, String> =
            tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        self.c
            .call("AddTagsToStream", || {
                self.c
                    .kinesis
                    .add_tags_to_stream()
                    .stream_name(self.name)
                    .set_tags(Some(tags.clone()))
                    .send()
            })
            .await?;
        Ok(())
    }
}

pub async fn start_encryption(c: &Aws<'_>, name: &str, key: &str) -> Result<(), AwsError> {
    c.call("StartStreamEncryption", || {
        c.kinesis
            .start_stream_encryption()
            .stream_name(name)
            .encryption_type(EncryptionType::Kms)
            .key_id(key)
            .send()
    })
    .await?;
    Ok(())
}

/// What the caller must say when UpdateShardCount meets a Kinesis limit.
pub const SCALING_LIMITS: &str = "Kinesis allows, per stream, at most 10 scaling operations in a rolling 24 hours, \
     each to at most double or at least half the open shards, and at most 10,000 shards; the account's shard quota \
     (DescribeLimits) applies too";

/// One UpdateShardCount. A retry after a lost response may find the stream
/// already scaling or scaled, and Kinesis answers that with an error: when an
/// earlier attempt may have gone through, any service answer counts as done
/// and the caller checks the open shards once the stream is ACTIVE.
pub async fn update_shard_count(c: &Aws<'_>, name: &str, target: i64) -> Result<(), AwsError> {
    let target = shard_count(target)?;
    let unanswered = Unanswered::default();
    let limit = |e: &SdkError<UpdateShardCountError, HttpResponse>| {
        e.as_service_error().is_some_and(|s| {
            s.is_limit_exceeded_exception()
                && !s.message().unwrap_or_default().contains("Rate exceeded")
        })
    };
    let attempts = with_retries(
        c.retry,
        c.cancel(),
        "UpdateShardCount",
        // A scaling limit is not lifted by retrying within minutes; only
        // the rate limit ("Rate exceeded") is.
        classify_unless(limit),
        || async {
            unanswered.note(
                c.kinesis
                    .update_shard_count()
                    .stream_name(name)
                    .target_shard_count(target)
                    .scaling_type(ScalingType::UniformScaling)
                    .send()
                    .await,
            )
        },
    );
    match c.bounded("UpdateShardCount", attempts).await? {
        Ok(_) => Ok(()),
        Err(RetryError::Failed(e)) if e.as_service_error().is_some() && unanswered.seen() => {
            tracing::info!(stream = %name, error = %DisplayErrorContext(&e), "UpdateShardCount retried after a lost response; checking the stream instead");
            Ok(())
        }
        Err(RetryError::Failed(e)) if limit(&e) => Err(AwsError::Other(format!(
            "UpdateShardCount to {target} shards was refused: {}. {SCALING_LIMITS}. Apply again after the 24-hour window \
             (the stream keeps its current shards meanwhile), or raise the account's quota in Service Quotas",
            e.as_service_error()
                .and_then(|s| s.message())
                .unwrap_or("LimitExceededException")
        ))),
        Err(e) => Err(e.into()),
    }
}

pub async fn switch_to_provisioned(c: &Aws<'_>, arn: &str) -> Result<(), AwsError> {
    let mode = StreamModeDetails::builder()
        .stream_mode(StreamMode::Provisioned)
        .build()
        .map_err(|e| AwsError::Other(e.to_string()))?;
    c.call("UpdateStreamMode", || {
        c.kinesis
            .update_stream_mode()
            .stream_arn(arn)
            .stream_mode_details(mode.clone())
            .send()
    })
    .await?;
    Ok(())
}

pub async fn set_retention(
    c: &Aws<'_>,
    name: &str,
    current: i64,
    hours: i64,
) -> Result<(), AwsError> {
    if hours > current {
        c.call("IncreaseStreamRetentionPeriod", || {
            c.kinesis
                .increase_stream_retention_period()
                .stream_name(name)
                .retention_period_hours(hours as i32)
                .send()
        })
        .await?;
    } else if hours < current {
        c.call("DecreaseStreamRetentionPeriod", || {
            c.kinesis
                .decrease_stream_retention_period()
                .stream_name(name)
                .retention_period_hours(hours as i32)
                .send()
        })
        .await?;
    }
    Ok(())
}

/// Deletes a stream; one that is already gone counts as deleted.
pub async fn delete_stream(c: &Aws<'_>, name: &str) -> Result<(), AwsError> {
    c.call("DeleteStream", || {
        c.kinesis
            .delete_stream()
            .stream_name(name)
            .enforce_consumer_deletion(true)
            .send()
    })
    .await
    .deleted()
}

/// A shard count as the API takes it; never wraps (validation keeps it
/// within 2-10,000, so this only guards against a state written before).
fn shard_count(n: i64) -> Result<i32, AwsError> {
    i32::try_from(n).map_err(|_| AwsError::Other(format!("shard count {n} is out of range")))
}

/// Kinesis allows at most this many UpdateShardCount calls per stream in a
/// rolling 24 hours (Kinesis API reference, UpdateShardCount).
pub const MAX_SCALING_OPS_PER_DAY: usize = 10;

/// Every UpdateShardCount target on the way from `current` to `target`.
pub fn scaling_path(mut current: i64, target: i64) -> Vec<i64> {
    let mut steps = Vec::new();
    while current != target && current > 0 {
        current = next_shard_step(current, target);
        steps.push(current);
    }
    steps
}

/// The account's shard quota and use in this region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardLimits {
    pub shard_limit: i64,
    pub open_shards: i64,
}

pub async fn describe_limits(c: &Aws<'_>) -> Result<ShardLimits, AwsError> {
    let out = c
        .call("DescribeLimits", || c.kinesis.describe_limits().send())
        .await?;
    Ok(ShardLimits {
        shard_limit: i64::from(out.shard_limit()),
        open_shards: i64::from(out.open_shard_count()),
    })
}

/// The next UpdateShardCount target on the way from `current` to `target`:
/// Kinesis allows at most doubling, or halving, per call.
pub fn next_shard_step(current: i64, target: i64) -> i64 {
    if target > current {
        target.min(current.max(1) * 2)
    } else {
        target.max((current + 1) / 2)
    }
}

#[cfg(test)]
mod tests {
    use super::scaling_path as path;
    use super::{OWNER_TAG, stream_tag_problem};

    #[test]
    fn the_owner_tag_is_not_for_users() {
        let why = stream_tag_problem(OWNER_TAG, "v").unwrap_or_default();
        assert!(why.contains("recognise the streams"), "{why}");
        assert_eq!(stream_tag_problem("team", "platform"), None);
        assert!(
            stream_tag_problem("a*b", "v").is_some(),
            "Kinesis's rules still apply"
        );
    }

    #[test]
    fn scaling_respects_double_and_half_per_call() {
        assert_eq!(path(1, 2), vec![2]);
        assert_eq!(path(2, 10), vec![4, 8, 10]);
        assert_eq!(path(10, 2), vec![5, 3, 2]);
        assert_eq!(path(3, 2), vec![2]);
        assert_eq!(path(16, 3), vec![8, 4, 3]);
        assert_eq!(path(2, 10_000).len(), 13);
        assert_eq!(path(2, 2048).len(), 10);
    }
}
