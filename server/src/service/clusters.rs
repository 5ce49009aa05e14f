//! The pages' data: implements `app::api::Backend` by filtering, sorting and paging each
//! cluster's snapshot in memory. Pages, the JSON API and the live streams all come through here,
//! so they agree on every number.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::auth::Access;
use domain::dashboard::{QueueSet, TileData, TileKind, TopBy};
use app::error::AppError;
use domain::backlog::{forecast, Growth, History, Range, SeriesRef, Source};
use app::model::*;
use domain::policy::{ApplyTo, Policies, PolicyDraft, PolicyInfo, PolicyPreview, PolicyProblem, PreviewRow, Version};
use tokio_util::sync::CancellationToken;

use crate::broker::http::HttpBroker;
use crate::broker::Broker;
use crate::config::ClusterConfig;
use crate::cluster::feed::Feed;
use crate::store::backlog::{Backlogs, History as HistoryStore};
use crate::metrics::Metrics;
use crate::store::prometheus::PrometheusSource;
use crate::cluster::snapshot::Snapshot;
use crate::service::tiles;

/// The biggest compiled regex filter: a pattern of at most 1024 characters can still expand to a
/// huge automaton (`\w{1000}`); refuse those rather than spend memory and time on them.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Backtracking steps one name may cost a pattern before it counts as not matching.
const BACKTRACK_LIMIT: usize = 20_000;
/// How long one policy preview may run.
const PREVIEW_BUDGET: Duration = Duration::from_secs(2);
/// Reads that may cost a lot of CPU (policy previews) run this many at a time.
static EXPENSIVE_READS: std::sync::LazyLock<Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(2)));

/// Every configured cluster's feed, in configuration order.
pub struct Clusters {
    order: Vec<String>,
    feeds: HashMap<String, Arc<Feed>>,
    metrics: Arc<Metrics>,
    /// `None`: nothing is recorded (tests that do not look at history).
    history: Option<Arc<HistoryStore>>,
    /// Clusters whose charts read from Prometheus.
    prometheus: HashMap<String, PrometheusSource>,
    shutdown: CancellationToken,
}

impl Clusters {
    /// Builds one feed per cluster and starts its poller, and its history recorder, on the
    /// current tokio runtime.
    pub fn spawn(
        configs: &[ClusterConfig],
        metrics: Arc<Metrics>,
        history: Option<Arc<HistoryStore>>,
    ) -> anyhow::Result<Arc<Self>> {
        let brokers = configs
            .iter()
            .map(|config| Ok(Arc::new(HttpBroker::new(config, metrics.clone())?) as Arc<dyn Broker>))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Self::spawn_on(configs, brokers, metrics, history)
    }

    /// As `spawn`, reading each cluster through the broker at the same index (tests give
    /// recorded ones).
    pub fn spawn_on(
        configs: &[ClusterConfig],
        brokers: Vec<Arc<dyn Broker>>,
        metrics: Arc<Metrics>,
        history: Option<Arc<HistoryStore>>,
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
                tokio::spawn(crate::store::backlog::record_refreshes(feed.clone(), history.clone(), shutdown.clone()));
            }
            feeds.insert(config.name.clone(), feed);
        }
        let order = configs.iter().map(|c| c.name.clone()).collect();
        Ok(Arc::new(Self { order, feeds, metrics, history, prometheus, shutdown }))
    }

    fn history_store(&self) -> Result<Arc<HistoryStore>, AppError> {
        self.history.clone().ok_or_else(|| AppError::NotFound("history is not recorded on this server".into()))
    }

    /// Each queue's backlog when `range` began: from Prometheus when the cluster has one that
    /// answers, else from Warren's own store.
    async fn backlogs_at_start(&self, cluster: &str, range: Range) -> Result<Arc<Backlogs>, AppError> {
        let now = crate::store::now_ms();
        if let Some(prometheus) = self.prometheus.get(cluster) {
            match prometheus.backlogs_at(now - range.millis()).await {
                Ok(start) => return Ok(Arc::new(start)),
                Err(error) => tracing::warn!(cluster, %error, "Prometheus failed; using Warren's own history"),
            }
        }
        let (store, name) = (self.history_store()?, cluster.to_string());
        blocking(move || store.backlogs_at_start(&name, range, now)).await
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
    async fn current(&self, who: &dyn Access, cluster: &str) -> Result<(Arc<Snapshot>, Freshness), AppError> {
        let admin = who.me().is_admin();
        let redact = |e: AppError| if admin { e } else { e.redacted() };
        let (snapshot, mut freshness) = self.visible_feed(who, cluster)?.current().await.map_err(redact)?;
        freshness.error = freshness.error.map(redact);
        Ok((snapshot, freshness))
    }

    /// One page of a snapshot list: `items` picks the list (one vhost's run of it), `row` the
    /// row shown for an item, `keep` whether it matches the filter. Rows in vhosts `who` may not
    /// see are left out before counting.
    #[allow(clippy::too_many_arguments)]
    async fn list<E, T: Clone + InVhost>(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
        order: Order<T>,
        items: for<'a> fn(&'a Snapshot, Option<&str>) -> &'a [E],
        row: fn(&E) -> &T,
        keep: fn(&NameMatcher, &T) -> bool,
    ) -> Result<Fresh<Page<T>>, AppError> {
        let matcher = NameMatcher::new(query)?;
        let (snapshot, freshness) = self.current(who, cluster).await?;
        if let Some(vhost) = &query.vhost {
            check_vhost(who, cluster, vhost)?;
        }
        let rows = items(&snapshot, query.vhost.as_deref()).iter().map(row);
        let data = if who.sees_every_vhost(cluster) {
            select(rows, |r| keep(&matcher, r), order, query)
        } else {
            let visible: Vec<&T> = rows.filter(|r| who.may_see_vhost(cluster, r.vhost())).collect();
            select(visible.into_iter(), |r| keep(&matcher, r), order, query)
        };
        Ok(Fresh { data, freshness })
    }
}

