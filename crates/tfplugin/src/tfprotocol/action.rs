//! PlanAction, InvokeAction and ValidateActionConfig: an action's progress
//! lines as the streaming RPC's Progress events, then one Completed event
//! with its diagnostics. The action runs in its own task, so it finishes
//! (and cleans up after itself) even when Terraform stops listening.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;
use tracing::Instrument;

use super::convert;
use crate::framework::{Action, CallContext, Diagnostics, Progress, Schema};
use crate::proto::tfplugin6 as pb;
use crate::value::Type;

pub type EventStream = Pin<Box<dyn Stream<Item = Result<pb::invoke_action::Event, Status>> + Send>>;

/// Progress lines in flight to Terraform.
const LINES_IN_FLIGHT: usize = 16;

pub struct ActionEntry {
    pub action: Arc<dyn Action>,
    pub schema: Schema,
    pub ty: Type,
}

impl ActionEntry {
    pub fn new(action: Arc<dyn Action>) -> Self {
        let schema = action.schema();
        Self {
            ty: schema.value_type(),
            schema,
            action,
        }
    }
}

fn completed(diagnostics: Vec<pb::Diagnostic>) -> pb::invoke_action::Event {
    use pb::invoke_action::event::{Completed, Type};
    pb::invoke_action::Event {
        r#type: Some(Type::Completed(Completed { diagnostics })),
    }
}

/// An InvokeAction answer that completes at once with these diagnostics.
pub fn completed_only(diagnostics: Vec<pb::Diagnostic>) -> EventStream {
    Box::pin(futures::stream::iter([Ok(completed(diagnostics))]))
}

/// The events of one InvokeAction call.
pub fn invoke(
    entry: Arc<ActionEntry>,
    req: pb::invoke_action::Request,
    ctx: CallContext,
    span: tracing::Span,
) -> EventStream {
    let config = match convert::decode(req.config.as_ref(), &entry.ty) {
        Ok(c) => c,
        Err(why) => {
            let d = convert::error("Provider received a value it cannot decode", why);
            return Box::pin(futures::stream::iter([Ok(completed(d))]));
        }
    };
    let (lines_tx, lines_rx) = mpsc::channel(LINES_IN_FLIGHT);
    let (done_tx, done_rx) = oneshot::channel::<Diagnostics>();
    tokio::spawn(
        async move {
            let diags = entry
                .action
                .invoke(&config, &ctx, Progress::new(lines_tx))
                .await;
            let _ = done_tx.send(diags);
        }
        .instrument(span),
    );
    let progress = ReceiverStream::new(lines_rx).map(|message| {
        use pb::invoke_action::event::{Progress as Line, Type};
        Ok(pb::invoke_action::Event {
            r#type: Some(Type::Progress(Line { message })),
        })
    });
    let done = futures::stream::once(async move {
        let diags = done_rx.await.unwrap_or_else(|_| {
            let mut d = Diagnostics::new();
            d.error(
                "Action stopped unexpectedly",
                "The action's task ended without a result; please report this bug.",
            );
            d
        });
        Ok(completed(convert::diagnostics(&diags)))
    });
    Box::pin(progress.chain(done))
}
