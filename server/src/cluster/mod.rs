//! Cluster state: one poller per cluster (`feed`) keeps the latest snapshot of it (`snapshot`),
//! patched in place between full reads, and tells subscribers when it changes; when its nodes
//! disagree, each one's own view of the others (`views`).

pub mod access;
pub mod extras;
pub mod feed;
pub mod plugins;
pub mod settings;
pub mod snapshot;
pub mod views;
