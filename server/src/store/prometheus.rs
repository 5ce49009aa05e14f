//! Long history from Prometheus. A cluster with `[cluster.prometheus]` has its charts read the
//! broker's own metrics (the `rabbitmq_prometheus` plugin's `/metrics/detailed`, scraped by
//! Prometheus) through Prometheus' HTTP API, instead of Warren's embedded store. Written here
//! rather than with a client crate: two GET endpoints and one JSON shape are all it takes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use domain::backlog::{HistoryPoint, Range, SeriesRef, Span};
use futures_util::future::try_join_all;
use serde::Deserialize;

use crate::config::clusters::PrometheusConfig;
use crate::store::timeseries::{Backlogs, Start};

#[derive(Debug, thiserror::Error)]
pub enum PrometheusError {
    #[error("Prometheus at {url} is unreachable: {detail}")]
    Unreachable { url: String, detail: String },
    /// Prometheus answered with an error of its own (a bad query, an overloaded server).
    #[error("Prometheus refused the query: {0}")]
    Refused(String),
    #[error("Prometheus sent a reply Warren cannot read: {0}")]
    BadReply(String),
}

pub struct PrometheusSource {
    client: reqwest::Client,
    config: PrometheusConfig,
    /// Set when Prometheus last failed to answer: until then, do not ask.
    resting_until: Mutex<Option<Instant>>,
}

/// The metric families read, as `/metrics/detailed` names them.
const READY: &str = "rabbitmq_detailed_queue_messages_ready";
const UNACKED: &str = "rabbitmq_detailed_queue_messages_unacked";
const BACKLOG: &str = "rabbitmq_detailed_queue_messages";
const CONSUMERS: &str = "rabbitmq_detailed_queue_consumers";
/// Per channel and queue; published counts label the queue's vhost `queue_vhost`.
const PUBLISHED: &str = "rabbitmq_detailed_queue_messages_published_total";
/// Every way a message leaves a queue for a client: consumer deliveries and basic.get, either
/// ack mode. Summed one by one: `rate()` drops the names, and the same channel and queue in two
/// of them would then clash.
const DELIVERED: [&str; 4] = [
    "rabbitmq_detailed_channel_messages_delivered_total",
    "rabbitmq_detailed_channel_messages_delivered_ack_total",
    "rabbitmq_detailed_channel_get_total",
    "rabbitmq_detailed_channel_get_ack_total",
];
/// After Prometheus fails to answer, charts go straight to Warren's own store for this long
/// rather than each waiting out the timeout again.
const BACKOFF: Duration = Duration::from_secs(30);

impl PrometheusSource {
    pub fn new(config: PrometheusConfig) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("warren/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, config, resting_until: Mutex::new(None) })
    }

    /// One series over `range` ending `now_ms`, one point per step, in the shape Warren's own
    /// store gives: ready and unacked with the min and max inside each step, so spikes show.
    pub async fn read(
        &self,
        series: &SeriesRef,
        range: Range,
        now_ms: i64,
    ) -> Result<Vec<HistoryPoint>, PrometheusError> {
        // Whole seconds throughout: the config only allows whole-second scrape intervals.
        let scrape = self.config.scrape_interval.as_secs().max(1) as i64;
        let step = (range.step_ms() / 1000).max(scrape);
        // A rate needs a few scrapes in its window; a step's min and max look at about 60 points.
        let window = step.max(4 * scrape);
        let subquery = format!("[{step}s:{}s]", (step / 60).max(scrape));
        let of = |metric: &str| format!("sum({metric}{{{}}})", self.matchers(series, "vhost"));
        let rate_of = |metric: &str, vhost_label: &str| {
            format!("(sum(rate({metric}{{{}}}[{window}s])) or vector(0))", self.matchers(series, vhost_label))
        };
        let delivered: Vec<String> = DELIVERED.iter().map(|metric| rate_of(metric, "vhost")).collect();
        let queries = [
            of(READY),
            of(UNACKED),
            rate_of(PUBLISHED, "queue_vhost"),
            delivered.join(" + "),
            of(CONSUMERS),
            format!("min_over_time({}{subquery})", of(READY)),
            format!("max_over_time({}{subquery})", of(READY)),
            format!("min_over_time({}{subquery})", of(UNACKED)),
            format!("max_over_time({}{subquery})", of(UNACKED)),
        ];
        // Inside one scrape there is nothing between last and last: skip the subqueries.
        let wanted = if step > scrape { queries.len() } else { 5 };
        // Points on multiples of the step, so a re-read draws the same points; each stamped with
        // the end of its step (as Warren's own minute points), the newest one covering now.
        let step_ms = step * 1000;
        let end = now_ms + (step_ms - now_ms.rem_euclid(step_ms)) % step_ms;
        let start = end - range.millis();
        let results = try_join_all(queries[..wanted].iter().map(|q| self.range_query(q, start, end, step))).await?;
        Ok(points(&results))
    }

