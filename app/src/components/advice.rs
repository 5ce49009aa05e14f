//! The advisor's red and amber counts beside its navigation link and on the cluster cards, and the
//! severities' classes the findings and the lists' marked rows share. Every live page's data
//! carries the counts for its viewer (`Freshness::advice`): the page that shows it writes them
//! here, so the link is as current as the page without a request of its own.

use leptos::prelude::*;

use crate::i18n::use_texts;
use domain::advisor::{AdviceCounts, Severity};

/// The counts the current page last brought; `None` until a page brings some.
#[derive(Clone, Copy)]
pub struct SeenAdvice(pub RwSignal<Option<AdviceCounts>>);

pub fn provide_seen_advice() {
    provide_context(SeenAdvice(RwSignal::new(None)));
}

/// Notes the counts a page brought, for the navigation.
pub fn note_advice(counts: Option<AdviceCounts>) {
    if let (Some(seen), Some(counts)) = (use_context::<SeenAdvice>(), counts) {
        if seen.0.get_untracked() != Some(counts) {
            seen.0.set(Some(counts));
        }
    }
}

/// The navigation link's badge: the counts the page brought.
#[component]
pub fn NavAdviceBadge() -> impl IntoView {
    let seen = use_context::<SeenAdvice>().map(|s| s.0);
    move || seen.and_then(|s| s.get()).map(|counts| view! { <AdviceBadge counts/> })
}

/// "2 · 5": red and amber findings, each in its colour; nothing when there are none.
#[component]
pub fn AdviceBadge(counts: AdviceCounts) -> impl IntoView {
    let t = use_texts();
    let AdviceCounts { red, amber } = counts;
    (red + amber > 0).then(|| {
        view! {
            <span class="advice-badge" title=move || (t.get().advice_counts)(red, amber) data-testid="advice-badge">
                {(red > 0).then(|| view! { <span class="red" data-testid="advice-red">{red}</span> })}
                {(amber > 0).then(|| view! { <span class="amber" data-testid="advice-amber">{amber}</span> })}
            </span>
        }
    })
}

/// A severity's CSS class: `red`, `amber`, `info`.
pub fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Red => "red",
        Severity::Amber => "amber",
        Severity::Info => "info",
    }
}

/// A list row marked with its most serious finding not muted: a bar in its first cell, and the
/// severity in words for whoever hovers it.
#[component]
pub fn MarkedRow(advice: Option<Severity>, children: Children) -> impl IntoView {
    let t = use_texts();
    let mark = row_mark(advice);
    view! {
        <tr class=mark data-advice=mark title=move || advice.map(|severity| (t.get().advice_row)(severity))>
            {children()}
        </tr>
    }
}

/// `finding-red`, `finding-amber`, `finding-info`, or nothing.
fn row_mark(worst: Option<Severity>) -> &'static str {
    match worst {
        Some(Severity::Red) => "finding-red",
        Some(Severity::Amber) => "finding-amber",
        Some(Severity::Info) => "finding-info",
        None => "",
    }
}
