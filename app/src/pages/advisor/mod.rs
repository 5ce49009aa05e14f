//! `/c/{cluster}/advisor`: what on the cluster loses messages, duplicates them or lets them pile
//! up unseen, most serious first, each with the object it concerns, the numbers that show it, why
//! it matters and the fix. Admins mute a finding that is intended, with a reason everyone sees.
//! `?object=queue&vhost=…&name=…` shows one object's findings (the object pages link there).

pub mod words;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_advice, MuteFinding};
use crate::auth::Role;
use crate::components::advice::severity_class;
use crate::components::forms::{outcome_view, IfRole};
use crate::components::live::{use_cluster, use_live, with_live};
use crate::i18n::{use_lang, use_texts};
use crate::urls;
use domain::advisor::{Advice, Advised, MuteRequest, Severity, Subject};
use words::use_advisor_words;

#[component]
pub fn AdvisorPage() -> impl IntoView {
    let w = use_advisor_words();
    let cluster = use_cluster();
    let query = use_query_map();
    let about = Memo::new(move |_| {
        let q = query.read();
        let (vhost, name) = (q.get("vhost").unwrap_or_default(), q.get("name").unwrap_or_default());
        match q.get("object").as_deref() {
            Some("queue") => Some(Subject::Queue { vhost, name }),
            Some("exchange") => Some(Subject::Exchange { vhost, name }),
            Some("channel") => Some(Subject::Channel { vhost, name }),
            _ => None,
        }
    });
    let first = Resource::new(move || cluster.get(), |cluster| get_advice(cluster, None));
    let live = use_live(move || urls::live(&cluster.get(), "advisor", &[]));
    view! {
        <h1>{move || w.get().title}</h1>
        <p class="hint">{move || w.get().hint}</p>
        {move || about.get().map(|about| {
            let name = subject_name(&about);
            view! {
            <p data-testid="advisor-about">
                {move || (w.get().subject_kind)(&about)} " " <strong>{name}</strong> " · "
                <a href=move || urls::section(&cluster.get(), "advisor")>{move || w.get().show_all}</a>
            </p>
            }
        })}
        {with_live(first, live, move |advice: Advice| view! { <Findings advice about/> })}
    }
}

#[component]
fn Findings(advice: Advice, about: Memo<Option<Subject>>) -> impl IntoView {
    let w = use_advisor_words();
    move || {
        let about = about.get();
        let shown: Vec<Advised> = advice
            .findings
            .iter()
            .filter(|a| about.as_ref().is_none_or(|about| a.finding.subject.concerns(about)))
            .cloned()
            .collect();
        if advice.refreshes < 2 {
            return view! { <p class="loading" aria-busy="true" data-testid="advisor-waiting">{move || w.get().waiting}</p> }
                .into_any();
        }
        let (muted, open): (Vec<Advised>, Vec<Advised>) = shown.into_iter().partition(|a| a.muted.is_some());
        let groups = [Severity::Red, Severity::Amber, Severity::Info].map(|severity| {
            let group: Vec<Advised> = open.iter().filter(|a| a.finding.severity == severity).cloned().collect();
            (!group.is_empty()).then(|| {
                let n = group.len();
                view! {
                    <section class="findings" data-testid=format!("advisor-{}", severity_class(severity))>
                        <h2>{move || (w.get().severity)(severity)} " (" {n} ")"</h2>
                        {group.into_iter().map(|advised| view! { <FindingView advised/> }).collect_view()}
                    </section>
                }
            })
        });
        let n_muted = muted.len();
        view! {
            {open.is_empty().then(|| view! { <p class="banner ok" data-testid="advisor-clear">{move || w.get().nothing_found}</p> })}
            {groups.into_iter().collect_view()}
            {(n_muted > 0).then(|| view! {
                <details class="findings" data-testid="advisor-muted">
                    <summary>{move || (w.get().show_muted)(n_muted)}</summary>
                    {muted.into_iter().map(|advised| view! { <FindingView advised/> }).collect_view()}
                </details>
            })}
        }
        .into_any()
    }
}

