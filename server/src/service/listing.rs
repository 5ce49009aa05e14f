//! One page of a list: the name filter (substring or regex, bounded), the sort orders each
//! list offers, and paging.

use std::cmp::Ordering;

use app::error::AppError;
use app::model::*;

/// The biggest compiled regex filter: a pattern of at most 1024 characters can still expand to a
/// huge automaton (`\w{1000}`); refuse those rather than spend memory and time on them.
pub(super) const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Rows that belong to a vhost, so lists can leave out the vhosts someone may not see.
pub(super) trait InVhost {
    fn vhost(&self) -> &str;

    /// The broker user a row belongs to, for rows RabbitMQ shows only to their own user (and to
    /// its monitoring and administrator users): connections, channels, consumers.
    fn owner(&self) -> Option<&str> {
        None
    }

    /// Whether someone who sees only `own` user's rows (`only_own_rows`) sees this one.
    fn seen_by(&self, own: Option<&str>) -> bool {
        own.is_none_or(|me| self.owner().is_none_or(|owner| owner == me))
    }
}

/// The broker user whose own rows alone `who` may see (see `InVhost::owner`): a broker user
/// signed in to Warren sees what RabbitMQ would show them. Warren's roles do not tell the
/// `monitoring` tag apart, so only admins among them see everyone's.
pub(super) fn only_own_rows(who: &dyn app::auth::Access) -> Option<String> {
    let me = who.me();
    (matches!(me.kind, app::auth::IdentityKind::Broker { .. }) && !me.is_admin()).then_some(me.name)
}

impl InVhost for QueueRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }
}

impl InVhost for ExchangeRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }
}

impl InVhost for ConnectionRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }

    fn owner(&self) -> Option<&str> {
        Some(&self.user)
    }
}

impl InVhost for ChannelRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }

    fn owner(&self) -> Option<&str> {
        Some(&self.user)
    }
}

impl InVhost for ConsumerRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }

    fn owner(&self) -> Option<&str> {
        Some(&self.user)
    }
}

impl InVhost for BindingRow {
    fn vhost(&self) -> &str {
        &self.vhost
    }
}

pub(super) type Order<T> = Option<fn(&T, &T) -> Ordering>;

/// Filters, sorts and pages rows given in the snapshot's (vhost, name) order. The sort is stable,
/// so rows that tie keep that order and a page boundary does not move between refreshes; only
/// the rows of the page asked for are copied.
pub(super) fn select<'a, T: Clone + 'a>(
    rows: impl ExactSizeIterator<Item = &'a T>,
    keep: impl Fn(&T) -> bool,
    order: Order<T>,
    query: &ListQuery,
) -> Page<T> {
    let total = rows.len() as u64;
    let mut rows: Vec<&T> = rows.filter(|row| keep(row)).collect();
    match (order, query.desc) {
        (Some(order), false) => rows.sort_by(|a, b| order(a, b)),
        (Some(order), true) => rows.sort_by(|a, b| order(b, a)),
        (None, _) => {}
    }
    let size = query.page_size.clamp(1, ListQuery::MAX_PAGE_SIZE) as usize;
    let filtered = rows.len();
    let page_count = filtered.div_ceil(size).max(1) as u32;
    // A shared link or a list that shrank can point past the end: show the last page.
    let page = query.page.clamp(1, page_count);
    let items = rows.into_iter().skip((page as usize - 1) * size).take(size).cloned().collect();
    Page { items, total, filtered: filtered as u64, page, page_count }
}

fn unknown_sort(key: &str) -> AppError {
    AppError::BadRequest(format!("cannot sort by {key:?}"))
}

pub(super) fn queue_order(key: &str) -> Result<Order<QueueRow>, AppError> {
    Ok(Some(match key {
        "" => return Ok(None),
        "vhost" => |a, b| a.vhost.cmp(&b.vhost),
        "name" => |a, b| a.name.cmp(&b.name),
        "type" => |a, b| a.kind.cmp(&b.kind),
        "features" => |a, b| a.durable.cmp(&b.durable),
        "state" => |a, b| a.state.cmp(&b.state),
        "ready" => |a, b| a.ready.cmp(&b.ready),
        "unacked" => |a, b| a.unacked.cmp(&b.unacked),
        "total" => |a, b| a.total.cmp(&b.total),
        "incoming" => |a, b| a.incoming_rate.total_cmp(&b.incoming_rate),
        "deliver" => |a, b| a.deliver_rate.total_cmp(&b.deliver_rate),
        "consumers" => |a, b| a.consumers.cmp(&b.consumers),
        "policy" => |a, b| a.policy.cmp(&b.policy),
        other => return Err(unknown_sort(other)),
    }))
}

