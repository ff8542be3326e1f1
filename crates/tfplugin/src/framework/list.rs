//! List resources (`list` blocks, `terraform query`): a resource finds its
//! remote objects page by page and hands over, for each, what its import
//! would return and a display name. The framework does the rest once:
//! identities, the `limit`, stopping when Terraform stops listening, and the
//! full object (the resource's own Read, a few at a time) when asked.

use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::context::CallContext;
use super::declare::{BlockSchema, ModelValue};
use super::diag::Diagnostics;
use super::identity::IdentitySchema;
use super::schema::Schema;
use super::typed::{Refresh, TypedResource};
use crate::value::{Type, Value, from_value, to_value};

/// Reads of full objects run at most this many at a time: enough to hide
/// latency, few enough to stay clear of the service's throttling.
pub const OBJECT_READ_CONCURRENCY: usize = 4;

pub struct ListRequest<'a> {
    /// The `config` block of the `list` block (null when absent).
    pub config: &'a Value,
    pub include_resource_object: bool,
    /// `None`: no limit.
    pub limit: Option<u64>,
    pub ctx: &'a CallContext,
}

/// One result, or diagnostics about the listing as a whole.
pub enum ListEvent {
    Found {
        identity: Value,
        display_name: String,
        /// Set when the request asked for objects.
        resource_object: Option<Value>,
        diagnostics: Diagnostics,
    },
    Diagnostics(Diagnostics),
}

#[async_trait]
pub trait ListResource: Send + Sync {
    /// The managed resource type it lists.
    fn type_name(&self) -> &'static str;
    /// The schema of the `list` block's `config`.
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}
    /// Sends results to `out` until done, `limit` results were sent, or
    /// the receiver is gone.
    async fn list(&self, req: ListRequest<'_>, out: mpsc::Sender<ListEvent>);
}

/// The `config` of a `list` block that takes no arguments.
#[derive(
    Debug, Clone, Default, serde::Serialize, serde::Deserialize, super::declare::BlockSchema,
)]
pub struct NoListConfig {}

/// One remote object found: what `import` would return for it (at least
/// its identity attributes) and how a person recognises it.
pub struct Found<M> {
    pub partial: M,
    pub display_name: String,
}

/// Where a typed list hands its pages.
pub struct Listing<'a, R: TypedResource> {
    resource: &'a R,
    data: &'a R::Data,
    ctx: &'a CallContext,
    identity: &'a IdentitySchema,
    ty: &'a Type,
    include_objects: bool,
    remaining: Option<u64>,
    out: mpsc::Sender<ListEvent>,
}

impl<R: TypedResource> Listing<'_, R> {
    /// Whether more results are wanted; a list stops asking the service
    /// for pages once this is false.
    pub fn wants_more(&self) -> bool {
        self.remaining != Some(0) && !self.out.is_closed() && !self.ctx.cancel.is_cancelled()
    }

    /// Sends a page of results; returns `wants_more()` afterwards.
    pub async fn page(&mut self, mut found: Vec<Found<R::Model>>) -> bool {
        if let Some(n) = self.remaining {
            found.truncate(usize::try_from(n).unwrap_or(usize::MAX));
        }
        let events: Vec<Option<ListEvent>> = futures::stream::iter(found)
            .map(|f| self.event(f))
            .buffered(OBJECT_READ_CONCURRENCY)
            .collect()
            .await;
        for event in events.into_iter().flatten() {
            if self.out.send(event).await.is_err() {
                return false;
            }
            if let Some(n) = self.remaining.as_mut() {
                *n = n.saturating_sub(1);
            }
        }
        self.wants_more()
    }

    /// The event for one result; `None` when its object went away between
    /// the listing and the read.
    async fn event(&self, found: Found<R::Model>) -> Option<ListEvent> {
        let mut diagnostics = Diagnostics::new();
        let partial = match to_value(&found.partial, self.ty) {
            Ok(v) => v,
            Err(e) => {
                diagnostics.error(
                    "Provider could not write a value",
                    format!("{e}. Please report this bug."),
                );
                return Some(ListEvent::Diagnostics(diagnostics));
            }
        };
        let mut identity = self.identity.of_state(&partial);
        let resource_object = if self.include_objects {
            let mut private = R::Private::default();
            let refresh = Refresh {
                current: found.partial,
                private: &mut private,
                data: self.data,
                ctx: self.ctx,
            };
            match self.resource.read(refresh, &mut diagnostics).await {
                Some(model) => match to_value(&model, self.ty) {
                    Ok(v) => {
                        identity = self.identity.of_state(&v);
                        Some(v)
                    }
                    Err(e) => {
                        diagnostics.error(
                            "Provider could not write a value",
                            format!("{e}. Please report this bug."),
                        );
                        None
                    }
                },
                None if diagnostics.has_errors() => None,
                None => return None,
            }
        } else {
            None
        };
        Some(ListEvent::Found {
            identity,
            display_name: found.display_name,
            resource_object,
            diagnostics,
        })
    }
}

