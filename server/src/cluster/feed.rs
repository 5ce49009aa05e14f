//! One poller per cluster. It refreshes the cluster's snapshot on an interval, never overlapping
//! itself, and publishes each new state on a watch channel that pages, API calls and live streams
//! read: the broker sees the same requests whether one person or five hundred screens watch.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use app::error::AppError;
use app::model::{AccessInfo, ClusterSettings, FederationLink, Freshness, HeldPart, NodeFault, ShovelRow};
use futures_util::FutureExt;
use tokio::sync::{watch, Notify};
use tokio_util::sync::CancellationToken;

use crate::broker::{Broker, BrokerError};
use crate::cluster::extras::Extras;
use crate::cluster::snapshot::channels::ChannelExtras;
use crate::cluster::snapshot::connections::ConnectionExtras;
use crate::cluster::snapshot::convert::QueueExtras;
use crate::cluster::snapshot::nodes::NodeExtras;
use crate::cluster::snapshot::patch::Patch;
use crate::cluster::snapshot::{Holding, Snapshot};
use crate::cluster::{access, plugins, settings, views};
use crate::config::clusters::ClusterConfig;
use crate::metrics::Metrics;

/// How long a request waits for a cluster's first snapshot before it reports the cluster as
/// still loading.
const FIRST_SNAPSHOT_WAIT: Duration = Duration::from_secs(30);
/// At most this many watched queues are read on their own per interval (see `refresh_watched`).
const WATCHED_MAX: usize = 32;
/// A list is late (and may be held back while a node is silent) after twice its usual time,
/// and never before this.
const MIN_PATIENCE: Duration = Duration::from_millis(500);

#[derive(Clone, Debug)]
pub struct FeedState {
    /// Goes up with every refresh, failed or not, and every patch: live streams send on each.
    pub version: u64,
    /// The last good snapshot; kept, and marked stale, while the broker does not answer.
    pub snapshot: Option<Arc<Snapshot>>,
    /// When `snapshot` was taken.
    pub taken_at: Option<(Instant, SystemTime)>,
    /// Why the last refresh failed; `None` after a good one.
    pub error: Option<AppError>,
    /// When the last finished refresh started.
    pub last_started: Option<Instant>,
    pub last_took: Duration,
    /// The interval in force: the configured one, or longer while the broker is slower than that.
    pub interval: Duration,
    /// Nodes that do not answer while others do.
    pub unreachable: Vec<NodeFault>,
}

impl FeedState {
    /// What the extras of an object are read against: when the snapshot was taken, and whether
    /// the broker is down.
    fn as_of(&self) -> (Option<Instant>, bool) {
        (self.taken_at.map(|(taken, _)| taken), self.error.is_some())
    }
}

pub struct Feed {
    name: String,
    client: Arc<dyn Broker>,
    configured_interval: Duration,
    /// Whether this cluster's RabbitMQ users may sign in to Warren.
    broker_sign_in: bool,
    /// The broker user Warren itself signs in as.
    account: String,
    state: watch::Sender<FeedState>,
    wake: Notify,
    /// Patches applied since the running refresh started: its older data must not undo them.
    recent_patches: Mutex<Vec<(Instant, Patch)>>,
    queue_extras: Extras<(String, String), QueueExtras>,
    connection_extras: Extras<(String, String), ConnectionExtras>,
    channel_extras: Extras<(String, String), ChannelExtras>,
    node_extras: Extras<String, NodeExtras>,
    /// The plugins' status lists: one each per cluster, so keyed by nothing.
    shovels: Extras<(), Vec<ShovelRow>>,
    federation_links: Extras<(), Vec<FederationLink>>,
    /// Users, vhosts, permissions and limits, for the access pages.
    access: Extras<(), AccessInfo>,
    /// The cluster's name, feature flags and deprecated features, for its settings page.
    settings: Extras<(), ClusterSettings>,
    /// How long the lists took the last time every part arrived.
    usual_lists: Mutex<Duration>,
    metrics: Arc<Metrics>,
}

