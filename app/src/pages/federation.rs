//! `/c/{cluster}/federation`: every federation link as the federation plugin reports it: the
//! upstream, the exchange or queue here and the one it follows there, status and error. Those
//! not running first.

use leptos::prelude::*;

use crate::components::live::use_cluster;
use crate::i18n::use_texts;
use crate::model::FederationLink;
use crate::pages::{plugin_page, PluginPage};
use crate::urls;

#[component]
pub fn FederationPage() -> impl IntoView {
    let page = PluginPage {
        section: "federation",
        title: |t| t.federation,
        plugin: "rabbitmq_federation_management",
        empty: |t| t.no_links,
    };
    plugin_page(page, crate::api::list_federation_links, |rows: Vec<FederationLink>| {
        view! { <LinkTable rows/> }
    })
}

#[component]
fn LinkTable(rows: Vec<FederationLink>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster().get_untracked();
    view! {
        <div class="table-wrap">
            <table data-testid="federation-links">
                <thead>
                    <tr>
                        <th>{move || t.get().vhost}</th>
                        <th>{move || t.get().upstream}</th>
                        <th>{move || t.get().kind}</th>
                        <th>{move || t.get().name}</th>
                        <th>{move || t.get().source}</th>
                        <th>{move || t.get().uri}</th>
                        <th>{move || t.get().state}</th>
                        <th>{move || t.get().node}</th>
                        <th>{move || t.get().since}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|l| {
                        let down = l.is_down();
                        let href = urls::object_page(&cluster, &l.kind, &l.vhost, &l.local);
                        view! {
                            <tr data-testid="federation-link" data-upstream=l.upstream.clone()>
                                <td>{l.vhost.clone()}</td>
                                <td class="name">{l.upstream.clone()}</td>
                                <td>{l.kind.clone()}</td>
                                <td class="name"><a href=href>{l.local.clone()}</a></td>
                                <td>{l.remote.clone()}</td>
                                <td>{l.uri.clone()}</td>
                                <td class:flagged=down data-testid="link-status">
                                    {l.status.clone()}
                                    {(!l.error.is_empty()).then(|| view! { <span class="sub" data-testid="link-error">{l.error.clone()}</span> })}
                                </td>
                                <td>{l.node.clone()}</td>
                                <td>{l.since.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
