//! The WASM entry points: hydrate the server-rendered page. Built twice (see Cargo.toml's two
//! leptos projects): the console's bundle, and with `kiosk` the wall screen's, which holds only
//! the kiosk so that a TV downloads none of the console's pages.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(not(feature = "kiosk"))]
    leptos::mount::hydrate_lazy(app::App);
    #[cfg(feature = "kiosk")]
    leptos::mount::hydrate_body(app::KioskApp);
}
