//! Permissions and topic permissions, on a user's page (one row per vhost) and on a vhost's
//! page (one row per user): the table, and the editor with what each regex grants today.

use leptos::prelude::*;

use super::words::use_words;
use super::{use_actions, Actions};
use crate::api::{preview_permissions, ClearPermissions, ClearTopicPermissions, SetPermissions, SetTopicPermissions};
use crate::components::fault::ErrorView;
use crate::components::forms::{outcome_view, problem_banner, use_ready, ConfirmButton};
use crate::components::live::use_cluster;
use crate::i18n::{use_lang, use_texts};
use crate::model::{AccessInfo, GrantPreview};
use domain::access::{PermissionDraft, PermissionField, PermissionRef, TopicPermissionDraft, TopicPermissionRef};

/// Both sides of a grant are chosen: only then is a missing name worth a word.
fn chosen(d: &PermissionDraft) -> bool {
    !d.user.is_empty() && !d.vhost.is_empty()
}

/// Which page the grants are on: the one name that is fixed there.
#[derive(Clone, PartialEq)]
pub enum Side {
    User(String),
    Vhost(String),
}

impl Side {
    /// The other side of a grant, as this page lists it: the vhost on a user's page.
    fn other<'a>(&self, user: &'a str, vhost: &'a str) -> &'a str {
        if matches!(self, Side::User(_)) {
            vhost
        } else {
            user
        }
    }

    fn holds(&self, user: &str, vhost: &str) -> bool {
        match self {
            Side::User(name) => name == user,
            Side::Vhost(name) => name == vhost,
        }
    }

    /// The names the other side of a grant is chosen from: vhosts on a user's page, users on a vhost's.
    fn choices(&self, info: &AccessInfo) -> Vec<String> {
        match self {
            Side::User(_) => info.vhosts.iter().map(|v| v.name.clone()).collect(),
            Side::Vhost(_) => info.users.iter().map(|u| u.name.clone()).collect(),
        }
    }

    /// What the other side is called, in the reader's language.
    fn other_label(&self) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let (t, user_side) = (use_texts(), matches!(self, Side::User(_)));
        move || if user_side { t.get().vhost } else { t.get().user }
    }

    /// A draft for this page's name; the other side empty, to be chosen.
    fn draft(&self) -> PermissionDraft {
        match self {
            Side::User(user) => PermissionDraft { user: user.clone(), ..Default::default() },
            Side::Vhost(vhost) => PermissionDraft { vhost: vhost.clone(), ..Default::default() },
        }
    }
}

#[component]
pub fn Permissions(info: AccessInfo, side: Side) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let draft = RwSignal::new(PermissionDraft {
        configure: ".*".into(),
        write: ".*".into(),
        read: ".*".into(),
        ..side.draft()
    });
    let clear = use_actions().clear_permissions;
    let rows: Vec<_> = info.permissions.iter().filter(|p| side.holds(&p.user, &p.vhost)).cloned().collect();
    let none = rows.is_empty();
    let other_label = side.other_label();
    let body = rows
        .into_iter()
        .map(|p| {
            let other = side.other(&p.user, &p.vhost).to_string();
            let target = PermissionRef { vhost: p.vhost.clone(), user: p.user.clone() };
            let question = (p.user.clone(), p.vhost.clone());
            let edit = { let p = p.clone(); move |_| draft.set(PermissionDraft { vhost: p.vhost.clone(), user: p.user.clone(), configure: p.configure.clone(), write: p.write.clone(), read: p.read.clone() }) };
            view! {
                <tr data-testid="permission" data-name=other.clone()>
                    <td>{other.clone()}</td>
                    <td class="mono">{p.configure.clone()}</td>
                    <td class="mono">{p.write.clone()}</td>
                    <td class="mono">{p.read.clone()}</td>
                    <td>
                        <button type="button" on:click=edit data-testid="permission-edit">{move || t.get().edit}</button>
                        <ConfirmButton
                            label=Signal::derive(move || w.get().clear.to_string())
                            question=Signal::derive(move || (w.get().confirm_clear)(&question.0, &question.1))
                            on_confirm=Callback::new(move |_| { clear.dispatch(ClearPermissions { cluster: cluster.get_untracked(), target: target.clone() }); })
                            testid="permission-clear"
                        />
                    </td>
                </tr>
            }
        })
        .collect_view();
    let choices = side.choices(&info);
    view! {
        <h2>{move || w.get().permissions}</h2>
        {none.then(|| view! { <p class="muted">{move || w.get().no_permissions}</p> })}
        <div class="table-wrap" hidden=none>
            <table data-testid="permissions">
                <thead><tr>
                    <th>{other_label}</th>
                    <th>{move || w.get().configure}</th>
                    <th>{move || w.get().write}</th>
                    <th>{move || w.get().read}</th>
                    <th></th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        {outcome_view(clear.value(), clear.pending(), move |_| w.get_untracked().saved.to_string(), "permission-clear-result")}
        <PermissionEditor draft side choices/>
    }
}

