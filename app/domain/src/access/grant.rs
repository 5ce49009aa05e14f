//! Permissions (configure, write, read regexes of a user in a vhost) and topic permissions
//! (write, read regexes on the routing keys through one topic exchange). The regexes are
//! compiled on the server before they are sent; here, names and sizes.

use serde::{Deserialize, Serialize};

use super::check_length;
use crate::ops::{check_name, ObjectKind};
use crate::problem::Problem;

/// One of a permission's regexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PermissionField {
    Configure,
    Write,
    Read,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionDraft {
    pub vhost: String,
    pub user: String,
    pub configure: String,
    pub write: String,
    pub read: String,
}

impl PermissionDraft {
    pub fn check(&self) -> Result<(), Problem> {
        PermissionRef { vhost: self.vhost.clone(), user: self.user.clone() }.check()?;
        for (_, regex) in self.regexes() {
            check_length(regex)?;
        }
        Ok(())
    }

    pub fn regexes(&self) -> [(PermissionField, &str); 3] {
        [
            (PermissionField::Configure, &self.configure),
            (PermissionField::Write, &self.write),
            (PermissionField::Read, &self.read),
        ]
    }
}

/// A user's permissions in one vhost.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionRef {
    pub vhost: String,
    pub user: String,
}

impl PermissionRef {
    pub fn check(&self) -> Result<(), Problem> {
        check_name(ObjectKind::Vhost, &self.vhost)?;
        Ok(check_name(ObjectKind::User, &self.user)?)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicPermissionDraft {
    pub vhost: String,
    pub user: String,
    pub exchange: String,
    pub write: String,
    pub read: String,
}

impl TopicPermissionDraft {
    pub fn check(&self) -> Result<(), Problem> {
        self.target().check()?;
        for (_, regex) in self.regexes() {
            check_length(regex)?;
        }
        Ok(())
    }

    pub fn target(&self) -> TopicPermissionRef {
        TopicPermissionRef { vhost: self.vhost.clone(), user: self.user.clone(), exchange: self.exchange.clone() }
    }

    pub fn regexes(&self) -> [(PermissionField, &str); 2] {
        [(PermissionField::Write, &self.write), (PermissionField::Read, &self.read)]
    }
}

/// A user's topic permissions through one exchange of a vhost.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicPermissionRef {
    pub vhost: String,
    pub user: String,
    pub exchange: String,
}

impl TopicPermissionRef {
    pub fn check(&self) -> Result<(), Problem> {
        PermissionRef { vhost: self.vhost.clone(), user: self.user.clone() }.check()?;
        Ok(check_name(ObjectKind::Exchange, &self.exchange)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::AccessProblem;
    use crate::ops::FormProblem;

    #[test]
    fn names_and_sizes_are_checked() {
        let draft = PermissionDraft {
            vhost: "/".into(),
            user: "app 订单".into(),
            configure: "^app\\.".into(),
            write: ".*".into(),
            read: String::new(),
        };
        assert_eq!(draft.check(), Ok(()));
        let huge = PermissionDraft { read: "a".repeat(1025), ..draft.clone() };
        assert_eq!(huge.check(), Err(AccessProblem::TextTooLong { max: 1024 }.into()));
        let nobody = PermissionDraft { user: String::new(), ..draft };
        assert_eq!(nobody.check(), Err(FormProblem::NameEmpty { kind: ObjectKind::User }.into()));
        let topic =
            TopicPermissionDraft { vhost: "/".into(), user: "u".into(), exchange: "..".into(), ..Default::default() };
        assert!(matches!(topic.check(), Err(Problem::Form(FormProblem::NameUnaddressable { .. }))));
    }
}
