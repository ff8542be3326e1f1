//! Reading a Kinesis stream from now on: its open shards, an iterator at
//! the tip of each, and the records written after it.

use aws_sdk_kinesis::types::ShardIteratorType;

use super::error::AwsError;
use super::scope::Aws;

/// The shards of `stream` that still take records (no ending sequence
/// number).
pub async fn open_shards(c: &Aws<'_>, stream: &str) -> Result<Vec<String>, AwsError> {
    let mut shards = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = c
            .call("ListShards", || {
                let req = c.kinesis.list_shards();
                match &token {
                    Some(t) => req.next_token(t),
                    None => req.stream_name(stream),
                }
                .send()
            })
            .await?;
        shards.extend(
            out.shards()
                .iter()
                .filter(|s| {
                    s.sequence_number_range()
                        .is_none_or(|r| r.ending_sequence_number().is_none())
                })
                .map(|s| s.shard_id().to_string()),
        );
        match out.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => return Ok(shards),
        }
    }
}

/// An iterator past the last record of `shard`: what it returns is what
/// was written after this call.
pub async fn iterator_at_tip(
    c: &Aws<'_>,
    stream: &str,
    shard: &str,
) -> Result<Option<String>, AwsError> {
    let out = c
        .call("GetShardIterator", || {
            c.kinesis
                .get_shard_iterator()
                .stream_name(stream)
                .shard_id(shard)
                .shard_iterator_type(ShardIteratorType::Latest)
                .send()
        })
        .await?;
    Ok(out.shard_iterator().map(str::to_string))
}

/// The records at `iterator` (their data) and the iterator to read next
/// (`None`: the shard closed).
pub async fn read_records(
    c: &Aws<'_>,
    iterator: &str,
) -> Result<(Vec<Vec<u8>>, Option<String>), AwsError> {
    let out = c
        .call("GetRecords", || {
            c.kinesis
                .get_records()
                .shard_iterator(iterator)
                .limit(1000)
                .send()
        })
        .await?;
    let records = out
        .records()
        .iter()
        .map(|r| r.data().as_ref().to_vec())
        .collect();
    Ok((records, out.next_shard_iterator().map(str::to_string)))
}
