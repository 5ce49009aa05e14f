//! `/c/{cluster}/users`: the broker's users, their tags, the vhosts they may use and their
//! limits; and adding one.

use leptos::prelude::*;

use super::fields::{LoginField, TagsField};
use super::words::use_words;
use super::{limits_text, page_of, use_access, use_actions};
use crate::api::SaveBrokerUser;
use crate::components::fault::fetched;
use crate::components::forms::{outcome_view, problem_banner, use_ready};
use crate::components::live::use_cluster;
use crate::i18n::use_texts;
use crate::model::BrokerUser;
use domain::access::{BrokerUserDraft, Login};

#[component]
pub fn UsersPage() -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let access = use_access();
    view! {
        <h1>{move || t.get().broker_users}</h1>
        <p class="muted">{move || w.get().users_hint}</p>
        {fetched(access, |fresh| view! { <UserTable users=fresh.data.users/> })}
        <AddUser/>
    }
}

#[component]
fn UserTable(users: Vec<BrokerUser>) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let rows = users
        .into_iter()
        .map(|u| {
            let href = page_of(&cluster.get_untracked(), "user", &u.name);
            let limits = u.limits.clone();
            view! {
                <tr data-testid="broker-user" data-name=u.name.clone()>
                    <td class="name"><a href=href>{u.name.clone()}</a>
                        {u.warren_account.then(|| view! { <span class="sub">{move || w.get().warren_account}</span> })}
                    </td>
                    <td data-testid="user-tags">{u.tags.join(", ")}</td>
                    <td>{move || if u.has_password { w.get().password_set } else { w.get().no_password }}</td>
                    <td>{u.vhosts.join(", ")}</td>
                    <td>{move || limits_text(&limits, w.get().no_limit)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table data-testid="broker-users">
                <thead><tr>
                    <th>{move || t.get().name}</th>
                    <th>{move || w.get().tags}</th>
                    <th>{move || t.get().password}</th>
                    <th>{move || t.get().vhost}</th>
                    <th>{move || w.get().limits}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn AddUser() -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let ready = use_ready();
    let name = RwSignal::new(String::new());
    let login = RwSignal::new(Login::Password(String::new()));
    let tags = RwSignal::new(vec!["management".to_string()]);
    let create = use_actions().save_user;
    // Created: the form is empty again, the password gone from the page.
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(()))) {
            name.set(String::new());
            login.set(Login::Password(String::new()));
        }
    });
    let draft = move || BrokerUserDraft { name: name.get(), login: login.get(), tags: tags.get(), new: true };
    let problem = Memo::new(move |_| draft().check().err());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem.get_untracked().is_none() {
            create.dispatch(SaveBrokerUser { cluster: cluster.get_untracked(), draft: draft() });
        }
    };
    view! {
        <details class="card create" data-testid="add-user" data-ready=move || ready.get().to_string()>
            <summary>{move || w.get().add_user}</summary>
            <form on:submit=submit>
                <div class="inline-form">
                    <label><span>{move || t.get().name}</span><input bind:value=name required data-testid="add-user-name"/></label>
                    <LoginField login creating=true testid="add-user"/>
                </div>
                <TagsField tags testid="add-user-tags"/>
                {move || problem.get().filter(|_| !name.get().is_empty()).map(|p| problem_banner(p, Some("add-user-problem")))}
                <button type="submit" class="primary" data-testid="add-user-submit" disabled=move || !ready.get() || problem.get().is_some() || create.pending().get()>
                    {move || t.get().create}
                </button>
            </form>
            {outcome_view(create.value(), create.pending(), move |_| t.get_untracked().created_ok.to_string(), "add-user-result")}
        </details>
    }
}
