//! Sign-in: a plain form that posts to the server and works before the page's script has loaded.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::sign_in_options;
use crate::auth::csrf_token;
use crate::i18n::use_texts;

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || {
        let t = t.get();
        query.read().get("error").map(|code| match code.as_str() {
            "throttled" => t.sign_in_throttled,
            "csrf" => t.sign_in_expired_form,
            "broker" => t.sign_in_broker_down,
            "screen_token" => t.sign_in_bad_screen_token,
            _ => t.sign_in_failed,
        })
    };
    let clusters = Resource::new(|| (), |_| sign_in_options());
    view! {
        <main class="auth-page">
            <form method="post" action="/auth/signin" class="auth-form" data-testid="sign-in-form">
                <h1>"Warren"</h1>
                {move || error().map(|text| view! { <p class="banner error" role="alert" data-testid="sign-in-error">{text}</p> })}
                <input type="hidden" name="csrf" value=csrf_token()/>
                <input type="hidden" name="next" value=next/>
                <label>
                    <span>{move || t.get().sign_in_with}</span>
                    <select name="source" data-testid="sign-in-source">
                        <option value="local">{move || t.get().warren_account}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                clusters
                                    .await
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|c| {
                                        let value = format!("broker:{c}");
                                        let label = move || (t.get().broker_user_of)(&c);
                                        view! { <option value=value>{label}</option> }
                                    })
                                    .collect_view()
                            })}
                        </Transition>
                    </select>
                </label>
                <label>
                    <span>{move || t.get().username}</span>
                    <input name="username" autocomplete="username" required autofocus data-testid="username"/>
                </label>
                <label>
                    <span>{move || t.get().password}</span>
                    <input type="password" name="password" autocomplete="current-password" required data-testid="password"/>
                </label>
                <button type="submit" data-testid="sign-in">{move || t.get().sign_in}</button>
            </form>
        </main>
    }
}

/// First run: the one-time link creates the first admin.
#[component]
pub fn SetupPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let code = move || query.read().get("code").unwrap_or_default();
    let error = move || {
        let t = t.get();
        query.read().get("error").map(|code| match code.as_str() {
            "mismatch" => t.setup_mismatch,
            "weak" => t.setup_weak,
            "name" => t.setup_bad_name,
            "csrf" => t.sign_in_expired_form,
            "done" => t.setup_done,
            _ => t.setup_bad_code,
        })
    };
    view! {
        <main class="auth-page">
            <form method="post" action="/auth/setup" class="auth-form" data-testid="setup-form">
                <h1>{move || t.get().setup_title}</h1>
                <p class="muted">{move || t.get().setup_hint}</p>
                {move || error().map(|text| view! { <p class="banner error" role="alert">{text}</p> })}
                <input type="hidden" name="csrf" value=csrf_token()/>
                <input type="hidden" name="code" value=code/>
                <label>
                    <span>{move || t.get().username}</span>
                    <input name="username" autocomplete="username" required autofocus/>
                </label>
                <label>
                    <span>{move || t.get().password}</span>
                    <input type="password" name="password" autocomplete="new-password" required minlength="12"/>
                </label>
                <label>
                    <span>{move || t.get().confirm_password}</span>
                    <input type="password" name="confirm" autocomplete="new-password" required minlength="12"/>
                </label>
                <button type="submit">{move || t.get().setup_create}</button>
            </form>
        </main>
    }
}
