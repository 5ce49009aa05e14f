//! `/`: every cluster the person may see, one card each, worst first: whether Warren reaches it
//! (and the fault if not), nodes up, alarms, partitions, backlog with its change over the last
//! hour, message rates and connections. Each card opens its cluster. Refreshed every few seconds.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::list_cluster_cards;
use crate::components::advice::AdviceBadge;
use crate::components::fault::{error_title, ErrorView, Loading};
use crate::components::layout::{LanguageSwitch, UserMenu};
use crate::components::live::use_ticker;
use crate::format;
use crate::i18n::{use_lang, use_texts};
use crate::model::{ClusterCard, Health};
use crate::urls;

/// As often as a cluster's snapshot is refreshed by default.
const REFRESH: Duration = Duration::from_secs(5);

#[component]
pub fn AllClustersPage() -> impl IntoView {
    let t = use_texts();
    let tick = use_ticker(|| REFRESH);
    let cards = Resource::new(move || tick.get(), |_| list_cluster_cards());
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Warren"</a>
            <div class="pickers">
                <LanguageSwitch/>
                <UserMenu/>
            </div>
        </header>
        <main>
            <h1>{move || t.get().all_clusters}</h1>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match cards.await {
                        Ok(cards) if cards.is_empty() => view! { <p class="muted">{move || t.get().no_clusters}</p> }.into_any(),
                        Ok(cards) => view! {
                            <section class="cluster-cards" data-testid="cluster-cards">
                                {cards.into_iter().map(|card| view! { <Card card/> }).collect_view()}
                            </section>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Card(card: ClusterCard) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let health = card.health();
    let href = urls::cluster_home(&card.name);
    let advice = card.overview.as_ref().ok().and_then(|fresh| fresh.freshness.advice);
    let body = match card.overview.clone() {
        Err(error) => {
            let detail = error.clone();
            view! {
                <p class="fault">
                    <strong>{move || error_title(t.get(), &error)}</strong>
                    " " <span class="muted">{move || detail.in_language(lang.get())}</span>
                </p>
            }
            .into_any()
        }
        Ok(fresh) => {
            let o = fresh.data;
            let stale = fresh.freshness.error.clone().map(|error| {
                view! { <p class="fault"><strong>{move || error_title(t.get(), &error)}</strong></p> }
            });
            let up = o.nodes.iter().filter(|n| n.running).count() as u64;
            let nodes = o.nodes.len() as u64;
            let problems: Vec<String> = o
                .nodes
                .iter()
                .flat_map(|n| {
                    let t = t.get_untracked();
                    let memory = n.mem_alarm.then(|| format!("{} · {}", n.name, t.memory_alarm));
                    let disk = n.disk_alarm.then(|| format!("{} · {}", n.name, t.disk_alarm));
                    let partitions = (!n.partitions.is_empty())
                        .then(|| format!("{} · {}", n.name, (t.partitioned_from)(&n.partitions.join(", "))));
                    memory.into_iter().chain(disk).chain(partitions)
                })
                .collect();
            let change = card.ready_change;
            let m = o.messages;
            view! {
                {stale}
                <dl class="card-figures">
                    <div><dt>{move || t.get().nodes}</dt><dd data-testid="card-nodes">{format!("{up} / {nodes}")}</dd></div>
                    <div>
                        <dt>{move || t.get().ready}</dt>
                        <dd>
                            {format::count(m.ready)}
                            {change.map(|c| view! { <span class="trend" title=move || t.get().change_last_hour>{signed(c)}</span> })}
                        </dd>
                    </div>
                    <div><dt>{move || t.get().unacked}</dt><dd>{format::count(m.unacked)}</dd></div>
                    <div><dt>{move || t.get().publish_rate}</dt><dd>{format::rate(m.publish_rate)}</dd></div>
                    <div><dt>{move || t.get().deliver_rate}</dt><dd>{format::rate(m.deliver_rate)}</dd></div>
                    <div><dt>{move || t.get().connections}</dt><dd>{format::count(o.objects.connections)}</dd></div>
                </dl>
                {(!problems.is_empty()).then(|| view! {
                    <ul class="card-problems">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                })}
            }
            .into_any()
        }
    };
    view! {
        <a class="cluster-card" href=href data-health=health.as_str() data-testid="cluster-card">
            <header>
                <h2>{card.name.clone()}</h2>
                <span class="health" data-testid="card-health">{move || health_text(health)}</span>
                {advice.map(|counts| view! { <AdviceBadge counts/> })}
            </header>
            {body}
        </a>
    }
}

fn health_text(health: Health) -> &'static str {
    let t = use_texts().get();
    match health {
        Health::Unreachable => t.health_unreachable,
        Health::Partitioned => t.health_partitioned,
        Health::NodesDown => t.health_nodes_down,
        Health::Alarm => t.health_alarm,
        Health::Healthy => t.health_healthy,
    }
}

/// A change with its sign: "+1,200", "−35", "±0".
fn signed(change: f64) -> String {
    let magnitude = format::count(change.abs().round() as u64);
    match change.round() {
        c if c > 0.0 => format!("+{magnitude}"),
        c if c < 0.0 => format!("−{magnitude}"),
        _ => "±0".into(),
    }
}
