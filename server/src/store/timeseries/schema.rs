//! The file and its tables: opening the connections (WAL, big pages), the schema, and the
//! `series` table that names each stored series.

use std::path::Path;
use std::time::Duration;

use domain::backlog::SeriesRef;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// Big pages: a day of a busy queue (a few KB) stays on its page. With 4 KB pages, chunks
/// between 1 and 4 KB spill into half-empty overflow pages that cost more than the data.
const PAGE_SIZE: i64 = 65_536;

pub(super) const SCHEMA: &str = r#"
    CREATE TABLE IF NOT EXISTS series (
        id      INTEGER PRIMARY KEY,
        cluster TEXT NOT NULL,
        kind    TEXT NOT NULL CHECK (kind IN ('queue', 'vhost', 'cluster')),
        vhost   TEXT NOT NULL,
        name    TEXT NOT NULL,
        UNIQUE (cluster, kind, vhost, name)
    );
    -- One refresh (fine, ts in seconds) or one minute (coarse, ts in minutes) of a whole cluster.
    CREATE TABLE IF NOT EXISTS frames (
        cluster TEXT NOT NULL,
        tier    INTEGER NOT NULL,
        ts      INTEGER NOT NULL,
        data    BLOB NOT NULL,
        PRIMARY KEY (cluster, tier, ts)
    ) WITHOUT ROWID;
    -- One series over one closed window (5 minutes, an hour or a day); keyed by window first so
    -- retention is a range delete and a finished day is appended at the end.
    CREATE TABLE IF NOT EXISTS chunks (
        tier   INTEGER NOT NULL,
        start  INTEGER NOT NULL,
        series INTEGER NOT NULL,
        data   BLOB NOT NULL,
        PRIMARY KEY (tier, start, series)
    ) WITHOUT ROWID;
"#;

/// What a series is called in the store.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct SeriesKey {
    pub(super) kind: &'static str,
    pub(super) vhost: String,
    pub(super) name: String,
}

impl SeriesKey {
    pub(super) fn of(series: &SeriesRef) -> SeriesKey {
        match series {
            SeriesRef::Queue { vhost, name } => SeriesKey { kind: "queue", vhost: vhost.clone(), name: name.clone() },
            SeriesRef::Vhost(vhost) => SeriesKey { kind: "vhost", vhost: vhost.clone(), name: String::new() },
            SeriesRef::Cluster => SeriesKey { kind: "cluster", vhost: String::new(), name: String::new() },
        }
    }
}

/// `writer`: the first connection, which sets the file up.
pub(super) fn open_connection(path: &Path, writer: bool) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    if writer {
        use_big_pages(&conn);
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // Checkpoint every 8 MiB and truncate the WAL back to that size: it would otherwise stay
    // as large as the largest transaction (an hour closing) ever made it.
    conn.pragma_update(None, "wal_autocheckpoint", (8 << 20) / PAGE_SIZE)?;
    conn.pragma_update(None, "journal_size_limit", 8 << 20)?;
    conn.pragma_update(None, "cache_size", -8192)?;
    // WAL with NORMAL: a committed frame survives the process being killed (not a power cut).
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

/// Gives a new file `PAGE_SIZE` pages at once, and rewrites one from an earlier version (4 KiB
/// pages) once. Neither works in WAL mode. If it cannot be done (another process has the file
/// open, no room for the copy VACUUM makes), the store goes on with the pages it has.
fn use_big_pages(conn: &Connection) {
    let converted = (|| -> rusqlite::Result<bool> {
        let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        if page_size == PAGE_SIZE {
            return Ok(true);
        }
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Ok(false);
        }
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.execute_batch("VACUUM")?;
        Ok(true)
    })();
    match converted {
        Ok(true) => {}
        Ok(false) => tracing::warn!("the history store is in use elsewhere; it keeps its page size"),
        Err(error) => tracing::warn!(%error, "the history store keeps its page size"),
    }
}

pub(super) fn series_id(tx: &Transaction, cluster: &str, key: &SeriesKey) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT OR IGNORE INTO series (cluster, kind, vhost, name) VALUES (?1, ?2, ?3, ?4)",
        params![cluster, key.kind, key.vhost, key.name],
    )?;
    tx.query_row(
        "SELECT id FROM series WHERE cluster = ?1 AND kind = ?2 AND vhost = ?3 AND name = ?4",
        params![cluster, key.kind, key.vhost, key.name],
        |r| r.get(0),
    )
}

pub(super) fn find_series(conn: &Connection, cluster: &str, key: &SeriesKey) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM series WHERE cluster = ?1 AND kind = ?2 AND vhost = ?3 AND name = ?4")?
        .query_row(params![cluster, key.kind, key.vhost, key.name], |r| r.get(0))
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::timeseries::HistoryConfig;
    use crate::store::timeseries::tests::{queue, sample, T0};
    use crate::store::timeseries::History;
    use domain::backlog::Range;

    #[test]
    fn a_store_with_small_pages_is_rewritten_with_big_ones() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join("history.db")).unwrap();
            conn.pragma_update(None, "page_size", 4096).unwrap();
            conn.execute_batch(SCHEMA).unwrap();
        }
        {
            let history = History::open(dir.path(), HistoryConfig::default()).unwrap();
            sample(&history, T0, vec![(queue("a"), [5, 0, 0, 0, 0])]);
        }
        let history = History::open(dir.path(), HistoryConfig::default()).unwrap();
        let conn = history.reader.lock().unwrap();
        let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
        assert_eq!(page_size, PAGE_SIZE);
        drop(conn);
        assert_eq!(history.read("c", &queue("a"), Range::TenMinutes, T0).unwrap()[0].ready.last, 5.0);
    }
}
