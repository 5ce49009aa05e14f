//! The pages' data: implements `app::api::Backend` by filtering, sorting and paging each
//! cluster's snapshot in memory. Pages, the JSON API and the live streams all come through here,
//! so they agree on every number.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use app::auth::Access;
use app::error::AppError;
use app::model::*;
use domain::advisor::{evaluate, Advice, Advised, Brief, Debounce, Subject};
use domain::backlog::Range;
use regex::Regex;
use tokio_util::sync::CancellationToken;

use super::access::check_vhost;
use super::advisor::{Advisor, Counters, Marked};
use super::listing::{only_own_rows, select, InVhost, NameMatcher, Order};
use crate::broker::http::HttpBroker;
use crate::broker::Broker;
use crate::cluster::feed::Feed;
use crate::cluster::snapshot::Snapshot;
use crate::config::clusters::ClusterConfig;
use crate::metrics::Metrics;
use crate::store::mutes::Mutes;
use crate::store::prometheus::PrometheusSource;
use crate::store::timeseries::{Backlogs, History as HistoryStore};

/// Every configured cluster's feed, in configuration order.
pub struct Clusters {
    pub(super) order: Vec<String>,
    pub(super) feeds: HashMap<String, Arc<Feed>>,
    metrics: Arc<Metrics>,
    /// `None`: nothing is recorded (tests that do not look at history).
    history: Option<Arc<HistoryStore>>,
    /// Clusters whose charts read from Prometheus.
    pub(super) prometheus: HashMap<String, PrometheusSource>,
    /// Each cluster's ready messages now less an hour ago, as of its snapshot version: read
    /// from the history once per refresh, however many all-clusters pages are open.
    pub(super) ready_changes: std::sync::Mutex<HashMap<String, (u64, Option<f64>)>>,
    advisor: Advisor,
    shutdown: CancellationToken,
}

impl Clusters {
    /// Builds one feed per cluster and starts its poller, its history recorder and its advisor
    /// on the current tokio runtime.
    pub fn spawn(
        configs: &[ClusterConfig],
        metrics: Arc<Metrics>,
        history: Option<Arc<HistoryStore>>,
        mutes: Option<Mutes>,
    ) -> anyhow::Result<Arc<Self>> {
        let brokers = configs
            .iter()
            .map(|config| Ok(Arc::new(HttpBroker::new(config, metrics.clone())?) as Arc<dyn Broker>))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Self::spawn_on(configs, brokers, metrics, history, mutes)
    }

    /// As `spawn`, reading each cluster through the broker at the same index (tests give
    /// recorded ones).
    pub fn spawn_on(
        configs: &[ClusterConfig],
        brokers: Vec<Arc<dyn Broker>>,
        metrics: Arc<Metrics>,
        history: Option<Arc<HistoryStore>>,
        mutes: Option<Mutes>,
    ) -> anyhow::Result<Arc<Self>> {
        let shutdown = CancellationToken::new();
        let mut feeds = HashMap::new();
        let mut prometheus = HashMap::new();
        for (config, client) in configs.iter().zip(brokers) {
            if let Some(p) = &config.prometheus {
                prometheus.insert(config.name.clone(), PrometheusSource::new(p.clone())?);
            }
            let feed = Arc::new(Feed::new(config, client, metrics.clone()));
            tokio::spawn(feed.clone().run(shutdown.clone()));
            if let Some(history) = &history {
                tokio::spawn(crate::store::timeseries::recorder::record_refreshes(
                    feed.clone(),
                    history.clone(),
                    shutdown.clone(),
                ));
            }
            feeds.insert(config.name.clone(), feed);
        }
        let order: Vec<String> = configs.iter().map(|c| c.name.clone()).collect();
        let ordered: Vec<Option<Regex>> = configs.iter().map(|c| c.ordered_queues.clone()).collect();
        let ready_changes = Default::default();
        let advisor = Advisor::new(&order, mutes);
        let clusters = Arc::new(Self { order, feeds, metrics, history, prometheus, ready_changes, advisor, shutdown });
        tokio::spawn({
            let clusters = clusters.clone();
            async move {
                // Mutes first: a finding an admin muted never shows unmuted after a restart.
                clusters.advisor.load_mutes().await;
                for (name, ordered) in clusters.order.iter().zip(ordered) {
                    let shutdown = clusters.shutdown.clone();
                    tokio::spawn(evaluate_refreshes(clusters.clone(), name.clone(), ordered, shutdown));
                }
            }
        });
        Ok(clusters)
    }

    pub fn advisor(&self) -> &Advisor {
        &self.advisor
    }

    pub(super) fn history_store(&self) -> Result<Arc<HistoryStore>, AppError> {
        self.history.clone().ok_or_else(|| AppError::NotFound("history is not recorded on this server".into()))
    }

