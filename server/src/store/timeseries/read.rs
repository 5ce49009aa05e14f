//! Reading windows back: which tiers a range reads, a series' points from chunks and frames,
//! merged to the range's step, and every queue's backlog at a range's start.

use std::collections::HashMap;

use domain::backlog::{HistoryPoint, Range, Span};
use rusqlite::{params, Connection, OptionalExtension};

use super::{
    codec, columns_in, Backlogs, History, Start, COARSE, COARSE_WINDOW_MIN, DAY, DAY_WINDOW_MIN, FINE, FINE_WINDOW_S,
    RATE_SCALE,
};
use crate::store::StoreError;

/// Where a range's points are: chunk tiers with their windows (longest first) and the tier
/// whose frames hold the open window, all in one time unit.
pub(super) struct Layers {
    pub(super) chunks: &'static [(i64, i64)],
    pub(super) frames: i64,
    pub(super) unit_ms: i64,
}

impl History {
    pub(super) fn layers(&self, range: Range) -> Layers {
        if range.millis() <= self.config.fine_retention.as_millis() as i64 {
            Layers { chunks: &[(FINE, FINE_WINDOW_S)], frames: FINE, unit_ms: 1000 }
        } else {
            Layers { chunks: &[(DAY, DAY_WINDOW_MIN), (COARSE, COARSE_WINDOW_MIN)], frames: COARSE, unit_ms: 60_000 }
        }
    }

    pub(super) fn read_backlogs_at(&self, cluster: &str, range: Range, at: i64) -> Result<Backlogs, StoreError> {
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
        let frame: Option<(i64, Vec<u8>)> = conn
            .query_row(
                "SELECT ts, data FROM frames WHERE cluster = ?1 AND tier = ?2 AND ts >= ?3 ORDER BY ts LIMIT 1",
                params![cluster, frame_tier, at],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((ts, data)) = frame {
            let (ids, columns) = codec::decode_some(&data, columns_in(frame_tier), &backlog_columns)?;
            for (i, id) in ids.iter().enumerate() {
                first.entry(*id).or_insert((ts, (columns[0][i] + columns[1][i]) as f64));
            }
        }
        let unit_ms = layers.unit_ms;
        Ok(first
            .into_iter()
            .filter_map(|(id, (at, backlog))| Some((names.get(&id)?.clone(), Start { backlog, at_ms: at * unit_ms })))
            .collect())
    }
}

/// A series' points from `from` to `to` (in the layers' unit): closed windows from chunks, the
/// open one from frames. Every layer is looked up over the whole range: an hour sealed after its
/// day was merged stays hourly until the next merge, and no minute is in two places at once.
pub(super) fn read_layers(
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
pub(super) fn merge_steps(points: Vec<HistoryPoint>, step_ms: i64) -> Vec<HistoryPoint> {
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
