//! The plan-time checks of a flow's processors: from the values alone, each
//! function in the AppInstance's account and region and the execution
//! orders 1 to n; live, each function existing and Active
//! (GetFunctionConfiguration, for the qualifier given), its resource policy
//! letting Chime SDK messaging invoke it (GetPolicy, judged by
//! `chimesdk_domain::lambda_policy`), and its execution role allowed to call
//! back (the role's attached and inline policies: a warning only when they
//! show it is not). Each lookup is made once per function per provider
//! process; a check the caller may not make is a warning naming the
//! permission.

use crate::aws::{Aws, AwsError};
use chimesdk_domain::arn::AppInstanceArn;
use chimesdk_domain::lambda_policy::{self, ProcessorUse};
use chimesdk_domain::policy::Verdict;
use tfplugin::framework::Diagnostics;
use tfplugin::value::AttributePath;

/// Where the findings about processor `index` point.
pub fn function_path(index: usize) -> AttributePath {
    AttributePath::attr("processors")
        .index(index as i64)
        .attribute("lambda_function_arn")
}

/// A Lambda function ARN's parts:
/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionArn {
    pub region: String,
    pub account: String,
    pub name: String,
    pub qualifier: Option<String>,
}

impl FunctionArn {
    pub fn parse(arn: &str) -> Option<FunctionArn> {
        let mut parts = arn.strip_prefix("arn:")?.split(':');
        let (_partition, service, region, account, kind, name) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        let qualifier = parts.next().map(str::to_string);
        (service == "lambda" && kind == "function" && !name.is_empty() && parts.next().is_none())
            .then(|| FunctionArn {
                region: region.to_string(),
                account: account.to_string(),
                name: name.to_string(),
                qualifier,
            })
    }
}

/// Why the function cannot serve the AppInstance's flows, from the ARNs
/// alone: the guide puts it in the AppInstance's account and region.
pub fn placement_problem(app: &AppInstanceArn, f: &FunctionArn) -> Option<String> {
    let mut wrong = Vec::new();
    if f.region != app.region {
        wrong.push(format!(
            "region {:?} (the AppInstance's is {:?})",
            f.region, app.region
        ));
    }
    if f.account != app.account {
        wrong.push(format!(
            "account {} (the AppInstance's is {})",
            f.account, app.account
        ));
    }
    (!wrong.is_empty()).then(|| {
        format!(
            "The Lambda function is in {}. A channel flow's processors must be in its AppInstance's account and \
             region (developer guide, \"processor-setup\"); messages would fail or skip the processor. Use a \
             function in {} / {}.",
            wrong.join(" and "),
            app.account,
            app.region
        )
    })
}

/// Why the execution orders are not 1 to n, each once.
pub fn order_problem(orders: &[i64]) -> Option<String> {
    let mut sorted = orders.to_vec();
    sorted.sort_unstable();
    let expected: Vec<i64> = (1..=orders.len() as i64).collect();
    if sorted == expected {
        return None;
    }
    let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    Some(format!(
        "The processors' execution_order values are {}; with {} processor(s) they must be {}, each once, so the \
         order in which the service runs them is clear.",
        list(orders),
        orders.len(),
        list(&expected)
    ))
}

/// What GetFunctionConfiguration says that the checks need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FunctionFacts {
    pub state: Option<String>,
    pub state_reason: Option<String>,
    pub role: Option<String>,
}

