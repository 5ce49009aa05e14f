//! The pages' reads (`app::api::Backend`): overview, lists, objects, topology, policies,
//! previews, history and tiles, each limited to what the identity may see.

use std::collections::HashMap;
use std::time::Instant;

use app::auth::Access;
use app::error::AppError;
use app::model::*;
use domain::advisor::Subject;
use domain::backlog::{forecast, Growth, History, Range, SeriesRef, Source};
use domain::dashboard::{QueueSet, TileData, TileKind, TopBy};
use domain::policy::{Policies, PolicyDraft, PolicyInfo, PolicyPreview};

use super::access::check_vhost;
use super::clusters::{advice_scope, read_history, Clusters};
use super::listing::{
    binding_order, channel_order, connection_order, consumer_order, exchange_order, only_own_rows, queue_order,
    InVhost, NameMatcher,
};
use super::preview::{policy_preview, EXPENSIVE_READS, PREVIEW_BUDGET};
use crate::cluster::snapshot::Snapshot;
use crate::service::tiles;

/// The overview as someone limited to some vhosts may see it: totals from their queues and
/// exchanges only; the cluster-wide chart left out.
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
        objects: ObjectTotals { exchanges: exchanges as u64, queues: queues.len() as u64, ..full.objects.clone() },
        limited_to_vhosts: true,
        ..full.clone()
    }
}

/// The rows of a plugin's list in the vhosts `who` may see, or in the one vhost asked for; a
/// vhost that is not theirs is refused before the broker is asked for the list.
async fn visible<T>(
    who: &dyn Access,
    cluster: &str,
    vhost: Option<&str>,
    rows: impl std::future::Future<Output = Result<Vec<T>, AppError>>,
    vhost_of: fn(&T) -> &String,
) -> Result<Vec<T>, AppError> {
    if let Some(vhost) = vhost {
        check_vhost(who, cluster, vhost)?;
    }
    Ok(rows
        .await?
        .into_iter()
        .filter(|row| vhost.is_none_or(|v| vhost_of(row) == v) && who.may_see_vhost(cluster, vhost_of(row)))
        .collect())
}

impl Clusters {
    /// Ready messages now less an hour ago, from the cluster's history (see `ready_changes`).
    async fn ready_change(&self, who: &dyn Access, cluster: &str) -> Option<f64> {
        let version = self.feeds.get(cluster)?.state().version;
        let known = self.ready_changes.lock().expect("ready changes lock").get(cluster).copied();
        if let Some((_, change)) = known.filter(|(of, _)| *of == version) {
            return change;
        }
        let history = app::api::Backend::history(self, who, cluster, &SeriesRef::Cluster, Range::Hour).await.ok();
        let change = history.and_then(|h| {
            let (first, last) = (h.points.first()?, h.points.last()?);
            (last.ts_ms > first.ts_ms).then_some(last.ready.last - first.ready.last)
        });
        self.ready_changes.lock().expect("ready changes lock").insert(cluster.to_string(), (version, change));
        change
    }
}

/// Counts only the connections, channels and consumers `who` may see: in their vhosts, and their
/// own if they see only their own (`only_own_rows`).
fn count_visible_clients(objects: &mut ObjectTotals, snapshot: &Snapshot, who: &dyn Access, cluster: &str) {
    let own = only_own_rows(who);
    let count = |rows: &mut dyn Iterator<Item = &dyn InVhost>| {
        rows.filter(|r| who.may_see_vhost(cluster, r.vhost()) && r.seen_by(own.as_deref())).count() as u64
    };
    objects.connections = count(&mut snapshot.connections.iter().map(|c| c as &dyn InVhost));
    objects.channels = count(&mut snapshot.channels.iter().map(|c| c as &dyn InVhost));
    objects.consumers = count(&mut snapshot.consumers.iter().map(|c| c as &dyn InVhost));
}

#[async_trait::async_trait]
impl app::api::Backend for Clusters {
    fn clusters(&self, who: &dyn Access) -> Vec<ClusterInfo> {
        self.order
            .iter()
            .filter(|name| who.may_see_cluster(name))
            // Node addresses are for admins: screens and viewers need the fault, not the topology.
            .map(|name| {
                let snapshot = self.feeds[name].state().snapshot;
                ClusterInfo {
                    name: name.clone(),
                    nodes: if who.me().is_admin() { self.feeds[name].client().node_urls() } else { Vec::new() },
                    extensions: snapshot.as_ref().map(|s| s.overview.extensions).unwrap_or_default(),
                    // Whether some vhost uses a feature is the cluster's fact: for who sees all of it.
                    deprecated_used: match who.sees_every_vhost(name) {
                        true => snapshot.map(|s| s.overview.deprecated_used.clone()).unwrap_or_default(),
                        false => Vec::new(),
                    },
                }
            })
            .collect()
    }

