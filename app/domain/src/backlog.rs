//! Backlog history as the pages see it: the chart ranges, the points of one series, the queues
//! that grew most, and the forecast drawn from them. The server records and keeps the history
//! (`server::history`); this part is shared so the browser can redraw and re-forecast as live
//! points arrive.

use serde::{Deserialize, Serialize};

/// The ranges a history chart offers. Each reads the finest tier that covers it and asks for at
/// most a few hundred points, so a 7-day chart costs the browser what a 10-minute one does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Range {
    #[default]
    TenMinutes,
    Hour,
    EightHours,
    Day,
    Week,
}

impl Range {
    pub const ALL: [Range; 5] = [Range::TenMinutes, Range::Hour, Range::EightHours, Range::Day, Range::Week];

    /// As it appears in URLs (`?range=8h`) and on the range buttons.
    pub fn as_str(self) -> &'static str {
        match self {
            Range::TenMinutes => "10m",
            Range::Hour => "1h",
            Range::EightHours => "8h",
            Range::Day => "24h",
            Range::Week => "7d",
        }
    }

    pub fn parse(text: &str) -> Option<Range> {
        Range::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn millis(self) -> i64 {
        const MINUTE: i64 = 60_000;
        match self {
            Range::TenMinutes => 10 * MINUTE,
            Range::Hour => 60 * MINUTE,
            Range::EightHours => 8 * 60 * MINUTE,
            Range::Day => 24 * 60 * MINUTE,
            Range::Week => 7 * 24 * 60 * MINUTE,
        }
    }

    /// Spacing of the points sent: every sample up to an hour, then minutes merged so that
    /// no chart has more than about 700 points.
    pub fn step_ms(self) -> i64 {
        match self {
            Range::TenMinutes | Range::Hour => 0,
            Range::EightHours => 60_000,
            Range::Day => 120_000,
            Range::Week => 900_000,
        }
    }
}

/// What a history series belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SeriesRef {
    Queue {
        vhost: String,
        name: String,
    },
    Vhost(String),
    /// The whole cluster's totals.
    Cluster,
}

/// A value over one point's time span: a spike inside a coarse point stays visible as its max.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub min: f64,
    pub max: f64,
    pub last: f64,
}

impl Span {
    pub fn of(value: f64) -> Span {
        Span { min: value, max: value, last: value }
    }

    /// This span followed by `later`.
    pub fn then(self, later: Span) -> Span {
        Span { min: self.min.min(later.min), max: self.max.max(later.max), last: later.last }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// The end of the point's span (its last sample), in ms since the epoch.
    pub ts_ms: i64,
    pub ready: Span,
    pub unacked: Span,
    /// Messages per second.
    pub publish_rate: Span,
    pub deliver_rate: Span,
    pub consumers: Span,
}

impl HistoryPoint {
    pub fn then(self, later: HistoryPoint) -> HistoryPoint {
        HistoryPoint {
            ts_ms: later.ts_ms,
            ready: self.ready.then(later.ready),
            unacked: self.unacked.then(later.unacked),
            publish_rate: self.publish_rate.then(later.publish_rate),
            deliver_rate: self.deliver_rate.then(later.deliver_rate),
            consumers: self.consumers.then(later.consumers),
        }
    }

    pub fn backlog(&self) -> f64 {
        self.ready.last + self.unacked.last
    }
}

/// Where a chart's points came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// Warren's own store.
    #[default]
    Warren,
    /// The Prometheus configured for the cluster.
    Prometheus,
    /// Prometheus is configured but did not answer: Warren's own store stands in.
    WarrenInsteadOfPrometheus,
}

/// One series over a range, oldest point first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub range: Range,
    pub source: Source,
    pub points: Vec<HistoryPoint>,
    /// For a queue: where its backlog is heading (from the last minutes, whatever the range).
    pub forecast: Option<Forecast>,
}

/// A queue whose backlog grew over a range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Growth {
    pub vhost: String,
    pub name: String,
    /// Ready + unacked at the start of the range (0 for a queue that is newer than the range).
    pub from: f64,
    pub to: f64,
}

impl Growth {
    pub fn grown(&self) -> f64 {
        self.to - self.from
    }
}

/// Where a queue's backlog is heading at its current net rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outlook {
    /// Less than one message a minute either way.
    Steady,
    /// Seconds until the backlog reaches zero.
    EmptiesIn(f64),
    /// Seconds until the queue reaches its `max-length`, and that length.
    FullIn(f64, u64),
    /// Growing, with no length limit to reach.
    Growing,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Backlog change per second (positive: growing), fitted over the recent samples.
    pub net_rate: f64,
    pub outlook: Outlook,
}

