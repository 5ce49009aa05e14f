//! The cluster as a whole, for admins who see every vhost of it: its name, feature flags and
//! deprecated features (`/c/{cluster}/settings`) and its readiness for RabbitMQ 4
//! (`/c/{cluster}/upgrade`). One split point for both, apart from the users and vhosts pages:
//! neither group's page downloads the other's code.

mod settings;
mod upgrade;
mod words;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Whichever of the two pages the path names.
#[component]
pub fn ClusterPage() -> impl IntoView {
    let location = use_location();
    let upgrade = Memo::new(move |_| location.pathname.get().ends_with("/upgrade"));
    move || match upgrade.get() {
        true => view! { <upgrade::UpgradePage/> }.into_any(),
        false => view! { <settings::SettingsPage/> }.into_any(),
    }
}
