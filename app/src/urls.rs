//! Building URLs: console links in the browser and broker API paths on the server share the same
//! percent-encoding, so a name with `/ # % ?`, spaces or unicode survives both trips.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 unreserved characters is encoded: `/` becomes `%2F`, so the default
/// vhost `/` is one path segment, and `#`, `%`, `?` cannot end a segment early.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Encodes one path segment or one query value.
pub fn encode(component: &str) -> String {
    utf8_percent_encode(component, COMPONENT).to_string()
}

/// `base?k=v&…` with every value encoded; pairs with an empty value are left out so URLs stay short.
pub fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = base.to_string();
    let mut separator = '?';
    for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        url.push(separator);
        url.push_str(&encode(key));
        url.push('=');
        url.push_str(&encode(value));
        separator = '&';
    }
    url
}

/// The console's own pages.
pub fn cluster_home(cluster: &str) -> String {
    format!("/c/{}", encode(cluster))
}

pub fn section(cluster: &str, section: &str) -> String {
    format!("/c/{}/{section}", encode(cluster))
}

/// The page of one object of a vhost: `section` is its kind (`queue`, `connection`, …).
pub fn object_page(cluster: &str, section_name: &str, vhost: &str, name: &str) -> String {
    with_query(&section(cluster, section_name), &[("vhost", vhost), ("name", name)])
}

pub fn queue_page(cluster: &str, vhost: &str, name: &str) -> String {
    object_page(cluster, "queue", vhost, name)
}

/// The live stream of a page's data: `view` is the page's section (`queues`, `queue`, …) and
/// `pairs` the same query the page URL carries.
pub fn live(cluster: &str, view: &str, pairs: &[(&str, &str)]) -> String {
    with_query(&format!("/live/{}/{view}", encode(cluster)), pairs)
}

/// The default exchange has an empty name; its page still needs the `name` key, so it is sent
/// as the broker's alias `amq.default`.
pub fn exchange_page(cluster: &str, vhost: &str, name: &str) -> String {
    let name = if name.is_empty() { "amq.default" } else { name };
    with_query(&section(cluster, "exchange"), &[("vhost", vhost), ("name", name)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode() {
        assert_eq!(encode("/"), "%2F");
        assert_eq!(encode("订单 created/#1%"), "%E8%AE%A2%E5%8D%95%20created%2F%231%25");
        assert_eq!(encode("a?b=c&d"), "a%3Fb%3Dc%26d");
        assert_eq!(encode("amq.gen-X_y~"), "amq.gen-X_y~");
    }

    #[test]
    fn query_skips_empty_values() {
        assert_eq!(with_query("/c/x/queues", &[("q", ""), ("vhost", "/")]), "/c/x/queues?vhost=%2F");
        assert_eq!(queue_page("local", "prod/eu", "a b"), "/c/local/queue?vhost=prod%2Feu&name=a%20b");
        assert_eq!(
            object_page("local", "connection", "/", "127.0.0.1:5 -> 127.0.0.1:5672"),
            "/c/local/connection?vhost=%2F&name=127.0.0.1%3A5%20-%3E%20127.0.0.1%3A5672"
        );
    }

    #[test]
    fn default_exchange_uses_its_alias() {
        assert_eq!(exchange_page("c", "/", ""), "/c/c/exchange?vhost=%2F&name=amq.default");
    }
}
