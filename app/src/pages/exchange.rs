use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::get_exchange;
use crate::components::list::{text, Features};
use crate::components::objects::{BindingTable, KeyValues};
use crate::components::refresh::{use_cluster, use_refresh_tick};
use crate::format;
use crate::i18n::use_texts;
use crate::model::ExchangeDetail;
use crate::pages::with_data;

#[component]
pub fn ExchangePage() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let query = use_query_map();
    let key = Memo::new(move |_| {
        let q = query.read();
        (q.get("vhost").unwrap_or_default(), q.get("name").unwrap_or_default())
    });
    let detail = Resource::new(
        move || (cluster.get(), key.get(), use_refresh_tick()),
        |(cluster, (vhost, name), _)| get_exchange(cluster, vhost, name),
    );
    let title = move || {
        let name = key.get().1;
        if name.is_empty() || name == "amq.default" {
            t.get().default_exchange.to_string()
        } else {
            name
        }
    };
    view! {
        <h1 class="object-title">
            <span class="muted">{move || t.get().exchange} " "</span>
            <span data-testid="object-name">{title}</span>
            <span class="muted">" · " {move || key.get().0}</span>
        </h1>
        {with_data(detail, move |d: ExchangeDetail| view! { <ExchangeBody d/> })}
    }
}

#[component]
fn ExchangeBody(d: ExchangeDetail) -> impl IntoView {
    let t = use_texts();
    let x = d.row.clone();
    let features = vec![
        (x.durable, text(|t| t.durable), text(|t| t.durable)),
        (x.auto_delete, text(|t| t.auto_delete), text(|t| t.auto_delete)),
        (x.internal, text(|t| t.internal), text(|t| t.internal)),
    ];
    view! {
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
                    <dt>{move || t.get().policy}</dt><dd>{x.policy.clone()}</dd>
                </dl>
            </section>
            <section>
                <h2>{move || t.get().arguments}</h2>
                <KeyValues pairs=d.arguments.clone()/>
            </section>
        </div>
        <h2>{move || t.get().bindings_out}</h2>
        <BindingTable bindings=d.bindings_out/>
        <h2>{move || t.get().bindings_in}</h2>
        <BindingTable bindings=d.bindings_in/>
    }
}
