//! ListResource and ValidateListResourceConfig: a list resource's results
//! as the streaming RPC's events, each with the identity and, when asked,
//! the full object encoded under the managed resource's schema.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;
use tracing::Instrument;

use super::convert;
use super::identity::Identity;
use crate::framework::{
    CallContext, Diagnostics, ListEvent, ListRequest, ListResource, Schema, validate_attributes,
};
use crate::proto::tfplugin6 as pb;
use crate::value::{AttributePath, Type, Value};

pub type EventStream = Pin<Box<dyn Stream<Item = Result<pb::list_resource::Event, Status>> + Send>>;

/// Results in flight between the listing task and gRPC: a page's worth, so
/// a slow reader holds the listing back instead of piling results up.
const EVENTS_IN_FLIGHT: usize = 64;

pub struct ListEntry {
    list: Arc<dyn ListResource>,
    pub schema: Schema,
    config_ty: Type,
    /// The managed resource's type and identity, for the results.
    resource_ty: Type,
    identity: Option<Identity>,
}

impl ListEntry {
    pub fn new(
        list: Arc<dyn ListResource>,
        resource: Option<(&Schema, Option<crate::framework::IdentitySchema>)>,
    ) -> Self {
        let schema = list.schema();
        let (resource_ty, identity) = match resource {
            Some((rs, id)) => (rs.value_type(), Identity::new(id, rs)),
            None => (Type::Dynamic, None),
        };
        Self {
            config_ty: schema.value_type(),
            schema,
            list,
            resource_ty,
            identity,
        }
    }

    pub fn validate(
        &self,
        req: &pb::validate_list_resource_config::Request,
    ) -> Vec<pb::Diagnostic> {
        let config = match convert::decode(req.config.as_ref(), &self.config_ty) {
            Ok(c) => c,
            Err(why) => return convert::error("Provider received a value it cannot decode", why),
        };
        let mut diags = Diagnostics::new();
        if !config.is_null() {
            validate_attributes(
                &self.schema.block,
                &config,
                &AttributePath::root(),
                &mut diags,
            );
            self.list.validate(&config, &mut diags);
        }
        if let Ok(Value::Number(n)) = convert::decode(req.limit.as_ref(), &Type::Number)
            && n.as_i64().is_none_or(|l| l < 0)
        {
            diags.error_at(
                AttributePath::attr("limit"),
                "Invalid list limit",
                format!("limit = {n} is not a whole number of results. Set a whole number of 0 or more (0: no limit)."),
            );
        }
        convert::diagnostics(&diags)
    }
}

fn diagnostics_event(diagnostic: Vec<pb::Diagnostic>) -> pb::list_resource::Event {
    pb::list_resource::Event {
        identity: None,
        display_name: String::new(),
        resource_object: None,
        diagnostic,
    }
}

/// A ListResource answer that is only diagnostics.
pub fn diagnostics_only(diagnostics: Vec<pb::Diagnostic>) -> EventStream {
    Box::pin(futures::stream::iter([Ok(diagnostics_event(diagnostics))]))
}

/// The events of one ListResource call; the listing runs in its own task
/// and stops when the stream is dropped.
pub fn stream(
    entry: Arc<ListEntry>,
    req: pb::list_resource::Request,
    ctx: CallContext,
    span: tracing::Span,
) -> EventStream {
    let config = match convert::decode(req.config.as_ref(), &entry.config_ty) {
        Ok(c) => c,
        Err(why) => {
            let d = convert::error("Provider received a value it cannot decode", why);
            return Box::pin(futures::stream::iter([Ok(diagnostics_event(d))]));
        }
    };
    let (tx, rx) = mpsc::channel(EVENTS_IN_FLIGHT);
    let lister = Arc::clone(&entry);
    tokio::spawn(
        async move {
            let request = ListRequest {
                config: &config,
                include_resource_object: req.include_resource_object,
                // proto3 cannot tell an unset limit from 0: both mean none.
                limit: u64::try_from(req.limit).ok().filter(|l| *l > 0),
                ctx: &ctx,
            };
            lister.list.list(request, tx).await;
        }
        .instrument(span),
    );
    Box::pin(ReceiverStream::new(rx).map(move |event| Ok(entry.wire_event(event))))
}

impl ListEntry {
    fn wire_event(&self, event: ListEvent) -> pb::list_resource::Event {
        match event {
            ListEvent::Diagnostics(d) => diagnostics_event(convert::diagnostics(&d)),
            ListEvent::Found {
                identity,
                display_name,
                resource_object,
                diagnostics,
            } => pb::list_resource::Event {
                identity: self.identity.as_ref().and_then(|i| i.encode(&identity)),
                display_name,
                resource_object: resource_object.map(|o| convert::encode(&o, &self.resource_ty)),
                diagnostic: convert::diagnostics(&diagnostics),
            },
        }
    }
}