/// Rows that belong to a vhost, so lists can leave out the vhosts someone may not see.
trait InVhost {
    fn vhost(&self) -> &str;
}

impl InVhost for QueueRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }
}

impl InVhost for ExchangeRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }
}

impl InVhost for BindingRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }
}

fn check_vhost(who: &dyn Access, cluster: &str, vhost: &str) -> Result<(), AppError> {
    if who.may_see_vhost(cluster, vhost) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("vhost {vhost:?} is not among yours")))
    }
}

/// The overview as someone limited to some vhosts may see it: totals from their queues and
/// exchanges only; connections, channels and the cluster-wide chart left out.
fn scoped_overview(full: &Overview, snapshot: &Snapshot, who: &dyn Access, cluster: &str) -> Overview {
    let queues: Vec<&QueueRow> =
        snapshot.queues.iter().map(|q| &q.row).filter(|q| who.may_see_vhost(cluster, &q.vhost)).collect();
    let exchanges = snapshot.exchanges.iter().filter(|x| who.may_see_vhost(cluster, &x.row.vhost)).count();
    Overview {
        messages: MessageTotals {
            ready: queues.iter().map(|q| q.ready).sum(),
            unacked: queues.iter().map(|q| q.unacked).sum(),
            total: queues.iter().map(|q| q.total).sum(),
            publish_rate: queues.iter().map(|q| q.incoming_rate).sum(),
            deliver_rate: queues.iter().map(|q| q.deliver_rate).sum(),
        },
        objects: ObjectTotals {
            connections: 0,
            channels: 0,
            exchanges: exchanges as u64,
            queues: queues.len() as u64,
            consumers: queues.iter().map(|q| q.consumers).sum(),
        },
        limited_to_vhosts: true,
        ..full.clone()
    }
}

#[async_trait::async_trait]
impl app::api::Backend for Clusters {
    fn clusters(&self, who: &dyn Access) -> Vec<ClusterInfo> {
        self.order
            .iter()
            .filter(|name| who.may_see_cluster(name))
            // Node addresses are for admins: screens and viewers need the fault, not the topology.
            .map(|name| ClusterInfo {
                name: name.clone(),
                nodes: if who.me().is_admin() { self.feeds[name].client().node_urls() } else { Vec::new() },
            })
            .collect()
    }

    async fn vhosts(&self, who: &dyn Access, cluster: &str) -> Result<Vec<String>, AppError> {
        let (snapshot, _) = self.current(who, cluster).await?;
        Ok(snapshot.vhosts.iter().filter(|v| who.may_see_vhost(cluster, v)).cloned().collect())
    }

