//! Admin: wall-screen dashboards. The list, with each one's kiosk link; an editor of one
//! dashboard, as a form or as the JSON the export holds, which the server checks on save: a
//! mistake is named with its tile and changes nothing; export and import of them all. `?edit=3` opens
//! dashboard 3 in the editor, `?edit=new` a new one.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{delete_dashboard, get_dashboard, import_dashboards, list_clusters, list_dashboards, save_dashboard};
use crate::components::dashboard_form::DashboardForm;
use crate::components::fault::fetched;
use crate::components::forms::{outcome_view, ConfirmButton, FilePicker};
use crate::error::AppError;
use crate::i18n::{use_lang, use_texts};
use crate::urls;
use domain::dashboard::{Dashboard, DashboardProblem, DashboardSpec, Tile, TileKind, TopBy, SPEC_VERSION};
use domain::problem::Problem;

#[component]
pub fn DashboardsPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let editing = Memo::new(move |_| query.read().get("edit"));
    let save = Action::new(|(id, rev, text): &(Option<i64>, u64, String)| {
        let (id, rev, text) = (*id, *rev, text.clone());
        async move { save_dashboard(id, rev, read_spec(&text).map_err(Problem::from)?).await }
    });
    let delete = Action::new(|id: &i64| delete_dashboard(*id));
    let import = Action::new(|text: &String| {
        let text = text.clone();
        async move {
            let specs: Vec<DashboardSpec> = serde_json::from_str(&text)
                .map_err(|e| Problem::from(DashboardProblem::NotAnExport { detail: e.to_string() }))?;
            import_dashboards(specs).await
        }
    });
    let list = Resource::new(
        move || (save.version().get(), delete.version().get(), import.version().get()),
        |_| list_dashboards(),
    );
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Warren"</a>
            <nav aria-label="sections">
                <a href="/">{move || t.get().overview}</a>
                <a href="/admin">{move || t.get().admin}</a>
                <a href="/admin/dashboards" aria-current="page">{move || t.get().dashboards}</a>
            </nav>
        </header>
        <main>
            <h1>{move || t.get().dashboards}</h1>
            <p class="muted">{move || t.get().dashboards_hint}</p>
            <section class="card" data-testid="dashboards">
                <p class="inline-form">
                    <a href="/admin/dashboards?edit=new" data-testid="new-dashboard">{move || t.get().new_dashboard}</a>
                    <a href="/export/dashboards" download data-testid="export-dashboards">{move || t.get().export_json}</a>
                </p>
                {fetched(list, move |all| view! { <DashboardList all editing/> })}
                {outcome_view(delete.value(), delete.pending(), move |_| t.get_untracked().deleted.to_string(), "dashboard-deleted")}
            </section>
            {move || editing.get().map(|which| {
                let id = which.parse::<i64>().ok();
                view! { <Editor id save delete/> }
            })}
            <section class="card">
                <h2>{move || t.get().import_dashboards}</h2>
                <ImportForm import/>
            </section>
        </main>
    }
}

