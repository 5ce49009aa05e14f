use leptos::prelude::*;

use crate::api::get_overview;
use crate::components::backlog_chart::{HistoryChart, TopGrowing};
use crate::components::live::{use_cluster, use_live, with_live};
use crate::format;
use crate::i18n::use_texts;
use crate::model::Overview;
use crate::urls;
use domain::backlog::SeriesRef;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let first = Resource::new(move || cluster.get(), get_overview);
    let live = use_live(move || urls::live(&cluster.get(), "overview", &[]));
    let every_vhost: Signal<Option<String>> = Signal::stored(None);
    view! {
        <h1>{move || t.get().overview} " · " {move || cluster.get()}</h1>
        {with_live(first, live, move |o: Overview| view! { <OverviewBody o/> })}
        // Outside the live part, so a live update does not redraw them from scratch. Someone
        // limited to some vhosts gets no cluster-wide chart (the server refuses it).
        <HistoryChart series=SeriesRef::Cluster/>
        <TopGrowing vhost=every_vhost/>
    }
}

#[component]
fn OverviewBody(o: Overview) -> impl IntoView {
    let t = use_texts();
    let m = o.messages.clone();
    let ob = o.objects.clone();
    let limited = o.limited_to_vhosts;
    let tile = move |label: fn(&crate::i18n::Texts) -> &'static str, value: String, key: &'static str| {
        view! {
            <div class="tile" data-testid=key>
                <span class="label">{move || label(t.get())}</span>
                <span class="value">{value}</span>
            </div>
        }
    };
    view! {
        <p class="muted">
            {o.cluster_name.clone()} " · RabbitMQ " {o.rabbitmq_version.clone()} " · Erlang " {o.erlang_version.clone()}
        </p>
        <section class="tiles" aria-label="messages">
            {tile(|t| t.ready, format::count(m.ready), "total-ready")}
            {tile(|t| t.unacked, format::count(m.unacked), "total-unacked")}
            {tile(|t| t.total, format::count(m.total), "total-messages")}
            {tile(|t| t.publish_rate, format::rate(m.publish_rate), "publish-rate")}
            {tile(|t| t.deliver_rate, format::rate(m.deliver_rate), "deliver-rate")}
        </section>
        {limited.then(|| view! { <p class="muted" data-testid="limited">{move || t.get().limited_to_vhosts}</p> })}
        <section class="tiles small" aria-label="objects">
            {tile(|t| t.connections, format::count(ob.connections), "total-connections")}
            {tile(|t| t.channels, format::count(ob.channels), "total-channels")}
            {tile(|t| t.exchanges, format::count(ob.exchanges), "total-exchanges")}
            {tile(|t| t.queues, format::count(ob.queues), "total-queues")}
            {tile(|t| t.consumers, format::count(ob.consumers), "total-consumers")}
        </section>
        <h2>{move || t.get().nodes}</h2>
        <NodesTable o=o.clone()/>
    }
}

#[component]
fn NodesTable(o: Overview) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster().get_untracked();
    // RabbitMQ 4 no longer reports socket limits: a limit of 0 means "not reported".
    let usage = |used: u64, limit: u64, text: String| {
        if limit == 0 {
            return view! { <td class="num muted">"–"</td> }.into_any();
        }
        let pct = format::percent(used, limit);
        view! {
            <td class="num">
                <span>{text}</span>
                <meter min="0" max="100" high="80" value=pct.min(100)></meter>
            </td>
        }
        .into_any()
    };
    view! {
        <div class="table-wrap">
            <table data-testid="nodes">
                <thead>
                    <tr>
                        <th>{move || t.get().node}</th>
                        <th>{move || t.get().node_type}</th>
                        <th>{move || t.get().version}</th>
                        <th>{move || t.get().state}</th>
                        <th>{move || t.get().alarms}</th>
                        <th class="num">{move || t.get().memory}</th>
                        <th class="num">{move || t.get().disk_free}</th>
                        <th class="num">{move || t.get().file_descriptors}</th>
                        <th class="num">{move || t.get().sockets}</th>
                        <th class="num">{move || t.get().uptime}</th>
                    </tr>
                </thead>
                <tbody>
                    {o.nodes
                        .iter()
                        .cloned()
                        .map(|n| {
                            let alarm = n.mem_alarm || n.disk_alarm;
                            // When the nodes disagree, each side's view, not one of them as the truth.
                            let (running_to, stopped_to) = o.seen_as(&n.name);
                            view! {
                                <tr class:down=!n.running class:alarm=alarm>
                                    <td class="name"><a href=urls::with_query(&urls::section(&cluster, "node"), &[("name", &n.name)])>{n.name.clone()}</a></td>
                                    <td>{n.kind.clone()}</td>
                                    <td>{n.version.clone()}</td>
                                    <td>
                                        {move || if n.running { t.get().running } else { t.get().stopped }}
                                        {(!running_to.is_empty()).then(|| {
                                            let (up, down) = (running_to.join(", "), stopped_to.join(", "));
                                            view! { <span class="flagged" data-testid="node-disputed">" · " {move || (t.get().seen_differently)(&up, &down)}</span> }
                                        })}
                                        {(!n.partitions.is_empty()).then(|| {
                                            let partitions = n.partitions.join(", ");
                                            view! { <span class="flagged">" · " {move || (t.get().partitioned_from)(&partitions)}</span> }
                                        })}
                                    </td>
                                    <td>
                                        {move || {
                                            let t = t.get();
                                            let mut alarms = Vec::new();
                                            if n.mem_alarm { alarms.push(t.memory_alarm) }
                                            if n.disk_alarm { alarms.push(t.disk_alarm) }
                                            if alarms.is_empty() { t.no_alarm.to_string() } else { alarms.join(", ") }
                                        }}
                                    </td>
                                    {usage(n.mem_used, n.mem_limit, format!("{} / {}", format::bytes(n.mem_used), format::bytes(n.mem_limit)))}
                                    <td class="num" class:alarm=n.disk_alarm>{format::bytes(n.disk_free)}</td>
                                    {usage(n.fd_used, n.fd_total, format!("{} / {}", format::count(n.fd_used), format::count(n.fd_total)))}
                                    {usage(n.sockets_used, n.sockets_total, format!("{} / {}", format::count(n.sockets_used), format::count(n.sockets_total)))}
                                    <td class="num">{format::duration_ms(n.uptime_ms)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
