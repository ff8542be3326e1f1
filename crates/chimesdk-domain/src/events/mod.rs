//! The records Chime SDK messaging writes to Kinesis: `{"EventType": ...,
//! "Payload": {...}}`. A typed decoder for consumers, and the same payload
//! structs the local endpoint serializes.
//!
//! An event type this version does not know decodes as
//! `EventType::Unknown(name)` with its payload kept as raw JSON, so a
//! consumer never fails on a new event type.

mod payload;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::streaming::DataType;

pub use payload::{
    Channel, ChannelBan, ChannelMembership, ChannelMessage, ChannelModerator,
    ElasticChannelConfiguration, ExpirationSettings, Identity, MessageStatus, SubChannel, Target,
    Timestamp,
};

macro_rules! event_types {
    ($($variant:ident = $name:literal => $data:ident),* $(,)?) => {
        /// Every event type Chime SDK messaging streams, plus `Unknown`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventType {
            $($variant,)*
            Unknown(String),
        }

        impl EventType {
            /// All known event types, in documentation order.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),*];

            pub fn as_str(&self) -> &str {
                match self {
                    $(EventType::$variant => $name,)*
                    EventType::Unknown(s) => s,
                }
            }

            /// The data type whose stream carries this event.
            pub fn data_type(&self) -> Option<DataType> {
                match self {
                    $(EventType::$variant => Some(DataType::$data),)*
                    EventType::Unknown(_) => None,
                }
            }
        }

        impl FromStr for EventType {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $($name => EventType::$variant,)*
                    other => EventType::Unknown(other.to_string()),
                })
            }
        }
    };
}

event_types! {
    CreateChannelMessage = "CREATE_CHANNEL_MESSAGE" => ChannelMessage,
    UpdateChannelMessage = "UPDATE_CHANNEL_MESSAGE" => ChannelMessage,
    RedactChannelMessage = "REDACT_CHANNEL_MESSAGE" => ChannelMessage,
    DeleteChannelMessage = "DELETE_CHANNEL_MESSAGE" => ChannelMessage,
    CreateChannel = "CREATE_CHANNEL" => Channel,
    UpdateChannel = "UPDATE_CHANNEL" => Channel,
    DeleteChannel = "DELETE_CHANNEL" => Channel,
    UpdateChannelExpirationSettings = "UPDATE_CHANNEL_EXPIRATION_SETTINGS" => Channel,
    CreateChannelMembership = "CREATE_CHANNEL_MEMBERSHIP" => Channel,
    DeleteChannelMembership = "DELETE_CHANNEL_MEMBERSHIP" => Channel,
    CreateChannelBan = "CREATE_CHANNEL_BAN" => Channel,
    DeleteChannelBan = "DELETE_CHANNEL_BAN" => Channel,
    CreateChannelModerator = "CREATE_CHANNEL_MODERATOR" => Channel,
    DeleteChannelModerator = "DELETE_CHANNEL_MODERATOR" => Channel,
    CreateSubChannel = "CREATE_SUB_CHANNEL" => Channel,
    DeleteSubChannel = "DELETE_SUB_CHANNEL" => Channel,
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(s.parse().unwrap_or_else(|never| match never {}))
    }
}

/// A decoded payload, by the shape its event type carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    ChannelMessage(ChannelMessage),
    Channel(Channel),
    ChannelMembership(ChannelMembership),
    ChannelBan(ChannelBan),
    ChannelModerator(ChannelModerator),
    SubChannel(SubChannel),
    /// An event type this version does not know: the raw JSON.
    Unknown(serde_json::Value),
}

