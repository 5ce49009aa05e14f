//! One file per page.

pub mod bindings;
pub mod exchange;
pub mod exchanges;
pub mod overview;
pub mod queue;
pub mod queues;

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use crate::components::fault::{ErrorView, Loading};
use crate::error::AppError;
use crate::i18n::use_texts;

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
