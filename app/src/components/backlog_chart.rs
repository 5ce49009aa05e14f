//! Recorded history: range buttons (the range lives in the page URL, so a link shows the same
//! chart), the backlog and rate charts, a readout of the point under the pointer, the growth
//! forecast, and the top-growing list. Charts re-read every few seconds, so they append live.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::{get_history, top_growing};
use crate::chart::{history_svg, rates_svg, Frame, TimeAxis};
use crate::components::live::{use_cluster, use_ticker};
use crate::error::AppError;
use crate::format;
use crate::i18n::{use_texts, Texts};
use crate::urls;
use domain::backlog::{Forecast, History, HistoryPoint, Outlook, Range, SeriesRef, Source};

/// The range in the page URL (`?range=8h`), 10 minutes if none.
pub fn use_range() -> Memo<Range> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("range").and_then(|r| Range::parse(&r)).unwrap_or_default())
}

/// Fine ranges follow every refresh; coarse ones gain a point a minute.
fn refetch_period(range: Range) -> std::time::Duration {
    std::time::Duration::from_secs(if range.step_ms() == 0 { 5 } else { 60 })
}

pub fn axis(range: Range, t: &'static Texts) -> TimeAxis {
    let span_ms = range.millis() as f64;
    match range {
        Range::TenMinutes | Range::Hour => TimeAxis { span_ms, unit_ms: 60_000.0, label: t.minutes_ago },
        Range::EightHours | Range::Day => TimeAxis { span_ms, unit_ms: 3_600_000.0, label: t.hours_ago },
        Range::Week => TimeAxis { span_ms, unit_ms: 86_400_000.0, label: t.days_ago },
    }
}

/// The range buttons: links to this page with another `range`, other query keys kept.
#[component]
pub fn RangeLinks() -> impl IntoView {
    let location = use_location();
    let current = use_range();
    let href = move |range: Range| {
        let mut pairs: Vec<(String, String)> = location
            .query
            .get()
            .into_iter()
            .filter(|(k, _)| k != "range")
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        pairs.push(("range".into(), range.as_str().into()));
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        urls::with_query(&location.pathname.get(), &pairs)
    };
    let links = Range::ALL
        .into_iter()
        .map(|range| {
            view! {
                <a href=move || href(range) class="range" class:active=move || current.get() == range
                    aria-current=move || (current.get() == range).then_some("true") data-testid=format!("range-{}", range.as_str())>
                    {range.as_str()}
                </a>
            }
        })
        .collect_view();
    view! { <nav class="ranges" aria-label="range">{links}</nav> }
}

