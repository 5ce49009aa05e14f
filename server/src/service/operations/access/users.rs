//! Broker users: create, change tags and password, delete. The broker's PUT replaces a user
//! whole and clears the password when none is sent, so keeping it means sending back the hash
//! it holds; that hash is read just before and never leaves the server.

use app::auth::Access;
use app::error::AppError;
use domain::access::{AccessProblem, BrokerUserDraft, Login};
use domain::ops::{check_name, ObjectKind};
use reqwest::Method;
use serde_json::{json, Value};

use super::{lookup, Change, Operations};
use crate::broker::{api_path, json};

impl Operations {
    pub(super) async fn put_user(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &BrokerUserDraft,
    ) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        draft.check()?;
        let existing: Option<json::User> = lookup(feed, &login, "user", api_path(&["users", &draft.name])).await?;
        match (&existing, draft.new) {
            (Some(_), true) => return Err(AppError::Conflict(format!("a user named {:?} exists", draft.name))),
            (None, false) => return Err(AppError::NotFound(format!("user {:?}", draft.name))),
            _ => {}
        }
        // Its password and its administrator tag are what let Warren in.
        let administrator = draft.tags.iter().any(|t| t == "administrator");
        if draft.name == feed.account() && (draft.login != Login::Keep || !administrator) {
            return Err(AccessProblem::OwnAccount.into());
        }
        let mut body = json!({ "tags": draft.tags.join(",") });
        match (&draft.login, &existing) {
            (Login::Password(password), _) => body["password"] = json!(password),
            // Hashed with the broker's own algorithm, as `rabbitmqctl hash_password` does.
            (Login::Hash(hash), _) => body["password_hash"] = json!(hash),
            (Login::NoPassword, _) => body["password_hash"] = json!(""),
            (Login::Keep, Some(user)) => {
                body["password_hash"] = json!(user.password_hash);
                body["hashing_algorithm"] = json!(user.hashing_algorithm);
            }
            // A new user was refused by `check`, a missing one above.
            (Login::Keep, None) => {}
        }
        let path = api_path(&["users", &draft.name]);
        Self::send::<Value>(feed, &login, (Method::PUT, "save_user", path), &[], Some(&body)).await?;
        let has_password = match &draft.login {
            Login::Keep => existing.as_ref().is_some_and(|u| !u.password_hash.is_empty()),
            Login::NoPassword => false,
            Login::Password(_) | Login::Hash(_) => true,
        };
        let password_changed = draft.login != Login::Keep;
        Ok(Change {
            before: existing.as_ref().map_or(Value::Null, summary),
            after: json!({"tags": draft.tags, "password": has_password, "password_changed": password_changed}),
        })
    }

    pub(super) async fn remove_user(&self, who: &dyn Access, cluster: &str, name: &str) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        check_name(ObjectKind::User, name)?;
        if name == feed.account() {
            return Err(AccessProblem::OwnAccount.into());
        }
        let existing: json::User = lookup(feed, &login, "user", api_path(&["users", name]))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("user {name:?}")))?;
        Self::delete(feed, &login, ("delete_user", api_path(&["users", name])), &[]).await?;
        Ok(Change { before: summary(&existing), after: Value::Null })
    }
}

/// A user as the audit keeps it: tags, and whether it has a password (never the hash).
fn summary(user: &json::User) -> Value {
    json!({"tags": user.tags, "password": !user.password_hash.is_empty()})
}
