//! Publishing a test message, with a preview of where it would go computed in the browser from
//! the vhost's bindings as it is typed, saved templates, and the broker's answer: routed or not,
//! and why not.

use leptos::prelude::*;
use serde_json::Value;

use crate::api::{get_topology, list_templates, PublishMessage, SaveTemplate};
use crate::components::fault::fetched;
use crate::components::forms::{outcome_view, problem_banner, use_ready, TypedRows};
use crate::components::live::use_cluster;
use crate::i18n::{use_texts, Texts};
use crate::urls;
use domain::ops::problem::{FormProblem, Table};
use domain::ops::publish::{MessageProperties, PayloadEncoding, Publish, Published, MAX_COPIES};
use domain::ops::typed::{typed_map, TypedEntry};
use domain::routing::{Routing, Step, Topology};

/// The publish form. `queue`: publishing from a queue's page, through the default exchange with
/// the queue's name as routing key (fixed).
#[component]
pub fn PublishForm(vhost: String, exchange: String, #[prop(optional)] queue: Option<String>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let fixed_key = queue.is_some();
    let key = RwSignal::new(queue.unwrap_or_default());
    let payload = RwSignal::new(String::new());
    let base64 = RwSignal::new(false);
    let headers = RwSignal::new(vec![TypedEntry::default()]);
    let copies = RwSignal::new("1".to_string());
    let props = PropertySignals::new(&MessageProperties::default());
    let template_name = RwSignal::new(String::new());
    let ready = use_ready();
    let publish = ServerAction::<PublishMessage>::new();
    let save = ServerAction::<SaveTemplate>::new();
    let templates = Resource::new(move || save.version().get(), |_| list_templates());

    let message = {
        let (vhost, exchange) = (vhost.clone(), exchange.clone());
        move || Publish {
            vhost: vhost.clone(),
            exchange: exchange.clone(),
            routing_key: key.get(),
            payload: payload.get(),
            encoding: if base64.get() { PayloadEncoding::Base64 } else { PayloadEncoding::Text },
            properties: props.read(),
            headers: headers.get(),
            copies: copies.get().trim().parse().unwrap_or(0),
        }
    };
    let problem = {
        let message = message.clone();
        Memo::new(move |_| message().check().err())
    };
    let submit = {
        let message = message.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if problem.get_untracked().is_none() {
                publish.dispatch(PublishMessage { cluster: cluster.get_untracked(), message: message() });
            }
        }
    };
    let load = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        let chosen = templates.get().and_then(|r| r.ok()).and_then(|list| list.into_iter().find(|t| t.name == name));
        if let Some(template) = chosen {
            let m = template.message;
            if !fixed_key {
                key.set(m.routing_key);
            }
            payload.set(m.payload);
            base64.set(m.encoding == PayloadEncoding::Base64);
            headers.set(if m.headers.is_empty() { vec![TypedEntry::default()] } else { m.headers });
            copies.set(m.copies.to_string());
            props.write(&m.properties);
            template_name.set(template.name);
        }
    };
    let save_template = {
        let message = message.clone();
        move |_| {
            save.dispatch(SaveTemplate { name: template_name.get_untracked(), message: message() });
        }
    };
    let header_values = header_values(headers);
    let done = move |p: &Published| {
        let t = t.get_untracked();
        (t.published)(p.copies, p.routed)
    };

    view! {
        <section class="card publish" data-testid="publish" data-ready=move || ready.get().to_string()>
            <h2>{move || t.get().publish_message}</h2>
            <form on:submit=submit>
                <div class="inline-form">
                    <label>
                        <span>{move || t.get().routing_key}</span>
                        <input data-testid="publish-key" bind:value=key readonly=fixed_key/>
                    </label>
                    <label>
                        <span>{move || t.get().copies}</span>
                        <input type="number" min="1" max=MAX_COPIES.to_string() data-testid="publish-copies" bind:value=copies/>
                    </label>
                    <label>
                        <span>{move || t.get().template}</span>
                        <select data-testid="template-picker" on:change=load>
                            <option value="">"—"</option>
                            <Transition fallback=|| ()>
                                {move || Suspend::new(async move {
                                    templates.await.unwrap_or_default().into_iter()
                                        .map(|tpl| view! { <option value=tpl.name.clone()>{tpl.name.clone()}</option> })
                                        .collect_view()
                                })}
                            </Transition>
                        </select>
                    </label>
                </div>
                <label class="block">
                    <span>{move || t.get().payload}</span>
                    <textarea rows="4" data-testid="publish-payload" bind:value=payload></textarea>
                </label>
                <label class="check">
                    <input type="checkbox" bind:checked=base64/>
                    <span>{move || t.get().payload_is_base64}</span>
                </label>
                <fieldset>
                    <legend>{move || t.get().headers}</legend>
                    <TypedRows rows=headers testid="publish-headers"/>
                </fieldset>
                <details>
                    <summary>{move || t.get().properties}</summary>
                    <PropertyFields props/>
                </details>
                {move || problem.get().map(|p| problem_banner(p, Some("publish-problem")))}
                <div class="actions">
                    <button type="submit" class="primary" data-testid="publish-submit" disabled=move || !ready.get() || problem.get().is_some() || publish.pending().get()>
                        {move || t.get().publish}
                    </button>
                    <input aria-label=move || t.get().template_name placeholder=move || t.get().template_name bind:value=template_name data-testid="template-name"/>
                    <button type="button" on:click=save_template data-testid="template-save" disabled=move || template_name.get().trim().is_empty()>
                        {move || t.get().save_template}
                    </button>
                </div>
            </form>
            {outcome_view(publish.value(), publish.pending(), done, "publish-result")}
            {move || publish.value().get().and_then(|r| r.ok()).and_then(|p| p.routing).map(|routing| {
                view! { <RouteSteps routing/> }
            })}
            {outcome_view(save.value(), save.pending(), move |_| t.get_untracked().template_saved.to_string(), "template-result")}
            {(!fixed_key).then(|| view! { <RoutePreview vhost=vhost.clone() exchange=exchange.clone() key=key.into() headers=header_values/> })}
        </section>
    }
}