/// One series' recorded backlog (and, for queues, rates and forecast) over the URL's range.
#[component]
pub fn HistoryChart(#[prop(into)] series: Signal<SeriesRef>, #[prop(optional)] rates: bool) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let range = use_range();
    let tick = use_ticker(move || refetch_period(range.get_untracked()));
    let history = Resource::new(
        move || (cluster.get(), series.get(), range.get(), tick.get()),
        |(cluster, series, range, _)| get_history(cluster, series, range),
    );
    // The point under the pointer (None: the newest); kept here so a refetch does not reset it.
    let pointed = RwSignal::new(None::<usize>);
    view! {
        <figure class="chart" data-testid="history-chart">
            <figcaption>
                <span>{move || t.get().backlog_history}</span>
                <span class="legend ready">{move || t.get().ready}</span>
                <span class="legend unacked">{move || t.get().unacked}</span>
                <RangeLinks/>
            </figcaption>
            <Transition fallback=move || view! { <p class="muted">{move || t.get().loading}</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(h) => view! { <HistoryView h rates pointed/> }.into_any(),
                        Err(AppError::Forbidden(_)) => ().into_any(),
                        Err(error) => view! { <p class="banner error">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </figure>
    }
}

#[component]
fn HistoryView(h: History, rates: bool, pointed: RwSignal<Option<usize>>) -> impl IntoView {
    let t = use_texts();
    let axis_of = move || axis(h.range, t.get());
    let points = StoredValue::new(h.points);
    let backlog = move || points.with_value(|p| history_svg(p, axis_of(), Frame::PAGE));
    let rate_chart = move || points.with_value(|p| rates_svg(p, axis_of()));
    let on_move = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use crate::chart::plot_span;
            use wasm_bindgen::JsCast;
            let Some(target) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
                return;
            };
            let rect = target.get_bounding_client_rect();
            let fraction = (ev.client_x() as f64 - rect.left()) / rect.width().max(1.0);
            let (left, right) = plot_span();
            let along = ((fraction - left) / (right - left)).clamp(0.0, 1.0);
            // The plot spans the whole range, ending at the newest point.
            let span_ms = h.range.millis() as f64;
            pointed.set(points.with_value(|p| {
                let newest = p.last()?.ts_ms as f64;
                domain::backlog::nearest(p, (newest - (1.0 - along) * span_ms) as i64)
            }));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let readout = move || {
        points.with_value(|p| {
            let point = pointed.get().and_then(|i| p.get(i)).or(p.last()).copied();
            point.map(|point| readout_text(&point, t.get()))
        })
    };
    let empty = points.with_value(Vec::is_empty);
    let forecast = h.forecast;
    let source = move || match h.source {
        Source::Warren => None,
        Source::Prometheus => Some(("muted", t.get().history_from_prometheus)),
        Source::WarrenInsteadOfPrometheus => Some(("banner warn", t.get().history_prometheus_down)),
    };
    view! {
        {move || source().map(|(class, text)| view! { <p class=class data-testid="history-source">{text}</p> })}
        {rates.then(|| view! { <ForecastLine forecast/> })}
        {empty.then(|| view! { <p class="muted" data-testid="history-empty">{move || t.get().history_empty}</p> })}
        {(!empty).then(|| view! {
            <div class="chart-svg" data-testid="history-svg" data-points=points.with_value(Vec::len)
                on:mousemove=on_move on:mouseleave=move |_| pointed.set(None) inner_html=backlog></div>
            <p class="readout mono" data-testid="history-readout" aria-live="polite">{readout}</p>
        })}
        {(rates && !empty).then(|| view! {
            <div class="chart-legend">
                <span class="legend publish">{move || t.get().incoming}</span>
                <span class="legend deliver">{move || t.get().deliver}</span>
            </div>
            <div class="chart-svg rates" data-testid="rates-svg" inner_html=rate_chart></div>
        })}
    }
}

fn readout_text(p: &HistoryPoint, t: &'static Texts) -> String {
    let count = |v: f64| format::count(v.max(0.0) as u64);
    let peak = if p.ready.max > p.ready.last { format!(" ({} {})", t.peak, count(p.ready.max)) } else { String::new() };
    format!(
        "{} · {} {}{peak} · {} {} · {} {} · {} {}",
        format::timestamp(p.ts_ms),
        t.ready,
        count(p.ready.last),
        t.unacked,
        count(p.unacked.last),
        t.incoming,
        format::rate(p.publish_rate.last),
        t.deliver,
        format::rate(p.deliver_rate.last),
    )
}

/// Where a queue's backlog is heading, from the server's forecast.
#[component]
pub fn ForecastLine(forecast: Option<Forecast>) -> impl IntoView {
    let t = use_texts();
    let text = move || {
        let t = t.get();
        match forecast {
            None => t.forecast_unknown.to_string(),
            Some(f) => {
                let rate = (t.net_rate)(f.net_rate);
                let outlook = match f.outlook {
                    Outlook::Steady => t.forecast_steady.to_string(),
                    Outlook::EmptiesIn(s) => (t.empties_in)(&format::duration_ms((s * 1000.0) as u64)),
                    Outlook::FullIn(s, limit) => {
                        (t.full_in)(&format::duration_ms((s * 1000.0) as u64), &format::count(limit))
                    }
                    Outlook::Growing => t.forecast_growing.to_string(),
                };
                format!("{rate} · {outlook}")
            }
        }
    };
    let warn = matches!(forecast, Some(Forecast { outlook: Outlook::FullIn(..) | Outlook::Growing, .. }));
    view! { <p class="forecast" class:warn=warn data-testid="forecast">{text}</p> }
}

/// The queues whose backlog grew most over the URL's range.
#[component]
pub fn TopGrowing(#[prop(into)] vhost: Signal<Option<String>>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let range = use_range();
    let tick = use_ticker(move || refetch_period(range.get_untracked()));
    let grown = Resource::new(
        move || (cluster.get(), vhost.get(), range.get(), tick.get()),
        |(cluster, vhost, range, _)| top_growing(cluster, vhost, range),
    );
    view! {
        <section data-testid="top-growing">
            <h2>{move || t.get().top_growing} " · " {move || range.get().as_str()}</h2>
            <Transition fallback=move || view! { <p class="muted">{move || t.get().loading}</p> }>
                {move || Suspend::new(async move {
                    match grown.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">{move || t.get().nothing_grew}</p> }.into_any(),
                        Ok(rows) => {
                            let cluster = cluster.get_untracked();
                            let rows = rows
                                .into_iter()
                                .map(|g| {
                                    let href = urls::queue_page(&cluster, &g.vhost, &g.name);
                                    view! {
                                        <tr>
                                            <td><a href=href>{g.name.clone()}</a></td>
                                            <td>{g.vhost.clone()}</td>
                                            <td class="num">{format::count(g.from as u64)}</td>
                                            <td class="num">{format::count(g.to as u64)}</td>
                                            <td class="num">"+" {format::count(g.grown() as u64)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <div class="table-wrap"><table>
                                    <thead><tr>
                                        <th>{move || t.get().name}</th>
                                        <th>{move || t.get().vhost}</th>
                                        <th class="num">{move || t.get().backlog_then}</th>
                                        <th class="num">{move || t.get().backlog_now}</th>
                                        <th class="num">{move || t.get().growth}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table></div>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <p class="banner error">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