/// A resource that can list its remote objects.
#[async_trait]
pub trait TypedList: TypedResource {
    /// The `list` block's `config`; its `BlockSchema` is the config's schema.
    type ListConfig: ModelValue + BlockSchema;
    /// What a `list` block of this type finds (the config block's description).
    const LIST_DESCRIPTION: &'static str;

    /// Finds the objects, handing them to `out` a page at a time, and stops
    /// when `out.page` returns false.
    async fn list(
        &self,
        config: Option<Self::ListConfig>,
        data: &Self::Data,
        ctx: &CallContext,
        out: &mut Listing<'_, Self>,
        diags: &mut Diagnostics,
    );
}

/// The protocol-facing list resource for a typed one.
pub fn list_resource<R: TypedList>(r: R) -> Arc<dyn ListResource> {
    let schema = super::typed::served_schema::<R>();
    let mut config = R::ListConfig::block();
    config.description = R::LIST_DESCRIPTION.to_string();
    Arc::new(TypedListServer {
        ty: schema.value_type(),
        list_schema: Schema::new(config),
        inner: r,
    })
}

struct TypedListServer<R> {
    inner: R,
    list_schema: Schema,
    ty: Type,
}

#[async_trait]
impl<R: TypedList> ListResource for TypedListServer<R> {
    fn type_name(&self) -> &'static str {
        R::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.list_schema.clone()
    }

    async fn list(&self, req: ListRequest<'_>, out: mpsc::Sender<ListEvent>) {
        let mut diags = Diagnostics::new();
        let config = if req.config.is_null() {
            None
        } else {
            match from_value::<R::ListConfig>(req.config) {
                Ok(c) => Some(c),
                Err(e) => {
                    diags.error(
                        "Provider could not read a value",
                        format!(
                            "Reading the list configuration failed: {e}. Please report this bug."
                        ),
                    );
                    let _ = out.send(ListEvent::Diagnostics(diags)).await;
                    return;
                }
            }
        };
        let Some(identity) = self.inner.identity() else {
            diags.error(
                format!("{} cannot be listed", R::TYPE_NAME),
                "It declares no identity, which every list result carries. This is a bug in the provider.",
            );
            let _ = out.send(ListEvent::Diagnostics(diags)).await;
            return;
        };
        let Some(data) = req.ctx.provider_data::<R::Data>(&mut diags) else {
            let _ = out.send(ListEvent::Diagnostics(diags)).await;
            return;
        };
        let mut listing = Listing {
            resource: &self.inner,
            data: &data,
            ctx: req.ctx,
            identity: &identity,
            ty: &self.ty,
            include_objects: req.include_resource_object,
            remaining: req.limit,
            out: out.clone(),
        };
        self.inner
            .list(config, &data, req.ctx, &mut listing, &mut diags)
            .await;
        if !diags.is_empty() {
            let _ = out.send(ListEvent::Diagnostics(diags)).await;
        }
    }
}
