//! What proves that an AWS object is gone: the not-found error its
//! operation's model lists, or an ambiguous answer (BadRequest, Forbidden, a
//! not-found the model does not list) that the object's List call, read to
//! the end, confirms. Refresh, delete and the plan's lookups all ask here,
//! so no object leaves the state on an answer that could mean "refused".

use std::future::Future;

use super::error::AwsError;

/// Answers that may mean "no such object" as well as "refused": a malformed
/// or otherwise refused request, missing permission, or a not-found error
/// the operation's model does not list.
const MAY_MEAN_GONE: &[&str] = &[
    "BadRequestException",
    "ForbiddenException",
    "NotFoundException",
    "ResourceNotFoundException",
];

/// An answer that neither proves the object gone nor proves it there.
pub fn may_mean_gone(e: &AwsError) -> bool {
    !e.is_not_found() && e.code().is_some_and(|c| MAY_MEAN_GONE.contains(&c))
}

/// What an object's List call said about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    /// The List operation (or the one that proved its parent gone).
    pub by: &'static str,
    pub present: bool,
}

/// Most pages read before giving up on a List whose tokens never end.
const MAX_PAGES: usize = 10_000;

/// Reads a List call to its last page (`page(token)` answers items and the
/// next token, `None` on the last) and says whether `is_it` matches one.
pub async fn list_to_the_end<I, F, Fut>(
    operation: &'static str,
    mut page: F,
    is_it: impl Fn(&I) -> bool,
) -> Result<Listed, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<I>, Option<String>), AwsError>>,
{
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let (items, next) = page(token.clone()).await?;
        if items.iter().any(&is_it) {
            return Ok(Listed {
                by: operation,
                present: true,
            });
        }
        match next {
            // A token that repeats would loop for ever.
            Some(next) if token.as_deref() == Some(next.as_str()) => break,
            Some(next) => token = Some(next),
            None => {
                return Ok(Listed {
                    by: operation,
                    present: false,
                });
            }
        }
    }
    Err(AwsError::Other(format!(
        "{operation} did not reach its last page (its next-page token repeated, or more than {MAX_PAGES} pages)"
    )))
}

/// The not-found mapping of an AWS call's result.
pub trait Found<T>: Sized {
    /// `None` when the service proved the object gone (a modelled
    /// not-found); any other error stays an error.
    fn found(self) -> Result<Option<T>, AwsError>;

    /// A delete's outcome: an object the service proved gone counts as
    /// deleted.
    fn deleted(self) -> Result<(), AwsError> {
        self.found().map(|_| ())
    }
}

