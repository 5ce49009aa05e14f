//! Wall-screen tokens: long random read-only secrets for kiosk browsers, scoped to clusters.
//! Only their SHA-256 is stored; the token is shown once, when created.

use app::auth::ScreenToken;
use rusqlite::{params, OptionalExtension, Row};

use crate::crypto::{digest, random_token};
use crate::store::{now_ms, Store, StoreError};

/// Prefix that makes a leaked token recognisable in logs and secret scanners.
pub const PREFIX: &str = "wrn_";

const COLUMNS: &str = "id, label, clusters, created_by, created_at_ms, last_used_at_ms, revoked_at_ms, vhost_pattern";

fn from_row(row: &Row) -> rusqlite::Result<ScreenToken> {
    let clusters: Option<String> = row.get(2)?;
    Ok(ScreenToken {
        id: row.get(0)?,
        label: row.get(1)?,
        // A list that cannot be read shows nothing rather than every cluster.
        clusters: clusters.map(|json| serde_json::from_str(&json).unwrap_or_default()),
        vhost_pattern: row.get(7)?,
        created_by: row.get(3)?,
        created_at_ms: row.get(4)?,
        last_used_at_ms: row.get(5)?,
        revoked_at_ms: row.get(6)?,
    })
}

/// Creates a token that sees every vhost of its clusters; returns its record and the secret.
pub fn create(
    store: &Store,
    label: &str,
    clusters: Option<Vec<String>>,
    created_by: &str,
) -> Result<(ScreenToken, String), StoreError> {
    create_scoped(store, label, clusters, None, created_by)
}

/// Creates a token limited to `clusters` (`None`: all) and to the vhosts matching `vhost_pattern`
/// (`None`: all); returns its record and the secret.
pub fn create_scoped(
    store: &Store,
    label: &str,
    clusters: Option<Vec<String>>,
    vhost_pattern: Option<String>,
    created_by: &str,
) -> Result<(ScreenToken, String), StoreError> {
    let token = format!("{PREFIX}{}", random_token(32));
    let hash = digest(&token);
    let clusters_json = clusters.as_ref().map(|c| serde_json::to_string(c).expect("strings encode"));
    let info = store.call_now(|c| {
        c.execute(
            "INSERT INTO screen_tokens (label, token_hash, clusters, vhost_pattern, created_by, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![label, hash, clusters_json, vhost_pattern, created_by, now_ms()],
        )?;
        let id = c.last_insert_rowid();
        c.query_row(&format!("SELECT {COLUMNS} FROM screen_tokens WHERE id = ?1"), [id], from_row)
    })?;
    Ok((info, token))
}

pub fn list(store: &Store) -> Result<Vec<ScreenToken>, StoreError> {
    store.call_now(|c| {
        let mut statement = c.prepare(&format!("SELECT {COLUMNS} FROM screen_tokens ORDER BY id"))?;
        let rows = statement.query_map([], from_row)?;
        rows.collect()
    })
}

/// Revokes a token and ends the sessions it opened. False when there is no such live token.
pub fn revoke(store: &Store, id: i64) -> Result<bool, StoreError> {
    store.call_now(|c| {
        let changed = c.execute(
            "UPDATE screen_tokens SET revoked_at_ms = ?2 WHERE id = ?1 AND revoked_at_ms IS NULL",
            params![id, now_ms()],
        )?;
        c.execute("DELETE FROM sessions WHERE token_id = ?1", [id])?;
        Ok(changed == 1)
    })
}

/// The live (not revoked) token with this secret; notes its use at most once a minute.
pub async fn find_live(store: &Store, token: &str) -> Result<Option<ScreenToken>, StoreError> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let hash = digest(token);
    store
        .call(move |c| {
            let found = c
                .query_row(
                    &format!("SELECT {COLUMNS} FROM screen_tokens WHERE token_hash = ?1 AND revoked_at_ms IS NULL"),
                    [&hash],
                    from_row,
                )
                .optional()?;
            if let Some(token) = &found {
                let now = now_ms();
                if token.last_used_at_ms.is_none_or(|at| now - at > 60_000) {
                    c.execute("UPDATE screen_tokens SET last_used_at_ms = ?2 WHERE id = ?1", params![token.id, now])?;
                }
            }
            Ok(found)
        })
        .await
}
