//! Moving a queue's messages into another queue of its vhost, and deleting a dynamic shovel. A
//! move is a shovel that takes as many messages as the queue holds when it starts, each one
//! acknowledged at the source only once the destination confirmed it, and then deletes itself:
//! RabbitMQ's own way, which the built-in UI uses too.

use serde::{Deserialize, Serialize};

use super::names::check_name;
use super::problem::{FormProblem, ObjectKind};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageMove {
    pub vhost: String,
    /// The queue the messages leave.
    pub from: String,
    /// The queue they go to, in the same vhost.
    pub to: String,
}

impl MessageMove {
    pub fn check(&self) -> Result<(), FormProblem> {
        check_name(ObjectKind::Vhost, &self.vhost)?;
        check_name(ObjectKind::Queue, &self.from)?;
        check_name(ObjectKind::DestinationQueue, &self.to)?;
        if self.from == self.to {
            return Err(FormProblem::MoveToItself);
        }
        Ok(())
    }

    /// The shovel's name, as the built-in UI names it: either console sees a move under way.
    pub fn shovel_name(&self) -> String {
        format!("Move from {}", self.from)
    }
}

/// A dynamic shovel, by its vhost and name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShovelRef {
    pub vhost: String,
    pub name: String,
}

impl ShovelRef {
    pub fn check(&self) -> Result<(), FormProblem> {
        check_name(ObjectKind::Vhost, &self.vhost)?;
        check_name(ObjectKind::Shovel, &self.name)
    }
}

/// What a move started with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MoveStarted {
    /// The shovel doing it, which deletes itself when done.
    pub shovel: String,
    /// Ready messages in the source queue as last read: about as many will move.
    pub messages: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(from: &str, to: &str) -> MessageMove {
        MessageMove { vhost: "/".into(), from: from.into(), to: to.into() }
    }

    #[test]
    fn a_move_needs_two_different_queues() {
        assert_eq!(to("orders.dlq", "orders").check(), Ok(()));
        assert_eq!(to("orders", "orders").check(), Err(FormProblem::MoveToItself));
        assert_eq!(to("orders", "").check(), Err(FormProblem::NameEmpty { kind: ObjectKind::DestinationQueue }));
        assert_eq!(
            to("a", "..").check(),
            Err(FormProblem::NameUnaddressable { kind: ObjectKind::DestinationQueue, name: "..".into() })
        );
        assert_eq!(to("dlq/死信 #1", "q").shovel_name(), "Move from dlq/死信 #1");
    }

    #[test]
    fn a_shovel_is_named() {
        let shovel = |name: &str| ShovelRef { vhost: "/".into(), name: name.into() };
        assert_eq!(shovel("Move from a").check(), Ok(()));
        assert_eq!(shovel("").check(), Err(FormProblem::NameEmpty { kind: ObjectKind::Shovel }));
    }
}
