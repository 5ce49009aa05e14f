//! The tables of channels and consumers, on their own list pages and on the pages of the
//! connection, channel or queue they belong to. What loses messages stands out: a channel that
//! publishes without confirms, an auto-ack consumer, a manual-ack one without a prefetch limit.

use leptos::prelude::*;

use crate::components::advice::MarkedRow;
use crate::components::list::{text, Column};
use crate::components::live::use_cluster;
use crate::format;
use crate::i18n::{use_texts, Texts};
use crate::model::{ChannelRow, ConsumerRow, ListQuery};
use crate::urls;

/// How a channel is named to people: by its client's own name if it gave one.
pub fn channel_label(client_name: &str, name: &str, number: u64) -> String {
    if client_name.is_empty() {
        name.to_string()
    } else {
        format!("{client_name} ({number})")
    }
}

/// How a channel publishes: with confirms, in transactions, or neither.
pub fn mode_text(t: &Texts, confirm: bool, transactional: bool) -> &'static str {
    match (confirm, transactional) {
        (true, _) => t.mode_confirm,
        (_, true) => t.mode_transactional,
        _ => t.mode_neither,
    }
}

/// A prefetch count; 0 is no limit at all.
pub fn prefetch_text(t: &Texts, prefetch: u64) -> String {
    if prefetch == 0 {
        t.unlimited.to_string()
    } else {
        format::count(prefetch)
    }
}

