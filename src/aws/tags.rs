//! Resource tags: the rules a tag must follow, the provider's
//! `default_tags` merged under a resource's own, what a read shows, the
//! changes that bring the tags to the desired set, and the attribute type.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;

use super::error::AwsError;
use tfplugin::value::Attr;

pub type Tags = BTreeMap<String, String>;

/// A `tags` / `tags_all` attribute: a map whose values may each be unknown
/// in a plan.
pub type TagsAttr = Attr<BTreeMap<String, Attr<String>>>;

/// The wholly known tags (null reads as none); `None` while any part is unknown.
pub fn known_tags(a: &TagsAttr) -> Option<Tags> {
    match a {
        Attr::Null => Some(Tags::new()),
        Attr::Unknown => None,
        Attr::Known(m) => m
            .iter()
            .map(|(k, v)| Some((k.clone(), v.known()?.clone())))
            .collect(),
    }
}

pub fn tags_attr(tags: &Tags) -> TagsAttr {
    Attr::Known(
        tags.iter()
            .map(|(k, v)| (k.clone(), Attr::Known(v.clone())))
            .collect(),
    )
}

/// Kinesis allows 50 tags per stream (Kinesis API reference, AddTagsToStream).
pub const MAX_TAGS_PER_STREAM: usize = 50;
/// What a user may set: the owner tag takes one of the 50.
pub const MAX_USER_TAGS: usize = MAX_TAGS_PER_STREAM - 1;
const MAX_KEY_CHARS: usize = 128;
const MAX_VALUE_CHARS: usize = 256;
/// Older API references allow 10 tags per AddTagsToStream call, newer ones
/// 50; batches of 10 satisfy both.
pub const TAGS_PER_CALL: usize = 10;
/// Besides letters, digits and white space (the Kinesis Tag reference lists
/// `_ . / = + - % @`; `:` is allowed by AWS's general tagging rules and used
/// by `aws:` keys).
const ALLOWED_SYMBOLS: &str = "_.:/=+-@%";

fn allowed(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || ALLOWED_SYMBOLS.contains(c))
}