    async fn cluster_cards(&self, who: &dyn Access) -> Vec<ClusterCard> {
        let cards = self.order.iter().filter(|name| who.may_see_cluster(name)).map(|name| async move {
            let overview = self.overview(who, name).await;
            // The history is the whole cluster's: not for someone who sees only some vhosts.
            let ready_change = match who.sees_every_vhost(name) && overview.is_ok() {
                true => self.ready_change(who, name).await,
                false => None,
            };
            ClusterCard { name: name.clone(), overview, ready_change }
        });
        let mut cards = futures_util::future::join_all(cards).await;
        let ready = |card: &ClusterCard| card.overview.as_ref().map_or(0, |o| o.data.messages.ready);
        cards.sort_by_key(|card| (card.health(), std::cmp::Reverse(ready(card))));
        cards
    }

    async fn vhosts(&self, who: &dyn Access, cluster: &str) -> Result<Vec<String>, AppError> {
        let (snapshot, _) = self.current(who, cluster).await?;
        Ok(snapshot.vhosts.iter().filter(|v| who.may_see_vhost(cluster, v)).cloned().collect())
    }

    async fn overview(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<Overview>, AppError> {
        let (snapshot, freshness) = self.current(who, cluster).await?;
        let mut data = if who.sees_every_vhost(cluster) {
            snapshot.overview.clone()
        } else {
            scoped_overview(&snapshot.overview, &snapshot, who, cluster)
        };
        if !who.sees_every_vhost(cluster) || only_own_rows(who).is_some() {
            count_visible_clients(&mut data.objects, &snapshot, who, cluster);
        }
        Ok(Fresh { data, freshness })
    }

    async fn queues(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<QueueRow>>, AppError> {
        let order = queue_order(&query.sort)?;
        let (snapshot, mut page) = self
            .list(who, cluster, query, order, |s, vhost| s.queues_in(vhost), |q| &q.row, |m, q| m.matches(&q.name))
            .await?;
        self.mark(who, cluster, &snapshot, &mut page.data.items);
        Ok(page)
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
        let own = only_own_rows(who);
        let mut consumers: Vec<_> =
            snapshot.consumers_of_queue(vhost, name).iter().filter(|c| c.seen_by(own.as_deref())).cloned().collect();
        self.mark(who, cluster, &snapshot, &mut consumers);
        let (extras, own_row) = feed.queue_extras(vhost, name).await?;
        let mut data = extras.into_detail(entry, (bindings, consumers), own_row);
        data.advice =
            self.advice_about(who, cluster, &snapshot, &Subject::Queue { vhost: vhost.into(), name: name.into() });
        Ok(Fresh { data, freshness })
    }

    async fn connections(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ConnectionRow>>, AppError> {
        let order = connection_order(&query.sort)?;
        // The filter looks at every name an admin knows a client by.
        let keep = |m: &NameMatcher, c: &ConnectionRow| {
            [&c.name, &c.client_name, &c.user, &c.peer_host, &c.client].iter().any(|text| m.matches(text))
        };
        Ok(self.list(who, cluster, query, order, |s, vhost| s.connections_in(vhost), |c| c, keep).await?.1)
    }

    async fn connection(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
        name: &str,
    ) -> Result<Fresh<ConnectionDetail>, AppError> {
        let feed = self.visible_feed(who, cluster)?;
        let (snapshot, freshness) = self.current(who, cluster).await?;
        check_vhost(who, cluster, vhost)?;
        let row = snapshot
            .connection(vhost, name)
            .filter(|c| c.seen_by(only_own_rows(who).as_deref()))
            .ok_or_else(|| not_found("connection", vhost, name))?;
        let extras = feed.connection_extras(vhost, name).await?;
        let mut channels = snapshot.channels_of(vhost, name);
        self.mark(who, cluster, &snapshot, &mut channels);
        Ok(Fresh { data: extras.into_detail(row, channels), freshness })
    }

    async fn node(&self, who: &dyn Access, cluster: &str, name: &str) -> Result<Fresh<NodeDetail>, AppError> {
        let feed = self.visible_feed(who, cluster)?;
        let (snapshot, freshness) = self.current(who, cluster).await?;
        let info = snapshot
            .overview
            .nodes
            .iter()
            .find(|n| n.name == name)
            .ok_or_else(|| AppError::NotFound(format!("node {name:?}")))?;
        let extras = feed.node_extras(name).await?;
        Ok(Fresh { data: extras.into_detail(info), freshness })
    }

    async fn channels(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ChannelRow>>, AppError> {
        let order = channel_order(&query.sort)?;
        let keep =
            |m: &NameMatcher, c: &ChannelRow| [&c.name, &c.client_name, &c.user].iter().any(|text| m.matches(text));
        let (snapshot, mut page) =
            self.list(who, cluster, query, order, |s, vhost| s.channels_in(vhost), |c| c, keep).await?;
        self.mark(who, cluster, &snapshot, &mut page.data.items);
        Ok(page)
    }

    async fn channel(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
        name: &str,
    ) -> Result<Fresh<ChannelDetail>, AppError> {
        let feed = self.visible_feed(who, cluster)?;
        let (snapshot, freshness) = self.current(who, cluster).await?;
        check_vhost(who, cluster, vhost)?;
        let row = snapshot
            .channel(vhost, name)
            .filter(|c| c.seen_by(only_own_rows(who).as_deref()))
            .ok_or_else(|| not_found("channel", vhost, name))?;
        let extras = feed.channel_extras(vhost, name).await?;
        let mut consumers = snapshot.consumers_of_channel(vhost, name);
        self.mark(who, cluster, &snapshot, &mut consumers);
        let advice =
            self.advice_about(who, cluster, &snapshot, &Subject::Channel { vhost: vhost.into(), name: name.into() });
        Ok(Fresh {
            data: ChannelDetail { row: row.clone(), consumers, publishes: extras.publishes, advice },
            freshness,
        })
    }

    async fn shovels(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<String>,
    ) -> Result<Fresh<PluginList<ShovelRow>>, AppError> {
        let feed = self.visible_feed(who, cluster)?;
        let (snapshot, freshness) = self.current(who, cluster).await?;
        if !snapshot.overview.extensions.shovels {
            return Ok(Fresh { data: PluginList::default(), freshness });
        }
        let mut items = visible(who, cluster, vhost.as_deref(), feed.shovels(), |s| &s.vhost).await?;
        crate::cluster::plugins::count_moved(&mut items, &snapshot);
        Ok(Fresh { data: PluginList { enabled: true, items }, freshness })
    }

    async fn federation_links(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<String>,
    ) -> Result<Fresh<PluginList<FederationLink>>, AppError> {
        let feed = self.visible_feed(who, cluster)?;
        let (snapshot, freshness) = self.current(who, cluster).await?;
        if !snapshot.overview.extensions.federation {
            return Ok(Fresh { data: PluginList::default(), freshness });
        }
        let items = visible(who, cluster, vhost.as_deref(), feed.federation_links(), |l| &l.vhost).await?;
        Ok(Fresh { data: PluginList { enabled: true, items }, freshness })
    }

    async fn consumers(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ConsumerRow>>, AppError> {
        let order = consumer_order(&query.sort)?;
        let keep = |m: &NameMatcher, c: &ConsumerRow| {
            [&c.queue, &c.tag, &c.client_name, &c.connection, &c.user].iter().any(|text| m.matches(text))
        };
        let (snapshot, mut page) =
            self.list(who, cluster, query, order, |s, vhost| s.consumers_in(vhost), |c| c, keep).await?;
        self.mark(who, cluster, &snapshot, &mut page.data.items);
        Ok(page)
    }

    async fn exchanges(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ExchangeRow>>, AppError> {
        let order = exchange_order(&query.sort)?;
        let (snapshot, mut page) = self
            .list(who, cluster, query, order, |s, vhost| s.exchanges_in(vhost), |x| &x.row, |m, x| m.matches(&x.name))
            .await?;
        self.mark(who, cluster, &snapshot, &mut page.data.items);
        Ok(page)
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
            advice: self.advice_about(
                who,
                cluster,
                &snapshot,
                &Subject::Exchange { vhost: vhost.into(), name: name.into() },
            ),
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
        Ok(self.list(who, cluster, query, order, |s, vhost| s.bindings_in(vhost), |b| b, keep).await?.1)
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
                let (name, series) = (cluster.to_string(), series.clone());
                read_history(&self.history_store()?, move |store| {
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
            TileKind::Warnings {} => {
                let advice = self.advisor().advice(cluster, advice_scope(who, cluster, snapshot))?;
                TileData::Warnings(tiles::warnings(advice))
            }
        })
    }
}

/// How many queues the top-growing list shows.
const TOP_GROWING: usize = 10;

fn not_found(kind: &str, vhost: &str, name: &str) -> AppError {
    AppError::NotFound(format!("{kind} {name:?} in vhost {vhost:?}"))
}
