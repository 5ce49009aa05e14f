use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{get_queue, DeleteQueue, GetMessages, MoveMessages, PurgeQueue};
use crate::auth::Role;
use crate::components::backlog_chart::HistoryChart;
use crate::components::clients::ConsumerTable;
use crate::components::extensions::IfExtension;
use crate::components::forms::{outcome_view, problem_banner, use_ready, ConfirmButton, IfRole};
use crate::components::list::{text, Features};
use crate::components::live::use_cluster;
use crate::components::object_advice::ObjectAdvice;
use crate::components::objects::{or_none, BindingTable, KeyValues};
use crate::components::publish::PublishForm;
use crate::format;
use crate::i18n::use_texts;
use crate::model::QueueDetail;
use crate::pages::{detail_page, use_object_key};
use crate::urls;
use domain::backlog::SeriesRef;
use domain::ops::get::{AckMode, GetRequest, GotMessage, MAX_GET};
use domain::ops::queue::QueueDeletion;
use domain::ops::{MessageMove, MoveStarted};

#[component]
pub fn QueuePage() -> impl IntoView {
    let key = use_object_key();
    view! {
        {detail_page("queue", |t| t.queue, get_queue, |d: QueueDetail| view! { <QueueBody d/> })}
        <HistoryChart series=Signal::derive(move || {
            let (vhost, name) = key.get();
            SeriesRef::Queue { vhost, name }
        }) rates=true/>
        // Outside the live part: a live update must not reset a form being filled in.
        <IfRole role=Role::Operator>
            {move || {
                let (vhost, name) = key.get();
                view! { <QueueActions vhost name/> }
            }}
        </IfRole>
    }
}

#[component]
fn QueueActions(vhost: String, name: String) -> impl IntoView {
    let (move_vhost, move_name) = (vhost.clone(), name.clone());
    view! {
        <div class="columns actions-area">
            <PublishForm vhost=vhost.clone() exchange=String::new() queue=name.clone()/>
            <GetForm vhost=vhost.clone() name=name.clone()/>
        </div>
        <IfExtension when=|e| e.shovels>
            <MoveForm vhost=move_vhost.clone() name=move_name.clone()/>
        </IfExtension>
        <DangerZone vhost name/>
    }
}

/// Move the queue's messages into another queue of its vhost (e.g. a dead-letter queue back
/// into the queue they came from), through a shovel; needs the shovel plugin.
#[component]
fn MoveForm(vhost: String, name: String) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let to = RwSignal::new(String::new());
    let start = ServerAction::<MoveMessages>::new();
    let on_confirm = {
        let (vhost, name) = (vhost.clone(), name.clone());
        Callback::new(move |_| {
            let request = MessageMove { vhost: vhost.clone(), from: name.clone(), to: to.get_untracked() };
            start.dispatch(MoveMessages { cluster: cluster.get_untracked(), request });
        })
    };
    let question = Signal::derive(move || (t.get().confirm_move)(&name, &to.get()));
    view! {
        <section class="card" data-testid="move-messages">
            <h2>{move || t.get().move_messages}</h2>
            <p class="hint">{move || t.get().move_hint}</p>
            <div class="inline-form">
                <label class="wide">
                    <span>{move || t.get().move_to}</span>
                    <input type="text" bind:value=to data-testid="move-to"/>
                </label>
                <ConfirmButton
                    label=Signal::derive(move || t.get().move_messages.to_string())
                    question
                    on_confirm
                    testid="move"
                    disabled=Signal::derive(move || to.get().trim().is_empty())
                />
            </div>
            {outcome_view(start.value(), start.pending(), move |m: &MoveStarted| (t.get_untracked().move_started)(m.messages, &m.shovel), "move-result")}
        </section>
    }
}

