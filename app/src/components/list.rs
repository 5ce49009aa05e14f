//! What every list page shares: filter, sort and page read from and written to the URL, so a
//! view can be bookmarked and shared, and works as plain links before the WASM has loaded.

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_location, use_query_map};

use crate::i18n::use_texts;
use crate::model::{ListQuery, Page};
use crate::urls;

/// The list query described by the current URL.
pub fn use_list_query() -> Memo<ListQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        ListQuery::from_pairs(|key| query.get(key))
    })
}

/// The vhost filter, from the `vhost` query parameter; empty means all vhosts.
pub fn use_vhost_filter() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("vhost").unwrap_or_default())
}

/// The URL of the current list page showing `query`.
pub fn list_href(path: &str, query: &ListQuery) -> String {
    let pairs = query.to_pairs();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    urls::with_query(path, &pairs)
}

#[component]
pub fn FilterForm(query: Memo<ListQuery>) -> impl IntoView {
    let t = use_texts();
    let location = use_location();
    let hidden = move |key: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <input type="hidden" name=key value=value/> })
    };
    view! {
        <Form method="GET" action=move || location.pathname.get() replace=true>
            <div class="filter">
                <input
                    type="search"
                    name="q"
                    data-testid="filter"
                    aria-label=move || t.get().filter_placeholder
                    placeholder=move || t.get().filter_placeholder
                    // `value`/`checked` for the server-rendered form, `prop:` for later changes.
                    value=move || query.get().filter
                    prop:value=move || query.get().filter
                    maxlength=ListQuery::MAX_FILTER_LEN
                />
                <label class="check">
                    <input
                        type="checkbox"
                        name="re"
                        value="1"
                        data-testid="regex"
                        checked=move || query.get().regex
                        prop:checked=move || query.get().regex
                    />
                    {move || t.get().regex}
                </label>
                {move || hidden("vhost", query.get().vhost.unwrap_or_default())}
                {move || hidden("sort", query.get().sort)}
                {move || hidden("desc", if query.get().desc { "1".into() } else { String::new() })}
                <button type="submit">{move || t.get().apply}</button>
            </div>
        </Form>
    }
}

/// A column header that sorts by `key`; a second click reverses. Numbers start with the largest
/// first, because that is what an admin looking for backlog wants to see.
#[component]
pub fn SortHeader(
    query: Memo<ListQuery>,
    key: &'static str,
    label: Signal<&'static str>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let location = use_location();
    let href = move || {
        let current = query.get();
        let desc = if current.sort == key { !current.desc } else { numeric };
        let next = ListQuery { sort: key.to_string(), desc, page: 1, ..current };
        list_href(&location.pathname.get(), &next)
    };
    let aria_sort = move || {
        let q = query.get();
        match (q.sort == key, q.desc) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        }
    };
    let arrow = move || match aria_sort() {
        "descending" => " ▼",
        "ascending" => " ▲",
        _ => "",
    };
    view! {
        <th aria-sort=aria_sort class:num=numeric>
            <A href=href attr:data-sort=key>{move || label.get()}{arrow}</A>
        </th>
    }
}

/// A column header: sorting by `key` on a list page (`sort`), plain elsewhere.
#[component]
pub fn Column(
    sort: Option<Memo<ListQuery>>,
    key: &'static str,
    label: Signal<&'static str>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    match sort {
        Some(query) => view! { <SortHeader query key label numeric/> }.into_any(),
        None => view! { <th class:num=numeric>{move || label.get()}</th> }.into_any(),
    }
}

#[component]
pub fn Pager<T: Send + Sync + 'static>(query: Memo<ListQuery>, page: Page<T>) -> impl IntoView {
    let t = use_texts();
    let location = use_location();
    let (current, count) = (page.page, page.page_count.max(1));
    let link = move |target: u32| {
        let next = ListQuery { page: target, ..query.get() };
        list_href(&location.pathname.get(), &next)
    };
    view! {
        <nav class="pager" aria-label="pages">
            <span data-testid="match-count">{move || (t.get().matched_of)(page.filtered, page.total)}</span>
            {(current > 1).then(|| view! { <A href=move || link(current - 1) attr:rel="prev">{move || t.get().previous}</A> })}
            <span>{move || (t.get().page_of)(current, count)}</span>
            {(current < count).then(|| view! { <A href=move || link(current + 1) attr:rel="next">{move || t.get().next}</A> })}
        </nav>
    }
}

/// "D AD Excl Args"-style feature badges with full words as tooltips.
#[component]
pub fn Features(flags: Vec<(bool, Signal<&'static str>, Signal<&'static str>)>) -> impl IntoView {
    flags
        .into_iter()
        .filter(|(on, _, _)| *on)
        .map(|(_, short, long)| view! { <abbr class="badge" title=move || long.get()>{move || short.get()}</abbr> })
        .collect_view()
}

/// A selector over the current texts, for props that take a label.
pub fn text(pick: fn(&'static crate::i18n::Texts) -> &'static str) -> Signal<&'static str> {
    let t = use_texts();
    Signal::derive(move || pick(t.get()))
}
