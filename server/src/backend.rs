//! The pages' data, read from the brokers: implements `app::api::Backend`.

use std::collections::HashMap;
use std::sync::Arc;

use app::error::AppError;
use app::model::*;
use serde_json::{Map, Value};

use crate::broker::{api_path, json, BrokerClient, BrokerError};
use crate::config::ClusterConfig;

/// The broker's own sample window: its default retention keeps 5 s samples for 10 minutes.
fn sample_window() -> Vec<(&'static str, String)> {
    vec![("lengths_age", "600".into()), ("lengths_incr", "5".into())]
}
/// The biggest regex filter accepted: the broker caps `name` filters at 1024 characters too.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub struct Clusters {
    order: Vec<String>,
    clients: HashMap<String, Arc<BrokerClient>>,
}

impl Clusters {
    pub fn new(configs: &[ClusterConfig]) -> anyhow::Result<Self> {
        let mut clients = HashMap::new();
        for config in configs {
            clients.insert(config.name.clone(), Arc::new(BrokerClient::new(config)?));
        }
        Ok(Self { order: configs.iter().map(|c| c.name.clone()).collect(), clients })
    }

    pub fn first(&self) -> &str {
        &self.order[0]
    }

    fn client<'a>(&'a self, cluster: &'a str) -> Result<Cluster<'a>, AppError> {
        self.clients
            .get(cluster)
            .map(|client| Cluster { name: cluster, client })
            .ok_or_else(|| AppError::UnknownCluster(cluster.to_string()))
    }
}

/// One cluster's client with its name, to turn broker errors into page errors.
struct Cluster<'a> {
    name: &'a str,
    client: &'a BrokerClient,
}

impl Cluster<'_> {
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, AppError> {
        self.client.get(path, query).await.map_err(|error| {
            tracing::warn!(cluster = self.name, request = what, %error, "broker request failed");
            let cluster = self.name.to_string();
            match error {
                BrokerError::Unreachable(detail) => AppError::Unreachable { cluster, detail },
                BrokerError::Timeout => AppError::Timeout { cluster },
                BrokerError::Unauthorized(_) => AppError::Unauthorized { cluster },
                BrokerError::NotFound => AppError::NotFound(what.to_string()),
                BrokerError::BadRequest(reason) => AppError::BadRequest(reason),
                BrokerError::Status(_) | BrokerError::BadBody(_) => AppError::BadReply { cluster },
            }
        })
    }

    /// One page of a broker list. A shared link or a list that shrank can point past the last
    /// page, which the broker refuses: Warren shows the last page instead.
    async fn paged<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        mut params: Vec<(&'static str, String)>,
    ) -> Result<json::Paged<T>, AppError> {
        // The broker refuses a page well past the end, and answers an empty one just past it.
        match self.get::<json::Paged<T>>(what, path, &params).await {
            Err(AppError::BadRequest(reason)) if reason.contains("out of range") => {}
            Ok(page) if page.items.is_empty() && page.page > page.page_count.max(1) => {}
            other => return other,
        }
        set_param(&mut params, "page", "1".into());
        let first: json::Paged<T> = self.get(what, path, &params).await?;
        if first.page_count <= 1 {
            return Ok(first);
        }
        set_param(&mut params, "page", first.page_count.to_string());
        self.get(what, path, &params).await
    }
}