/// The routing preview on its own, for those who may not publish: a routing key and typed
/// headers in, the queues the message would reach out.
#[component]
pub fn RouteTester(vhost: String, exchange: String) -> impl IntoView {
    let t = use_texts();
    let key = RwSignal::new(String::new());
    let headers = RwSignal::new(vec![TypedEntry::default()]);
    let ready = use_ready();
    view! {
        <section class="card" data-testid="route-tester" data-ready=move || ready.get().to_string()>
            <div class="inline-form">
                <label>
                    <span>{move || t.get().routing_key}</span>
                    <input data-testid="publish-key" bind:value=key/>
                </label>
            </div>
            <fieldset>
                <legend>{move || t.get().headers}</legend>
                <TypedRows rows=headers testid="publish-headers"/>
            </fieldset>
            <RoutePreview vhost exchange key=key.into() headers=header_values(headers)/>
        </section>
    }
}

/// Typed header rows as the JSON values routing compares, or what is wrong with them.
fn header_values(headers: RwSignal<Vec<TypedEntry>>) -> Signal<Result<Vec<(String, Value)>, FormProblem>> {
    Signal::derive(move || typed_map(&headers.get(), Table::Headers).map(|map| map.into_iter().collect()))
}

/// The twelve AMQP properties, one signal each.
#[derive(Clone, Copy)]
struct PropertySignals {
    persistent: RwSignal<bool>,
    texts: [(&'static str, RwSignal<String>); 11],
}

impl PropertySignals {
    fn new(p: &MessageProperties) -> Self {
        let s = |v: &String| RwSignal::new(v.clone());
        Self {
            persistent: RwSignal::new(p.persistent),
            texts: [
                ("content_type", s(&p.content_type)),
                ("content_encoding", s(&p.content_encoding)),
                ("priority", s(&p.priority)),
                ("correlation_id", s(&p.correlation_id)),
                ("reply_to", s(&p.reply_to)),
                ("expiration", s(&p.expiration)),
                ("message_id", s(&p.message_id)),
                ("timestamp", s(&p.timestamp)),
                ("type", s(&p.kind)),
                ("user_id", s(&p.user_id)),
                ("app_id", s(&p.app_id)),
            ],
        }
    }

    fn read(&self) -> MessageProperties {
        let [ct, ce, pr, ci, rt, ex, mi, ts, ty, ui, ai] = self.texts.map(|(_, s)| s.get());
        MessageProperties {
            persistent: self.persistent.get(),
            content_type: ct,
            content_encoding: ce,
            priority: pr,
            correlation_id: ci,
            reply_to: rt,
            expiration: ex,
            message_id: mi,
            timestamp: ts,
            kind: ty,
            user_id: ui,
            app_id: ai,
        }
    }

    fn write(&self, p: &MessageProperties) {
        self.persistent.set(p.persistent);
        let fresh = PropertySignals::new(p);
        for ((_, mine), (_, new)) in self.texts.iter().zip(fresh.texts.iter()) {
            mine.set(new.get_untracked());
        }
    }
}

#[component]
fn PropertyFields(props: PropertySignals) -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="props-grid">
            <label class="check">
                <input type="checkbox" bind:checked=props.persistent data-testid="publish-persistent"/>
                <span>{move || t.get().persistent}</span>
            </label>
            {props.texts.into_iter().map(|(name, signal)| view! {
                <label>
                    <span class="mono">{name}</span>
                    <input bind:value=signal data-testid=format!("publish-prop-{name}")/>
                </label>
            }).collect_view()}
        </div>
    }
}

