use leptos::prelude::*;

use crate::api::{list_policies, preview_policy, DeletePolicy, SavePolicy};
use crate::auth::Role;
use crate::components::fault::{fetched, ErrorView};
use crate::components::forms::{outcome_view, use_ready, ConfirmButton, IfRole};
use crate::components::list::use_vhost_filter;
use crate::components::live::use_cluster;
use crate::i18n::{use_lang, use_texts};
use domain::policy::{
    definition_rows, policy_key, ApplyTo, KeyType, PolicyDraft, PolicyInfo, PolicyProblem, PolicyRef, POLICY_KEYS,
};
use domain::problem::Problem;

#[component]
pub fn PoliciesPage() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let vhost = use_vhost_filter();
    let draft = RwSignal::new(PolicyDraft { vhost: start_vhost(&vhost.get_untracked()), ..Default::default() });
    let save = ServerAction::<SavePolicy>::new();
    let delete = ServerAction::<DeletePolicy>::new();
    let policies = Resource::new(
        move || (cluster.get(), vhost.get(), save.version().get(), delete.version().get()),
        |(c, v, _, _)| list_policies(c, (!v.is_empty()).then_some(v)),
    );
    view! {
        <h1>{move || t.get().policies}</h1>
        {fetched(policies, move |fresh| {
            let p = fresh.data;
            view! {
                <p class="muted">{move || (t.get().broker_version)(&p.broker_version)}</p>
                <h2>{move || t.get().user_policies}</h2>
                <PolicyTable policies=p.user.clone() operator=false draft delete/>
                <h2>{move || t.get().operator_policies}</h2>
                <PolicyTable policies=p.operator.clone() operator=true draft delete/>
            }
        })}
        {move || delete.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorView error/> })}
        <IfRole role=Role::Operator>
            <PolicyEditor draft save/>
        </IfRole>
    }
}

fn start_vhost(filter: &str) -> String {
    if filter.is_empty() {
        "/".into()
    } else {
        filter.into()
    }
}

