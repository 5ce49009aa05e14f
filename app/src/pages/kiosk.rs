//! The wall screen: `/kiosk/{id}`, one dashboard full screen, no navigation, big type on a dark
//! high-contrast theme. Each cluster on the dashboard has one live stream carrying all its tiles;
//! tiles change in place, the stream reconnects by itself. `?rotate=2,5&every=60` cycles through
//! dashboards. Opened with `?token=…` (a read-only screen token) on a TV browser, it runs for
//! days: nothing here grows with time (rotation replaces the history entry, old views are dropped).

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::get_dashboard;
use crate::chart::{history_svg, Frame};
use crate::components::backlog::axis;
use crate::components::live::{use_live, use_ticker, Clock, Live};
use crate::error::AppError;
use crate::format;
use crate::i18n::{use_texts, Texts};
use crate::model::Freshness;
use crate::urls;
use domain::dashboard::{level_of, Dashboard, Level, Metric, Risk, Tile, TileData, TileKind, TileQueue, TopBy};

/// A dashboard edited while screens show it reaches them within this.
const RELOAD_EVERY: Duration = Duration::from_secs(60);
/// Rotation period when the URL gives none, and the shortest it may ask for.
const ROTATE_DEFAULT_S: u64 = 60;
const ROTATE_MIN_S: u64 = 10;
/// A day: browsers' timers overflow past about 24 days.
const ROTATE_MAX_S: u64 = 86_400;

type TilesFeed = Live<Vec<Result<TileData, AppError>>>;