    async fn overview(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<Overview>, AppError> {
        let (snapshot, freshness) = self.current(who, cluster).await?;
        let data = if who.sees_every_vhost(cluster) {
            snapshot.overview.clone()
        } else {
            scoped_overview(&snapshot.overview, &snapshot, who, cluster)
        };
        Ok(Fresh { data, freshness })
    }

    async fn queues(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<QueueRow>>, AppError> {
        let order = queue_order(&query.sort)?;
        self.list(who, cluster, query, order, |s, vhost| s.queues_in(vhost), |q| &q.row, |m, q| m.matches(&q.name))
            .await
    }

    async fn queue(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
        name: &str,
    ) -> Result<Fresh<QueueDetail>, AppError> {
        let feed = self.visible_feed(who, cluster)?;
        let (snapshot, freshness) = self.current(who, cluster).await?;
        check_vhost(who, cluster, vhost)?;
        let entry = snapshot.queue(vhost, name).ok_or_else(|| not_found("queue", vhost, name))?;
        let bindings = snapshot
            .bindings_in(Some(vhost))
            .iter()
            .filter(|b| b.destination_type == "queue" && b.destination == name)
            .cloned()
            .collect();
        let (extras, own_row) = feed.queue_extras(vhost, name).await?;
        Ok(Fresh { data: extras.into_detail(entry, bindings, own_row), freshness })
    }

    async fn exchanges(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ExchangeRow>>, AppError> {
        let order = exchange_order(&query.sort)?;
        self.list(who, cluster, query, order, |s, vhost| s.exchanges_in(vhost), |x| &x.row, |m, x| m.matches(&x.name))
            .await
    }

    async fn exchange(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
        name: &str,
    ) -> Result<Fresh<ExchangeDetail>, AppError> {
        // The default exchange has an empty name; its page URL uses the broker's alias.
        let name = if name == "amq.default" { "" } else { name };
        let (snapshot, freshness) = self.current(who, cluster).await?;
        check_vhost(who, cluster, vhost)?;
        let entry = snapshot.exchange(vhost, name).ok_or_else(|| not_found("exchange", vhost, name))?;
        let bindings = snapshot.bindings_in(Some(vhost));
        let data = ExchangeDetail {
            row: entry.row.clone(),
            arguments: entry.arguments.clone(),
            bindings_out: bindings.iter().filter(|b| b.source == name).cloned().collect(),
            bindings_in: bindings
                .iter()
                .filter(|b| b.destination_type == "exchange" && b.destination == name)
                .cloned()
                .collect(),
        };
        Ok(Fresh { data, freshness })
    }

    async fn topology(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
    ) -> Result<Fresh<domain::routing::Topology>, AppError> {
        let (snapshot, freshness) = self.current(who, cluster).await?;
        check_vhost(who, cluster, vhost)?;
        Ok(Fresh { data: snapshot.topology(vhost), freshness })
    }

    async fn bindings(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<BindingRow>>, AppError> {
        let order = binding_order(&query.sort)?;
        let keep = |m: &NameMatcher, b: &BindingRow| {
            m.matches(&b.source) || m.matches(&b.destination) || m.matches(&b.routing_key)
        };
        self.list(who, cluster, query, order, |s, vhost| s.bindings_in(vhost), |b| b, keep).await
    }

    async fn policies(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<String>,
    ) -> Result<Fresh<Policies>, AppError> {
        let (snapshot, freshness) = self.current(who, cluster).await?;
        if let Some(vhost) = &vhost {
            check_vhost(who, cluster, vhost)?;
        }
        let keep =
            |p: &&PolicyInfo| vhost.as_ref().is_none_or(|v| *v == p.vhost) && who.may_see_vhost(cluster, &p.vhost);
        let data = Policies {
            user: snapshot.policies.iter().filter(keep).cloned().collect(),
            operator: snapshot.operator_policies.iter().filter(keep).cloned().collect(),
            broker_version: snapshot.overview.rabbitmq_version.clone(),
        };
        Ok(Fresh { data, freshness })
    }

    async fn preview_policy(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &PolicyDraft,
    ) -> Result<PolicyPreview, AppError> {
        let (snapshot, _) = self.current(who, cluster).await?;
        check_vhost(who, cluster, &draft.vhost)?;
        // Any viewer may ask, and a pattern may backtrack: previews run off the async workers,
        // two at a time, each within a time budget.
        // The permit moves into the blocking task: a caller who gives up does not free it early.
        let permit = EXPENSIVE_READS.clone().acquire_owned().await.map_err(|_| AppError::Internal)?;
        let draft = draft.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            policy_preview(&snapshot, &draft, Instant::now() + PREVIEW_BUDGET)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "a policy preview failed");
            AppError::Internal
        })?
    }

    async fn history(
        &self,
        who: &dyn Access,
        cluster: &str,
        series: &SeriesRef,
        range: Range,
    ) -> Result<History, AppError> {
        self.visible_feed(who, cluster)?;
        match series {
            SeriesRef::Queue { vhost, .. } | SeriesRef::Vhost(vhost) => check_vhost(who, cluster, vhost)?,
            SeriesRef::Cluster if !who.sees_every_vhost(cluster) => {
                return Err(AppError::Forbidden("the cluster's totals cover vhosts that are not yours".into()))
            }
            SeriesRef::Cluster => {}
        }
        let max_length = match series {
            SeriesRef::Queue { vhost, name } => {
                let (snapshot, _) = self.current(who, cluster).await?;
                Some(snapshot.queue(vhost, name).and_then(|q| snapshot.max_length(q)))
            }
            _ => None,
        };
        // The forecast looks at the last minutes at full resolution, whatever the range.
        let wants_recent = max_length.is_some() && range != Range::TenMinutes;
        let now = crate::store::now_ms();
        let mut source = Source::Warren;
        let mut read = None;
        if let Some(prometheus) = self.prometheus.get(cluster) {
            let recent = async {
                match wants_recent {
                    true => prometheus.read(series, Range::TenMinutes, now).await.map(Some),
                    false => Ok(None),
                }
            };
            match tokio::try_join!(prometheus.read(series, range, now), recent) {
                Ok(points) => (source, read) = (Source::Prometheus, Some(points)),
                Err(error) => {
                    tracing::warn!(cluster, %error, "Prometheus failed; charting Warren's own history instead");
                    source = Source::WarrenInsteadOfPrometheus;
                }
            }
        }
        let (points, recent) = match read {
            Some(read) => read,
            None => {
                let (store, name, series) = (self.history_store()?, cluster.to_string(), series.clone());
                blocking(move || {
                    let points = store.read(&name, &series, range, now)?;
                    let recent = match wants_recent {
                        true => Some(store.read(&name, &series, Range::TenMinutes, now)?),
                        false => None,
                    };
                    Ok((points, recent))
                })
                .await?
            }
        };
        let forecast = max_length.and_then(|limit| forecast(recent.as_ref().unwrap_or(&points), limit));
        Ok(History { range, source, points, forecast })
    }

    async fn top_growing(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<String>,
        range: Range,
    ) -> Result<Vec<Growth>, AppError> {
        let (snapshot, _) = self.current(who, cluster).await?;
        if let Some(vhost) = &vhost {
            check_vhost(who, cluster, vhost)?;
        }
        let start = self.backlogs_at_start(cluster, range).await?;
        let set = QueueSet { vhost, ..Default::default() };
        let mut grown = tiles::grown(&tiles::queue_set(&snapshot, who, cluster, &set)?, &start);
        grown.truncate(TOP_GROWING);
        Ok(grown)
    }

    async fn tiles(
        &self,
        who: &dyn Access,
        cluster: &str,
        kinds: &[TileKind],
    ) -> Result<Fresh<Vec<Result<TileData, AppError>>>, AppError> {
        if kinds.len() > domain::dashboard::MAX_TILES {
            return Err(AppError::BadRequest(format!("at most {} tiles at once", domain::dashboard::MAX_TILES)));
        }
        let (snapshot, freshness) = self.current(who, cluster).await?;
        let mut data = Vec::with_capacity(kinds.len());
        for kind in kinds {
            data.push(self.tile(&snapshot, who, cluster, kind).await);
        }
        Ok(Fresh { data, freshness })
    }
}

impl Clusters {
    /// One tile's numbers; an error here (a bad pattern, a vhost not yours) is that tile's alone.
    async fn tile(
        &self,
        snapshot: &Snapshot,
        who: &dyn Access,
        cluster: &str,
        kind: &TileKind,
    ) -> Result<TileData, AppError> {
        let set = |queues: &QueueSet| {
            if let Some(vhost) = &queues.vhost {
                check_vhost(who, cluster, vhost)?;
            }
            tiles::queue_set(snapshot, who, cluster, queues)
        };
        let everything = QueueSet::default();
        Ok(match kind {
            TileKind::ClusterStatus {} => tiles::cluster_status(snapshot),
            TileKind::Totals { vhost } => {
                tiles::totals(&set(&QueueSet { vhost: vhost.clone(), ..Default::default() })?)
            }
            TileKind::Backlog { queues, range } => {
                let series = match (&queues.vhost, queues.names.as_slice(), &queues.pattern) {
                    (None, [], None) => SeriesRef::Cluster,
                    (Some(vhost), [], None) => SeriesRef::Vhost(vhost.clone()),
                    (Some(vhost), [name], None) => SeriesRef::Queue { vhost: vhost.clone(), name: name.clone() },
                    _ => {
                        return Err(AppError::BadRequest(
                            "a backlog chart shows the cluster, one vhost, or one queue of a vhost".into(),
                        ))
                    }
                };
                TileData::Backlog(app::api::Backend::history(self, who, cluster, &series, *range).await?)
            }
            TileKind::TopQueues { queues, by: TopBy::Backlog, limit } => {
                tiles::top_by_backlog(&set(queues)?, *limit as usize)
            }
            TileKind::TopQueues { queues, by: TopBy::Growth(range), limit } => {
                let (members, start) = (set(queues)?, self.backlogs_at_start(cluster, *range).await?);
                let rows = tiles::grown(&members, &start).into_iter().take(*limit as usize);
                let by_name: HashMap<(&str, &str), &&crate::cluster::snapshot::QueueEntry> =
                    members.iter().map(|q| ((q.row.vhost.as_str(), q.row.name.as_str()), q)).collect();
                TileData::Queues(
                    rows.filter_map(|g| {
                        Some(tiles::row(by_name.get(&(g.vhost.as_str(), g.name.as_str()))?, Some(g.grown())))
                    })
                    .collect(),
                )
            }
            TileKind::NoConsumers { queues, limit } => tiles::no_consumers(&set(queues)?, *limit as usize),
            TileKind::Warnings {} => TileData::Warnings(tiles::warnings(snapshot, &set(&everything)?)),
        })
    }
}

/// How many queues the top-growing list shows.
const TOP_GROWING: usize = 10;

/// Runs a history store call on the blocking pool; its errors stay in the log.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => {
            tracing::error!(%error, "history read failed");
            Err(AppError::Internal)
        }
        Err(error) => {
            tracing::error!(%error, "history task failed");
            Err(AppError::Internal)
        }
    }
}

