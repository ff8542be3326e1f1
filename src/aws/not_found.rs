//! The not-found errors that operations' models list: the answers that by
//! themselves prove an object gone (`gone` asks the List call for the rest).

/// (service, operation, error code): the answers that prove by themselves
/// that the object asked about does not exist, because the operation's
/// model lists that error. Only operations whose name no other service of
/// the provider's has (a Chime `TagResource` is not Kinesis's).
/// `tests/e2e/model_conformance/` checks every row against the botocore
/// models, and that every call the provider makes with such an error is here.
pub const MODELLED_NOT_FOUND: &[(&str, &str, &str)] = &[
    (
        "chime-sdk-messaging",
        "GetMessagingStreamingConfigurations",
        "NotFoundException",
    ),
    (
        "chime-sdk-messaging",
        "PutMessagingStreamingConfigurations",
        "NotFoundException",
    ),
    (
        "chime-sdk-messaging",
        "AssociateChannelFlow",
        "NotFoundException",
    ),
    (
        "chime-sdk-messaging",
        "GetChannelMessage",
        "NotFoundException",
    ),
    (
        "chime-sdk-identity",
        "DescribeAppInstanceBot",
        "NotFoundException",
    ),
    ("iam", "GetRole", "NoSuchEntity"),
    ("iam", "GetPolicyVersion", "NoSuchEntity"),
    ("iam", "GetRolePolicy", "NoSuchEntity"),
    ("iam", "ListAttachedRolePolicies", "NoSuchEntity"),
    ("iam", "ListRolePolicies", "NoSuchEntity"),
    ("kinesis", "AddTagsToStream", "ResourceNotFoundException"),
    (
        "kinesis",
        "DecreaseStreamRetentionPeriod",
        "ResourceNotFoundException",
    ),
    ("kinesis", "DeleteStream", "ResourceNotFoundException"),
    (
        "kinesis",
        "DescribeStreamSummary",
        "ResourceNotFoundException",
    ),
    ("kinesis", "GetRecords", "ResourceNotFoundException"),
    ("kinesis", "GetShardIterator", "ResourceNotFoundException"),
    (
        "kinesis",
        "IncreaseStreamRetentionPeriod",
        "ResourceNotFoundException",
    ),
    ("kinesis", "ListShards", "ResourceNotFoundException"),
    ("kinesis", "ListTagsForStream", "ResourceNotFoundException"),
    (
        "kinesis",
        "RemoveTagsFromStream",
        "ResourceNotFoundException",
    ),
    (
        "kinesis",
        "StartStreamEncryption",
        "ResourceNotFoundException",
    ),
    ("kinesis", "UpdateStreamMode", "ResourceNotFoundException"),
    ("kms", "DescribeKey", "NotFoundException"),
    (
        "lexv2-models",
        "DescribeBotAlias",
        "ResourceNotFoundException",
    ),
    (
        "lexv2-models",
        "DescribeResourcePolicy",
        "ResourceNotFoundException",
    ),
    ("kms", "GetKeyPolicy", "NotFoundException"),
    (
        "lambda",
        "GetFunctionConfiguration",
        "ResourceNotFoundException",
    ),
];

/// Whether `code` is the not-found error `operation`'s model lists.
pub fn modelled_not_found(operation: &str, code: &str) -> bool {
    MODELLED_NOT_FOUND
        .iter()
        .any(|(_, op, c)| *op == operation && *c == code)
}
