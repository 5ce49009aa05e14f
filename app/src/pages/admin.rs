//! Admin: wall-screen tokens (create, list, revoke), users, and the audit log (filter, export).
//! The server lets only admins reach this page and its functions.

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use crate::api::{
    create_screen_token, list_audit, list_clusters, list_dashboards, list_screen_tokens, list_users,
    revoke_screen_token,
};
use crate::auth::{AuditQuery, NewScreenToken};
use crate::components::fault::{fetched, ErrorView};
use crate::format::timestamp;
use crate::i18n::use_texts;
use crate::urls;

#[component]
pub fn AdminPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Warren"</a>
            <nav aria-label="sections">
                <a href="/">{move || t.get().overview}</a>
                <a href="/admin" aria-current="page">{move || t.get().admin}</a>
                <a href="/admin/dashboards">{move || t.get().dashboards}</a>
            </nav>
        </header>
        <main>
            <h1>{move || t.get().admin}</h1>
            <ScreenTokens/>
            <Users/>
            <AuditLog/>
        </main>
    }
}

#[component]
fn ScreenTokens() -> impl IntoView {
    let t = use_texts();
    let created = RwSignal::new(None::<NewScreenToken>);
    let revoke = Action::new(|id: &i64| revoke_screen_token(*id));
    let create = Action::new(|(label, clusters): &(String, Option<Vec<String>>)| {
        create_screen_token(label.clone(), clusters.clone())
    });
    let tokens = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_screen_tokens());
    let clusters = Resource::new(|| (), |_| list_clusters());
    Effect::new(move |_| {
        if let Some(Ok(token)) = create.value().get() {
            created.set(Some(token));
        }
    });
    let label = RwSignal::new(String::new());
    let scope = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = scope.get_untracked();
        let clusters = (!chosen.is_empty()).then(|| vec![chosen]);
        create.dispatch((label.get_untracked(), clusters));
    };
    let dashboards = Resource::new(|| (), |_| list_dashboards());
    let kiosk_url = |path: &str, token: &str| {
        #[cfg(feature = "hydrate")]
        let origin = window().location().origin().unwrap_or_default();
        #[cfg(not(feature = "hydrate"))]
        let origin = String::new();
        urls::with_query(&format!("{origin}{path}"), &[("token", token)])
    };
    view! {
        <section class="card" data-testid="screen-tokens">
            <h2>{move || t.get().screen_tokens}</h2>
            <p class="muted">{move || t.get().screen_tokens_hint}</p>
            <form class="inline-form" on:submit=on_submit>
                <label>
                    <span>{move || t.get().label}</span>
                    <input required maxlength="100" data-testid="token-label" bind:value=label/>
                </label>
                <label>
                    <span>{move || t.get().cluster}</span>
                    <select bind:value=scope data-testid="token-cluster">
                        <option value="">{move || t.get().all_clusters}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                clusters.await.unwrap_or_default().into_iter()
                                    .map(|c| view! { <option value=c.name.clone()>{c.name.clone()}</option> })
                                    .collect_view()
                            })}
                        </Transition>
                    </select>
                </label>
                <button type="submit" data-testid="create-token" disabled=move || create.pending().get()>
                    {move || t.get().create_token}
                </button>
            </form>
            {move || create.value().get().and_then(Result::err).map(|e| view! { <ErrorView error=e/> })}
            {move || created.get().map(|new| view! {
                <div class="banner notice" role="status" data-testid="new-token">
                    <strong>{move || t.get().token_shown_once}</strong>
                    <code class="secret">{new.token.clone()}</code>
                    <span>{move || t.get().kiosk_url}</span>
                    <code class="secret">{kiosk_url("/", &new.token)}</code>
                    <span>{move || t.get().kiosk_links_for_token}</span>
                    <Transition fallback=|| ()>
                        {let token = new.token.clone(); move || {
                            let token = token.clone();
                            Suspend::new(async move {
                                dashboards.await.unwrap_or_default().into_iter().map(|d| view! {
                                    <code class="secret" data-testid="token-kiosk-link">
                                        {d.spec.name} ": " {kiosk_url(&format!("/kiosk/{}", d.id), &token)}
                                    </code>
                                }).collect_view()
                            })
                        }}
                    </Transition>
                </div>
            })}
            {fetched(tokens, move |list| view! {
                            <table class="grid">
                                <thead><tr>
                                    <th>"#"</th>
                                    <th>{move || t.get().label}</th>
                                    <th>{move || t.get().cluster}</th>
                                    <th>{move || t.get().created}</th>
                                    <th>{move || t.get().last_used}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|token| {
                                        let id = token.id;
                                        let scope = token.clusters.map(|c| c.join(", "));
                                        let revoked = token.revoked_at_ms.map(timestamp);
                                        view! {
                                            <tr data-testid="token-row">
                                                <td>{id}</td>
                                                <td>{token.label}</td>
                                                <td>{move || scope.clone().unwrap_or_else(|| t.get().all_clusters.to_string())}</td>
                                                <td>{timestamp(token.created_at_ms)} " · " {token.created_by}</td>
                                                <td>{token.last_used_at_ms.map(timestamp)}</td>
                                                <td>
                                                    {match revoked {
                                                        Some(at) => view! { <span class="muted">{move || t.get().revoked} " " {at.clone()}</span> }.into_any(),
                                                        None => view! {
                                                            <button type="button" class="danger" data-testid="revoke-token"
                                                                on:click=move |_| {
                                                                    if confirm(t.get_untracked().confirm_revoke) {
                                                                        revoke.dispatch(id);
                                                                    }
                                                                }>
                                                                {move || t.get().revoke}
                                                            </button>
                                                        }.into_any(),
                                                    }}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
        </section>
    }
}

/// Asks the person to confirm a destructive step; always true on the server, which never clicks.
fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(question).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

#[component]
fn Users() -> impl IntoView {
    let t = use_texts();
    let users = Resource::new(|| (), |_| list_users());
    view! {
        <section class="card" data-testid="users">
            <h2>{move || t.get().users}</h2>
            <p class="muted">{move || t.get().users_hint}</p>
            {fetched(users, move |list| view! {
                            <table class="grid">
                                <thead><tr>
                                    <th>{move || t.get().username}</th>
                                    <th>{move || t.get().role}</th>
                                    <th>{move || t.get().cluster}</th>
                                    <th>{move || t.get().vhost}</th>
                                    <th>{move || t.get().created}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|u| {
                                        let all = move || t.get().all.to_string();
                                        let clusters = u.clusters.map(|c| c.join(", "));
                                        let vhosts = u.vhost_pattern.clone();
                                        view! {
                                            <tr>
                                                <td>{u.name}</td>
                                                <td>{u.role.as_str()}</td>
                                                <td>{move || clusters.clone().unwrap_or_else(all)}</td>
                                                <td><code>{move || vhosts.clone().unwrap_or_else(all)}</code></td>
                                                <td>{timestamp(u.created_at_ms)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
        </section>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let params = params.read();
        AuditQuery::from_pairs(|key| params.get(key))
    });
    let page = Resource::new(move || query.get(), list_audit);
    let href = move |format: &'static str, q: &AuditQuery| {
        let mut pairs: Vec<(&str, String)> = q.to_pairs().into_iter().filter(|(k, _)| *k != "page").collect();
        pairs.push(("format", format.to_string()));
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        urls::with_query("/admin/audit/export", &pairs)
    };
    let page_link = move |target: u32| {
        let pairs = AuditQuery { page: target, ..query.get() }.to_pairs();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        urls::with_query("/admin", &pairs)
    };
    let field = move |name: &'static str,
                      label: fn(&'static crate::i18n::Texts) -> &'static str,
                      value: fn(&AuditQuery) -> String| {
        view! {
            <label>
                <span>{move || label(t.get())}</span>
                <input name=name value=move || value(&query.get()) prop:value=move || value(&query.get())/>
            </label>
        }
    };
    view! {
        <section class="card" data-testid="audit">
            <h2>{move || t.get().audit_log}</h2>
            <Form method="GET" action="/admin" replace=true>
                <div class="inline-form">
                    {field("actor", |t| t.actor, |q| q.actor.clone())}
                    {field("action", |t| t.action, |q| q.action.clone())}
                    {field("cluster", |t| t.cluster, |q| q.cluster.clone())}
                    <label>
                        <span>{move || t.get().outcome}</span>
                        <select name="outcome" prop:value=move || query.get().outcome>
                            <option value="">{move || t.get().all}</option>
                            {["ok", "denied", "failed", "throttled"]
                                .into_iter()
                                .map(|o| view! { <option value=o selected=move || query.get().outcome == o>{o}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit">{move || t.get().filter}</button>
                    <a href=move || href("csv", &query.get()) download data-testid="export-csv">{move || t.get().export_csv}</a>
                    <a href=move || href("json", &query.get()) download>{move || t.get().export_json}</a>
                </div>
            </Form>
            {fetched(page, move |found| {
                            let (current, count) = (found.page, found.page_count);
                            view! {
                                <table class="grid audit">
                                    <thead><tr>
                                        <th>{move || t.get().when}</th>
                                        <th>{move || t.get().actor}</th>
                                        <th>{move || t.get().role}</th>
                                        <th>{move || t.get().action}</th>
                                        <th>{move || t.get().object}</th>
                                        <th>{move || t.get().outcome}</th>
                                        <th>{move || t.get().client}</th>
                                    </tr></thead>
                                    <tbody>
                                        {found.entries.into_iter().map(|e| {
                                            let object = [e.cluster, e.vhost, e.object].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                                            let row_class = format!("outcome-{}", e.outcome);
                                            view! {
                                                <tr data-testid="audit-row" class=row_class>
                                                    <td>{timestamp(e.at_ms)}</td>
                                                    <td>{e.actor} <span class="muted">" (" {e.source} ")"</span></td>
                                                    <td>{e.role}</td>
                                                    <td>{e.action}</td>
                                                    <td>{object}</td>
                                                    <td title=e.detail.clone().unwrap_or_default()>{e.outcome}</td>
                                                    <td title=e.user_agent.unwrap_or_default()>{e.client_addr}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <nav class="pager" aria-label="pages">
                                    <span>{move || (t.get().matched_of)(found.matching, found.matching)}</span>
                                    {(current > 1).then(|| view! { <A href=move || page_link(current - 1) attr:rel="prev">{move || t.get().previous}</A> })}
                                    <span>{move || (t.get().page_of)(current, count)}</span>
                                    {(current < count).then(|| view! { <A href=move || page_link(current + 1) attr:rel="next">{move || t.get().next}</A> })}
                                </nav>
                            }
                        })}
        </section>
    }
}
