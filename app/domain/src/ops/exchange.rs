//! Creating and deleting exchanges, and binding them to queues and to other exchanges.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::names::{check_name, check_new_name, MAX_NAME_BYTES};
use super::problem::{FormProblem, ObjectKind, Table};
use super::typed::{typed_map, TypedEntry};

pub const EXCHANGE_TYPES: [&str; 4] = ["direct", "fanout", "topic", "headers"];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewExchange {
    pub vhost: String,
    pub name: String,
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    /// Empty: none.
    pub alternate_exchange: String,
    pub arguments: Vec<TypedEntry>,
}

impl NewExchange {
    pub fn body(&self) -> Result<Value, FormProblem> {
        check_name(ObjectKind::Vhost, &self.vhost)?;
        check_new_name(ObjectKind::Exchange, &self.name)?;
        if self.kind.trim().is_empty() {
            return Err(FormProblem::NoExchangeType);
        }
        let mut arguments = typed_map(&self.arguments, Table::Arguments)?;
        if !self.alternate_exchange.is_empty() {
            check_name(ObjectKind::AlternateExchange, &self.alternate_exchange)?;
            arguments.insert("alternate-exchange".into(), Value::String(self.alternate_exchange.clone()));
        }
        Ok(serde_json::json!({
            "type": self.kind, "durable": self.durable, "auto_delete": self.auto_delete,
            "internal": self.internal, "arguments": arguments,
        }))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExchangeDeletion {
    pub vhost: String,
    pub name: String,
    /// Only if it is the source of no binding.
    pub if_unused: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewBinding {
    pub vhost: String,
    pub source: String,
    /// True: to a queue; false: to an exchange.
    pub to_queue: bool,
    pub destination: String,
    pub routing_key: String,
    pub arguments: Vec<TypedEntry>,
}

impl NewBinding {
    pub fn body(&self) -> Result<Value, FormProblem> {
        check_name(ObjectKind::Vhost, &self.vhost)?;
        check_name(ObjectKind::SourceExchange, &self.source)?;
        let destination = if self.to_queue { ObjectKind::Queue } else { ObjectKind::DestinationExchange };
        check_name(destination, &self.destination)?;
        if self.routing_key.len() > MAX_NAME_BYTES {
            return Err(FormProblem::RoutingKeyTooLong { max: MAX_NAME_BYTES });
        }
        let arguments = typed_map(&self.arguments, Table::Arguments)?;
        Ok(serde_json::json!({ "routing_key": self.routing_key, "arguments": arguments }))
    }
}

/// An existing binding to remove: the broker names it by its `properties_key`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BindingRef {
    pub vhost: String,
    pub source: String,
    pub to_queue: bool,
    pub destination: String,
    pub properties_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::typed::ValueKind;

    fn exchange() -> NewExchange {
        NewExchange {
            vhost: "/".into(),
            name: "orders".into(),
            kind: "topic".into(),
            durable: true,
            ..Default::default()
        }
    }

    fn binding(to_queue: bool) -> NewBinding {
        NewBinding {
            vhost: "/".into(),
            source: "amq.topic".into(),
            to_queue,
            destination: "orders".into(),
            routing_key: "orders.#".into(),
            arguments: vec![TypedEntry::default()],
        }
    }

    #[test]
    fn new_exchanges_need_a_type_and_a_fresh_name() {
        let mut e = exchange();
        e.alternate_exchange = "unrouted".into();
        let body = e.body().unwrap();
        assert_eq!(body["type"], "topic");
        assert_eq!(body["arguments"], serde_json::json!({"alternate-exchange": "unrouted"}));
        e.alternate_exchange = "..".into();
        assert_eq!(
            e.body(),
            Err(FormProblem::NameUnaddressable { kind: ObjectKind::AlternateExchange, name: "..".into() })
        );
        e.kind = " ".into();
        assert_eq!(e.body(), Err(FormProblem::NoExchangeType));
        e.name = "amq.orders".into();
        assert_eq!(e.body(), Err(FormProblem::NameReserved { kind: ObjectKind::Exchange }));
    }

    #[test]
    fn bindings_name_both_ends_and_a_short_key() {
        let body = binding(true).body().unwrap();
        assert_eq!(body, serde_json::json!({"routing_key": "orders.#", "arguments": {}}));
        let mut b = binding(false);
        b.arguments = vec![TypedEntry::new("x-match", ValueKind::Text, "all")];
        assert_eq!(b.body().unwrap()["arguments"], serde_json::json!({"x-match": "all"}));
        b.routing_key = "k".repeat(MAX_NAME_BYTES + 1);
        assert_eq!(b.body(), Err(FormProblem::RoutingKeyTooLong { max: MAX_NAME_BYTES }));
        b.destination.clear();
        assert_eq!(b.body(), Err(FormProblem::NameEmpty { kind: ObjectKind::DestinationExchange }));
        let mut b = binding(true);
        b.destination.clear();
        assert_eq!(b.body(), Err(FormProblem::NameEmpty { kind: ObjectKind::Queue }));
        b.source = "bad\tname".into();
        assert_eq!(b.body(), Err(FormProblem::NameControlCharacter { kind: ObjectKind::SourceExchange }));
    }
}
