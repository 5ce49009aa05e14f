use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{get_exchange, AddBinding, DeleteExchange};
use crate::auth::Role;
use crate::components::forms::{outcome_view, problem_banner, use_me, use_ready, ConfirmButton, IfRole, TypedRows};
use crate::components::list::{text, Features};
use crate::components::live::use_cluster;
use crate::components::object_advice::ObjectAdvice;
use crate::components::objects::{or_none, BindingTable, KeyValues};
use crate::components::publish::{PublishForm, RouteTester};
use crate::format;
use crate::i18n::use_texts;
use crate::model::ExchangeDetail;
use crate::pages::{detail_page, use_object_key};
use crate::urls;
use domain::ops::exchange::{ExchangeDeletion, NewBinding};
use domain::ops::typed::TypedEntry;

#[component]
pub fn ExchangePage() -> impl IntoView {
    let key = use_object_key();
    let operator = use_me().is_some_and(|me| me.may_write() && me.role >= Role::Operator);
    view! {
        {detail_page("exchange", |t| t.exchange, get_exchange, |d: ExchangeDetail| view! { <ExchangeBody d/> })}
        // Outside the live part: a live update must not reset a form being filled in.
        {move || {
            let (vhost, name) = key.get();
            let name = if name == "amq.default" { String::new() } else { name };
            if operator {
                view! { <ExchangeActions vhost name/> }.into_any()
            } else {
                view! { <RouteTester vhost exchange=name/> }.into_any()
            }
        }}
    }
}

#[component]
fn ExchangeActions(vhost: String, name: String) -> impl IntoView {
    // Only the default exchange takes no bindings; the broker's own `amq.*` ones take them
    // (binding a queue to `amq.topic` is routine) but cannot be deleted.
    let bind = (!name.is_empty()).then(|| view! { <BindForm vhost=vhost.clone() source=name.clone()/> });
    let delete = (!name.is_empty() && !name.starts_with("amq.")).then(|| {
        let (vhost, name) = (vhost.clone(), name.clone());
        view! {
            <IfRole role=Role::Admin>
                <DeleteExchangeForm vhost=vhost.clone() name=name.clone()/>
            </IfRole>
        }
    });
    view! {
        <PublishForm vhost exchange=name/>
        {bind}
        {delete}
    }
}

#[component]
fn BindForm(vhost: String, source: String) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let to_queue = RwSignal::new(true);
    let destination = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let arguments = RwSignal::new(vec![TypedEntry::default()]);
    let bind = ServerAction::<AddBinding>::new();
    let ready = use_ready();
    let binding = move || NewBinding {
        vhost: vhost.clone(),
        source: source.clone(),
        to_queue: to_queue.get(),
        destination: destination.get(),
        routing_key: key.get(),
        arguments: arguments.get(),
    };
    let problem = {
        let binding = binding.clone();
        Memo::new(move |_| binding().body().err())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem.get_untracked().is_none() {
            bind.dispatch(AddBinding { cluster: cluster.get_untracked(), binding: binding() });
        }
    };
    view! {
        <section class="card" data-testid="bind" data-ready=move || ready.get().to_string()>
            <h2>{move || t.get().add_binding}</h2>
            <form on:submit=submit>
                <div class="inline-form">
                    <label>
                        <span>{move || t.get().destination}</span>
                        <select on:change=move |ev| to_queue.set(event_target_value(&ev) == "queue") data-testid="bind-kind">
                            <option value="queue">{move || t.get().queue}</option>
                            <option value="exchange">{move || t.get().exchange}</option>
                        </select>
                    </label>
                    <label>
                        <span>{move || t.get().name}</span>
                        <input bind:value=destination data-testid="bind-destination" required/>
                    </label>
                    <label>
                        <span>{move || t.get().routing_key}</span>
                        <input bind:value=key data-testid="bind-key"/>
                    </label>
                </div>
                <fieldset>
                    <legend>{move || t.get().arguments}</legend>
                    <TypedRows rows=arguments testid="bind-args"/>
                </fieldset>
                {move || problem.get().filter(|_| !destination.get().is_empty()).map(|p| problem_banner(p, None))}
                <button type="submit" class="primary" data-testid="bind-submit" disabled=move || !ready.get() || problem.get().is_some() || bind.pending().get()>
                    {move || t.get().add_binding}
                </button>
            </form>
            {outcome_view(bind.value(), bind.pending(), move |_| t.get_untracked().binding_added.to_string(), "bind-result")}
        </section>
    }
}

#[component]
fn DeleteExchangeForm(vhost: String, name: String) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let if_unused = RwSignal::new(true);
    let delete = ServerAction::<DeleteExchange>::new();
    let navigate = use_navigate();
    let list = urls::with_query(&urls::section(&cluster.get_untracked(), "exchanges"), &[("vhost", &vhost)]);
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate(&list, Default::default());
        }
    });
    let on_delete = {
        let name = name.clone();
        Callback::new(move |_| {
            let delete_one =
                ExchangeDeletion { vhost: vhost.clone(), name: name.clone(), if_unused: if_unused.get_untracked() };
            delete.dispatch(DeleteExchange { cluster: cluster.get_untracked(), delete: delete_one });
        })
    };
    view! {
        <section class="card danger-zone">
            <h2>{move || t.get().danger_zone}</h2>
            <div class="actions">
                <label class="check"><input type="checkbox" bind:checked=if_unused/><span>{move || t.get().only_if_unused}</span></label>
                <ConfirmButton
                    label=Signal::derive(move || t.get().delete_exchange.to_string())
                    question=Signal::derive(move || (t.get().confirm_delete)(&name))
                    on_confirm=on_delete
                    testid="delete-exchange"
                />
            </div>
            {outcome_view(delete.value(), delete.pending(), move |_| String::new(), "delete-result")}
        </section>
    }
}

#[component]
fn ExchangeBody(d: ExchangeDetail) -> impl IntoView {
    let t = use_texts();
    let x = d.row.clone();
    let advice =
        view! { <ObjectAdvice object="exchange" vhost=x.vhost.clone() name=x.name.clone() findings=d.advice.clone()/> };
    let features = vec![
        (x.durable, text(|t| t.durable), text(|t| t.durable)),
        (x.auto_delete, text(|t| t.auto_delete), text(|t| t.auto_delete)),
        (x.internal, text(|t| t.internal), text(|t| t.internal)),
    ];
    view! {
        {advice}
        <section class="tiles small">
            <div class="tile"><span class="label">{move || t.get().publish_in}</span><span class="value">{format::rate(x.publish_in_rate)}</span></div>
            <div class="tile"><span class="label">{move || t.get().publish_out}</span><span class="value">{format::rate(x.publish_out_rate)}</span></div>
        </section>
        <div class="columns">
            <section>
                <h2>{move || t.get().properties}</h2>
                <dl class="props">
                    <dt>{move || t.get().kind}</dt><dd>{x.kind.clone()}</dd>
                    <dt>{move || t.get().features}</dt><dd><Features flags=features/></dd>
                    <dt>{move || t.get().policy}</dt><dd>{or_none(x.policy.clone())}</dd>
                </dl>
            </section>
            <section>
                <h2>{move || t.get().arguments}</h2>
                <KeyValues pairs=d.arguments.clone()/>
            </section>
        </div>
        <h2>{move || t.get().bindings_out}</h2>
        <BindingTable bindings=d.bindings_out removable=true/>
        <h2>{move || t.get().bindings_in}</h2>
        <BindingTable bindings=d.bindings_in removable=true/>
    }
}
