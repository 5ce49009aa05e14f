//! Sessions. Local users' and screens' sessions live in the store, so a console restart signs no
//! one out; broker users' sessions hold the user's broker password and so live in memory only,
//! ending with the process. Cookies carry a random id; only its SHA-256 is kept.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use app::auth::{IdentityKind, Role};
use rusqlite::{params, OptionalExtension};

use super::csrf::CsrfKey;
use crate::crypto::{digest, random_token};
use crate::service::access::{Principal, VhostScope};
use crate::store::{now_ms, Store, StoreError};

/// A screen session unused this long ends; the screen opens a new one with its token link.
pub const SCREEN_IDLE: Duration = Duration::from_secs(30 * 24 * 3600);

/// What the browser gets when a session opens.
pub struct NewSession {
    pub cookie: String,
    pub csrf: String,
}

struct BrokerSession {
    principal: Principal,
    opened: Instant,
    last_seen: Instant,
}

pub struct Sessions {
    store: Store,
    csrf: CsrfKey,
    idle: Duration,
    max: Duration,
    broker: Mutex<HashMap<Vec<u8>, BrokerSession>>,
}

impl Sessions {
    pub fn new(store: Store, idle: Duration, max: Duration, csrf: CsrfKey) -> Self {
        Self { store, csrf, idle, max, broker: Mutex::default() }
    }

    /// A session for a local user or a screen token (exactly one of them).
    pub async fn open_stored(&self, user: Option<String>, token_id: Option<i64>) -> Result<NewSession, StoreError> {
        let session = NewSession { cookie: random_token(32), csrf: self.csrf.mint() };
        let (hash, csrf) = (digest(&session.cookie), session.csrf.clone());
        self.store
            .call(move |c| {
                let now = now_ms();
                c.execute(
                    "INSERT INTO sessions (id_hash, user_name, token_id, csrf, created_at_ms, last_seen_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![hash, user, token_id, csrf, now],
                )
            })
            .await?;
        Ok(session)
    }

    /// A broker user's session; `principal` carries their credentials.
    pub fn open_broker(&self, mut principal: Principal) -> NewSession {
        let session = NewSession { cookie: random_token(32), csrf: self.csrf.mint() };
        principal.csrf = Some(session.csrf.clone());
        let now = Instant::now();
        self.broker
            .lock()
            .expect("sessions lock")
            .insert(digest(&session.cookie), BrokerSession { principal, opened: now, last_seen: now });
        session
    }

    /// The identity behind a session cookie, if the session is still valid. `activity`: the
    /// person did something (not a live stream checking that its session still holds).
    pub async fn resolve(&self, cookie: &str, activity: bool) -> Result<Option<Principal>, StoreError> {
        let hash = digest(cookie);
        if let Some(principal) = self.resolve_broker(&hash, activity) {
            return Ok(Some(principal));
        }
        let (idle_ms, max_ms) = (self.idle.as_millis() as i64, self.max.as_millis() as i64);
        // Activity is written at most every minute (or a quarter of the idle limit, if shorter).
        let touch_ms = (idle_ms / 4).min(60_000);
        self.store
            .call(move |c| {
                let row = c
                    .query_row(
                        "SELECT s.user_name, s.token_id, s.csrf, s.created_at_ms, s.last_seen_at_ms,
                                u.role, u.clusters, u.vhost_pattern, t.label, t.clusters, t.revoked_at_ms, t.vhost_pattern
                         FROM sessions s
                         LEFT JOIN users u ON u.name = s.user_name
                         LEFT JOIN screen_tokens t ON t.id = s.token_id
                         WHERE s.id_hash = ?1",
                        [&hash],
                        |r| {
                            Ok(StoredRow {
                                user: r.get(0)?,
                                token_id: r.get(1)?,
                                csrf: r.get(2)?,
                                created: r.get(3)?,
                                last_seen: r.get(4)?,
                                role: r.get(5)?,
                                user_clusters: r.get(6)?,
                                vhost_pattern: r.get(7)?,
                                token_label: r.get(8)?,
                                token_clusters: r.get(9)?,
                                token_revoked: r.get(10)?,
                                token_vhost_pattern: r.get(11)?,
                            })
                        },
                    )
                    .optional()?;
                let Some(row) = row else { return Ok(None) };
                let now = now_ms();
                // Screens run for days: they end when their token is revoked, not by time.
                let expired = match row.token_id {
                    Some(_) => row.token_revoked.is_some() || row.token_label.is_none(),
                    None => now - row.last_seen > idle_ms || now - row.created > max_ms || row.role.is_none(),
                };
                if expired {
                    c.execute("DELETE FROM sessions WHERE id_hash = ?1", [&hash])?;
                    return Ok(None);
                }
                if activity && now - row.last_seen > touch_ms {
                    c.execute("UPDATE sessions SET last_seen_at_ms = ?2 WHERE id_hash = ?1", params![hash, now])?;
                }
                Ok(row.principal())
            })
            .await
    }

