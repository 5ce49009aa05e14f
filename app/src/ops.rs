//! What the write forms send: publish, get, create, delete, bind. The checks here run in the
//! browser (so a form explains a mistake before sending anything) and again on the server (so a
//! script calling the API directly gets the same answer); the broker is asked only with a request
//! that passed them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// Most copies one "publish N copies" sends: enough for a small load test, not a flood.
pub const MAX_COPIES: u32 = 1000;
/// Most messages one Get fetches (the broker's UI offers up to the same kind of number).
pub const MAX_GET: u32 = 100;
/// Largest test payload, after base64 decoding: the broker's HTTP publish refuses much more.
pub const MAX_PAYLOAD_BYTES: usize = 512 * 1024;
/// RabbitMQ's limit for queue, exchange and vhost names (a short string: 255 bytes).
pub const MAX_NAME_BYTES: usize = 255;

/// A value typed by the person entering it: header values, queue and binding arguments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueKind {
    #[default]
    Text,
    Number,
    Boolean,
}

impl ValueKind {
    pub const ALL: [ValueKind; 3] = [ValueKind::Text, ValueKind::Number, ValueKind::Boolean];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Text => "text",
            ValueKind::Number => "number",
            ValueKind::Boolean => "boolean",
        }
    }

    pub fn parse(text: &str) -> ValueKind {
        match text {
            "number" => ValueKind::Number,
            "boolean" => ValueKind::Boolean,
            _ => ValueKind::Text,
        }
    }
}

/// One `key = value` row of a typed table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TypedEntry {
    pub key: String,
    pub kind: ValueKind,
    pub value: String,
}

impl TypedEntry {
    pub fn new(key: &str, kind: ValueKind, value: &str) -> Self {
        Self { key: key.into(), kind, value: value.into() }
    }

    pub fn to_json(&self) -> Result<Value, String> {
        let value = self.value.trim();
        match self.kind {
            ValueKind::Text => Ok(Value::String(self.value.clone())),
            ValueKind::Boolean => match value {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("{}: {value:?} is not true or false", self.key)),
            },
            ValueKind::Number => number(value).ok_or_else(|| format!("{}: {value:?} is not a number", self.key)),
        }
    }
}

fn number(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::Number(i.into()));
    }
    text.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number)
}

/// A typed table as a JSON object; rows with neither key nor value are ignored (the empty row a
/// form keeps at the end), a key given twice or a value without a key is refused.
pub fn typed_map(entries: &[TypedEntry], what: &str) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    for entry in entries {
        if entry.key.trim().is_empty() {
            if entry.value.trim().is_empty() {
                continue;
            }
            return Err(format!("{what}: a value {:?} has no name", entry.value));
        }
        let value = entry.to_json().map_err(|e| format!("{what}: {e}"))?;
        if map.insert(entry.key.clone(), value).is_some() {
            return Err(format!("{what}: {:?} is given twice", entry.key));
        }
    }
    Ok(map)
}

/// A queue, exchange or vhost name as RabbitMQ accepts it; `/`, `#`, `%`, spaces and any
/// unicode are fine. Names Warren could not address in a URL (`.`, `..`) are refused.
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("the {what} name is empty"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!("the {what} name is {} bytes long; RabbitMQ allows {MAX_NAME_BYTES}", name.len()));
    }
    if name == "." || name == ".." {
        return Err(format!("a {what} cannot be named {name:?}: the management API cannot address it"));
    }
    if name.chars().any(char::is_control) {
        return Err(format!("the {what} name contains a control character (line feed, tab, NUL…)"));
    }
    Ok(())
}