/// The largest preview: enough rows to see what a pattern catches, the counts cover the rest.
const PREVIEW_ROWS: usize = 200;

/// Compiles a policy pattern as RabbitMQ applies it: an unanchored, case-sensitive PCRE-style
/// regex (fancy-regex: look-around and back-references, as RabbitMQ's `re` allows).
pub(crate) fn compile_policy_pattern(pattern: &str) -> Result<fancy_regex::Regex, PolicyProblem> {
    fancy_regex::RegexBuilder::new(pattern)
        .delegate_size_limit(REGEX_SIZE_LIMIT)
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| PolicyProblem::PatternNotRegex { detail: e.to_string() })
}

/// A pattern that gives up (too much backtracking) matches nothing: the preview stays bounded.
fn pattern_matches(pattern: &fancy_regex::Regex, name: &str) -> bool {
    pattern.is_match(name).unwrap_or(false)
}

/// What a draft would do to its vhost: each queue and exchange its pattern matches, which user
/// and operator policy then applies, and the definition that results.
fn policy_preview(snapshot: &Snapshot, draft: &PolicyDraft, deadline: Instant) -> Result<PolicyPreview, AppError> {
    let version = Version::parse(&snapshot.overview.rabbitmq_version);
    let mut checked = draft.check(version);
    let pattern = match compile_policy_pattern(&draft.pattern) {
        Ok(pattern) => Some(pattern),
        Err(e) => {
            checked.errors.push(e);
            None
        }
    };
    let mut preview =
        PolicyPreview { broker_version: snapshot.overview.rabbitmq_version.clone(), ..Default::default() };
    if let Some(pattern) = pattern {
        let body = draft.body(&checked.definition);
        let mine = PolicyInfo {
            vhost: draft.vhost.clone(),
            name: draft.name.clone(),
            pattern: draft.pattern.clone(),
            apply_to: body["apply-to"].as_str().unwrap_or("all").to_string(),
            priority: draft.priority,
            definition: checked.definition.clone(),
        };
        // The draft takes the place of the policy it edits.
        let with_draft = |list: &[PolicyInfo], draft_kind: bool| -> Vec<PolicyInfo> {
            let mut in_vhost: Vec<PolicyInfo> = list
                .iter()
                .filter(|p| p.vhost == draft.vhost && !(draft_kind && p.name == draft.name))
                .cloned()
                .collect();
            if draft_kind {
                in_vhost.push(mine.clone());
            }
            in_vhost
        };
        let user = Matching::new(with_draft(&snapshot.policies, !draft.operator), version);
        let operator = Matching::new(with_draft(&snapshot.operator_policies, draft.operator), version);
        let mine_covers = ApplyTo::parse(&mine.apply_to).unwrap_or_default();
        let queues = snapshot.queues_in(Some(&draft.vhost)).iter().map(|q| (Some(q.row.kind.as_str()), &q.row.name));
        let exchanges = snapshot
            .exchanges_in(Some(&draft.vhost))
            .iter()
            .filter(|x| !x.row.name.is_empty())
            .map(|x| (None, &x.row.name));
        for (checked_so_far, (queue_type, name)) in queues.chain(exchanges).enumerate() {
            if Instant::now() > deadline {
                return Err(AppError::BadRequest(format!(
                    "this pattern takes too long to check ({checked_so_far} names in {} s); simplify it",
                    PREVIEW_BUDGET.as_secs()
                )));
            }
            if !mine_covers.covers(queue_type) || !pattern_matches(&pattern, name) {
                continue;
            }
            preview.matched += 1;
            let user_winner = user.winner(queue_type, name);
            let operator_winner = if queue_type.is_some() { operator.winner(queue_type, name) } else { None };
            let deciding = if draft.operator { &operator_winner } else { &user_winner };
            let draft_applies = deciding.as_ref().is_some_and(|(p, _)| p.name == draft.name);
            preview.applies_to += u64::from(draft_applies);
            if preview.rows.len() < PREVIEW_ROWS {
                let empty = serde_json::Map::new();
                let user_def = user_winner.as_ref().map_or(&empty, |(p, _)| &p.definition);
                let operator_def = operator_winner.as_ref().map_or(&empty, |(p, _)| &p.definition);
                let effective = domain::policy::merge(user_def, operator_def);
                preview.rows.push(PreviewRow {
                    queue_type: queue_type.unwrap_or_default().to_string(),
                    name: name.clone(),
                    policy: user_winner.as_ref().map(|(p, _)| p.name.clone()).unwrap_or_default(),
                    operator_policy: operator_winner.as_ref().map(|(p, _)| p.name.clone()).unwrap_or_default(),
                    tie: user_winner.as_ref().is_some_and(|(_, tie)| *tie)
                        || operator_winner.as_ref().is_some_and(|(_, tie)| *tie),
                    draft_applies,
                    keys_not_taken: queue_type
                        .map(|t| domain::policy::keys_not_taken(t, &checked.definition, version))
                        .unwrap_or_default(),
                    effective: domain::policy::definition_rows(&effective),
                });
            }
        }
    }
    preview.checked = checked;
    Ok(preview)
}

