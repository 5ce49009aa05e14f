//! Get: fetching messages from a queue to look at them, and what is done with them after.

use serde::{Deserialize, Serialize};

use super::names::check_name;
use super::problem::{FormProblem, ObjectKind};

/// Most messages one Get fetches (the broker's UI offers up to the same kind of number).
pub const MAX_GET: u32 = 100;

/// What Get does with the messages it fetched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AckMode {
    /// Put them back (marked redelivered): looking does not consume.
    #[default]
    Requeue,
    /// Acknowledge: they leave the queue.
    Ack,
    /// Reject without requeue: dead-lettered if the queue has a dead-letter exchange.
    Reject,
}

impl AckMode {
    pub fn broker_name(self) -> &'static str {
        match self {
            AckMode::Requeue => "ack_requeue_true",
            AckMode::Ack => "ack_requeue_false",
            AckMode::Reject => "reject_requeue_false",
        }
    }

    /// True when the messages leave the queue.
    pub fn removes(self) -> bool {
        self != AckMode::Requeue
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GetRequest {
    pub vhost: String,
    pub queue: String,
    pub count: u32,
    pub ack: AckMode,
    /// Always base64 rather than text when the payload is valid UTF-8.
    pub base64: bool,
    /// Payload bytes shown per message; the rest is cut off.
    pub truncate: Option<u32>,
}

impl GetRequest {
    pub fn check(&self) -> Result<(), FormProblem> {
        check_name(ObjectKind::Vhost, &self.vhost)?;
        check_name(ObjectKind::Queue, &self.queue)?;
        if self.count == 0 || self.count > MAX_GET {
            return Err(FormProblem::CountOutOfRange { max: MAX_GET });
        }
        Ok(())
    }
}

/// One fetched message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GotMessage {
    pub payload: String,
    /// "string" or "base64", as the broker chose.
    pub payload_encoding: String,
    pub payload_bytes: u64,
    pub redelivered: bool,
    pub exchange: String,
    pub routing_key: String,
    /// Messages left in the queue after this one.
    pub message_count: u64,
    /// Properties other than headers, as `name = JSON value`.
    pub properties: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_names_its_queue_and_fetches_one_to_a_hundred() {
        let get = |queue: &str, count| GetRequest {
            vhost: "/".into(),
            queue: queue.into(),
            count,
            ack: AckMode::Requeue,
            base64: false,
            truncate: None,
        };
        assert_eq!(get("orders", 1).check(), Ok(()));
        assert_eq!(get("orders", MAX_GET).check(), Ok(()));
        for count in [0, MAX_GET + 1] {
            assert_eq!(get("orders", count).check(), Err(FormProblem::CountOutOfRange { max: MAX_GET }));
        }
        assert_eq!(get("", 1).check(), Err(FormProblem::NameEmpty { kind: ObjectKind::Queue }));
        assert!(!AckMode::Requeue.removes() && AckMode::Ack.removes() && AckMode::Reject.removes());
    }
}