/// A name for something new: also not in the broker's reserved `amq.` namespace.
pub fn check_new_name(what: &str, name: &str) -> Result<(), String> {
    check_name(what, name)?;
    if name.starts_with("amq.") {
        return Err(format!("names starting with \"amq.\" are reserved by RabbitMQ; choose another {what} name"));
    }
    Ok(())
}

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
    pub fn payload_bytes(&self) -> Result<usize, String> {
        match self.encoding {
            PayloadEncoding::Text => Ok(self.payload.len()),
            PayloadEncoding::Base64 => {
                base64_decoded_len(&self.payload).ok_or_else(|| "the payload is not valid base64".into())
            }
        }
    }

    /// The properties object of the broker's publish request, checked.
    pub fn broker_properties(&self) -> Result<Map<String, Value>, String> {
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
            let priority: u8 =
                p.priority.trim().parse().map_err(|_| "priority must be a whole number from 0 to 255")?;
            map.insert("priority".into(), Value::from(priority));
        }
        if !p.expiration.trim().is_empty() {
            let ms = p.expiration.trim();
            if ms.parse::<u32>().is_err() {
                return Err("expiration is a number of milliseconds (0 to 4294967295)".into());
            }
            // AMQP carries it as a string; the broker refuses a JSON number.
            map.insert("expiration".into(), Value::String(ms.into()));
        }
        if !p.timestamp.trim().is_empty() {
            let secs: u64 =
                p.timestamp.trim().parse().map_err(|_| "timestamp is seconds since 1970 (a whole number)")?;
            map.insert("timestamp".into(), Value::from(secs));
        }
        let headers = typed_map(&self.headers, "headers")?;
        if !headers.is_empty() {
            map.insert("headers".into(), Value::Object(headers));
        }
        Ok(map)
    }

    pub fn check(&self) -> Result<(), String> {
        check_name("vhost", &self.vhost)?;
        if !self.exchange.is_empty() {
            check_name("exchange", &self.exchange)?;
        }
        if self.routing_key.len() > MAX_NAME_BYTES {
            return Err(format!("the routing key is longer than {MAX_NAME_BYTES} bytes"));
        }
        if self.copies == 0 || self.copies > MAX_COPIES {
            return Err(format!("copies must be from 1 to {MAX_COPIES}"));
        }
        let bytes = self.payload_bytes()?;
        if bytes > MAX_PAYLOAD_BYTES {
            return Err(format!("the payload is {bytes} bytes; test messages may have at most {MAX_PAYLOAD_BYTES}"));
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
    pub fn check(&self) -> Result<(), String> {
        check_name("vhost", &self.vhost)?;
        check_name("queue", &self.queue)?;
        if self.count == 0 || self.count > MAX_GET {
            return Err(format!("count must be from 1 to {MAX_GET}"));
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueType {
    #[default]
    Classic,
    Quorum,
    Stream,
}

impl QueueType {
    pub const ALL: [QueueType; 3] = [QueueType::Classic, QueueType::Quorum, QueueType::Stream];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueType::Classic => "classic",
            QueueType::Quorum => "quorum",
            QueueType::Stream => "stream",
        }
    }

    pub fn parse(text: &str) -> QueueType {
        match text {
            "quorum" => QueueType::Quorum,
            "stream" => QueueType::Stream,
            _ => QueueType::Classic,
        }
    }
}

/// A queue argument the form offers with its own field: `x-` name, value type, and which queue
/// types take it.
pub struct KnownArgument {
    pub key: &'static str,
    pub kind: ValueKind,
    /// Allowed text values, when it is a choice.
    pub choices: &'static [&'static str],
    /// Smallest allowed number.
    pub min: i64,
    pub types: &'static [QueueType],
}

const ALL_TYPES: &[QueueType] = &[QueueType::Classic, QueueType::Quorum, QueueType::Stream];
const CLASSIC_QUORUM: &[QueueType] = &[QueueType::Classic, QueueType::Quorum];

pub const QUEUE_ARGUMENTS: &[KnownArgument] = &[
    KnownArgument { key: "x-message-ttl", kind: ValueKind::Number, choices: &[], min: 0, types: CLASSIC_QUORUM },
    KnownArgument { key: "x-expires", kind: ValueKind::Number, choices: &[], min: 1, types: CLASSIC_QUORUM },
    KnownArgument { key: "x-max-length", kind: ValueKind::Number, choices: &[], min: 0, types: CLASSIC_QUORUM },
    KnownArgument { key: "x-max-length-bytes", kind: ValueKind::Number, choices: &[], min: 0, types: ALL_TYPES },
    KnownArgument {
        key: "x-overflow",
        kind: ValueKind::Text,
        choices: &["drop-head", "reject-publish", "reject-publish-dlx"],
        min: 0,
        types: CLASSIC_QUORUM,
    },
    KnownArgument { key: "x-dead-letter-exchange", kind: ValueKind::Text, choices: &[], min: 0, types: CLASSIC_QUORUM },
    KnownArgument {
        key: "x-dead-letter-routing-key",
        kind: ValueKind::Text,
        choices: &[],
        min: 0,
        types: CLASSIC_QUORUM,
    },
    KnownArgument {
        key: "x-max-priority",
        kind: ValueKind::Number,
        choices: &[],
        min: 1,
        types: &[QueueType::Classic],
    },
    KnownArgument {
        key: "x-single-active-consumer",
        kind: ValueKind::Boolean,
        choices: &[],
        min: 0,
        types: CLASSIC_QUORUM,
    },
    KnownArgument {
        key: "x-delivery-limit",
        kind: ValueKind::Number,
        choices: &[],
        min: -1,
        types: &[QueueType::Quorum],
    },
    KnownArgument { key: "x-max-age", kind: ValueKind::Text, choices: &[], min: 0, types: &[QueueType::Stream] },
];

pub fn known_argument(key: &str) -> Option<&'static KnownArgument> {
    QUEUE_ARGUMENTS.iter().find(|a| a.key == key)
}