#[component]
fn PermissionEditor(draft: RwSignal<PermissionDraft>, side: Side, choices: Vec<String>) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let ready = use_ready();
    let save = use_actions().set_permissions;
    let current = Memo::new(move |_| draft.get());
    let problem = Memo::new(move |_| current.get().check().err());
    let preview = Resource::new(
        move || (cluster.get(), current.get()),
        |(cluster, draft)| async move {
            match draft.check() {
                Ok(()) if !draft.user.is_empty() && !draft.vhost.is_empty() => {
                    preview_permissions(cluster, draft).await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );
    let edit = move |f: fn(&mut PermissionDraft, String)| {
        move |ev: leptos::ev::Event| draft.update(|d| f(d, event_target_value(&ev)))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SetPermissions { cluster: cluster.get_untracked(), draft: draft.get_untracked() });
    };
    let chooser = match side {
        Side::User(_) => view! {
            <label><span>{move || t.get().vhost}</span>
                <select prop:value=move || draft.get().vhost on:change=edit(|d, v| d.vhost = v) data-testid="permission-other">
                    <option value="">"—"</option>
                    {choices.iter().map(|c| { let v = c.clone(); view! { <option value=c.clone() selected=move || draft.with(|d| d.vhost == v)>{c.clone()}</option> } }).collect_view()}
                </select>
            </label>
        }.into_any(),
        Side::Vhost(_) => view! {
            <label><span>{move || t.get().user}</span>
                <select prop:value=move || draft.get().user on:change=edit(|d, v| d.user = v) data-testid="permission-other">
                    <option value="">"—"</option>
                    {choices.iter().map(|c| { let v = c.clone(); view! { <option value=c.clone() selected=move || draft.with(|d| d.user == v)>{c.clone()}</option> } }).collect_view()}
                </select>
            </label>
        }.into_any(),
    };
    view! {
        <form class="card" on:submit=submit data-testid="permission-editor" data-ready=move || ready.get().to_string()>
            <div class="inline-form">
                {chooser}
                <label><span>{move || w.get().configure}</span><input class="mono" prop:value=move || draft.get().configure on:input=edit(|d, v| d.configure = v) data-testid="permission-configure"/></label>
                <label><span>{move || w.get().write}</span><input class="mono" prop:value=move || draft.get().write on:input=edit(|d, v| d.write = v) data-testid="permission-write"/></label>
                <label><span>{move || w.get().read}</span><input class="mono" prop:value=move || draft.get().read on:input=edit(|d, v| d.read = v) data-testid="permission-read"/></label>
            </div>
            <p class="hint">{move || w.get().regex_hint}</p>
            {move || problem.get().filter(|_| draft.with(chosen)).map(|p| problem_banner(p, Some("permission-problem")))}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(Some(p)) => view! { <ul class="grants" data-testid="permission-preview">{p.fields.into_iter().map(|g| view! { <GrantLine g/> }).collect_view()}</ul> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })}
            </Transition>
            <button type="submit" class="primary" data-testid="permission-save"
                disabled=move || !ready.get() || problem.get().is_some() || save.pending().get() || !draft.with(chosen)>
                {move || w.get().set_permissions}
            </button>
            {outcome_view(save.value(), save.pending(), move |_| w.get_untracked().saved.to_string(), "permission-result")}
        </form>
    }
}

/// What one regex grants: its problem, or how many queues and exchanges it matches, and the first.
#[component]
fn GrantLine(g: GrantPreview) -> impl IntoView {
    let (w, lang) = (use_words(), use_lang());
    let label = move || match g.field {
        PermissionField::Configure => w.get().configure,
        PermissionField::Write => w.get().write,
        PermissionField::Read => w.get().read,
    };
    let detail = match g.problem.clone() {
        Some(problem) => {
            view! { <span class="banner error" role="alert">{move || lang.get().problem(&problem)}</span> }.into_any()
        }
        None => {
            let names = g.queues.iter().chain(&g.exchanges).cloned().collect::<Vec<_>>().join(", ");
            let (queues, exchanges) = (g.queue_count, g.exchange_count);
            view! { <span>{move || (w.get().grants)(queues, exchanges)}</span> <span class="sub mono">{names}</span> }
                .into_any()
        }
    };
    view! { <li data-testid="grant"><strong>{label}</strong> " " {detail}</li> }
}

