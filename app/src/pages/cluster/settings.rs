//! `/c/{cluster}/settings`: the cluster as a whole: its name, its feature flags (enable one, or
//! every stable one, and follow them until they settle) and the deprecated features it uses.

use std::time::Duration;

use leptos::prelude::*;

use super::words::use_cluster_words;
use crate::api::{enable_feature_flag, get_cluster_settings, EnableFeatureFlag, RenameCluster};
use crate::components::fault::{after_broker_fault, fetched, read_again, ErrorView};
use crate::components::forms::{outcome_view, problem_banner, use_ready, ConfirmButton};
use crate::components::live::use_cluster;
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::{ClusterSettings, DeprecatedFeature, FeatureFlag};
use domain::cluster::{check_name, pending_flags};

/// The page's writes and the enabling of every stable flag, made once per page: the sections
/// under `fetched` are made again each time the page reads the broker again.
#[derive(Clone, Copy)]
struct Writes {
    rename: ServerAction<RenameCluster>,
    enable: ServerAction<EnableFeatureFlag>,
    /// While enabling every stable flag: how many are done, how many in all, and the current one.
    progress: RwSignal<Option<(usize, usize, String)>>,
    /// Why enabling every stable flag stopped.
    stopped: RwSignal<Option<AppError>>,
    reload: RwSignal<u64>,
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let (t, c) = (use_texts(), use_cluster_words());
    let cluster = use_cluster();
    let writes = Writes {
        rename: ServerAction::new(),
        enable: ServerAction::new(),
        progress: RwSignal::new(None),
        stopped: RwSignal::new(None),
        reload: RwSignal::new(0),
    };
    for outcome in [writes.rename.value().into(), writes.enable.value().into()] {
        let outcome: Signal<Option<Result<(), AppError>>> = outcome;
        Effect::new(move |_| {
            if matches!(outcome.get(), Some(Ok(()))) {
                writes.reload.update(|n| *n += 1);
            }
        });
    }
    let settings =
        Resource::new(move || (cluster.get(), writes.reload.get()), |(cluster, _)| get_cluster_settings(cluster));
    // No live stream: read again while a flag is being enabled (RabbitMQ 4.1 and later enable in
    // the background), and every few seconds while the cluster cannot be read.
    read_again(settings, writes.reload, |value| match value {
        Ok(fresh) if fresh.data.flags.iter().any(FeatureFlag::changing) => Some(Duration::from_secs(2)),
        other => after_broker_fault(other),
    });
    let upgrade = move || crate::urls::section(&cluster.get(), "upgrade");
    // What the admin typed outlives a re-read of the settings (after a write, or while a flag
    // is being enabled), which renders the form again.
    let draft = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        cluster.track();
        draft.set(None);
    });
    view! {
        <h1>{move || t.get().cluster_settings}</h1>
        <p class="muted">{move || c.get().settings_hint} " " <a href=upgrade data-testid="open-upgrade">{move || c.get().open_upgrade}</a></p>
        {fetched(settings, move |fresh| {
            let ClusterSettings { broker_version, name, flags, deprecated } = fresh.data;
            view! {
                <ClusterName current=name writes draft/>
                <Flags flags writes/>
                <Deprecated version=broker_version deprecated/>
            }
        })}
    }
}

#[component]
fn ClusterName(current: String, writes: Writes, draft: RwSignal<Option<String>>) -> impl IntoView {
    let (t, c) = (use_texts(), use_cluster_words());
    let cluster = use_cluster();
    let ready = use_ready();
    let name = Memo::new({
        let current = current.clone();
        move |_| draft.get().unwrap_or_else(|| current.clone())
    });
    let problem = Memo::new(move |_| name.with(|n| check_name(n).err()));
    let rename = writes.rename;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        rename.dispatch(RenameCluster { cluster: cluster.get_untracked(), name: name.get_untracked() });
    };
    view! {
        <section class="card" data-testid="cluster-name" data-ready=move || ready.get().to_string()>
            <h2>{move || c.get().cluster_name}</h2>
            <p class="hint">{move || c.get().cluster_name_hint}</p>
            <form class="inline-form" on:submit=submit>
                <label><span>{move || t.get().name}</span>
                    <input prop:value=move || name.get() on:input=move |ev| draft.set(Some(event_target_value(&ev))) data-testid="cluster-name-input"/>
                </label>
                <button type="submit" class="primary" data-testid="cluster-name-submit"
                    disabled=move || !ready.get() || problem.get().is_some() || rename.pending().get() || name.with(|n| *n == current)>
                    {move || t.get().save}
                </button>
            </form>
            {move || problem.get().map(|p| problem_banner(p, Some("cluster-name-problem")))}
            {outcome_view(rename.value(), rename.pending(), move |_| c.get_untracked().renamed.to_string(), "cluster-name-result")}
        </section>
    }
}

