//! `/c/{cluster}/consumers`: every consumer, filtered, sorted and paged on the server, kept live.
//! The filter looks at the queue, the consumer tag, the client's name and the user.

use leptos::prelude::*;

use crate::api::list_consumers;
use crate::components::clients::ConsumerTable;
use crate::components::list::Pager;
use crate::i18n::use_texts;
use crate::model::{ConsumerRow, ListQuery, Page};
use crate::pages::list_page;

#[component]
pub fn ConsumersPage() -> impl IntoView {
    list_page("consumers", |t| t.consumers, list_consumers, |page, query| view! { <ConsumerList page query/> })
}

#[component]
fn ConsumerList(page: Page<ConsumerRow>, query: Memo<ListQuery>) -> impl IntoView {
    let t = use_texts();
    let empty = page.items.is_empty();
    view! {
        <ConsumerTable rows=page.items.clone() sort=query/>
        {empty.then(|| view! { <p class="muted">{move || t.get().nothing_matches}</p> })}
        <Pager query page/>
    }
}
