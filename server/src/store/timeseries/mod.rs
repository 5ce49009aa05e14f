//! Backlog history that outlives the broker's ten minutes: every refresh of every cluster is
//! recorded into `history.db` in the data directory (SQLite, a file of its own so the charts and
//! the recorder never wait on sign-ins or the audit log).
//!
//! Two tiers. *Fine*: every sample (one per refresh), kept an hour by default. *Coarse*: one
//! point a minute holding each metric's min, max and last, kept 7 days by default, so a spike
//! stays visible at any zoom.
//!
//! Each refresh is written at once as one *frame* (all of a cluster's series at that instant),
//! so a `kill -9` loses at most the refresh being written. When a window closes (5 minutes for
//! fine, an hour for coarse) its frames are turned into one *chunk* per series, compressed with
//! pcodec (delta encoding and bit packing chosen per column: an idle queue costs a few bytes an
//! hour), in the same transaction that deletes the frames. A finished day's hourly chunks are
//! then merged into one chunk per series: pcodec's headers are paid once a day instead of every
//! hour, which halves the bulk of the store.
//!
//! - `mod.rs`: the `History` store and its API (record, maintain, read, usage), tier constants
//! - `schema.rs`: opening the file (WAL, big pages), the tables, the `series` table
//! - `recorder.rs`: the task recording each refresh, readings, the per-cluster state
//! - `tiers.rs`: the running minute, sealing windows into chunks, merging finished days
//! - `read.rs`: reading a range back from chunks and frames, backlogs at a range's start
//! - `codec.rs`: how frames and chunks are compressed (pcodec, varints)

mod codec;
mod read;
pub mod recorder;
mod schema;
mod tiers;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use domain::backlog::{HistoryPoint, Range, SeriesRef};
use rusqlite::{params, Connection};

use crate::cluster::snapshot::Snapshot;
use crate::config::timeseries::HistoryConfig;
use crate::store::StoreError;
use read::{merge_steps, read_layers};
use recorder::{load_state, readings, round_rate, ClusterState};
use schema::{find_series, open_connection, series_id, SeriesKey, SCHEMA};
use tiers::{fold, merge_day, seal, write_coarse_frame, Minute};

/// Ready, unacked, publish rate, deliver rate, consumers.
pub const METRICS: usize = 5;
/// Rates are kept in hundredths of a message per second: integers compress far better.
const RATE_SCALE: f64 = 100.0;

/// Stored values per series in a tier: each metric's value (fine), or its min, max and last.
fn columns_in(tier: i64) -> usize {
    if tier == FINE {
        METRICS
    } else {
        3 * METRICS
    }
}
const FINE: i64 = 0;
const COARSE: i64 = 1;
/// Coarse points of a whole day (merged from `COARSE` chunks once the day is over).
const DAY: i64 = 2;
/// Window lengths in each tier's own time unit (fine: seconds, coarse and day: minutes).
const FINE_WINDOW_S: i64 = 300;
const COARSE_WINDOW_MIN: i64 = 60;
const DAY_WINDOW_MIN: i64 = 1440;

/// What one series reads at one instant, in stored units.
pub type Reading = [i64; METRICS];

/// Backlogs at the start of a range, by (cluster, range), with the start they were read at.
type Starts = HashMap<(String, &'static str), (i64, Arc<Backlogs>)>;

pub struct History {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    config: HistoryConfig,
    clusters: Mutex<HashMap<String, Arc<Mutex<ClusterState>>>>,
    /// The last `backlogs_at_start` of each cluster and range, with the start it was read at.
    starts: Mutex<Starts>,
    /// Readers take turns for `reader` before the blocking pool (see `store::in_turn`).
    reads: Arc<tokio::sync::Semaphore>,
}

/// Each queue's first backlog recorded in a range, by vhost and name.
pub type Backlogs = HashMap<(String, String), Start>;

/// A queue's backlog (ready + unacked) at the start of a range, and when it was recorded: later
/// than the range's start for a queue, or a history, younger than the range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Start {
    pub backlog: f64,
    pub at_ms: i64,
}