#[component]
fn PolicyTable(
    policies: Vec<PolicyInfo>,
    operator: bool,
    draft: RwSignal<PolicyDraft>,
    delete: ServerAction<DeletePolicy>,
) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    if policies.is_empty() {
        return view! { <p class="muted">{move || t.get().none}</p> }.into_any();
    }
    let rows = policies
        .into_iter()
        .map(|p| {
            let definition = definition_rows(&p.definition)
                .into_iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ");
            let edit = {
                let p = p.clone();
                move |_| {
                    draft.set(PolicyDraft {
                        vhost: p.vhost.clone(),
                        name: p.name.clone(),
                        pattern: p.pattern.clone(),
                        apply_to: ApplyTo::parse(&p.apply_to).unwrap_or_default(),
                        priority: p.priority,
                        definition: definition_rows(&p.definition),
                        operator,
                    })
                }
            };
            let target = PolicyRef { vhost: p.vhost.clone(), name: p.name.clone(), operator };
            let question = p.name.clone();
            view! {
                <tr data-testid="policy-row" data-name=p.name.clone()>
                    <td>{p.vhost.clone()}</td>
                    <td>{p.name.clone()}</td>
                    <td class="mono">{p.pattern.clone()}</td>
                    <td>{p.apply_to.clone()}</td>
                    <td class="num">{p.priority}</td>
                    <td class="mono">{definition}</td>
                    <td>
                        <IfRole role=Role::Operator>
                            <button type="button" on:click=edit.clone() data-testid="policy-edit">{move || t.get().edit}</button>
                            <ConfirmButton
                                label=Signal::derive(move || t.get().delete.to_string())
                                question=Signal::derive({ let q = question.clone(); move || (t.get().confirm_delete)(&q) })
                                on_confirm=Callback::new({
                                    let target = target.clone();
                                    move |_| { delete.dispatch(DeletePolicy { cluster: cluster.get_untracked(), policy: target.clone() }); }
                                })
                                testid="policy-delete"
                            />
                        </IfRole>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table data-testid=if operator { "operator-policies" } else { "policies" }>
                <thead>
                    <tr>
                        <th>{move || t.get().vhost}</th>
                        <th>{move || t.get().name}</th>
                        <th>{move || t.get().pattern}</th>
                        <th>{move || t.get().apply_to}</th>
                        <th class="num">{move || t.get().priority}</th>
                        <th>{move || t.get().definition}</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The editor: typed keys, checked as they are typed, and a live preview from the server of what
/// the pattern matches and what each object ends up with.
#[component]
fn PolicyEditor(draft: RwSignal<PolicyDraft>, save: ServerAction<SavePolicy>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let current = Memo::new(move |_| draft.get());
    let ready = use_ready();
    let preview = Resource::new(move || (cluster.get(), current.get()), |(c, d)| preview_policy(c, d));
    let edit = move |f: fn(&mut PolicyDraft, String)| {
        move |ev: leptos::ev::Event| draft.update(|d| f(d, event_target_value(&ev)))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SavePolicy { cluster: cluster.get_untracked(), draft: draft.get_untracked() });
    };
    let row = move |i: usize| {
        let get = move |pick: fn(&(String, String)) -> String| {
            move || draft.with(|d| d.definition.get(i).map(pick).unwrap_or_default())
        };
        let set = move |first: bool| {
            move |ev: leptos::ev::Event| {
                let value = event_target_value(&ev);
                draft.update(|d| {
                    if let Some(row) = d.definition.get_mut(i) {
                        if first {
                            row.0 = value
                        } else {
                            row.1 = value
                        }
                    }
                })
            }
        };
        let hint = move || {
            draft.with(|d| {
                d.definition
                    .get(i)
                    .and_then(|(k, _)| policy_key(k))
                    .map(|k| match k.kind {
                        KeyType::Choice(choices) => choices.join(" | "),
                        KeyType::Count(min) => format!("≥ {min}"),
                        KeyType::Range(lo, hi) => format!("{lo}–{hi}"),
                        KeyType::Age => "7D, 12h, 30m".into(),
                        KeyType::HaParams => "2 / [\"rabbit@a\"]".into(),
                        KeyType::Text => String::new(),
                    })
                    .unwrap_or_default()
            })
        };
        view! {
            <div class="typed-row">
                <input aria-label=move || t.get().key list="policy-keys" prop:value=get(|r| r.0.clone()) on:input=set(true) data-testid=format!("policy-key-{i}")/>
                <input aria-label=move || t.get().value placeholder=hint prop:value=get(|r| r.1.clone()) on:input=set(false) data-testid=format!("policy-value-{i}")/>
                <button type="button" class="icon" aria-label=move || t.get().remove on:click=move |_| draft.update(|d| {
                    if i < d.definition.len() { d.definition.remove(i); }
                })>"×"</button>
            </div>
        }
    };
    view! {
        <section class="card policy-editor" data-testid="policy-editor" data-ready=move || ready.get().to_string()>
            <h2>{move || t.get().edit_policy}</h2>
            <form on:submit=submit>
                <datalist id="policy-keys">
                    {POLICY_KEYS.iter().map(|k| view! { <option value=k.key></option> }).collect_view()}
                </datalist>
                <div class="inline-form">
                    <label><span>{move || t.get().vhost}</span><input prop:value=move || draft.get().vhost on:input=edit(|d, v| d.vhost = v) data-testid="policy-vhost"/></label>
                    <label><span>{move || t.get().name}</span><input prop:value=move || draft.get().name on:input=edit(|d, v| d.name = v) data-testid="policy-name"/></label>
                    <label><span>{move || t.get().pattern}</span><input class="mono" prop:value=move || draft.get().pattern on:input=edit(|d, v| d.pattern = v) data-testid="policy-pattern" placeholder="^orders\\."/></label>
                    <label>
                        <span>{move || t.get().apply_to}</span>
                        <select prop:value=move || draft.get().apply_to.as_str() on:change=edit(|d, v| d.apply_to = ApplyTo::parse(&v).unwrap_or_default()) data-testid="policy-apply-to">
                            {ApplyTo::ALL.into_iter().map(|a| view! { <option value=a.as_str()>{a.as_str()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label><span>{move || t.get().priority}</span><input type="number" prop:value=move || draft.get().priority.to_string() on:input=edit(|d, v| d.priority = v.trim().parse().unwrap_or(0)) data-testid="policy-priority"/></label>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || draft.get().operator on:change=move |ev| draft.update(|d| d.operator = event_target_checked(&ev)) data-testid="policy-operator"/>
                        <span>{move || t.get().operator_policy}</span>
                    </label>
                </div>
                <fieldset>
                    <legend>{move || t.get().definition}</legend>
                    <For each=move || 0..draft.with(|d| d.definition.len()) key=|i| *i let:i>
                        {row(i)}
                    </For>
                    <button type="button" data-testid="policy-add-key" on:click=move |_| draft.update(|d| d.definition.push(Default::default()))>
                        {move || t.get().add_row}
                    </button>
                </fieldset>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Ok(p) => view! { <PreviewView p save ready/> }.into_any(),
                            Err(error) => view! { <ErrorView error/> }.into_any(),
                        }
                    })}
                </Transition>
            </form>
            {outcome_view(save.value(), save.pending(), move |_| t.get_untracked().policy_saved.to_string(), "policy-result")}
        </section>
    }
}

#[component]
fn PreviewView(
    p: domain::policy::PolicyPreview,
    save: ServerAction<SavePolicy>,
    ready: ReadSignal<bool>,
) -> impl IntoView {
    let t = use_texts();
    let blocked = !p.checked.errors.is_empty();
    let errors = problem_items(&p.checked.errors);
    let warnings = problem_items(&p.checked.warnings);
    let (shown, matched, applies_to) = (p.rows.len() as u64, p.matched, p.applies_to);
    let has_warnings = !p.checked.warnings.is_empty();
    let rows = p
        .rows
        .iter()
        .map(|r| {
            let effective = r.effective.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
            let kind = if r.queue_type.is_empty() { "exchange".to_string() } else { r.queue_type.clone() };
            // RabbitMQ skips a policy for a queue whose type does not take one of its keys.
            let skipped = (!r.keys_not_taken.is_empty()).then(|| {
                let (queue_type, keys) = (r.queue_type.clone(), r.keys_not_taken.join(", "));
                view! { <div class="hint" data-testid="preview-skipped">{move || (t.get().policy_skips)(&queue_type, &keys)}</div> }
            });
            view! {
                <tr class:muted=!r.draft_applies data-testid="preview-row">
                    <td>{r.name.clone()}</td>
                    <td>{kind}</td>
                    <td>{r.policy.clone()}{r.tie.then_some(" ⚠")}{skipped}</td>
                    <td>{r.operator_policy.clone()}</td>
                    <td class="mono">{effective}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {blocked.then(|| view! { <ul class="banner error" role="alert" data-testid="policy-errors">{errors}</ul> })}
        {has_warnings.then(|| view! { <ul class="banner warn" data-testid="policy-warnings">{warnings}</ul> })}
        <p data-testid="policy-preview-summary">{move || (t.get().policy_matches)(matched, applies_to, shown)}</p>
        <div class="table-wrap">
            <table data-testid="policy-preview">
                <thead>
                    <tr>
                        <th>{move || t.get().name}</th>
                        <th>{move || t.get().kind}</th>
                        <th>{move || t.get().policy}</th>
                        <th>{move || t.get().operator_policy}</th>
                        <th>{move || t.get().effective_policy}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <button type="submit" class="primary" data-testid="policy-save" disabled=move || !ready.get() || blocked || save.pending().get()>
            {move || t.get().save_policy}
        </button>
    }
}

/// The rules' problems as list items, each in the current language.
fn problem_items(problems: &[PolicyProblem]) -> impl IntoView {
    let lang = use_lang();
    problems
        .iter()
        .map(|p| {
            let problem = Problem::Policy(p.clone());
            view! { <li>{move || lang.get().problem(&problem)}</li> }
        })
        .collect_view()
}
