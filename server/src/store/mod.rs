//! Warren's own embedded database: one SQLite file in the data directory (`warren.db`), for
//! users, sessions, screen tokens and the audit log. SQLite because it needs no server, survives
//! `kill -9` (WAL journal) and lets admins filter the audit log with real queries.
//!
//! The modules below are what is kept: the audit log, users and screen tokens, message templates,
//! the advisor's mutes, backlog history (in SQLite, or read from Prometheus where it is configured).

pub mod audit;
pub mod mutes;
pub mod prometheus;
pub mod templates;
pub mod timeseries;
pub mod tokens;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database task failed: {0}")]
    Task(String),
}

/// What a client is told when the store fails: that Warren broke, with the cause in the log only.
impl From<StoreError> for app::error::AppError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "store failed");
        app::error::AppError::Internal
    }
}

/// Schema migrations, applied in order; `PRAGMA user_version` counts how many have run.
const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE users (
        name          TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        clusters      TEXT,             -- JSON array of cluster names; NULL: every cluster
        vhost_pattern TEXT,             -- regex a vhost must match; NULL: every vhost
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
    );
    CREATE TABLE screen_tokens (
        id              INTEGER PRIMARY KEY,
        label           TEXT NOT NULL,
        token_hash      BLOB NOT NULL UNIQUE,  -- SHA-256 of the token; the token itself is shown once
        clusters        TEXT,                  -- JSON array; NULL: every cluster
        created_by      TEXT NOT NULL,
        created_at_ms   INTEGER NOT NULL,
        last_used_at_ms INTEGER,
        revoked_at_ms   INTEGER
    );
    CREATE TABLE sessions (
        id_hash         BLOB PRIMARY KEY,      -- SHA-256 of the cookie value
        user_name       TEXT REFERENCES users(name) ON DELETE CASCADE,
        token_id        INTEGER REFERENCES screen_tokens(id) ON DELETE CASCADE,
        csrf            TEXT NOT NULL,
        created_at_ms   INTEGER NOT NULL,
        last_seen_at_ms INTEGER NOT NULL,
        CHECK ((user_name IS NULL) <> (token_id IS NULL))
    );
    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        at_ms       INTEGER NOT NULL,
        actor       TEXT NOT NULL,
        source      TEXT NOT NULL,
        role        TEXT,
        cluster     TEXT,
        vhost       TEXT,
        action      TEXT NOT NULL,
        object      TEXT,
        outcome     TEXT NOT NULL,
        detail      TEXT,
        client_addr TEXT,
        user_agent  TEXT
    );
    CREATE INDEX audit_at ON audit (at_ms);
"#,
    r#"
    CREATE TABLE message_templates (
        owner         TEXT NOT NULL,    -- "<source>:<name>" of who saved it
        name          TEXT NOT NULL,
        message       TEXT NOT NULL,    -- JSON of domain::ops::Publish
        updated_at_ms INTEGER NOT NULL,
        PRIMARY KEY (owner, name)
    );
"#,
    r#"
    CREATE TABLE dashboards (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        spec          TEXT NOT NULL,    -- JSON of domain::dashboard::DashboardSpec
        rev           INTEGER NOT NULL, -- goes up with every save
        updated_by    TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL
    );
"#,
    r#"
    -- A token made by an admin limited to some vhosts sees only those: the regex a vhost must
    -- match; NULL: every vhost.
    ALTER TABLE screen_tokens ADD COLUMN vhost_pattern TEXT;
    -- Keys Warren makes for itself (the CSRF tag key).
    CREATE TABLE secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
"#,
    r#"
    -- Advisor findings an admin silenced for one object, with why.
    CREATE TABLE advisor_mutes (
        cluster TEXT NOT NULL,
        subject TEXT NOT NULL,          -- JSON of domain::advisor::Subject
        kind    TEXT NOT NULL,          -- domain::advisor::Check::kind
        reason  TEXT NOT NULL,
        by      TEXT NOT NULL,
        at_ms   INTEGER NOT NULL,
        PRIMARY KEY (cluster, subject, kind)
    );
"#,
];

/// A handle to the database; cheap to clone. Calls run on tokio's blocking pool, one at a time.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    /// One `call` at a time reaches the pool (see `in_turn`).
    turn: Arc<tokio::sync::Semaphore>,
}

impl Store {
    /// Opens (creating if needed) `warren.db` in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.to_path_buf(), source })?;
        let mut conn = Connection::open(data_dir.join("warren.db"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)), turn: Arc::new(tokio::sync::Semaphore::new(1)) })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        in_turn(&self.turn, move || {
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
        .map_err(StoreError::from)
    }

    /// Runs `f`, which uses the store's synchronous functions (`call_now`), on the blocking pool in
    /// the store's turn, like `call`.
    pub async fn blocking<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, StoreError> {
        in_turn(&self.turn, f).await.map_err(|e| StoreError::Task(e.to_string()))
    }

    /// Runs `f` with the connection on the current thread: for the command line, which has no
    /// runtime, and for `blocking`.
    pub fn call_now<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&mut conn)?)
    }
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Runs `f` on the blocking pool once `turn` lets it in. Callers of one connection wait here, as
/// tasks, rather than on its mutex inside the pool, where each would park a thread of its own:
/// when every live stream checks its session at the same refresh, hundreds of them, each growing
/// the allocator's arenas.
pub async fn in_turn<T: Send + 'static>(
    turn: &Arc<tokio::sync::Semaphore>,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    // Never closed. The permit moves into the task: a caller who gives up does not let the next in early.
    let permit = turn.clone().acquire_owned().await.expect("a turn semaphore is never closed");
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await
}

/// Milliseconds since the Unix epoch: how the store keeps time.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_twice_and_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .call(|c| {
                c.execute(
                    "INSERT INTO audit (at_ms, actor, source, action, outcome) VALUES (1, 'a', 'cli', 'x', 'ok')",
                    [],
                )
            })
            .await
            .unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        let count: i64 = store.call(|c| c.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))).await.unwrap();
        assert_eq!(count, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_at_once_share_a_pool_thread() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let threads = Arc::new(Mutex::new(std::collections::HashSet::new()));
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let (store, threads) = (store.clone(), threads.clone());
                tokio::spawn(async move {
                    store
                        .call(move |c| {
                            threads.lock().unwrap().insert(std::thread::current().id());
                            std::thread::sleep(std::time::Duration::from_millis(1));
                            c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
                        })
                        .await
                })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap(), 1);
        }
        // One at a time, each on a thread the last one left idle (a second when it is not idle yet);
        // without the turn, about one thread per caller.
        let used = threads.lock().unwrap().len();
        assert!(used <= 4, "{used} pool threads for 100 callers");
    }
}