pub(super) fn exchange_order(key: &str) -> Result<Order<ExchangeRow>, AppError> {
    Ok(Some(match key {
        "" => return Ok(None),
        "vhost" => |a, b| a.vhost.cmp(&b.vhost),
        "name" => |a, b| a.name.cmp(&b.name),
        "type" => |a, b| a.kind.cmp(&b.kind),
        "features" => |a, b| a.durable.cmp(&b.durable),
        "policy" => |a, b| a.policy.cmp(&b.policy),
        "publish_in" => |a, b| a.publish_in_rate.total_cmp(&b.publish_in_rate),
        "publish_out" => |a, b| a.publish_out_rate.total_cmp(&b.publish_out_rate),
        other => return Err(unknown_sort(other)),
    }))
}

pub(super) fn connection_order(key: &str) -> Result<Order<ConnectionRow>, AppError> {
    Ok(Some(match key {
        "" => return Ok(None),
        "vhost" => |a, b| a.vhost.cmp(&b.vhost),
        "name" => |a, b| a.name.cmp(&b.name),
        "user" => |a, b| a.user.cmp(&b.user),
        "client" => |a, b| (&a.client_name, &a.client).cmp(&(&b.client_name, &b.client)),
        "peer" => |a, b| (&a.peer_host, a.peer_port).cmp(&(&b.peer_host, b.peer_port)),
        "protocol" => |a, b| a.protocol.cmp(&b.protocol),
        "tls" => |a, b| a.tls.cmp(&b.tls),
        "channels" => |a, b| a.channels.cmp(&b.channels),
        "state" => |a, b| a.state.cmp(&b.state),
        "send" => |a, b| a.send_rate.total_cmp(&b.send_rate),
        "recv" => |a, b| a.recv_rate.total_cmp(&b.recv_rate),
        "heartbeat" => |a, b| a.heartbeat.cmp(&b.heartbeat),
        "connected_at" => |a, b| a.connected_at.cmp(&b.connected_at),
        "node" => |a, b| a.node.cmp(&b.node),
        other => return Err(unknown_sort(other)),
    }))
}

pub(super) fn channel_order(key: &str) -> Result<Order<ChannelRow>, AppError> {
    Ok(Some(match key {
        "" => return Ok(None),
        "vhost" => |a, b| a.vhost.cmp(&b.vhost),
        // The broker's name ends in ` (number)`: sorted as text, channel 10 would come before 2.
        "name" => |a, b| (&a.connection, a.number).cmp(&(&b.connection, b.number)),
        "client" => |a, b| (&a.client_name, &a.connection, a.number).cmp(&(&b.client_name, &b.connection, b.number)),
        "user" => |a, b| a.user.cmp(&b.user),
        "mode" => |a, b| (a.confirm, a.transactional).cmp(&(b.confirm, b.transactional)),
        "prefetch" => |a, b| (a.prefetch, a.global_prefetch).cmp(&(b.prefetch, b.global_prefetch)),
        "unacked" => |a, b| a.unacked.cmp(&b.unacked),
        "unconfirmed" => |a, b| a.unconfirmed.cmp(&b.unconfirmed),
        "consumers" => |a, b| a.consumers.cmp(&b.consumers),
        "state" => |a, b| a.state.cmp(&b.state),
        "publish" => |a, b| a.publish_rate.total_cmp(&b.publish_rate),
        "confirm" => |a, b| a.confirm_rate.total_cmp(&b.confirm_rate),
        "deliver" => |a, b| a.deliver_rate.total_cmp(&b.deliver_rate),
        "ack" => |a, b| a.ack_rate.total_cmp(&b.ack_rate),
        "redeliver" => |a, b| a.redeliver_rate.total_cmp(&b.redeliver_rate),
        "node" => |a, b| a.node.cmp(&b.node),
        other => return Err(unknown_sort(other)),
    }))
}

pub(super) fn consumer_order(key: &str) -> Result<Order<ConsumerRow>, AppError> {
    Ok(Some(match key {
        "" => return Ok(None),
        "vhost" => |a, b| a.vhost.cmp(&b.vhost),
        "queue" => |a, b| a.queue.cmp(&b.queue),
        "tag" => |a, b| a.tag.cmp(&b.tag),
        "client" => |a, b| (&a.client_name, &a.channel).cmp(&(&b.client_name, &b.channel)),
        "user" => |a, b| a.user.cmp(&b.user),
        "ack" => |a, b| a.ack_required.cmp(&b.ack_required),
        "prefetch" => |a, b| a.prefetch.cmp(&b.prefetch),
        "exclusive" => |a, b| a.exclusive.cmp(&b.exclusive),
        "active" => |a, b| a.active.cmp(&b.active),
        other => return Err(unknown_sort(other)),
    }))
}

