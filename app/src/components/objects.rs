//! Pieces shown on several object pages: argument lists and binding tables.

use leptos::prelude::*;

use crate::api::RemoveBinding;
use crate::auth::Role;
use crate::components::fault::ErrorView;
use crate::components::forms::{ConfirmButton, IfRole};
use crate::components::live::use_cluster;
use crate::i18n::use_texts;
use crate::model::BindingRow;
use crate::urls;
use domain::ops::BindingRef;

/// The value, or the word for "none" when it is empty.
pub fn or_none(value: String) -> impl IntoView {
    let t = use_texts();
    move || if value.is_empty() { t.get().none.to_string() } else { value.clone() }
}

/// Arguments or a policy definition as a two-column list of JSON values.
#[component]
pub fn KeyValues(pairs: Vec<(String, String)>) -> impl IntoView {
    let t = use_texts();
    if pairs.is_empty() {
        return view! { <p class="muted">{move || t.get().none}</p> }.into_any();
    }
    view! {
        <dl class="props mono">
            {pairs.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
    }
    .into_any()
}

/// Bindings with links to both ends; used on queue, exchange and bindings pages.
#[component]
pub fn BindingTable(
    bindings: Vec<BindingRow>,
    #[prop(optional)] show_vhost: bool,
    /// Offer operators an "unbind" button per binding.
    #[prop(optional)]
    removable: bool,
) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let empty = bindings.is_empty();
    let remove = ServerAction::<RemoveBinding>::new();
    view! {
        <div class="table-wrap">
            <table data-testid="bindings">
                <thead>
                    <tr>
                        {show_vhost.then(|| view! { <th>{move || t.get().vhost}</th> })}
                        <th>{move || t.get().source}</th>
                        <th>{move || t.get().destination}</th>
                        <th>{move || t.get().routing_key}</th>
                        <th>{move || t.get().arguments}</th>
                        {removable.then(|| view! { <th></th> })}
                    </tr>
                </thead>
                <tbody>
                    {bindings
                        .into_iter()
                        .map(|b| {
                            let c = cluster.get_untracked();
                            let source_href = urls::exchange_page(&c, &b.vhost, &b.source);
                            let dest_href = if b.destination_type == "exchange" {
                                urls::exchange_page(&c, &b.vhost, &b.destination)
                            } else {
                                urls::queue_page(&c, &b.vhost, &b.destination)
                            };
                            let source_label = b.source.clone();
                            let dest_kind = b.destination_type.clone();
                            view! {
                                <tr>
                                    {show_vhost.then(|| view! { <td>{b.vhost.clone()}</td> })}
                                    <td>
                                        <a href=source_href>
                                            {move || if source_label.is_empty() { t.get().default_exchange.to_string() } else { source_label.clone() }}
                                        </a>
                                    </td>
                                    <td>
                                        <span class="muted">
                                            {move || if dest_kind == "exchange" { t.get().exchange } else { t.get().queue }}
                                            " "
                                        </span>
                                        <a href=dest_href>{b.destination.clone()}</a>
                                    </td>
                                    <td class="mono">{b.routing_key.clone()}</td>
                                    <td class="mono">{b.arguments.clone()}</td>
                                    {removable.then(|| unbind_cell(&b, remove))}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! { <p class="muted">{move || t.get().none}</p> })}
            {move || remove.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorView error/> })}
        </div>
    }
}

/// The "unbind" button of one binding; the default exchange's implicit bindings have none.
fn unbind_cell(b: &BindingRow, remove: ServerAction<RemoveBinding>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let binding = BindingRef {
        vhost: b.vhost.clone(),
        source: b.source.clone(),
        to_queue: b.destination_type == "queue",
        destination: b.destination.clone(),
        properties_key: b.properties_key.clone(),
    };
    let question = format!("{} → {} ({:?})", b.source, b.destination, b.routing_key);
    // The default exchange's bindings are implicit: nothing to remove.
    let button = if b.source.is_empty() {
        None
    } else {
        Some(view! {
        <IfRole role=Role::Operator>
            <ConfirmButton
                label=Signal::derive(move || t.get().unbind.to_string())
                question=Signal::derive({
                    let question = question.clone();
                    move || (t.get().confirm_unbind)(&question)
                })
                on_confirm=Callback::new({
                    let binding = binding.clone();
                    move |_| {
                        remove.dispatch(RemoveBinding { cluster: cluster.get_untracked(), binding: binding.clone() });
                    }
                })
                testid="unbind"
            />
        </IfRole>
        })
    };
    view! { <td>{button}</td> }
}
