//! "Where would a message go?": a routing key and headers in, the queues it would reach and why
//! out, computed in the browser from the vhost's bindings (`routing`) as the person types.

use leptos::prelude::*;
use serde_json::Value;

use crate::api::get_topology;
use crate::components::fault::fetched;
use crate::components::live::use_cluster;
use crate::i18n::{use_texts, Texts};
use crate::routing::{Step, Topology};
use crate::urls;

#[component]
pub fn RoutePreview(vhost: String, exchange: String) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let topology = {
        let vhost = vhost.clone();
        Resource::new(move || (cluster.get(), vhost.clone()), |(c, v)| get_topology(c, v))
    };
    let key = RwSignal::new(String::new());
    let headers = RwSignal::new(String::new());
    view! {
        <section class="card route-preview" data-testid="route-preview">
            <h2>{move || t.get().route_preview}</h2>
            <div class="inline-form">
                <label>
                    <span>{move || t.get().routing_key}</span>
                    <input data-testid="preview-key" bind:value=key/>
                </label>
                <label class="wide">
                    <span>{move || t.get().headers_json}</span>
                    <input data-testid="preview-headers" placeholder=r#"{"type": "order", "priority": 5}"# bind:value=headers/>
                </label>
            </div>
            {fetched(topology, move |fresh| {
                let (topology, vhost, exchange) = (fresh.data, vhost.clone(), exchange.clone());
                move || outcome(&topology, &vhost, &exchange, &key.get(), &headers.get(), cluster.get(), t.get())
            })}
        </section>
    }
}

/// Headers typed as a JSON object, so values keep their types (`5` is a number, `"5"` a string).
fn parse_headers(text: &str) -> Result<Vec<(String, Value)>, ()> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
        _ => Err(()),
    }
}

fn outcome(
    topology: &Topology,
    vhost: &str,
    exchange: &str,
    key: &str,
    headers: &str,
    cluster: String,
    t: &'static Texts,
) -> AnyView {
    let Ok(headers) = parse_headers(headers) else {
        return view! { <p class="banner error" role="alert">{t.bad_headers}</p> }.into_any();
    };
    let routing = topology.route(exchange, key, &headers);
    let name = |x: &str| if x.is_empty() { t.default_exchange.to_string() } else { x.to_string() };
    let steps = routing
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
        .collect_view();
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
            <ol class="muted">{steps}</ol>
        </details>
    }
    .into_any()
}
