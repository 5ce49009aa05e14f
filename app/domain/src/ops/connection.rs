//! Closing a client connection, or every connection of a user, with the reason the clients are told.

use serde::{Deserialize, Serialize};

use super::names::check_name;
use super::problem::{FormProblem, ObjectKind};

/// The longest reason, in characters: RabbitMQ hands it to the client inside a close text of
/// at most 255 bytes, after "CONNECTION_FORCED - ".
pub const MAX_REASON: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionClose {
    pub vhost: String,
    /// The broker's name of the connection (`client address:port -> server address:port`).
    pub name: String,
    /// What the client is told; empty: the broker's own words.
    pub reason: String,
}

impl ConnectionClose {
    /// The reason as the broker's `X-Reason` header carries it (see `header_reason`).
    pub fn header_reason(&self) -> Result<Option<String>, FormProblem> {
        check_name(ObjectKind::Connection, &self.name)?;
        header_reason(&self.reason)
    }
}

/// Every connection of one broker user: for a client that leaks connections.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UserConnectionsClose {
    pub user: String,
    /// What the clients are told; empty: the broker's own words.
    pub reason: String,
}

impl UserConnectionsClose {
    pub fn header_reason(&self) -> Result<Option<String>, FormProblem> {
        check_name(ObjectKind::User, &self.user)?;
        header_reason(&self.reason)
    }
}

/// The reason as the broker's `X-Reason` header carries it: printable ASCII only (an HTTP header
/// is ASCII, and RabbitMQ 4.0 garbles UTF-8 on its way to the client), anything else as `?`;
/// `None` when there is none.
fn header_reason(reason: &str) -> Result<Option<String>, FormProblem> {
    if reason.chars().count() > MAX_REASON {
        return Err(FormProblem::ReasonTooLong { max: MAX_REASON });
    }
    let reason = reason.trim();
    Ok((!reason.is_empty())
        .then(|| reason.chars().map(|c| if c == ' ' || c.is_ascii_graphic() { c } else { '?' }).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(name: &str, reason: &str) -> ConnectionClose {
        ConnectionClose { vhost: "/".into(), name: name.into(), reason: reason.into() }
    }

    #[test]
    fn the_reason_reaches_the_broker_as_printable_ascii() {
        let name = "127.0.0.1:5 -> 127.0.0.1:5672";
        assert_eq!(close(name, "  leak: 500 channels  ").header_reason(), Ok(Some("leak: 500 channels".into())));
        assert_eq!(close(name, "关闭 now\n").header_reason(), Ok(Some("?? now".into())));
        assert_eq!(close(name, "a\tb").header_reason(), Ok(Some("a?b".into())));
        assert_eq!(close(name, " ").header_reason(), Ok(None));
        assert_eq!(close(name, &"x".repeat(MAX_REASON)).header_reason().map(|r| r.map(|r| r.len())), Ok(Some(200)));
        let long = close(name, &"关".repeat(MAX_REASON + 1));
        assert_eq!(long.header_reason(), Err(FormProblem::ReasonTooLong { max: MAX_REASON }));
        assert_eq!(close("", "x").header_reason(), Err(FormProblem::NameEmpty { kind: ObjectKind::Connection }));
    }

    #[test]
    fn a_user_s_connections_are_closed_by_a_user_name_and_the_same_reason() {
        let all = |user: &str, reason: &str| UserConnectionsClose { user: user.into(), reason: reason.into() };
        assert_eq!(all("billing 计费", " leak ").header_reason(), Ok(Some("leak".into())));
        assert_eq!(all("", "x").header_reason(), Err(FormProblem::NameEmpty { kind: ObjectKind::User }));
        let long = all("billing", &"x".repeat(MAX_REASON + 1));
        assert_eq!(long.header_reason(), Err(FormProblem::ReasonTooLong { max: MAX_REASON }));
    }
}