impl History {
    pub fn open(data_dir: &Path, config: HistoryConfig) -> Result<Arc<History>, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.to_path_buf(), source })?;
        let path = data_dir.join("history.db");
        let writer = open_connection(&path, true)?;
        writer.execute_batch(SCHEMA)?;
        let reader = open_connection(&path, false)?;
        Ok(Arc::new(History {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            config,
            clusters: Mutex::new(HashMap::new()),
            starts: Mutex::new(HashMap::new()),
            reads: Arc::new(tokio::sync::Semaphore::new(1)),
        }))
    }

    fn cluster_state(&self, cluster: &str) -> Arc<Mutex<ClusterState>> {
        self.clusters.lock().expect("history clusters").entry(cluster.to_string()).or_default().clone()
    }

    /// Records one refresh of `cluster`: each queue, each vhost's totals and the cluster's.
    pub fn record_snapshot(&self, cluster: &str, ts_ms: i64, snapshot: &Snapshot) -> Result<(), StoreError> {
        self.record(cluster, ts_ms, readings(snapshot))
    }

    /// Records one instant of `cluster`'s series. Blocking: call from a blocking thread.
    pub fn record(&self, cluster: &str, ts_ms: i64, readings: Vec<(SeriesRef, Reading)>) -> Result<(), StoreError> {
        let state = self.cluster_state(cluster);
        let mut state = state.lock().expect("history cluster state");
        let mut conn = self.writer.lock().expect("history writer");
        let tx = conn.transaction()?;
        if !state.loaded {
            load_state(&tx, cluster, &mut state)?;
        }
        let ts = ts_ms.div_euclid(1000);
        let mut frame: Vec<(i64, Reading)> = Vec::with_capacity(readings.len());
        for (series, reading) in readings {
            let key = SeriesKey::of(&series);
            let id = match state.ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = series_id(&tx, cluster, &key)?;
                    state.ids.insert(key, id);
                    id
                }
            };
            let [ready, unacked, publish, deliver, consumers] = reading;
            frame.push((id, [ready, unacked, round_rate(publish), round_rate(deliver), consumers]));
        }
        frame.sort_unstable_by_key(|(id, _)| *id);
        frame.dedup_by_key(|(id, _)| *id);

        // A new minute closes the running one into a coarse frame.
        let minute = ts.div_euclid(60);
        if let Some(running) = state.minute.take_if(|m| m.minute < minute) {
            write_coarse_frame(&tx, cluster, &running)?;
        }
        let running = state.minute.get_or_insert_with(|| Minute { minute, spans: HashMap::new() });
        if running.minute == minute {
            fold(running, &frame);
        }
        let ids: Vec<i64> = frame.iter().map(|(id, _)| *id).collect();
        let columns: Vec<Vec<i64>> = (0..METRICS).map(|m| frame.iter().map(|(_, r)| r[m]).collect()).collect();
        tx.execute(
            "INSERT OR REPLACE INTO frames (cluster, tier, ts, data) VALUES (?1, ?2, ?3, ?4)",
            params![cluster, FINE, ts, codec::encode(&ids, &columns)?],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Closes `cluster`'s windows that ended before `ts_ms` into chunks and forgets what is past
    /// retention. Kept out of `record` so an interval is durable before the hourly close (seconds
    /// at 10,000 queues) starts; a crash in between only leaves frames to close next time.
    pub fn maintain(&self, cluster: &str, ts_ms: i64) -> Result<(), StoreError> {
        let mut conn = self.writer.lock().expect("history writer");
        let mut tx = conn.transaction()?;
        let ts = ts_ms.div_euclid(1000);
        let minute = ts.div_euclid(60);
        seal(&tx, cluster, FINE, ts - ts.rem_euclid(FINE_WINDOW_S), FINE_WINDOW_S)?;
        seal(&tx, cluster, COARSE, minute - minute.rem_euclid(COARSE_WINDOW_MIN), COARSE_WINDOW_MIN)?;
        let fine_cutoff = ts - self.config.fine_retention.as_secs() as i64 - FINE_WINDOW_S;
        let coarse_cutoff = minute - (self.config.coarse_retention.as_secs() / 60) as i64 - COARSE_WINDOW_MIN;
        // A merge that fails leaves its hours as they are; sealing and retention go on.
        {
            let merge = tx.savepoint()?;
            match merge_day(&merge, minute - minute.rem_euclid(COARSE_WINDOW_MIN)) {
                Ok(()) => merge.commit()?,
                Err(error) => tracing::error!(%error, "merging a day of history failed"),
            }
        }
        // A day is dropped once all of it is past retention.
        let day_cutoff = coarse_cutoff + COARSE_WINDOW_MIN - DAY_WINDOW_MIN;
        for (tier, cutoff) in [(FINE, fine_cutoff), (COARSE, coarse_cutoff), (DAY, day_cutoff)] {
            tx.execute("DELETE FROM chunks WHERE tier = ?1 AND start < ?2", params![tier, cutoff])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Runs `read` (`read`, `backlogs_at_start`) on the blocking pool in the readers' turn.
    pub async fn reading<T: Send + 'static>(
        self: &Arc<Self>,
        read: impl FnOnce(&History) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let history = self.clone();
        crate::store::in_turn(&self.reads, move || read(&history)).await.map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// One series over `range`, ending `now_ms`, merged to the range's step.
    pub fn read(
        &self,
        cluster: &str,
        series: &SeriesRef,
        range: Range,
        now_ms: i64,
    ) -> Result<Vec<HistoryPoint>, StoreError> {
        let mut conn = self.reader.lock().expect("history reader");
        // One snapshot: a day merged between reading its chunks and its hours would show twice.
        let tx = conn.transaction()?;
        let key = SeriesKey::of(series);
        let Some(id) = find_series(&tx, cluster, &key)? else {
            return Ok(Vec::new());
        };
        let layers = self.layers(range);
        let unit_ms = layers.unit_ms;
        let (from, to) = ((now_ms - range.millis()).div_euclid(unit_ms), now_ms.div_euclid(unit_ms));
        let points = read_layers(&tx, cluster, id, &layers, from, to)?;
        Ok(merge_steps(points, range.step_ms()))
    }

    /// Each queue's backlog at the start of `range` before `now_ms`, for the top-growing list.
    /// Read once per start (a minute for the coarse ranges), however many tiles and pages ask:
    /// a day's start means decoding every queue's day chunk.
    pub fn backlogs_at_start(&self, cluster: &str, range: Range, now_ms: i64) -> Result<Arc<Backlogs>, StoreError> {
        let at = (now_ms - range.millis()).div_euclid(self.layers(range).unit_ms);
        let key = (cluster.to_string(), range.as_str());
        if let Some((cached_at, backlogs)) = self.starts.lock().expect("history starts").get(&key) {
            if *cached_at == at {
                return Ok(backlogs.clone());
            }
        }
        let backlogs = Arc::new(self.read_backlogs_at(cluster, range, at)?);
        // Nothing recorded yet (the first refresh is being written): asked again, not kept, or
        // every queue would seem to grow from nothing for the rest of the minute.
        if !backlogs.is_empty() {
            self.starts.lock().expect("history starts").insert(key, (at, backlogs.clone()));
        }
        Ok(backlogs)
    }

    /// Bytes and counts, for the benchmark and the metrics.
    pub fn usage(&self) -> Result<Usage, StoreError> {
        let conn = self.reader.lock().expect("history reader");
        let (chunks, chunk_bytes, minute_chunk_bytes) = conn.query_row(
            "SELECT count(*), coalesce(sum(length(data)), 0),
                    coalesce(sum(CASE WHEN tier != ?1 THEN length(data) END), 0) FROM chunks",
            [FINE],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)),
        )?;
        let (frames, frame_bytes) =
            conn.query_row("SELECT count(*), coalesce(sum(length(data)), 0) FROM frames", [], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?;
        let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        let page_count: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
        let free_pages: i64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0))?;
        Ok(Usage {
            chunks,
            chunk_bytes,
            minute_chunk_bytes,
            frames,
            frame_bytes,
            file_bytes: page_size * page_count,
            free_bytes: page_size * free_pages,
        })
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    pub chunks: i64,
    pub chunk_bytes: i64,
    /// Of `chunk_bytes`, the minute points'.
    pub minute_chunk_bytes: i64,
    pub frames: i64,
    pub frame_bytes: i64,
    /// The database file (without its WAL).
    pub file_bytes: i64,
    /// Of `file_bytes`, pages freed by retention and not yet reused.
    pub free_bytes: i64,
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    pub(super) fn queue(name: &str) -> SeriesRef {
        SeriesRef::Queue { vhost: "/".into(), name: name.into() }
    }

    pub(super) const T0: i64 = 1_800_000_000_000; // a whole hour

    /// What the recorder does with each refresh.
    pub(super) fn sample(history: &History, ts_ms: i64, readings: Vec<(SeriesRef, Reading)>) {
        history.record("c", ts_ms, readings).unwrap();
        history.maintain("c", ts_ms).unwrap();
    }

    #[test]
    fn records_seals_and_reads_back_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let config = HistoryConfig::default();
        {
            let history = History::open(dir.path(), config.clone()).unwrap();
            // 12 minutes of samples every 5 s: two fine windows sealed, twelve minutes closed.
            for i in 0..144 {
                let ready = if i == 50 { 9_000 } else { i };
                sample(&history, T0 + i * 5000, vec![(queue("a"), [ready, 1, 250, 0, 2]), (queue("b"), [0; 5])]);
            }
            let usage = history.usage().unwrap();
            assert!(usage.chunks >= 4, "{usage:?}");
        }
        // Reopened: everything is still there, and recording goes on where it stopped.
        let history = History::open(dir.path(), config).unwrap();
        sample(&history, T0 + 144 * 5000, vec![(queue("a"), [144, 1, 250, 0, 2])]);
        let now = T0 + 144 * 5000;
        let fine = history.read("c", &queue("a"), Range::TenMinutes, now).unwrap();
        assert_eq!(fine.len(), 121, "every sample of the last 10 minutes");
        assert_eq!(fine.last().unwrap().ready.last, 144.0);
        assert_eq!(fine.last().unwrap().publish_rate.last, 2.5);
        let coarse = history.read("c", &queue("a"), Range::EightHours, now).unwrap();
        assert_eq!(coarse.len(), 12, "one point per closed minute");
        let spike = coarse.iter().find(|p| p.ready.max == 9_000.0).expect("the spike survives the minute");
        assert_eq!(spike.ready.last, 59.0, "{spike:?}");
        assert!(history.read("c", &queue("nope"), Range::Hour, now).unwrap().is_empty());
        let start = history.backlogs_at_start("c", Range::TenMinutes, now).unwrap();
        let a = start[&("/".to_string(), "a".to_string())];
        assert_eq!((a.backlog, a.at_ms), (24.0 + 1.0, T0 + 24 * 5000), "the first sample in the range");
    }

    #[test]
    fn retention_drops_old_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let config =
            HistoryConfig { fine_retention: Duration::from_secs(600), coarse_retention: Duration::from_secs(3600) };
        let history = History::open(dir.path(), config).unwrap();
        let samples = 3 * 60 * 12;
        for i in 0..samples {
            sample(&history, T0 + i * 5000, vec![(queue("a"), [i, 0, 0, 0, 0])]);
        }
        let now_s = (T0 + (samples - 1) * 5000) / 1000;
        let oldest = |tier: i64| -> i64 {
            let conn = history.reader.lock().unwrap();
            conn.query_row("SELECT min(start) FROM chunks WHERE tier = ?1", [tier], |r| r.get(0)).unwrap()
        };
        let fine_age = now_s - oldest(FINE);
        assert!((600..=600 + 2 * FINE_WINDOW_S).contains(&fine_age), "fine chunks reach back {fine_age} s");
        let coarse_age = now_s / 60 - oldest(COARSE);
        assert!((60..=60 + 2 * COARSE_WINDOW_MIN).contains(&coarse_age), "coarse chunks reach back {coarse_age} min");
    }
}