/// What every AWS tag key must be: 1-128 characters, not `aws:...`.
fn key_problem(key: &str) -> Option<String> {
    let key_chars = key.chars().count();
    if key_chars == 0 || key_chars > MAX_KEY_CHARS {
        return Some(format!(
            "the key is {key_chars} characters long; tag keys are 1-{MAX_KEY_CHARS} characters"
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Some("keys starting with `aws:` are reserved for AWS".into());
    }
    None
}

/// Why a tag breaks Kinesis's rules for tags, or `None` if it does not
/// (`kinesis::stream_tag_problem` adds the keys the provider keeps for
/// itself).
pub fn tag_problem(key: &str, value: &str) -> Option<String> {
    if let Some(why) = key_problem(key) {
        return Some(why);
    }
    if !allowed(key) {
        return Some(format!(
            "the key may hold only letters, digits, white space and {ALLOWED_SYMBOLS}"
        ));
    }
    let value_chars = value.chars().count();
    if value_chars > MAX_VALUE_CHARS {
        return Some(format!(
            "the value is {value_chars} characters long; tag values are at most {MAX_VALUE_CHARS}"
        ));
    }
    if !allowed(value) {
        return Some(format!(
            "the value may hold only letters, digits, white space and {ALLOWED_SYMBOLS}"
        ));
    }
    None
}

/// Why a tag cannot be set on a Chime SDK resource, or `None` if it can:
/// the identity model's TagKey is 1-128 characters and TagValue 1-256 (no
/// pattern); `aws:` keys are AWS's own.
pub fn chime_tag_problem(key: &str, value: &str) -> Option<String> {
    if let Some(why) = key_problem(key) {
        return Some(why);
    }
    let value_chars = value.chars().count();
    if value_chars == 0 || value_chars > MAX_VALUE_CHARS {
        return Some(format!(
            "the value is {value_chars} characters long; Chime SDK tag values are 1-{MAX_VALUE_CHARS} characters"
        ));
    }
    None
}

/// The provider's default tags with the resource's own on top: on the same
/// key, the resource's value wins.
pub fn merge(defaults: &Tags, own: &Tags) -> Tags {
    let mut all = defaults.clone();
    all.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    all
}

/// The planned `tags_all`: an object's own tags over the provider's
/// defaults; unknown while any own tag is.
pub fn planned_tags_all(own: &TagsAttr, defaults: &Tags) -> TagsAttr {
    match known_tags(own) {
        Some(own) => tags_attr(&merge(defaults, &own)),
        None => Attr::Unknown,
    }
}

/// An object's tags as state shows them: `tags_all` is every tag but the
/// `protected` ones (the provider's own, see `TagCalls::protected`); `tags`
/// leaves out what equals a default tag, unless the configuration set that
/// key itself (so a resource tag that happens to equal a default is not
/// reported as removed).
pub fn split_remote(
    remote: &Tags,
    defaults: &Tags,
    configured: &BTreeSet<String>,
    protected: &[&str],
) -> (Tags, Tags) {
    let all: Tags = remote
        .iter()
        .filter(|(k, _)| !protected.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let own = all
        .iter()
        .filter(|(k, v)| configured.contains(*k) || defaults.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (own, all)
}

/// What to send so that an object's tags become `desired`; a `protected`
/// key is never removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TagChanges {
    /// New keys and changed values, in batches of at most TAGS_PER_CALL.
    pub add: Vec<Tags>,
    /// Keys to remove, in batches of at most TAGS_PER_CALL.
    pub remove: Vec<Vec<String>>,
}

impl TagChanges {
    pub fn between(remote: &Tags, desired: &Tags, protected: &[&str]) -> TagChanges {
        let add: Vec<(String, String)> = desired
            .iter()
            .filter(|(k, v)| remote.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let remove: Vec<String> = remote
            .keys()
            .filter(|k| !protected.contains(&k.as_str()) && !desired.contains_key(*k))
            .cloned()
            .collect();
        TagChanges {
            add: add
                .chunks(TAGS_PER_CALL)
                .map(|c| c.iter().cloned().collect())
                .collect(),
            remove: remove
                .chunks(TAGS_PER_CALL)
                .map(<[String]>::to_vec)
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }

    pub fn removed_keys(&self) -> Vec<&str> {
        self.remove.iter().flatten().map(String::as_str).collect()
    }
}

/// The two calls a service tags an object with; `converge` drives them,
/// so Kinesis streams and Chime AppInstances converge the same way.
#[async_trait]
pub trait TagCalls: Sync {
    /// The object, for the log ("stream chime-messaging-x").
    fn object(&self) -> String;
    /// Keys the provider keeps on the object for itself: never removed,
    /// never shown.
    fn protected(&self) -> &'static [&'static str] {
        &[]
    }
    async fn remove(&self, keys: &[String]) -> Result<(), AwsError>;
    async fn add(&self, tags: &Tags) -> Result<(), AwsError>;
}

/// Brings an object's tags from `remote` to `desired` (its protected keys
/// are never removed): removals first, so a key that moves between batches
/// never counts twice against the service's limit, then additions.
pub async fn converge(
    calls: &impl TagCalls,
    remote: &Tags,
    desired: &Tags,
) -> Result<(), AwsError> {
    let changes = TagChanges::between(remote, desired, calls.protected());
    if !changes.is_empty() {
        tracing::info!(
            object = %calls.object(),
            removed = ?changes.removed_keys(),
            added_or_changed = changes.add.iter().map(Tags::len).sum::<usize>(),
            "updating tags"
        );
    }
    for keys in &changes.remove {
        calls.remove(keys).await?;
    }
    for batch in &changes.add {
        calls.add(batch).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tag_rules_follow_kinesis() {
        assert_eq!(tag_problem("team", "platform"), None);
        assert_eq!(tag_problem("cost-center/id", "a b=c+d@e%f:g_h.i"), None);
        assert_eq!(tag_problem("Équipe", "données"), None);
        assert_eq!(tag_problem("k", ""), None);
        assert_eq!(tag_problem(&"k".repeat(128), &"v".repeat(256)), None);
        for (key, value, why) in [
            ("", "v", "1-128 characters"),
            (&*"k".repeat(129), "v", "1-128 characters"),
            ("aws:createdBy", "v", "reserved for AWS"),
            ("AWS:x", "v", "reserved for AWS"),
            ("a*b", "v", "the key may hold only"),
            ("k", &*"v".repeat(257), "at most 256"),
            ("k", "semi;colon", "the value may hold only"),
        ] {
            let problem = tag_problem(key, value).unwrap_or_default();
            assert!(problem.contains(why), "{key:?}={value:?}: {problem}");
        }
    }

    #[test]
    fn resource_tags_win_over_defaults() {
        let all = merge(
            &tags(&[("env", "prod"), ("team", "platform")]),
            &tags(&[("team", "chat"), ("app", "support")]),
        );
        assert_eq!(
            all,
            tags(&[("app", "support"), ("env", "prod"), ("team", "chat")])
        );
    }

    #[test]
    fn read_hides_protected_tags_and_defaults_not_configured() {
        let remote = tags(&[
            (
                "owner",
                "arn:aws:chime:us-east-1:123456789012:app-instance/x",
            ),
            ("env", "prod"),
            ("team", "platform"),
            ("manual", "yes"),
            ("region", "eu"),
        ]);
        let defaults = tags(&[("env", "prod"), ("team", "platform"), ("region", "us")]);
        let configured = BTreeSet::from(["team".to_string()]);
        let (own, all) = split_remote(&remote, &defaults, &configured, &["owner"]);
        // env equals its default and was not configured: not the resource's own.
        // region differs from its default: drift the resource shows.
        assert_eq!(
            own,
            tags(&[("manual", "yes"), ("region", "eu"), ("team", "platform")])
        );
        assert_eq!(
            all,
            tags(&[
                ("env", "prod"),
                ("manual", "yes"),
                ("region", "eu"),
                ("team", "platform")
            ])
        );
    }

    #[test]
    fn changes_keep_protected_tags_and_come_in_batches() {
        let remote = tags(&[
            ("owner", "arn"),
            ("old", "1"),
            ("same", "x"),
            ("changed", "a"),
        ]);
        let desired = tags(&[("same", "x"), ("changed", "b"), ("new", "2")]);
        let c = TagChanges::between(&remote, &desired, &["owner"]);
        assert_eq!(c.add, vec![tags(&[("changed", "b"), ("new", "2")])]);
        assert_eq!(c.remove, vec![vec!["old".to_string()]]);
        assert!(TagChanges::between(&desired, &desired, &[]).is_empty());
        let unprotected = TagChanges::between(&remote, &desired, &[]);
        assert_eq!(unprotected.removed_keys(), ["old", "owner"]);

        let many: Tags = (0..23).map(|i| (format!("k{i:02}"), "v".into())).collect();
        let c = TagChanges::between(&Tags::new(), &many, &[]);
        assert_eq!(
            c.add.iter().map(Tags::len).collect::<Vec<_>>(),
            vec![10, 10, 3]
        );
        let c = TagChanges::between(&many, &Tags::new(), &[]);
        assert_eq!(
            c.remove.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![10, 10, 3]
        );
        assert_eq!(c.removed_keys().len(), 23);
    }
}