/// A vhost's policies with their patterns compiled once; a pattern Warren cannot compile
/// matches nothing here.
struct Matching {
    policies: Vec<(PolicyInfo, ApplyTo, Option<fancy_regex::Regex>)>,
    version: Version,
}

impl Matching {
    fn new(policies: Vec<PolicyInfo>, version: Version) -> Self {
        Self {
            version,
            policies: policies
                .into_iter()
                .map(|p| {
                    let apply_to = ApplyTo::parse(&p.apply_to).unwrap_or_default();
                    let pattern = compile_policy_pattern(&p.pattern).ok();
                    (p, apply_to, pattern)
                })
                .collect(),
        }
    }

    fn winner(&self, queue_type: Option<&str>, name: &str) -> Option<(PolicyInfo, bool)> {
        let matching = self.policies.iter().filter(|(policy, apply_to, pattern)| {
            apply_to.covers(queue_type)
                && pattern.as_ref().is_some_and(|p| pattern_matches(p, name))
                && queue_type
                    .is_none_or(|t| domain::policy::keys_not_taken(t, &policy.definition, self.version).is_empty())
        });
        domain::policy::winner(matching.map(|(p, _, _)| p)).map(|(p, tie)| (p.clone(), tie))
    }
}

fn not_found(kind: &str, vhost: &str, name: &str) -> AppError {
    AppError::NotFound(format!("{kind} {name:?} in vhost {vhost:?}"))
}

