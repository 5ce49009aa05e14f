//! `/c/{cluster}/connection?vhost=…&name=…`: one client connection, what the client said about
//! itself, its channels (publisher confirms or not, prefetch, unacked), and closing it.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{get_connection, CloseConnection, CloseUserConnections};
use crate::auth::Role;
use crate::chart::{two_lines_svg, TimeAxis};
use crate::components::clients::ChannelTable;
use crate::components::forms::{outcome_view, ConfirmButton, IfRole};
use crate::components::live::use_cluster;
use crate::components::objects::KeyValues;
use crate::format;
use crate::i18n::use_texts;
use crate::model::{ByteRates, ConnectionDetail};
use crate::pages::connections::heartbeat;
use crate::pages::{detail_page, use_object_key};
use crate::urls;
use domain::ops::connection::{ConnectionClose, UserConnectionsClose, MAX_REASON};

#[component]
pub fn ConnectionPage() -> impl IntoView {
    let key = use_object_key();
    view! {
        {detail_page("connection", |t| t.connection, get_connection, |d: ConnectionDetail| view! { <ConnectionBody d/> })}
        // Outside the live part: a live update must not reset the reason being typed.
        <IfRole role=Role::Admin>
            {move || {
                let (vhost, name) = key.get();
                view! { <CloseForm vhost name/> }
            }}
        </IfRole>
    }
}

#[component]
fn ConnectionBody(d: ConnectionDetail) -> impl IntoView {
    let t = use_texts();
    let c = d.row.clone();
    view! {
        <section class="tiles">
            <div class="tile"><span class="label">{move || t.get().state}</span><span class="value" data-testid="connection-state">{c.state.clone()}</span></div>
            // The channels listed below: the broker's own count lags behind them by seconds.
            <div class="tile"><span class="label">{move || t.get().channels}</span><span class="value">{format::count(d.channels.len() as u64)}</span></div>
            <div class="tile"><span class="label">{move || t.get().sent}</span><span class="value">{format::byte_rate(c.send_rate)}</span></div>
            <div class="tile"><span class="label">{move || t.get().received}</span><span class="value">{format::byte_rate(c.recv_rate)}</span></div>
        </section>
        <div class="columns">
            <section>
                <h2>{move || t.get().properties}</h2>
                <dl class="props">
                    <dt>{move || t.get().name}</dt><dd data-testid="client-name">{c.client_name.clone()}</dd>
                    <dt>{move || t.get().client}</dt><dd>{c.client.clone()}</dd>
                    <dt>{move || t.get().user}</dt><dd>{c.user.clone()}</dd>
                    <dt>{move || t.get().client_address}</dt><dd>{format!("{}:{}", c.peer_host, c.peer_port)}</dd>
                    <dt>{move || t.get().protocol}</dt><dd>{c.protocol.clone()} {c.tls.then_some(" · TLS")}</dd>
                    <dt>{move || t.get().heartbeat}</dt><dd>{heartbeat(c.heartbeat)}</dd>
                    <dt>{move || t.get().connected_at}</dt><dd>{format::timestamp(c.connected_at)}</dd>
                    <dt>{move || t.get().node}</dt><dd>{c.node.clone()}</dd>
                </dl>
            </section>
            <section>
                <h2>{move || t.get().client_properties}</h2>
                <KeyValues pairs=d.client_properties.clone()/>
            </section>
        </div>
        <RatesChart rates=d.rates.clone()/>
        <h2>{move || t.get().channels}</h2>
        <ChannelTable rows=d.channels/>
    }
}

