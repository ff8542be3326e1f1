//! Why records may not have reached a stream, from what the stream looks
//! like now, each cause with its fix.

use crate::aws::AwsError;
use crate::aws::kinesis::StreamSummary;
use chimesdk_domain::events::EventType;

const AWS_MANAGED_KEY: &str = "alias/aws/kinesis";
const ROLE: &str = "AWSServiceRoleForChimeSDKMessaging";

/// The detail for records that did not arrive on `stream` within `waited`:
/// what was and was not seen, then the likely causes.
pub fn missing_records(
    stream: &str,
    missing: &[EventType],
    seen: &[EventType],
    others: usize,
    waited: &str,
    now: Result<&StreamSummary, &AwsError>,
) -> String {
    let names = |list: &[EventType]| {
        list.iter()
            .map(|e| e.as_str().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!("Waited {waited} on {stream}: no {} record", names(missing));
    if seen.is_empty() {
        text += " and no other record for the verification channel";
    } else {
        text += &format!(" (seen: {})", names(seen));
    }
    if others > 0 {
        text += &format!(
            "; {others} record(s) about other channels arrived, so the stream itself is readable"
        );
    }
    text += ".\n\nLikely causes:\n";
    let mut causes = Vec::new();
    match now {
        Err(e) if e.is_not_found() => causes.push(format!(
            "- The stream {stream} no longer exists, so the service cannot deliver to it. Fix: apply the \
             chimesdk_messaging_streaming_configuration again (a stream it manages is created again), or point \
             `resource_arn` at a stream that exists."
        )),
        Err(e) => causes.push(format!("- The stream could not be described ({e}).")),
        Ok(s) if !s.is_active() => causes.push(format!(
            "- The stream is {}, not ACTIVE. Fix: wait for it to become ACTIVE and run the action again.",
            s.status
        )),
        Ok(s) if !s.kms => causes.push(
            "- Server-side encryption is off, which Chime SDK messaging requires. Fix: apply the \
             chimesdk_messaging_streaming_configuration again (it turns encryption on), or `aws kinesis \
             start-stream-encryption` for a stream you manage elsewhere."
                .to_string(),
        ),
        Ok(s) => {
            let key = s.key_id.as_deref().unwrap_or(AWS_MANAGED_KEY);
            if key != AWS_MANAGED_KEY {
                causes.push(format!(
                    "- The stream is encrypted with the customer-managed KMS key {key}. Its key policy must let the \
                     service-linked role {ROLE} use `kms:GenerateDataKey` (IAM policies have no effect unless the \
                     key policy allows them); a disabled key or one pending deletion refuses every record. Fix: \
                     allow the role in the key policy, or use `alias/aws/kinesis`."
                ));
            }
        }
    }
    causes.push(format!(
        "- The service-linked role {ROLE} is missing (the first streaming configuration of an account creates it). \
         Fix: `aws iam create-service-linked-role --aws-service-name messaging.chime.amazonaws.com`."
    ));
    causes.push(format!(
        "- Delivery takes longer than {waited} (how long the service takes is unverified). Fix: raise `timeout`."
    ));
    text + &causes.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(status: &str, kms: bool, key: Option<&str>) -> StreamSummary {
        StreamSummary {
            name: "chime-messaging-x".into(),
            arn: "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-x".into(),
            status: status.into(),
            open_shards: 2,
            on_demand: false,
            kms,
            key_id: key.map(str::to_string),
            retention_hours: 24,
        }
    }

    fn explain(now: Result<&StreamSummary, &AwsError>) -> String {
        missing_records(
            "chime-messaging-x",
            &[EventType::CreateChannelMessage],
            &[EventType::CreateChannel],
            0,
            "10s",
            now,
        )
    }

    #[test]
    fn it_names_the_stream_what_was_seen_and_what_was_not() {
        let text = explain(Ok(&summary("ACTIVE", true, Some(AWS_MANAGED_KEY))));
        assert!(text.starts_with(
            "Waited 10s on chime-messaging-x: no CREATE_CHANNEL_MESSAGE record (seen: CREATE_CHANNEL)."
        ), "{text}");
        assert!(
            text.contains(ROLE) && text.contains("raise `timeout`"),
            "{text}"
        );
        assert!(!text.contains("customer-managed"), "{text}");
    }

    #[test]
    fn each_state_of_the_stream_has_its_cause_and_fix() {
        let cmk = explain(Ok(&summary(
            "ACTIVE",
            true,
            Some("arn:aws:kms:us-east-1:123456789012:key/k"),
        )));
        assert!(
            cmk.contains("customer-managed KMS key arn:aws:kms:us-east-1:123456789012:key/k"),
            "{cmk}"
        );
        let off = explain(Ok(&summary("ACTIVE", false, None)));
        assert!(off.contains("encryption is off"), "{off}");
        let updating = explain(Ok(&summary("UPDATING", true, None)));
        assert!(updating.contains("UPDATING, not ACTIVE"), "{updating}");
    }
}