/// Checks a queue's arguments against the known ones: type, range, choices, queue type.
/// Unknown `x-` arguments pass (plugins add their own); the broker has the last word.
pub fn check_queue_arguments(kind: QueueType, args: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in args {
        if key == "x-queue-type" {
            return Err("x-queue-type is set by the queue type field".into());
        }
        let Some(known) = known_argument(key) else { continue };
        if !known.types.contains(&kind) {
            return Err(format!("{key} does not apply to {} queues", kind.as_str()));
        }
        match known.kind {
            ValueKind::Number => {
                let n = value.as_i64().ok_or_else(|| format!("{key} must be a whole number"))?;
                if n < known.min {
                    return Err(format!("{key} must be at least {} (got {n})", known.min));
                }
                if key == "x-max-priority" && n > 255 {
                    return Err("x-max-priority must be at most 255".into());
                }
            }
            ValueKind::Boolean if !value.is_boolean() => return Err(format!("{key} must be true or false")),
            ValueKind::Text => {
                let text = value.as_str().ok_or_else(|| format!("{key} must be text"))?;
                if !known.choices.is_empty() && !known.choices.contains(&text) {
                    return Err(format!("{key} must be one of {}", known.choices.join(", ")));
                }
            }
            ValueKind::Boolean => {}
        }
    }
    Ok(())
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewQueue {
    pub vhost: String,
    pub name: String,
    pub kind: QueueType,
    pub durable: bool,
    pub auto_delete: bool,
    pub arguments: Vec<TypedEntry>,
}

impl NewQueue {
    /// The broker's PUT body, checked.
    pub fn body(&self) -> Result<Value, String> {
        check_name("vhost", &self.vhost)?;
        check_new_name("queue", &self.name)?;
        let mut arguments = typed_map(&self.arguments, "arguments")?;
        check_queue_arguments(self.kind, &arguments)?;
        if self.kind != QueueType::Classic && (!self.durable || self.auto_delete) {
            return Err(format!("{} queues are always durable and never auto-delete", self.kind.as_str()));
        }
        arguments.insert("x-queue-type".into(), Value::String(self.kind.as_str().into()));
        Ok(serde_json::json!({ "durable": self.durable, "auto_delete": self.auto_delete, "arguments": arguments }))
    }
}

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
    pub fn body(&self) -> Result<Value, String> {
        check_name("vhost", &self.vhost)?;
        check_new_name("exchange", &self.name)?;
        if self.kind.trim().is_empty() {
            return Err("choose an exchange type".into());
        }
        let mut arguments = typed_map(&self.arguments, "arguments")?;
        if !self.alternate_exchange.is_empty() {
            check_name("alternate exchange", &self.alternate_exchange)?;
            arguments.insert("alternate-exchange".into(), Value::String(self.alternate_exchange.clone()));
        }
        Ok(serde_json::json!({
            "type": self.kind, "durable": self.durable, "auto_delete": self.auto_delete,
            "internal": self.internal, "arguments": arguments,
        }))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueDeletion {
    pub vhost: String,
    pub name: String,
    /// Only if it holds no messages.
    pub if_empty: bool,
    /// Only if it has no consumers.
    pub if_unused: bool,
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
    pub fn body(&self) -> Result<Value, String> {
        check_name("vhost", &self.vhost)?;
        check_name("source exchange", &self.source)?;
        check_name(if self.to_queue { "queue" } else { "destination exchange" }, &self.destination)?;
        if self.routing_key.len() > MAX_NAME_BYTES {
            return Err(format!("the routing key is longer than {MAX_NAME_BYTES} bytes"));
        }
        let arguments = typed_map(&self.arguments, "arguments")?;
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

/// A saved test message, per user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    pub message: Publish,
}

/// Most characters of a template name.
pub const MAX_TEMPLATE_NAME: usize = 100;
/// Most templates one person keeps.
pub const MAX_TEMPLATES: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    fn publish() -> Publish {
        Publish { vhost: "/".into(), copies: 1, payload: "hi".into(), ..Default::default() }
    }

    #[test]
    fn typed_values_become_json() {
        let rows = [
            TypedEntry::new("s", ValueKind::Text, " 12 "),
            TypedEntry::new("i", ValueKind::Number, "12"),
            TypedEntry::new("f", ValueKind::Number, "-1.5"),
            TypedEntry::new("b", ValueKind::Boolean, "false"),
            TypedEntry::new("", ValueKind::Text, ""),
        ];
        let map = typed_map(&rows, "headers").unwrap();
        assert_eq!(Value::Object(map), serde_json::json!({"s": " 12 ", "i": 12, "f": -1.5, "b": false}));
        assert!(typed_map(&[TypedEntry::new("n", ValueKind::Number, "12abc")], "h")
            .unwrap_err()
            .contains("not a number"));
        assert!(typed_map(&[TypedEntry::new("b", ValueKind::Boolean, "yes")], "h").is_err());
        assert!(typed_map(&[TypedEntry::new("", ValueKind::Text, "orphan")], "h").is_err());
        let twice = [TypedEntry::new("a", ValueKind::Text, "1"), TypedEntry::new("a", ValueKind::Text, "2")];
        assert!(typed_map(&twice, "h").unwrap_err().contains("twice"));
    }

    #[test]
    fn names_allow_what_rabbitmq_allows() {
        for ok in ["orders", "a/b", "#", "100%", "with space", "订单", "/"] {
            assert_eq!(check_name("queue", ok), Ok(()), "{ok}");
        }
        for bad in ["", ".", "..", "line\nfeed", "nul\0"] {
            assert!(check_name("queue", bad).is_err(), "{bad:?}");
        }
        assert!(check_name("queue", &"x".repeat(256)).is_err());
        assert!(check_new_name("exchange", "amq.mine").unwrap_err().contains("reserved"));
    }

    #[test]
    fn publish_properties_are_checked() {
        let mut p = publish();
        p.properties.priority = "300".into();
        assert!(p.check().unwrap_err().contains("priority"));
        p.properties.priority = "5".into();
        p.properties.expiration = "-1".into();
        assert!(p.check().unwrap_err().contains("expiration"));
        p.properties.expiration = "60000".into();
        p.properties.kind = "order".into();
        p.headers = vec![TypedEntry::new("attempt", ValueKind::Number, "3")];
        let props = p.broker_properties().unwrap();
        assert_eq!(props["expiration"], "60000");
        assert_eq!(props["priority"], 5);
        assert_eq!(props["type"], "order");
        assert_eq!(props["delivery_mode"], 2);
        assert_eq!(props["headers"]["attempt"], 3);
        p.copies = MAX_COPIES + 1;
        assert!(p.check().is_err());
    }

    #[test]
    fn payload_size_and_base64_are_checked() {
        let mut p = publish();
        p.encoding = PayloadEncoding::Base64;
        p.payload = "aGVsbG8=".into();
        assert_eq!(p.payload_bytes(), Ok(5));
        p.payload = "not base64!".into();
        assert!(p.check().unwrap_err().contains("base64"));
        p.encoding = PayloadEncoding::Text;
        p.payload = "x".repeat(MAX_PAYLOAD_BYTES + 1);
        assert!(p.check().unwrap_err().contains("at most"));
    }

    #[test]
    fn queue_arguments_are_typed_and_checked() {
        let queue = |kind, args: Vec<TypedEntry>| NewQueue {
            vhost: "/".into(),
            name: "q".into(),
            kind,
            durable: true,
            auto_delete: false,
            arguments: args,
        };
        let ttl = |v| vec![TypedEntry::new("x-message-ttl", ValueKind::Number, v)];
        let body = queue(QueueType::Quorum, ttl("1000")).body().unwrap();
        assert_eq!(body["arguments"], serde_json::json!({"x-message-ttl": 1000, "x-queue-type": "quorum"}));
        assert!(queue(QueueType::Classic, ttl("-5")).body().unwrap_err().contains("at least 0"));
        assert!(queue(QueueType::Classic, ttl("1.5")).body().unwrap_err().contains("whole number"));
        let overflow = vec![TypedEntry::new("x-overflow", ValueKind::Text, "drop-tail")];
        assert!(queue(QueueType::Classic, overflow).body().unwrap_err().contains("one of"));
        let limit = vec![TypedEntry::new("x-delivery-limit", ValueKind::Number, "5")];
        assert!(queue(QueueType::Classic, limit).body().unwrap_err().contains("does not apply"));
        let mut transient_quorum = queue(QueueType::Quorum, vec![]);
        transient_quorum.durable = false;
        assert!(transient_quorum.body().is_err());
        let custom = vec![TypedEntry::new("x-plugin-thing", ValueKind::Text, "anything")];
        assert!(queue(QueueType::Classic, custom).body().is_ok());
    }
}
