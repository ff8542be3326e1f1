//! chimesdk-local over HTTP: the API against the models, delivery to moto's
//! Kinesis, slow clients, and the tail_events example.

mod delivery;
mod endpoint;
mod fuzz;
mod slow_clients;
mod tail_events;