impl Payload {
    /// The channel the event is about (the record's partition key).
    pub fn channel_arn(&self) -> Option<&str> {
        match self {
            Payload::ChannelMessage(p) => p.channel_arn.as_deref(),
            Payload::Channel(p) => p.channel_arn.as_deref(),
            Payload::ChannelMembership(p) => p.channel_arn.as_deref(),
            Payload::ChannelBan(p) => p.channel_arn.as_deref(),
            Payload::ChannelModerator(p) => p.channel_arn.as_deref(),
            Payload::SubChannel(p) => p.channel_arn.as_deref(),
            Payload::Unknown(v) => v.get("ChannelArn").and_then(|a| a.as_str()),
        }
    }

    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Payload::ChannelMessage(p) => serde_json::to_value(p),
            Payload::Channel(p) => serde_json::to_value(p),
            Payload::ChannelMembership(p) => serde_json::to_value(p),
            Payload::ChannelBan(p) => serde_json::to_value(p),
            Payload::ChannelModerator(p) => serde_json::to_value(p),
            Payload::SubChannel(p) => serde_json::to_value(p),
            Payload::Unknown(v) => Ok(v.clone()),
        }
    }
}

/// One Kinesis record.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event_type: EventType,
    pub payload: Payload,
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("record is not a JSON object with EventType and Payload: {0}")]
    Envelope(serde_json::Error),
    #[error("payload of {event_type} does not have the expected shape: {source}")]
    Payload {
        event_type: String,
        source: serde_json::Error,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    #[serde(rename = "EventType")]
    event_type: EventType,
    #[serde(rename = "Payload")]
    payload: serde_json::Value,
}

impl Event {
    /// Decodes one record's data.
    pub fn decode(data: &[u8]) -> Result<Event, DecodeError> {
        let env: Envelope = serde_json::from_slice(data).map_err(DecodeError::Envelope)?;
        let bad = |source| DecodeError::Payload {
            event_type: env.event_type.to_string(),
            source,
        };
        use EventType as E;
        let p = env.payload.clone();
        let payload = match &env.event_type {
            E::CreateChannelMessage
            | E::UpdateChannelMessage
            | E::RedactChannelMessage
            | E::DeleteChannelMessage => {
                Payload::ChannelMessage(serde_json::from_value(p).map_err(bad)?)
            }
            E::CreateChannel
            | E::UpdateChannel
            | E::DeleteChannel
            | E::UpdateChannelExpirationSettings => {
                Payload::Channel(serde_json::from_value(p).map_err(bad)?)
            }
            E::CreateChannelMembership | E::DeleteChannelMembership => {
                Payload::ChannelMembership(serde_json::from_value(p).map_err(bad)?)
            }
            E::CreateChannelBan | E::DeleteChannelBan => {
                Payload::ChannelBan(serde_json::from_value(p).map_err(bad)?)
            }
            E::CreateChannelModerator | E::DeleteChannelModerator => {
                Payload::ChannelModerator(serde_json::from_value(p).map_err(bad)?)
            }
            E::CreateSubChannel | E::DeleteSubChannel => {
                Payload::SubChannel(serde_json::from_value(p).map_err(bad)?)
            }
            E::Unknown(_) => Payload::Unknown(p),
        };
        Ok(Event {
            event_type: env.event_type,
            payload,
        })
    }

