//! Form fields the access pages share: a user's tags (the known ones as check boxes, others
//! typed) and how it signs in; a vhost's tags and default queue type.

use leptos::prelude::*;

use super::words::use_words;
use crate::i18n::use_texts;
use domain::access::{parse_tags, Login, VhostDraft, KNOWN_TAGS};
use domain::ops::queue_type::QueueType;

/// Tags: a box per tag the management plugin knows, and a text field for the others.
#[component]
pub fn TagsField(tags: RwSignal<Vec<String>>, testid: &'static str) -> impl IntoView {
    let w = use_words();
    let known = |tag: &str| KNOWN_TAGS.contains(&tag);
    let other =
        RwSignal::new(tags.with_untracked(|t| t.iter().filter(|t| !known(t)).cloned().collect::<Vec<_>>().join(", ")));
    let toggle = move |tag: &'static str, on: bool| {
        tags.update(|t| {
            t.retain(|x| x != tag);
            if on {
                t.push(tag.to_string());
            }
        })
    };
    let set_other = move |text: String| {
        other.set(text.clone());
        tags.update(|t| {
            t.retain(|x| known(x));
            t.extend(parse_tags(&text).into_iter().filter(|x| !known(x)));
        })
    };
    view! {
        <fieldset data-testid=testid>
            <legend>{move || w.get().tags}</legend>
            <div class="inline-form">
                {KNOWN_TAGS.into_iter().map(|tag| view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=move || tags.with(|t| t.iter().any(|x| x == tag))
                            on:change=move |ev| toggle(tag, event_target_checked(&ev)) data-testid=format!("{testid}-{tag}")/>
                        <span>{tag}</span>
                    </label>
                }).collect_view()}
                <label>
                    <span>{move || w.get().other_tags}</span>
                    <input prop:value=move || other.get() on:input=move |ev| set_other(event_target_value(&ev)) data-testid=format!("{testid}-other")/>
                </label>
            </div>
            <p class="hint">{move || w.get().tags_hint}</p>
        </fieldset>
    }
}

/// How the user signs in: keep the password (when changing a user), a new one, a hash, or none.
#[component]
pub fn LoginField(login: RwSignal<Login>, creating: bool, testid: &'static str) -> impl IntoView {
    let w = use_words();
    let t = use_texts();
    let choice = move || match login.get() {
        Login::Keep => "keep",
        Login::Password(_) => "password",
        Login::Hash(_) => "hash",
        Login::NoPassword => "none",
    };
    let choose = move |ev: leptos::ev::Event| {
        login.set(match event_target_value(&ev).as_str() {
            "password" => Login::Password(String::new()),
            "hash" => Login::Hash(String::new()),
            "none" => Login::NoPassword,
            _ => Login::Keep,
        })
    };
    let secret = move || match login.get() {
        Login::Password(p) | Login::Hash(p) => p,
        _ => String::new(),
    };
    let set_secret = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        login.update(|l| match l {
            Login::Password(p) | Login::Hash(p) => *p = value,
            _ => {}
        })
    };
    view! {
        <label>
            <span>{move || w.get().signs_in_with}</span>
            <select prop:value=choice on:change=choose data-testid=format!("{testid}-login")>
                {(!creating).then(|| view! { <option value="keep">{move || w.get().login_keep}</option> })}
                <option value="password">{move || w.get().login_password}</option>
                <option value="hash">{move || w.get().login_hash}</option>
                <option value="none">{move || w.get().login_none}</option>
            </select>
        </label>
        <Show when=move || matches!(login.get(), Login::Password(_) | Login::Hash(_))>
            <label>
                <span>{move || if matches!(login.get(), Login::Hash(_)) { w.get().password_hash } else { t.get().password }}</span>
                <input
                    type=move || if matches!(login.get(), Login::Hash(_)) { "text" } else { "password" }
                    autocomplete="new-password"
                    prop:value=secret
                    on:input=set_secret
                    data-testid=format!("{testid}-secret")
                />
            </label>
        </Show>
    }
}

/// A vhost's tags, typed: they carry no meaning to the broker.
#[component]
pub fn TagsText(draft: RwSignal<VhostDraft>) -> impl IntoView {
    let w = use_words();
    let text = RwSignal::new(draft.with_untracked(|d| d.tags.join(", ")));
    view! {
        <label><span>{move || w.get().tags}</span>
            <input prop:value=move || text.get() on:input=move |ev| {
                let value = event_target_value(&ev);
                draft.update(|d| d.tags = parse_tags(&value));
                text.set(value);
            } data-testid="vhost-tags"/>
        </label>
    }
}

/// The type of a queue declared in the vhost without `x-queue-type`.
#[component]
pub fn QueueTypeField(draft: RwSignal<VhostDraft>) -> impl IntoView {
    let w = use_words();
    // The broker keeps a vhost's type when none is sent: once set, it cannot go back to none.
    let clearable = draft.with_untracked(|d| d.new || d.default_queue_type.is_none());
    let chosen = move || draft.get().default_queue_type.map_or("", QueueType::as_str);
    let choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        draft.update(|d| d.default_queue_type = (!value.is_empty()).then(|| QueueType::parse(&value)));
    };
    view! {
        <label><span>{move || w.get().default_queue_type}</span>
            <select prop:value=chosen on:change=choose data-testid="vhost-queue-type">
                {clearable.then(|| view! { <option value="" selected=move || chosen().is_empty()>{move || w.get().broker_default}</option> })}
                {QueueType::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=move || chosen() == k.as_str()>{k.as_str()}</option> }).collect_view()}
            </select>
        </label>
    }
}