/// How far back the forecast looks: long enough to smooth out one noisy sample, short enough to
/// follow a change of pace within minutes.
pub const FORECAST_WINDOW_MS: i64 = 5 * 60_000;

/// The net rate is the least-squares slope of the backlog over the last `FORECAST_WINDOW_MS`
/// (the broker's own rates are per-operation and miss expiry, dead-lettering and purges);
/// `None` with fewer than three points in that window.
pub fn forecast(points: &[HistoryPoint], max_length: Option<u64>) -> Option<Forecast> {
    let newest = points.last()?;
    let recent: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| newest.ts_ms - p.ts_ms <= FORECAST_WINDOW_MS)
        .map(|p| ((p.ts_ms - newest.ts_ms) as f64 / 1000.0, p.backlog()))
        .collect();
    if recent.len() < 3 {
        return None;
    }
    let n = recent.len() as f64;
    let (mean_t, mean_v) = (recent.iter().map(|p| p.0).sum::<f64>() / n, recent.iter().map(|p| p.1).sum::<f64>() / n);
    let spread: f64 = recent.iter().map(|(t, _)| (t - mean_t).powi(2)).sum();
    if spread == 0.0 {
        return None;
    }
    let net_rate = recent.iter().map(|(t, v)| (t - mean_t) * (v - mean_v)).sum::<f64>() / spread;
    let backlog = newest.backlog();
    let outlook = if net_rate.abs() < 1.0 / 60.0 {
        Outlook::Steady
    } else if net_rate < 0.0 {
        Outlook::EmptiesIn(backlog / -net_rate)
    } else {
        match max_length {
            // Only ready messages count towards max-length.
            Some(limit) => Outlook::FullIn(((limit as f64 - newest.ready.last) / net_rate).max(0.0), limit),
            None => Outlook::Growing,
        }
    };
    Some(Forecast { net_rate, outlook })
}

/// The index of the point nearest the time `at_ms`.
pub fn nearest(points: &[HistoryPoint], at_ms: i64) -> Option<usize> {
    (0..points.len()).min_by_key(|i| (points[*i].ts_ms - at_ms).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backlog(values: &[(i64, f64)]) -> Vec<HistoryPoint> {
        values
            .iter()
            .map(|(s, v)| HistoryPoint { ts_ms: s * 1000, ready: Span::of(*v), ..Default::default() })
            .collect()
    }

    #[test]
    fn ranges_round_trip_and_stay_small() {
        for range in Range::ALL {
            assert_eq!(Range::parse(range.as_str()), Some(range));
            let points = if range.step_ms() == 0 { range.millis() / 5000 } else { range.millis() / range.step_ms() };
            assert!(points <= 720, "{range:?}: {points} points");
        }
        assert_eq!(Range::parse("2w"), None);
    }

    #[test]
    fn the_pointer_finds_the_nearest_point() {
        let points = backlog(&[(0, 1.0), (10, 2.0), (100, 3.0)]);
        assert_eq!(nearest(&points, -50_000), Some(0));
        assert_eq!(nearest(&points, 8_000), Some(1));
        assert_eq!(nearest(&points, 90_000), Some(2));
        assert_eq!(nearest(&[], 0), None);
    }

    #[test]
    fn spans_keep_the_spike() {
        let spike = Span::of(5.0).then(Span::of(900.0)).then(Span::of(7.0));
        assert_eq!(spike, Span { min: 5.0, max: 900.0, last: 7.0 });
    }

    #[test]
    fn forecasts_from_the_recent_slope() {
        // Draining 10/s from 1000: empty in 100 s.
        let draining = backlog(&[(0, 1100.0), (5, 1050.0), (10, 1000.0)]);
        let f = forecast(&draining, None).unwrap();
        assert!((f.net_rate + 10.0).abs() < 1e-9);
        assert_eq!(f.outlook, Outlook::EmptiesIn(100.0));
        // Growing 2/s towards max-length 1000 from 900: full in 50 s.
        let growing = backlog(&[(0, 880.0), (5, 890.0), (10, 900.0)]);
        assert_eq!(forecast(&growing, Some(1000)).unwrap().outlook, Outlook::FullIn(50.0, 1000));
        assert_eq!(forecast(&growing, None).unwrap().outlook, Outlook::Growing);
        // Flat, or too few points.
        assert_eq!(forecast(&backlog(&[(0, 5.0), (5, 5.0), (10, 5.0)]), None).unwrap().outlook, Outlook::Steady);
        assert_eq!(forecast(&growing[1..], None), None);
        // Old points beyond the window do not count.
        let turned = backlog(&[(0, 0.0), (100, 10_000.0), (500, 10_000.0), (505, 9_990.0), (510, 9_980.0)]);
        assert!(forecast(&turned, None).unwrap().net_rate < 0.0);
    }
}