/// Every flag, those not enabled first (before an upgrade every stable one must be).
#[component]
fn Flags(mut flags: Vec<FeatureFlag>, writes: Writes) -> impl IntoView {
    let (t, c) = (use_texts(), use_cluster_words());
    let cluster = use_cluster();
    let ready = use_ready();
    flags.sort_by_key(FeatureFlag::enabled);
    let pending = pending_flags(&flags);
    let busy = move || writes.progress.with(Option::is_some) || writes.enable.pending().get();
    let enable_all = Callback::new({
        let pending = pending.clone();
        move |_| {
            let (names, cluster) = (pending.clone(), cluster.get_untracked());
            writes.stopped.set(None);
            // One flag after the other, so the page can say which one is under way.
            leptos::task::spawn_local(async move {
                let total = names.len();
                for (done, name) in names.into_iter().enumerate() {
                    writes.progress.set(Some((done, total, name.clone())));
                    if let Err(error) = enable_feature_flag(cluster.clone(), name, false).await {
                        writes.stopped.set(Some(error));
                        break;
                    }
                }
                writes.progress.set(None);
                writes.reload.update(|n| *n += 1);
            });
        }
    });
    let all = match pending.is_empty() {
        true => {
            view! { <p class="banner ok" data-testid="flags-all-enabled">{move || c.get().all_enabled}</p> }.into_any()
        }
        false => {
            let (count, names) = (pending.len(), pending.clone());
            view! {
                <ConfirmButton
                    label=Signal::derive(move || (c.get().enable_all)(count))
                    question=Signal::derive(move || (c.get().confirm_enable_all)(&names))
                    on_confirm=enable_all
                    testid="enable-all-flags"
                    disabled=Signal::derive(move || !ready.get() || busy())
                />
            }
            .into_any()
        }
    };
    let rows = flags.into_iter().map(|flag| view! { <FlagRow flag writes/> }).collect_view();
    view! {
        <section class="card" data-testid="flags" data-ready=move || ready.get().to_string()>
            <h2>{move || t.get().feature_flags}</h2>
            <p class="hint">{move || c.get().flags_hint}</p>
            <div class="actions">{all}</div>
            {move || writes.progress.get().map(|(done, total, name)| view! {
                <p class="loading" aria-busy="true" role="status" data-testid="flags-progress">{(c.get().progress)(done, total, &name)}</p>
            })}
            {move || writes.stopped.get().map(|error| view! { <ErrorView error/> })}
            {outcome_view(writes.enable.value(), writes.enable.pending(), move |_| c.get_untracked().enabled.to_string(), "flag-result")}
            <div class="table-wrap">
                <table class="flags" data-testid="feature-flags">
                    <thead><tr>
                        <th>{move || t.get().name}</th>
                        <th>{move || t.get().state}</th>
                        <th>{move || t.get().stability}</th>
                        <th>{move || t.get().description}</th>
                        <th></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn FlagRow(flag: FeatureFlag, writes: Writes) -> impl IntoView {
    let c = use_cluster_words();
    let cluster = use_cluster();
    let ready = use_ready();
    let experimental = flag.stability == "experimental";
    let action = match (flag.enabled(), flag.changing()) {
        (true, _) => None,
        (_, true) => {
            Some(view! { <span class="loading" aria-busy="true">{move || c.get().enabling}</span> }.into_any())
        }
        _ => {
            let name = flag.name.clone();
            let on_confirm = Callback::new({
                let name = name.clone();
                move |_| {
                    let (cluster, name) = (cluster.get_untracked(), name.clone());
                    writes.enable.dispatch(EnableFeatureFlag { cluster, name, experimental_confirmed: experimental });
                }
            });
            let busy = move || writes.progress.with(Option::is_some) || writes.enable.pending().get();
            Some(
                view! {
                    <ConfirmButton
                        label=Signal::derive(move || c.get().enable.to_string())
                        question=Signal::derive(move || {
                            let c = c.get();
                            if experimental { (c.confirm_experimental)(&name) } else { (c.confirm_enable)(&name) }
                        })
                        on_confirm
                        testid="enable-flag"
                        disabled=Signal::derive(move || !ready.get() || busy())
                    />
                }
                .into_any(),
            )
        }
    };
    let (state, stability) = (flag.state.clone(), flag.stability.clone());
    view! {
        <tr data-testid="flag" data-name=flag.name.clone() data-state=flag.state.clone()>
            <td class="name">{flag.name.clone()}</td>
            <td class:flagged=flag.pending()>{move || (c.get().state_name)(&state)}</td>
            <td>{move || (c.get().stability_name)(&stability)}</td>
            <td class="description">{flag.description.clone()}</td>
            <td>{action}</td>
        </tr>
    }
}

/// Every deprecated feature, those in use first; or why the broker lists none.
#[component]
fn Deprecated(version: String, deprecated: Option<Vec<DeprecatedFeature>>) -> impl IntoView {
    let (t, c) = (use_texts(), use_cluster_words());
    let body = match deprecated {
        None => view! { <p class="muted">{move || (c.get().deprecated_unsupported)(&version)}</p> }.into_any(),
        Some(features) => {
            let rows = features
                .into_iter()
                .map(|f| {
                    let phase = f.phase.clone();
                    view! {
                        <tr data-testid="deprecated" data-name=f.name.clone() data-used=f.used.to_string()>
                            <td class="name">
                                // The address comes from the broker: linked only if it is a web page.
                                {match f.doc_url.starts_with("https://") {
                                    false => view! { <span>{f.name.clone()}</span> }.into_any(),
                                    true => view! { <a href=f.doc_url.clone() rel="noreferrer" target="_blank">{f.name.clone()}</a> }.into_any(),
                                }}
                            </td>
                            <td>{move || (c.get().phase_name)(&phase)}</td>
                            <td class:flagged=f.used>{move || if f.used { t.get().yes } else { t.get().no }}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-wrap">
                    <table data-testid="deprecated-features">
                        <thead><tr>
                            <th>{move || t.get().name}</th>
                            <th>{move || c.get().phase}</th>
                            <th>{move || c.get().in_use}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <section class="card">
            <h2>{move || c.get().deprecated_features}</h2>
            <p class="hint">{move || c.get().deprecated_hint}</p>
            {body}
        </section>
    }
}