/// Get messages: requeued by default, so looking does not consume.
#[component]
fn GetForm(vhost: String, name: String) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let count = RwSignal::new("1".to_string());
    let ack = RwSignal::new(AckMode::Requeue);
    let base64 = RwSignal::new(false);
    let truncate = RwSignal::new("50000".to_string());
    let get = ServerAction::<GetMessages>::new();
    let ready = use_ready();
    let request = move || GetRequest {
        vhost: vhost.clone(),
        queue: name.clone(),
        count: count.get().trim().parse().unwrap_or(0),
        ack: ack.get(),
        base64: base64.get(),
        truncate: truncate.get().trim().parse().ok(),
    };
    let problem = {
        let request = request.clone();
        Memo::new(move |_| request().check().err())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem.get_untracked().is_none() {
            get.dispatch(GetMessages { cluster: cluster.get_untracked(), get: request() });
        }
    };
    let ack_modes = [AckMode::Requeue, AckMode::Ack, AckMode::Reject];
    view! {
        <section class="card" data-testid="get-messages" data-ready=move || ready.get().to_string()>
            <h2>{move || t.get().get_messages}</h2>
            <form on:submit=submit>
                <div class="inline-form">
                    <label>
                        <span>{move || t.get().count}</span>
                        <input type="number" min="1" max=MAX_GET.to_string() bind:value=count data-testid="get-count"/>
                    </label>
                    <label>
                        <span>{move || t.get().ack_mode}</span>
                        <select
                            data-testid="get-ack"
                            on:change=move |ev| ack.set(match event_target_value(&ev).as_str() {
                                "ack" => AckMode::Ack,
                                "reject" => AckMode::Reject,
                                _ => AckMode::Requeue,
                            })
                        >
                            {ack_modes.into_iter().map(|mode| {
                                let value = match mode { AckMode::Requeue => "requeue", AckMode::Ack => "ack", AckMode::Reject => "reject" };
                                view! { <option value=value selected=move || ack.get() == mode>{move || t.get().ack_mode_name(mode)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{move || t.get().truncate_at}</span>
                        <input type="number" min="1" bind:value=truncate/>
                    </label>
                    <label class="check">
                        <input type="checkbox" bind:checked=base64/>
                        <span>{move || t.get().always_base64}</span>
                    </label>
                </div>
                {move || (ack.get() != AckMode::Requeue).then(|| view! { <p class="banner warn">{move || t.get().get_removes}</p> })}
                {move || problem.get().map(|p| problem_banner(p, None))}
                <button type="submit" class="primary" data-testid="get-submit" disabled=move || !ready.get() || problem.get().is_some() || get.pending().get()>
                    {move || t.get().get_messages}
                </button>
            </form>
            {outcome_view(get.value(), get.pending(), move |m: &Vec<GotMessage>| (t.get_untracked().got_messages)(m.len()), "get-result")}
            {move || get.value().get().and_then(|r| r.ok()).map(|messages| view! {
                <ol class="messages">
                    {messages.into_iter().map(|m| view! { <MessageView m/> }).collect_view()}
                </ol>
            })}
        </section>
    }
}

#[component]
fn MessageView(m: GotMessage) -> impl IntoView {
    let t = use_texts();
    let meta = vec![
        ("exchange".to_string(), m.exchange.clone()),
        ("routing_key".to_string(), m.routing_key.clone()),
        ("redelivered".to_string(), m.redelivered.to_string()),
        ("payload_bytes".to_string(), m.payload_bytes.to_string()),
        ("payload_encoding".to_string(), m.payload_encoding.clone()),
        ("message_count".to_string(), m.message_count.to_string()),
    ];
    view! {
        <li class="message" data-testid="message">
            <pre class="payload" data-testid="message-payload">{m.payload.clone()}</pre>
            <div class="columns">
                <KeyValues pairs=meta/>
                <div>
                    <h3>{move || t.get().properties}</h3>
                    <KeyValues pairs=m.properties.clone()/>
                    <h3>{move || t.get().headers}</h3>
                    <KeyValues pairs=m.headers.clone()/>
                </div>
            </div>
        </li>
    }
}

/// Purge (operators) and delete (admins), each confirmed.
#[component]
fn DangerZone(vhost: String, name: String) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let purge = ServerAction::<PurgeQueue>::new();
    let delete = ServerAction::<DeleteQueue>::new();
    let if_empty = RwSignal::new(true);
    let if_unused = RwSignal::new(true);
    let navigate = use_navigate();
    let on_purge = {
        let (vhost, name) = (vhost.clone(), name.clone());
        Callback::new(move |_| {
            purge.dispatch(PurgeQueue { cluster: cluster.get_untracked(), vhost: vhost.clone(), name: name.clone() });
        })
    };
    let on_delete = {
        let (vhost, name) = (vhost.clone(), name.clone());
        Callback::new(move |_| {
            let delete_one = QueueDeletion {
                vhost: vhost.clone(),
                name: name.clone(),
                if_empty: if_empty.get_untracked(),
                if_unused: if_unused.get_untracked(),
            };
            delete.dispatch(DeleteQueue { cluster: cluster.get_untracked(), delete: delete_one });
        })
    };
    // Gone: back to the list of its vhost.
    let list = urls::with_query(&urls::section(&cluster.get_untracked(), "queues"), &[("vhost", &vhost)]);
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate(&list, Default::default());
        }
    });
    let purge_question = {
        let name = name.clone();
        Signal::derive(move || (t.get().confirm_purge)(&name))
    };
    let delete_question = Signal::derive(move || (t.get().confirm_delete)(&name));
    view! {
        <section class="card danger-zone" data-testid="danger-zone">
            <h2>{move || t.get().danger_zone}</h2>
            <div class="actions">
                <ConfirmButton
                    label=Signal::derive(move || t.get().purge.to_string())
                    question=purge_question
                    on_confirm=on_purge
                    testid="purge"
                />
            </div>
            {outcome_view(purge.value(), purge.pending(), move |_| t.get_untracked().purged.to_string(), "purge-result")}
            <IfRole role=Role::Admin>
                <div class="actions">
                    <label class="check"><input type="checkbox" bind:checked=if_empty/><span>{move || t.get().only_if_empty}</span></label>
                    <label class="check"><input type="checkbox" bind:checked=if_unused/><span>{move || t.get().only_if_unused}</span></label>
                    <ConfirmButton
                        label=Signal::derive(move || t.get().delete_queue.to_string())
                        question=delete_question
                        on_confirm=on_delete
                        testid="delete-queue"
                    />
                </div>
                {outcome_view(delete.value(), delete.pending(), move |_| String::new(), "delete-result")}
            </IfRole>
        </section>
    }
}