/// Where a message with this key and these headers would go, from the vhost's bindings.
#[component]
fn RoutePreview(
    vhost: String,
    exchange: String,
    key: Signal<String>,
    headers: Signal<Result<Vec<(String, Value)>, FormProblem>>,
) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let topology = {
        let vhost = vhost.clone();
        Resource::new(move || (cluster.get(), vhost.clone()), |(c, v)| get_topology(c, v))
    };
    view! {
        <div class="route-preview" data-testid="route-preview">
            <h3>{move || t.get().route_preview}</h3>
            {fetched(topology, move |fresh| {
                let (topology, vhost, exchange) = (fresh.data, vhost.clone(), exchange.clone());
                move || match headers.get() {
                    Err(problem) => problem_banner(problem, None).into_any(),
                    Ok(headers) => preview(&topology, &vhost, &exchange, &key.get(), &headers, cluster.get()),
                }
            })}
        </div>
    }
}

fn preview(
    topology: &Topology,
    vhost: &str,
    exchange: &str,
    key: &str,
    headers: &[(String, Value)],
    cluster: String,
) -> AnyView {
    let t = use_texts().get();
    let routing = topology.route(exchange, key, headers);
    let queues = routing
        .queues
        .iter()
        .map(|q| view! { <li><a href=urls::queue_page(&cluster, vhost, q) data-testid="preview-queue">{q.clone()}</a></li> })
        .collect_view();
    view! {
        <p data-testid="preview-summary" class=if routing.routed() { "routed" } else { "banner error" }>
            {if routing.routed() { (t.routed_to)(routing.queues.len()) } else { t.unroutable.to_string() }}
        </p>
        <ul class="preview-queues">{queues}</ul>
        <details>
            <summary>{t.route_steps}</summary>
            <ol class="muted">{step_lines(&routing, t)}</ol>
        </details>
    }
    .into_any()
}

/// Why a published message went nowhere, from the bindings as Warren last saw them.
#[component]
fn RouteSteps(routing: Routing) -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="banner error" data-testid="publish-unroutable">
            <strong>{move || t.get().unroutable}</strong>
            <ol>{move || step_lines(&routing, t.get())}</ol>
        </div>
    }
}

fn step_lines(routing: &Routing, t: &'static Texts) -> AnyView {
    let name = |x: &str| if x.is_empty() { t.default_exchange.to_string() } else { x.to_string() };
    routing
        .steps
        .iter()
        .map(|step| match step {
            Step::Bound { exchange, destination, to_queue, binding_key } => {
                let kind = if *to_queue { t.queue } else { t.exchange };
                format!("{} → {kind} {destination} ({} {binding_key:?})", name(exchange), t.routing_key)
            }
            Step::Alternate { exchange, alternate } => {
                format!("{}: {} → {alternate}", name(exchange), t.route_alternate)
            }
            Step::NoMatch { exchange } => format!("{}: {}", name(exchange), t.route_no_match),
            Step::Missing { exchange } => format!("{exchange}: {}", t.route_missing),
            Step::UnknownType { exchange, kind } => format!("{exchange} ({kind}): {}", t.route_unknown_type),
        })
        .map(|line| view! { <li>{line}</li> })
        .collect_view()
        .into_any()
}
