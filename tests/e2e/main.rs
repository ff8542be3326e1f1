//! End to end: the real terraform drives the provider binary against moto and
//! chimesdk-local, plus the checks that docs and golden captures stay true.
//! One binary, one module per capability.

mod acceptance;
mod ambiguous_answers;
mod app_instance;
mod app_instance_admin;
mod app_instance_bot;
mod app_instance_retention_settings;
mod app_instance_user;
mod channel_flow;
mod compat;
mod docs;
mod examples;
mod faults;
mod gitops;
mod golden;
mod identity;
mod kms;
mod layout;
mod lifecycle;
mod model_conformance;
mod plan_lookups;
mod protocol;
mod provider_config;
mod query;
mod service_semantics;
mod tags;
mod validation;
mod verify_channel_flow;
mod verify_streaming;
