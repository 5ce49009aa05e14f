//! On a queue's, exchange's or channel's page: how many red and amber advisor findings concern
//! it, linking to the advisor page showing just those. The findings' words stay with the
//! advisor page's code, so the object pages weigh what they did.

use leptos::prelude::*;

use crate::api::get_object_advice;
use crate::components::advice::AdviceBadge;
use crate::components::live::use_cluster;
use crate::i18n::use_texts;
use crate::urls;
use domain::advisor::Subject;

#[component]
pub fn ObjectAdvice(object: &'static str, vhost: String, name: String) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let about = match object {
        "queue" => Subject::Queue { vhost: vhost.clone(), name: name.clone() },
        "exchange" => Subject::Exchange { vhost: vhost.clone(), name: name.clone() },
        _ => Subject::Channel { vhost: vhost.clone(), name: name.clone() },
    };
    let found = Resource::new(move || cluster.get(), move |cluster| get_object_advice(cluster, about.clone()));
    let href = {
        let base = urls::section(&cluster.get_untracked(), "advisor");
        urls::with_query(&base, &[("object", object), ("vhost", &vhost), ("name", &name)])
    };
    view! {
        <Transition fallback=|| ()>
            {move || {
                let href = href.clone();
                Suspend::new(async move {
                let counts = found.await.ok()?;
                let open = (counts.red + counts.amber) as usize;
                (open > 0).then(|| {
                    view! {
                        <p class="object-advice" data-testid="object-advice">
                            <a href=href>{move || (t.get().object_findings)(open)}</a>
                            " " <AdviceBadge counts/>
                        </p>
                    }
                })
                })
            }}
        </Transition>
    }
}