type Order<T> = Option<fn(&T, &T) -> Ordering>;

/// Filters, sorts and pages rows given in the snapshot's (vhost, name) order. The sort is stable,
/// so rows that tie keep that order and a page boundary does not move between refreshes; only
/// the rows of the page asked for are copied.
fn select<'a, T: Clone + 'a>(
    rows: impl ExactSizeIterator<Item = &'a T>,
    keep: impl Fn(&T) -> bool,
    order: Order<T>,
    query: &ListQuery,
) -> Page<T> {
    let total = rows.len() as u64;
    let mut rows: Vec<&T> = rows.filter(|row| keep(row)).collect();
    match (order, query.desc) {
        (Some(order), false) => rows.sort_by(|a, b| order(a, b)),
        (Some(order), true) => rows.sort_by(|a, b| order(b, a)),
        (None, _) => {}
    }
    let size = query.page_size.clamp(1, ListQuery::MAX_PAGE_SIZE) as usize;
    let filtered = rows.len();
    let page_count = filtered.div_ceil(size).max(1) as u32;
    // A shared link or a list that shrank can point past the end: show the last page.
    let page = query.page.clamp(1, page_count);
    let items = rows.into_iter().skip((page as usize - 1) * size).take(size).cloned().collect();
    Page { items, total, filtered: filtered as u64, page, page_count }
}

