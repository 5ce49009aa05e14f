//! One file per page.

pub mod bindings;
pub mod exchange;
pub mod exchanges;
pub mod overview;
pub mod queue;
pub mod queues;

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{de::DeserializeOwned, Serialize};

use crate::components::fault::{ErrorView, Loading};
use crate::components::list::{use_list_query, FilterForm};
use crate::components::refresh::{use_cluster, use_refresh_tick};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::model::{ListQuery, Page};

/// Renders a resource, keeping the previous view on screen while a refresh is under way, and an
/// error banner in its place when the fetch fails.
pub fn with_data<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => render(data).into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A list page: title, filter form, and a table of the page of items the URL asks for.
pub fn list_page<T, Fut, V>(
    title: fn(&'static Texts) -> &'static str,
    fetch: fn(String, ListQuery) -> Fut,
    table: impl Fn(Page<T>, Memo<ListQuery>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<Page<T>, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let t = use_texts();
    let cluster = use_cluster();
    let query = use_list_query();
    let data = Resource::new(move || (cluster.get(), query.get(), use_refresh_tick()), move |(c, q, _)| fetch(c, q));
    view! {
        <h1>{move || title(t.get())}</h1>
        <FilterForm query/>
        {with_data(data, move |page| table(page, query))}
    }
}

/// A detail page of one object named by `?vhost=…&name=…`: its title, then its data.
pub fn detail_page<T, Fut, V>(
    kind: fn(&'static Texts) -> &'static str,
    fetch: fn(String, String, String) -> Fut,
    body: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let t = use_texts();
    let cluster = use_cluster();
    let query = use_query_map();
    let key = Memo::new(move |_| {
        let q = query.read();
        (q.get("vhost").unwrap_or_default(), q.get("name").unwrap_or_default())
    });
    let data = Resource::new(
        move || (cluster.get(), key.get(), use_refresh_tick()),
        move |(c, (vhost, name), _)| fetch(c, vhost, name),
    );
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
            <span class="muted">" · " {move || key.get().0}</span>
        </h1>
        {with_data(data, body)}
    }
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
