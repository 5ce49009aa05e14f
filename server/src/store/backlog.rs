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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use domain::backlog::{HistoryPoint, Range, SeriesRef, Span};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use tokio_util::sync::CancellationToken;

use crate::config::HistoryConfig;
use crate::cluster::feed::Feed;

use crate::cluster::snapshot::Snapshot;
use crate::store::StoreError;

/// Ready, unacked, publish rate, deliver rate, consumers.
pub const METRICS: usize = 5;
/// Rates are kept in hundredths of a message per second: integers compress far better.
const RATE_SCALE: f64 = 100.0;
/// Rates keep this many significant digits: digits beyond are the broker's sampling noise, and
/// storing them would cost more than every other metric together.
const RATE_DIGITS: u32 = 3;

/// Rounds a rate (in hundredths) to `RATE_DIGITS` significant digits.
fn round_rate(hundredths: i64) -> i64 {
    let digits = hundredths.unsigned_abs().checked_ilog10().map_or(0, |d| d + 1);
    if digits <= RATE_DIGITS {
        return hundredths;
    }
    let unit = 10i128.pow(digits - RATE_DIGITS);
    let rounded = (i128::from(hundredths) + unit / 2).div_euclid(unit) * unit;
    rounded.clamp(i64::MIN.into(), i64::MAX.into()) as i64
}

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
/// Series ids whose day is merged per `maintain` call. A series' day is 23,040 values (180 KiB
/// decoded), so 100 of them keep the merge under 40 MB; 10,000 queues merge in 100 refreshes.
const MERGE_BATCH: i64 = 100;
/// Big pages: a day of a busy queue (a few KB) stays on its page. With 4 KB pages, chunks
/// between 1 and 4 KB spill into half-empty overflow pages that cost more than the data.
const PAGE_SIZE: i64 = 65_536;

const SCHEMA: &str = r#"
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

/// What one series reads at one instant, in stored units.
pub type Reading = [i64; METRICS];

/// What a series is called in the store.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SeriesKey {
    kind: &'static str,
    vhost: String,
    name: String,
}

impl SeriesKey {
    fn of(series: &SeriesRef) -> SeriesKey {
        match series {
            SeriesRef::Queue { vhost, name } => SeriesKey { kind: "queue", vhost: vhost.clone(), name: name.clone() },
            SeriesRef::Vhost(vhost) => SeriesKey { kind: "vhost", vhost: vhost.clone(), name: String::new() },
            SeriesRef::Cluster => SeriesKey { kind: "cluster", vhost: String::new(), name: String::new() },
        }
    }
}

/// The running minute of one cluster: each series' min, max and last of each metric so far.
struct Minute {
    minute: i64,
    spans: HashMap<i64, [[i64; 3]; METRICS]>,
}

/// What the recorder keeps in memory per cluster: series ids and the running minute.
#[derive(Default)]
struct ClusterState {
    ids: HashMap<SeriesKey, i64>,
    minute: Option<Minute>,
    loaded: bool,
}

