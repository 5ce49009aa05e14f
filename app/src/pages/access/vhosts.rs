//! `/c/{cluster}/vhosts`: the virtual hosts, what they hold and their settings; and adding one.

use leptos::prelude::*;

use super::fields::{QueueTypeField, TagsText};
use super::words::use_words;
use super::{limits_text, page_of, use_access, use_actions};
use crate::api::SaveVhost;
use crate::components::fault::fetched;
use crate::components::forms::{outcome_view, problem_banner, use_ready};
use crate::components::live::use_cluster;
use crate::format;
use crate::i18n::use_texts;
use crate::model::VhostInfo;
use domain::access::VhostDraft;
use domain::policy::Version;

#[component]
pub fn VhostsPage() -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let access = use_access();
    view! {
        <h1>{move || t.get().vhosts}</h1>
        <p class="muted">{move || w.get().vhosts_hint}</p>
        {fetched(access, |fresh| {
            let version = Version::parse(&fresh.data.broker_version);
            view! { <VhostTable vhosts=fresh.data.vhosts/> <AddVhost version/> }
        })}
    }
}

#[component]
fn VhostTable(vhosts: Vec<VhostInfo>) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let rows = vhosts
        .into_iter()
        .map(|v| {
            let href = page_of(&cluster.get_untracked(), "vhost", &v.name);
            let (limits, queue_type) = (v.limits.clone(), v.default_queue_type.clone());
            view! {
                <tr data-testid="vhost" data-name=v.name.clone()>
                    <td class="name"><a href=href>{v.name.clone()}</a>
                        {v.protected.then(|| view! { <span class="sub">{move || w.get().protected}</span> })}
                    </td>
                    <td>{v.description.clone()}</td>
                    <td>{v.tags.join(", ")}</td>
                    <td>{move || if queue_type.is_empty() { w.get().broker_default.to_string() } else { queue_type.clone() }}</td>
                    <td>{move || if v.tracing { t.get().yes } else { t.get().no }}</td>
                    <td class="num">{format::count(v.queues)}</td>
                    <td class="num" data-testid="vhost-messages">{format::count(v.messages)}</td>
                    <td class="num">{format::count(v.connections)}</td>
                    <td>{move || limits_text(&limits, w.get().no_limit)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table data-testid="vhosts">
                <thead><tr>
                    <th>{move || t.get().name}</th>
                    <th>{move || t.get().description}</th>
                    <th>{move || w.get().tags}</th>
                    <th>{move || w.get().default_queue_type}</th>
                    <th>{move || w.get().tracing}</th>
                    <th class="num">{move || t.get().queues}</th>
                    <th class="num">{move || t.get().messages}</th>
                    <th class="num">{move || t.get().connections}</th>
                    <th>{move || w.get().limits}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn AddVhost(version: Version) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let ready = use_ready();
    let draft = RwSignal::new(VhostDraft { new: true, ..Default::default() });
    let create = use_actions().save_vhost;
    let problem = Memo::new(move |_| draft.get().check(version).err());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(SaveVhost { cluster: cluster.get_untracked(), draft: draft.get_untracked() });
    };
    view! {
        <details class="card create" data-testid="add-vhost" data-ready=move || ready.get().to_string()>
            <summary>{move || w.get().add_vhost}</summary>
            <form on:submit=submit>
                <VhostFields draft/>
                {move || problem.get().filter(|_| !draft.with(|d| d.name.is_empty())).map(|p| problem_banner(p, Some("add-vhost-problem")))}
                <button type="submit" class="primary" data-testid="add-vhost-submit" disabled=move || !ready.get() || problem.get().is_some() || create.pending().get()>
                    {move || t.get().create}
                </button>
            </form>
        </details>
        {outcome_view(create.value(), create.pending(), move |_| t.get_untracked().created_ok.to_string(), "add-vhost-result")}
    }
}

/// A vhost's settings; its name only while it is being created.
#[component]
pub fn VhostFields(draft: RwSignal<VhostDraft>) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let creating = draft.with_untracked(|d| d.new);
    view! {
        <div class="inline-form">
            {creating.then(|| view! {
                <label><span>{move || t.get().name}</span>
                    <input prop:value=move || draft.get().name on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev)) required data-testid="vhost-name"/>
                </label>
            })}
            <label><span>{move || t.get().description}</span>
                <input prop:value=move || draft.get().description on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev)) data-testid="vhost-description"/>
            </label>
            <TagsText draft/>
            <QueueTypeField draft/>
            <label class="check">
                <input type="checkbox" prop:checked=move || draft.get().tracing on:change=move |ev| draft.update(|d| d.tracing = event_target_checked(&ev)) data-testid="vhost-tracing"/>
                <span>{move || w.get().tracing}</span>
            </label>
        </div>
    }
}
