//! Who may use the broker: its users, vhosts, permissions and limits, as an admin creates,
//! changes and deletes them. RabbitMQ's own rules are checked here before anything is sent,
//! and a few it does not have but should (it stores an empty password, which no one can then
//! sign in with, and a tag with a space).
//! The permission regexes are checked on the server, which has the regex engine.

pub mod grant;
pub mod limit;
pub mod user;
pub mod vhost;

use serde::{Deserialize, Serialize};

pub use grant::{PermissionDraft, PermissionField, PermissionRef, TopicPermissionDraft, TopicPermissionRef};
pub use limit::{LimitChange, LimitKey, LimitTarget};
pub use user::{BrokerUserDraft, Login, KNOWN_TAGS};
pub use vhost::{VhostDeletion, VhostDraft};

/// Longest password, password hash, description or regex Warren sends: bounded input.
pub const MAX_TEXT_BYTES: usize = 1024;
/// Most tags one user or vhost may carry.
pub const MAX_TAGS: usize = 16;
/// Longest tag.
pub const MAX_TAG_BYTES: usize = 64;

/// What the access rules find wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessProblem {
    /// A new user needs a password, a hash, or explicitly none.
    PasswordMissing,
    /// RabbitMQ would store it, then refuse every sign-in with it.
    PasswordEmpty,
    TextTooLong {
        max: usize,
    },
    /// Not the base64 of a salt and a digest, as `rabbitmqctl hash_password` prints.
    HashInvalid,
    /// Letters, digits, `_`, `-` and `.` only: the broker splits tags at commas and keeps spaces.
    TagInvalid {
        tag: String,
    },
    TooManyTags {
        max: usize,
    },
    /// The typed confirmation is not the name of what is being deleted.
    ConfirmMismatch {
        expected: String,
    },
    /// A limit the target does not have (a vhost has no max-channels).
    LimitNotFor {
        key: LimitKey,
    },
    LimitOutOfRange {
        max: i64,
    },
    /// A permission's regex does not compile; the broker would answer with character codes.
    RegexInvalid {
        field: PermissionField,
        detail: String,
    },
    /// The broker's version cannot store a vhost's default queue type (3.11 and later can).
    DefaultQueueTypeUnsupported {
        version: String,
    },
    /// Deleting the account Warren itself uses on this cluster would cut Warren off.
    OwnAccount,
}

/// Each tag: allowed characters and length; at most `MAX_TAGS`.
fn check_tags(tags: &[String]) -> Result<(), AccessProblem> {
    if tags.len() > MAX_TAGS {
        return Err(AccessProblem::TooManyTags { max: MAX_TAGS });
    }
    let valid = |t: &str| {
        !t.is_empty()
            && t.len() <= MAX_TAG_BYTES
            && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    match tags.iter().find(|t| !valid(t)) {
        Some(tag) => Err(AccessProblem::TagInvalid { tag: tag.clone() }),
        None => Ok(()),
    }
}

/// Tags as a person types them: split at commas and spaces, blanks dropped, each once.
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split([',', ' ']).map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags
}

fn check_length(text: &str) -> Result<(), AccessProblem> {
    match text.len() > MAX_TEXT_BYTES {
        true => Err(AccessProblem::TextTooLong { max: MAX_TEXT_BYTES }),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_split_at_commas_and_spaces_once_each() {
        assert_eq!(parse_tags(" management, policymaker  management,,x-1"), ["management", "policymaker", "x-1"]);
        assert!(parse_tags(" , ").is_empty());
    }

    #[test]
    fn tags_with_odd_characters_or_too_many_are_refused() {
        assert_eq!(check_tags(&["monitoring".into(), "team.a_b-1".into()]), Ok(()));
        for bad in ["b c", "é", "a/b", "", &"x".repeat(65)] {
            assert_eq!(check_tags(&[bad.to_string()]), Err(AccessProblem::TagInvalid { tag: bad.into() }), "{bad}");
        }
        let many: Vec<String> = (0..17).map(|i| format!("t{i}")).collect();
        assert_eq!(check_tags(&many), Err(AccessProblem::TooManyTags { max: MAX_TAGS }));
    }
}
