use leptos::prelude::*;

use crate::api::list_bindings;
use crate::components::list::Pager;
use crate::components::objects::BindingTable;
use crate::pages::list_page;

#[component]
pub fn BindingsPage() -> impl IntoView {
    list_page(
        "bindings",
        |t| t.bindings,
        list_bindings,
        |page, query| {
            let items = page.items.clone();
            view! {
                <BindingTable bindings=items show_vhost=true/>
                <Pager query page/>
            }
        },
    )
}