#[component]
fn DashboardList(all: Vec<Dashboard>, editing: Memo<Option<String>>) -> impl IntoView {
    let t = use_texts();
    if all.is_empty() {
        return view! { <p class="muted" data-testid="no-dashboards">{move || t.get().no_dashboards}</p> }.into_any();
    }
    let rows = all
        .into_iter()
        .map(|d| {
            let id = d.id;
            let edit = format!("/admin/dashboards?edit={id}");
            let current = move || editing.get().as_deref() == Some(id.to_string().as_str());
            view! {
                <tr data-testid="dashboard-row" aria-current=move || current().then_some("true")>
                    <td>{id}</td>
                    <td>{d.spec.name}</td>
                    <td>{d.spec.tiles.len()}</td>
                    <td><a href=format!("/kiosk/{id}") rel="external" data-testid="open-kiosk">{format!("/kiosk/{id}")}</a></td>
                    <td><a href=edit data-testid="edit-dashboard">{move || t.get().edit}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid">
            <thead><tr>
                <th>"#"</th>
                <th>{move || t.get().name}</th>
                <th>{move || t.get().tiles}</th>
                <th>{move || t.get().kiosk_link}</th>
                <th></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

type SaveAction = Action<(Option<i64>, u64, String), Result<Dashboard, AppError>>;

/// The JSON of one dashboard (or a starting point for a new one), saved with the revision it
/// was loaded at: a save over someone else's newer one is refused, not silently undone.
#[component]
fn Editor(id: Option<i64>, save: SaveAction, delete: Action<i64, Result<(), AppError>>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let clusters = Resource::new(|| (), |_| list_clusters());
    let loaded = Resource::new(
        move || (),
        move |_| async move {
            let clusters: Vec<String> = clusters.await?.into_iter().map(|c| c.name).collect();
            // Read on its own, not from the list: the list is fetched again after every save, and
            // the editor must not be rebuilt then (a refused save would lose the edit it refused).
            let (rev, spec) = match id {
                Some(id) => get_dashboard(id).await.map(|d| (d.rev, d.spec))?,
                None => (0, starter(clusters.first().cloned().unwrap_or_default())),
            };
            Ok((rev, spec, clusters))
        },
    );
    view! {
        <section class="card" data-testid="dashboard-editor">
            <h2>{move || match id { Some(id) => (t.get().edit_dashboard)(id), None => t.get().new_dashboard.to_string() }}</h2>
            {fetched(loaded, move |(rev, spec, clusters)| {
                let spec = RwSignal::new(spec);
                // The JSON view's text, taken from the form when it opens; back in the form only
                // if it reads as a dashboard.
                let text = RwSignal::new(String::new());
                let json_view = RwSignal::new(false);
                let unreadable = RwSignal::new(None::<Problem>);
                let show_json = move |_| {
                    if !json_view.get_untracked() {
                        text.set(serde_json::to_string_pretty(&spec.get_untracked()).unwrap_or_default());
                        json_view.set(true);
                    }
                };
                let show_form = move |_| {
                    if json_view.get_untracked() {
                        match read_spec(&text.get_untracked()) {
                            Ok(read) => {
                                spec.set(read);
                                unreadable.set(None);
                                json_view.set(false);
                            }
                            Err(problem) => unreadable.set(Some(problem.into())),
                        }
                    }
                };
                let clusters = StoredValue::new(clusters);
                // The form's problems: a save is not sent while there are any (the server would
                // refuse most of them; a number the form cannot read it would not see).
                let problems = Memo::new(move |_| spec.with(|s| clusters.with_value(|c| s.problems(c))));
                let rev = RwSignal::new(rev);
                let navigate = leptos_router::hooks::use_navigate();
                // After a save the editor goes on from the saved revision (a new one gets its id);
                // after a delete it closes. Only for actions of this editor: the page's actions
                // keep the outcome of one made in an editor opened before.
                let (saves, deletes) = (save.version().get_untracked(), delete.version().get_untracked());
                Effect::new(move |_| {
                    if save.version().get() > saves {
                        if let Some(Ok(saved)) = save.value().get_untracked() {
                            rev.set(saved.rev);
                            if id.is_none() {
                                let url = urls::with_query("/admin/dashboards", &[("edit", &saved.id.to_string())]);
                                navigate(&url, Default::default());
                            }
                        }
                    }
                    if delete.version().get() > deletes && matches!(delete.value().get_untracked(), Some(Ok(()))) {
                        navigate("/admin/dashboards", Default::default());
                    }
                });
                let on_submit = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let current = if json_view.get_untracked() {
                        text.get_untracked()
                    } else if problems.with_untracked(Vec::is_empty) {
                        serde_json::to_string(&spec.get_untracked()).unwrap_or_default()
                    } else {
                        return;
                    };
                    save.dispatch((id, rev.get_untracked(), current));
                };
                view! {
                    <form on:submit=on_submit class="stack">
                        <p class="segmented" role="group">
                            <button type="button" data-testid="edit-as-form" aria-pressed=move || (!json_view.get()).to_string() on:click=show_form>
                                {move || t.get().edit_as_form}
                            </button>
                            <button type="button" data-testid="edit-as-json" aria-pressed=move || json_view.get().to_string() on:click=show_json>
                                {move || t.get().edit_as_json}
                            </button>
                        </p>
                        {move || unreadable.get().map(|problem| view! {
                            <p class="banner error" role="alert" data-testid="dashboard-unreadable">{move || lang.get().problem(&problem)}</p>
                        })}
                        {move || if json_view.get() {
                            view! {
                                <label>
                                    <span>{move || t.get().dashboard_json}</span>
                                    <textarea rows="24" spellcheck="false" class="mono" data-testid="dashboard-json"
                                        prop:value=move || text.get() on:input:target=move |ev| text.set(ev.target().value())></textarea>
                                </label>
                                <p class="muted">{move || t.get().dashboard_json_hint}</p>
                            }
                            .into_any()
                        } else {
                            view! { <DashboardForm spec clusters=clusters.get_value() problems/> }.into_any()
                        }}
                        <p class="inline-form">
                            <button type="submit" data-testid="save-dashboard"
                                disabled=move || save.pending().get() || (!json_view.get() && !problems.with(Vec::is_empty))>
                                {move || t.get().save}
                            </button>
                            {id.map(|id| view! {
                                <a href=format!("/kiosk/{id}") target="_blank">{move || t.get().open_kiosk}</a>
                                <ConfirmButton
                                    label=Signal::derive(move || t.get().delete.to_string())
                                    question=Signal::derive(move || t.get().confirm_delete_dashboard.to_string())
                                    on_confirm=Callback::new(move |_| { delete.dispatch(id); })
                                    testid="delete-dashboard"/>
                            })}
                        </p>
                        {outcome_view(
                            // This editor's own saves, and the save that created this dashboard.
                            Signal::derive(move || {
                                let own = save.version().get() > saves;
                                save.value().get().filter(|result| match result {
                                    Ok(saved) => own || Some(saved.id) == id,
                                    Err(_) => own,
                                })
                            }),
                            save.pending(),
                            move |d: &Dashboard| (t.get_untracked().dashboard_saved)(d.id, d.rev),
                            "dashboard-saved",
                        )}
                    </form>
                }
            })}
        </section>
    }
}

fn read_spec(text: &str) -> Result<DashboardSpec, DashboardProblem> {
    serde_json::from_str(text).map_err(|e| DashboardProblem::NotADashboard { detail: e.to_string() })
}

/// A new dashboard's starting point: the tiles most teams want, on the first cluster.
fn starter(cluster: String) -> DashboardSpec {
    let tile = |kind: TileKind, width: u8| Tile {
        title: String::new(),
        cluster: cluster.clone(),
        thresholds: kind.default_thresholds(),
        kind,
        width,
    };
    DashboardSpec {
        version: SPEC_VERSION,
        name: String::new(),
        tiles: vec![
            tile(TileKind::ClusterStatus {}, 1),
            tile(TileKind::Totals { vhost: None }, 2),
            tile(TileKind::Warnings {}, 1),
            tile(TileKind::TopQueues { queues: Default::default(), by: TopBy::Backlog, limit: 8 }, 2),
            tile(TileKind::NoConsumers { queues: Default::default(), limit: 8 }, 2),
        ],
    }
}

#[component]
fn ImportForm(import: Action<String, Result<Vec<Dashboard>, AppError>>) -> impl IntoView {
    let t = use_texts();
    let text = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        import.dispatch(text.get_untracked());
    };
    view! {
        <form on:submit=on_submit class="stack">
            <FilePicker text/>
            <p class="muted">{move || t.get().import_dashboards_hint}</p>
            <button type="submit" data-testid="import-dashboards" disabled=move || text.get().is_empty() || import.pending().get()>
                {move || t.get().import}
            </button>
            {outcome_view(import.value(), import.pending(), move |all: &Vec<Dashboard>| (t.get_untracked().dashboards_imported)(all.len()), "dashboards-imported")}
        </form>
    }
}
