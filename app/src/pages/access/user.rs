//! `/c/{cluster}/user?name=…`: one broker user: tags and password, limits, permissions and
//! topic permissions in each vhost, and deleting it.

use leptos::prelude::*;

use super::fields::{LoginField, TagsField};
use super::grants::{Permissions, Side, TopicPermissions};
use super::limits::Limits;
use super::words::use_words;
use super::{object_page, use_actions, Actions, Outcome};
use crate::api::{DeleteBrokerUser, SaveBrokerUser};
use crate::components::forms::{outcome_view, problem_banner, use_ready, ConfirmButton};
use crate::components::live::use_cluster;
use crate::i18n::use_texts;
use crate::model::{AccessInfo, BrokerUser};
use domain::access::{BrokerUserDraft, LimitTarget, Login};

#[component]
pub fn UserPage() -> impl IntoView {
    let t = use_texts();
    let find = |info: &AccessInfo, name: &str| info.user(name).cloned();
    let deleted: (_, fn(Actions) -> Outcome) = ("users", |actions| actions.delete_user.value());
    object_page(Signal::derive(move || t.get().user), deleted, find, |info, user| view! { <UserBody info user/> })
}

#[component]
fn UserBody(info: AccessInfo, user: BrokerUser) -> impl IntoView {
    let side = Side::User(user.name.clone());
    let target = LimitTarget::User(user.name.clone());
    view! {
        <EditUser user=user.clone()/>
        <Limits target current=user.limits.clone()/>
        <Permissions info=info.clone() side=side.clone()/>
        <TopicPermissions info side/>
        <DeleteUser user/>
    }
}

#[component]
fn EditUser(user: BrokerUser) -> impl IntoView {
    let w = use_words();
    let cluster = use_cluster();
    let ready = use_ready();
    let login = RwSignal::new(Login::Keep);
    let tags = RwSignal::new(user.tags.clone());
    let save = use_actions().save_user;
    // Warren's own account keeps its password: it is how Warren signs in.
    let own = user.warren_account;
    let name = user.name.clone();
    let draft = move || BrokerUserDraft { name: name.clone(), login: login.get(), tags: tags.get(), new: false };
    let problem = Memo::new({
        let draft = draft.clone();
        move |_| draft().check().err()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveBrokerUser { cluster: cluster.get_untracked(), draft: draft() });
    };
    view! {
        <section class="card" data-testid="edit-user" data-ready=move || ready.get().to_string()>
            <h2>{move || w.get().tags_and_password}</h2>
            <form on:submit=submit>
                {(!own).then(|| view! { <div class="inline-form"><LoginField login creating=false testid="edit-user"/></div> })}
                <TagsField tags testid="edit-user-tags"/>
                {move || problem.get().map(|p| problem_banner(p, Some("edit-user-problem")))}
                <button type="submit" class="primary" data-testid="edit-user-submit" disabled=move || !ready.get() || problem.get().is_some() || save.pending().get()>
                    {move || w.get().save}
                </button>
            </form>
            {outcome_view(save.value(), save.pending(), move |_| w.get_untracked().saved.to_string(), "edit-user-result")}
        </section>
    }
}

#[component]
fn DeleteUser(user: BrokerUser) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let delete = use_actions().delete_user;
    let name = user.name.clone();
    let on_confirm = Callback::new({
        let name = name.clone();
        move |_| {
            delete.dispatch(DeleteBrokerUser { cluster: cluster.get_untracked(), name: name.clone() });
        }
    });
    view! {
        <section class="card danger-zone">
            <h2>{move || t.get().delete}</h2>
            {match user.warren_account {
                true => view! { <p class="muted">{move || w.get().own_account_kept}</p> }.into_any(),
                false => view! {
                    <ConfirmButton
                        label=Signal::derive(move || w.get().delete_user.to_string())
                        question=Signal::derive(move || (w.get().confirm_delete_user)(&name))
                        on_confirm
                        testid="delete-user"
                    />
                }.into_any(),
            }}
            {outcome_view(delete.value(), delete.pending(), move |_| t.get_untracked().deleted.to_string(), "delete-user-result")}
        </section>
    }
}
