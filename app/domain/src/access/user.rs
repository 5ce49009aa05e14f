//! A broker user as an admin creates or changes it: name, how it signs in, tags.

use serde::{Deserialize, Serialize};

use super::{check_length, check_tags, AccessProblem};
use crate::ops::{check_name, ObjectKind};
use crate::problem::Problem;

/// The tags the management plugin knows; others are kept and shown but give no access.
pub const KNOWN_TAGS: [&str; 5] = ["administrator", "monitoring", "policymaker", "management", "impersonator"];

/// How the user signs in with a password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Login {
    /// As it is: only when changing an existing user.
    #[default]
    Keep,
    Password(String),
    /// A hash as `rabbitmqctl hash_password` or a definitions export gives it (base64 of a
    /// 4-byte salt and the digest), made with the broker's hashing algorithm.
    Hash(String),
    /// No password at all: the user signs in by other means only (certificates, OAuth).
    NoPassword,
}

/// Never the password or hash itself: a draft may end up in a log line.
impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Login::Keep => "Keep",
            Login::Password(_) => "Password(…)",
            Login::Hash(_) => "Hash(…)",
            Login::NoPassword => "NoPassword",
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerUserDraft {
    pub name: String,
    pub login: Login,
    pub tags: Vec<String>,
    /// Creating: refused when the user exists (the broker's PUT would overwrite it).
    pub new: bool,
}

impl BrokerUserDraft {
    pub fn check(&self) -> Result<(), Problem> {
        check_name(ObjectKind::User, &self.name)?;
        check_tags(&self.tags)?;
        match &self.login {
            Login::Keep if self.new => Err(AccessProblem::PasswordMissing.into()),
            Login::Password(p) if p.is_empty() => Err(AccessProblem::PasswordEmpty.into()),
            Login::Password(p) => Ok(check_length(p)?),
            Login::Hash(h) => Ok(check_hash(h)?),
            Login::Keep | Login::NoPassword => Ok(()),
        }
    }
}

/// Base64 of at least a salt and a digest: the broker would store anything and fail every sign-in.
fn check_hash(hash: &str) -> Result<(), AccessProblem> {
    check_length(hash)?;
    // Padding only at the end: the broker would answer anything else with the input in its reason.
    let data = hash.trim_end_matches('=');
    let base64 =
        data.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/')) && hash.len() - data.len() <= 2;
    // The shortest digest RabbitMQ uses (MD5, 16 bytes) with its 4-byte salt is 28 characters.
    match base64 && hash.len().is_multiple_of(4) && hash.len() >= 28 {
        true => Ok(()),
        false => Err(AccessProblem::HashInvalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::FormProblem;

    fn draft(login: Login, new: bool) -> BrokerUserDraft {
        BrokerUserDraft { name: "app 订单/#1".into(), login, tags: vec!["management".into()], new }
    }

    #[test]
    fn a_new_user_needs_a_way_to_sign_in_and_never_an_empty_password() {
        assert_eq!(draft(Login::Password("s3cret".into()), true).check(), Ok(()));
        assert_eq!(draft(Login::NoPassword, true).check(), Ok(()));
        assert_eq!(draft(Login::Keep, true).check(), Err(AccessProblem::PasswordMissing.into()));
        assert_eq!(draft(Login::Keep, false).check(), Ok(()));
        assert_eq!(draft(Login::Password(String::new()), true).check(), Err(AccessProblem::PasswordEmpty.into()));
        let long = Login::Password("x".repeat(1025));
        assert_eq!(draft(long, true).check(), Err(AccessProblem::TextTooLong { max: 1024 }.into()));
    }

    #[test]
    fn a_hash_must_be_base64_of_a_salt_and_a_digest() {
        let good = "JiHT+BUFFfjDjNTEFJs/RtTDqiXHDW1SRdXQuLzQhmlyxDCL";
        assert_eq!(draft(Login::Hash(good.into()), true).check(), Ok(()));
        let padded_inside = "JiHT+BUFFfjD=NTEFJs/RtTDqiXHDW1SRdXQuLzQhmlyxDCL";
        for bad in ["secret", "JiHT BUFFfjDjNTEFJs/RtTDqiXHDW1SRdXQuLzQhmlyxDC", "QUJD", padded_inside] {
            assert_eq!(draft(Login::Hash(bad.into()), true).check(), Err(AccessProblem::HashInvalid.into()), "{bad}");
        }
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let draft = draft(Login::Password("s3cret".into()), true);
        assert!(!format!("{draft:?}").contains("s3cret"));
    }

    #[test]
    fn names_follow_the_usual_rules() {
        let mut d = draft(Login::NoPassword, true);
        d.name = "..".into();
        assert!(matches!(d.check(), Err(Problem::Form(FormProblem::NameUnaddressable { .. }))));
        d.name = String::new();
        assert!(matches!(d.check(), Err(Problem::Form(FormProblem::NameEmpty { kind: ObjectKind::User }))));
    }
}
