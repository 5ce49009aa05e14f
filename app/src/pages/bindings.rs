use leptos::prelude::*;

use crate::api::list_bindings;
use crate::components::list::{use_list_query, FilterForm, Pager};
use crate::components::objects::BindingTable;
use crate::components::refresh::{use_cluster, use_refresh_tick};
use crate::i18n::use_texts;
use crate::model::{BindingRow, Page};
use crate::pages::with_data;

#[component]
pub fn BindingsPage() -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let query = use_list_query();
    let bindings = Resource::new(
        move || (cluster.get(), query.get(), use_refresh_tick()),
        |(cluster, query, _)| list_bindings(cluster, query),
    );
    view! {
        <h1>{move || t.get().bindings}</h1>
        <FilterForm query/>
        {with_data(bindings, move |page: Page<BindingRow>| {
            let items = page.items.clone();
            view! {
                <BindingTable bindings=items show_vhost=true/>
                <Pager query page/>
            }
        })}
    }
}
