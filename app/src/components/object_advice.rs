//! On a queue's, exchange's or channel's page: how many red and amber advisor findings concern
//! it (its data carries the counts, live), linking to the advisor page showing just those. The
//! findings' words stay with the advisor page's code, so the object pages weigh what they did.

use leptos::prelude::*;

use crate::components::advice::AdviceBadge;
use crate::components::live::use_cluster;
use crate::i18n::use_texts;
use crate::urls;
use domain::advisor::AdviceCounts;

/// `object`: `queue`, `exchange` or `channel`, as the advisor page's `?object=` takes it.
#[component]
pub fn ObjectAdvice(object: &'static str, vhost: String, name: String, counts: AdviceCounts) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let open = (counts.red + counts.amber) as usize;
    (open > 0).then(|| {
        let base = urls::section(&cluster.get_untracked(), "advisor");
        let href = urls::with_query(&base, &[("object", object), ("vhost", &vhost), ("name", &name)]);
        view! {
            <p class="object-advice" data-testid="object-advice">
                <a href=href>{move || (t.get().object_findings)(open)}</a>
                " " <AdviceBadge counts/>
            </p>
        }
    })
}
