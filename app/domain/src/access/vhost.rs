//! A vhost as an admin creates, changes or deletes it.

use serde::{Deserialize, Serialize};

use super::{check_length, check_tags, AccessProblem};
use crate::ops::queue_type::QueueType;
use crate::ops::{check_name, ObjectKind};
use crate::policy::Version;
use crate::problem::Problem;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VhostDraft {
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// The type of a queue declared without `x-queue-type`; `None`: the broker's default.
    pub default_queue_type: Option<QueueType>,
    pub tracing: bool,
    /// Creating: refused when the vhost exists (the broker's PUT would change it).
    pub new: bool,
}

impl VhostDraft {
    /// RabbitMQ 3.10 answers 204 to a default queue type and drops it: say so instead.
    pub fn check(&self, version: Version) -> Result<(), Problem> {
        check_name(ObjectKind::Vhost, &self.name)?;
        check_length(&self.description)?;
        check_tags(&self.tags)?;
        if self.default_queue_type.is_some() && version < Version(3, 11) {
            return Err(AccessProblem::DefaultQueueTypeUnsupported { version: version.to_string() }.into());
        }
        Ok(())
    }
}

/// Deleting a vhost deletes everything in it: the admin types its name to confirm.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VhostDeletion {
    pub name: String,
    pub typed: String,
}

impl VhostDeletion {
    pub fn check(&self) -> Result<(), Problem> {
        check_name(ObjectKind::Vhost, &self.name)?;
        match self.typed == self.name {
            true => Ok(()),
            false => Err(AccessProblem::ConfirmMismatch { expected: self.name.clone() }.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_queue_type_needs_rabbitmq_3_11() {
        let draft = VhostDraft { name: "/".into(), default_queue_type: Some(QueueType::Quorum), ..Default::default() };
        assert_eq!(draft.check(Version(4, 0)), Ok(()));
        assert_eq!(
            draft.check(Version(3, 10)),
            Err(AccessProblem::DefaultQueueTypeUnsupported { version: "3.10".into() }.into())
        );
        let plain = VhostDraft { default_queue_type: None, ..draft };
        assert_eq!(plain.check(Version(3, 10)), Ok(()));
    }

    #[test]
    fn deleting_needs_the_name_typed_exactly() {
        let name = "prod/eu 订单 #1".to_string();
        assert_eq!(VhostDeletion { name: name.clone(), typed: name.clone() }.check(), Ok(()));
        let sloppy = VhostDeletion { name: name.clone(), typed: name.to_uppercase() + " " };
        assert_eq!(sloppy.check(), Err(AccessProblem::ConfirmMismatch { expected: name }.into()));
    }
}
