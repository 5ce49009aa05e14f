//! What the form rules find wrong, as data: which rule, and the values a person needs to fix it.
//! Worded, in English and Chinese, in `app::i18n::problems`.

use serde::{Deserialize, Serialize};

use super::queue_type::QueueType;

/// The object a name belongs to, so a problem with it can say which one (in either language).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectKind {
    Vhost,
    Queue,
    Exchange,
    /// The exchange a binding starts from.
    SourceExchange,
    /// The exchange a binding leads to.
    DestinationExchange,
    /// Where an exchange sends what no binding routes.
    AlternateExchange,
    Policy,
    User,
    Connection,
    /// The queue messages are moved to.
    DestinationQueue,
    Shovel,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 11] = [
        ObjectKind::Vhost,
        ObjectKind::Queue,
        ObjectKind::Exchange,
        ObjectKind::SourceExchange,
        ObjectKind::DestinationExchange,
        ObjectKind::AlternateExchange,
        ObjectKind::Policy,
        ObjectKind::User,
        ObjectKind::Connection,
        ObjectKind::DestinationQueue,
        ObjectKind::Shovel,
    ];
}

/// Which table of typed `key = value` rows a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Table {
    /// A message's headers.
    Headers,
    /// A queue's, an exchange's or a binding's arguments.
    Arguments,
}

/// What the form rules (publish, get, create, bind) find wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormProblem {
    // Names.
    NameEmpty {
        kind: ObjectKind,
    },
    NameTooLong {
        kind: ObjectKind,
        bytes: usize,
        max: usize,
    },
    /// `.` or `..`: a URL cannot carry it to the management API.
    NameUnaddressable {
        kind: ObjectKind,
        name: String,
    },
    NameControlCharacter {
        kind: ObjectKind,
    },
    /// Starts with `amq.`, which the broker keeps for itself.
    NameReserved {
        kind: ObjectKind,
    },
    // Typed rows.
    /// A row with a value but no key.
    ValueWithoutKey {
        table: Table,
        value: String,
    },
    KeyTwice {
        table: Table,
        key: String,
    },
    ValueNotBoolean {
        table: Table,
        key: String,
        value: String,
    },
    ValueNotNumber {
        table: Table,
        key: String,
        value: String,
    },
    // A test message.
    PayloadNotBase64,
    PayloadTooLarge {
        bytes: usize,
        max: usize,
    },
    PriorityInvalid,
    ExpirationInvalid,
    TimestampInvalid,
    RoutingKeyTooLong {
        max: usize,
    },
    CopiesOutOfRange {
        max: u32,
    },
    /// A saved template's name is empty or too long.
    TemplateNameLength {
        max: usize,
    },
    // Closing a connection.
    ReasonTooLong {
        max: usize,
    },
    // Get.
    CountOutOfRange {
        max: u32,
    },
    // Queue arguments.
    /// `x-queue-type` among the arguments: the queue type field sets it.
    QueueTypeArgument,
    ArgumentNotForType {
        key: String,
        queue_type: QueueType,
    },
    ArgumentNotWholeNumber {
        key: String,
    },
    ArgumentTooSmall {
        key: String,
        min: i64,
        got: i64,
    },
    ArgumentTooLarge {
        key: String,
        max: i64,
    },
    ArgumentNotBoolean {
        key: String,
    },
    ArgumentNotText {
        key: String,
    },
    ArgumentNotAChoice {
        key: String,
        choices: Vec<String>,
    },
    /// A quorum queue or a stream asked to be transient or auto-delete.
    AlwaysDurable {
        queue_type: QueueType,
    },
    // Exchanges.
    NoExchangeType,
    // Moving messages.
    /// The destination is the source queue.
    MoveToItself,
}