/// Bytes per second sent and received over the broker's last ten minutes of samples.
#[component]
fn RatesChart(rates: Vec<ByteRates>) -> impl IntoView {
    let t = use_texts();
    let lines: Vec<(i64, f64, f64)> = rates.iter().map(|r| (r.ts_ms, r.sent, r.received)).collect();
    let chart = move || {
        let axis = TimeAxis { span_ms: 600_000.0, unit_ms: 60_000.0, label: t.get().minutes_ago };
        two_lines_svg(&lines, axis)
    };
    view! {
        <figure class="chart" data-testid="connection-rates">
            <div class="chart-legend">
                <span class="legend publish">{move || t.get().sent}</span>
                <span class="legend deliver">{move || t.get().received}</span>
                <span class="muted">"B/s"</span>
            </div>
            <div class="chart-svg rates" inner_html=chart></div>
        </figure>
    }
}

/// Close, with the reason the client is told, after a confirm; then back to the list.
#[component]
fn CloseForm(vhost: String, name: String) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let close = ServerAction::<CloseConnection>::new();
    let reason = RwSignal::new(String::new());
    let navigate = use_navigate();
    let on_close = {
        let (vhost, name) = (vhost.clone(), name.clone());
        Callback::new(move |_| {
            let one = ConnectionClose { vhost: vhost.clone(), name: name.clone(), reason: reason.get_untracked() };
            close.dispatch(CloseConnection { cluster: cluster.get_untracked(), close: one });
        })
    };
    let list = urls::with_query(&urls::section(&cluster.get_untracked(), "connections"), &[("vhost", &vhost)]);
    Effect::new(move |_| {
        if matches!(close.value().get(), Some(Ok(()))) {
            navigate(&list, Default::default());
        }
    });
    let name_for_all = name.clone();
    let question = Signal::derive(move || (t.get().confirm_close)(&name));
    view! {
        <section class="card danger-zone" data-testid="danger-zone">
            <h2>{move || t.get().close_connection}</h2>
            <div class="inline-form">
                <label class="wide">
                    <span>{move || t.get().close_reason}</span>
                    <input type="text" maxlength=MAX_REASON bind:value=reason data-testid="close-reason"/>
                    <span class="hint">{move || t.get().close_reason_hint}</span>
                </label>
                <ConfirmButton
                    label=Signal::derive(move || t.get().close.to_string())
                    question
                    on_confirm=on_close
                    testid="close-connection"
                />
            </div>
            {outcome_view(close.value(), close.pending(), move |_| t.get_untracked().connection_closed.to_string(), "close-result")}
            <CloseAllOfUser vhost name=name_for_all reason/>
        </section>
    }
}

/// For a client that leaks connections: close every connection of this one's user, with the
/// same reason; then the list of what is left of them.
#[component]
fn CloseAllOfUser(vhost: String, name: String, reason: RwSignal<String>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    // Read once: the form must not change under the admin's hands with each live update.
    let connection = Resource::new(move || cluster.get(), move |c| get_connection(c, vhost.clone(), name.clone()));
    let close = ServerAction::<CloseUserConnections>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(Ok(c))) = (close.value().get(), connection.get()) {
            let list =
                urls::with_query(&urls::section(&cluster.get_untracked(), "connections"), &[("q", &c.data.row.user)]);
            navigate(&list, Default::default());
        }
    });
    let button = move |user: String| {
        let on_confirm = {
            let user = user.clone();
            Callback::new(move |_| {
                let all = UserConnectionsClose { user: user.clone(), reason: reason.get_untracked() };
                close.dispatch(CloseUserConnections { cluster: cluster.get_untracked(), close: all });
            })
        };
        let (label_user, question_user) = (user.clone(), user);
        view! {
            <div class="inline-form">
                <ConfirmButton
                    label=Signal::derive(move || (t.get().close_all_of)(&label_user))
                    question=Signal::derive(move || (t.get().confirm_close_all)(&question_user))
                    on_confirm
                    testid="close-user-connections"
                />
            </div>
            {outcome_view(close.value(), close.pending(), move |n| (t.get_untracked().connections_closed)(*n), "close-all-result")}
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { connection.await.ok().map(|c| button(c.data.row.user)) })}
        </Suspense>
    }
}
