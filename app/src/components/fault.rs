//! How errors look: a broker fault is a banner that says what is wrong and that Warren retries;
//! a bad request or a missing object is a plain message.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{use_lang, use_texts};

#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    let t = use_texts();
    let is_fault = error.is_broker_fault();
    let title = {
        let error = error.clone();
        move || error_title(t.get(), &error)
    };
    let detail = {
        let lang = use_lang();
        let error = error.clone();
        move || error.in_language(lang.get())
    };
    // The broker's words are kept verbatim; a plain line says what they usually mean.
    let plain = match &error {
        AppError::Rejected { reason, .. } => refusal_hint(reason),
        _ => None,
    };
    let sign_in = (error == AppError::SignInRequired).then(|| {
        let location = leptos_router::hooks::use_location();
        let here = move || {
            let search = location.search.get();
            let separator = if search.is_empty() { "" } else { "?" };
            format!("{}{separator}{search}", location.pathname.get())
        };
        let href = move || crate::urls::with_query("/signin", &[("next", &here())]);
        view! { <a class="hint" href=href>{move || t.get().sign_in}</a> }
    });
    view! {
        <div class=if is_fault { "banner fault" } else { "banner error" } role="alert" data-testid="error-banner">
            <strong>{title}</strong>
            <span class="detail">{detail}</span>
            {is_fault.then(|| view! { <span class="hint">{move || t.get().fault_retrying}</span> })}
            {plain.map(|hint| view! { <span class="hint" data-testid="error-hint">{move || hint(t.get())}</span> })}
            {sign_in}
        </div>
    }
}

/// An error's headline, in the current language.
pub fn error_title(t: &'static crate::i18n::Texts, error: &AppError) -> &'static str {
    match error {
        AppError::Unreachable { .. } => t.fault_unreachable,
        AppError::Timeout { .. } => t.fault_timeout,
        AppError::Unauthorized { .. } => t.fault_unauthorized,
        AppError::BadReply { .. } => t.fault_bad_reply,
        AppError::Loading { .. } => t.loading_cluster,
        AppError::UnknownCluster(_) => t.error_unknown_cluster,
        AppError::NotFound(_) => t.error_not_found,
        AppError::BadRequest(_) | AppError::Invalid { .. } | AppError::Undecodable(_) => t.error_bad_request,
        AppError::Conflict(_) => t.error_conflict,
        AppError::Rejected { .. } => t.error_rejected,
        AppError::Transport(_) => t.error_transport,
        AppError::SignInRequired => t.error_sign_in,
        AppError::Forbidden(_) => t.error_forbidden,
        AppError::CsrfRejected => t.error_csrf,
        AppError::TooManyAttempts { .. } => t.error_throttled,
        AppError::Busy(_) => t.error_busy,
        AppError::Internal => t.error_internal,
    }
}

/// What a broker's refusal usually means, from the AMQP reply it quotes.
fn refusal_hint(reason: &str) -> Option<fn(&'static crate::i18n::Texts) -> &'static str> {
    if reason.contains("inequivalent arg") {
        Some(|t| t.hint_inequivalent)
    } else if reason.contains("PRECONDITION_FAILED") || reason.contains("precondition_failed") {
        Some(|t| t.hint_precondition)
    } else if reason.contains("ACCESS_REFUSED") || reason.contains("access_refused") {
        Some(|t| t.hint_access)
    } else {
        None
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let t = use_texts();
    view! { <p class="loading" aria-busy="true">{move || t.get().loading}</p> }
}

/// A resource once loaded: `Loading` meanwhile, the error banner if it failed, else `render`.
pub fn fetched<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Reads a page's resource again (bumps `again`) after the wait `wait` picks for its latest value
/// (`None`: not again): one timer at a time, cleared when the page goes. Pages without a live
/// stream recover by themselves this way.
pub fn read_again<T>(
    resource: Resource<Result<T, AppError>>,
    again: RwSignal<u64>,
    wait: impl Fn(&Result<T, AppError>) -> Option<std::time::Duration> + Send + Sync + 'static,
) where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let cancel = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        let next = resource.with(|value| value.as_ref().and_then(&wait));
        cancel();
        if let Some(next) = next {
            timer.set_value(set_timeout_with_handle(move || again.update(|n| *n += 1), next).ok());
        }
    });
    on_cleanup(cancel);
}

/// The wait before reading again after a fault of the broker's, not of the request (a refusal
/// or bad input would only be refused again).
pub fn after_broker_fault<T>(value: &Result<T, AppError>) -> Option<std::time::Duration> {
    match value {
        Err(error) if error.is_broker_fault() || matches!(error, AppError::Loading { .. }) => {
            Some(std::time::Duration::from_secs(5))
        }
        _ => None,
    }
}
