//! The sections of a cluster's console, in one table: each entry gives its page route under
//! `/c/{cluster}/`, its place in the navigation, its live stream and who may open it. Adding a
//! section is one entry here plus its page; `need` has no default, so an entry cannot leave out
//! who may open it.

use leptos::prelude::*;

use crate::auth::{Need, Role};
use crate::components::advice::NavAdviceBadge;
use crate::i18n::Texts;
use crate::model::Extensions;
use crate::pages::access;
use crate::pages::lazy::{lazy_page, PageView};
use crate::pages::{
    advisor, bindings, channel, channels, cluster, connection, connections, consumers, definitions, exchange,
    exchanges, federation, node, overview, policies, queue, queues, shovels,
};

pub struct Section {
    /// The URL segment under `/c/{cluster}/`; the overview has none.
    pub path: &'static str,
    /// Who may open the page and its live stream. The server's route table reads it.
    pub need: Need,
    /// The navigation link; `None` for an object's own page, reached from a list.
    pub nav: Option<Nav>,
    /// The name of its live stream (`/live/{cluster}/{live}`), if the page has one.
    pub live: Option<&'static str>,
    /// The page, fetched when first shown (see `pages::lazy`).
    pub page: PageView,
}

pub struct Nav {
    pub label: fn(&Texts) -> &'static str,
    /// Shown after the label (the advisor's counts).
    pub badge: Option<fn() -> AnyView>,
    /// Who sees the link (the page may be open to more, e.g. by a shared URL).
    pub shown_to: Need,
    /// The plugin the cluster must run for the link to show, if any.
    pub plugin: Option<fn(&Extensions) -> bool>,
}

const EVERYONE: Need = Need::Read;
/// The broker's users, vhosts and permissions: admins, as RabbitMQ gives them to its administrators.
const ADMINS: Need = Need::Role(Role::Admin);
/// The broker's users and vhosts pages share much of their code: one split point, one file to
/// fetch for all four (each split point adds its loader to every page's download).
const ACCESS_PAGES: PageView = lazy_page!(AccessRoute => access::AccessPage);
/// The cluster's settings and upgrade check: their own split point, so that the users and vhosts
/// pages do not download them (about 40 KB).
const CLUSTER_PAGES: PageView = lazy_page!(ClusterRoute => cluster::ClusterPage);

