//! The tags of a Chime SDK messaging object (a channel flow): the
//! messaging API's own TagResource, UntagResource and ListTagsForResource.

use aws_sdk_chimesdkmessaging::types::Tag;

use super::error::AwsError;
use super::scope::Aws;
use super::tags::{TagCalls, Tags, converge};

/// Tags as CreateChannelFlow and TagResource take them; none is no list
/// (the model's TagList takes 1 to 50).
pub fn tag_list(tags: &Tags) -> Result<Option<Vec<Tag>>, AwsError> {
    if tags.is_empty() {
        return Ok(None);
    }
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| AwsError::Other(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

pub async fn list_tags(c: &Aws<'_>, arn: &str) -> Result<Tags, AwsError> {
    let out = c
        .call("ListTagsForResource", || {
            c.chime.list_tags_for_resource().resource_arn(arn).send()
        })
        .await?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Makes the object's tags `desired`, from the tags it shows.
pub async fn set_tags(c: &Aws<'_>, arn: &str, desired: &Tags) -> Result<(), AwsError> {
    let remote = list_tags(c, arn).await?;
    converge(&MessagingTags { c: *c, arn }, &remote, desired).await
}

struct MessagingTags<'a> {
    c: Aws<'a>,
    arn: &'a str,
}

#[async_trait::async_trait]
impl TagCalls for MessagingTags<'_> {
    fn object(&self) -> String {
        self.arn.to_string()
    }

    async fn remove(&self, keys: &[String]) -> Result<(), AwsError> {
        self.c
            .call("UntagResource", || {
                self.c
                    .chime
                    .untag_resource()
                    .resource_arn(self.arn)
                    .set_tag_keys(Some(keys.to_vec()))
                    .send()
            })
            .await?;
        Ok(())
    }

    async fn add(&self, tags: &Tags) -> Result<(), AwsError> {
        let tags = tag_list(tags)?;
        self.c
            .call("TagResource", || {
                self.c
                    .chime
                    .tag_resource()
                    .resource_arn(self.arn)
                    .set_tags(tags.clone())
                    .send()
            })
            .await?;
        Ok(())
    }
}
