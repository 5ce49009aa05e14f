use leptos::prelude::*;

use crate::api::get_exchange;
use crate::components::list::{text, Features};
use crate::components::objects::{or_none, BindingTable, KeyValues};
use crate::components::route_preview::RoutePreview;
use crate::format;
use crate::i18n::use_texts;
use crate::model::ExchangeDetail;
use crate::pages::detail_page;

#[component]
pub fn ExchangePage() -> impl IntoView {
    detail_page("exchange", |t| t.exchange, get_exchange, |d: ExchangeDetail| view! { <ExchangeBody d/> })
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
                    <dt>{move || t.get().policy}</dt><dd>{or_none(x.policy.clone())}</dd>
                </dl>
            </section>
            <section>
                <h2>{move || t.get().arguments}</h2>
                <KeyValues pairs=d.arguments.clone()/>
            </section>
        </div>
        <RoutePreview vhost=x.vhost.clone() exchange=x.name.clone()/>
        <h2>{move || t.get().bindings_out}</h2>
        <BindingTable bindings=d.bindings_out/>
        <h2>{move || t.get().bindings_in}</h2>
        <BindingTable bindings=d.bindings_in/>
    }
}
