//! The one error type the pages see. The server maps its broker and config errors onto it, keeping
//! internals (URLs, bodies, stack of causes) in its own logs; the browser gets what it needs to
//! explain the problem to a person.

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
    /// Shared rules refused the request: `message` words the problems in English (what API
    /// clients read), `message_zh` in Chinese. Pages show one of the two, so the browser skips
    /// the typed problems: their decoders would otherwise weigh on every page's WASM.
    #[error("{message}")]
    Invalid {
        #[cfg_attr(feature = "hydrate", serde(skip_deserializing))]
        problems: Vec<domain::problem::Problem>,
        message: String,
        message_zh: String,
    },
    /// A call whose body is not the JSON the function takes (wrong types, missing fields).
    #[error("the request is not what this call takes: {0}")]
    Undecodable(String),
    /// The request clashes with the current state (a name in use, an edit over a newer one).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The broker refused a write; `reason` is its own words, verbatim.
    #[error("cluster {cluster:?} refused the request: {reason}")]
    Rejected { cluster: String, reason: String },
    /// The request never reached Warren's server or its reply was lost.
    #[error("the Warren server could not be reached: {0}")]
    Transport(String),
    /// No session, or it expired: sign in (again).
    #[error("sign in to use Warren")]
    SignInRequired,
    /// Signed in, but this identity may not do or see that.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// A write without the page's CSRF token: made by another site, or by a page older than the session.
    #[error("this request lacks a valid CSRF token; reload the page and try again")]
    CsrfRejected,
    #[error("too many failed sign-ins; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A bounded resource is in use up to its limit (live streams, for one identity or all).
    #[error("too many at once: {0}")]
    Busy(String),
    /// Something broke inside Warren; the details are in its log.
    #[error("internal error in Warren; see its log")]
    Internal,
}

impl AppError {
    /// The request breaks these rules (at least one).
    pub fn invalid(problems: Vec<domain::problem::Problem>) -> Self {
        use crate::i18n::Lang;
        let worded =
            |lang: Lang| problems.iter().map(|p| lang.problem(p)).collect::<Vec<_>>().join(lang.texts().list_separator);
        Self::Invalid { message: worded(Lang::En), message_zh: worded(Lang::Zh), problems }
    }

    /// The problems in `lang`, for a page; any other error as it is.
    pub fn in_language(&self, lang: crate::i18n::Lang) -> String {
        match (self, lang) {
            (Self::Invalid { message, .. }, crate::i18n::Lang::En) => message.clone(),
            (Self::Invalid { message_zh, .. }, crate::i18n::Lang::Zh) => message_zh.clone(),
            (other, _) => other.to_string(),
        }
    }
}

/// One broken rule, from any area, is an `Invalid` error.
macro_rules! invalid_from {
    ($($problem:ty),*) => {$(
        impl From<$problem> for AppError {
            fn from(problem: $problem) -> Self {
                Self::invalid(vec![problem.into()])
            }
        }
    )*};
}

invalid_from!(
    domain::problem::Problem,
    domain::policy::PolicyProblem,
    domain::ops::FormProblem,
    domain::definitions::DefinitionsProblem,
    domain::dashboard::DashboardProblem,
    domain::access::AccessProblem,
    domain::cluster::ClusterProblem,
    domain::advisor::MuteProblem
);

impl AppError {
    /// The error as someone who is not an admin sees it: the fault, without the network's
    /// topology (node addresses, OS errors) that only the people running it need.
    pub fn redacted(self) -> Self {
        match self {
            Self::Unreachable { cluster, .. } => {
                Self::Unreachable { cluster, detail: "no node of the cluster answered".into() }
            }
            other => other,
        }
    }

    /// True when the broker, not the request, is the problem: pages then show the fault banner.
    pub fn is_broker_fault(&self) -> bool {
        matches!(
            self,
            Self::Unreachable { .. } | Self::Timeout { .. } | Self::Unauthorized { .. } | Self::BadReply { .. }
        )
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status that tells the client what went wrong.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::UnknownCluster(_) | Self::NotFound(_) => S::NOT_FOUND,
            Self::BadRequest(_) | Self::Invalid { .. } | Self::Undecodable(_) | Self::Rejected { .. } => S::BAD_REQUEST,
            Self::Conflict(_) => S::CONFLICT,
            Self::SignInRequired => S::UNAUTHORIZED,
            Self::Forbidden(_) | Self::CsrfRejected => S::FORBIDDEN,
            Self::TooManyAttempts { .. } | Self::Busy(_) => S::TOO_MANY_REQUESTS,
            Self::Loading { .. } => S::SERVICE_UNAVAILABLE,
            Self::Timeout { .. } => S::GATEWAY_TIMEOUT,
            Self::Unreachable { .. } | Self::Unauthorized { .. } | Self::BadReply { .. } => S::BAD_GATEWAY,
            Self::Transport(_) | Self::Internal => S::INTERNAL_SERVER_ERROR,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = crate::codec::TextJson;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => Self::Undecodable(msg),
            // On the server this is a request body that is not the JSON the function takes.
            ServerFnErrorErr::Deserialization(msg) if cfg!(feature = "ssr") => Self::Undecodable(msg),
            other => Self::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use domain::ops::{FormProblem, ObjectKind};

    #[test]
    fn a_refusal_reaches_the_page_in_both_languages() {
        let problem = FormProblem::NameEmpty { kind: ObjectKind::Queue };
        let sent = serde_json::to_string(&AppError::from(problem.clone())).unwrap();
        let got: AppError = serde_json::from_str(&sent).unwrap();
        assert_eq!(got.in_language(Lang::En), "the queue name is empty");
        assert_eq!(got.in_language(Lang::Zh), Lang::Zh.problem(&problem.into()));
        assert_ne!(got.in_language(Lang::Zh), got.in_language(Lang::En));
    }
}
