//! `/c/{cluster}/channel?vhost=…&name=…`: one channel, its publishing mode and prefetch, its
//! consumers, and the exchanges it publishes to.

use leptos::prelude::*;

use crate::api::get_channel;
use crate::components::clients::{mode_text, prefetch_text, ConsumerTable};
use crate::components::live::use_cluster;
use crate::components::object_advice::ObjectAdvice;
use crate::format;
use crate::i18n::use_texts;
use crate::model::{ChannelDetail, ChannelPublishes};
use crate::pages::detail_page;
use crate::urls;

#[component]
pub fn ChannelPage() -> impl IntoView {
    detail_page("channel", |t| t.channel, get_channel, |d: ChannelDetail| view! { <ChannelBody d/> })
}

#[component]
fn ChannelBody(d: ChannelDetail) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster().get_untracked();
    let c = d.row.clone();
    let advice =
        view! { <ObjectAdvice object="channel" vhost=c.vhost.clone() name=c.name.clone() findings=d.advice.clone()/> };
    let connection_href = urls::object_page(&cluster, "connection", &c.vhost, &c.connection);
    let (confirm, transactional, unconfirmed_publishing) = (c.confirm, c.transactional, c.publishes_unconfirmed());
    let (prefetch, global) = (c.prefetch, c.global_prefetch);
    view! {
        {advice}
        <section class="tiles">
            <div class="tile" class:flagged=unconfirmed_publishing title=move || unconfirmed_publishing.then(|| t.get().mode_neither_hint)>
                <span class="label">{move || t.get().channel_mode}</span><span class="value" data-testid="channel-mode">{move || mode_text(t.get(), confirm, transactional)}</span>
            </div>
            <div class="tile"><span class="label">{move || t.get().unacked}</span><span class="value">{format::count(c.unacked)}</span></div>
            <div class="tile"><span class="label">{move || t.get().unconfirmed}</span><span class="value">{format::count(c.unconfirmed)}</span></div>
            <div class="tile"><span class="label">{move || t.get().state}</span><span class="value">{c.state.clone()}</span></div>
        </section>
        <div class="columns">
            <section>
                <h2>{move || t.get().properties}</h2>
                <dl class="props">
                    <dt>{move || t.get().connection}</dt>
                    <dd><a href=connection_href>{if c.client_name.is_empty() { c.connection.clone() } else { c.client_name.clone() }}</a></dd>
                    <dt>{move || t.get().user}</dt><dd>{c.user.clone()}</dd>
                    <dt>{move || t.get().prefetch}</dt>
                    <dd data-testid="channel-prefetch">
                        {move || prefetch_text(t.get(), prefetch)}
                        {move || (global > 0).then(|| format!(" · {}", (t.get().prefetch_shared)(global)))}
                    </dd>
                    <dt>{move || t.get().node}</dt><dd>{c.node.clone()}</dd>
                </dl>
            </section>
            <section>
                <h2>{move || t.get().messages}</h2>
                <dl class="props">
                    <dt>{move || t.get().publish_rate}</dt><dd>{format::rate(c.publish_rate)}</dd>
                    <dt>{move || t.get().confirm_rate}</dt><dd>{format::rate(c.confirm_rate)}</dd>
                    <dt>{move || t.get().deliver}</dt><dd>{format::rate(c.deliver_rate)}</dd>
                    <dt>{move || t.get().ack_rate}</dt><dd>{format::rate(c.ack_rate)}</dd>
                    <dt>{move || t.get().redeliver_rate}</dt><dd>{format::rate(c.redeliver_rate)}</dd>
                </dl>
            </section>
        </div>
        <h2>{move || t.get().consumers}</h2>
        <ConsumerTable rows=d.consumers/>
        <h2>{move || t.get().publishes_to}</h2>
        <PublishesTable publishes=d.publishes vhost=c.vhost.clone()/>
    }
}

#[component]
fn PublishesTable(publishes: Vec<ChannelPublishes>, vhost: String) -> impl IntoView {
    let t = use_texts();
    if publishes.is_empty() {
        return view! { <p class="muted">{move || t.get().publishes_unrecorded}</p> }.into_any();
    }
    let cluster = use_cluster().get_untracked();
    view! {
        <div class="table-wrap">
            <table data-testid="publishes">
                <thead>
                    <tr>
                        <th>{move || t.get().exchange}</th>
                        <th class="num">{move || t.get().messages}</th>
                        <th class="num">{move || t.get().publish_rate}</th>
                    </tr>
                </thead>
                <tbody>
                    {publishes
                        .into_iter()
                        .map(|p| {
                            let href = urls::exchange_page(&cluster, &vhost, &p.exchange);
                            let name = if p.exchange.is_empty() { t.get_untracked().default_exchange.to_string() } else { p.exchange.clone() };
                            view! {
                                <tr>
                                    <td class="name"><a href=href>{name}</a></td>
                                    <td class="num">{format::count(p.messages)}</td>
                                    <td class="num">{format::rate(p.rate)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
