//! The tiers behind the frames: the running minute folded into a coarse frame, closed windows
//! sealed into chunks, and a finished day's hourly chunks merged into one.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{params, Connection, Transaction};

use super::{codec, columns_in, Reading, COARSE, COARSE_WINDOW_MIN, DAY, DAY_WINDOW_MIN, METRICS};
use crate::store::StoreError;

/// Series ids whose day is merged per `maintain` call. A series' day is 23,040 values (180 KiB
/// decoded), so 100 of them keep the merge under 40 MB; 10,000 queues merge in 100 refreshes.
const MERGE_BATCH: i64 = 100;

/// The running minute of one cluster: each series' min, max and last of each metric so far.
pub(super) struct Minute {
    pub(super) minute: i64,
    pub(super) spans: HashMap<i64, [[i64; 3]; METRICS]>,
}

pub(super) fn fold(running: &mut Minute, frame: &[(i64, Reading)]) {
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

pub(super) fn write_coarse_frame(tx: &Transaction, cluster: &str, running: &Minute) -> Result<(), StoreError> {
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
pub(super) fn seal(tx: &Transaction, cluster: &str, tier: i64, before: i64, window: i64) -> Result<(), StoreError> {
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

/// Merges the hourly chunks of the oldest finished day into one chunk per series, for the next
/// `MERGE_BATCH` series ids. `sealed_before`: the start of the hour still open.
pub(super) fn merge_day(tx: &Connection, sealed_before: i64) -> Result<(), StoreError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::timeseries::HistoryConfig;
    use crate::store::timeseries::tests::{queue, sample, T0};
    use crate::store::timeseries::History;
    use domain::backlog::Range;

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
        assert_eq!(start[&("/".to_string(), "q1".to_string())].backlog, (ready(first_i) + 1 + 1) as f64);
    }
}