impl<T> Found<T> for Result<T, AwsError> {
    fn found(self) -> Result<Option<T>, AwsError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// As [`Found::found`], and an ambiguous answer (see [`may_mean_gone`]) is
/// `None` only when `listing` (the object's List call, read to the end)
/// lacks the object; otherwise an [`AwsError::Unproven`] that quotes the
/// answer. `object` names the object for that error ("AppInstance ARN").
pub async fn found_or_listed<T, Fut>(
    answer: Result<T, AwsError>,
    object: &str,
    listing: impl FnOnce() -> Fut,
) -> Result<Option<T>, AwsError>
where
    Fut: Future<Output = Result<Listed, AwsError>>,
{
    let answer = match answer.found() {
        Err(e) if may_mean_gone(&e) => e,
        settled => return settled,
    };
    let listing = match listing().await {
        Ok(Listed { present: false, by }) => {
            tracing::info!(
                object,
                answer = %answer,
                by,
                "an ambiguous answer, confirmed by a List call that lacks the object: it is gone"
            );
            return Ok(None);
        }
        Ok(Listed { present: true, by }) => format!("{by} still lists it"),
        Err(e) => {
            let by = e.operation().unwrap_or("the List call").to_string();
            format!("{by}, asked whether it still exists, did not say: {e}")
        }
    };
    Err(AwsError::Unproven {
        operation: answer.operation().unwrap_or("the call").to_string(),
        answer: Box::new(answer),
        object: object.to_string(),
        listing,
    })
}

/// As [`Found::deleted`], with an ambiguous answer settled by `listing` as
/// [`found_or_listed`] does.
pub async fn deleted_or_listed<T, Fut>(
    answer: Result<T, AwsError>,
    object: &str,
    listing: impl FnOnce() -> Fut,
) -> Result<(), AwsError>
where
    Fut: Future<Output = Result<Listed, AwsError>>,
{
    found_or_listed(answer, object, listing).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(present: bool) -> Result<Listed, AwsError> {
        Ok(Listed {
            by: "ListAppInstances",
            present,
        })
    }

    fn bad_request() -> Result<u8, AwsError> {
        Err(AwsError::answer_to(
            "DescribeAppInstance",
            "BadRequestException",
            "refused",
        ))
    }

    #[tokio::test]
    async fn an_ambiguous_answer_is_gone_only_when_the_list_lacks_the_object() {
        let gone =
            found_or_listed(bad_request(), "AppInstance a", || async { listed(false) }).await;
        assert_eq!(gone, Ok(None));

        let there = found_or_listed(bad_request(), "AppInstance a", || async { listed(true) })
            .await
            .unwrap_err();
        assert!(matches!(there, AwsError::Unproven { .. }), "{there:?}");
        let text = there.to_string();
        assert!(
            text.contains("DescribeAppInstance answered BadRequestException: refused")
                && text.contains("ListAppInstances still lists it")
                && text.contains("AppInstance a"),
            "{text}"
        );

        let unsettled = found_or_listed(bad_request(), "AppInstance a", || async {
            Err(AwsError::answer_to(
                "ListAppInstances",
                "ForbiddenException",
                "no",
            ))
        })
        .await
        .unwrap_err();
        let text = unsettled.to_string();
        assert!(
            text.contains("ListAppInstances, asked whether it still exists, did not say"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn other_answers_are_not_sent_to_the_list() {
        let never = || async { panic!("no List call for a settled answer") };
        assert_eq!(
            found_or_listed(Ok::<u8, AwsError>(7), "x", never).await,
            Ok(Some(7))
        );
        let modelled: Result<u8, AwsError> = Err(AwsError::answer_to(
            "GetMessagingStreamingConfigurations",
            "NotFoundException",
            "none",
        ));
        assert_eq!(found_or_listed(modelled, "x", never).await, Ok(None));
        let throttled: Result<u8, AwsError> = Err(AwsError::answer_to(
            "DescribeAppInstance",
            "ThrottledClientException",
            "slow down",
        ));
        assert!(matches!(
            found_or_listed(throttled, "x", never).await,
            Err(AwsError::Service { .. })
        ));
        assert_eq!(
            found_or_listed(Err::<u8, _>(AwsError::Cancelled), "x", never).await,
            Err(AwsError::Cancelled)
        );
    }

    #[tokio::test]
    async fn delete_counts_as_done_only_when_proven() {
        assert_eq!(
            deleted_or_listed(bad_request(), "x", || async { listed(false) }).await,
            Ok(())
        );
        assert!(
            deleted_or_listed(bad_request(), "x", || async { listed(true) })
                .await
                .is_err()
        );
        let unmodelled: Result<u8, AwsError> = Err(AwsError::answer_to(
            "DeleteAppInstance",
            "NotFoundException",
            "x",
        ));
        assert!(unmodelled.deleted().is_err(), "not modelled: not proof");
        let modelled: Result<u8, AwsError> = Err(AwsError::answer_to(
            "DeleteStream",
            "ResourceNotFoundException",
            "x",
        ));
        assert_eq!(modelled.deleted(), Ok(()));
    }

    #[tokio::test]
    async fn a_list_is_read_to_its_last_page() {
        let pages = [
            (vec!["a", "b"], Some("t1")),
            (vec!["c"], Some("t2")),
            (vec!["d"], None),
        ];
        let page = |token: Option<String>| {
            let i = match token.as_deref() {
                None => 0,
                Some("t1") => 1,
                Some("t2") => 2,
                other => panic!("unexpected token {other:?}"),
            };
            let (items, next) = &pages[i];
            let out = (
                items.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                next.map(str::to_string),
            );
            async move { Ok(out) }
        };
        let on_last = list_to_the_end("ListX", page, |s: &String| s == "d").await;
        assert!(on_last.unwrap().present);
        let nowhere = list_to_the_end("ListX", page, |s: &String| s == "z").await;
        assert!(!nowhere.unwrap().present);
        let looping = list_to_the_end(
            "ListX",
            |_| async { Ok((Vec::<String>::new(), Some("same".to_string()))) },
            |_| false,
        )
        .await;
        assert!(looping.is_err(), "a repeating token is not an end");
    }
}
