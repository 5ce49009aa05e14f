//! The one error type the pages see. The server maps its broker and config errors onto it, keeping
//! internals (URLs, bodies, stack of causes) in its own logs; the browser gets what it needs to
//! explain the problem to a person.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("no cluster named {0:?} is configured")]
    UnknownCluster(String),
    #[error("cluster {cluster:?} is unreachable: {detail}")]
    Unreachable { cluster: String, detail: String },
    #[error("cluster {cluster:?} did not answer in time")]
    Timeout { cluster: String },
    #[error("cluster {cluster:?} refused Warren's credentials")]
    Unauthorized { cluster: String },
    #[error("cluster {cluster:?} sent a reply Warren cannot read")]
    BadReply { cluster: String },
    /// The console has just started and has not finished reading the cluster yet.
    #[error("Warren is still reading cluster {cluster:?} for the first time")]
    Loading { cluster: String },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request never reached Warren's server or its reply was lost.
    #[error("the Warren server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    /// True when the broker, not the request, is the problem: pages then show the fault banner.
    pub fn is_broker_fault(&self) -> bool {
        matches!(
            self,
            Self::Unreachable { .. } | Self::Timeout { .. } | Self::Unauthorized { .. } | Self::BadReply { .. }
        )
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => Self::BadRequest(msg),
            other => Self::Transport(other.to_string()),
        }
    }
}
