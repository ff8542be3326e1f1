//! Where Amazon Chime SDK messaging and identity have endpoints. The one
//! list to extend when AWS adds a region.

/// Regions with both `messaging-chime` and `identity-chime` endpoints
/// (botocore `endpoints.json`, aws partition; `us-east-1-fips` is a FIPS
/// variant of us-east-1, not a region).
pub const CHIME_SDK_MESSAGING_REGIONS: &[&str] = &["us-east-1", "eu-central-1"];

pub fn has_chime_sdk_messaging(region: &str) -> bool {
    CHIME_SDK_MESSAGING_REGIONS.contains(&region)
}

/// "us-east-1 and eu-central-1", for diagnostics.
pub fn chime_sdk_messaging_regions_text() -> String {
    match CHIME_SDK_MESSAGING_REGIONS {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Why the provider cannot reach Chime SDK messaging in `region`, if it
/// cannot: no endpoint there, and no custom endpoint set.
pub fn chime_region_problem(region: &str, custom_endpoint: bool) -> Option<String> {
    if custom_endpoint || has_chime_sdk_messaging(region) {
        return None;
    }
    Some(format!(
        "The provider's region is {region:?}, where Amazon Chime SDK messaging has no endpoint; it has endpoints in {} \
         only. AppInstances, and so their Kinesis streams, exist only there. Set the provider's `region` (or \
         AWS_REGION) to one of those, or set `endpoints {{ chime_sdk_messaging = ... }}` for an emulator.",
        chime_sdk_messaging_regions_text()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_regions_with_endpoints() {
        assert!(has_chime_sdk_messaging("us-east-1"));
        assert!(has_chime_sdk_messaging("eu-central-1"));
        assert!(!has_chime_sdk_messaging("eu-west-1"));
        assert!(!has_chime_sdk_messaging("us-east-1-fips"));
        assert!(
            chime_region_problem("eu-west-1", false)
                .unwrap()
                .contains("us-east-1 and eu-central-1")
        );
        assert_eq!(chime_region_problem("eu-west-1", true), None);
        assert_eq!(chime_region_problem("eu-central-1", false), None);
        assert_eq!(
            chime_sdk_messaging_regions_text(),
            "us-east-1 and eu-central-1"
        );
    }
}