fn set_param(params: &mut [(&'static str, String)], key: &str, value: String) {
    if let Some(param) = params.iter_mut().find(|(k, _)| *k == key) {
        param.1 = value;
    }
}

fn into_page<J, T>(page: json::Paged<J>, row: fn(J) -> T) -> Page<T> {
    Page {
        total: page.total_count,
        filtered: page.filtered_count,
        page: page.page.max(1),
        page_count: page.page_count,
        items: page.items.into_iter().map(row).collect(),
    }
}

#[async_trait::async_trait]
impl app::api::Backend for Clusters {
    fn clusters(&self) -> Vec<ClusterInfo> {
        self.order
            .iter()
            .map(|name| ClusterInfo { name: name.clone(), nodes: self.clients[name].node_urls() })
            .collect()
    }

    async fn vhosts(&self, cluster: &str) -> Result<Vec<String>, AppError> {
        let vhosts: Vec<json::Vhost> =
            self.client(cluster)?.get("vhosts", "vhosts", &[("columns", "name".into())]).await?;
        let mut names: Vec<String> = vhosts.into_iter().map(|v| v.name).collect();
        names.sort();
        Ok(names)
    }

    async fn overview(&self, cluster: &str) -> Result<Overview, AppError> {
        let c = self.client(cluster)?;
        let window = sample_window();
        let (overview, nodes) = tokio::join!(
            c.get::<json::Overview>("overview", "overview", &window),
            c.get::<Vec<json::Node>>("nodes", "nodes", &[]),
        );
        Ok(overview_model(overview?, nodes?))
    }

    async fn queues(&self, cluster: &str, query: &ListQuery) -> Result<Page<QueueRow>, AppError> {
        let sort = queue_sort_path(&query.sort)?;
        let params = list_params(query, sort, QUEUE_COLUMNS)?;
        let page = self.client(cluster)?.paged("queues", &scoped("queues", query), params).await?;
        Ok(into_page(page, queue_row))
    }

    async fn queue(&self, cluster: &str, vhost: &str, name: &str) -> Result<QueueDetail, AppError> {
        let c = self.client(cluster)?;
        let what = format!("queue {name:?} in vhost {vhost:?}");
        let (queue_path, bindings_path) =
            (api_path(&["queues", vhost, name]), api_path(&["queues", vhost, name, "bindings"]));
        let window = sample_window();
        let (queue, bindings) = tokio::join!(
            c.get::<json::Queue>(&what, &queue_path, &window),
            c.get::<Vec<json::Binding>>(&what, &bindings_path, &[]),
        );
        Ok(queue_detail(queue?, bindings?))
    }

    async fn exchanges(&self, cluster: &str, query: &ListQuery) -> Result<Page<ExchangeRow>, AppError> {
        let sort = exchange_sort_path(&query.sort)?;
        let params = list_params(query, sort, EXCHANGE_COLUMNS)?;
        let page = self.client(cluster)?.paged("exchanges", &scoped("exchanges", query), params).await?;
        Ok(into_page(page, exchange_row))
    }

    async fn exchange(&self, cluster: &str, vhost: &str, name: &str) -> Result<ExchangeDetail, AppError> {
        let c = self.client(cluster)?;
        // The default exchange has an empty name; the API addresses it as `amq.default`.
        let path_name = if name.is_empty() { "amq.default" } else { name };
        let what = format!("exchange {name:?} in vhost {vhost:?}");
        let exchange_path = api_path(&["exchanges", vhost, path_name]);
        let (out_path, in_path) =
            (format!("{exchange_path}/bindings/source"), format!("{exchange_path}/bindings/destination"));
        let (exchange, out, into) = tokio::join!(
            c.get::<json::Exchange>(&what, &exchange_path, &[]),
            c.get::<Vec<json::Binding>>(&what, &out_path, &[]),
            c.get::<Vec<json::Binding>>(&what, &in_path, &[]),
        );
        let x = exchange?;
        Ok(ExchangeDetail {
            arguments: json_pairs(&x.arguments),
            bindings_out: out?.into_iter().map(binding_row).collect(),
            bindings_in: into?.into_iter().map(binding_row).collect(),
            row: exchange_row(x),
        })
    }

    async fn bindings(&self, cluster: &str, query: &ListQuery) -> Result<Page<BindingRow>, AppError> {
        let sort_key = binding_sort_key(&query.sort)?;
        let matcher = NameMatcher::new(query)?;
        // The bindings endpoint has no paging: filter, sort and page here.
        let all: Vec<json::Binding> = self.client(cluster)?.get("bindings", &scoped("bindings", query), &[]).await?;
        let total = all.len() as u64;
        let mut rows: Vec<BindingRow> = all
            .into_iter()
            .map(binding_row)
            .filter(|b| {
                matcher.matches(&b.source) || matcher.matches(&b.destination) || matcher.matches(&b.routing_key)
            })
            .collect();
        rows.sort_by(|a, b| {
            sort_key(a)
                .cmp(sort_key(b))
                .then_with(|| (&a.vhost, &a.source, &a.destination).cmp(&(&b.vhost, &b.source, &b.destination)))
        });
        if query.desc {
            rows.reverse();
        }
        Ok(page_of(rows, total, query))
    }
}

/// `queues`, or `queues/{vhost}` when the list is filtered to one vhost.
fn scoped(collection: &str, query: &ListQuery) -> String {
    match &query.vhost {
        Some(vhost) => api_path(&[collection, vhost]),
        None => collection.to_string(),
    }
}

/// Only what the queue list shows: at thousands of queues the full objects are most of the cost.
const QUEUE_COLUMNS: &str = "vhost,name,type,durable,auto_delete,exclusive,arguments,state,messages_ready,\
messages_unacknowledged,messages,message_stats.publish_details.rate,message_stats.deliver_get_details.rate,consumers,policy";
const EXCHANGE_COLUMNS: &str =
    "vhost,name,type,durable,auto_delete,internal,arguments,policy,message_stats.publish_in_details.rate,message_stats.publish_out_details.rate";

/// The broker's paging parameters for a list query; the filter is checked here first so a bad
/// regex gets Warren's explanation rather than the broker's.
fn list_params(query: &ListQuery, sort: &str, columns: &str) -> Result<Vec<(&'static str, String)>, AppError> {
    NameMatcher::new(query)?;
    let page_size = query.page_size.clamp(1, ListQuery::MAX_PAGE_SIZE);
    let mut params = vec![
        ("page", query.page.max(1).to_string()),
        ("page_size", page_size.to_string()),
        ("columns", columns.to_string()),
    ];
    if !query.filter.is_empty() {
        params.push(("name", query.filter.clone()));
        params.push(("use_regex", query.regex.to_string()));
    }
    if !sort.is_empty() {
        params.push(("sort", sort.to_string()));
        params.push(("sort_reverse", query.desc.to_string()));
    }
    Ok(params)
}

fn unknown_sort(key: &str) -> AppError {
    AppError::BadRequest(format!("cannot sort by {key:?}"))
}

fn queue_sort_path(key: &str) -> Result<&'static str, AppError> {
    Ok(match key {
        "" => "",
        "vhost" => "vhost",
        "name" => "name",
        "type" => "type",
        "features" => "durable",
        "state" => "state",
        "ready" => "messages_ready",
        "unacked" => "messages_unacknowledged",
        "total" => "messages",
        "incoming" => "message_stats.publish_details.rate",
        "deliver" => "message_stats.deliver_get_details.rate",
        "consumers" => "consumers",
        "policy" => "policy",
        other => return Err(unknown_sort(other)),
    })
}

fn exchange_sort_path(key: &str) -> Result<&'static str, AppError> {
    Ok(match key {
        "" => "",
        "vhost" => "vhost",
        "name" => "name",
        "type" => "type",
        "features" => "durable",
        "policy" => "policy",
        "publish_in" => "message_stats.publish_in_details.rate",
        "publish_out" => "message_stats.publish_out_details.rate",
        other => return Err(unknown_sort(other)),
    })
}