pub const SECTIONS: &[Section] = &[
    Section {
        path: "",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.overview, badge: None, shown_to: EVERYONE, plugin: None }),
        live: Some("overview"),
        page: PageView::Bundled(|| view! { <overview::OverviewPage/> }.into_any()),
    },
    Section {
        path: "node",
        need: EVERYONE,
        nav: None,
        live: Some("node"),
        page: lazy_page!(NodeRoute => node::NodePage),
    },
    Section {
        path: "queues",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.queues, badge: None, shown_to: EVERYONE, plugin: None }),
        live: Some("queues"),
        page: PageView::Bundled(|| view! { <queues::QueuesPage/> }.into_any()),
    },
    Section {
        path: "queue",
        need: EVERYONE,
        nav: None,
        live: Some("queue"),
        page: PageView::Bundled(|| view! { <queue::QueuePage/> }.into_any()),
    },
    Section {
        path: "exchanges",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.exchanges, badge: None, shown_to: EVERYONE, plugin: None }),
        live: Some("exchanges"),
        page: PageView::Bundled(|| view! { <exchanges::ExchangesPage/> }.into_any()),
    },
    Section {
        path: "exchange",
        need: EVERYONE,
        nav: None,
        live: Some("exchange"),
        page: PageView::Bundled(|| view! { <exchange::ExchangePage/> }.into_any()),
    },
    Section {
        path: "bindings",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.bindings, badge: None, shown_to: EVERYONE, plugin: None }),
        live: Some("bindings"),
        page: PageView::Bundled(|| view! { <bindings::BindingsPage/> }.into_any()),
    },
    Section {
        path: "connections",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.connections, badge: None, shown_to: EVERYONE, plugin: None }),
        live: Some("connections"),
        page: lazy_page!(ConnectionsRoute => connections::ConnectionsPage),
    },
    Section {
        path: "connection",
        need: EVERYONE,
        nav: None,
        live: Some("connection"),
        page: lazy_page!(ConnectionRoute => connection::ConnectionPage),
    },
    Section {
        path: "channels",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.channels, badge: None, shown_to: EVERYONE, plugin: None }),
        live: Some("channels"),
        page: lazy_page!(ChannelsRoute => channels::ChannelsPage),
    },
    Section {
        path: "channel",
        need: EVERYONE,
        nav: None,
        live: Some("channel"),
        page: lazy_page!(ChannelRoute => channel::ChannelPage),
    },
    Section {
        path: "consumers",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.consumers, badge: None, shown_to: EVERYONE, plugin: None }),
        live: Some("consumers"),
        page: lazy_page!(ConsumersRoute => consumers::ConsumersPage),
    },
    Section {
        path: "shovels",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.shovels, badge: None, shown_to: EVERYONE, plugin: Some(|e| e.shovels) }),
        live: Some("shovels"),
        page: lazy_page!(ShovelsRoute => shovels::ShovelsPage),
    },
    Section {
        path: "federation",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.federation, badge: None, shown_to: EVERYONE, plugin: Some(|e| e.federation) }),
        live: Some("federation"),
        page: lazy_page!(FederationRoute => federation::FederationPage),
    },
    Section {
        path: "advisor",
        need: EVERYONE,
        nav: Some(Nav {
            label: |t| t.advisor,
            badge: Some(|| view! { <NavAdviceBadge/> }.into_any()),
            shown_to: EVERYONE,
            plugin: None,
        }),
        live: Some("advisor"),
        page: lazy_page!(AdvisorRoute => advisor::AdvisorPage),
    },
    Section {
        path: "policies",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.policies, badge: None, shown_to: EVERYONE, plugin: None }),
        live: None,
        page: lazy_page!(PoliciesRoute => policies::PoliciesPage),
    },
    Section {
        path: "users",
        need: ADMINS,
        nav: Some(Nav { label: |t| t.broker_users, badge: None, shown_to: ADMINS, plugin: None }),
        live: None,
        page: ACCESS_PAGES,
    },
    Section { path: "user", need: ADMINS, nav: None, live: None, page: ACCESS_PAGES },
    Section {
        path: "vhosts",
        need: ADMINS,
        nav: Some(Nav { label: |t| t.vhosts, badge: None, shown_to: ADMINS, plugin: None }),
        live: None,
        page: ACCESS_PAGES,
    },
    Section { path: "vhost", need: ADMINS, nav: None, live: None, page: ACCESS_PAGES },
    Section {
        path: "settings",
        need: ADMINS,
        nav: Some(Nav { label: |t| t.cluster_settings, badge: None, shown_to: ADMINS, plugin: None }),
        live: None,
        page: CLUSTER_PAGES,
    },
    Section {
        path: "upgrade",
        need: ADMINS,
        nav: Some(Nav { label: |t| t.upgrade_check, badge: None, shown_to: ADMINS, plugin: None }),
        live: None,
        page: CLUSTER_PAGES,
    },
    Section {
        // Open to all who may read (the export and import check their own role); listed for admins.
        path: "definitions",
        need: EVERYONE,
        nav: Some(Nav { label: |t| t.definitions, badge: None, shown_to: ADMINS, plugin: None }),
        live: None,
        page: lazy_page!(DefinitionsRoute => definitions::DefinitionsPage),
    },
];

/// The section a path under `/c/{cluster}/` opens.
pub fn at(path: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.path == path)
}

/// The section whose live stream has this name.
pub fn streaming(live: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.live == Some(live))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_stream_names_are_unique() {
        for (i, a) in SECTIONS.iter().enumerate() {
            for b in &SECTIONS[i + 1..] {
                assert_ne!(a.path, b.path);
                assert!(a.live.is_none() || a.live != b.live, "{:?}", a.live);
            }
        }
    }

    #[test]
    fn every_nav_link_has_words_in_both_languages() {
        for section in SECTIONS {
            if let Some(nav) = &section.nav {
                for texts in [&crate::i18n::EN, &crate::i18n::ZH] {
                    assert!(!(nav.label)(texts).is_empty(), "{}", section.path);
                }
            }
        }
    }
}
