//! "Add a queue" and "Add an exchange": folded forms above the lists, for operators. After a
//! create, the new object's page opens.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{list_vhosts, CreateExchange, CreateQueue};
use crate::components::forms::{outcome_view, problem_banner, use_ready, TypedRows};
use crate::components::list::use_vhost_filter;
use crate::components::live::use_cluster;
use crate::i18n::use_texts;
use crate::urls;
use domain::ops::exchange::{NewExchange, EXCHANGE_TYPES};
use domain::ops::queue::{NewQueue, QueueType};
use domain::ops::typed::TypedEntry;

/// A vhost picker for a create form, starting at the list's vhost filter.
#[component]
fn VhostField(vhost: RwSignal<String>, testid: &'static str) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let vhosts = Resource::new(move || cluster.get(), list_vhosts);
    view! {
        <label>
            <span>{move || t.get().vhost}</span>
            <select data-testid=testid on:change=move |ev| vhost.set(event_target_value(&ev)) prop:value=move || vhost.get()>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        vhosts.await.unwrap_or_default().into_iter().map(|v| {
                            let selected = v == vhost.get_untracked();
                            view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
                        }).collect_view()
                    })}
                </Transition>
            </select>
        </label>
    }
}

fn start_vhost() -> RwSignal<String> {
    let filter = use_vhost_filter().get_untracked();
    RwSignal::new(if filter.is_empty() { "/".to_string() } else { filter })
}

#[component]
pub fn CreateQueueForm() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let vhost = start_vhost();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(QueueType::Classic);
    let durable = RwSignal::new(true);
    let auto_delete = RwSignal::new(false);
    let arguments = RwSignal::new(vec![TypedEntry::default()]);
    let create = ServerAction::<CreateQueue>::new();
    let ready = use_ready();
    let queue = move || NewQueue {
        vhost: vhost.get(),
        name: name.get(),
        kind: kind.get(),
        durable: durable.get(),
        auto_delete: auto_delete.get(),
        arguments: arguments.get(),
    };
    let problem = Memo::new(move |_| queue().body().err());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem.get_untracked().is_none() {
            create.dispatch(CreateQueue { cluster: cluster.get_untracked(), queue: queue() });
        }
    };
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(()))) {
            navigate(
                &urls::queue_page(&cluster.get_untracked(), &vhost.get_untracked(), &name.get_untracked()),
                Default::default(),
            );
        }
    });
    view! {
        <details class="card create" data-testid="create-queue" data-ready=move || ready.get().to_string()>
            <summary>{move || t.get().add_queue}</summary>
            <form on:submit=submit>
                <div class="inline-form">
                    <VhostField vhost testid="create-queue-vhost"/>
                    <label>
                        <span>{move || t.get().name}</span>
                        <input bind:value=name required data-testid="create-queue-name"/>
                    </label>
                    <label>
                        <span>{move || t.get().kind}</span>
                        <select data-testid="create-queue-type" on:change=move |ev| {
                            let chosen = QueueType::parse(&event_target_value(&ev));
                            if chosen != QueueType::Classic {
                                durable.set(true);
                                auto_delete.set(false);
                            }
                            kind.set(chosen);
                        }>
                            {QueueType::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="check"><input type="checkbox" bind:checked=durable/><span>{move || t.get().durable}</span></label>
                    <label class="check"><input type="checkbox" bind:checked=auto_delete/><span>{move || t.get().auto_delete}</span></label>
                </div>
                <fieldset>
                    <legend>{move || t.get().arguments}</legend>
                    <TypedRows rows=arguments testid="create-queue-args" arguments=true/>
                </fieldset>
                {move || problem.get().filter(|_| !name.get().is_empty()).map(|p| problem_banner(p, Some("create-queue-problem")))}
                <button type="submit" class="primary" data-testid="create-queue-submit" disabled=move || !ready.get() || problem.get().is_some() || create.pending().get()>
                    {move || t.get().create}
                </button>
            </form>
            {outcome_view(create.value(), create.pending(), move |_| t.get_untracked().created_ok.to_string(), "create-queue-result")}
        </details>
    }
}

#[component]
pub fn CreateExchangeForm() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let vhost = start_vhost();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("direct".to_string());
    let durable = RwSignal::new(true);
    let auto_delete = RwSignal::new(false);
    let internal = RwSignal::new(false);
    let alternate = RwSignal::new(String::new());
    let arguments = RwSignal::new(vec![TypedEntry::default()]);
    let create = ServerAction::<CreateExchange>::new();
    let ready = use_ready();
    let exchange = move || NewExchange {
        vhost: vhost.get(),
        name: name.get(),
        kind: kind.get(),
        durable: durable.get(),
        auto_delete: auto_delete.get(),
        internal: internal.get(),
        alternate_exchange: alternate.get(),
        arguments: arguments.get(),
    };
    let problem = Memo::new(move |_| exchange().body().err());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem.get_untracked().is_none() {
            create.dispatch(CreateExchange { cluster: cluster.get_untracked(), exchange: exchange() });
        }
    };
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(()))) {
            navigate(
                &urls::exchange_page(&cluster.get_untracked(), &vhost.get_untracked(), &name.get_untracked()),
                Default::default(),
            );
        }
    });
    view! {
        <details class="card create" data-testid="create-exchange" data-ready=move || ready.get().to_string()>
            <summary>{move || t.get().add_exchange}</summary>
            <form on:submit=submit>
                <div class="inline-form">
                    <VhostField vhost testid="create-exchange-vhost"/>
                    <label>
                        <span>{move || t.get().name}</span>
                        <input bind:value=name required data-testid="create-exchange-name"/>
                    </label>
                    <label>
                        <span>{move || t.get().kind}</span>
                        <select data-testid="create-exchange-type" on:change=move |ev| kind.set(event_target_value(&ev))>
                            {EXCHANGE_TYPES.into_iter().map(|k| view! { <option value=k>{k}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{move || t.get().alternate_exchange}</span>
                        <input bind:value=alternate data-testid="create-exchange-ae"/>
                    </label>
                    <label class="check"><input type="checkbox" bind:checked=durable/><span>{move || t.get().durable}</span></label>
                    <label class="check"><input type="checkbox" bind:checked=auto_delete/><span>{move || t.get().auto_delete}</span></label>
                    <label class="check"><input type="checkbox" bind:checked=internal/><span>{move || t.get().internal}</span></label>
                </div>
                <fieldset>
                    <legend>{move || t.get().arguments}</legend>
                    <TypedRows rows=arguments testid="create-exchange-args"/>
                </fieldset>
                {move || problem.get().filter(|_| !name.get().is_empty()).map(|p| problem_banner(p, None))}
                <button type="submit" class="primary" data-testid="create-exchange-submit" disabled=move || !ready.get() || problem.get().is_some() || create.pending().get()>
                    {move || t.get().create}
                </button>
            </form>
            {outcome_view(create.value(), create.pending(), move |_| t.get_untracked().created_ok.to_string(), "create-exchange-result")}
        </details>
    }
}
