//! `/c/{cluster}/channels`: every channel, filtered, sorted and paged on the server, kept live.
//! The filter looks at the broker's name, the client's own name and the user.

use leptos::prelude::*;

use crate::api::list_channels;
use crate::components::clients::ChannelTable;
use crate::components::list::Pager;
use crate::i18n::use_texts;
use crate::model::{ChannelRow, ListQuery, Page};
use crate::pages::list_page;

#[component]
pub fn ChannelsPage() -> impl IntoView {
    list_page("channels", |t| t.channels, list_channels, |page, query| view! { <ChannelList page query/> })
}

#[component]
fn ChannelList(page: Page<ChannelRow>, query: Memo<ListQuery>) -> impl IntoView {
    let t = use_texts();
    let empty = page.items.is_empty();
    view! {
        <ChannelTable rows=page.items.clone() sort=query/>
        {empty.then(|| view! { <p class="muted">{move || t.get().nothing_matches}</p> })}
        <Pager query page/>
    }
}
