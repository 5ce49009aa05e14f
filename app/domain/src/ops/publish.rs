//! A test message to publish, its AMQP properties, what the broker did with it, and the
//! templates people save.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::names::{check_name, MAX_NAME_BYTES};
use super::problem::{FormProblem, ObjectKind, Table};
use super::typed::{typed_map, TypedEntry};

/// Most copies one "publish N copies" sends: enough for a small load test, not a flood.
pub const MAX_COPIES: u32 = 1000;
/// Largest test payload, after base64 decoding: the broker's HTTP publish refuses much more.
pub const MAX_PAYLOAD_BYTES: usize = 512 * 1024;
/// Most characters of a template name.
pub const MAX_TEMPLATE_NAME: usize = 100;
/// Most templates one person keeps.
pub const MAX_TEMPLATES: usize = 200;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayloadEncoding {
    #[default]
    Text,
    Base64,
}

/// AMQP basic properties of a test message; empty strings are left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageProperties {
    pub persistent: bool,
    pub content_type: String,
    pub content_encoding: String,
    /// 0–255 when given.
    pub priority: String,
    pub correlation_id: String,
    pub reply_to: String,
    /// Per-message TTL in milliseconds (a string of digits, as AMQP has it).
    pub expiration: String,
    pub message_id: String,
    /// Seconds since the epoch when given.
    pub timestamp: String,
    pub kind: String,
    pub user_id: String,
    pub app_id: String,
}

impl Default for MessageProperties {
    fn default() -> Self {
        Self {
            // A test message should survive like the real ones do.
            persistent: true,
            content_type: String::new(),
            content_encoding: String::new(),
            priority: String::new(),
            correlation_id: String::new(),
            reply_to: String::new(),
            expiration: String::new(),
            message_id: String::new(),
            timestamp: String::new(),
            kind: String::new(),
            user_id: String::new(),
            app_id: String::new(),
        }
    }
}

/// A test message to publish.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Publish {
    pub vhost: String,
    /// Empty or `amq.default`: the default exchange.
    pub exchange: String,
    pub routing_key: String,
    pub payload: String,
    pub encoding: PayloadEncoding,
    pub properties: MessageProperties,
    pub headers: Vec<TypedEntry>,
    /// 1 unless testing load; at most `MAX_COPIES`.
    pub copies: u32,
}

impl Publish {
    /// The exchange as the management API addresses it.
    pub fn exchange_path_name(&self) -> &str {
        if self.exchange.is_empty() {
            "amq.default"
        } else {
            &self.exchange
        }
    }

    /// The payload's size in bytes as the broker will store it.
    pub fn payload_bytes(&self) -> Result<usize, FormProblem> {
        match self.encoding {
            PayloadEncoding::Text => Ok(self.payload.len()),
            PayloadEncoding::Base64 => base64_decoded_len(&self.payload).ok_or(FormProblem::PayloadNotBase64),
        }
    }

    /// The properties object of the broker's publish request, checked.
    pub fn broker_properties(&self) -> Result<Map<String, Value>, FormProblem> {
        let p = &self.properties;
        let mut map = Map::new();
        map.insert("delivery_mode".into(), Value::from(if p.persistent { 2 } else { 1 }));
        let texts = [
            ("content_type", &p.content_type),
            ("content_encoding", &p.content_encoding),
            ("correlation_id", &p.correlation_id),
            ("reply_to", &p.reply_to),
            ("message_id", &p.message_id),
            ("type", &p.kind),
            ("user_id", &p.user_id),
            ("app_id", &p.app_id),
        ];
        for (key, value) in texts {
            if !value.is_empty() {
                map.insert(key.into(), Value::String(value.clone()));
            }
        }
        if !p.priority.trim().is_empty() {
            let priority: u8 = p.priority.trim().parse().map_err(|_| FormProblem::PriorityInvalid)?;
            map.insert("priority".into(), Value::from(priority));
        }
        if !p.expiration.trim().is_empty() {
            let ms = p.expiration.trim();
            if ms.parse::<u32>().is_err() {
                return Err(FormProblem::ExpirationInvalid);
            }
            // AMQP carries it as a string; the broker refuses a JSON number.
            map.insert("expiration".into(), Value::String(ms.into()));
        }
        if !p.timestamp.trim().is_empty() {
            let secs: u64 = p.timestamp.trim().parse().map_err(|_| FormProblem::TimestampInvalid)?;
            map.insert("timestamp".into(), Value::from(secs));
        }
        let headers = typed_map(&self.headers, Table::Headers)?;
        if !headers.is_empty() {
            map.insert("headers".into(), Value::Object(headers));
        }
        Ok(map)
    }

    pub fn check(&self) -> Result<(), FormProblem> {
        check_name(ObjectKind::Vhost, &self.vhost)?;
        if !self.exchange.is_empty() {
            check_name(ObjectKind::Exchange, &self.exchange)?;
        }
        if self.routing_key.len() > MAX_NAME_BYTES {
            return Err(FormProblem::RoutingKeyTooLong { max: MAX_NAME_BYTES });
        }
        if self.copies == 0 || self.copies > MAX_COPIES {
            return Err(FormProblem::CopiesOutOfRange { max: MAX_COPIES });
        }
        let bytes = self.payload_bytes()?;
        if bytes > MAX_PAYLOAD_BYTES {
            return Err(FormProblem::PayloadTooLarge { bytes, max: MAX_PAYLOAD_BYTES });
        }
        self.broker_properties().map(drop)
    }
}

