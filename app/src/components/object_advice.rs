//! On a queue's, exchange's or channel's page: the advisor's findings about it (a queue's and a
//! channel's include their consumers'), each by its title and severity, muted ones marked, with a
//! link to the advisor page showing just those with their evidence and fix.

use leptos::prelude::*;

use crate::components::advice::{severity_class, AdviceBadge};
use crate::components::live::use_cluster;
use crate::i18n::{use_lang, use_texts};
use crate::urls;
use domain::advisor::{AdviceCounts, Brief};

/// `object`: `queue`, `exchange` or `channel`, as the advisor page's `?object=` takes it.
#[component]
pub fn ObjectAdvice(object: &'static str, vhost: String, name: String, findings: Vec<Brief>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    (!findings.is_empty()).then(|| {
        let base = urls::section(&cluster.get_untracked(), "advisor");
        let href = urls::with_query(&base, &[("object", object), ("vhost", &vhost), ("name", &name)]);
        let open = findings.iter().filter(|f| f.muted_by.is_none()).map(|f| f.severity);
        let (n, counts) = (findings.len(), AdviceCounts::of_open(open));
        view! {
            <section class="object-advice" data-testid="object-advice">
                <h2>{move || (t.get().object_findings)(n)} " " <AdviceBadge counts/></h2>
                <ul>
                    {findings
                        .into_iter()
                        .map(|brief| view! { <FindingTitle brief vhost=vhost.clone() on_queue=object == "queue"/> })
                        .collect_view()}
                </ul>
                <a href=href data-testid="object-advice-link">{move || t.get().finding_details}</a>
            </section>
        }
    })
}

/// `on_queue`: a consumer's finding names its channel too, as its tag is unique only there.
#[component]
fn FindingTitle(brief: Brief, vhost: String, on_queue: bool) -> impl IntoView {
    let (t, lang) = (use_texts(), use_lang());
    let cluster = use_cluster();
    let Brief { severity, headline, consumer, muted_by } = brief;
    let (key, is_muted) = (headline.clone(), muted_by.is_some());
    let consumer = consumer.map(|(tag, channel)| {
        let href = urls::object_page(&cluster.get_untracked(), "channel", &vhost, &channel);
        view! {
            <span class="sub">" · " {move || t.get().consumer_tag} " " <code>{tag}</code></span>
            {on_queue.then(|| view! {
                <span class="sub">" · " {move || t.get().channel} " " <a href=href data-testid="object-finding-channel">{channel}</a></span>
            })}
        }
    });
    view! {
        <li class=severity_class(severity) class:muted=is_muted data-testid="object-finding" data-headline=key>
            {move || lang.get().finding_title(&headline)}
            {consumer}
            {muted_by.map(|by| view! { <span class="sub">" · " {move || (t.get().finding_muted)(&by)}</span> })}
        </li>
    }
}
