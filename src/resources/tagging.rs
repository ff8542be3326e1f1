//! The tags of Chime SDK identity objects (AppInstances, users, bots) as
//! their resources check, plan and read them: `tags` merged over the
//! provider's `default_tags` into `tags_all`.

use std::collections::BTreeSet;

use crate::aws::tags::{
    Tags, TagsAttr, chime_tag_problem, known_tags, merge, planned_tags_all, split_remote, tags_attr,
};
use tfplugin::framework::{Diagnostics, truncated};
use tfplugin::value::{Attr, AttributePath};

/// A Chime SDK identity object takes at most 50 tags (the model's TagList).
pub const MAX_TAGS: usize = 50;

/// Errors for tags (its own, or the defaults merged under them) that `kind`
/// (`"AppInstance"`, say) cannot take.
pub fn check_tags(kind: &str, tags: &TagsAttr, defaults: &Tags, diags: &mut Diagnostics) {
    let Some(own) = known_tags(tags) else {
        return;
    };
    let all = merge(defaults, &own);
    for (k, v) in &all {
        if let Some(why) = chime_tag_problem(k, v) {
            let (path, source) = if own.contains_key(k) {
                (AttributePath::attr("tags").key(k), "tags")
            } else {
                (AttributePath::attr("tags"), "the provider's default_tags")
            };
            diags.error_at(
                path,
                format!("Invalid tag for an {kind}"),
                format!(
                    "{source}[{:?}]: {why}. Fix the tag, or set it in this resource's tags to override a default.",
                    truncated(k.clone(), 200)
                ),
            );
        }
    }
    if all.len() > MAX_TAGS {
        diags.error_at(
            AttributePath::attr("tags"),
            format!("Too many tags for one {kind}"),
            format!(
                "The {kind} would have {} tags: {} of its own and {} more from the provider's default_tags. An \
                 {kind} takes at most {MAX_TAGS}. Remove {} from tags or default_tags.",
                all.len(),
                own.len(),
                all.len() - own.len(),
                all.len() - MAX_TAGS
            ),
        );
    }
}

/// The plan's `tags_all` for a `kind` whose configuration has `tags`,
/// after the errors for tags it cannot take (the defaults merged in).
pub fn plan_tags(
    kind: &str,
    tags: &TagsAttr,
    defaults: &Tags,
    diags: &mut Diagnostics,
) -> TagsAttr {
    check_tags(kind, tags, defaults, diags);
    planned_tags_all(tags, defaults)
}

/// `tags` and `tags_all` for what ListTagsForResource answered, shaped like
/// the state's `tags` (`like`): a configuration without `tags` reads back
/// null, not an empty map.
pub fn read_tags(like: &TagsAttr, remote: &Tags, defaults: &Tags) -> (TagsAttr, TagsAttr) {
    let configured: BTreeSet<String> = like
        .known()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let (own, all) = split_remote(remote, defaults, &configured, &[]);
    let tags = if own.is_empty() && like.is_null() {
        Attr::Null
    } else {
        tags_attr(&own)
    };
    (tags, tags_attr(&all))
}
