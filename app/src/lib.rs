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

use leptos::prelude::*;
use leptos::tachys::view::iterators::StaticVec;
use leptos_meta::{provide_meta_context, HashedStylesheet, Title};
use leptos_router::components::{ParentRoute, Route, RouteChildren, Router, Routes};
use leptos_router::{path, MatchNestedRoutes, NestedRoute, StaticSegment};

use crate::components::layout::Layout;
use crate::i18n::Lang;
use crate::pages::{admin, dashboards, kiosk, signin};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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
                <meta name=components::forms::ME_META content=components::forms::me_json()/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = RwSignal::new(initial_lang());
    provide_context(lang);
    components::live::provide_clock();
    components::forms::provide_me();
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

    view! {
        <Title text="Warren"/>
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/signin") view=signin::SignInPage/>
                <Route path=path!("/setup") view=signin::SetupPage/>
                <Route path=path!("/admin") view=admin::AdminPage/>
                <Route path=path!("/admin/dashboards") view=dashboards::DashboardsPage/>
                <Route path=path!("/kiosk/:id") view=kiosk::KioskPage/>
                <ParentRoute path=path!("/c/:cluster") view=Layout children=RouteChildren::to_children(section_routes)/>
            </Routes>
        </Router>
    }
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
