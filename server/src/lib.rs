//! Warren's server. Data flows one way, and a module imports only from the layers below it:
//!
//! ```text
//! main.rs    composition root: reads the config, opens the store, starts the pollers, serves
//! http/      the HTTP surface: router, live streams with their caches, downloads, security headers
//! auth/      who is asking: sign-in, sessions, CSRF, the route access table, account administration
//! service/   reads and writes: the one access check, cluster reads, operations, dashboards, tiles
//! store/     what Warren keeps: SQLite (users, tokens, audit, dashboards, templates), the backlog time series, Prometheus
//! cluster/   one poller per cluster and the snapshot it keeps
//! broker/    RabbitMQ's management API over HTTP, behind the `Broker` trait
//! ```
//!
//! `config`, `metrics` and `crypto` are read by every layer; the rules shared with the browser
//! live in the `domain` crate, the wire types and pages in `app`.

pub mod auth;
pub mod broker;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod crypto;
pub mod http;
pub mod metrics;
pub mod service;
pub mod store;
