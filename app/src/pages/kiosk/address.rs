//! The screen's address, `/kiosk/{id}?rotate=2,5&every=60`, read without a router: from the
//! request on the server, from `location` in the browser. The wall screen's bundle has no router
//! (it was about 70 KB of its WASM): rotation shows the next dashboard in place and rewrites the
//! address with `history.replaceState`, so days of rotation leave no trail and the streams stay.

use crate::urls;

/// Rotation period when the URL gives none, and the shortest it may ask for.
const ROTATE_DEFAULT_S: u64 = 60;
const ROTATE_MIN_S: u64 = 10;
/// A day: browsers' timers overflow past about 24 days.
const ROTATE_MAX_S: u64 = 86_400;

#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    /// The dashboard asked for; `None` when the path has no number.
    pub id: Option<i64>,
    /// `?rotate=`: the dashboards to cycle through, in order.
    pub rotate: Vec<i64>,
    /// `?every=`: seconds per dashboard, within the bounds above.
    pub every: u64,
}

impl Address {
    pub fn parse(path: &str, query: &str) -> Address {
        let id = path.strip_prefix("/kiosk/").and_then(|id| id.parse().ok());
        let value = |key: &str| {
            query.trim_start_matches('?').split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                (k == key).then(|| percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned())
            })
        };
        let rotate = value("rotate").unwrap_or_default().split(',').filter_map(|v| v.trim().parse().ok()).collect();
        let every =
            value("every").and_then(|v| v.parse().ok()).unwrap_or(ROTATE_DEFAULT_S).clamp(ROTATE_MIN_S, ROTATE_MAX_S);
        Address { id, rotate, every }
    }

    /// The dashboard after `current` in the rotation (rotation runs in the browser only) (the first one when `current` is not in it).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn next_after(&self, current: Option<i64>) -> Option<i64> {
        let at = self.rotate.iter().position(|i| Some(*i) == current);
        at.map_or(self.rotate.first(), |at| self.rotate.get((at + 1) % self.rotate.len())).copied()
    }

    /// The address of dashboard `id` with this rotation.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn url_of(&self, id: i64) -> String {
        let rotate = self.rotate.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        urls::with_query(&format!("/kiosk/{id}"), &[("rotate", &rotate), ("every", &self.every.to_string())])
    }
}

/// The address this page was opened at.
pub fn current() -> Address {
    #[cfg(feature = "ssr")]
    {
        let uri = leptos::prelude::use_context::<http::request::Parts>().map(|parts| parts.uri).unwrap_or_default();
        Address::parse(uri.path(), uri.query().unwrap_or_default())
    }
    #[cfg(not(feature = "ssr"))]
    {
        let location = leptos::prelude::window().location();
        Address::parse(&location.pathname().unwrap_or_default(), &location.search().unwrap_or_default())
    }
}

/// Shows `url` in the address bar in place of the current entry, without loading anything.
#[cfg(feature = "hydrate")]
pub fn replace(url: &str) {
    if let Ok(history) = leptos::prelude::window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_read_whatever_its_query_holds() {
        let a = Address::parse("/kiosk/12", "?rotate=12,5%2C%207&every=30&token=abc");
        assert_eq!(a, Address { id: Some(12), rotate: vec![12, 5, 7], every: 30 });
        assert_eq!(Address::parse("/kiosk/x", ""), Address { id: None, rotate: vec![], every: 60 });
        assert_eq!(Address::parse("/kiosk/3", "every=1").every, 10, "too fast");
        assert_eq!(Address::parse("/kiosk/3", "every=99999999999").every, 86_400, "too slow");
        assert_eq!(Address::parse("/kiosk/3", "every=-5&rotate=a,,2").rotate, vec![2]);
    }

    #[test]
    fn rotation_cycles_and_starts_over_from_an_unknown_dashboard() {
        let a = Address::parse("/kiosk/5", "rotate=2,5,9&every=60");
        assert_eq!(a.next_after(Some(2)), Some(5));
        assert_eq!(a.next_after(Some(9)), Some(2));
        assert_eq!(a.next_after(Some(4)), Some(2));
        assert_eq!(Address::parse("/kiosk/5", "").next_after(Some(5)), None);
        assert_eq!(a.url_of(9), "/kiosk/9?rotate=2%2C5%2C9&every=60");
    }
}
