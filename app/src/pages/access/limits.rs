//! A vhost's or a user's limits: each one shown, set or cleared.

use leptos::prelude::*;

use super::use_actions;
use super::words::use_words;
use crate::api::SetLimit;
use crate::components::forms::{outcome_view, problem_banner, use_ready};
use crate::components::live::use_cluster;
use domain::access::{LimitChange, LimitKey, LimitTarget};

#[component]
pub fn Limits(target: LimitTarget, current: Vec<(String, i64)>) -> impl IntoView {
    let w = use_words();
    let action = use_actions().set_limit;
    let rows = target
        .keys()
        .into_iter()
        .map(|key| {
            let value = current.iter().find(|(k, _)| k == key.as_str()).map(|(_, v)| *v);
            view! { <LimitRow target=target.clone() key value action/> }
        })
        .collect_view();
    view! {
        <h2>{move || w.get().limits}</h2>
        <p class="hint">{move || w.get().limit_hint}</p>
        <div class="limits">{rows}</div>
        {outcome_view(action.value(), action.pending(), move |_| w.get_untracked().saved.to_string(), "limit-result")}
    }
}

#[component]
fn LimitRow(target: LimitTarget, key: LimitKey, value: Option<i64>, action: ServerAction<SetLimit>) -> impl IntoView {
    let w = use_words();
    let cluster = use_cluster();
    let ready = use_ready();
    let typed = RwSignal::new(value.map(|v| v.to_string()).unwrap_or_default());
    let change = {
        let target = target.clone();
        move |value: Option<i64>| LimitChange { target: target.clone(), key, value }
    };
    // Not a number: refused like a number out of range, before anything is sent.
    let parsed = move || typed.get().trim().parse::<i64>().unwrap_or(-1);
    let problem = {
        let change = change.clone();
        Memo::new(move |_| (!typed.get().trim().is_empty()).then(|| change(Some(parsed())).check().err()).flatten())
    };
    let submit = {
        let change = change.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            action.dispatch(SetLimit { cluster: cluster.get_untracked(), change: change(Some(parsed())) });
        }
    };
    let clear = move |_| {
        action.dispatch(SetLimit { cluster: cluster.get_untracked(), change: change(None) });
    };
    let shown = move || value.map(|v| v.to_string()).unwrap_or_else(|| w.get().no_limit.to_string());
    view! {
        <form class="inline-form" on:submit=submit data-testid=format!("limit-{}", key.as_str())>
            <label>
                <span>{key.as_str()} " (" <span data-testid="limit-value">{shown}</span> ")"</span>
                <input type="number" min="0" prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) data-testid="limit-input"/>
            </label>
            <button type="submit" disabled=move || !ready.get() || typed.get().trim().is_empty() || problem.get().is_some() || action.pending().get() data-testid="limit-set">
                {move || w.get().set}
            </button>
            <button type="button" disabled=move || !ready.get() || value.is_none() || action.pending().get() on:click=clear data-testid="limit-clear">
                {move || w.get().clear}
            </button>
            {move || problem.get().map(|p| problem_banner(p, Some("limit-problem")))}
        </form>
    }
}
