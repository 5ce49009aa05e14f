//! What the policy rules find wrong with a draft, as data: one variant per rule, with the values a
//! person needs to fix it. The words (English and Chinese) live in `app::i18n::problems::policy`.

use serde::{Deserialize, Serialize};

use super::{ApplyTo, Version};
use crate::ops::FormProblem;

/// A problem with a policy draft or one of its keys. Most refuse the draft (`Checked::errors`);
/// `KeyNoEffect`, `KeyDeprecated` and `NeedsFederation` are warnings (`Checked::warnings`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyProblem {
    // The draft as a whole.
    /// The vhost or policy name is not one RabbitMQ accepts (the names rule of `ops`).
    Name(FormProblem),
    /// No pattern: RabbitMQ needs one (`.*` matches everything).
    PatternEmpty,
    /// The pattern does not compile as a regular expression Warren can check (the server compiles
    /// it); `detail` is the regex engine's own message.
    PatternNotRegex { detail: String },
    /// An operator policy set to apply to exchanges: operator policies cover queues only.
    OperatorOnExchanges,
    /// An apply-to value the connected broker does not know yet.
    ApplyToTooNew { apply_to: ApplyTo, since: Version },
    /// No key at all in the definition.
    DefinitionEmpty,

    // A key of the definition.
    /// A key RabbitMQ (as Warren knows it) does not have.
    UnknownKey { key: String },
    /// The same key in two rows.
    KeyTwice { key: String },
    /// A queue key in a policy that applies to exchanges only.
    QueueKeyOnExchanges { key: String },
    /// An exchange key in a policy that applies to queues only.
    ExchangeKeyOnQueues { key: String },
    /// A key operator policies may not set.
    NotForOperator { key: String },
    /// A classic mirroring key (`ha-*`) on a broker that no longer has mirrored queues.
    MirroringRemoved { key: String, removed: Version, running: Version },
    /// Another key the connected broker no longer takes.
    KeyRemoved { key: String, removed: Version, running: Version },
    /// A key newer than the connected broker.
    KeyTooNew { key: String, since: Version, running: Version },
    /// Warning: the broker accepts the key but ignores it.
    KeyNoEffect { key: String, since: Version },
    /// Warning: the key still works but is deprecated in favour of `instead`.
    KeyDeprecated { key: String, since: Version, instead: String },
    /// Warning: the key only works with the federation plugin enabled.
    NeedsFederation { key: String },

    // A key's value.
    /// Not a whole number.
    NotWholeNumber { key: String },
    /// A number below the key's least value.
    TooSmall { key: String, min: i64, got: i64 },
    /// A number outside the key's range.
    OutOfRange { key: String, min: i64, max: i64, got: i64 },
    /// An empty text value.
    NeedsValue { key: String },
    /// Not one of the key's choices.
    NotAChoice { key: String, choices: Vec<String> },
    /// Not a retention such as `7D` (a number and one of the units Y M D h m s).
    NotAnAge { key: String },
    /// `ha-params` that is neither a count nor a list of node names.
    BadHaParams { key: String },
}
