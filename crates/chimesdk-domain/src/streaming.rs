//! The Chime SDK messaging streaming facts, in one place: the data types,
//! the stream-name prefix and the five prerequisites a Kinesis stream must
//! meet (same account, same region, the `chime-messaging-` prefix, at least
//! two shards, KMS encryption). The resource's checks, chimesdk-local's
//! PutMessagingStreamingConfigurations and the event decoder use these.

use crate::arn::{AppInstanceArn, StreamArn};

/// Every stream name Chime SDK messaging streams to starts with this.
pub const STREAM_PREFIX: &str = "chime-messaging-";
/// "At least two shards". The guide does not exempt ON_DEMAND streams,
/// which have open shards too: the same count applies to both.
pub const MIN_OPEN_SHARDS: i64 = 2;

/// Which stream a data type goes to, as Chime SDK messaging names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataType {
    ChannelMessage,
    Channel,
}

impl DataType {
    pub const ALL: [DataType; 2] = [DataType::ChannelMessage, DataType::Channel];
    /// The names, as the API and the schema spell them.
    pub const NAMES: [&'static str; 2] = ["ChannelMessage", "Channel"];

    pub fn as_str(self) -> &'static str {
        match self {
            DataType::ChannelMessage => "ChannelMessage",
            DataType::Channel => "Channel",
        }
    }

    pub fn parse(name: &str) -> Option<DataType> {
        DataType::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

/// A prerequisite a stream does not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmet {
    /// The stream's partition, region or account differs from the
    /// AppInstance's: (what, the stream's, the AppInstance's).
    Placement(Vec<(&'static str, String, String)>),
    NamePrefix,
    TooFewShards {
        open: i64,
    },
    NotEncrypted,
}

/// What the stream's ARN alone tells: its name and where it is.
pub fn unmet_by_arn(stream: &StreamArn, app: Option<&AppInstanceArn>) -> Vec<Unmet> {
    let mut out = Vec::new();
    if !stream.name.starts_with(STREAM_PREFIX) {
        out.push(Unmet::NamePrefix);
    }
    if let Some(app) = app {
        let wrong: Vec<(&'static str, String, String)> = [
            ("partition", &stream.partition, &app.partition),
            ("region", &stream.region, &app.region),
            ("account", &stream.account, &app.account),
        ]
        .into_iter()
        .filter(|(_, s, a)| s != a)
        .map(|(what, s, a)| (what, s.clone(), a.clone()))
        .collect();
        if !wrong.is_empty() {
            out.push(Unmet::Placement(wrong));
        }
    }
    out
}

/// What DescribeStreamSummary tells: open shards and encryption.
pub fn unmet_by_summary(open_shards: i64, kms: bool) -> Vec<Unmet> {
    let mut out = Vec::new();
    if open_shards < MIN_OPEN_SHARDS {
        out.push(Unmet::TooFewShards { open: open_shards });
    }
    if !kms {
        out.push(Unmet::NotEncrypted);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_prerequisite_is_its_own_finding() {
        let app =
            AppInstanceArn::parse("arn:aws:chime:us-east-1:123456789012:app-instance/a").unwrap();
        let ok =
            StreamArn::parse("arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-x")
                .unwrap();
        assert!(unmet_by_arn(&ok, Some(&app)).is_empty());
        let far =
            StreamArn::parse("arn:aws:kinesis:eu-central-1:210987654321:stream/events").unwrap();
        let found = unmet_by_arn(&far, Some(&app));
        assert_eq!(found[0], Unmet::NamePrefix);
        let Unmet::Placement(wrong) = &found[1] else {
            panic!("{found:?}")
        };
        assert_eq!(
            wrong.iter().map(|w| w.0).collect::<Vec<_>>(),
            ["region", "account"]
        );
        assert!(unmet_by_summary(2, true).is_empty());
        assert_eq!(
            unmet_by_summary(1, false),
            vec![Unmet::TooFewShards { open: 1 }, Unmet::NotEncrypted]
        );
        assert_eq!(DataType::parse("Channel"), Some(DataType::Channel));
        assert_eq!(DataType::parse("channel"), None);
        assert_eq!(DataType::ALL.map(DataType::as_str), DataType::NAMES);
    }
}
