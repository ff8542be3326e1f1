//! A `list` block over the objects of one AppInstance (its users, bots or
//! admins): the AppInstance its `config` names, each page of the object's
//! List call made into results, until the pages end or Terraform has
//! enough.

use std::future::Future;

use crate::aws::AwsError;
use tfplugin::framework::{Diagnostics, Found, Listing, TypedResource};
use tfplugin::value::{Attr, AttributePath};

/// Lists what `page` (one page of the List call for an AppInstance and a
/// token) answers, each item made a result by `found`. `what` names the
/// objects in diagnostics ("users").
pub async fn list_app_instance_pages<R, T, P, Fut>(
    what: &str,
    app_instance_arn: Option<Attr<String>>,
    out: &mut Listing<'_, R>,
    diags: &mut Diagnostics,
    page: P,
    found: impl Fn(&str, T) -> Found<R::Model>,
) where
    R: TypedResource,
    P: Fn(String, Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), AwsError>>,
{
    let Some(Attr::Known(app)) = app_instance_arn else {
        diags.error_at(
            AttributePath::attr("app_instance_arn"),
            format!("No AppInstance to list the {what} of"),
            "Set `config { app_instance_arn = ... }` in the list block.",
        );
        return;
    };
    let mut next = None;
    loop {
        match page(app.clone(), next).await {
            Err(e) => {
                diags.error(format!("listing the {what} of {app}"), e.to_string());
                return;
            }
            Ok((items, token)) => {
                let results = items.into_iter().map(|item| found(&app, item)).collect();
                if !out.page(results).await || token.is_none() {
                    return;
                }
                next = token;
            }
        }
    }
}
