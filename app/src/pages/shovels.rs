//! `/c/{cluster}/shovels`: every shovel, dynamic and static, as the shovel plugin reports it:
//! state and why it stopped, source, destination, messages moved. Those not running first. An
//! admin can delete a dynamic one (a move under way, or a shovel that keeps failing).

use leptos::prelude::*;

use crate::api::DeleteShovel;
use crate::auth::Role;
use crate::components::forms::{outcome_view, ConfirmButton, IfRole};
use crate::components::live::use_cluster;
use crate::format;
use crate::i18n::use_texts;
use crate::model::{ShovelEnd, ShovelRow};
use crate::pages::{plugin_page, PluginPage};
use domain::ops::ShovelRef;

#[component]
pub fn ShovelsPage() -> impl IntoView {
    let page = PluginPage {
        section: "shovels",
        title: |t| t.shovels,
        plugin: "rabbitmq_shovel_management",
        empty: |t| t.no_shovels,
    };
    plugin_page(page, crate::api::list_shovels, |rows: Vec<ShovelRow>| view! { <ShovelTable rows/> })
}

#[component]
fn ShovelTable(rows: Vec<ShovelRow>) -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="table-wrap">
            <table data-testid="shovels">
                <thead>
                    <tr>
                        <th>{move || t.get().vhost}</th>
                        <th>{move || t.get().name}</th>
                        <th>{move || t.get().kind}</th>
                        <th>{move || t.get().state}</th>
                        <th>{move || t.get().source}</th>
                        <th>{move || t.get().destination}</th>
                        <th class="num" title=move || t.get().moved_hint>{move || t.get().moved}</th>
                        <th>{move || t.get().node}</th>
                        <th>{move || t.get().since}</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>{rows.into_iter().map(|s| view! { <ShovelRowView s/> }).collect_view()}</tbody>
            </table>
        </div>
    }
}

#[component]
fn ShovelRowView(s: ShovelRow) -> impl IntoView {
    let t = use_texts();
    let down = s.is_down();
    let dynamic = s.is_dynamic();
    let shovel = ShovelRef { vhost: s.vhost.clone(), name: s.name.clone() };
    view! {
        <tr data-testid="shovel" data-name=s.name.clone()>
            <td>{s.vhost.clone()}</td>
            <td class="name">{s.name.clone()}</td>
            <td>{s.kind.clone()}</td>
            <td class:flagged=down data-testid="shovel-state">
                {if s.is_unreported() { view! { {move || t.get().shovel_unreported} }.into_any() } else { s.state.clone().into_any() }}
                {(!s.reason.is_empty()).then(|| view! { <span class="sub" data-testid="shovel-reason">{s.reason.clone()}</span> })}
            </td>
            <td><End end=s.source.clone()/></td>
            <td><End end=s.destination.clone()/></td>
            <td class="num" data-testid="shovel-moved">{s.moved.map(format::count).unwrap_or_default()}</td>
            <td>{s.node.clone()}</td>
            <td>{s.since.clone()}</td>
            <td>{dynamic.then(|| view! { <IfRole role=Role::Admin><DeleteButton shovel=shovel.clone()/></IfRole> })}</td>
        </tr>
    }
}

/// The object an end names, then its URI and protocol in small type.
#[component]
fn End(end: ShovelEnd) -> impl IntoView {
    view! {
        {end.object()}
        <span class="sub">{format!("{} · {}", end.uri, end.protocol)}</span>
    }
}

#[component]
fn DeleteButton(shovel: ShovelRef) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let delete = ServerAction::<DeleteShovel>::new();
    let name = shovel.name.clone();
    let on_confirm = Callback::new(move |_| {
        delete.dispatch(DeleteShovel { cluster: cluster.get_untracked(), shovel: shovel.clone() });
    });
    view! {
        <ConfirmButton
            label=Signal::derive(move || t.get().delete.to_string())
            question=Signal::derive(move || (t.get().confirm_delete_shovel)(&name))
            on_confirm
            testid="delete-shovel"
        />
        {outcome_view(delete.value(), delete.pending(), move |_| t.get_untracked().deleted.to_string(), "delete-shovel-result")}
    }
}
