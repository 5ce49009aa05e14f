//! Pages whose code is fetched when first shown. Built with `cargo leptos --split`, a lazy
//! page's code goes to WASM files of its own, so the pages that do not use it never download it.
//!
//! Which pages: the ones an admin opens now and then (editors, definitions, the admin area, and
//! every page added from now on), so the pages kept open all day load less and a new page adds
//! nothing to them. Not all: split into many files, code compresses worse and is fetched in
//! pieces, and a page made lazy weighs more than in the main bundle (issue 20's note has the
//! measure). After Warren is upgraded, an open tab's first visit to a lazy page it has not loaded
//! yet fails (the old files are gone); leptos 0.8 cannot recover from that, a reload does.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::AnyView;
use leptos_router::ChooseView;

/// A page as the router shows it: in the main bundle, or fetched when first shown (what
/// `lazy_page!` makes). One type for both, so that the sections table can hold either.
#[derive(Clone, Copy)]
pub enum PageView {
    Bundled(fn() -> AnyView),
    Lazy {
        view: fn() -> Pin<Box<dyn Future<Output = AnyView>>>,
        /// Fetches the page's code; the router calls it before it hydrates or shows the page.
        preload: fn() -> Pin<Box<dyn Future<Output = ()>>>,
    },
}

impl ChooseView for PageView {
    async fn choose(self) -> AnyView {
        match self {
            PageView::Bundled(view) => view(),
            PageView::Lazy { view, .. } => view().await,
        }
    }

    async fn preload(&self) {
        if let PageView::Lazy { preload, .. } = self {
            preload().await
        }
    }
}

/// `lazy_page!(Route => path::Component)`: a `PageView` showing `Component`. `Route` names the
/// split point (and the page's WASM file), so it must be unique in the crate.
///
/// Lazy on the server (which then names the page's files in preload links) and in the console's
/// bundle (feature `split`). Anywhere else bundled: each split point is exported from the WASM,
/// so in the wall screen's bundle it would keep every lazy page's code alive.
#[cfg(any(feature = "ssr", feature = "split"))]
macro_rules! lazy_page {
    ($route:ident => $component:path) => {{
        struct $route;
        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> leptos::prelude::AnyView {
                use leptos::prelude::IntoAny;
                leptos::prelude::view! { <$component/> }.into_any()
            }
        }
        $crate::pages::lazy::PageView::Lazy {
            view: || Box::pin(<$route as leptos_router::LazyRoute>::view($route)),
            preload: || Box::pin(<$route as leptos_router::LazyRoute>::preload()),
        }
    }};
}

#[cfg(not(any(feature = "ssr", feature = "split")))]
macro_rules! lazy_page {
    ($route:ident => $component:path) => {
        $crate::pages::lazy::PageView::Bundled(|| {
            use leptos::prelude::IntoAny;
            leptos::prelude::view! { <$component/> }.into_any()
        })
    };
}

pub(crate) use lazy_page;
