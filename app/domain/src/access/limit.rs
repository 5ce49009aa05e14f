//! Vhost limits (connections, queues) and user limits (connections, channels), set or cleared.

use serde::{Deserialize, Serialize};

use super::AccessProblem;
use crate::ops::{check_name, ObjectKind};
use crate::problem::Problem;

/// The largest limit Warren sets; RabbitMQ takes any integer, but a limit above this is none.
pub const MAX_LIMIT: i64 = 1_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitKey {
    MaxConnections,
    MaxQueues,
    MaxChannels,
}

impl LimitKey {
    /// The key as the broker names it.
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKey::MaxConnections => "max-connections",
            LimitKey::MaxQueues => "max-queues",
            LimitKey::MaxChannels => "max-channels",
        }
    }
}

/// What a limit applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitTarget {
    Vhost(String),
    User(String),
}

impl LimitTarget {
    /// The limits this kind of target has.
    pub fn keys(&self) -> [LimitKey; 2] {
        match self {
            LimitTarget::Vhost(_) => [LimitKey::MaxConnections, LimitKey::MaxQueues],
            LimitTarget::User(_) => [LimitKey::MaxConnections, LimitKey::MaxChannels],
        }
    }
}

/// Sets a limit (`Some`, 0 refuses every new one) or clears it (`None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitChange {
    pub target: LimitTarget,
    pub key: LimitKey,
    pub value: Option<i64>,
}

impl LimitChange {
    pub fn check(&self) -> Result<(), Problem> {
        match &self.target {
            LimitTarget::Vhost(name) => check_name(ObjectKind::Vhost, name)?,
            LimitTarget::User(name) => check_name(ObjectKind::User, name)?,
        }
        if !self.target.keys().contains(&self.key) {
            return Err(AccessProblem::LimitNotFor { key: self.key }.into());
        }
        match self.value {
            Some(v) if !(0..=MAX_LIMIT).contains(&v) => Err(AccessProblem::LimitOutOfRange { max: MAX_LIMIT }.into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_target_has_its_own_limits_within_range() {
        let vhost = |key, value| LimitChange { target: LimitTarget::Vhost("/".into()), key, value };
        assert_eq!(vhost(LimitKey::MaxQueues, Some(0)).check(), Ok(()));
        assert_eq!(vhost(LimitKey::MaxConnections, None).check(), Ok(()));
        assert_eq!(
            vhost(LimitKey::MaxChannels, Some(5)).check(),
            Err(AccessProblem::LimitNotFor { key: LimitKey::MaxChannels }.into())
        );
        assert_eq!(
            vhost(LimitKey::MaxQueues, Some(-1)).check(),
            Err(AccessProblem::LimitOutOfRange { max: MAX_LIMIT }.into())
        );
        let user = LimitChange { target: LimitTarget::User("u".into()), key: LimitKey::MaxQueues, value: Some(1) };
        assert_eq!(user.check(), Err(AccessProblem::LimitNotFor { key: LimitKey::MaxQueues }.into()));
    }
}
