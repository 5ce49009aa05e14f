//! The recorder: a task writing each refresh of a cluster into the store, the readings a
//! snapshot turns into, and the per-cluster state (series ids, running minute) it keeps.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use app::model::SnapshotPart;
use domain::backlog::SeriesRef;
use rusqlite::{params, Transaction};
use tokio_util::sync::CancellationToken;

use super::schema::SeriesKey;
use super::tiers::{fold, Minute};
use super::{codec, History, Reading, COARSE, FINE, METRICS, RATE_SCALE};
use crate::cluster::feed::Feed;
use crate::cluster::snapshot::Snapshot;
use crate::store::StoreError;

/// Rates keep this many significant digits: digits beyond are the broker's sampling noise, and
/// storing them would cost more than every other metric together.
const RATE_DIGITS: u32 = 3;

/// Rounds a rate (in hundredths) to `RATE_DIGITS` significant digits.
pub(super) fn round_rate(hundredths: i64) -> i64 {
    let digits = hundredths.unsigned_abs().checked_ilog10().map_or(0, |d| d + 1);
    if digits <= RATE_DIGITS {
        return hundredths;
    }
    let unit = 10i128.pow(digits - RATE_DIGITS);
    let rounded = (i128::from(hundredths) + unit / 2).div_euclid(unit) * unit;
    rounded.clamp(i64::MIN.into(), i64::MAX.into()) as i64
}

/// What the recorder keeps in memory per cluster: series ids and the running minute.
#[derive(Default)]
pub(super) struct ClusterState {
    pub(super) ids: HashMap<SeriesKey, i64>,
    pub(super) minute: Option<Minute>,
    pub(super) loaded: bool,
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
                // Queues kept from an earlier refresh are not a sample either: history gets a gap.
                (Some(snapshot), Some((_, wall)))
                    if recorded != Some(wall) && !snapshot.is_held(SnapshotPart::Queues) =>
                {
                    (snapshot.clone(), wall)
                }
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

pub(super) fn load_state(tx: &Transaction, cluster: &str, state: &mut ClusterState) -> rusqlite::Result<()> {
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

fn to_sql(e: StoreError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