fn binding_sort_key(key: &str) -> Result<fn(&BindingRow) -> &str, AppError> {
    Ok(match key {
        "" | "vhost" => |b| &b.vhost,
        "source" => |b| &b.source,
        "destination" => |b| &b.destination,
        "routing_key" => |b| &b.routing_key,
        other => return Err(unknown_sort(other)),
    })
}

/// A list filter: case-insensitive substring, or a case-insensitive regex of bounded size.
enum NameMatcher {
    All,
    Substring(String),
    Regex(regex::Regex),
}

impl NameMatcher {
    fn new(query: &ListQuery) -> Result<Self, AppError> {
        if query.filter.chars().count() > ListQuery::MAX_FILTER_LEN {
            return Err(AppError::BadRequest(format!(
                "the filter is longer than {} characters",
                ListQuery::MAX_FILTER_LEN
            )));
        }
        if query.filter.is_empty() {
            return Ok(Self::All);
        }
        if !query.regex {
            return Ok(Self::Substring(query.filter.to_lowercase()));
        }
        regex::RegexBuilder::new(&query.filter)
            .case_insensitive(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(Self::Regex)
            .map_err(|e| AppError::BadRequest(format!("invalid regular expression: {e}")))
    }

    fn matches(&self, text: &str) -> bool {
        match self {
            Self::All => true,
            Self::Substring(needle) => text.to_lowercase().contains(needle),
            Self::Regex(re) => re.is_match(text),
        }
    }
}

fn page_of<T>(items: Vec<T>, total: u64, query: &ListQuery) -> Page<T> {
    let size = query.page_size.clamp(1, ListQuery::MAX_PAGE_SIZE) as usize;
    let filtered = items.len();
    let page_count = filtered.div_ceil(size).max(1) as u32;
    let page = query.page.clamp(1, page_count);
    let items = items.into_iter().skip((page as usize - 1) * size).take(size).collect();
    Page { items, total, filtered: filtered as u64, page, page_count }
}

fn overview_model(o: json::Overview, nodes: Vec<json::Node>) -> Overview {
    Overview {
        cluster_name: o.cluster_name,
        rabbitmq_version: o.rabbitmq_version,
        erlang_version: o.erlang_version,
        messages: MessageTotals {
            ready: o.queue_totals.messages_ready,
            unacked: o.queue_totals.messages_unacknowledged,
            total: o.queue_totals.messages,
            publish_rate: o.message_stats.publish_details.rate,
            deliver_rate: o.message_stats.deliver_get_details.rate,
        },
        objects: ObjectTotals {
            connections: o.object_totals.connections,
            channels: o.object_totals.channels,
            exchanges: o.object_totals.exchanges,
            queues: o.object_totals.queues,
            consumers: o.object_totals.consumers,
        },
        backlog: backlog(&o.queue_totals),
        nodes: nodes.into_iter().map(node_info).collect(),
    }
}

fn queue_detail(q: json::Queue, bindings: Vec<json::Binding>) -> QueueDetail {
    QueueDetail {
        node: q.node.clone(),
        arguments: json_pairs(&q.arguments),
        operator_policy: q.operator_policy.clone(),
        effective_policy: json_pairs(&q.effective_policy_definition),
        memory: q.memory,
        consumers: q
            .consumer_details
            .iter()
            .map(|c| ConsumerInfo {
                tag: c.consumer_tag.clone(),
                channel: c.channel_details.name.clone(),
                ack_required: c.ack_required,
                exclusive: c.exclusive,
                prefetch: c.prefetch_count,
                active: c.active.unwrap_or(true),
            })
            .collect(),
        bindings: bindings.into_iter().map(binding_row).collect(),
        backlog: backlog(&q.counts),
        row: queue_row(q),
    }
}

fn points(details: &json::Details) -> Vec<Point> {
    details.samples.iter().map(|s| Point { ts_ms: s.timestamp, value: s.sample }).collect()
}

fn backlog(counts: &json::Counts) -> Backlog {
    Backlog { ready: points(&counts.messages_ready_details), unacked: points(&counts.messages_unacknowledged_details) }
}

fn node_info(n: json::Node) -> NodeInfo {
    NodeInfo {
        name: n.name,
        running: n.running,
        mem_alarm: n.mem_alarm,
        disk_alarm: n.disk_free_alarm,
        mem_used: n.mem_used,
        mem_limit: n.mem_limit,
        disk_free: n.disk_free,
        disk_free_limit: n.disk_free_limit,
        fd_used: n.fd_used,
        fd_total: n.fd_total,
        sockets_used: n.sockets_used,
        sockets_total: n.sockets_total,
        uptime_ms: n.uptime,
    }
}

fn queue_row(q: json::Queue) -> QueueRow {
    QueueRow {
        has_arguments: !q.arguments.is_empty(),
        vhost: q.vhost,
        name: q.name,
        kind: q.kind,
        durable: q.durable,
        auto_delete: q.auto_delete,
        exclusive: q.exclusive,
        state: q.state,
        ready: q.counts.messages_ready,
        unacked: q.counts.messages_unacknowledged,
        total: q.counts.messages,
        incoming_rate: q.message_stats.publish_details.rate,
        deliver_rate: q.message_stats.deliver_get_details.rate,
        consumers: q.consumers,
        policy: q.policy,
    }
}

fn exchange_row(x: json::Exchange) -> ExchangeRow {
    ExchangeRow {
        has_arguments: !x.arguments.is_empty(),
        vhost: x.vhost,
        name: x.name,
        kind: x.kind,
        durable: x.durable,
        auto_delete: x.auto_delete,
        internal: x.internal,
        policy: x.policy,
        publish_in_rate: x.message_stats.publish_in_details.rate,
        publish_out_rate: x.message_stats.publish_out_details.rate,
    }
}

fn binding_row(b: json::Binding) -> BindingRow {
    BindingRow {
        arguments: if b.arguments.is_empty() { String::new() } else { Value::Object(b.arguments).to_string() },
        vhost: b.vhost,
        source: b.source,
        destination: b.destination,
        destination_type: b.destination_type,
        routing_key: b.routing_key,
    }
}

/// A JSON object as sorted (key, value-as-JSON) pairs; strings lose their quotes for reading.
fn json_pairs(map: &Map<String, Value>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> =
        map.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replies recorded from the real 3.10 and 4.0 brokers (`server/tests/fixtures`).
    fn fixture<T: serde::de::DeserializeOwned>(version: &str, name: &str) -> T {
        let path = format!("{}/tests/fixtures/{version}/{name}.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn recorded_overviews_parse() {
        for (version, prefix) in [("3.10", "3.10."), ("4.0", "4.0.")] {
            let o = overview_model(fixture(version, "overview"), fixture(version, "nodes"));
            assert!(o.rabbitmq_version.starts_with(prefix), "{version}");
            assert!(o.objects.exchanges > 0 && o.objects.queues > 0, "{version}: {:?}", o.objects);
            assert!(o.backlog.ready.len() > 10, "{version}: samples of the 10-minute window");
            assert_eq!(o.nodes.len(), 1);
            let node = &o.nodes[0];
            assert!(node.running && node.mem_limit > 0 && node.fd_total > 0 && node.uptime_ms > 0, "{version}");
        }
    }

    #[test]
    fn recorded_queue_details_parse() {
        for version in ["3.10", "4.0"] {
            let d = queue_detail(fixture(version, "queue"), fixture(version, "bindings"));
            assert_eq!(d.row.name, "订单 created/#1%", "{version}");
            assert_eq!(
                (d.row.vhost.as_str(), d.row.kind.as_str(), d.row.policy.as_str()),
                ("prod/eu", "classic", "cap")
            );
            assert!(d.row.total >= 1 && d.row.durable && d.row.has_arguments, "{version}");
            assert!(d.arguments.contains(&("x-max-length".into(), "1000".into())), "{version}");
            assert_eq!(d.effective_policy, vec![("message-ttl".to_string(), "60000".to_string())], "{version}");
            assert!(!d.backlog.ready.is_empty(), "{version}");
            assert!(d.bindings.iter().any(|b| b.source == "orders#x" && b.routing_key == "order.#"), "{version}");
        }
    }

    #[test]
    fn recorded_lists_parse() {
        for version in ["3.10", "4.0"] {
            let page: json::Paged<json::Queue> = fixture(version, "queues-page");
            let page = into_page(page, queue_row);
            assert!(page.items.iter().any(|q| q.name == "订单 created/#1%" && q.ready >= 1), "{version}");
            let x = exchange_row(fixture(version, "exchange"));
            assert_eq!((x.name.as_str(), x.kind.as_str(), x.durable), ("orders#x", "topic", true), "{version}");
        }
    }

    #[test]
    fn odd_shapes_read_as_defaults() {
        // Empty proplists come as [] and missing stats as null on some versions.
        let q: json::Queue = serde_json::from_str(
            r#"{"name":"q","vhost":"/","messages":null,"message_stats":[],"effective_policy_definition":[],"arguments":[]}"#,
        )
        .unwrap();
        let row = queue_row(q);
        assert_eq!((row.total, row.incoming_rate, row.has_arguments), (0, 0.0, false));
        assert!(serde_json::from_str::<json::Queue>("not json").is_err());
    }

    fn query(filter: &str, regex: bool) -> ListQuery {
        ListQuery { filter: filter.into(), regex, page: 1, page_size: 2, ..Default::default() }
    }

    #[test]
    fn filters_are_case_insensitive() {
        assert!(NameMatcher::new(&query("ORD", false)).unwrap().matches("orders.created"));
        assert!(NameMatcher::new(&query("^ord.*d$", true)).unwrap().matches("Orders.createD"));
        assert!(!NameMatcher::new(&query("^x", true)).unwrap().matches("orders"));
    }

    #[test]
    fn bad_filters_are_refused() {
        assert!(matches!(NameMatcher::new(&query("[", true)), Err(AppError::BadRequest(_))));
        let long = "a".repeat(ListQuery::MAX_FILTER_LEN + 1);
        assert!(matches!(NameMatcher::new(&query(&long, false)), Err(AppError::BadRequest(_))));
        assert!(matches!(queue_sort_path("secret_column"), Err(AppError::BadRequest(_))));
    }

    #[test]
    fn paging_clamps_to_the_last_page() {
        let page = page_of((1..=5).collect::<Vec<_>>(), 9, &ListQuery { page: 7, page_size: 2, ..Default::default() });
        assert_eq!((page.items, page.page, page.page_count, page.filtered, page.total), (vec![5], 3, 3, 5, 9));
        let empty = page_of(Vec::<u8>::new(), 0, &ListQuery { page: 1, page_size: 2, ..Default::default() });
        assert_eq!((empty.page, empty.page_count), (1, 1));
    }

    #[test]
    fn list_params_carry_filter_sort_and_page() {
        let q = ListQuery {
            filter: "a".into(),
            regex: true,
            sort: "ready".into(),
            desc: true,
            page: 2,
            page_size: 900,
            vhost: None,
        };
        let params = list_params(&q, queue_sort_path(&q.sort).unwrap(), QUEUE_COLUMNS).unwrap();
        let get = |k: &str| params.iter().find(|(key, _)| *key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("page"), Some("2"));
        assert_eq!(get("page_size"), Some("500"));
        assert_eq!(get("sort"), Some("messages_ready"));
        assert_eq!(get("sort_reverse"), Some("true"));
        assert_eq!(get("use_regex"), Some("true"));
    }
}