async fn function_facts(c: &Aws<'_>, arn: &str) -> Result<Option<FunctionFacts>, AwsError> {
    let answer = c
        .call("GetFunctionConfiguration", || {
            c.lambda
                .get_function_configuration()
                .function_name(arn)
                .send()
        })
        .await;
    match answer {
        Ok(out) => Ok(Some(FunctionFacts {
            state: out.state().map(|s| s.as_str().to_string()),
            state_reason: out.state_reason().map(str::to_string),
            role: out.role().map(str::to_string),
        })),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// GetPolicy of the function as named (a qualifier's policy is its own);
/// `None` when it has none. Lambda answers ResourceNotFoundException both
/// for a function without a policy and for no function: the function was
/// found just before, so here it means no policy. (IAM has a GetPolicy
/// too, so the not-found table cannot name this one.)
async fn function_policy(c: &Aws<'_>, arn: &str) -> Result<Option<String>, AwsError> {
    let answer = c
        .call("GetPolicy", || {
            c.lambda.get_policy().function_name(arn).send()
        })
        .await;
    match answer {
        Ok(out) => Ok(Some(out.policy().unwrap_or_default().to_string())),
        Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(e),
    }
}

/// IAM answers policy documents percent-encoded (RFC 3986).
fn policy_text(document: &str) -> String {
    percent_encoding::percent_decode_str(document)
        .decode_utf8_lossy()
        .into_owned()
}

/// The documents of every policy attached to the role and of its inline
/// policies.
async fn role_policies(c: &Aws<'_>, role_arn: &str) -> Result<Vec<String>, AwsError> {
    let role = role_arn.rsplit('/').next().unwrap_or(role_arn).to_string();
    let mut documents = Vec::new();
    let attached = c
        .call("ListAttachedRolePolicies", || {
            c.iam.list_attached_role_policies().role_name(&role).send()
        })
        .await?;
    if attached.is_truncated() {
        return Err(AwsError::Other(
            "more attached policies than one page".into(),
        ));
    }
    for p in attached.attached_policies() {
        let Some(policy_arn) = p.policy_arn() else {
            continue;
        };
        let policy = c
            .call("GetPolicy", || {
                c.iam.get_policy().policy_arn(policy_arn).send()
            })
            .await?;
        let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
            return Err(AwsError::Other(format!(
                "{policy_arn} has no default version"
            )));
        };
        let v = c
            .call("GetPolicyVersion", || {
                c.iam
                    .get_policy_version()
                    .policy_arn(policy_arn)
                    .version_id(version)
                    .send()
            })
            .await?;
        let document = v
            .policy_version()
            .and_then(|v| v.document())
            .ok_or_else(|| AwsError::Other(format!("{policy_arn} {version} has no document")))?;
        documents.push(policy_text(document));
    }
    let inline = c
        .call("ListRolePolicies", || {
            c.iam.list_role_policies().role_name(&role).send()
        })
        .await?;
    if inline.is_truncated() {
        return Err(AwsError::Other("more inline policies than one page".into()));
    }
    for name in inline.policy_names() {
        let p = c
            .call("GetRolePolicy", || {
                c.iam
                    .get_role_policy()
                    .role_name(&role)
                    .policy_name(name)
                    .send()
            })
            .await?;
        documents.push(policy_text(p.policy_document()));
    }
    Ok(documents)
}

fn could_not_check(
    index: usize,
    what: &str,
    permission: &str,
    e: &AwsError,
    diags: &mut Diagnostics,
) {
    let detail = if e.is_access_denied() {
        format!("{e}. Grant {permission} to check it at plan time.")
    } else {
        format!("{e}. The apply goes ahead unchecked.")
    };
    diags.warning_at(
        function_path(index),
        format!("Could not check {what}"),
        detail,
    );
}

/// The live checks of processor `index`'s function for `use_`.
pub async fn check_function(
    c: &Aws<'_>,
    index: usize,
    use_: &ProcessorUse,
    diags: &mut Diagnostics,
) {
    let path = || function_path(index);
    let arn = use_.function_arn.clone();
    let facts = match c
        .lookups
        .once("GetFunctionConfiguration", &arn, || function_facts(c, &arn))
        .await
    {
        Ok(None) => {
            diags.error_at(
                path(),
                "Lambda function does not exist",
                format!(
                    "GetFunctionConfiguration found no function (or no such version or alias) {arn}. Create it \
                     first, or correct lambda_function_arn: every message of the flow's channels would fail or \
                     skip this processor."
                ),
            );
            return;
        }
        Ok(Some(facts)) => facts,
        Err(e) => {
            could_not_check(
                index,
                "the Lambda function",
                "lambda:GetFunctionConfiguration",
                &e,
                diags,
            );
            FunctionFacts::default()
        }
    };
    if let Some(state) = facts.state.as_deref().filter(|s| *s != "Active") {
        diags.error_at(
            path(),
            "Lambda function is not Active",
            format!(
                "GetFunctionConfiguration says the function is {state}{}. Chime SDK messaging can invoke only an \
                 Active function: wait for it to finish creating, or fix what failed.",
                facts
                    .state_reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
        );
    }
    let fix = use_.statement_to_add();
    let command = use_.add_permission_command();
    match c
        .lookups
        .once("GetPolicy", &arn, || function_policy(c, &arn))
        .await
    {
        Ok(None) => diags.error_at(
            path(),
            "Lambda function has no resource policy",
            format!(
                "GetPolicy found no resource policy on {arn}: Chime SDK messaging may not invoke it. Add this \
                 statement:\n{fix}\nfor example with:\n{command}"
            ),
        ),
        Ok(Some(text)) => match use_.invoke_verdict(&text) {
            Verdict::Allowed => {}
            Verdict::Denied { statement } => diags.error_at(
                path(),
                "Lambda function policy denies Chime SDK messaging",
                format!(
                    "The function's resource policy denies {} to {} with this statement:\n{statement}\nRemove or \
                     narrow it, and allow with:\n{fix}",
                    lambda_policy::INVOKE,
                    lambda_policy::SERVICE_PRINCIPAL
                ),
            ),
            Verdict::CannotVerify { why, statement } => diags.warning_at(
                path(),
                "Could not judge the Lambda function policy",
                format!(
                    "Whether the function's resource policy allows {} to {} depends on what this check cannot judge \
                     ({why}):\n{statement}\nThe statement the developer guide describes:\n{fix}",
                    lambda_policy::INVOKE,
                    lambda_policy::SERVICE_PRINCIPAL
                ),
            ),
            Verdict::NotAllowed => diags.error_at(
                path(),
                "Lambda function policy does not allow Chime SDK messaging",
                format!(
                    "No statement of the function's resource policy allows {} to the service principal {} for this \
                     account and a source ARN covering {} (a policy naming `chime.amazonaws.com`, as some public \
                     examples do, is not it): every message would fail or skip this processor. Add this \
                     statement:\n{fix}\nfor example with:\n{command}",
                    lambda_policy::INVOKE,
                    lambda_policy::SERVICE_PRINCIPAL,
                    use_.app_instance_arn
                ),
            ),
        },
        Err(e) => could_not_check(index, "the Lambda function policy", "lambda:GetPolicy", &e, diags),
    }
    let Some(role) = facts.role else { return };
    // Silence unless the role's policies show it: permissions boundaries,
    // SCPs and policies this caller may not read are out of sight.
    match c
        .lookups
        .once("ListAttachedRolePolicies", &role, || {
            role_policies(c, &role)
        })
        .await
    {
        Ok(documents) => {
            let verdict = use_.callback_verdict(documents.iter().map(String::as_str));
            if matches!(verdict, Verdict::NotAllowed | Verdict::Denied { .. }) {
                let by = match verdict {
                    Verdict::Denied { statement } => format!("denies it with:\n{statement}\n"),
                    _ => "do not allow it. ".to_string(),
                };
                diags.warning_at(
                    path(),
                    "The processor's role may not call back",
                    format!(
                        "The function's execution role {role} must call {} for the AppInstance's channels to answer \
                         a message; its attached and inline policies {by}Allow {} on `{}/channel/*`.",
                        lambda_policy::CALLBACK,
                        lambda_policy::CALLBACK,
                        use_.app_instance_arn
                    ),
                );
            }
        }
        Err(e) => tracing::debug!(role = %role, error = %e, "the processor's role was not judged"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:filter";

    #[test]
    fn a_function_arn_splits_and_must_share_the_app_instances_account_and_region() {
        let f = FunctionArn::parse(FUNCTION).unwrap();
        assert_eq!((f.name.as_str(), f.qualifier.as_deref()), ("filter", None));
        let q = FunctionArn::parse(&format!("{FUNCTION}:live")).unwrap();
        assert_eq!(q.qualifier.as_deref(), Some("live"));
        let app =
            AppInstanceArn::parse("arn:aws:chime:us-east-1:123456789012:app-instance/a").unwrap();
        assert_eq!(placement_problem(&app, &f), None);
        let elsewhere = FunctionArn::parse(&FUNCTION.replace("us-east-1", "eu-west-1")).unwrap();
        let why = placement_problem(&app, &elsewhere).unwrap();
        assert!(why.contains("region \"eu-west-1\""), "{why}");
        let other = FunctionArn::parse(&FUNCTION.replace("123456789012", "999999999999")).unwrap();
        assert!(
            placement_problem(&app, &other)
                .unwrap()
                .contains("account 999999999999")
        );
        assert_eq!(
            FunctionArn::parse("arn:aws:lambda:us-east-1:1:layer:x"),
            None
        );
    }

    #[test]
    fn execution_orders_are_one_to_n_each_once() {
        assert_eq!(order_problem(&[1]), None);
        assert_eq!(order_problem(&[2, 1, 3]), None);
        let gap = order_problem(&[1, 3]).unwrap();
        assert!(
            gap.contains("are 1, 3") && gap.contains("must be 1, 2"),
            "{gap}"
        );
        assert!(order_problem(&[1, 1]).unwrap().contains("must be 1, 2"));
        assert!(order_problem(&[2]).unwrap().contains("must be 1,"));
    }

    #[test]
    fn iam_policy_documents_are_decoded() {
        assert_eq!(
            policy_text("%7B%22Statement%22%3A%5B%5D%7D"),
            r#"{"Statement":[]}"#
        );
        assert_eq!(policy_text(r#"{"Statement":[]}"#), r#"{"Statement":[]}"#);
    }
}