#[component]
fn QueueBody(d: QueueDetail) -> impl IntoView {
    let t = use_texts();
    let q = d.row.clone();
    let advice =
        view! { <ObjectAdvice object="queue" vhost=q.vhost.clone() name=q.name.clone() findings=d.advice.clone()/> };
    let features = vec![
        (q.durable, text(|t| t.durable), text(|t| t.durable)),
        (q.auto_delete, text(|t| t.auto_delete), text(|t| t.auto_delete)),
        (q.exclusive, text(|t| t.exclusive), text(|t| t.exclusive)),
    ];
    view! {
        {advice}
        <section class="tiles">
            <div class="tile"><span class="label">{move || t.get().ready}</span><span class="value" data-testid="queue-ready">{format::count(q.ready)}</span></div>
            <div class="tile"><span class="label">{move || t.get().unacked}</span><span class="value">{format::count(q.unacked)}</span></div>
            <div class="tile"><span class="label">{move || t.get().total}</span><span class="value">{format::count(q.total)}</span></div>
            <div class="tile"><span class="label">{move || t.get().incoming}</span><span class="value">{format::rate(q.incoming_rate)}</span></div>
            <div class="tile"><span class="label">{move || t.get().deliver}</span><span class="value">{format::rate(q.deliver_rate)}</span></div>
            <div class="tile"><span class="label">{move || t.get().consumers}</span><span class="value">{format::count(q.consumers)}</span></div>
        </section>
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
        <ConsumerTable rows=d.consumers.clone() of_queue=true/>
        <h2>{move || t.get().bindings}</h2>
        <BindingTable bindings=d.bindings removable=true/>
    }
}