impl Feed {
    /// A cluster's poller, reading it through `client` (no request is sent before `run`).
    pub fn new(config: &ClusterConfig, client: Arc<dyn Broker>, metrics: Arc<Metrics>) -> Self {
        let initial = FeedState {
            version: 0,
            snapshot: None,
            taken_at: None,
            error: None,
            last_started: None,
            last_took: Duration::ZERO,
            interval: config.refresh_interval,
            unreachable: Vec::new(),
        };
        Self {
            name: config.name.clone(),
            client,
            configured_interval: config.refresh_interval,
            broker_sign_in: config.broker_sign_in,
            account: config.username.clone(),
            state: watch::Sender::new(initial),
            wake: Notify::new(),
            recent_patches: Mutex::new(Vec::new()),
            queue_extras: Extras::new(),
            connection_extras: Extras::new(),
            channel_extras: Extras::new(),
            node_extras: Extras::new(),
            shovels: Extras::new(),
            federation_links: Extras::new(),
            access: Extras::new(),
            settings: Extras::new(),
            usual_lists: Mutex::new(Duration::ZERO),
            metrics,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn broker_sign_in(&self) -> bool {
        self.broker_sign_in
    }

    /// The broker user Warren signs in as on this cluster.
    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn client(&self) -> &dyn Broker {
        &*self.client
    }

    pub fn subscribe(&self) -> watch::Receiver<FeedState> {
        self.state.subscribe()
    }

    pub fn state(&self) -> FeedState {
        self.state.borrow().clone()
    }

    /// Refreshes until `shutdown`; one refresh at a time, the next one an interval after the
    /// last one started (or at once when `refresh_soon` asks).
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) {
        tokio::select! {
            _ = self.refresh_loop() => {}
            _ = self.refresh_watched() => {}
            _ = shutdown.cancelled() => {}
        }
    }

    async fn refresh_loop(&self) {
        loop {
            let took = self.refresh().await;
            let interval = self.state.borrow().interval;
            tokio::select! {
                _ = tokio::time::sleep(interval.saturating_sub(took)) => {}
                _ = self.wake.notified() => {}
            }
        }
    }

    /// While a slow broker stretches the interval (a full refresh of 50,000 queues takes tens of
    /// seconds), the queues open on someone's page are still read every configured interval:
    /// one small request per queue, however many screens show it, and at most `WATCHED_MAX`.
    async fn refresh_watched(&self) {
        loop {
            tokio::time::sleep(self.configured_interval).await;
            let state = self.state();
            if state.interval <= self.configured_interval || state.error.is_some() {
                continue;
            }
            let mut watched = self.queue_extras.asked_within(self.configured_interval * 3);
            watched.truncate(WATCHED_MAX);
            let reads = watched.iter().map(|((vhost, name), slot)| async move {
                slot.store(QueueExtras::fetch(&*self.client, vhost, name).await.ok()?).await;
                Some(())
            });
            if futures_util::future::join_all(reads).await.iter().any(Option::is_some) {
                // Live streams send on every version: the watched queues' pages get their new rows.
                self.state.send_modify(|s| s.version += 1);
            }
        }
    }

    async fn refresh(&self) -> Duration {
        let started = Instant::now();
        // Every node is probed with the short timeout alongside the lists: the ones that do not
        // answer are named, and lists that wait for them are not waited for (see `Holding`). A
        // task of its own, so that a probe still waiting does not hold the snapshot back.
        let probes = tokio::spawn({
            let client = self.client.clone();
            async move { client.probe_nodes().await }
        });
        let silent = probes.map(|all| !all.unwrap_or(false)).boxed().shared();
        let holding = {
            let state = self.state.borrow();
            state.snapshot.clone().zip(state.taken_at).map(|(previous, (_, taken_at))| Holding {
                previous,
                taken_at,
                patience: (*self.usual_lists.lock().expect("usual lists lock") * 2).max(MIN_PATIENCE),
                silent: silent.clone(),
            })
        };
        let lists_started = Instant::now();
        let result = async {
            // A node that is down or frozen costs one short timeout here, not a list timeout per list.
            self.client.probe().await?;
            let mut snapshot = Snapshot::fetch(&*self.client, holding.as_ref()).await?;
            snapshot.overview.node_views = views::node_views(&*self.client, &snapshot.overview.nodes).await;
            Ok(snapshot)
        }
        .await
        // Lists missing on every node: the configured URL is not a management API.
        .map_err(|error| if error == BrokerError::NotFound { BrokerError::Status(404) } else { error });
        let took = lists_started.elapsed();
        self.metrics.refreshed(self.name(), took, result.is_ok());
        if self.publish(result, started) {
            release_freed_memory().await;
        }

        // A broker slower than the interval gets more time, not back-to-back requests; a silent
        // node, or lists held back, do not make the broker slow.
        let silent = silent.await;
        // This refresh gave a snapshot with every part: its time is the lists' usual time.
        let whole = {
            let state = self.state.borrow();
            state.error.is_none() && state.snapshot.as_ref().is_some_and(|s| s.held.is_empty())
        };
        let interval = if whole && !silent && took > self.configured_interval {
            let stretched = Duration::from_secs((took.as_secs_f64() * 1.5).ceil() as u64);
            tracing::warn!(
                cluster = self.name(),
                took_ms = took.as_millis() as u64,
                interval_s = stretched.as_secs(),
                "refresh took longer than the interval; refreshing less often"
            );
            stretched
        } else {
            self.configured_interval
        };
        if whole {
            *self.usual_lists.lock().expect("usual lists lock") = took;
        }
        let unreachable = self.client.unreachable();
        self.state.send_if_modified(|s| {
            let changed = s.unreachable != unreachable || s.interval != interval;
            if changed {
                s.unreachable = unreachable;
                s.interval = interval;
                s.version += 1;
            }
            changed
        });
        started.elapsed()
    }

    /// Publishes a refresh's snapshot, with the writes made since it started, or why it failed;
    /// whether there is a new snapshot.
    fn publish(&self, result: Result<Snapshot, BrokerError>, started: Instant) -> bool {
        let unreachable = self.client.unreachable();
        match result {
            Ok(mut snapshot) => {
                if !snapshot.held.is_empty() {
                    let held: Vec<_> = snapshot.held.iter().map(|(part, _)| part).collect();
                    tracing::warn!(
                        cluster = self.name(),
                        ?held,
                        "lists late while a node is silent; kept from the last snapshot"
                    );
                }
                let patches = {
                    let mut recent = self.recent_patches.lock().expect("patch list lock");
                    recent.retain(|(at, _)| *at > started);
                    recent.iter().map(|(_, patch)| patch.clone()).collect::<Vec<_>>()
                };
                for patch in &patches {
                    snapshot.apply(patch);
                }
                self.state.send_modify(|s| {
                    s.version += 1;
                    s.snapshot = Some(Arc::new(snapshot));
                    s.taken_at = Some((Instant::now(), SystemTime::now()));
                    s.error = None;
                    s.last_started = Some(started);
                    s.last_took = started.elapsed();
                    s.unreachable = unreachable;
                });
                true
            }
            Err(error) => {
                tracing::warn!(cluster = self.name(), %error, "refresh failed; keeping the last snapshot");
                let error = page_error(self.name(), error);
                self.state.send_modify(|s| {
                    s.version += 1;
                    s.error = Some(error);
                    s.last_started = Some(started);
                    s.last_took = started.elapsed();
                    s.unreachable = unreachable;
                });
                false
            }
        }
    }

    /// The snapshot to answer from, waiting for the first one if the poller has just started.
    pub async fn current(&self) -> Result<(Arc<Snapshot>, Freshness), AppError> {
        let mut updates = self.state.subscribe();
        let first = tokio::time::timeout(FIRST_SNAPSHOT_WAIT, updates.wait_for(|s| s.version > 0)).await;
        let state = match first {
            Ok(Ok(state)) => state.clone(),
            _ => self.state(),
        };
        match &state.snapshot {
            Some(snapshot) => Ok((snapshot.clone(), self.freshness(&state))),
            None => Err(state.error.clone().unwrap_or_else(|| AppError::Loading { cluster: self.name().into() })),
        }
    }

    pub fn freshness(&self, state: &FeedState) -> Freshness {
        let (age, taken_at) = state.taken_at.map_or((Duration::ZERO, UNIX_EPOCH), |(at, wall)| (at.elapsed(), wall));
        Freshness {
            taken_at_ms: ms(&taken_at),
            age_ms: age.as_millis() as u64,
            error: state.error.clone(),
            interval_ms: state.interval.as_millis() as u64,
            configured_interval_ms: self.configured_interval.as_millis() as u64,
            refresh_ms: state.last_took.as_millis() as u64,
            unreachable: state.unreachable.clone(),
            split: state.snapshot.as_ref().and_then(|s| s.overview.split()),
            held: state
                .snapshot
                .iter()
                .flat_map(|s| &s.held)
                .map(|(part, since)| HeldPart { part: *part, since_ms: ms(since) })
                .collect(),
            // The advisor's, added by the service layer for each viewer.
            advice: None,
        }
    }

    /// Age of the snapshot, for the metrics; `None` before the first one.
    pub fn age(&self) -> Option<Duration> {
        self.state.borrow().taken_at.map(|(at, _)| at.elapsed())
    }

    /// For writes: reads one queue back from the broker and shows it at once.
    pub async fn refresh_queue(&self, vhost: &str, name: &str) -> Result<(), AppError> {
        let patch = Patch::queue(&*self.client, vhost, name).await.map_err(|e| page_error(self.name(), e))?;
        self.apply(patch);
        Ok(())
    }

    /// For writes: shows connections the broker was told to close, by (vhost, name), as gone at once.
    pub fn forget_connections(&self, closed: Vec<(String, String)>) {
        if !closed.is_empty() {
            self.apply(Patch::ConnectionsClosed(closed));
        }
    }

    /// For writes: reads one exchange and its bindings back from the broker and shows them at once.
    pub async fn refresh_exchange(&self, vhost: &str, name: &str) -> Result<(), AppError> {
        let patch = Patch::exchange(&*self.client, vhost, name).await.map_err(|e| page_error(self.name(), e))?;
        self.apply(patch);
        Ok(())
    }

    /// For policy writes: reads the vhost's policies back and shows them at once; the queues'
    /// effective policies follow with the full refresh this starts.
    pub async fn refresh_policies(&self, vhost: &str) -> Result<(), AppError> {
        let patch = Patch::policies(&*self.client, vhost).await.map_err(|e| page_error(self.name(), e))?;
        self.apply(patch);
        self.refresh_soon();
        Ok(())
    }

    /// Has live streams send again: something read with the snapshot but kept above it (the
    /// advisor's findings, a mute) changed.
    pub fn announce(&self) {
        self.state.send_modify(|s| s.version += 1);
    }

    /// Starts a full refresh now (or as soon as the running one ends), without waiting for it.
    pub fn refresh_soon(&self) {
        self.wake.notify_one();
    }

    fn apply(&self, patch: Patch) {
        self.state.send_modify(|s| {
            if let Some(snapshot) = &s.snapshot {
                let mut patched = Snapshot::clone(snapshot);
                patched.apply(&patch);
                s.snapshot = Some(Arc::new(patched));
                s.version += 1;
            }
        });
        self.recent_patches.lock().expect("patch list lock").push((Instant::now(), patch));
    }

    /// A queue's consumers, effective policy and samples: asked of the broker at most once per
    /// snapshot however many pages show that queue, and not at all while the broker is down
    /// (the last answer is shown, marked stale like the rest).
    ///
    /// Returns the extras and whether their counts should replace the snapshot's row: only while
    /// the interval is stretched, when they are newer; otherwise every page shows the snapshot's.
    pub async fn queue_extras(&self, vhost: &str, name: &str) -> Result<(QueueExtras, bool), AppError> {
        let state = self.state();
        let stretched = state.interval > self.configured_interval;
        let key = (vhost.to_string(), name.to_string());
        let (extras, fresh) = self
            .queue_extras
            .get(key, state.as_of(), || QueueExtras::fetch(&*self.client, vhost, name))
            .await
            .map_err(|error| page_error(self.name(), error))?;
        Ok((extras, fresh && stretched))
    }

    /// A connection's client properties, read like a queue's extras.
    pub async fn connection_extras(&self, vhost: &str, name: &str) -> Result<ConnectionExtras, AppError> {
        let fetch = || ConnectionExtras::fetch(&*self.client, vhost, name);
        let (key, as_of) = ((vhost.to_string(), name.to_string()), self.state().as_of());
        let (extras, _) =
            self.connection_extras.get(key, as_of, fetch).await.map_err(|e| page_error(self.name(), e))?;
        Ok(extras)
    }

    /// A node's memory breakdown, processes, listeners and the feature flags, read like a queue's extras.
    pub async fn node_extras(&self, name: &str) -> Result<NodeExtras, AppError> {
        let fetch = || NodeExtras::fetch(&*self.client, name);
        let (extras, _) = self
            .node_extras
            .get(name.to_string(), self.state().as_of(), fetch)
            .await
            .map_err(|e| page_error(self.name(), e))?;
        Ok(extras)
    }

    /// The exchanges a channel publishes to, read like a queue's extras.
    pub async fn channel_extras(&self, vhost: &str, name: &str) -> Result<ChannelExtras, AppError> {
        let fetch = || ChannelExtras::fetch(&*self.client, vhost, name);
        let (key, as_of) = ((vhost.to_string(), name.to_string()), self.state().as_of());
        let (extras, _) = self.channel_extras.get(key, as_of, fetch).await.map_err(|e| page_error(self.name(), e))?;
        Ok(extras)
    }

    /// Every shovel's status, read like a queue's extras.
    pub async fn shovels(&self) -> Result<Vec<ShovelRow>, AppError> {
        let fetch = || plugins::shovels(&*self.client);
        let (rows, _) =
            self.shovels.get((), self.state().as_of(), fetch).await.map_err(|e| page_error(self.name(), e))?;
        Ok(rows)
    }

    /// Every federation link's status, read like a queue's extras.
    pub async fn federation_links(&self) -> Result<Vec<FederationLink>, AppError> {
        let fetch = || plugins::federation_links(&*self.client);
        let (rows, _) =
            self.federation_links.get((), self.state().as_of(), fetch).await.map_err(|e| page_error(self.name(), e))?;
        Ok(rows)
    }

    /// Users, vhosts, permissions and limits, read like a queue's extras.
    pub async fn access(&self) -> Result<AccessInfo, AppError> {
        let fetch = || access::access(&*self.client);
        let (info, _) =
            self.access.get((), self.state().as_of(), fetch).await.map_err(|e| page_error(self.name(), e))?;
        Ok(info)
    }

    /// The cluster's name, feature flags and deprecated features, read like a queue's extras.
    pub async fn settings(&self) -> Result<ClusterSettings, AppError> {
        let fetch = || settings::settings(&*self.client);
        let (info, _) =
            self.settings.get((), self.state().as_of(), fetch).await.map_err(|e| page_error(self.name(), e))?;
        Ok(info)
    }

    /// After a write to users, vhosts, permissions, limits, the name or a feature flag: the next
    /// read of the broker's admin pages asks the broker.
    pub fn forget_admin_reads(&self) {
        self.access.forget(&());
        self.settings.forget(&());
    }
}

fn ms(time: &SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Hands the previous snapshot's memory back to the system. glibc keeps freed heap pages, so
/// without this the resident size holds two snapshots' worth of pages between refreshes.
async fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages; it is safe to call at any time.
    let _ = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
}

/// A broker error as the pages explain it; the details stay in the server log.
pub fn page_error(cluster: &str, error: BrokerError) -> AppError {
    let cluster = cluster.to_string();
    match error {
        BrokerError::Unreachable(detail) => AppError::Unreachable { cluster, detail },
        BrokerError::Timeout => AppError::Timeout { cluster },
        BrokerError::Unauthorized(..) => AppError::Unauthorized { cluster },
        BrokerError::NotFound => AppError::NotFound("the broker no longer has this object".into()),
        BrokerError::BadRequest(reason) => AppError::BadRequest(reason),
        BrokerError::Status(_) | BrokerError::BadBody(_) => AppError::BadReply { cluster },
    }
}