    /// Each queue's backlog (ready + unacked) at `at_ms`, for the top-growing list.
    pub async fn backlogs_at(&self, at_ms: i64) -> Result<Backlogs, PrometheusError> {
        let query = format!("sum by (vhost, queue) ({BACKLOG}{{{}}})", self.matchers(&SeriesRef::Cluster, "vhost"));
        let body = self.get("api/v1/query", &[("query", query), ("time", seconds(at_ms))]).await?;
        let Reply::Success { data: Data::Vector(samples) } = body else {
            return Err(PrometheusError::BadReply("expected an instant vector".into()));
        };
        samples
            .into_iter()
            .map(|s| {
                let label = |k: &str| s.metric.get(k).cloned().unwrap_or_default();
                // An instant query's value is as of the time asked.
                Ok(((label("vhost"), label("queue")), Start { backlog: number(&s.value.1)?, at_ms }))
            })
            .collect()
    }

    /// The configured selector plus what narrows it to `series`.
    fn matchers(&self, series: &SeriesRef, vhost_label: &str) -> String {
        let mut out: Vec<String> = Vec::new();
        if !self.config.selector.is_empty() {
            out.push(self.config.selector.clone());
        }
        match series {
            SeriesRef::Queue { vhost, name } => {
                out.push(format!("{vhost_label}={}", quote(vhost)));
                out.push(format!("queue={}", quote(name)));
            }
            SeriesRef::Vhost(vhost) => out.push(format!("{vhost_label}={}", quote(vhost))),
            SeriesRef::Cluster => {}
        }
        out.join(",")
    }

    async fn range_query(
        &self,
        query: &str,
        start_ms: i64,
        end_ms: i64,
        step_s: i64,
    ) -> Result<Vec<(i64, f64)>, PrometheusError> {
        let params = [
            ("query", query.to_string()),
            ("start", seconds(start_ms)),
            ("end", seconds(end_ms)),
            ("step", step_s.to_string()),
        ];
        match self.get("api/v1/query_range", &params).await? {
            Reply::Success { data: Data::Matrix(series) } => match series.as_slice() {
                [] => Ok(Vec::new()),
                [one] => one.values.iter().map(|(t, v)| Ok(((t * 1000.0).round() as i64, number(v)?))).collect(),
                _ => Err(PrometheusError::BadReply("several series where one sum was asked for".into())),
            },
            _ => Err(PrometheusError::BadReply("expected a range vector".into())),
        }
    }

    async fn get(&self, path: &str, params: &[(&str, String)]) -> Result<Reply, PrometheusError> {
        let resting = *self.resting_until.lock().expect("prometheus backoff");
        if resting.is_some_and(|until| Instant::now() < until) {
            return Err(PrometheusError::Unreachable {
                url: self.config.url.to_string(),
                detail: format!("it did not answer a moment ago; asking again within {BACKOFF:?}"),
            });
        }
        let reply = self.ask(path, params).await;
        if matches!(reply, Err(PrometheusError::Unreachable { .. })) {
            *self.resting_until.lock().expect("prometheus backoff") = Some(Instant::now() + BACKOFF);
        }
        reply
    }