    /// Encodes as a record's data, as the service writes it.
    pub fn encode(&self) -> Vec<u8> {
        let env = Envelope {
            event_type: self.event_type.clone(),
            payload: self.payload.to_json().unwrap_or_default(),
        };
        serde_json::to_vec(&env).expect("payload structs always serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(event_type: &EventType) -> Payload {
        let channel =
            Some("arn:aws:chime:us-east-1:123456789012:app-instance/a/channel/c".to_string());
        let who = Some(Identity {
            arn: Some("arn:aws:chime:us-east-1:123456789012:app-instance/a/user/u".into()),
            name: Some("U".into()),
        });
        let ts = Some(Timestamp::Iso("2026-11-25T01:02:03.004Z".into()));
        match event_type.data_type() {
            Some(DataType::ChannelMessage) => Payload::ChannelMessage(ChannelMessage {
                channel_arn: channel,
                message_id: Some("m1".into()),
                content: Some("hello".into()),
                sender: who,
                created_timestamp: ts,
                redacted: Some(false),
                ..Default::default()
            }),
            _ => match event_type {
                EventType::CreateChannelMembership | EventType::DeleteChannelMembership => {
                    Payload::ChannelMembership(ChannelMembership {
                        channel_arn: channel,
                        member: who,
                        r#type: Some("DEFAULT".into()),
                        ..Default::default()
                    })
                }
                EventType::CreateChannelBan | EventType::DeleteChannelBan => {
                    Payload::ChannelBan(ChannelBan {
                        channel_arn: channel,
                        member: who,
                        created_timestamp: ts,
                        ..Default::default()
                    })
                }
                EventType::CreateChannelModerator | EventType::DeleteChannelModerator => {
                    Payload::ChannelModerator(ChannelModerator {
                        channel_arn: channel,
                        moderator: who,
                        ..Default::default()
                    })
                }
                EventType::CreateSubChannel | EventType::DeleteSubChannel => {
                    Payload::SubChannel(SubChannel {
                        channel_arn: channel,
                        sub_channel_id: Some("s1".into()),
                    })
                }
                _ => Payload::Channel(Channel {
                    channel_arn: channel,
                    name: Some("general".into()),
                    mode: Some("RESTRICTED".into()),
                    created_by: who,
                    ..Default::default()
                }),
            },
        }
    }

    #[test]
    fn every_event_type_round_trips() {
        assert_eq!(EventType::ALL.len(), 16);
        for et in EventType::ALL {
            let event = Event {
                event_type: et.clone(),
                payload: sample(et),
            };
            let bytes = event.encode();
            let back = Event::decode(&bytes).unwrap();
            assert_eq!(back, event, "{et}");
            assert!(back.payload.channel_arn().unwrap().ends_with("/channel/c"));
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(json["EventType"], et.as_str());
        }
    }

    #[test]
    fn sub_channel_payloads_read_both_spellings_of_the_channel_key() {
        for key in ["ChannelArn", "channelARN"] {
            let raw = format!(
                r#"{{"EventType":"CREATE_SUB_CHANNEL","Payload":{{"{key}":"arn:c","SubChannelId":"s1"}}}}"#
            );
            let e = Event::decode(raw.as_bytes()).unwrap();
            assert_eq!(e.payload.channel_arn(), Some("arn:c"), "{key}");
        }
        let e = Event::decode(
            br#"{"EventType":"UPDATE_CHANNEL_MEMBERSHIP","Payload":{"ChannelArn":"arn:c"}}"#,
        )
        .unwrap();
        assert_eq!(
            e.event_type,
            EventType::Unknown("UPDATE_CHANNEL_MEMBERSHIP".into())
        );
    }

    #[test]
    fn unknown_event_types_never_fail() {
        let e = Event::decode(
            br#"{"EventType":"CREATE_CHANNEL_FLOW","Payload":{"ChannelArn":"x","New":1}}"#,
        )
        .unwrap();
        assert_eq!(
            e.event_type,
            EventType::Unknown("CREATE_CHANNEL_FLOW".into())
        );
        assert_eq!(e.payload.channel_arn(), Some("x"));
        assert_eq!(Event::decode(&e.encode()).unwrap(), e);
    }

    #[test]
    fn payload_fields_use_service_names_and_timestamps_of_either_form() {
        let e = Event::decode(
            br#"{"EventType":"CREATE_CHANNEL_MESSAGE","Payload":{"ChannelArn":"c","MessageId":"m","CreatedTimestamp":1764032400.5,"LastUpdatedTimestamp":"2026-11-25T01:00:00Z","Status":{"Value":"SENT"},"MessageAttributes":{"k":{"StringValues":["v"]}},"Persistence":"PERSISTENT"}}"#,
        )
        .unwrap();
        let Payload::ChannelMessage(m) = e.payload else {
            panic!()
        };
        assert_eq!(m.created_timestamp, Some(Timestamp::Epoch(1764032400.5)));
        assert_eq!(m.status.unwrap().value.as_deref(), Some("SENT"));
        assert_eq!(m.persistence.as_deref(), Some("PERSISTENT"));
    }

    #[test]
    fn malformed_records_are_errors() {
        assert!(matches!(
            Event::decode(b"not json"),
            Err(DecodeError::Envelope(_))
        ));
        assert!(matches!(
            Event::decode(br#"{"EventType":"CREATE_CHANNEL","Payload":{"Name":5}}"#),
            Err(DecodeError::Payload { .. })
        ));
    }
}
