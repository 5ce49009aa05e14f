//! `/c/{cluster}/node?name=…`: one node: its version and type, uptime, memory by use, Erlang
//! processes, file descriptors, sockets, disk, run queue, listeners, plugins, its partition state,
//! and the cluster's feature flags.

use leptos::prelude::*;

use crate::api::get_node;
use crate::components::forms::use_me;
use crate::components::live::use_cluster;
use crate::format;
use crate::i18n::use_texts;
use crate::model::{FeatureFlag, NodeDetail};
use crate::pages::detail_page;

#[component]
pub fn NodePage() -> impl IntoView {
    detail_page("node", |t| t.node, get_node, |d: NodeDetail| view! { <NodeBody d/> })
}

#[component]
fn NodeBody(d: NodeDetail) -> impl IntoView {
    let t = use_texts();
    let n = d.info.clone();
    let running = n.running;
    let partitions = n.partitions.join(", ");
    let used = |used: u64, total: u64| format!("{} / {}", format::count(used), format::count(total));
    view! {
        {(!partitions.is_empty()).then(|| {
            let partitions = partitions.clone();
            view! {
                <div class="banner fault" role="alert" data-testid="node-partitioned">
                    <strong>{move || t.get().health_partitioned}</strong>
                    <span class="detail">{move || (t.get().partitioned_from)(&partitions)}</span>
                </div>
            }
        })}
        <section class="tiles">
            <div class="tile" class:flagged=!running>
                <span class="label">{move || t.get().state}</span>
                <span class="value" data-testid="node-state">{move || if running { t.get().running } else { t.get().stopped }}</span>
            </div>
            <div class="tile"><span class="label">{move || t.get().version}</span><span class="value">{n.version.clone()}</span></div>
            <div class="tile"><span class="label">{move || t.get().uptime}</span><span class="value">{format::duration_ms(n.uptime_ms)}</span></div>
            <div class="tile"><span class="label">{move || t.get().run_queue}</span><span class="value">{format::count(d.run_queue)}</span></div>
        </section>
        <div class="columns">
            <section>
                <h2>{move || t.get().properties}</h2>
                <dl class="props">
                    <dt>{move || t.get().node_type}</dt><dd>{n.kind.clone()}</dd>
                    <dt>{move || t.get().memory}</dt><dd>{format!("{} / {}", format::bytes(n.mem_used), format::bytes(n.mem_limit))}</dd>
                    <dt>{move || t.get().disk_free}</dt><dd>{format!("{} ({} {})", format::bytes(n.disk_free), t.get_untracked().limit, format::bytes(n.disk_free_limit))}</dd>
                    <dt>{move || t.get().erlang_processes}</dt><dd>{used(d.proc_used, d.proc_total)}</dd>
                    <dt>{move || t.get().file_descriptors}</dt><dd>{used(n.fd_used, n.fd_total)}</dd>
                    <dt>{move || t.get().sockets}</dt><dd>{if n.sockets_total == 0 { "–".to_string() } else { used(n.sockets_used, n.sockets_total) }}</dd>
                    <dt>{move || t.get().processors}</dt><dd>{d.processors}</dd>
                    <dt>"net_ticktime"</dt><dd>{format!("{} s", d.net_ticktime)}</dd>
                    <dt>"rates_mode"</dt><dd>{d.rates_mode.clone()}</dd>
                    <dt>{move || t.get().listeners}</dt>
                    <dd>{d.listeners.iter().map(|l| format!("{} {}:{}", l.protocol, l.address, l.port)).collect::<Vec<_>>().join(", ")}</dd>
                    <dt>{move || t.get().plugins}</dt><dd>{d.enabled_plugins.join(", ")}</dd>
                </dl>
            </section>
            <section>
                <h2>{move || t.get().memory}</h2>
                <MemoryTable memory=d.memory.clone()/>
            </section>
        </div>
        <h2>{move || t.get().feature_flags}</h2>
        <FlagSummary flags=d.feature_flags.clone()/>
    }
}

/// The broker's own breakdown, biggest first, each with its share of the whole.
#[component]
fn MemoryTable(memory: Vec<(String, u64)>) -> impl IntoView {
    let total: u64 = memory.iter().map(|(_, bytes)| bytes).sum();
    view! {
        <div class="table-wrap">
            <table data-testid="node-memory">
                <tbody>
                    {memory
                        .into_iter()
                        .map(|(use_, bytes)| {
                            let share = format::percent(bytes, total);
                            view! {
                                <tr>
                                    <td>{use_}</td>
                                    <td class="num">{format::bytes(bytes)}</td>
                                    <td class="num"><meter min="0" max="100" value=share></meter></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// How many of the cluster's flags are enabled; admins enable the others on the cluster's page.
#[component]
fn FlagSummary(flags: Vec<FeatureFlag>) -> impl IntoView {
    let t = use_texts();
    let enabled = flags.iter().filter(|f| f.enabled()).count();
    let pending: Vec<String> = flags.into_iter().filter(FeatureFlag::pending).map(|f| f.name).collect();
    let href = crate::urls::section(&use_cluster().get_untracked(), "settings");
    let admin = use_me().is_some_and(|me| me.is_admin());
    let flagged = !pending.is_empty();
    view! {
        <p data-testid="feature-flags" class:flagged=flagged>
            {move || (t.get().flags_summary)(enabled, &pending)}
            {admin.then(|| view! { " " <a href=href>{move || t.get().cluster_settings}</a> })}
        </p>
    }
}