#[component]
pub fn TopicPermissions(info: AccessInfo, side: Side) -> impl IntoView {
    let (t, w) = (use_texts(), use_words());
    let cluster = use_cluster();
    let fresh = || {
        let d = side.draft();
        TopicPermissionDraft {
            vhost: d.vhost,
            user: d.user,
            exchange: "amq.topic".into(),
            write: ".*".into(),
            read: ".*".into(),
        }
    };
    let draft = RwSignal::new(fresh());
    let Actions { set_topic_permissions: save, clear_topic_permissions: clear, .. } = use_actions();
    let ready = use_ready();
    let problem = Memo::new(move |_| draft.get().check().err());
    let rows: Vec<_> = info.topic_permissions.iter().filter(|p| side.holds(&p.user, &p.vhost)).cloned().collect();
    let none = rows.is_empty();
    let rows = rows
        .iter()
        .map(|p| {
            let target = TopicPermissionRef { vhost: p.vhost.clone(), user: p.user.clone(), exchange: p.exchange.clone() };
            let question = (p.user.clone(), p.vhost.clone(), p.exchange.clone());
            view! {
                <tr data-testid="topic-permission">
                    <td>{side.other(&p.user, &p.vhost).to_string()}</td>
                    <td>{p.exchange.clone()}</td>
                    <td class="mono">{p.write.clone()}</td>
                    <td class="mono">{p.read.clone()}</td>
                    <td><ConfirmButton
                        label=Signal::derive(move || w.get().clear.to_string())
                        question=Signal::derive(move || (w.get().confirm_clear_topic)(&question.0, &question.1, &question.2))
                        on_confirm=Callback::new(move |_| { clear.dispatch(ClearTopicPermissions { cluster: cluster.get_untracked(), target: target.clone() }); })
                        testid="topic-clear"
                    /></td>
                </tr>
            }
        })
        .collect_view();
    let user_side = matches!(side, Side::User(_));
    let other_label = side.other_label();
    let choices = side.choices(&info);
    let pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        draft.update(|d| if user_side { d.vhost = value } else { d.user = value })
    };
    let edit = move |f: fn(&mut TopicPermissionDraft, String)| {
        move |ev: leptos::ev::Event| draft.update(|d| f(d, event_target_value(&ev)))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SetTopicPermissions { cluster: cluster.get_untracked(), draft: draft.get_untracked() });
    };
    view! {
        <h2>{move || w.get().topic_permissions}</h2>
        <p class="hint">{move || w.get().topic_hint}</p>
        {none.then(|| view! { <p class="muted">{move || w.get().no_permissions}</p> })}
        <div class="table-wrap" hidden=none>
            <table data-testid="topic-permissions">
                <thead><tr>
                    <th>{other_label}</th>
                    <th>{move || t.get().exchange}</th>
                    <th>{move || w.get().write}</th>
                    <th>{move || w.get().read}</th>
                    <th></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {outcome_view(clear.value(), clear.pending(), move |_| w.get_untracked().saved.to_string(), "topic-clear-result")}
        <form class="card" on:submit=submit data-testid="topic-editor">
            <div class="inline-form">
                <label><span>{other_label}</span>
                    <select on:change=pick data-testid="topic-other">
                        <option value="">"—"</option>
                        {choices.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>{move || t.get().exchange}</span><input prop:value=move || draft.get().exchange on:input=edit(|d, v| d.exchange = v) data-testid="topic-exchange"/></label>
                <label><span>{move || w.get().write}</span><input class="mono" prop:value=move || draft.get().write on:input=edit(|d, v| d.write = v) data-testid="topic-write"/></label>
                <label><span>{move || w.get().read}</span><input class="mono" prop:value=move || draft.get().read on:input=edit(|d, v| d.read = v) data-testid="topic-read"/></label>
            </div>
            {move || problem.get().filter(|_| draft.with(|d| !d.user.is_empty() && !d.vhost.is_empty())).map(|p| problem_banner(p, Some("topic-problem")))}
            <button type="submit" class="primary" data-testid="topic-save"
                disabled=move || !ready.get() || problem.get().is_some() || save.pending().get() || draft.with(|d| d.user.is_empty() || d.vhost.is_empty())>
                {move || w.get().set_topic_permissions}
            </button>
            {outcome_view(save.value(), save.pending(), move |_| w.get_untracked().saved.to_string(), "topic-result")}
        </form>
    }
}