fn base64_decoded_len(text: &str) -> Option<usize> {
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let padding = clean.iter().rev().take_while(|b| **b == b'=').count();
    let body = &clean[..clean.len() - padding];
    let valid = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    (padding <= 2 && body.iter().all(valid)).then(|| clean.len() / 4 * 3 - padding)
}

/// What a publish did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub copies: u32,
    /// Copies the broker routed to at least one queue.
    pub routed: u32,
    /// For an unroutable message: why, worked out from the current bindings.
    pub routing: Option<crate::routing::Routing>,
}

/// A saved test message, per user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    pub message: Publish,
}

/// A template's name, as saved (trimmed): 1 to `MAX_TEMPLATE_NAME` characters.
pub fn check_template_name(name: &str) -> Result<(), FormProblem> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TEMPLATE_NAME {
        return Err(FormProblem::TemplateNameLength { max: MAX_TEMPLATE_NAME });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::typed::ValueKind;

    fn publish() -> Publish {
        Publish { vhost: "/".into(), copies: 1, payload: "hi".into(), ..Default::default() }
    }

    #[test]
    fn publish_properties_are_checked() {
        let mut p = publish();
        p.properties.priority = "300".into();
        assert_eq!(p.check(), Err(FormProblem::PriorityInvalid));
        p.properties.priority = "5".into();
        p.properties.expiration = "-1".into();
        assert_eq!(p.check(), Err(FormProblem::ExpirationInvalid));
        p.properties.expiration = "60000".into();
        p.properties.timestamp = "yesterday".into();
        assert_eq!(p.check(), Err(FormProblem::TimestampInvalid));
        p.properties.timestamp = " 1700000000 ".into();
        p.properties.kind = "order".into();
        p.headers = vec![TypedEntry::new("attempt", ValueKind::Number, "3")];
        let props = p.broker_properties().unwrap();
        assert_eq!(props["expiration"], "60000");
        assert_eq!(props["priority"], 5);
        assert_eq!(props["timestamp"], 1_700_000_000u64);
        assert_eq!(props["type"], "order");
        assert_eq!(props["delivery_mode"], 2);
        assert_eq!(props["headers"]["attempt"], 3);
        p.headers.push(TypedEntry::new("attempt", ValueKind::Text, "again"));
        assert_eq!(p.check(), Err(FormProblem::KeyTwice { table: Table::Headers, key: "attempt".into() }));
    }

    #[test]
    fn publish_names_key_and_copies_are_checked() {
        let mut p = publish();
        p.copies = MAX_COPIES + 1;
        assert_eq!(p.check(), Err(FormProblem::CopiesOutOfRange { max: MAX_COPIES }));
        p.copies = 0;
        assert_eq!(p.check(), Err(FormProblem::CopiesOutOfRange { max: MAX_COPIES }));
        p.copies = MAX_COPIES;
        assert_eq!(p.check(), Ok(()));
        p.routing_key = "k".repeat(MAX_NAME_BYTES + 1);
        assert_eq!(p.check(), Err(FormProblem::RoutingKeyTooLong { max: MAX_NAME_BYTES }));
        p.routing_key.clear();
        p.exchange = "..".into();
        assert_eq!(p.check(), Err(FormProblem::NameUnaddressable { kind: ObjectKind::Exchange, name: "..".into() }));
        p.vhost.clear();
        assert_eq!(p.check(), Err(FormProblem::NameEmpty { kind: ObjectKind::Vhost }), "the vhost first");
        assert_eq!(publish().exchange_path_name(), "amq.default");
    }

    #[test]
    fn payload_size_and_base64_are_checked() {
        let mut p = publish();
        p.encoding = PayloadEncoding::Base64;
        p.payload = "aGVsbG8=".into();
        assert_eq!(p.payload_bytes(), Ok(5));
        p.payload = "aGVs\nbG8=".into();
        assert_eq!(p.payload_bytes(), Ok(5), "line breaks are ignored");
        p.payload = "not base64!".into();
        assert_eq!(p.check(), Err(FormProblem::PayloadNotBase64));
        p.encoding = PayloadEncoding::Text;
        p.payload = "x".repeat(MAX_PAYLOAD_BYTES + 1);
        assert_eq!(
            p.check(),
            Err(FormProblem::PayloadTooLarge { bytes: MAX_PAYLOAD_BYTES + 1, max: MAX_PAYLOAD_BYTES })
        );
    }

    #[test]
    fn template_names_are_one_to_a_hundred_characters() {
        assert_eq!(check_template_name(" hello "), Ok(()));
        assert_eq!(check_template_name(&"订".repeat(MAX_TEMPLATE_NAME)), Ok(()), "characters, not bytes");
        for bad in ["", "   ", &"x".repeat(MAX_TEMPLATE_NAME + 1)] {
            assert_eq!(check_template_name(bad), Err(FormProblem::TemplateNameLength { max: MAX_TEMPLATE_NAME }));
        }
    }
}