fn unknown_sort(key: &str) -> AppError {
    AppError::BadRequest(format!("cannot sort by {key:?}"))
}

fn queue_order(key: &str) -> Result<Order<QueueRow>, AppError> {
    Ok(Some(match key {
        "" => return Ok(None),
        "vhost" => |a, b| a.vhost.cmp(&b.vhost),
        "name" => |a, b| a.name.cmp(&b.name),
        "type" => |a, b| a.kind.cmp(&b.kind),
        "features" => |a, b| a.durable.cmp(&b.durable),
        "state" => |a, b| a.state.cmp(&b.state),
        "ready" => |a, b| a.ready.cmp(&b.ready),
        "unacked" => |a, b| a.unacked.cmp(&b.unacked),
        "total" => |a, b| a.total.cmp(&b.total),
        "incoming" => |a, b| a.incoming_rate.total_cmp(&b.incoming_rate),
        "deliver" => |a, b| a.deliver_rate.total_cmp(&b.deliver_rate),
        "consumers" => |a, b| a.consumers.cmp(&b.consumers),
        "policy" => |a, b| a.policy.cmp(&b.policy),
        other => return Err(unknown_sort(other)),
    }))
}

fn exchange_order(key: &str) -> Result<Order<ExchangeRow>, AppError> {
    Ok(Some(match key {
        "" => return Ok(None),
        "vhost" => |a, b| a.vhost.cmp(&b.vhost),
        "name" => |a, b| a.name.cmp(&b.name),
        "type" => |a, b| a.kind.cmp(&b.kind),
        "features" => |a, b| a.durable.cmp(&b.durable),
        "policy" => |a, b| a.policy.cmp(&b.policy),
        "publish_in" => |a, b| a.publish_in_rate.total_cmp(&b.publish_in_rate),
        "publish_out" => |a, b| a.publish_out_rate.total_cmp(&b.publish_out_rate),
        other => return Err(unknown_sort(other)),
    }))
}

fn binding_order(key: &str) -> Result<Order<BindingRow>, AppError> {
    Ok(Some(match key {
        "" | "vhost" => return Ok(None),
        "source" => |a, b| a.source.cmp(&b.source),
        "destination" => |a, b| a.destination.cmp(&b.destination),
        "routing_key" => |a, b| a.routing_key.cmp(&b.routing_key),
        other => return Err(unknown_sort(other)),
    }))
}

/// A list filter: a case-insensitive substring or regex, of bounded size. Substrings become
/// escaped regexes too: case-insensitive search without lowercasing every name.
struct NameMatcher(Option<regex::Regex>);