/// `sort`: the list page's query, for sortable headers.
#[component]
pub fn ChannelTable(rows: Vec<ChannelRow>, #[prop(optional)] sort: Option<Memo<ListQuery>>) -> impl IntoView {
    let t = use_texts();
    if rows.is_empty() && sort.is_none() {
        return view! { <p class="muted">{move || t.get().no_channels}</p> }.into_any();
    }
    let cluster = use_cluster().get_untracked();
    view! {
        <div class="table-wrap">
            <table data-testid="channels">
                <thead>
                    <tr>
                        <Column sort key="vhost" label=text(|t| t.vhost)/>
                        <Column sort key="name" label=text(|t| t.channel)/>
                        <Column sort key="user" label=text(|t| t.user)/>
                        <Column sort key="mode" label=text(|t| t.channel_mode)/>
                        <Column sort key="prefetch" label=text(|t| t.prefetch) numeric=true/>
                        <Column sort key="unacked" label=text(|t| t.unacked) numeric=true/>
                        <Column sort key="unconfirmed" label=text(|t| t.unconfirmed) numeric=true/>
                        <Column sort key="consumers" label=text(|t| t.consumers) numeric=true/>
                        <Column sort key="state" label=text(|t| t.state)/>
                        <Column sort key="publish" label=text(|t| t.publish_rate) numeric=true/>
                        <Column sort key="confirm" label=text(|t| t.confirm_rate) numeric=true/>
                        <Column sort key="deliver" label=text(|t| t.deliver) numeric=true/>
                        <Column sort key="ack" label=text(|t| t.ack_rate) numeric=true/>
                        <Column sort key="redeliver" label=text(|t| t.redeliver_rate) numeric=true/>
                        <Column sort key="node" label=text(|t| t.node)/>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|c| view! { <ChannelRowView c cluster=cluster.clone()/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn ChannelRowView(c: ChannelRow, cluster: String) -> impl IntoView {
    let t = use_texts();
    let href = urls::object_page(&cluster, "channel", &c.vhost, &c.name);
    let unconfirmed_publishing = c.publishes_unconfirmed();
    let (confirm, transactional, global) = (c.confirm, c.transactional, c.global_prefetch);
    let prefetch = c.prefetch;
    view! {
        <MarkedRow advice=c.advice>
            <td>{c.vhost.clone()}</td>
            <td class="name"><a href=href>{channel_label(&c.client_name, &c.name, c.number)}</a></td>
            <td>{c.user.clone()}</td>
            <td class:flagged=unconfirmed_publishing title=move || unconfirmed_publishing.then(|| t.get().mode_neither_hint)>
                {move || mode_text(t.get(), confirm, transactional)}
            </td>
            <td class="num">
                {move || prefetch_text(t.get(), prefetch)}
                {move || (global > 0).then(|| view! { <span class="client">{(t.get().prefetch_shared)(global)}</span> })}
            </td>
            <td class="num">{format::count(c.unacked)}</td>
            <td class="num">{format::count(c.unconfirmed)}</td>
            <td class="num">{format::count(c.consumers)}</td>
            <td class:flagged=c.state == "flow" data-testid="channel-state">{c.state.clone()}</td>
            <td class="num">{format::rate(c.publish_rate)}</td>
            <td class="num">{format::rate(c.confirm_rate)}</td>
            <td class="num">{format::rate(c.deliver_rate)}</td>
            <td class="num">{format::rate(c.ack_rate)}</td>
            <td class="num">{format::rate(c.redeliver_rate)}</td>
            <td>{c.node.clone()}</td>
        </MarkedRow>
    }
}

/// `sort`: the list page's query, for sortable headers; `of_queue`: on that queue's page, where
/// a queue column would only repeat its name.
#[component]
pub fn ConsumerTable(
    rows: Vec<ConsumerRow>,
    #[prop(optional)] sort: Option<Memo<ListQuery>>,
    #[prop(optional)] of_queue: bool,
) -> impl IntoView {
    let t = use_texts();
    if rows.is_empty() && sort.is_none() {
        return view! { <p class="muted">{move || t.get().no_consumers}</p> }.into_any();
    }
    let cluster = use_cluster().get_untracked();
    view! {
        <div class="table-wrap">
            <table data-testid="consumers">
                <thead>
                    <tr>
                        {(!of_queue).then(|| view! {
                            <Column sort key="vhost" label=text(|t| t.vhost)/>
                            <Column sort key="queue" label=text(|t| t.queue)/>
                        })}
                        <Column sort key="tag" label=text(|t| t.consumer_tag)/>
                        <Column sort key="client" label=text(|t| t.channel)/>
                        <Column sort key="user" label=text(|t| t.user)/>
                        <Column sort key="ack" label=text(|t| t.ack_mode)/>
                        <Column sort key="prefetch" label=text(|t| t.prefetch) numeric=true/>
                        <Column sort key="exclusive" label=text(|t| t.exclusive_consumer)/>
                        <Column sort key="active" label=text(|t| t.active)/>
                        <th>{move || t.get().arguments}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|c| view! { <ConsumerRowView c cluster=cluster.clone() of_queue/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn ConsumerRowView(c: ConsumerRow, cluster: String, of_queue: bool) -> impl IntoView {
    let t = use_texts();
    let queue_href = urls::queue_page(&cluster, &c.vhost, &c.queue);
    let channel_href = urls::object_page(&cluster, "channel", &c.vhost, &c.channel);
    let (ack, exclusive, active, prefetch) = (c.ack_required, c.exclusive, c.active, c.prefetch);
    // Manual acks without a limit: the broker pushes the whole backlog to this one consumer.
    let unlimited = ack && prefetch == 0;
    let yes_no = move |on: bool| if on { t.get().yes } else { t.get().no };
    let arguments = c.arguments.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ");
    view! {
        <MarkedRow advice=c.advice>
            {(!of_queue).then(|| view! {
                <td>{c.vhost.clone()}</td>
                <td class="name"><a href=queue_href>{c.queue.clone()}</a></td>
            })}
            <td class="name">{c.tag.clone()}</td>
            <td class="name"><a href=channel_href>{channel_label(&c.client_name, &c.channel, c.channel_number)}</a></td>
            <td>{c.user.clone()}</td>
            <td class:flagged=!ack title=move || (!ack).then(|| t.get().ack_auto_hint) data-testid="ack-mode">
                {move || if ack { t.get().ack_manual } else { t.get().ack_auto }}
            </td>
            <td class="num" class:flagged=unlimited title=move || unlimited.then(|| t.get().unlimited_prefetch_hint)>
                {move || prefetch_text(t.get(), prefetch)}
            </td>
            <td>{move || yes_no(exclusive)}</td>
            <td>{move || yes_no(active)}</td>
            <td>{arguments}</td>
        </MarkedRow>
    }
}
