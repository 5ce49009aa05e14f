//! Warren's rules about RabbitMQ objects, shared by the server and the browser: how a message is
//! routed, what a policy may hold, what an operation form accepts, what a definitions file would
//! change, what a dashboard is, what a cluster needs before an upgrade, how backlog history is
//! drawn and forecast, and the parts of a cluster's state.
//!
//! Nothing here knows about pages, HTTP or the broker's wire: rules take plain values and return
//! typed problems, which the UI and the server put into words (in English and Chinese).

pub mod access;
pub mod advisor;
pub mod backlog;
pub mod cluster;
pub mod dashboard;
pub mod definitions;
pub mod ops;
pub mod policy;
pub mod problem;
pub mod routing;
pub mod snapshot;
