//! The frame of every cluster page: navigation, cluster switcher, vhost filter, language switch.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{list_clusters, list_vhosts};
use crate::auth::{csrf_token, IdentityKind, Need};
use crate::components::advice::provide_seen_advice;
use crate::components::extensions::{ClusterList, DeprecatedBanner, IfExtension};
use crate::components::forms::use_me;
use crate::components::list::use_vhost_filter;
use crate::components::live::use_cluster;
use crate::i18n::{use_lang, use_texts, Lang};
use crate::sections::SECTIONS;
use crate::urls;

#[component]
pub fn Layout() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let vhost = use_vhost_filter();
    let section_href = move |section: &'static str| {
        move || {
            let base = if section.is_empty() {
                urls::cluster_home(&cluster.get())
            } else {
                urls::section(&cluster.get(), section)
            };
            urls::with_query(&base, &[("vhost", &vhost.get())])
        }
    };

    let clusters = ClusterList(Resource::new(|| (), |_| list_clusters()));
    provide_context(clusters);
    provide_seen_advice();

    view! {
        <header class="topbar">
            <a class="brand" href="/">"Warren"</a>
            <nav aria-label="sections">
                {SECTIONS
                    .iter()
                    .filter_map(|section| {
                        let nav = section.nav.as_ref()?;
                        let shown = nav.shown_to == Need::Read || use_me().is_some_and(|me| me.may(nav.shown_to));
                        let (label, badge) = (nav.label, nav.badge);
                        let link = move || view! {
                            <A href=section_href(section.path) exact=section.path.is_empty()>
                                {move || label(t.get())}
                                {badge.map(|badge| badge())}
                            </A>
                        };
                        shown.then(|| match nav.plugin {
                            Some(when) => view! { <IfExtension when>{link}</IfExtension> }.into_any(),
                            None => link().into_any(),
                        })
                    })
                    .collect_view()}
            </nav>
            <div class="pickers">
                <ClusterPicker cluster clusters/>
                <VhostPicker cluster vhost/>
                <LanguageSwitch/>
                <UserMenu/>
            </div>
        </header>
        <main>
            <DeprecatedBanner/>
            <Outlet/>
        </main>
    }
}

/// Who is signed in, a link to the admin page for admins, and sign-out (a plain form post, with
/// the CSRF token, so it works without the script too). Screens show their label only.
#[component]
pub fn UserMenu() -> impl IntoView {
    let t = use_texts();
    let me = use_me()?;
    let is_screen = me.kind == IdentityKind::Screen;
    Some(view! {
        <span class="user" data-testid="user" data-role=me.role.as_str()>
            {me.name.clone()} <span class="muted">" · " {me.role.as_str()}</span>
        </span>
        {me.is_admin().then(|| view! { <a href="/admin" data-testid="admin-link">{move || t.get().admin}</a> })}
        {(!is_screen).then(|| view! {
            <form method="post" action="/auth/signout" class="sign-out">
                <input type="hidden" name="csrf" value=csrf_token()/>
                <button type="submit" data-testid="sign-out">{move || t.get().sign_out}</button>
            </form>
        })}
    })
}

#[component]
fn ClusterPicker(cluster: Memo<String>, clusters: ClusterList) -> impl IntoView {
    let t = use_texts();
    let clusters = clusters.0;
    let location = use_location();
    let navigate = use_navigate();
    // Switching keeps the section (queues stay queues); a detail page falls back to its list.
    let on_change = move |ev: leptos::ev::Event| {
        let target = event_target_value(&ev);
        let path = location.pathname.get_untracked();
        let section = path.splitn(4, '/').nth(3).unwrap_or("");
        let section = match section {
            "queue" => "queues",
            "exchange" => "exchanges",
            other => other,
        };
        let href = if section.is_empty() { urls::cluster_home(&target) } else { urls::section(&target, section) };
        navigate(&href, NavigateOptions::default());
    };
    view! {
        <label class="picker">
            <span>{move || t.get().cluster}</span>
            <select data-testid="cluster-picker" on:change=on_change prop:value=move || cluster.get()>
                <Transition fallback=move || view! { <option>{cluster.get()}</option> }>
                    {move || Suspend::new(async move {
                        let names: Vec<String> = match clusters.await {
                            Ok(list) => list.into_iter().map(|c| c.name).collect(),
                            Err(_) => vec![cluster.get_untracked()],
                        };
                        options(names, cluster.get_untracked())
                    })}
                </Transition>
            </select>
        </label>
    }
}

#[component]
fn VhostPicker(cluster: Memo<String>, vhost: Memo<String>) -> impl IntoView {
    let t = use_texts();
    let vhosts = Resource::new(move || cluster.get(), list_vhosts);
    let location = use_location();
    let query = use_query_map();
    let navigate = use_navigate();
    let on_change = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        let path = location.pathname.get_untracked();
        // A detail page belongs to one vhost: a new filter goes back to the list.
        let path = match path.rsplit('/').next() {
            Some("queue") => urls::section(&cluster.get_untracked(), "queues"),
            Some("exchange") => urls::section(&cluster.get_untracked(), "exchanges"),
            _ => path,
        };
        let query = query.get_untracked();
        let keep = ["q", "re", "sort", "desc"].map(|key| (key, query.get(key).unwrap_or_default()));
        let mut pairs: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.push(("vhost", &chosen));
        navigate(&urls::with_query(&path, &pairs), NavigateOptions::default());
    };
    view! {
        <label class="picker">
            <span>{move || t.get().vhost}</span>
            <select data-testid="vhost-picker" on:change=on_change prop:value=move || vhost.get()>
                <option value="">{move || t.get().all_vhosts}</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        options(vhosts.await.unwrap_or_default(), vhost.get_untracked())
                    })}
                </Transition>
            </select>
        </label>
    }
}

/// `<option>`s for `names`, with `current` selected.
fn options(names: Vec<String>, current: String) -> impl IntoView {
    names
        .into_iter()
        .map(|name| {
            let selected = name == current;
            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
        })
        .collect_view()
}

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let t = use_texts();
    let toggle = move |_| {
        let next = match lang.get_untracked() {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        };
        lang.set(next);
        remember_lang(next);
    };
    view! {
        <button type="button" class="lang" data-testid="lang-switch" on:click=toggle>
            {move || t.get().switch_language}
        </button>
    }
}

/// Stores the choice in a cookie so the server renders the next page in the same language.
fn remember_lang(lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(&format!(
                "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                Lang::COOKIE,
                lang.html_tag()
            ));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}