impl NameMatcher {
    fn new(query: &ListQuery) -> Result<Self, AppError> {
        if query.filter.chars().count() > ListQuery::MAX_FILTER_LEN {
            return Err(AppError::BadRequest(format!(
                "the filter is longer than {} characters",
                ListQuery::MAX_FILTER_LEN
            )));
        }
        if query.filter.is_empty() {
            return Ok(Self(None));
        }
        let pattern = if query.regex { query.filter.clone() } else { regex::escape(&query.filter) };
        regex::RegexBuilder::new(&pattern)
            .case_insensitive(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(|re| Self(Some(re)))
            .map_err(|e| AppError::BadRequest(format!("invalid regular expression: {e}")))
    }

    fn matches(&self, text: &str) -> bool {
        self.0.as_ref().is_none_or(|re| re.is_match(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(filter: &str, regex: bool) -> ListQuery {
        ListQuery { filter: filter.into(), regex, page: 1, page_size: 2, ..Default::default() }
    }

    #[test]
    fn filters_are_case_insensitive() {
        assert!(NameMatcher::new(&query("ORD", false)).unwrap().matches("orders.created"));
        assert!(NameMatcher::new(&query("^ord.*d$", true)).unwrap().matches("Orders.createD"));
        assert!(!NameMatcher::new(&query("^x", true)).unwrap().matches("orders"));
        // A substring is taken literally, not as a pattern.
        assert!(NameMatcher::new(&query("a.b[", false)).unwrap().matches("xA.B[y"));
        assert!(!NameMatcher::new(&query("a.b", false)).unwrap().matches("axb"));
    }

    #[test]
    fn bad_filters_are_refused() {
        assert!(matches!(NameMatcher::new(&query("[", true)), Err(AppError::BadRequest(_))));
        let long = "a".repeat(ListQuery::MAX_FILTER_LEN + 1);
        assert!(matches!(NameMatcher::new(&query(&long, false)), Err(AppError::BadRequest(_))));
        assert!(matches!(NameMatcher::new(&query(r"\w{1000}\w{1000}", true)), Err(AppError::BadRequest(_))));
        assert!(matches!(queue_order("secret_column"), Err(AppError::BadRequest(_))));
    }

    fn row(vhost: &str, name: &str, ready: u64) -> QueueRow {
        QueueRow { vhost: vhost.into(), name: name.into(), ready, ..Default::default() }
    }

    #[test]
    fn a_policy_preview_stops_at_its_budget_and_a_runaway_pattern_matches_nothing() {
        let queues = (0..3)
            .map(|i| crate::cluster::snapshot::QueueEntry {
                row: row("/", &format!("{}{i}", "a".repeat(60)), 0),
                arguments: vec![],
            })
            .collect();
        let snapshot = Snapshot { queues, ..Default::default() };
        // Backtracks exponentially on a run of `a` without a `Q` (about 9 ms a name unbounded).
        let draft = PolicyDraft {
            vhost: "/".into(),
            name: "p".into(),
            pattern: "(?:(?=a)a|a)*Q".into(),
            apply_to: ApplyTo::All,
            priority: 0,
            definition: vec![("max-length".into(), "1".into())],
            operator: false,
        };
        let spent = Instant::now().checked_sub(Duration::from_secs(1)).unwrap_or_else(Instant::now);
        assert!(matches!(policy_preview(&snapshot, &draft, spent), Err(AppError::BadRequest(_))));
        let preview = policy_preview(&snapshot, &draft, Instant::now() + PREVIEW_BUDGET).unwrap();
        assert_eq!(preview.matched, 0);
    }

    #[test]
    fn sorting_is_stable_both_ways_and_pages_clamp() {
        // In snapshot order: (vhost, name).
        let rows = [row("/", "a", 5), row("/", "b", 1), row("/", "c", 5), row("x", "a", 3), row("x", "d", 0)];
        let by_ready = queue_order("ready").unwrap();
        let names = |page: &Page<QueueRow>| page.items.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(",");
        let q = |desc, page| ListQuery { sort: "ready".into(), desc, page, page_size: 2, ..Default::default() };
        let first = select(rows.iter(), |_| true, by_ready, &q(true, 1));
        assert_eq!((names(&first), first.page_count, first.total, first.filtered), ("a,c".into(), 3, 5, 5));
        assert_eq!(names(&select(rows.iter(), |_| true, by_ready, &q(true, 2))), "a,b");
        assert_eq!(names(&select(rows.iter(), |_| true, by_ready, &q(false, 1))), "d,b");
        // Past the end: the last page.
        let last = select(rows.iter(), |_| true, by_ready, &q(true, 9));
        assert_eq!((names(&last), last.page), ("d".into(), 3));
        let none = select(rows.iter(), |r| r.name == "zz", by_ready, &q(true, 1));
        assert_eq!((none.items.len(), none.page, none.page_count, none.filtered, none.total), (0, 1, 1, 0, 5));
    }
}
