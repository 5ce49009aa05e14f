//! Reads and writes: what the server functions, live streams and downloads call. Every entry
//! point checks its identity through `access`.

pub mod access;
pub mod advisor;
pub mod clusters;
pub mod dashboards;
mod listing;
pub mod operations;
mod preview;
mod reads;
pub mod tiles;