    /// Each queue's backlog when `range` began: from Prometheus when the cluster has one that
    /// answers, else from Warren's own store.
    pub(super) async fn backlogs_at_start(&self, cluster: &str, range: Range) -> Result<Arc<Backlogs>, AppError> {
        let now = crate::store::now_ms();
        if let Some(prometheus) = self.prometheus.get(cluster) {
            match prometheus.backlogs_at(now - range.millis()).await {
                Ok(start) => return Ok(Arc::new(start)),
                Err(error) => tracing::warn!(cluster, %error, "Prometheus failed; using Warren's own history"),
            }
        }
        let name = cluster.to_string();
        read_history(&self.history_store()?, move |h| h.backlogs_at_start(&name, range, now)).await
    }

    pub fn first(&self) -> &str {
        &self.order[0]
    }

    pub fn feed(&self, cluster: &str) -> Result<&Arc<Feed>, AppError> {
        self.feeds.get(cluster).ok_or_else(|| AppError::UnknownCluster(cluster.to_string()))
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Fires when the server shuts down: pollers stop and live streams end.
    pub fn shutdown_token(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// The metrics text, with the snapshot ages as of now.
    pub fn encode_metrics(&self) -> String {
        for (name, feed) in &self.feeds {
            self.metrics.set_snapshot_age(name, feed.age());
        }
        self.metrics.encode()
    }

    /// The names of the configured clusters, in configuration order.
    pub fn names(&self) -> &[String] {
        &self.order
    }

    /// The cluster's feed, if `who` may see it: the one cluster check of every read, write, live
    /// stream and download. Someone limited to some clusters gets the same answer for a cluster
    /// that exists but is not theirs as for one that does not exist, so names do not leak.
    pub fn visible_feed(&self, who: &dyn Access, cluster: &str) -> Result<&Arc<Feed>, AppError> {
        match self.feeds.get(cluster) {
            Some(feed) if who.may_see_cluster(cluster) => Ok(feed),
            None if who.me().clusters.is_none() => Err(AppError::UnknownCluster(cluster.to_string())),
            _ => Err(AppError::Forbidden(format!("no cluster of yours is named {cluster:?}"))),
        }
    }

    /// The cluster's snapshot, if `who` may see the cluster; its fault without the network's
    /// details unless `who` is an admin.
    pub(super) async fn current(
        &self,
        who: &dyn Access,
        cluster: &str,
    ) -> Result<(Arc<Snapshot>, Freshness), AppError> {
        let admin = who.me().is_admin();
        let redact = |e: AppError| if admin { e } else { e.redacted() };
        let (snapshot, mut freshness) = self.visible_feed(who, cluster)?.current().await.map_err(redact)?;
        freshness.error = freshness.error.map(redact);
        let all = who.sees_every_vhost(cluster) && only_own_rows(who).is_none();
        freshness.advice = self.advisor.counts(cluster, all, advice_scope(who, cluster, &snapshot));
        if !admin {
            // Which nodes fail is the network's topology, as in `AppError::redacted`.
            freshness.unreachable.iter_mut().for_each(|fault| fault.node.clear());
        }
        Ok((snapshot, freshness))
    }

    /// One page of a snapshot list, with the snapshot it is of: `items` picks the list (one
    /// vhost's run of it), `row` the row shown for an item, `keep` whether it matches the filter.
    /// Rows in vhosts `who` may not see are left out before counting.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn list<E, T: Clone + InVhost>(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
        order: Order<T>,
        items: for<'a> fn(&'a Snapshot, Option<&str>) -> &'a [E],
        row: fn(&E) -> &T,
        keep: fn(&NameMatcher, &T) -> bool,
    ) -> Result<(Arc<Snapshot>, Fresh<Page<T>>), AppError> {
        let matcher = NameMatcher::new(query)?;
        let (snapshot, freshness) = self.current(who, cluster).await?;
        if let Some(vhost) = &query.vhost {
            check_vhost(who, cluster, vhost)?;
        }
        let rows = items(&snapshot, query.vhost.as_deref()).iter().map(row);
        let own = only_own_rows(who);
        let data = if who.sees_every_vhost(cluster) && own.is_none() {
            select(rows, |r| keep(&matcher, r), order, query)
        } else {
            let visible: Vec<&T> =
                rows.filter(|r| who.may_see_vhost(cluster, r.vhost()) && r.seen_by(own.as_deref())).collect();
            select(visible.into_iter(), |r| keep(&matcher, r), order, query)
        };
        Ok((snapshot, Fresh { data, freshness }))
    }
}

