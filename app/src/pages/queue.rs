use leptos::prelude::*;

use crate::api::get_queue;
use crate::components::backlog::BacklogChart;
use crate::components::list::{text, Features};
use crate::components::objects::{or_none, BindingTable, KeyValues};
use crate::format;
use crate::i18n::use_texts;
use crate::model::QueueDetail;
use crate::pages::detail_page;

#[component]
pub fn QueuePage() -> impl IntoView {
    detail_page("queue", |t| t.queue, get_queue, |d: QueueDetail| view! { <QueueBody d/> })
}

#[component]
fn QueueBody(d: QueueDetail) -> impl IntoView {
    let t = use_texts();
    let q = d.row.clone();
    let features = vec![
        (q.durable, text(|t| t.durable), text(|t| t.durable)),
        (q.auto_delete, text(|t| t.auto_delete), text(|t| t.auto_delete)),
        (q.exclusive, text(|t| t.exclusive), text(|t| t.exclusive)),
    ];
    view! {
        <section class="tiles">
            <div class="tile"><span class="label">{move || t.get().ready}</span><span class="value" data-testid="queue-ready">{format::count(q.ready)}</span></div>
            <div class="tile"><span class="label">{move || t.get().unacked}</span><span class="value">{format::count(q.unacked)}</span></div>
            <div class="tile"><span class="label">{move || t.get().total}</span><span class="value">{format::count(q.total)}</span></div>
            <div class="tile"><span class="label">{move || t.get().incoming}</span><span class="value">{format::rate(q.incoming_rate)}</span></div>
            <div class="tile"><span class="label">{move || t.get().deliver}</span><span class="value">{format::rate(q.deliver_rate)}</span></div>
            <div class="tile"><span class="label">{move || t.get().consumers}</span><span class="value">{format::count(q.consumers)}</span></div>
        </section>
        <BacklogChart backlog=d.backlog.clone()/>
        <div class="columns">
            <section>
                <h2>{move || t.get().properties}</h2>
                <dl class="props">
                    <dt>{move || t.get().kind}</dt><dd>{q.kind.clone()}</dd>
                    <dt>{move || t.get().features}</dt><dd><Features flags=features/></dd>
                    <dt>{move || t.get().state}</dt><dd>{q.state.clone()}</dd>
                    <dt>{move || t.get().node}</dt><dd>{d.node.clone()}</dd>
                    <dt>{move || t.get().memory}</dt><dd>{format::bytes(d.memory)}</dd>
                    <dt>{move || t.get().policy}</dt><dd>{or_none(q.policy.clone())}</dd>
                    <dt>{move || t.get().operator_policy}</dt><dd>{or_none(d.operator_policy.clone())}</dd>
                </dl>
            </section>
            <section>
                <h2>{move || t.get().arguments}</h2>
                <KeyValues pairs=d.arguments.clone()/>
                <h2>{move || t.get().effective_policy}</h2>
                <KeyValues pairs=d.effective_policy.clone()/>
            </section>
        </div>
        <h2>{move || t.get().consumers}</h2>
        <div class="table-wrap">
            <table data-testid="consumers">
                <thead>
                    <tr>
                        <th>{move || t.get().consumer_tag}</th>
                        <th>{move || t.get().channel}</th>
                        <th>{move || t.get().ack_required}</th>
                        <th>{move || t.get().exclusive}</th>
                        <th class="num">{move || t.get().prefetch}</th>
                        <th>{move || t.get().active}</th>
                    </tr>
                </thead>
                <tbody>
                    {d.consumers
                        .iter()
                        .map(|c| {
                            let (ack, excl, active) = (c.ack_required, c.exclusive, c.active);
                            view! {
                                <tr class:risk=!ack>
                                    <td>{c.tag.clone()}</td>
                                    <td>{c.channel.clone()}</td>
                                    <td>{move || yes_no(ack)}</td>
                                    <td>{move || yes_no(excl)}</td>
                                    <td class="num">{format::count(c.prefetch)}</td>
                                    <td>{move || yes_no(active)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <h2>{move || t.get().bindings}</h2>
        <BindingTable bindings=d.bindings/>
    }
}

fn yes_no(value: bool) -> &'static str {
    let t = use_texts().get();
    if value {
        t.yes
    } else {
        t.no
    }
}