#[component]
pub fn KioskPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let first = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_dashboard(id).await,
                None => Err(AppError::NotFound("a dashboard: the address has no dashboard number".into())),
            }
        },
    );
    use_rotation(id);
    // While rotating, a dashboard that cannot be read for a moment (Warren restarting) leaves
    // the last one on screen rather than an error.
    let last_good = RwSignal::new(None::<Dashboard>);
    view! {
        <Title text="Warren kiosk"/>
        <main class="kiosk" data-testid="kiosk">
            <Transition fallback=move || view! { <p class="kiosk-message">{move || t.get().loading}</p> }>
                {move || Suspend::new(async move {
                    match first.await.map_err(|error| (error, last_good.get_untracked())) {
                        Ok(dashboard) => {
                            last_good.set(Some(dashboard.clone()));
                            view! { <Screen first=dashboard/> }.into_any()
                        }
                        Err((_, Some(last))) => view! { <Screen first=last/> }.into_any(),
                        Err((error, None)) => view! {
                            <div class="kiosk-message" role="alert" data-testid="kiosk-error">{error.to_string()}</div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// Moves to the next dashboard of `?rotate=` every `?every=` seconds, replacing the history
/// entry so days of rotation leave no trail behind.
fn use_rotation(id: Memo<Option<i64>>) {
    let query = use_query_map();
    let rotation = Memo::new(move |_| {
        let query = query.read();
        let ids: Vec<i64> =
            query.get("rotate").unwrap_or_default().split(',').filter_map(|v| v.trim().parse().ok()).collect();
        let every = query
            .get("every")
            .and_then(|v| v.parse().ok())
            .unwrap_or(ROTATE_DEFAULT_S)
            .clamp(ROTATE_MIN_S, ROTATE_MAX_S);
        (ids, every)
    });
    let tick = use_ticker(move || Duration::from_secs(rotation.with(|(_, every)| *every)));
    #[cfg(feature = "hydrate")]
    {
        let navigate = leptos_router::hooks::use_navigate();
        Effect::new(move |previous: Option<u64>| {
            let now = tick.get();
            if previous.is_some_and(|p| p != now) {
                let (ids, every) = rotation.get_untracked();
                let current = id.get_untracked();
                let at = ids.iter().position(|i| Some(*i) == current);
                if let Some(next) = at.map_or(ids.first(), |at| ids.get((at + 1) % ids.len())) {
                    let rotate = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                    let url = urls::with_query(
                        &format!("/kiosk/{next}"),
                        &[("rotate", &rotate), ("every", &every.to_string())],
                    );
                    navigate(&url, leptos_router::NavigateOptions { replace: true, ..Default::default() });
                }
            }
            now
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, tick);
}

/// One dashboard; re-read every minute and redrawn only when an admin saved a new revision.
#[component]
fn Screen(first: Dashboard) -> impl IntoView {
    let dashboard = RwSignal::new(first);
    let tick = use_ticker(|| RELOAD_EVERY);
    #[cfg(feature = "hydrate")]
    Effect::new(move |previous: Option<u64>| {
        let now = tick.get();
        if previous.is_some_and(|p| p != now) {
            let id = dashboard.with_untracked(|d| d.id);
            leptos::task::spawn_local(async move {
                // A failed re-read (Warren restarting) keeps the dashboard on screen; one that
                // ends after rotation moved on finds the signal gone and does nothing.
                if let Ok(newer) = get_dashboard(id).await {
                    if dashboard.try_with_untracked(|d| d.rev != newer.rev) == Some(true) {
                        dashboard.try_set(newer);
                    }
                }
            });
        }
        now
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = tick;
    move || view! { <Board dashboard=dashboard.get()/> }
}

/// What one cluster's stream said last, without the tiles: enough for the bar and the overlay.
#[derive(Clone, Debug, PartialEq)]
enum FeedState {
    Waiting,
    Data { freshness: Freshness, received_at: f64 },
    Failed(AppError),
}

impl FeedState {
    fn of(feed: TilesFeed) -> FeedState {
        feed.with_latest(|latest| match latest {
            None => FeedState::Waiting,
            Some((Ok(fresh), at)) => FeedState::Data { freshness: fresh.freshness.clone(), received_at: *at },
            Some((Err(error), _)) => FeedState::Failed(error.clone()),
        })
    }

    /// Why the cluster's data is not current, if it is not.
    fn fault(&self) -> Option<&AppError> {
        match self {
            FeedState::Data { freshness, .. } => freshness.error.as_ref(),
            FeedState::Failed(error) => Some(error),
            FeedState::Waiting => None,
        }
    }

    /// How old the data on screen is, in ms, at browser time `now`.
    fn age_ms(&self, now: f64) -> Option<u64> {
        match self {
            FeedState::Data { freshness, received_at } => Some(freshness.age_ms + (now - received_at).max(0.0) as u64),
            _ => None,
        }
    }
}

#[component]
fn Board(dashboard: Dashboard) -> impl IntoView {
    let t = use_texts();
    let clock = expect_context::<Clock>();
    // One stream per cluster, carrying that cluster's tiles in dashboard order.
    let mut kinds: BTreeMap<String, Vec<TileKind>> = BTreeMap::new();
    let slots: Vec<(String, usize)> = dashboard
        .spec
        .tiles
        .iter()
        .map(|tile| {
            let list = kinds.entry(tile.cluster.clone()).or_default();
            list.push(tile.kind.clone());
            (tile.cluster.clone(), list.len() - 1)
        })
        .collect();
    let feeds: BTreeMap<String, TilesFeed> = kinds
        .into_iter()
        .map(|(cluster, kinds)| {
            let tiles = serde_json::to_string(&kinds).unwrap_or_default();
            let url = urls::live(&cluster, "tiles", &[("tiles", &tiles)]);
            (cluster, use_live(move || url.clone()))
        })
        .collect();
    let states: Vec<(String, Memo<FeedState>)> = feeds
        .iter()
        .map(|(cluster, feed)| {
            (
                cluster.clone(),
                Memo::new({
                    let feed = *feed;
                    move |_| FeedState::of(feed)
                }),
            )
        })
        .collect();
    // Counts stream events, for the soak test and anyone checking that the screen is alive.
    let updates = RwSignal::new(0u64);
    for &feed in feeds.values() {
        Effect::new(move |_| {
            feed.with_latest(|_| ());
            updates.update(|n| *n += 1);
        });
    }
    let reconnecting = {
        let feeds: Vec<TilesFeed> = feeds.values().copied().collect();
        Memo::new(move |_| feeds.iter().any(|f| f.reconnecting()))
    };
    let states = StoredValue::new(states);
    let oldest_age = move || {
        let now = clock.get();
        states.with_value(|s| s.iter().filter_map(|(_, state)| state.with(|st| st.age_ms(now))).max())
    };
    let updated = move || match oldest_age() {
        Some(age) if clock.get() > 0.0 => (t.get().updated_ago)(age / 1000),
        _ => String::new(),
    };
    let down = move || {
        states.with_value(|s| {
            s.iter()
                .filter_map(|(cluster, state)| state.with(|st| st.fault().map(|e| (cluster.clone(), e.to_string()))))
                .collect::<Vec<_>>()
        })
    };
    let tiles = dashboard
        .spec
        .tiles
        .iter()
        .cloned()
        .zip(slots)
        .map(|(tile, (cluster, index))| {
            let feed = feeds[&cluster];
            let data = Memo::new(move |_| {
                feed.with_latest(|latest| match latest {
                    Some((Ok(fresh), _)) => fresh.data.get(index).cloned(),
                    _ => None,
                })
            });
            view! { <TileView tile data/> }
        })
        .collect_view();
    let name = dashboard.spec.name.clone();
    view! {
        <div class="kiosk-screen" data-updates=move || updates.get() data-dashboard=dashboard.id>
            <header class="kiosk-bar">
                <h1>{name}</h1>
                <span class="kiosk-updated" data-testid="kiosk-updated"
                    data-state=move || if reconnecting.get() { "reconnecting" } else { "live" }>
                    {move || if reconnecting.get() { t.get().kiosk_reconnecting.to_string() } else { updated() }}
                </span>
                <time class="kiosk-clock" data-testid="kiosk-clock">{move || clock_text(clock.get())}</time>
            </header>
            <div class="kiosk-grid">{tiles}</div>
            {move || {
                let down = down();
                (!down.is_empty()).then(|| {
                    let age = oldest_age().filter(|_| clock.get() > 0.0);
                    view! {
                        <div class="kiosk-down" role="alert" data-testid="kiosk-unreachable">
                            {down.into_iter().map(|(cluster, error)| view! {
                                <p class="kiosk-down-title">{(t.get().kiosk_unreachable)(&cluster)}</p>
                                <p class="kiosk-down-why">{error}</p>
                            }).collect_view()}
                            {age.map(|age| view! { <p class="kiosk-down-age">{(t.get().kiosk_last_data)(age / 1000)}</p> })}
                        </div>
                    }
                })
            }}
        </div>
    }
}

/// "14:05", in the browser's time zone; empty until the clock first ticks (and on the server).
fn clock_text(now_ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    if now_ms > 0.0 {
        let date = js_sys::Date::new(&now_ms.into());
        return format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    }
    let _ = now_ms;
    String::new()
}

/// The numbers a threshold can look at, as far as a tile has them.
#[derive(Default)]
struct Numbers {
    ready: Option<f64>,
    unacked: Option<f64>,
    publish_rate: Option<f64>,
    deliver_rate: Option<f64>,
    consumers: Option<f64>,
    nodes_down: Option<f64>,
    alarms: Option<f64>,
}

impl Numbers {
    fn of_queue(q: &TileQueue) -> Numbers {
        Numbers {
            ready: Some(q.ready as f64),
            unacked: Some(q.unacked as f64),
            consumers: Some(q.consumers as f64),
            ..Default::default()
        }
    }

    fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::Ready => self.ready,
            Metric::Unacked => self.unacked,
            Metric::Backlog => Some(self.ready? + self.unacked?),
            Metric::PublishRate => self.publish_rate,
            Metric::DeliverRate => self.deliver_rate,
            Metric::Consumers => self.consumers,
            Metric::NodesDown => self.nodes_down,
            Metric::Alarms => self.alarms,
        }
    }

    /// The worst level the tile's thresholds give these numbers.
    fn level(&self, tile: &Tile) -> Level {
        tile.thresholds
            .iter()
            .filter_map(|th| self.get(th.metric).map(|v| level_of(std::slice::from_ref(th), th.metric, v)))
            .max()
            .unwrap_or_default()
    }

    /// The level of one number, by the thresholds on its metric.
    fn level_of(&self, tile: &Tile, metric: Metric) -> Level {
        self.get(metric).map(|v| level_of(&tile.thresholds, metric, v)).unwrap_or_default()
    }
}

/// The tile's own level: its worst number, its worst row, or its warnings.
fn tile_level(tile: &Tile, data: &TileData) -> Level {
    match data {
        TileData::ClusterStatus { nodes_up, nodes, alarms } => Numbers {
            nodes_down: Some(nodes.saturating_sub(*nodes_up) as f64),
            alarms: Some(alarms.len() as f64),
            ..Default::default()
        }
        .level(tile),
        TileData::Totals { .. } | TileData::Backlog(_) => numbers(data).level(tile),
        TileData::Queues(rows) => rows.iter().map(|q| Numbers::of_queue(q).level(tile)).max().unwrap_or_default(),
        TileData::Warnings(warnings) => {
            let worst = warnings.iter().map(|w| w.risk).min();
            match worst {
                Some(Risk::NodeDown | Risk::Alarm) => Level::Red,
                Some(_) => Level::Amber,
                None => Level::Ok,
            }
        }
    }
}

/// A totals or backlog tile's numbers now.
fn numbers(data: &TileData) -> Numbers {
    match data {
        TileData::Totals { ready, unacked, publish_rate, deliver_rate, consumers } => Numbers {
            ready: Some(*ready as f64),
            unacked: Some(*unacked as f64),
            publish_rate: Some(*publish_rate),
            deliver_rate: Some(*deliver_rate),
            consumers: Some(*consumers as f64),
            ..Default::default()
        },
        TileData::Backlog(history) => history
            .points
            .last()
            .map(|p| Numbers {
                ready: Some(p.ready.last),
                unacked: Some(p.unacked.last),
                publish_rate: Some(p.publish_rate.last),
                deliver_rate: Some(p.deliver_rate.last),
                consumers: Some(p.consumers.last),
                ..Default::default()
            })
            .unwrap_or_default(),
        _ => Numbers::default(),
    }
}

/// What a tile is called when its title is left empty; the editor shows it as the placeholder.
pub fn default_title(tile: &Tile, t: &'static Texts) -> String {
    let set = |queues: &domain::dashboard::QueueSet| {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(queues.vhost.clone());
        parts.extend(queues.names.iter().cloned());
        parts.extend(queues.pattern.clone());
        if parts.is_empty() {
            t.kiosk_all_queues.to_string()
        } else {
            parts.join(" · ")
        }
    };
    match &tile.kind {
        TileKind::ClusterStatus {} => t.kiosk_title_status.to_string(),
        TileKind::Totals { vhost } => (t.kiosk_title_totals)(vhost.as_deref().unwrap_or(t.kiosk_all_vhosts)),
        TileKind::Backlog { queues, range } => (t.kiosk_title_backlog)(&set(queues), range.as_str()),
        TileKind::TopQueues { by: TopBy::Backlog, .. } => t.kiosk_title_top_backlog.to_string(),
        TileKind::TopQueues { by: TopBy::Growth(range), .. } => (t.kiosk_title_top_growth)(range.as_str()),
        TileKind::NoConsumers { .. } => t.kiosk_title_no_consumers.to_string(),
        TileKind::Warnings {} => t.kiosk_title_warnings.to_string(),
    }
}

#[component]
fn TileView(tile: Tile, data: Memo<Option<Result<TileData, AppError>>>) -> impl IntoView {
    let t = use_texts();
    let tile = StoredValue::new(tile);
    let title = move || {
        tile.with_value(|tile| if tile.title.is_empty() { default_title(tile, t.get()) } else { tile.title.clone() })
    };
    let level = move || {
        data.with(|d| match d {
            Some(Ok(data)) => tile.with_value(|tile| tile_level(tile, data)),
            _ => Level::Ok,
        })
        .as_str()
    };
    let (width, kind, cluster) = tile.with_value(|tile| (tile.width, tile.kind.name(), tile.cluster.clone()));
    view! {
        <section class="kiosk-tile" data-width=width data-level=level data-kind=kind data-testid="tile">
            <header>
                <h2>{title}</h2>
                <span class="tile-cluster">{cluster}</span>
            </header>
            <div class="tile-body">
                {move || match data.get() {
                    None => view! { <p class="tile-waiting">"—"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="tile-error">{error.to_string()}</p> }.into_any(),
                    Some(Ok(data)) => tile.with_value(|tile| tile_body(tile, data, t.get())),
                }}
            </div>
        </section>
    }
}

fn tile_body(tile: &Tile, data: TileData, t: &'static Texts) -> AnyView {
    let now = numbers(&data);
    match data {
        TileData::ClusterStatus { nodes_up, nodes, alarms } => {
            let down = Numbers { nodes_down: Some(nodes.saturating_sub(nodes_up) as f64), ..Default::default() };
            let level = down.level_of(tile, Metric::NodesDown).as_str();
            let alarms = if alarms.is_empty() {
                view! { <p class="tile-note">{t.kiosk_no_alarms}</p> }.into_any()
            } else {
                view! { <ul class="tile-alarms" data-level="red">{alarms.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul> }
                    .into_any()
            };
            view! {
                <p class="big" data-level=level data-testid="tile-value">{format!("{nodes_up}/{nodes}")}</p>
                <p class="tile-note">{t.kiosk_nodes_up}</p>
                {alarms}
            }
            .into_any()
        }
        TileData::Totals { .. } => numbers_view(tile, &now, t, true).into_any(),
        TileData::Backlog(history) => {
            let svg = history_svg(&history.points, axis(history.range, t), Frame::WALL);
            // The chart is the point of this tile: the backlog now above it, nothing else.
            view! {
                {numbers_view(tile, &now, t, false)}
                {match svg {
                    Some(svg) => view! { <div class="tile-chart" inner_html=svg></div> }.into_any(),
                    None => view! { <p class="tile-note">{t.history_empty}</p> }.into_any(),
                }}
            }
            .into_any()
        }
        TileData::Queues(rows) => queue_rows(tile, rows, t).into_any(),
        TileData::Warnings(warnings) if warnings.is_empty() => {
            view! { <p class="tile-note">{t.kiosk_no_risks}</p> }.into_any()
        }
        TileData::Warnings(warnings) => {
            let items = warnings
                .into_iter()
                .map(|w| {
                    let level = if matches!(w.risk, Risk::NodeDown | Risk::Alarm) { "red" } else { "amber" };
                    let object = if w.vhost.is_empty() { w.object } else { format!("{} · {}", w.vhost, w.object) };
                    view! { <li data-level=level><b>{risk_text(w.risk, t)}</b>" "<span>{object}</span></li> }
                })
                .collect_view();
            view! { <ul class="tile-list">{items}</ul> }.into_any()
        }
    }
}

fn risk_text(risk: Risk, t: &'static Texts) -> &'static str {
    match risk {
        Risk::NodeDown => t.risk_node_down,
        Risk::Alarm => t.risk_alarm,
        Risk::TransientQueue => t.risk_transient,
        Risk::Unreplicated => t.risk_unreplicated,
        Risk::NearMaxLength => t.risk_near_max_length,
    }
}

/// Ready in big type, then (with `all`) unacked, rates and consumers beside it or below, each
/// coloured by its threshold.
fn numbers_view(tile: &Tile, n: &Numbers, t: &'static Texts, all: bool) -> impl IntoView {
    let ready_level = n.level_of(tile, Metric::Ready).max(n.level_of(tile, Metric::Backlog)).as_str();
    let small = all.then(|| {
        let figures = [
            (t.unacked, Metric::Unacked, n.unacked.map(|v| format::count(v as u64))),
            (t.publish_rate, Metric::PublishRate, n.publish_rate.map(format::rate)),
            (t.deliver_rate, Metric::DeliverRate, n.deliver_rate.map(format::rate)),
            (t.consumers, Metric::Consumers, n.consumers.map(|v| format::count(v as u64))),
        ];
        let figures = figures
            .into_iter()
            .filter_map(|(label, metric, value)| {
                let level = n.level_of(tile, metric).as_str();
                value.map(|value| view! { <div data-level=level><dt>{label}</dt><dd>{value}</dd></div> })
            })
            .collect_view();
        view! { <dl class="tile-numbers">{figures}</dl> }
    });
    view! {
        <div class="tile-figures">
            <div>
                <p class="big" data-level=ready_level data-testid="tile-value">{format::count(n.ready.unwrap_or(0.0) as u64)}</p>
                <p class="tile-note">{t.ready}</p>
            </div>
            {small}
        </div>
    }
}

fn queue_rows(tile: &Tile, rows: Vec<TileQueue>, t: &'static Texts) -> impl IntoView {
    if rows.is_empty() {
        let note =
            if matches!(tile.kind, TileKind::NoConsumers { .. }) { t.kiosk_all_consumed } else { t.kiosk_no_queues };
        return view! { <p class="tile-note">{note}</p> }.into_any();
    }
    let items = rows
        .into_iter()
        .map(|q| {
            let level = Numbers::of_queue(&q).level(tile).as_str();
            let value = match q.grown {
                Some(grown) => format!("+{}", format::count(grown.max(0.0) as u64)),
                None => format::count(q.ready + q.unacked),
            };
            view! {
                <li data-level=level data-testid="tile-queue">
                    <span class="name">{q.name}<small>{q.vhost}</small></span>
                    <span class="value">{value}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="tile-list">{items}</ol> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::dashboard::{Threshold, Warning};

    fn tile(kind: TileKind, thresholds: Vec<Threshold>) -> Tile {
        Tile { title: String::new(), cluster: "prod".into(), kind, thresholds, width: 1 }
    }

    fn queue(ready: u64, unacked: u64, consumers: u64) -> TileQueue {
        TileQueue { vhost: "/".into(), name: "q".into(), ready, unacked, consumers, grown: None }
    }

    #[test]
    fn a_tile_takes_the_level_of_its_worst_number_or_row() {
        let totals = TileKind::Totals { vhost: None };
        let t = tile(totals.clone(), totals.default_thresholds());
        let data = |ready| TileData::Totals { ready, unacked: 0, publish_rate: 0.0, deliver_rate: 0.0, consumers: 1 };
        assert_eq!([5, 10_001, 100_001].map(|r| tile_level(&t, &data(r))), [Level::Ok, Level::Amber, Level::Red]);

        // Backlog is ready + unacked; a floor on consumers goes red below it.
        let below = Threshold { metric: Metric::Consumers, amber: None, red: Some(1.0), below: true };
        let backlog = Threshold { metric: Metric::Backlog, amber: Some(5.0), red: None, below: false };
        let list = TileKind::NoConsumers { queues: Default::default(), limit: 5 };
        let t = tile(list, vec![below, backlog]);
        assert_eq!(tile_level(&t, &TileData::Queues(vec![queue(3, 1, 2)])), Level::Ok);
        assert_eq!(tile_level(&t, &TileData::Queues(vec![queue(3, 1, 2), queue(3, 3, 2)])), Level::Amber);
        assert_eq!(tile_level(&t, &TileData::Queues(vec![queue(3, 3, 2), queue(0, 0, 0)])), Level::Red);
        assert_eq!(tile_level(&t, &TileData::Queues(Vec::new())), Level::Ok);

        let status = TileKind::ClusterStatus {};
        let t = tile(status.clone(), status.default_thresholds());
        let nodes = |up| TileData::ClusterStatus { nodes_up: up, nodes: 3, alarms: Vec::new() };
        assert_eq!([3, 2].map(|up| tile_level(&t, &nodes(up))), [Level::Ok, Level::Red]);

        let warn = |risk| Warning { risk, vhost: "/".into(), object: "q".into() };
        let t = tile(TileKind::Warnings {}, Vec::new());
        let warnings = |risks: Vec<Risk>| TileData::Warnings(risks.into_iter().map(warn).collect());
        assert_eq!(tile_level(&t, &warnings(vec![])), Level::Ok);
        assert_eq!(tile_level(&t, &warnings(vec![Risk::TransientQueue])), Level::Amber);
        assert_eq!(tile_level(&t, &warnings(vec![Risk::Unreplicated, Risk::NodeDown])), Level::Red);
    }
}
