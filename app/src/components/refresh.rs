//! Pages re-read their data every few seconds, so numbers move and a page that showed a broker
//! fault recovers by itself once the broker is back.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

pub const REFRESH_EVERY: Duration = Duration::from_secs(5);

#[derive(Clone, Copy)]
pub struct RefreshTick(pub RwSignal<u64>);

pub fn provide_refresh_tick() {
    let tick = RwSignal::new(0u64);
    provide_context(RefreshTick(tick));
    // Effects run only in the browser: the server renders once with tick 0, as hydration expects.
    Effect::new(move |_| {
        let _ = set_interval_with_handle(move || tick.update(|t| *t += 1), REFRESH_EVERY);
    });
}

/// Read inside a resource's source to refetch on every tick.
pub fn use_refresh_tick() -> u64 {
    expect_context::<RefreshTick>().0.get()
}

/// The cluster named in the URL (`/c/:cluster/...`).
pub fn use_cluster() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("cluster").unwrap_or_default())
}
