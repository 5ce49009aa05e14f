//! The wall screen: `/kiosk/{id}`, one dashboard full screen, no navigation, big type on a dark
//! high-contrast theme. Each cluster on the dashboard has one live stream carrying all its tiles;
//! tiles change in place, the stream reconnects by itself. `?rotate=2,5&every=60` cycles through
//! dashboards. Opened with `?token=…` (a read-only screen token) on a TV browser, it runs for
//! days: nothing here grows with time (rotation replaces the history entry, old views are dropped).

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::get_dashboard;
use crate::components::live::{use_live, use_ticker, Clock, Live};
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::Freshness;
use crate::urls;
use domain::dashboard::{Dashboard, TileData, TileKind};

mod address;
mod tile;

pub use tile::default_title;
use tile::TileView;

/// A dashboard edited while screens show it reaches them within this.
const RELOAD_EVERY: Duration = Duration::from_secs(60);

type TilesFeed = Live<Vec<Result<TileData, AppError>>>;

#[component]
pub fn KioskPage() -> impl IntoView {
    let t = use_texts();
    let address = address::current();
    let id = RwSignal::new(address.id);
    let first = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_dashboard(id).await,
                None => Err(AppError::NotFound("a dashboard: the address has no dashboard number".into())),
            }
        },
    );
    use_rotation(id, address);
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

/// Moves to the next dashboard of `?rotate=` every `?every=` seconds, in place.
fn use_rotation(id: RwSignal<Option<i64>>, address: address::Address) {
    let every = Duration::from_secs(address.every);
    let tick = use_ticker(move || every);
    #[cfg(feature = "hydrate")]
    Effect::new(move |previous: Option<u64>| {
        let now = tick.get();
        if previous.is_some_and(|p| p != now) {
            if let Some(next) = address.next_after(id.get_untracked()) {
                address::replace(&address.url_of(next));
                id.set(Some(next));
            }
        }
        now
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, tick, address);
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

    /// The freshness, when data still comes but some nodes are silent or some figures are older.
    fn warnings(&self) -> Option<&Freshness> {
        match self {
            FeedState::Data { freshness, .. } if !freshness.unreachable.is_empty() || !freshness.held.is_empty() => {
                Some(freshness)
            }
            _ => None,
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
    // Silent nodes and held figures, in the bar's words; the clock is 0 until hydration.
    let warnings = move || {
        let now = clock.get();
        let secs = |since_ms: i64| (now > 0.0).then(|| ((now - since_ms as f64).max(0.0) / 1000.0) as u64);
        let t = t.get();
        states.with_value(|s| {
            s.iter()
                .filter_map(|(_, state)| state.with(|st| st.warnings().cloned()))
                .flat_map(|f| {
                    let nodes = f.unreachable.iter().map(|n| (t.node_unreachable)(&n.node, secs(n.since_ms)));
                    let parts: Vec<_> = f.held.iter().map(|h| h.part).collect();
                    let oldest = f.held.iter().map(|h| h.since_ms).min();
                    nodes.chain(oldest.map(|since| (t.held_parts)(&parts, secs(since)))).collect::<Vec<_>>()
                })
                .map(|text| view! { <p class="kiosk-warning" data-testid="kiosk-warning">{text}</p> })
                .collect_view()
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
            {warnings}
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