    fn resolve_broker(&self, hash: &[u8], activity: bool) -> Option<Principal> {
        let mut sessions = self.broker.lock().expect("sessions lock");
        let session = sessions.get_mut(hash)?;
        let now = Instant::now();
        if now - session.last_seen > self.idle || now - session.opened > self.max {
            sessions.remove(hash);
            return None;
        }
        if activity {
            session.last_seen = now;
        }
        Some(session.principal.clone())
    }

    pub async fn close(&self, cookie: &str) -> Result<(), StoreError> {
        let hash = digest(cookie);
        if self.broker.lock().expect("sessions lock").remove(&hash).is_some() {
            return Ok(());
        }
        self.store.call(move |c| c.execute("DELETE FROM sessions WHERE id_hash = ?1", [hash])).await?;
        Ok(())
    }

    /// Forgets expired sessions: users' by their limits, screens' with their token or when unused.
    pub async fn prune(&self) -> Result<(), StoreError> {
        let (idle, max) = (self.idle, self.max);
        self.broker
            .lock()
            .expect("sessions lock")
            .retain(|_, s| s.last_seen.elapsed() <= idle && s.opened.elapsed() <= max);
        let (idle_ms, max_ms) = (idle.as_millis() as i64, max.as_millis() as i64);
        self.store
            .call(move |c| {
                let now = now_ms();
                c.execute(
                    "DELETE FROM sessions WHERE user_name IS NOT NULL AND (?1 - last_seen_at_ms > ?2 OR ?1 - created_at_ms > ?3)",
                    params![now, idle_ms, max_ms],
                )?;
                // A screen's session ends with its token, or when no screen has used it for a while
                // (a live stream counts as use: a wall screen that stays on stays signed in).
                c.execute(
                    "DELETE FROM sessions WHERE token_id IS NOT NULL AND (?1 - last_seen_at_ms > ?2 OR token_id IN
                         (SELECT id FROM screen_tokens WHERE revoked_at_ms IS NOT NULL))",
                    params![now, SCREEN_IDLE.as_millis() as i64],
                )
            })
            .await?;
        Ok(())
    }
}

struct StoredRow {
    user: Option<String>,
    token_id: Option<i64>,
    csrf: String,
    created: i64,
    last_seen: i64,
    role: Option<String>,
    user_clusters: Option<String>,
    vhost_pattern: Option<String>,
    token_label: Option<String>,
    token_clusters: Option<String>,
    token_revoked: Option<i64>,
    token_vhost_pattern: Option<String>,
}

impl StoredRow {
    fn principal(self) -> Option<Principal> {
        // A list that cannot be read shows nothing rather than every cluster.
        let clusters = |json: Option<String>| json.map(|j| serde_json::from_str::<Vec<String>>(&j).unwrap_or_default());
        let base = |name, kind, role, clusters, vhosts| Principal {
            name,
            kind,
            role,
            clusters,
            vhosts,
            csrf: Some(self.csrf.clone()),
            broker_credentials: None,
            client_addr: None,
            user_agent: None,
        };
        match (self.user.clone(), self.token_id) {
            (Some(user), None) => {
                let role = Role::parse(self.role.as_deref()?)?;
                let vhosts = VhostScope::from_pattern(self.vhost_pattern.as_deref());
                Some(base(user, IdentityKind::Local, role, clusters(self.user_clusters.clone()), vhosts))
            }
            (None, Some(_)) => Some(base(
                self.token_label.clone()?,
                IdentityKind::Screen,
                Role::Viewer,
                clusters(self.token_clusters.clone()),
                VhostScope::from_pattern(self.token_vhost_pattern.as_deref()),
            )),
            _ => None,
        }
    }
}
