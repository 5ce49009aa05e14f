//! Warren's pages and components, rendered on the server and hydrated in the browser.

pub mod api;
pub mod auth;
pub mod chart;
mod client;
mod codec;
mod components;
pub mod error;
pub mod format;
pub mod i18n;
pub mod model;
mod pages;
pub mod sections;
pub mod urls;

/// The advisor's words, for the server's tests that check the fix each finding shows.
pub use pages::advisor::words as advisor_words;

use leptos::prelude::*;
use leptos::tachys::view::iterators::StaticVec;
use leptos_meta::{provide_meta_context, HashedStylesheet, Title};
use leptos_router::components::{ParentRoute, Route, RouteChildren, Router, Routes};
use leptos_router::{path, MatchNestedRoutes, NestedRoute, StaticSegment};

use crate::components::layout::Layout;
use crate::i18n::Lang;
use crate::pages::lazy::lazy_page;
use crate::pages::{admin, dashboards, home, kiosk, signin};

/// The console's HTML document; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let me = view! { <meta name=components::forms::ME_META content=components::forms::me_json()/> };
    html_document(options, me, view! { <App/> })
}

/// The wall screen's HTML document: it loads the kiosk's own bundle (see `kiosk_options`).
pub fn kiosk_shell(console: LeptosOptions) -> impl IntoView {
    html_document(kiosk_options(&console), (), view! { <KioskApp/> })
}

/// The wall screen's front end is a second leptos project in Cargo.toml ("kiosk"), built into a
/// site of its own beside the console's, so that a screen downloads none of the console's pages.
/// These are its options, derived from the console's; the names must match Cargo.toml.
pub fn kiosk_options(console: &LeptosOptions) -> LeptosOptions {
    let mut kiosk = console.clone();
    kiosk.output_name = "kiosk".into();
    kiosk.site_root = format!("{}-kiosk", console.site_root.trim_end_matches('/')).into();
    kiosk.site_pkg_dir = KIOSK_PKG_DIR.into();
    kiosk.hash_file = "kiosk-hash.txt".into();
    kiosk
}

/// Reads the console's split manifest (which WASM files each lazy page needs, for the preload
/// links of its first load). leptos reads it once per process, from the first page it renders,
/// and a wall screen's page, whose bundle has none, must not be that page: so at start-up.
#[cfg(feature = "ssr")]
pub fn read_split_manifest(console: &LeptosOptions) {
    Owner::new().with(|| {
        let _ = view! { <HydrationScripts options=console.clone()/> }.to_html();
    });
}

/// Where the kiosk's bundle is served from (beside the console's `/pkg/`).
pub const KIOSK_PKG_DIR: &str = "kiosk-pkg";

fn html_document(options: LeptosOptions, head: impl IntoView, body: impl IntoView) -> impl IntoView {
    let lang = initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.html_tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                {head}
                <leptos_meta::MetaTags/>
            </head>
            <body>{body}</body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_page_context();
    components::forms::provide_me();
    view! {
        <Title text="Warren"/>
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view=lazy_page!(HomeRoute => home::AllClustersPage)/>
                <Route path=path!("/signin") view=signin::SignInPage/>
                <Route path=path!("/setup") view=signin::SetupPage/>
                <Route path=path!("/admin") view=lazy_page!(AdminRoute => admin::AdminPage)/>
                <Route path=path!("/admin/dashboards") view=lazy_page!(DashboardsRoute => dashboards::DashboardsPage)/>
                <ParentRoute path=path!("/c/:cluster") view=Layout children=RouteChildren::to_children(section_routes)/>
            </Routes>
        </Router>
    }
}

/// The wall screen, `/kiosk/{id}`: one page, so no router (it reads its own address).
#[component]
pub fn KioskApp() -> impl IntoView {
    provide_page_context();
    view! { <kiosk::KioskPage/> }
}

/// What every page tree needs: meta tags, the language, the clock.
fn provide_page_context() {
    provide_meta_context();
    let lang = RwSignal::new(initial_lang());
    provide_context(lang);
    components::live::provide_clock();
    // Keep `<html lang>` true after a switch: screen readers and the next hydration read it.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.get().html_tag());
        }
    });
    // Lets tests (and curious admins) tell a hydrated page from server-rendered HTML.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// A cluster's pages, one route per entry of the sections table.
fn section_routes() -> impl MatchNestedRoutes + Clone + Send + 'static {
    let routes: Vec<_> =
        sections::SECTIONS.iter().map(|s| NestedRoute::new((StaticSegment(s.path),), s.page)).collect();
    StaticVec::from(routes)
}

/// The language of this render: from the request on the server, from `<html lang>` (which the
/// server wrote) in the browser, so hydration sees the same text.
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| {
                let header = |name| parts.headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
                Lang::negotiate(header(http::header::COOKIE), header(http::header::ACCEPT_LANGUAGE))
            })
            .unwrap_or(Lang::En)
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or(Lang::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kiosk_bundle_sits_beside_the_consoles() {
        for root in ["target/site", "target/site/"] {
            let console = LeptosOptions::builder().output_name("warren").site_root(root).build();
            let kiosk = kiosk_options(&console);
            assert_eq!((&*kiosk.site_root, &*kiosk.site_pkg_dir), ("target/site-kiosk", KIOSK_PKG_DIR));
            assert_eq!((&*kiosk.output_name, &*kiosk.hash_file), ("kiosk", "kiosk-hash.txt"));
        }
    }
}
