//! `/c/{cluster}/upgrade`: what stands between the cluster and RabbitMQ 4.0, blockers first,
//! each with the objects it concerns (linked) and its fix.

use leptos::prelude::*;

use super::words::{use_cluster_words, ClusterWords};
use crate::api::get_readiness;
use crate::components::fault::{after_broker_fault, fetched, read_again};
use crate::components::live::use_cluster;
use crate::i18n::{use_texts, Texts};
use crate::urls;
use domain::cluster::readiness::{Finding, ObjectRef, Objects, Readiness, Severity};

#[component]
pub fn UpgradePage() -> impl IntoView {
    let (t, c) = (use_texts(), use_cluster_words());
    let cluster = use_cluster();
    let retry = RwSignal::new(0u64);
    let readiness = Resource::new(move || (cluster.get(), retry.get()), |(cluster, _)| get_readiness(cluster));
    // No live stream: a cluster that could not be read is asked again every few seconds.
    read_again(readiness, retry, after_broker_fault);
    view! {
        <h1>{move || t.get().upgrade_check}</h1>
        <p class="muted">{move || c.get().upgrade_hint}</p>
        {fetched(readiness, |fresh| view! { <Report readiness=fresh.data/> })}
    }
}

#[component]
fn Report(readiness: Readiness) -> impl IntoView {
    let c = use_cluster_words();
    let version = readiness.version.to_string();
    let count = |severity| readiness.findings.iter().filter(|f| f.severity() == severity).count();
    let (blockers, risks) = (count(Severity::Blocker), count(Severity::Risk));
    let path = match readiness.steps.is_empty() {
        true => view! { <p data-testid="upgrade-path">{move || (c.get().already_there)(&version)}</p> }.into_any(),
        false => {
            let steps: Vec<String> =
                std::iter::once(version).chain(readiness.steps.iter().map(ToString::to_string)).collect();
            view! {
                <p class="path" data-testid="upgrade-path"><strong>{steps.join(" → ")}</strong></p>
                <p class="hint">{move || c.get().path_hint}</p>
            }
            .into_any()
        }
    };
    let findings = match readiness.findings.is_empty() {
        true => {
            view! { <p class="banner ok" data-testid="upgrade-clear">{move || c.get().nothing_found}</p> }.into_any()
        }
        false => {
            readiness.findings.into_iter().map(|finding| view! { <FindingCard finding/> }).collect_view().into_any()
        }
    };
    view! {
        <section class="card">
            <h2>{move || c.get().path}</h2>
            {path}
            <p data-testid="upgrade-summary" class:flagged=(blockers > 0)>{move || (c.get().summary)(blockers, risks)}</p>
        </section>
        {findings}
    }
}

#[component]
fn FindingCard(finding: Finding) -> impl IntoView {
    let (t, c) = (use_texts(), use_cluster_words());
    let cluster = use_cluster().get_untracked();
    let blocker = finding.severity() == Severity::Blocker;
    let kind = finding.kind();
    let words = {
        let finding = finding.clone();
        move || (c.get().finding)(&finding)
    };
    let title = {
        let words = words.clone();
        move || words().0
    };
    // The objects of one kind, under their heading, each linked to its page (a policy to its vhost's list).
    let objects = |objects: &Objects, heading: fn(&'static Texts, &'static ClusterWords) -> &'static str, section| {
        let (objects, cluster) = (objects.clone(), cluster.clone());
        let href = move |o: &ObjectRef| match section {
            "policies" => urls::with_query(&urls::section(&cluster, "policies"), &[("vhost", &o.vhost)]),
            "queue" => urls::queue_page(&cluster, &o.vhost, &o.name),
            _ => urls::object_page(&cluster, section, &o.vhost, &o.name),
        };
        let heading = Signal::derive(move || heading(t.get(), c.get()));
        view! { <ObjectList objects href heading/> }
    };
    let objects = match &finding {
        Finding::Mirroring { policies, queues, .. }
        | Finding::LazyMode { policies, queues }
        | Finding::MasterLocator { policies, queues } => view! {
            {objects(policies, |_, c| c.policies_label, "policies")}
            {objects(queues, |t, _| t.queues, "queue")}
        }
        .into_any(),
        Finding::ClassicV1 { queues } | Finding::TransientQueues { queues } => {
            objects(queues, |t, _| t.queues, "queue").into_any()
        }
        Finding::GlobalQos { channels } => objects(channels, |t, _| t.channels, "channel").into_any(),
        Finding::FlagsDisabled { flags: names } | Finding::RamNodes { nodes: names } => {
            view! { <p class="objects">{names.join(", ")}</p> }.into_any()
        }
        Finding::DeprecatedInUse { .. } | Finding::QuorumNeeds { .. } => ().into_any(),
    };
    view! {
        <section class="card finding" class:blocker=blocker data-testid="finding" data-kind=kind>
            <h2>
                <span class="badge" class:flagged=blocker>{move || if blocker { c.get().blocker } else { c.get().risk }}</span>
                " " {title}
            </h2>
            <p>{move || words().1}</p>
            {objects}
        </section>
    }
}

/// The objects a finding names, linked to their pages, and how many more there are.
#[component]
fn ObjectList<F>(objects: Objects, href: F, heading: Signal<&'static str>) -> impl IntoView
where
    F: Fn(&ObjectRef) -> String + 'static,
{
    let c = use_cluster_words();
    if objects.is_empty() {
        return ().into_any();
    }
    let more = objects.total - objects.named.len();
    let links = objects
        .named
        .iter()
        .map(|o| view! { <li><a href=href(o)>{o.name.clone()}</a> " " <span class="muted">{o.vhost.clone()}</span></li> })
        .collect_view();
    view! {
        <h3>{move || heading.get()}</h3>
        <ul class="objects">
            {links}
            {(more > 0).then(|| view! { <li class="muted">{move || (c.get().and_more)(more)}</li> })}
        </ul>
    }
    .into_any()
}
