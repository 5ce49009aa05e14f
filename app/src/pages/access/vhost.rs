//! `/c/{cluster}/vhost?name=…`: one virtual host: what it holds, its settings, limits,
//! permissions and topic permissions, and deleting it with its name typed out.

use leptos::prelude::*;

use super::grants::{Permissions, Side, TopicPermissions};
use super::limits::Limits;
use super::vhosts::VhostFields;
use super::words::use_words;
use super::{object_page, use_actions, Actions, Outcome};
use crate::api::{DeleteVhost, SaveVhost};
use crate::components::forms::{outcome_view, problem_banner, use_ready};
use crate::components::live::use_cluster;
use crate::format;
use crate::i18n::use_texts;
use crate::model::{AccessInfo, VhostInfo};
use domain::access::{LimitTarget, VhostDeletion, VhostDraft};
use domain::ops::queue_type::QueueType;
use domain::policy::Version;

#[component]
pub fn VhostPage() -> impl IntoView {
    let w = use_words();
    let find = |info: &AccessInfo, name: &str| info.vhost(name).cloned();
    let deleted: (_, fn(Actions) -> Outcome) = ("vhosts", |actions| actions.delete_vhost.value());
    object_page(
        Signal::derive(move || w.get().vhost_title),
        deleted,
        find,
        |info, vhost| view! { <VhostBody info vhost/> },
    )
}

#[component]
fn VhostBody(info: AccessInfo, vhost: VhostInfo) -> impl IntoView {
    let t = use_texts();
    let side = Side::Vhost(vhost.name.clone());
    let version = Version::parse(&info.broker_version);
    view! {
        <section class="tiles">
            <div class="tile"><span class="label">{move || t.get().queues}</span><span class="value">{format::count(vhost.queues)}</span></div>
            <div class="tile"><span class="label">{move || t.get().messages}</span><span class="value" data-testid="vhost-messages">{format::count(vhost.messages)}</span></div>
            <div class="tile"><span class="label">{move || t.get().connections}</span><span class="value">{format::count(vhost.connections)}</span></div>
        </section>
        <EditVhost vhost=vhost.clone() version/>
        <Limits target=LimitTarget::Vhost(vhost.name.clone()) current=vhost.limits.clone()/>
        <Permissions info=info.clone() side=side.clone()/>
        <TopicPermissions info side/>
        <DeleteVhostForm vhost/>
    }
}

#[component]
fn EditVhost(vhost: VhostInfo, version: Version) -> impl IntoView {
    let w = use_words();
    let cluster = use_cluster();
    let ready = use_ready();
    let draft = RwSignal::new(VhostDraft {
        name: vhost.name.clone(),
        description: vhost.description.clone(),
        tags: vhost.tags.clone(),
        // Only the types the broker has (`AccessInfo` gives none for anything else).
        default_queue_type: (!vhost.default_queue_type.is_empty()).then(|| QueueType::parse(&vhost.default_queue_type)),
        tracing: vhost.tracing,
        new: false,
    });
    let save = use_actions().save_vhost;
    let problem = Memo::new(move |_| draft.get().check(version).err());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveVhost { cluster: cluster.get_untracked(), draft: draft.get_untracked() });
    };
    view! {
        <section class="card" data-testid="edit-vhost" data-ready=move || ready.get().to_string()>
            <h2>{move || w.get().settings}</h2>
            <form on:submit=submit>
                <VhostFields draft/>
                {move || problem.get().map(|p| problem_banner(p, Some("edit-vhost-problem")))}
                <button type="submit" class="primary" data-testid="edit-vhost-submit" disabled=move || !ready.get() || problem.get().is_some() || save.pending().get()>
                    {move || w.get().save}
                </button>
            </form>
            {outcome_view(save.value(), save.pending(), move |_| w.get_untracked().saved.to_string(), "edit-vhost-result")}
        </section>
    }
}

/// Deleting takes the vhost's name typed out; the form says what goes with it. Enter in the
/// field deletes once the name matches.
#[component]
fn DeleteVhostForm(vhost: VhostInfo) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let ready = use_ready();
    let typed = RwSignal::new(String::new());
    let delete = use_actions().delete_vhost;
    let deletion = Memo::new({
        let name = vhost.name.clone();
        move |_| VhostDeletion { name: name.clone(), typed: typed.get() }
    });
    let refusal = Memo::new(move |_| deletion.with(VhostDeletion::check).err());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if refusal.with_untracked(Option::is_none) {
            delete.dispatch(DeleteVhost { cluster: cluster.get_untracked(), deletion: deletion.get_untracked() });
        }
    };
    let (name, queues, messages) = (vhost.name.clone(), vhost.queues, vhost.messages);
    view! {
        <section class="card danger-zone" data-testid="delete-vhost" data-ready=move || ready.get().to_string()>
            <h2>{move || t.get().delete}</h2>
            {match vhost.protected {
                true => view! { <p class="muted">{move || w.get().protected}</p> }.into_any(),
                false => view! {
                    <form on:submit=submit>
                        <p>{move || (w.get().delete_vhost_hint)(&name, queues, messages)}</p>
                        <label><span>{move || w.get().type_name}</span>
                            <input bind:value=typed autocomplete="off" data-testid="delete-vhost-typed"/>
                        </label>
                        {move || refusal.get().filter(|_| !typed.get().is_empty()).map(|p| problem_banner(p, Some("delete-vhost-problem")))}
                        <button type="submit" class="danger" disabled=move || !ready.get() || refusal.with(Option::is_some) || delete.pending().get() data-testid="delete-vhost-submit">
                            {move || w.get().delete_vhost}
                        </button>
                    </form>
                }.into_any(),
            }}
            {outcome_view(delete.value(), delete.pending(), move |_| t.get_untracked().deleted.to_string(), "delete-vhost-result")}
        </section>
    }
}
