use leptos::prelude::*;

use crate::api::{list_vhosts, ImportDefinitions, PreviewImport};
use crate::auth::Role;
use crate::components::forms::{outcome_view, use_ready, ConfirmButton, FilePicker, IfRole};
use crate::components::list::use_vhost_filter;
use crate::components::live::use_cluster;
use crate::i18n::{use_lang, use_texts};
use crate::urls;
use domain::definitions::{Import, ImportPreview, ItemFields};
use domain::problem::Problem;

#[component]
pub fn DefinitionsPage() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let filter = use_vhost_filter();
    let export_all = move || format!("/export/{}/definitions", urls::encode(&cluster.get()));
    let export_vhost = move || urls::with_query(&export_all(), &[("vhost", &filter.get())]);
    view! {
        <h1>{move || t.get().definitions}</h1>
        <IfRole role=Role::Admin>
            <section class="card" data-testid="export">
                <h2>{move || t.get().export}</h2>
                <p class="muted">{move || t.get().export_hint}</p>
                <div class="actions">
                    <a class="button" href=export_all download="" data-testid="export-all">{move || t.get().export_broker}</a>
                    {move || (!filter.get().is_empty()).then(|| view! {
                        <a class="button" href=export_vhost download="" data-testid="export-vhost">
                            {move || (t.get().export_vhost)(&filter.get())}
                        </a>
                    })}
                </div>
            </section>
            <ImportForm/>
        </IfRole>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let vhosts = Resource::new(move || cluster.get(), list_vhosts);
    let vhost = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let preview = ServerAction::<PreviewImport>::new();
    let import = ServerAction::<ImportDefinitions>::new();
    let ready = use_ready();
    let request = move || Import { vhost: Some(vhost.get()).filter(|v| !v.is_empty()), definitions: text.get() };
    // A new file or scope needs a new preview before it may be imported.
    Effect::new(move |_| {
        let _ = (vhost.get(), text.get());
        preview.value().set(None);
        import.value().set(None);
    });
    let on_preview = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        preview.dispatch(PreviewImport { cluster: cluster.get_untracked(), import: request() });
    };
    let on_import = Callback::new(move |_| {
        import.dispatch(ImportDefinitions { cluster: cluster.get_untracked(), import: request() });
    });
    let importable = Signal::derive(
        move || matches!(preview.value().get(), Some(Ok(p)) if p.blockers.is_empty() && p.changes() > 0),
    );
    view! {
        <section class="card" data-testid="import" data-ready=move || ready.get().to_string()>
            <h2>{move || t.get().import}</h2>
            <p class="muted">{move || t.get().import_hint}</p>
            <form on:submit=on_preview>
                <div class="inline-form">
                    <label>
                        <span>{move || t.get().import_into}</span>
                        <select data-testid="import-vhost" on:change=move |ev| vhost.set(event_target_value(&ev))>
                            <option value="">{move || t.get().whole_broker}</option>
                            <Transition fallback=|| ()>
                                {move || Suspend::new(async move {
                                    vhosts.await.unwrap_or_default().into_iter()
                                        .map(|v| view! { <option value=v.clone()>{v.clone()}</option> })
                                        .collect_view()
                                })}
                            </Transition>
                        </select>
                    </label>
                    <FilePicker text/>
                </div>
                <label class="block">
                    <span>{move || t.get().definitions_json}</span>
                    <textarea rows="8" class="mono" bind:value=text data-testid="import-text"></textarea>
                </label>
                <button type="submit" class="primary" data-testid="import-preview" disabled=move || !ready.get() || text.get().trim().is_empty() || preview.pending().get()>
                    {move || t.get().preview}
                </button>
            </form>
            {move || preview.value().get().map(|result| match result {
                Ok(p) => view! { <ImportPreviewView p/> }.into_any(),
                Err(error) => view! { <crate::components::fault::ErrorView error/> }.into_any(),
            })}
            <div class="actions">
                <ConfirmButton
                    label=Signal::derive(move || t.get().import.to_string())
                    question=Signal::derive(move || t.get().confirm_import.to_string())
                    on_confirm=on_import
                    disabled=Signal::derive(move || !importable.get())
                    testid="import-confirm"
                />
            </div>
            {outcome_view(import.value(), import.pending(), move |p: &ImportPreview| (t.get_untracked().imported)(p.changes()), "import-result")}
        </section>
    }
}

#[component]
fn ImportPreviewView(p: ImportPreview) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let sections = p
        .sections
        .iter()
        .filter(|s| s.added.len() + s.changed.len() + s.kept.len() + s.skipped.len() > 0 || s.unchanged > 0)
        .map(|s| {
            let list = |items: Vec<String>| items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view();
            let with_fields = |items: &[ItemFields]| {
                list(items.iter().map(|i| format!("{} ({})", i.item, i.fields.join(", "))).collect())
            };
            let skipped = s
                .skipped
                .iter()
                .map(|k| {
                    let (item, reason) = (k.item.clone(), k.reason);
                    view! { <li>{item}" — "{move || lang.get().import_skip(reason)}</li> }
                })
                .collect_view();
            view! {
                <tr data-testid="import-section" data-section=s.section.clone()>
                    <td>{s.section.clone()}</td>
                    <td><ul class="compact">{list(s.added.clone())}</ul></td>
                    <td><ul class="compact" data-testid="import-changed">{with_fields(&s.changed)}</ul></td>
                    <td><ul class="compact" data-testid="import-kept">{with_fields(&s.kept)}</ul></td>
                    <td><ul class="compact" data-testid="import-skipped">{skipped}</ul></td>
                    <td class="num">{s.unchanged}</td>
                </tr>
            }
        })
        .collect_view();
    let problems = |items: Vec<Problem>| {
        items.into_iter().map(|problem| view! { <li>{move || lang.get().problem(&problem)}</li> }).collect_view()
    };
    let blockers = problems(p.blockers.iter().cloned().map(Problem::Definitions).collect());
    let effects = p
        .effects
        .iter()
        .map(|effect| {
            let effect = effect.clone();
            view! { <li>{move || lang.get().import_effect(&effect)}</li> }
        })
        .collect_view();
    let nothing = p.changes() == 0 && p.blockers.is_empty();
    view! {
        {(!p.blockers.is_empty()).then(|| view! { <ul class="banner error" role="alert" data-testid="import-blockers">{blockers}</ul> })}
        {(!p.effects.is_empty()).then(|| view! { <ul class="banner warn" data-testid="import-effects">{effects}</ul> })}
        {(!p.ignored.is_empty()).then(|| {
            let ignored = p.ignored.join(", ");
            view! { <p class="banner warn">{move || (t.get().import_ignored)(&ignored)}</p> }
        })}
        {nothing.then(|| view! { <p class="banner ok" data-testid="import-nothing">{move || t.get().import_nothing}</p> })}
        <div class="table-wrap">
            <table data-testid="import-preview-table">
                <thead>
                    <tr>
                        <th>{move || t.get().section}</th>
                        <th>{move || t.get().added}</th>
                        <th>{move || t.get().changed}</th>
                        <th>{move || t.get().import_kept}</th>
                        <th>{move || t.get().import_skipped}</th>
                        <th class="num">{move || t.get().unchanged}</th>
                    </tr>
                </thead>
                <tbody>{sections}</tbody>
            </table>
        </div>
    }
}
