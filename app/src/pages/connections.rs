//! `/c/{cluster}/connections`: every client connection, filtered, sorted and paged on the server,
//! kept live. The filter looks at the broker's name, the client's own name, the user, the address
//! and the client library.

use leptos::prelude::*;

use crate::api::list_connections;
use crate::components::list::{text, Pager, SortHeader};
use crate::components::live::use_cluster;
use crate::format;
use crate::i18n::use_texts;
use crate::model::{ConnectionRow, ListQuery, Page};
use crate::pages::list_page;
use crate::urls;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    list_page("connections", |t| t.connections, list_connections, |page, query| view! { <ConnectionTable page query/> })
}

#[component]
fn ConnectionTable(page: Page<ConnectionRow>, query: Memo<ListQuery>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let rows = page.items.clone();
    let empty = rows.is_empty();
    view! {
        <div class="table-wrap">
            <table data-testid="connections">
                <thead>
                    <tr>
                        <SortHeader query key="vhost" label=text(|t| t.vhost)/>
                        <SortHeader query key="client" label=text(|t| t.connection)/>
                        <SortHeader query key="user" label=text(|t| t.user)/>
                        <SortHeader query key="peer" label=text(|t| t.client_address)/>
                        <SortHeader query key="protocol" label=text(|t| t.protocol)/>
                        <SortHeader query key="tls" label=text(|t| t.tls)/>
                        <SortHeader query key="channels" label=text(|t| t.channels) numeric=true/>
                        <SortHeader query key="state" label=text(|t| t.state)/>
                        <SortHeader query key="send" label=text(|t| t.sent) numeric=true/>
                        <SortHeader query key="recv" label=text(|t| t.received) numeric=true/>
                        <SortHeader query key="heartbeat" label=text(|t| t.heartbeat) numeric=true/>
                        <SortHeader query key="connected_at" label=text(|t| t.connected_at)/>
                        <SortHeader query key="node" label=text(|t| t.node)/>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|c| view! { <ConnectionRowView c cluster=cluster.get_untracked()/> }).collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! { <p class="muted">{move || t.get().nothing_matches}</p> })}
        </div>
        <Pager query page/>
    }
}

#[component]
fn ConnectionRowView(c: ConnectionRow, cluster: String) -> impl IntoView {
    let href = urls::object_page(&cluster, "connection", &c.vhost, &c.name);
    // A resource alarm blocks publishers: the state says so, and the row stands out.
    let blocked = matches!(c.state.as_str(), "blocked" | "blocking" | "flow");
    let shown_name = if c.client_name.is_empty() { c.name.clone() } else { c.client_name.clone() };
    view! {
        <tr>
            <td>{c.vhost.clone()}</td>
            <td class="name">
                <a href=href>{shown_name}</a>
                <span class="client">{c.client.clone()}</span>
            </td>
            <td>{c.user.clone()}</td>
            <td>{format!("{}:{}", c.peer_host, c.peer_port)}</td>
            <td>{c.protocol.clone()}</td>
            <td>{c.tls.then_some("TLS")}</td>
            <td class="num">{format::count(c.channels)}</td>
            <td class:flagged=blocked data-testid="connection-state">{c.state.clone()}</td>
            <td class="num">{format::byte_rate(c.send_rate)}</td>
            <td class="num">{format::byte_rate(c.recv_rate)}</td>
            <td class="num">{heartbeat(c.heartbeat)}</td>
            <td>{format::timestamp(c.connected_at)}</td>
            <td>{c.node.clone()}</td>
        </tr>
    }
}

/// The negotiated heartbeat; none at all means a dead peer is noticed only by TCP, much later.
pub(super) fn heartbeat(seconds: u64) -> String {
    if seconds == 0 {
        "—".into()
    } else {
        format!("{seconds} s")
    }
}