    async fn ask(&self, path: &str, params: &[(&str, String)]) -> Result<Reply, PrometheusError> {
        let url = self.config.url.join(path).map_err(|e| PrometheusError::BadReply(e.to_string()))?;
        let unreachable = |e: reqwest::Error| PrometheusError::Unreachable {
            url: self.config.url.to_string(),
            detail: if e.is_timeout() { format!("no answer in {:?}", self.config.timeout) } else { e.to_string() },
        };
        let response = self.client.get(url).query(params).send().await.map_err(unreachable)?;
        let status = response.status();
        let text = response.text().await.map_err(unreachable)?;
        match serde_json::from_str::<Reply>(&text) {
            Ok(Reply::Error { error }) => Err(PrometheusError::Refused(error)),
            _ if !status.is_success() => Err(PrometheusError::Refused(format!("HTTP {status}"))),
            Ok(reply) => Ok(reply),
            Err(e) => Err(PrometheusError::BadReply(e.to_string())),
        }
    }
}

/// Lines the answers to `read`'s queries up by time; the first (ready) sets the points.
fn points(results: &[Vec<(i64, f64)>]) -> Vec<HistoryPoint> {
    let by_time: Vec<HashMap<i64, f64>> = results.iter().map(|r| r.iter().copied().collect()).collect();
    let at = |k: usize, ts: &i64| by_time.get(k).and_then(|m| m.get(ts)).copied();
    results[0]
        .iter()
        .map(|(ts, ready)| {
            let span = |last: f64, min: usize, max: usize| Span {
                min: at(min, ts).unwrap_or(last).min(last),
                max: at(max, ts).unwrap_or(last).max(last),
                last,
            };
            let unacked = at(1, ts).unwrap_or(0.0);
            HistoryPoint {
                ts_ms: *ts,
                ready: span(*ready, 5, 6),
                unacked: span(unacked, 7, 8),
                publish_rate: Span::of(at(2, ts).unwrap_or(0.0)),
                deliver_rate: Span::of(at(3, ts).unwrap_or(0.0)),
                consumers: Span::of(at(4, ts).unwrap_or(0.0)),
            }
        })
        .collect()
}

/// A PromQL string literal: Go's double-quoted syntax, so quotes and backslashes are escaped.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn seconds(ms: i64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// Prometheus writes sample values as strings ("12", "NaN", "+Inf").
fn number(text: &str) -> Result<f64, PrometheusError> {
    let value: f64 = text.parse().map_err(|_| PrometheusError::BadReply(format!("sample value {text:?}")))?;
    Ok(if value.is_finite() { value } else { 0.0 })
}

#[derive(Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
enum Reply {
    Success { data: Data },
    Error { error: String },
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Matrix(Vec<RangeSeries>),
    Vector(Vec<InstantSample>),
}

#[derive(Deserialize)]
struct RangeSeries {
    values: Vec<(f64, String)>,
}

#[derive(Deserialize)]
struct InstantSample {
    metric: HashMap<String, String>,
    value: (f64, String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_as_promql_strings() {
        assert_eq!(quote(r#"订单 "a"\b/#%"#), r#""订单 \"a\"\\b/#%""#);
    }

    #[test]
    fn replies_parse_and_line_up() {
        let matrix: Reply = serde_json::from_str(
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000,"5"],[1700000015,"7"]]}]}}"#,
        )
        .unwrap();
        let Reply::Success { data: Data::Matrix(series) } = matrix else { panic!("a matrix") };
        assert_eq!(series[0].values[1], (1_700_000_015.0, "7".to_string()));
        let error: Reply =
            serde_json::from_str(r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#).unwrap();
        assert!(matches!(error, Reply::Error { error } if error == "parse error"));

        let ready = vec![(1000, 5.0), (2000, 7.0)];
        let results = vec![ready, vec![(2000, 1.0)], vec![], vec![], vec![(1000, 2.0)], vec![], vec![(2000, 30.0)]];
        let p = points(&results);
        assert_eq!(
            (p.len(), p[1].ready.last, p[1].ready.max, p[1].unacked.last, p[0].unacked.last),
            (2, 7.0, 30.0, 1.0, 0.0)
        );
        assert_eq!(p[0].consumers.last, 2.0);
        assert!(number("NaN").unwrap() == 0.0 && number("x").is_err());
    }
}
