//! Local users: names, argon2id password hashes, roles and optional cluster / vhost limits.

use app::auth::{Role, UserInfo};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, OptionalExtension, Row};

use crate::store::{now_ms, Store, StoreError};

pub const MIN_PASSWORD_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("user names are 1-64 characters: letters, digits, . _ @ -")]
    BadName,
    #[error("passwords need at least {MIN_PASSWORD_LEN} characters")]
    WeakPassword,
    #[error("vhost pattern is not a valid regex: {0}")]
    BadPattern(String),
    #[error("no user named {0:?}")]
    NoSuchUser(String),
    #[error("a user named {0:?} already exists")]
    Exists(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A user as the sign-in layer needs it.
#[derive(Clone, Debug)]
pub struct User {
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub clusters: Option<Vec<String>>,
    pub vhost_pattern: Option<String>,
    pub created_at_ms: i64,
}

impl User {
    pub fn info(&self) -> UserInfo {
        UserInfo {
            name: self.name.clone(),
            role: self.role,
            clusters: self.clusters.clone(),
            vhost_pattern: self.vhost_pattern.clone(),
            created_at_ms: self.created_at_ms,
        }
    }
}

pub fn check_name(name: &str) -> Result<(), UserError> {
    let ok =
        (1..=64).contains(&name.chars().count()) && name.chars().all(|c| c.is_alphanumeric() || "._@-".contains(c));
    ok.then_some(()).ok_or(UserError::BadName)
}

pub fn check_pattern(pattern: Option<&str>) -> Result<(), UserError> {
    match pattern {
        Some(p) => regex::RegexBuilder::new(p)
            .size_limit(1 << 20)
            .build()
            .map(|_| ())
            .map_err(|e| UserError::BadPattern(e.to_string())),
        None => Ok(()),
    }
}

/// argon2id with the crate's defaults (19 MiB, 2 passes): about 20 ms here, slow for a guesser.
pub fn hash_password(password: &str) -> Result<String, UserError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(UserError::WeakPassword);
    }
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| UserError::Store(StoreError::Task(format!("hashing failed: {e}"))))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash to verify against when the user does not exist, so a missing user costs the same time
/// as a wrong password and names cannot be probed by timing.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").expect("hashing a constant"))
}

const COLUMNS: &str = "name, password_hash, role, clusters, vhost_pattern, created_at_ms";

fn from_row(row: &Row) -> rusqlite::Result<User> {
    let role: String = row.get(2)?;
    let clusters: Option<String> = row.get(3)?;
    Ok(User {
        name: row.get(0)?,
        password_hash: row.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        clusters: clusters.map(|json| serde_json::from_str(&json).unwrap_or_default()),
        vhost_pattern: row.get(4)?,
        created_at_ms: row.get(5)?,
    })
}

fn clusters_json(clusters: &Option<Vec<String>>) -> Option<String> {
    clusters.as_ref().map(|list| serde_json::to_string(list).expect("strings encode"))
}

pub async fn find(store: &Store, name: &str) -> Result<Option<User>, StoreError> {
    let name = name.to_string();
    store
        .call(move |c| {
            c.query_row(&format!("SELECT {COLUMNS} FROM users WHERE name = ?1"), [name], from_row).optional()
        })
        .await
}

pub async fn count(store: &Store) -> Result<i64, StoreError> {
    store.call(|c| c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))).await
}

pub fn list(store: &Store) -> Result<Vec<User>, StoreError> {
    store.call_now(|c| {
        let mut statement = c.prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY name"))?;
        let rows = statement.query_map([], from_row)?;
        rows.collect()
    })
}

pub async fn list_async(store: &Store) -> Result<Vec<User>, StoreError> {
    let own = store.clone();
    store.blocking(move || list(&own)).await?
}

/// Adds a user; `only_if_none` makes it the first-run setup, which must not add a second admin.
pub fn add(
    store: &Store,
    name: &str,
    password: &str,
    role: Role,
    clusters: Option<Vec<String>>,
    vhost_pattern: Option<String>,
    only_if_none: bool,
) -> Result<(), UserError> {
    check_name(name)?;
    check_pattern(vhost_pattern.as_deref())?;
    let hash = hash_password(password)?;
    let now = now_ms();
    let inserted = store.call_now(|c| {
        let tx = c.transaction()?;
        let existing: i64 = tx.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
        if only_if_none && existing > 0 {
            return Ok(false);
        }
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO users (name, password_hash, role, clusters, vhost_pattern, created_at_ms, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![name, hash, role.as_str(), clusters_json(&clusters), vhost_pattern, now],
        )?;
        tx.commit()?;
        Ok(inserted == 1)
    })?;
    inserted.then_some(()).ok_or_else(|| UserError::Exists(name.to_string()))
}

/// Sets a new password; ends the user's sessions, which the old password may have opened.
pub fn set_password(store: &Store, name: &str, password: &str) -> Result<(), UserError> {
    let hash = hash_password(password)?;
    let changed = store.call_now(|c| {
        let changed = c.execute(
            "UPDATE users SET password_hash = ?2, updated_at_ms = ?3 WHERE name = ?1",
            params![name, hash, now_ms()],
        )?;
        c.execute("DELETE FROM sessions WHERE user_name = ?1", [name])?;
        Ok(changed)
    })?;
    (changed == 1).then_some(()).ok_or_else(|| UserError::NoSuchUser(name.to_string()))
}

pub fn set_role(
    store: &Store,
    name: &str,
    role: Role,
    clusters: Option<Vec<String>>,
    vhost_pattern: Option<String>,
) -> Result<(), UserError> {
    check_pattern(vhost_pattern.as_deref())?;
    let changed = store.call_now(|c| {
        c.execute(
            "UPDATE users SET role = ?2, clusters = ?3, vhost_pattern = ?4, updated_at_ms = ?5 WHERE name = ?1",
            params![name, role.as_str(), clusters_json(&clusters), vhost_pattern, now_ms()],
        )
    })?;
    (changed == 1).then_some(()).ok_or_else(|| UserError::NoSuchUser(name.to_string()))
}

pub fn delete(store: &Store, name: &str) -> Result<(), UserError> {
    let changed = store.call_now(|c| c.execute("DELETE FROM users WHERE name = ?1", [name]))?;
    (changed == 1).then_some(()).ok_or_else(|| UserError::NoSuchUser(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(matches!(hash_password("short"), Err(UserError::WeakPassword)));
    }

    #[test]
    fn users_are_added_once_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        add(&store, "ana", "a long password!", Role::Admin, None, None, true).unwrap();
        assert!(matches!(
            add(&store, "bo", "a long password!", Role::Admin, None, None, true),
            Err(UserError::Exists(_))
        ));
        assert!(matches!(
            add(&store, "ana", "a long password!", Role::Viewer, None, None, false),
            Err(UserError::Exists(_))
        ));
        assert!(matches!(
            add(&store, "a b", "a long password!", Role::Viewer, None, None, false),
            Err(UserError::BadName)
        ));
        assert!(matches!(
            add(&store, "cy", "a long password!", Role::Viewer, None, Some("[".into()), false),
            Err(UserError::BadPattern(_))
        ));
        set_role(&store, "ana", Role::Viewer, Some(vec!["a".into()]), Some("^team-".into())).unwrap();
        let users = list(&store).unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!((users[0].role, users[0].clusters.clone()), (Role::Viewer, Some(vec!["a".to_string()])));
        assert!(matches!(delete(&store, "nobody"), Err(UserError::NoSuchUser(_))));
    }
}