/// Whether `who` may see findings about `subject`: those of their vhosts and, for a broker user
/// who sees only their own clients, of their own channels and consumers. The cluster's and its
/// nodes' are for everyone who sees the cluster, as the overview's nodes are.
pub(super) fn advice_scope<'a>(
    who: &'a dyn Access,
    cluster: &'a str,
    snapshot: &'a Snapshot,
) -> impl Fn(&Subject) -> bool + 'a {
    let own = only_own_rows(who);
    move |subject| {
        let Some(vhost) = subject.vhost() else { return true };
        let owner = match subject {
            Subject::Channel { vhost, name } => snapshot.channel(vhost, name).map(|c| c.user.as_str()),
            Subject::Consumer { vhost, channel, .. } => snapshot.channel(vhost, channel).map(|c| c.user.as_str()),
            _ => None,
        };
        who.may_see_vhost(cluster, vhost) && own.as_deref().is_none_or(|me| owner.is_some_and(|o| o == me))
    }
}

/// Reads Warren's own history, in the readers' turn; its errors stay in the log.
pub(super) async fn read_history<T: Send + 'static>(
    history: &Arc<HistoryStore>,
    read: impl FnOnce(&HistoryStore) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, AppError> {
    history.reading(read).await.map_err(|error| {
        tracing::error!(%error, "history read failed");
        AppError::Internal
    })
}

impl Clusters {
    /// The findings about `about` that `who` may see, what its page lists: most serious first,
    /// muted ones last.
    pub(super) fn advice_about(
        &self,
        who: &dyn Access,
        cluster: &str,
        snapshot: &Snapshot,
        about: &Subject,
    ) -> Vec<Brief> {
        let seen = advice_scope(who, cluster, snapshot);
        let mut findings =
            self.advisor.advice(cluster, |s| s.concerns(about) && seen(s)).map(|a| a.findings).unwrap_or_default();
        findings.sort_by_key(|a| (a.muted.is_some(), a.finding.severity));
        findings.iter().map(Advised::brief).collect()
    }

    /// Marks each row with its most serious finding that `who` may see (`advice_scope`): a broker
    /// user who sees only their own clients sees no queue's or exchange's, as on the advisor page.
    pub(super) fn mark<R: Marked>(&self, who: &dyn Access, cluster: &str, snapshot: &Snapshot, rows: &mut [R]) {
        self.advisor.mark(cluster, rows, advice_scope(who, cluster, snapshot));
    }

    /// The findings on `cluster` that `who` may see (see `advice_scope`), as of its last refresh;
    /// those that concern `about`, if given.
    pub async fn advice(
        &self,
        who: &dyn Access,
        cluster: &str,
        about: Option<&Subject>,
    ) -> Result<Fresh<Advice>, AppError> {
        let (snapshot, freshness) = self.current(who, cluster).await?;
        let seen = advice_scope(who, cluster, &snapshot);
        let keep = |s: &Subject| about.is_none_or(|about| s.concerns(about)) && seen(s);
        let data = self.advisor().advice(cluster, keep)?;
        Ok(Fresh { data, freshness })
    }
}

/// Evaluates `cluster` after each of its refreshes until `shutdown`. A refresh whose queues were
/// kept from an earlier one (a node silent) is not evaluated: it says nothing new.
async fn evaluate_refreshes(
    clusters: Arc<Clusters>,
    cluster: String,
    ordered: Option<Regex>,
    shutdown: CancellationToken,
) {
    let Ok(feed) = clusters.feed(&cluster).cloned() else { return };
    let mut updates = feed.subscribe();
    let mut counters = Counters::new();
    let mut debounce = Debounce::default();
    let mut evaluated: Option<SystemTime> = None;
    loop {
        tokio::select! {
            changed = updates.changed() => if changed.is_err() { return },
            _ = shutdown.cancelled() => return,
        }
        let snapshot = {
            let state = updates.borrow_and_update();
            match (&state.snapshot, state.taken_at) {
                (Some(snapshot), Some((_, wall)))
                    if evaluated != Some(wall) && !snapshot.is_held(SnapshotPart::Queues) =>
                {
                    evaluated = Some(wall);
                    snapshot.clone()
                }
                _ => continue,
            }
        };
        // Warren's own store, recorded every refresh, not Prometheus: no query to it per refresh.
        // No history (tests), or it failed: growth is not judged, the rest is.
        let now = crate::store::now_ms();
        let start = match clusters.history_store() {
            Ok(history) => {
                let name = cluster.clone();
                read_history(&history, move |h| h.backlogs_at_start(&name, Range::TenMinutes, now)).await.ok()
            }
            Err(_) => None,
        };
        let facts = counters.facts(&snapshot, now, start.as_deref(), clusters.advisor().own_returns(&cluster));
        // Tens of thousands of queues take milliseconds: off the async threads.
        let ordered = ordered.clone();
        let found = tokio::task::spawn_blocking(move || {
            evaluate(&facts, &|q| ordered.as_ref().is_some_and(|pattern| pattern.is_match(&q.name)))
        })
        .await;
        match found {
            Ok(found) => {
                // Pages showing findings or counts get the new ones now, not a refresh later.
                if clusters.advisor().publish(&cluster, debounce.confirm(found)) {
                    feed.announce();
                }
            }
            Err(error) => tracing::error!(cluster, %error, "advisor evaluation failed"),
        }
    }
}
