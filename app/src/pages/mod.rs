//! One file per page.

pub mod access;
pub mod admin;
pub mod advisor;
pub mod bindings;
pub mod channel;
pub mod channels;
pub mod cluster;
pub mod connection;
pub mod connections;
pub mod consumers;
pub mod dashboards;
pub mod definitions;
pub mod exchange;
pub mod exchanges;
pub mod federation;
pub mod home;
pub mod kiosk;
pub mod lazy;
pub mod node;
pub mod overview;
pub mod policies;
pub mod queue;
pub mod queues;
pub mod shovels;
pub mod signin;

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{de::DeserializeOwned, Serialize};

use crate::components::list::{use_list_query, FilterForm};
use crate::components::live::{use_cluster, use_live, with_live};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::model::{Fresh, ListQuery, Page, PluginList};
use crate::urls;

/// A list page: title, filter form, and a table of the page of items the URL asks for, kept
/// live by the stream of the same `section` and query.
pub fn list_page<T, Fut, V>(
    section: &'static str,
    title: fn(&'static Texts) -> &'static str,
    fetch: fn(String, ListQuery) -> Fut,
    table: impl Fn(Page<T>, Memo<ListQuery>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<Fresh<Page<T>>, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let t = use_texts();
    let cluster = use_cluster();
    let query = use_list_query();
    let first = Resource::new(move || (cluster.get(), query.get()), move |(c, q)| fetch(c, q));
    let live = use_live(move || {
        let pairs = query.get().to_pairs();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        urls::live(&cluster.get(), section, &pairs)
    });
    view! {
        <h1>{move || title(t.get())}</h1>
        <FilterForm query/>
        {with_live(first, live, move |page| table(page, query))}
    }
}

/// What a plugin's status page is called, and says when there is nothing to show.
pub struct PluginPage {
    pub section: &'static str,
    pub title: fn(&'static Texts) -> &'static str,
    /// The plugin's name, for the note where the cluster does not run it.
    pub plugin: &'static str,
    pub empty: fn(&'static Texts) -> &'static str,
}

/// A plugin's status page: title, then its list (of the vhost filter's vhost, or all), kept
/// live; a note instead where the cluster does not run the plugin, and `empty` where it lists
/// nothing.
pub fn plugin_page<T, Fut, V>(
    PluginPage { section, title, plugin, empty }: PluginPage,
    fetch: fn(String, Option<String>) -> Fut,
    table: impl Fn(Vec<T>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<Fresh<PluginList<T>>, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let t = use_texts();
    let cluster = use_cluster();
    let vhost = crate::components::list::use_vhost_filter();
    let chosen = move || Some(vhost.get()).filter(|v| !v.is_empty());
    let first = Resource::new(move || (cluster.get(), chosen()), move |(c, v)| fetch(c, v));
    let live = use_live(move || urls::live(&cluster.get(), section, &[("vhost", &vhost.get())]));
    view! {
        <h1>{move || title(t.get())}</h1>
        {with_live(first, live, move |list: PluginList<T>| {
            if !list.enabled {
                view! { <p class="muted" data-testid="plugin-off">{move || (t.get().plugin_off)(plugin)}</p> }.into_any()
            } else if list.items.is_empty() {
                view! { <p class="muted" data-testid="plugin-empty">{move || empty(t.get())}</p> }.into_any()
            } else {
                table(list.items).into_any()
            }
        })}
    }
}

/// A detail page of one object named by `?vhost=…&name=…`: its title, then its data, kept live by
/// the stream of the same `section` and object.
pub fn detail_page<T, Fut, V>(
    section: &'static str,
    kind: fn(&'static Texts) -> &'static str,
    fetch: fn(String, String, String) -> Fut,
    body: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<Fresh<T>, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let t = use_texts();
    let cluster = use_cluster();
    let key = use_object_key();
    let first = Resource::new(move || (cluster.get(), key.get()), move |(c, (vhost, name))| fetch(c, vhost, name));
    let live = use_live(move || {
        let (vhost, name) = key.get();
        urls::live(&cluster.get(), section, &[("vhost", &vhost), ("name", &name)])
    });
    // The default exchange has no name; its URL uses the broker's alias.
    let name = move || {
        let name = key.get().1;
        if name.is_empty() || name == "amq.default" {
            t.get().default_exchange.to_string()
        } else {
            name
        }
    };
    view! {
        <h1 class="object-title">
            <span class="muted">{move || kind(t.get())} " "</span>
            <span data-testid="object-name">{name}</span>
            // A node belongs to no vhost.
            {move || Some(key.get().0).filter(|v| !v.is_empty()).map(|v| view! { <span class="muted">" · " {v}</span> })}
        </h1>
        {with_live(first, live, body)}
    }
}

/// The object a detail page is about: `(vhost, name)` from `?vhost=…&name=…`.
pub fn use_object_key() -> Memo<(String, String)> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        (q.get("vhost").unwrap_or_default(), q.get("name").unwrap_or_default())
    })
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_texts();
    view! {
        <main class="not-found">
            <h1>{move || t.get().page_not_found}</h1>
            <p><a href="/">"Warren"</a></p>
        </main>
    }
}
