//! The provider's resources, one folder each: the managed resource (a
//! `TypedResource`), its `list` block, its data source and its AWS calls,
//! registered by the folder's own `register`; this file names each folder
//! once.

/// Declares each resource folder once: its module, and its `register`
/// (the resource, its list, its data source) called by [`register`].
macro_rules! folders {
    ($($folder:ident),* $(,)?) => {
        $(pub mod $folder;)*

        /// Everything the resource folders serve.
        pub fn register(registry: &mut Registry) {
            $($folder::register(registry);)*
        }
    };
}

folders!(
    app_instance,
    app_instance_user,
    messaging_streaming_configuration,
);

use crate::aws::AwsError;
use tfplugin::framework::{CallContext, Diagnostics, Registry};
use tfplugin::value::Attr;

/// Metadata (of an AppInstance or a user) as state holds it. The service
/// does not tell an absent value from an empty one (unverified for the real
/// service; chimesdk-local keeps what it was sent), so either reads back as
/// the state had it.
fn metadata_attr(remote: Option<&str>, current: &Attr<String>) -> Attr<String> {
    match remote.filter(|m| !m.is_empty()) {
        Some(m) => Attr::Known(m.to_string()),
        None => match current {
            Attr::Known(s) if s.is_empty() => Attr::Known(String::new()),
            _ => Attr::Null,
        },
    }
}

/// What a refresh keeps of an object read by its ARN: what was read;
/// nothing when it is gone, so the next plan creates it again; the state as
/// it was, with an error, when it could not be read.
fn refreshed<M>(
    kind: &str,
    arn: &str,
    current: M,
    read: Result<Option<M>, AwsError>,
    diags: &mut Diagnostics,
) -> Option<M> {
    match read {
        Ok(Some(read)) => Some(read),
        Ok(None) => {
            tracing::info!(arn, "{kind} is gone; removing it from state");
            None
        }
        Err(e) => {
            diags.error(format!("reading Chime SDK {kind} ({arn})"), e.to_string());
            Some(current)
        }
    }
}

/// A failed call's text for a diagnostic; a timeout of an operation with a
/// deadline also names the budget that ran out and how to raise it.
fn explain(ctx: &CallContext, e: &AwsError) -> String {
    match (e, &ctx.deadline) {
        (AwsError::TimedOut { .. }, Some(deadline)) => format!("{e}. {}", deadline.ran_out()),
        (other, _) => other.to_string(),
    }
}
