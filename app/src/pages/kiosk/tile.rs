//! One tile of the wall screen: its numbers or rows, coloured by its thresholds.

use leptos::prelude::*;

use crate::chart::{history_svg, Frame};
use crate::components::backlog_chart::axis;
use crate::error::AppError;
use crate::format;
use crate::i18n::{use_lang, use_texts, Lang, Texts};
use domain::advisor::Severity;
use domain::dashboard::{level_of, Level, Metric, Tile, TileData, TileKind, TileQueue, TopBy};

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
        TileData::Warnings(warnings) => match warnings.iter().map(|w| w.severity).min() {
            Some(Severity::Red) => Level::Red,
            Some(_) => Level::Amber,
            None => Level::Ok,
        },
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
pub(super) fn TileView(tile: Tile, data: Memo<Option<Result<TileData, AppError>>>) -> impl IntoView {
    let (t, lang) = (use_texts(), use_lang());
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
                    Some(Ok(data)) => tile.with_value(|tile| tile_body(tile, data, lang.get())),
                }}
            </div>
        </section>
    }
}

fn tile_body(tile: &Tile, data: TileData, lang: Lang) -> AnyView {
    let t = lang.texts();
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
                    let level = if w.severity == Severity::Red { "red" } else { "amber" };
                    let object = if w.vhost.is_empty() { w.object } else { format!("{} · {}", w.vhost, w.object) };
                    view! { <li data-level=level><b>{lang.finding_title(&w.headline)}</b>" "<span>{object}</span></li> }
                })
                .collect_view();
            view! { <ul class="tile-list">{items}</ul> }.into_any()
        }
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

        let warn = |severity| Warning { severity, headline: "k".into(), vhost: "/".into(), object: "q".into() };
        let t = tile(TileKind::Warnings {}, Vec::new());
        let warnings = |found: Vec<Severity>| TileData::Warnings(found.into_iter().map(warn).collect());
        assert_eq!(tile_level(&t, &warnings(vec![])), Level::Ok);
        assert_eq!(tile_level(&t, &warnings(vec![Severity::Amber])), Level::Amber);
        assert_eq!(tile_level(&t, &warnings(vec![Severity::Amber, Severity::Red])), Level::Red);
    }
}
