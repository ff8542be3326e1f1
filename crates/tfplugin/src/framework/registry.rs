//! What a provider serves, gathered in one value: each resource folder adds
//! its resource (with its list and identity), its data source and its
//! actions through one `register` function, and the provider calls one
//! such function per folder.

use std::sync::Arc;

use super::action::{Action, TypedAction, action};
use super::list::{ListResource, TypedList, list_resource};
use super::resource::{DataSource, Resource};
use super::typed::{TypedDataSource, TypedResource, data_source, resource};

#[derive(Default)]
pub struct Registry {
    pub resources: Vec<Arc<dyn Resource>>,
    pub data_sources: Vec<Arc<dyn DataSource>>,
    pub list_resources: Vec<Arc<dyn ListResource>>,
    pub actions: Vec<Arc<dyn Action>>,
}

impl Registry {
    /// A managed resource without a `list` block.
    pub fn resource<R: TypedResource>(&mut self, r: R) -> &mut Self {
        self.resources.push(resource(r));
        self
    }

    /// A managed resource and its `list` block (`terraform query`).
    pub fn listed_resource<R: TypedList + Clone>(&mut self, r: R) -> &mut Self {
        self.list_resources.push(list_resource(r.clone()));
        self.resource(r)
    }

    pub fn data_source<D: TypedDataSource>(&mut self, d: D) -> &mut Self {
        self.data_sources.push(data_source(d));
        self
    }

    pub fn action<A: TypedAction>(&mut self, a: A) -> &mut Self {
        self.actions.push(action(a));
        self
    }
}