pub(super) fn binding_order(key: &str) -> Result<Order<BindingRow>, AppError> {
    Ok(Some(match key {
        "" | "vhost" => return Ok(None),
        "source" => |a, b| a.source.cmp(&b.source),
        "destination" => |a, b| a.destination.cmp(&b.destination),
        "routing_key" => |a, b| a.routing_key.cmp(&b.routing_key),
        other => return Err(unknown_sort(other)),
    }))
}

/// A list filter: a case-insensitive substring or regex, of bounded size. Substrings become
/// escaped regexes too: case-insensitive search without lowercasing every name.
pub(super) struct NameMatcher(Option<regex::Regex>);

impl NameMatcher {
    pub(super) fn new(query: &ListQuery) -> Result<Self, AppError> {
        if query.filter.chars().count() > ListQuery::MAX_FILTER_LEN {
            return Err(AppError::BadRequest(format!(
                "the filter is longer than {} characters",
                ListQuery::MAX_FILTER_LEN
            )));
        }
        if query.filter.is_empty() {
            return Ok(Self(None));
        }
        let pattern = if query.regex { query.filter.clone() } else { regex::escape(&query.filter) };
        regex::RegexBuilder::new(&pattern)
            .case_insensitive(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(|re| Self(Some(re)))
            .map_err(|e| AppError::BadRequest(format!("invalid regular expression: {e}")))
    }

    pub(super) fn matches(&self, text: &str) -> bool {
        self.0.as_ref().is_none_or(|re| re.is_match(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(filter: &str, regex: bool) -> ListQuery {
        ListQuery { filter: filter.into(), regex, page: 1, page_size: 2, ..Default::default() }
    }

    #[test]
    fn filters_are_case_insensitive() {
        assert!(NameMatcher::new(&query("ORD", false)).unwrap().matches("orders.created"));
        assert!(NameMatcher::new(&query("^ord.*d$", true)).unwrap().matches("Orders.createD"));
        assert!(!NameMatcher::new(&query("^x", true)).unwrap().matches("orders"));
        // A substring is taken literally, not as a pattern.
        assert!(NameMatcher::new(&query("a.b[", false)).unwrap().matches("xA.B[y"));
        assert!(!NameMatcher::new(&query("a.b", false)).unwrap().matches("axb"));
    }

    #[test]
    fn bad_filters_are_refused() {
        assert!(matches!(NameMatcher::new(&query("[", true)), Err(AppError::BadRequest(_))));
        let long = "a".repeat(ListQuery::MAX_FILTER_LEN + 1);
        assert!(matches!(NameMatcher::new(&query(&long, false)), Err(AppError::BadRequest(_))));
        assert!(matches!(NameMatcher::new(&query(r"\w{1000}\w{1000}", true)), Err(AppError::BadRequest(_))));
        assert!(matches!(queue_order("secret_column"), Err(AppError::BadRequest(_))));
    }

    fn row(vhost: &str, name: &str, ready: u64) -> QueueRow {
        QueueRow { vhost: vhost.into(), name: name.into(), ready, ..Default::default() }
    }

    #[test]
    fn sorting_is_stable_both_ways_and_pages_clamp() {
        // In snapshot order: (vhost, name).
        let rows = [row("/", "a", 5), row("/", "b", 1), row("/", "c", 5), row("x", "a", 3), row("x", "d", 0)];
        let by_ready = queue_order("ready").unwrap();
        let names = |page: &Page<QueueRow>| page.items.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(",");
        let q = |desc, page| ListQuery { sort: "ready".into(), desc, page, page_size: 2, ..Default::default() };
        let first = select(rows.iter(), |_| true, by_ready, &q(true, 1));
        assert_eq!((names(&first), first.page_count, first.total, first.filtered), ("a,c".into(), 3, 5, 5));
        assert_eq!(names(&select(rows.iter(), |_| true, by_ready, &q(true, 2))), "a,b");
        assert_eq!(names(&select(rows.iter(), |_| true, by_ready, &q(false, 1))), "d,b");
        // Past the end: the last page.
        let last = select(rows.iter(), |_| true, by_ready, &q(true, 9));
        assert_eq!((names(&last), last.page), ("d".into(), 3));
        let none = select(rows.iter(), |r| r.name == "zz", by_ready, &q(true, 1));
        assert_eq!((none.items.len(), none.page, none.page_count, none.filtered, none.total), (0, 1, 1, 0, 5));
    }
}