/// Backlogs at the start of a range, by (cluster, range), with the start they were read at.
type Starts = HashMap<(String, &'static str), (i64, Arc<Backlogs>)>;

pub struct History {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    config: HistoryConfig,
    clusters: Mutex<HashMap<String, Arc<Mutex<ClusterState>>>>,
    /// The last `backlogs_at_start` of each cluster and range, with the start it was read at.
    starts: Mutex<Starts>,
}

/// Each queue's backlog (ready + unacked), by vhost and name.
pub type Backlogs = HashMap<(String, String), f64>;

/// `writer`: the first connection, which sets the file up.
fn open_connection(path: &Path, writer: bool) -> rusqlite::Result<Connection> {
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
        }))
    }

    fn layers(&self, range: Range) -> Layers {
        if range.millis() <= self.config.fine_retention.as_millis() as i64 {
            Layers { chunks: &[(FINE, FINE_WINDOW_S)], frames: FINE, unit_ms: 1000 }
        } else {
            Layers { chunks: &[(DAY, DAY_WINDOW_MIN), (COARSE, COARSE_WINDOW_MIN)], frames: COARSE, unit_ms: 60_000 }
        }
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
        self.starts.lock().expect("history starts").insert(key, (at, backlogs.clone()));
        Ok(backlogs)
    }

    fn read_backlogs_at(&self, cluster: &str, range: Range, at: i64) -> Result<Backlogs, StoreError> {
        let mut conn = self.reader.lock().expect("history reader");
        let conn = conn.transaction()?;
        let layers = self.layers(range);
        let mut names: HashMap<i64, (String, String)> = HashMap::new();
        let mut statement =
            conn.prepare_cached("SELECT id, vhost, name FROM series WHERE cluster = ?1 AND kind = 'queue'")?;
        for row in statement.query_map(params![cluster], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))? {
            let (id, name) = row?;
            names.insert(id, name);
        }
        // The first point at or after the start: from the chunks of the window holding it or
        // the next one, else from the first frame after it (a window still open).
        let frame_tier = layers.frames;
        // Coarse points hold min, max, last per metric: ready's last is column 2, unacked's 5.
        let backlog_columns = if frame_tier == FINE { [0, 1] } else { [2, 5] };
        let mut first: HashMap<i64, (i64, f64)> = HashMap::new();
        let mut chunks =
            conn.prepare_cached("SELECT series, data FROM chunks WHERE tier = ?1 AND start IN (?2, ?3)")?;
        for &(tier, window) in layers.chunks {
            let start = at - at.rem_euclid(window);
            let rows = chunks.query_map(params![tier, start, start + window], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                let (series, data): (i64, Vec<u8>) = row?;
                if !names.contains_key(&series) {
                    continue;
                }
                let (times, columns) = codec::decode_some(&data, columns_in(tier), &backlog_columns)?;
                if let Some(i) = times.iter().position(|t| *t >= at) {
                    let backlog = (columns[0][i] + columns[1][i]) as f64;
                    let entry = first.entry(series).or_insert((times[i], backlog));
                    if times[i] < entry.0 {
                        *entry = (times[i], backlog);
                    }
                }
            }
        }
        let frame: Option<Vec<u8>> = conn
            .query_row(
                "SELECT data FROM frames WHERE cluster = ?1 AND tier = ?2 AND ts >= ?3 ORDER BY ts LIMIT 1",
                params![cluster, frame_tier, at],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(data) = frame {
            let (ids, columns) = codec::decode_some(&data, columns_in(frame_tier), &backlog_columns)?;
            for (i, id) in ids.iter().enumerate() {
                first.entry(*id).or_insert((i64::MAX, (columns[0][i] + columns[1][i]) as f64));
            }
        }
        Ok(first.into_iter().filter_map(|(id, (_, backlog))| Some((names.get(&id)?.clone(), backlog))).collect())
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

/// Records each refresh of `feed` until `shutdown`. A refresh that arrives while the previous
/// one is still being written is skipped rather than queued: the store never falls behind.
pub async fn record_refreshes(feed: Arc<Feed>, history: Arc<History>, shutdown: CancellationToken) {
    let mut updates = feed.subscribe();
    let mut recorded: Option<SystemTime> = None;
    loop {
        tokio::select! {
            changed = updates.changed() => if changed.is_err() { return },
            _ = shutdown.cancelled() => return,
        }
        let (snapshot, taken_at) = {
            let state = updates.borrow_and_update();
            match (&state.snapshot, state.taken_at) {
                // Patches after a write change the snapshot but not `taken_at`: not a new sample.
                (Some(snapshot), Some((_, wall))) if recorded != Some(wall) => (snapshot.clone(), wall),
                _ => continue,
            }
        };
        recorded = Some(taken_at);
        let ts_ms = taken_at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let (history, cluster) = (history.clone(), feed.name().to_string());
        let written = tokio::task::spawn_blocking(move || {
            history.record_snapshot(&cluster, ts_ms, &snapshot)?;
            history.maintain(&cluster, ts_ms)
        })
        .await;
        match written {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::error!(cluster = feed.name(), %error, "recording history failed"),
            Err(error) => tracing::error!(cluster = feed.name(), %error, "history task failed"),
        }
    }
}

/// Every queue, each vhost's totals and the cluster's totals, in stored units.
pub fn readings(snapshot: &Snapshot) -> Vec<(SeriesRef, Reading)> {
    let mut out = Vec::with_capacity(snapshot.queues.len() + snapshot.vhosts.len() + 1);
    let mut vhosts: BTreeMap<&str, Reading> = BTreeMap::new();
    let mut cluster = [0; METRICS];
    for q in &snapshot.queues {
        let r = &q.row;
        let rate = |v: f64| (v * RATE_SCALE).round() as i64;
        let reading =
            [r.ready as i64, r.unacked as i64, rate(r.incoming_rate), rate(r.deliver_rate), r.consumers as i64];
        let totals = vhosts.entry(&r.vhost).or_insert([0; METRICS]);
        for m in 0..METRICS {
            totals[m] += reading[m];
            cluster[m] += reading[m];
        }
        out.push((SeriesRef::Queue { vhost: r.vhost.clone(), name: r.name.clone() }, reading));
    }
    for vhost in &snapshot.vhosts {
        let totals = vhosts.get(vhost.as_str()).copied().unwrap_or([0; METRICS]);
        out.push((SeriesRef::Vhost(vhost.clone()), totals));
    }
    out.push((SeriesRef::Cluster, cluster));
    out
}

fn load_state(tx: &Transaction, cluster: &str, state: &mut ClusterState) -> rusqlite::Result<()> {
    let mut statement = tx.prepare("SELECT id, kind, vhost, name FROM series WHERE cluster = ?1")?;
    let rows = statement.query_map(params![cluster], |r| {
        let kind: String = r.get(1)?;
        Ok((r.get::<_, i64>(0)?, kind, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    for row in rows {
        let (id, kind, vhost, name) = row?;
        let kind = match kind.as_str() {
            "queue" => "queue",
            "vhost" => "vhost",
            _ => "cluster",
        };
        state.ids.insert(SeriesKey { kind, vhost, name }, id);
    }
    // After a restart, the running minute is rebuilt from the fine frames not yet in a coarse one.
    let last_coarse: Option<i64> =
        tx.query_row("SELECT max(ts) FROM frames WHERE cluster = ?1 AND tier = ?2", params![cluster, COARSE], |r| {
            r.get(0)
        })?;
    let last_fine: Option<i64> =
        tx.query_row("SELECT max(ts) FROM frames WHERE cluster = ?1 AND tier = ?2", params![cluster, FINE], |r| {
            r.get(0)
        })?;
    if let Some(last_fine) = last_fine {
        let minute = last_fine.div_euclid(60);
        if last_coarse.is_none_or(|c| c < minute) {
            let mut running = Minute { minute, spans: HashMap::new() };
            let mut frames =
                tx.prepare("SELECT data FROM frames WHERE cluster = ?1 AND tier = ?2 AND ts >= ?3 ORDER BY ts")?;
            let rows = frames.query_map(params![cluster, FINE, minute * 60], |r| r.get::<_, Vec<u8>>(0))?;
            for data in rows {
                let (ids, columns) = codec::decode(&data?, METRICS).map_err(to_sql)?;
                let frame: Vec<(i64, Reading)> =
                    ids.iter().enumerate().map(|(i, id)| (*id, std::array::from_fn(|m| columns[m][i]))).collect();
                fold(&mut running, &frame);
            }
            state.minute = Some(running);
        }
    }
    state.loaded = true;
    Ok(())
}

fn series_id(tx: &Transaction, cluster: &str, key: &SeriesKey) -> rusqlite::Result<i64> {
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

fn find_series(conn: &Connection, cluster: &str, key: &SeriesKey) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM series WHERE cluster = ?1 AND kind = ?2 AND vhost = ?3 AND name = ?4")?
        .query_row(params![cluster, key.kind, key.vhost, key.name], |r| r.get(0))
        .optional()
}

fn fold(running: &mut Minute, frame: &[(i64, Reading)]) {
    for (id, reading) in frame {
        let spans = running.spans.entry(*id).or_insert_with(|| std::array::from_fn(|m| [reading[m]; 3]));
        for m in 0..METRICS {
            let [min, max, last] = &mut spans[m];
            *min = (*min).min(reading[m]);
            *max = (*max).max(reading[m]);
            *last = reading[m];
        }
    }
}

fn write_coarse_frame(tx: &Transaction, cluster: &str, running: &Minute) -> Result<(), StoreError> {
    let mut ids: Vec<i64> = running.spans.keys().copied().collect();
    ids.sort_unstable();
    let columns: Vec<Vec<i64>> =
        (0..METRICS * 3).map(|c| ids.iter().map(|id| running.spans[id][c / 3][c % 3]).collect()).collect();
    tx.execute(
        "INSERT OR REPLACE INTO frames (cluster, tier, ts, data) VALUES (?1, ?2, ?3, ?4)",
        params![cluster, COARSE, running.minute, codec::encode(&ids, &columns)?],
    )?;
    Ok(())
}

/// One series' samples in a window: times, and one column per stored value.
type Columns = (Vec<i64>, Vec<Vec<i64>>);

/// Turns the frames of `cluster` in `tier` from before `before` into one chunk per series and
/// window, merging with a chunk already there (frames that arrived after their window closed).
fn seal(tx: &Transaction, cluster: &str, tier: i64, before: i64, window: i64) -> Result<(), StoreError> {
    let frames: Vec<(i64, Vec<u8>)> = {
        let mut statement =
            tx.prepare_cached("SELECT ts, data FROM frames WHERE cluster = ?1 AND tier = ?2 AND ts < ?3 ORDER BY ts")?;
        let rows = statement.query_map(params![cluster, tier, before], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if frames.is_empty() {
        return Ok(());
    }
    let mut windows: BTreeMap<i64, HashMap<i64, Columns>> = BTreeMap::new();
    for (ts, data) in &frames {
        let (ids, columns) = codec::decode(data, columns_in(tier))?;
        let series = windows.entry(ts - ts.rem_euclid(window)).or_default();
        for (i, id) in ids.iter().enumerate() {
            let (times, values) = series.entry(*id).or_insert_with(|| (Vec::new(), vec![Vec::new(); columns.len()]));
            times.push(*ts);
            for (c, column) in columns.iter().enumerate() {
                values[c].push(column[i]);
            }
        }
    }
    let mut existing = tx.prepare_cached("SELECT series, data FROM chunks WHERE tier = ?1 AND start = ?2")?;
    let mut insert =
        tx.prepare_cached("INSERT OR REPLACE INTO chunks (tier, start, series, data) VALUES (?1, ?2, ?3, ?4)")?;
    for (start, mut series) in windows {
        let rows = existing.query_map(params![tier, start], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let earlier: Vec<(i64, Vec<u8>)> = rows.collect::<rusqlite::Result<_>>()?;
        let wanted: HashSet<i64> = series.keys().copied().collect();
        for (id, data) in earlier.into_iter().filter(|(id, _)| wanted.contains(id)) {
            let (old_times, old_columns) = codec::decode(&data, columns_in(tier))?;
            let (times, columns) = series.get_mut(&id).expect("wanted series");
            *times = [old_times, std::mem::take(times)].concat();
            for (column, old) in columns.iter_mut().zip(old_columns) {
                *column = [old, std::mem::take(column)].concat();
            }
        }
        for (id, (times, columns)) in series {
            insert.execute(params![tier, start, id, codec::encode(&times, &columns)?])?;
        }
    }
    tx.execute("DELETE FROM frames WHERE cluster = ?1 AND tier = ?2 AND ts < ?3", params![cluster, tier, before])?;
    Ok(())
}

/// Where a range's points are: chunk tiers with their windows (longest first) and the tier
/// whose frames hold the open window, all in one time unit.
struct Layers {
    chunks: &'static [(i64, i64)],
    frames: i64,
    unit_ms: i64,
}

/// A series' points from `from` to `to` (in the layers' unit): closed windows from chunks, the
/// open one from frames. Every layer is looked up over the whole range: an hour sealed after its
/// day was merged stays hourly until the next merge, and no minute is in two places at once.
fn read_layers(
    conn: &Connection,
    cluster: &str,
    id: i64,
    layers: &Layers,
    from: i64,
    to: i64,
) -> Result<Vec<HistoryPoint>, StoreError> {
    let mut points = Vec::new();
    let mut chunk = conn.prepare_cached("SELECT data FROM chunks WHERE tier = ?1 AND start = ?2 AND series = ?3")?;
    for &(tier, window) in layers.chunks {
        let mut start = from - from.rem_euclid(window);
        while start <= to {
            let data: Option<Vec<u8>> = chunk.query_row(params![tier, start, id], |r| r.get(0)).optional()?;
            if let Some(data) = data {
                let (times, columns) = codec::decode(&data, columns_in(tier))?;
                for (i, ts) in times.iter().enumerate().filter(|(_, ts)| **ts >= from) {
                    points.push(point(tier, *ts * layers.unit_ms, &columns, i));
                }
            }
            start += window;
        }
    }
    let mut frames =
        conn.prepare_cached("SELECT ts, data FROM frames WHERE cluster = ?1 AND tier = ?2 AND ts >= ?3 ORDER BY ts")?;
    let rows = frames
        .query_map(params![cluster, layers.frames, from], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    for row in rows {
        let (ts, data) = row?;
        let (ids, columns) = codec::decode(&data, columns_in(layers.frames))?;
        if let Ok(i) = ids.binary_search(&id) {
            points.push(point(layers.frames, ts * layers.unit_ms, &columns, i));
        }
    }
    // A coarse point is stamped with the end of its minute.
    if layers.frames != FINE {
        for p in &mut points {
            p.ts_ms += 60_000;
        }
    }
    points.sort_by_key(|p| p.ts_ms);
    Ok(points)
}

fn point(tier: i64, ts_ms: i64, columns: &[Vec<i64>], i: usize) -> HistoryPoint {
    let span = |m: usize| -> Span {
        let scale = if m == 2 || m == 3 { RATE_SCALE } else { 1.0 };
        if tier == FINE {
            Span::of(columns[m][i] as f64 / scale)
        } else {
            let [min, max, last] = [0, 1, 2].map(|k| columns[m * 3 + k][i] as f64 / scale);
            Span { min, max, last }
        }
    };
    HistoryPoint {
        ts_ms,
        ready: span(0),
        unacked: span(1),
        publish_rate: span(2),
        deliver_rate: span(3),
        consumers: span(4),
    }
}

/// Merges points into steps of `step_ms` (0: keep every point), keeping min, max and last.
fn merge_steps(points: Vec<HistoryPoint>, step_ms: i64) -> Vec<HistoryPoint> {
    if step_ms == 0 {
        return points;
    }
    let mut merged: Vec<(i64, HistoryPoint)> = Vec::new();
    for p in points {
        let bucket = (p.ts_ms - 1).div_euclid(step_ms);
        match merged.last_mut() {
            Some((b, acc)) if *b == bucket => *acc = acc.then(p),
            _ => merged.push((bucket, p)),
        }
    }
    merged.into_iter().map(|(_, p)| p).collect()
}

/// Merges the hourly chunks of the oldest finished day into one chunk per series, for the next
/// `MERGE_BATCH` series ids. `sealed_before`: the start of the hour still open.
fn merge_day(tx: &Connection, sealed_before: i64) -> Result<(), StoreError> {
    let oldest: Option<i64> = tx.query_row("SELECT min(start) FROM chunks WHERE tier = ?1", [COARSE], |r| r.get(0))?;
    let Some(oldest) = oldest else {
        return Ok(());
    };
    let day = oldest - oldest.rem_euclid(DAY_WINDOW_MIN);
    if day + DAY_WINDOW_MIN > sealed_before {
        return Ok(());
    }
    let hours: Vec<i64> = (day..day + DAY_WINDOW_MIN).step_by(COARSE_WINDOW_MIN as usize).collect();
    // The lowest series id left in the day: each hour's first key, so no scan of the whole day.
    let mut first_in_hour = tx.prepare_cached("SELECT min(series) FROM chunks WHERE tier = ?1 AND start = ?2")?;
    let mut lowest = i64::MAX;
    for hour in &hours {
        let first: Option<i64> = first_in_hour.query_row(params![COARSE, hour], |r| r.get(0))?;
        lowest = lowest.min(first.unwrap_or(i64::MAX));
    }
    let batch = (lowest, lowest.saturating_add(MERGE_BATCH));
    let mut select = tx.prepare_cached(
        "SELECT series, data FROM chunks WHERE tier = ?1 AND start = ?2 AND series >= ?3 AND series < ?4",
    )?;
    let mut merged: BTreeMap<i64, Columns> = BTreeMap::new();
    // A day merged before holds what came first; an hour sealed after it is merged into it.
    for (tier, start) in std::iter::once((DAY, day)).chain(hours.iter().map(|hour| (COARSE, *hour))) {
        let rows = select.query_map(params![tier, start, batch.0, batch.1], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            let (series, data): (i64, Vec<u8>) = row?;
            // An unreadable chunk is lost already; it must not hold up every later day.
            let (times, columns) = match codec::decode(&data, columns_in(tier)) {
                Ok(decoded) => decoded,
                Err(error) => {
                    tracing::error!(%error, series, start, "dropping an unreadable history chunk");
                    continue;
                }
            };
            let (day_times, day_columns) =
                merged.entry(series).or_insert_with(|| (Vec::new(), vec![Vec::new(); columns.len()]));
            day_times.extend(times);
            for (day_column, column) in day_columns.iter_mut().zip(columns) {
                day_column.extend(column);
            }
        }
    }
    let mut insert =
        tx.prepare_cached("INSERT OR REPLACE INTO chunks (tier, start, series, data) VALUES (?1, ?2, ?3, ?4)")?;
    for (series, columns) in merged {
        let (times, columns) = sorted_by_time(columns);
        insert.execute(params![DAY, day, series, codec::encode(&times, &columns)?])?;
    }
    let mut delete =
        tx.prepare_cached("DELETE FROM chunks WHERE tier = ?1 AND start = ?2 AND series >= ?3 AND series < ?4")?;
    for hour in hours {
        delete.execute(params![COARSE, hour, batch.0, batch.1])?;
    }
    Ok(())
}

fn sorted_by_time((times, columns): Columns) -> Columns {
    if times.is_sorted() {
        return (times, columns);
    }
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by_key(|i| times[*i]);
    let reorder = |values: &[i64]| order.iter().map(|i| values[*i]).collect();
    (reorder(&times), columns.iter().map(|c| reorder(c)).collect())
}

fn to_sql(e: StoreError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
}

/// Chunks and frames on disk. A blob's first byte says how the rest is stored; new blobs are
/// `REGULAR` or `SEGMENTS`, the others are read for stores written by earlier versions.
mod codec {
    use crate::store::StoreError;

    /// Every segment (the keys, then each column) a first value and one repeated step, as
    /// varints after the length: an idle queue's window in a few dozen bytes.
    const REGULAR: u8 = b'r';
    /// Each segment on its own after the length: `REGULAR` and a first value and step, or
    /// `PCO` and a pcodec array after its byte length. pcodec picks the delta order per segment
    /// (none for noisy rates, one for a growing backlog), and a reader skips what it does not need.
    const SEGMENTS: u8 = b's';
    /// One pcodec array of `[n, segment deltas..]` (before `SEGMENTS`).
    const PCO: u8 = b'p';
    /// More values than any real frame holds (a million series of 16 values): a damaged
    /// length must not turn into a huge allocation.
    const MAX_VALUES: usize = 1 << 24;

    /// Keys (times or series ids) and columns of the same length.
    pub fn encode(keys: &[i64], columns: &[Vec<i64>]) -> Result<Vec<u8>, StoreError> {
        let n = keys.len();
        let segments: Vec<&[i64]> = std::iter::once(keys).chain(columns.iter().map(Vec::as_slice)).collect();
        debug_assert!(segments.iter().all(|s| s.len() == n));
        let steps: Vec<Option<i64>> = segments.iter().map(|s| regular_step(s)).collect();
        let all_regular = steps.iter().all(Option::is_some);
        let mut out = vec![if all_regular { REGULAR } else { SEGMENTS }];
        put_varint(&mut out, n as i64);
        for (segment, step) in segments.iter().zip(steps) {
            match step {
                Some(step) => {
                    if !all_regular {
                        out.push(REGULAR);
                    }
                    put_varint(&mut out, segment.first().copied().unwrap_or(0));
                    put_varint(&mut out, step);
                }
                None => {
                    let packed = pco::standalone::simple_compress(segment, &pco::ChunkConfig::default())
                        .map_err(|e| StoreError::Corrupt(format!("compressing history: {e}")))?;
                    out.push(PCO);
                    put_varint(&mut out, packed.len() as i64);
                    out.extend(packed);
                }
            }
        }
        Ok(out)
    }

    /// The step between every two neighbours, if there is one (0 for fewer than two values).
    fn regular_step(segment: &[i64]) -> Option<i64> {
        let step = match segment {
            [first, second, ..] => second.wrapping_sub(*first),
            _ => 0,
        };
        segment.windows(2).all(|w| w[1].wrapping_sub(w[0]) == step).then_some(step)
    }

    /// Reads a blob of `columns` columns besides the keys.
    pub fn decode(data: &[u8], columns: usize) -> Result<(Vec<i64>, Vec<Vec<i64>>), StoreError> {
        let all: Vec<usize> = (0..columns).collect();
        decode_some(data, columns, &all)
    }

    /// Reads the keys and the `wanted` columns (in that order) of a blob of `columns` columns.
    pub fn decode_some(data: &[u8], columns: usize, wanted: &[usize]) -> Result<(Vec<i64>, Vec<Vec<i64>>), StoreError> {
        let corrupt = || StoreError::Corrupt("a history chunk of the wrong shape".into());
        let segments = columns + 1;
        let mut out: Vec<Option<Vec<i64>>> = vec![None; segments];
        match data.split_first() {
            Some((&kind @ (REGULAR | SEGMENTS), mut rest)) => {
                let n = take_varint(&mut rest).ok_or_else(corrupt)?;
                let n =
                    usize::try_from(n).ok().filter(|n| n.saturating_mul(segments) <= MAX_VALUES).ok_or_else(corrupt)?;
                for (s, slot) in out.iter_mut().enumerate() {
                    let needed = s == 0 || wanted.contains(&(s - 1));
                    let tag = if kind == REGULAR { REGULAR } else { take_byte(&mut rest).ok_or_else(corrupt)? };
                    let values = match tag {
                        REGULAR => {
                            let first = take_varint(&mut rest).ok_or_else(corrupt)?;
                            let step = take_varint(&mut rest).ok_or_else(corrupt)?;
                            let mut value = first;
                            needed.then(|| {
                                (0..n)
                                    .map(|i| {
                                        if i > 0 {
                                            value = value.wrapping_add(step);
                                        }
                                        value
                                    })
                                    .collect()
                            })
                        }
                        PCO => {
                            let len =
                                take_varint(&mut rest).and_then(|l| usize::try_from(l).ok()).ok_or_else(corrupt)?;
                            let (packed, after) = rest.split_at_checked(len).ok_or_else(corrupt)?;
                            rest = after;
                            if needed {
                                let values = pco_values(packed)?;
                                if values.len() != n {
                                    return Err(corrupt());
                                }
                                Some(values)
                            } else {
                                None
                            }
                        }
                        _ => return Err(corrupt()),
                    };
                    *slot = values;
                }
                if !rest.is_empty() {
                    return Err(corrupt());
                }
            }
            // Earlier versions: one pcodec array, with per-segment deltas (`PCO`) or without
            // (a bare array, which starts with pcodec's own magic bytes).
            _ if data.starts_with(b"pco!") => out = legacy(pco_values(data)?, segments, false).ok_or_else(corrupt)?,
            Some((&PCO, rest)) => out = legacy(pco_values(rest)?, segments, true).ok_or_else(corrupt)?,
            _ => return Err(corrupt()),
        }
        let keys = out[0].take().ok_or_else(corrupt)?;
        let columns = wanted.iter().map(|c| out.get_mut(c + 1).and_then(Option::take).ok_or_else(corrupt));
        Ok((keys, columns.collect::<Result<_, _>>()?))
    }

    fn pco_values(packed: &[u8]) -> Result<Vec<i64>, StoreError> {
        pco::standalone::simple_decompress(packed).map_err(|e| StoreError::Corrupt(format!("reading history: {e}")))
    }

    /// Splits `[n, segment..]` into its segments, summing the deltas back if they are deltas.
    fn legacy(flat: Vec<i64>, segments: usize, deltas: bool) -> Option<Vec<Option<Vec<i64>>>> {
        let n = usize::try_from(flat.first().copied().unwrap_or(0)).ok()?;
        if n == 0 {
            return Some(vec![Some(Vec::new()); segments]);
        }
        if n.checked_mul(segments)?.checked_add(1)? != flat.len() {
            return None;
        }
        let split = flat[1..].chunks(n).map(|stored| {
            let mut value = 0i64;
            let values = stored.iter().map(|d| {
                value = if deltas { value.wrapping_add(*d) } else { *d };
                value
            });
            Some(values.collect())
        });
        Some(split.collect())
    }

    fn take_byte(input: &mut &[u8]) -> Option<u8> {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        Some(byte)
    }

    /// Zigzag LEB128, as protobuf writes signed integers.
    fn put_varint(out: &mut Vec<u8>, value: i64) {
        let mut v = ((value << 1) ^ (value >> 63)) as u64;
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn take_varint(input: &mut &[u8]) -> Option<i64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = take_byte(input)?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(((v >> 1) as i64) ^ -((v & 1) as i64));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(name: &str) -> SeriesRef {
        SeriesRef::Queue { vhost: "/".into(), name: name.into() }
    }

    const T0: i64 = 1_800_000_000_000; // a whole hour

    /// What the recorder does with each refresh.
    fn sample(history: &History, ts_ms: i64, readings: Vec<(SeriesRef, Reading)>) {
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
        assert_eq!(start[&("/".to_string(), "a".to_string())], 24.0 + 1.0);
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

    #[test]
    fn a_finished_day_is_merged_into_one_chunk_per_series() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::open(dir.path(), HistoryConfig::default()).unwrap();
        // One sample a minute from 08:00 to 10:30 the next day (T0 is 08:00).
        let minutes = 26 * 60 + 30;
        let ready = |i: i64| (i * 7) % 1000;
        for i in 0..minutes {
            let readings = (0..3).map(|q| (queue(&format!("q{q}")), [ready(i) + q, q, 100 * i, 0, 1])).collect();
            sample(&history, T0 + i * 60_000, readings);
        }
        let tier_count = |tier: i64| -> i64 {
            let conn = history.reader.lock().unwrap();
            conn.query_row("SELECT count(*) FROM chunks WHERE tier = ?1", [tier], |r| r.get(0)).unwrap()
        };
        // Three queues, one day chunk each.
        assert_eq!(tier_count(DAY), 3);
        assert_eq!(tier_count(COARSE), 10 * 3, "only today's ten closed hours are still hourly");
        let now = T0 + (minutes - 1) * 60_000;
        let day = history.read("c", &queue("q2"), Range::Day, now).unwrap();
        // Two-minute steps over the day, from yesterday's merged chunk, today's hours and frames.
        assert!((715..=721).contains(&day.len()), "{} points", day.len());
        // (The first and the last step may be partial ones.)
        let inner = &day[1..day.len() - 1];
        let steps: Vec<i64> = inner.windows(2).map(|w| w[1].ts_ms - w[0].ts_ms).filter(|d| *d != 120_000).collect();
        assert!(steps.is_empty(), "no gaps or repeats at midnight: {steps:?}");
        let last = day.last().unwrap();
        assert_eq!(last.ready.last, (ready(minutes - 2) + 2) as f64);
        let first_i = minutes - 1 - 24 * 60;
        let start = history.backlogs_at_start("c", Range::Day, now).unwrap();
        assert_eq!(start[&("/".to_string(), "q1".to_string())], (ready(first_i) + 1 + 1) as f64);
    }

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

    #[test]
    fn rates_keep_three_significant_digits() {
        assert_eq!(
            [0, 7, 999, 1_234, 12_345, 99_960, -1_234].map(round_rate),
            [0, 7, 999, 1_230, 12_300, 100_000, -1_230]
        );
        // The extremes (a saturated `f64 as i64`) round without overflowing.
        assert_eq!(round_rate(i64::MAX), 9_220_000_000_000_000_000);
        assert_eq!(round_rate(i64::MIN), -9_220_000_000_000_000_000);
    }

    #[test]
    fn idle_series_cost_almost_nothing() {
        let times: Vec<i64> = (0..60).map(|i| 1_800_000_000 + i * 5).collect();
        let columns = vec![vec![7i64; 60], vec![0; 60], vec![-3; 60], vec![i64::MAX; 60], vec![i64::MIN; 60]];
        let data = codec::encode(&times, &columns).unwrap();
        assert!(data.len() < 40, "{} bytes for 60 samples of 5 metrics", data.len());
        assert_eq!(codec::decode(&data, METRICS).unwrap(), (times.clone(), columns.clone()));
        // One change anywhere and that column is a pcodec array, still read back exactly, also
        // on its own.
        let mut busy = columns;
        busy[0][30] = 8;
        let data = codec::encode(&times, &busy).unwrap();
        assert!(data.len() < 80, "{} bytes with one busy column", data.len());
        assert_eq!(codec::decode(&data, METRICS).unwrap(), (times.clone(), busy.clone()));
        assert_eq!(
            codec::decode_some(&data, METRICS, &[3, 0]).unwrap(),
            (times.clone(), vec![busy[3].clone(), busy[0].clone()])
        );
        // Damaged blobs are errors, never panics or huge allocations.
        let mut huge = vec![b'r'];
        huge.extend([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        huge.extend([0; 12]);
        for bad in [&b"r\x7f"[..], b"x", b"", &huge, &data[..data.len() / 2]] {
            assert!(codec::decode(bad, METRICS).is_err(), "{bad:?}");
        }
        assert!(codec::decode(&data, 3 * METRICS).is_err(), "a fine chunk read as a coarse one");
        // Written before the per-segment deltas (a bare pcodec array): still readable.
        let flat: Vec<i64> = [vec![60], times.clone(), busy.concat()].concat();
        let legacy = pco::standalone::simple_compress(&flat, &pco::ChunkConfig::default()).unwrap();
        assert_eq!(codec::decode(&legacy, METRICS).unwrap(), (times.clone(), busy.clone()));
        // Written with per-segment deltas in one pcodec array: still readable.
        let deltas =
            |s: &[i64]| -> Vec<i64> { s.iter().scan(0, |prev, v| Some(v - std::mem::replace(prev, *v))).collect() };
        let flat: Vec<i64> = [vec![60], deltas(&times), busy.iter().flat_map(|c| deltas(c)).collect()].concat();
        let config = pco::ChunkConfig::default().with_delta_spec(pco::DeltaSpec::NoOp);
        let legacy = [&b"p"[..], &pco::standalone::simple_compress(&flat, &config).unwrap()].concat();
        assert_eq!(codec::decode(&legacy, METRICS).unwrap(), (times, busy));
    }
}