#[component]
fn FindingView(advised: Advised) -> impl IntoView {
    let (w, lang) = (use_advisor_words(), use_lang());
    let cluster = use_cluster();
    let Advised { finding, muted } = advised;
    let explained = {
        let finding = finding.clone();
        Memo::new(move |_| {
            let e = (w.get().explain)(&finding);
            (lang.get().finding_title(finding.check.headline()), e.evidence, e.why, e.fix)
        })
    };
    let subject = finding.subject.clone();
    let kind = finding.check.kind();
    let link = object_link(&cluster.get_untracked(), &subject);
    let is_muted = muted.is_some();
    view! {
        <article class=format!("finding {}", severity_class(finding.severity)) class:muted=is_muted data-testid="finding" data-kind=kind>
            <h3>{move || explained.get().0}</h3>
            <p class="subject">
                {move || (w.get().subject_kind)(&subject)} " "
                {match link {
                    Some(href) => view! { <a href=href data-testid="finding-object">{subject_name(&finding.subject)}</a> }.into_any(),
                    None => view! { <strong>{subject_name(&finding.subject)}</strong> }.into_any(),
                }}
            </p>
            <dl>
                <dt>{move || w.get().evidence}</dt>
                <dd data-testid="finding-evidence">{move || explained.get().1}</dd>
                <dt>{move || w.get().why}</dt>
                <dd>{move || explained.get().2}</dd>
                <dt>{move || w.get().fix}</dt>
                <dd data-testid="finding-fix">{move || explained.get().3}</dd>
            </dl>
            {muted.as_ref().map(|m| {
                let (by, reason) = (m.by.clone(), m.reason.clone());
                view! { <p class="muted-by" data-testid="finding-muted">{move || (w.get().muted)(&by, &reason)}</p> }
            })}
            <IfRole role=Role::Admin>
                <MuteControl subject=finding.subject.clone() kind muted=is_muted/>
            </IfRole>
        </article>
    }
}

/// Mute with a reason (a small form: Enter sends, Escape closes), or unmute.
#[component]
fn MuteControl(subject: Subject, kind: &'static str, muted: bool) -> impl IntoView {
    let (w, t) = (use_advisor_words(), use_texts());
    let cluster = use_cluster();
    let action = ServerAction::<MuteFinding>::new();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let (true, Some(input)) = (open.get(), input.get()) {
            let _ = input.focus();
        }
    });
    let send = {
        let subject = subject.clone();
        move |reason: String| {
            let request = MuteRequest { subject: subject.clone(), kind: kind.to_string(), reason };
            action.dispatch(MuteFinding { cluster: cluster.get_untracked(), request });
        }
    };
    let unmute = {
        let send = send.clone();
        move |_| send(String::new())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(reason.get_untracked());
    };
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    };
    view! {
        {if muted {
            view! { <button type="button" data-testid="unmute" on:click=unmute>{move || w.get().unmute}</button> }.into_any()
        } else {
            view! {
                <Show when=move || open.get() fallback=move || view! {
                    <button type="button" data-testid="mute" on:click=move |_| open.set(true)>{move || w.get().mute}</button>
                }>
                    <form class="mute" on:submit=submit.clone() on:keydown=keydown>
                        <label>
                            {move || w.get().mute_reason} " "
                            <input
                                node_ref=input
                                required
                                maxlength=domain::advisor::Mute::MAX_REASON
                                data-testid="mute-reason"
                                prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))
                            />
                        </label>
                        <span class="sub">{move || w.get().mute_reason_hint}</span>
                        <button type="submit" data-testid="mute-confirm">{move || w.get().mute}</button>
                        <button type="button" on:click=move |_| open.set(false)>{move || t.get().cancel}</button>
                    </form>
                </Show>
            }
            .into_any()
        }}
        {outcome_view(
            action.value(),
            action.pending(),
            move |_| if muted { w.get_untracked().unmuted_done } else { w.get_untracked().muted_done }.to_string(),
            "mute-result",
        )}
    }
}

/// The object's page, where it has one.
fn object_link(cluster: &str, subject: &Subject) -> Option<String> {
    match subject {
        Subject::Cluster => None,
        Subject::Node { name } => Some(urls::with_query(&urls::section(cluster, "node"), &[("name", name)])),
        Subject::Queue { vhost, name } | Subject::Consumer { vhost, queue: name, .. } => {
            Some(urls::queue_page(cluster, vhost, name))
        }
        Subject::Exchange { vhost, name } => Some(urls::object_page(cluster, "exchange", vhost, name)),
        Subject::Channel { vhost, name } => Some(urls::object_page(cluster, "channel", vhost, name)),
    }
}

/// How the page names the object: its vhost and name; a consumer by its tag, queue and channel.
fn subject_name(subject: &Subject) -> String {
    let vhost_name = |vhost: &str, name: &str| format!("{name} (vhost {vhost})");
    match subject {
        Subject::Cluster => String::new(),
        Subject::Node { name } => name.clone(),
        Subject::Queue { vhost, name } | Subject::Exchange { vhost, name } | Subject::Channel { vhost, name } => {
            vhost_name(vhost, name)
        }
        Subject::Consumer { vhost, queue, channel, tag } => format!("{tag} · {} · {channel}", vhost_name(vhost, queue)),
    }
}
