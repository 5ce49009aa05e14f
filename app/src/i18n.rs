//! Every user-visible string, in English and Simplified Chinese.
//!
//! Written by hand rather than with an i18n crate: one struct per language means a missing
//! translation is a compile error, and the table costs no parsing at start-up or in the WASM.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub const COOKIE: &'static str = "warren_lang";

    /// The `lang` attribute of `<html>`; the hydrating client reads it back from there.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::Zh)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the language from a `Cookie` header first, then from `Accept-Language`.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        let from_cookie = cookie_header.and_then(|cookies| {
            cookies.split(';').find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                (key == Self::COOKIE).then(|| Lang::from_tag(value)).flatten()
            })
        });
        let from_header = || {
            accept_language.and_then(|header| {
                header.split(',').find_map(|item| Lang::from_tag(item.split(';').next().unwrap_or("")))
            })
        };
        from_cookie.or_else(from_header).unwrap_or(Lang::En)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// The current language, provided by `App`.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

/// The texts of the current language, reactive.
pub fn use_texts() -> Signal<&'static Texts> {
    let lang = use_lang();
    Signal::derive(move || lang.get().texts())
}

pub struct Texts {
    pub switch_language: &'static str,
    pub overview: &'static str,
    pub queues: &'static str,
    pub exchanges: &'static str,
    pub bindings: &'static str,
    pub cluster: &'static str,
    pub vhost: &'static str,
    pub all_vhosts: &'static str,
    pub loading: &'static str,
    pub none: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub version: &'static str,
    // Overview
    pub messages: &'static str,
    pub ready: &'static str,
    pub unacked: &'static str,
    pub total: &'static str,
    pub publish_rate: &'static str,
    pub deliver_rate: &'static str,
    pub connections: &'static str,
    pub channels: &'static str,
    pub consumers: &'static str,
    pub nodes: &'static str,
    pub node: &'static str,
    pub running: &'static str,
    pub stopped: &'static str,
    pub memory: &'static str,
    pub disk_free: &'static str,
    pub file_descriptors: &'static str,
    pub sockets: &'static str,
    pub uptime: &'static str,
    pub alarms: &'static str,
    pub memory_alarm: &'static str,
    pub disk_alarm: &'static str,
    pub no_alarm: &'static str,
    pub queued_messages: &'static str,
    pub chart_no_samples: &'static str,
    pub minutes_ago: &'static str,
    // Lists
    pub name: &'static str,
    pub kind: &'static str,
    pub features: &'static str,
    pub state: &'static str,
    pub incoming: &'static str,
    pub deliver: &'static str,
    pub policy: &'static str,
    pub filter_placeholder: &'static str,
    pub regex: &'static str,
    pub apply: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page_of: fn(u32, u32) -> String,
    pub matched_of: fn(u64, u64) -> String,
    pub nothing_matches: &'static str,
    pub durable: &'static str,
    pub auto_delete: &'static str,
    pub exclusive: &'static str,
    pub internal: &'static str,
    pub arguments: &'static str,
    pub durable_short: &'static str,
    pub auto_delete_short: &'static str,
    pub exclusive_short: &'static str,
    pub internal_short: &'static str,
    pub arguments_short: &'static str,
    // Details
    pub properties: &'static str,
    pub operator_policy: &'static str,
    pub effective_policy: &'static str,
    pub consumer_tag: &'static str,
    pub channel: &'static str,
    pub ack_required: &'static str,
    pub prefetch: &'static str,
    pub active: &'static str,
    pub source: &'static str,
    pub destination: &'static str,
    pub routing_key: &'static str,
    pub publish_in: &'static str,
    pub publish_out: &'static str,
    pub bindings_out: &'static str,
    pub bindings_in: &'static str,
    pub default_exchange: &'static str,
    pub queue: &'static str,
    pub exchange: &'static str,
    // Faults
    pub fault_unreachable: &'static str,
    pub fault_timeout: &'static str,
    pub fault_unauthorized: &'static str,
    pub fault_bad_reply: &'static str,
    pub fault_retrying: &'static str,
    pub loading_cluster: &'static str,
    // Live updates
    pub live: &'static str,
    pub reconnecting: &'static str,
    pub stale_for: fn(u64) -> String,
    pub updated_ago: fn(u64) -> String,
    /// (interval s, configured interval s, last refresh ms)
    pub slow_refresh: fn(u64, u64, u64) -> String,
    pub error_unknown_cluster: &'static str,
    pub error_not_found: &'static str,
    pub error_bad_request: &'static str,
    pub error_transport: &'static str,
    pub page_not_found: &'static str,
}

pub const EN: Texts = Texts {
    switch_language: "中文",
    overview: "Overview",
    queues: "Queues",
    exchanges: "Exchanges",
    bindings: "Bindings",
    cluster: "Cluster",
    vhost: "Virtual host",
    all_vhosts: "All virtual hosts",
    loading: "Loading…",
    none: "none",
    yes: "yes",
    no: "no",
    version: "Version",
    messages: "Messages",
    ready: "Ready",
    unacked: "Unacked",
    total: "Total",
    publish_rate: "Publish",
    deliver_rate: "Deliver",
    connections: "Connections",
    channels: "Channels",
    consumers: "Consumers",
    nodes: "Nodes",
    node: "Node",
    running: "running",
    stopped: "stopped",
    memory: "Memory",
    disk_free: "Disk free",
    file_descriptors: "File descriptors",
    sockets: "Sockets",
    uptime: "Uptime",
    alarms: "Alarms",
    memory_alarm: "memory alarm",
    disk_alarm: "disk alarm",
    no_alarm: "none",
    queued_messages: "Queued messages",
    chart_no_samples: "The broker has no samples yet.",
    minutes_ago: "min ago",
    name: "Name",
    kind: "Type",
    features: "Features",
    state: "State",
    incoming: "Incoming",
    deliver: "Deliver / get",
    policy: "Policy",
    filter_placeholder: "Filter by name",
    regex: "Regex",
    apply: "Apply",
    previous: "Previous",
    next: "Next",
    page_of: |page, count| format!("Page {page} of {count}"),
    matched_of: |matched, total| format!("{matched} of {total}"),
    nothing_matches: "Nothing matches.",
    durable: "durable",
    auto_delete: "auto-delete",
    exclusive: "exclusive",
    internal: "internal",
    arguments: "Arguments",
    durable_short: "D",
    auto_delete_short: "AD",
    exclusive_short: "Excl",
    internal_short: "I",
    arguments_short: "Args",
    properties: "Properties",
    operator_policy: "Operator policy",
    effective_policy: "Effective policy",
    consumer_tag: "Consumer tag",
    channel: "Channel",
    ack_required: "Ack required",
    prefetch: "Prefetch",
    active: "Active",
    source: "Source",
    destination: "Destination",
    routing_key: "Routing key",
    publish_in: "Publish in",
    publish_out: "Publish out",
    bindings_out: "Bindings from this exchange",
    bindings_in: "Bindings to this exchange",
    default_exchange: "(AMQP default)",
    queue: "Queue",
    exchange: "Exchange",
    fault_unreachable: "Broker unreachable",
    fault_timeout: "Broker did not answer in time",
    fault_unauthorized: "Broker refused Warren's credentials",
    fault_bad_reply: "Broker sent a reply Warren cannot read",
    fault_retrying: "Warren keeps retrying every few seconds; this page recovers by itself.",
    loading_cluster: "Reading the cluster for the first time",
    live: "Live",
    reconnecting: "Reconnecting…",
    stale_for: |s| format!("Stale for {s} s"),
    updated_ago: |s| format!("Updated {s} s ago"),
    slow_refresh: |every, configured, took_ms| {
        format!(
            "Slow broker: refreshing every {every} s instead of {configured} s (last refresh took {:.1} s)",
            took_ms as f64 / 1000.0
        )
    },
    error_unknown_cluster: "No such cluster is configured",
    error_not_found: "Not found",
    error_bad_request: "Invalid request",
    error_transport: "The Warren server could not be reached",
    page_not_found: "Page not found",
};

pub const ZH: Texts = Texts {
    switch_language: "English",
    overview: "概览",
    queues: "队列",
    exchanges: "交换机",
    bindings: "绑定",
    cluster: "集群",
    vhost: "虚拟主机",
    all_vhosts: "全部虚拟主机",
    loading: "加载中…",
    none: "无",
    yes: "是",
    no: "否",
    version: "版本",
    messages: "消息",
    ready: "就绪",
    unacked: "未确认",
    total: "总计",
    publish_rate: "发布",
    deliver_rate: "投递",
    connections: "连接",
    channels: "信道",
    consumers: "消费者",
    nodes: "节点",
    node: "节点",
    running: "运行中",
    stopped: "已停止",
    memory: "内存",
    disk_free: "磁盘剩余",
    file_descriptors: "文件描述符",
    sockets: "套接字",
    uptime: "运行时间",
    alarms: "告警",
    memory_alarm: "内存告警",
    disk_alarm: "磁盘告警",
    no_alarm: "无",
    queued_messages: "队列中的消息（消息积压）",
    chart_no_samples: "Broker 尚无采样数据。",
    minutes_ago: "分钟前",
    name: "名称",
    kind: "类型",
    features: "特性",
    state: "状态",
    incoming: "流入",
    deliver: "投递 / 获取",
    policy: "策略",
    filter_placeholder: "按名称筛选",
    regex: "正则",
    apply: "应用",
    previous: "上一页",
    next: "下一页",
    page_of: |page, count| format!("第 {page} 页，共 {count} 页"),
    matched_of: |matched, total| format!("{matched} / 共 {total} 个"),
    nothing_matches: "没有匹配项。",
    durable: "持久化",
    auto_delete: "自动删除",
    exclusive: "排他",
    internal: "内部",
    arguments: "参数",
    durable_short: "持久",
    auto_delete_short: "自删",
    exclusive_short: "排他",
    internal_short: "内部",
    arguments_short: "参数",
    properties: "属性",
    operator_policy: "运维策略",
    effective_policy: "生效策略",
    consumer_tag: "消费者标签",
    channel: "信道",
    ack_required: "需要确认",
    prefetch: "预取",
    active: "活跃",
    source: "源",
    destination: "目标",
    routing_key: "路由键",
    publish_in: "发布流入",
    publish_out: "发布流出",
    bindings_out: "从此交换机出发的绑定",
    bindings_in: "指向此交换机的绑定",
    default_exchange: "（AMQP 默认交换机）",
    queue: "队列",
    exchange: "交换机",
    fault_unreachable: "无法连接 Broker",
    fault_timeout: "Broker 响应超时",
    fault_unauthorized: "Broker 拒绝了 Warren 的凭据",
    fault_bad_reply: "Broker 返回了无法解析的响应",
    fault_retrying: "Warren 每隔几秒自动重试，恢复后本页会自动更新。",
    loading_cluster: "正在首次读取集群",
    live: "实时",
    reconnecting: "正在重新连接…",
    stale_for: |s| format!("数据已过期 {s} 秒"),
    updated_ago: |s| format!("{s} 秒前更新"),
    slow_refresh: |every, configured, took_ms| {
        format!(
            "Broker 响应慢：每 {every} 秒刷新一次，而非设定的 {configured} 秒（上次刷新耗时 {:.1} 秒）",
            took_ms as f64 / 1000.0
        )
    },
    error_unknown_cluster: "未配置该集群",
    error_not_found: "未找到",
    error_bad_request: "请求无效",
    error_transport: "无法连接 Warren 服务器",
    page_not_found: "页面不存在",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_wins_over_accept_language() {
        assert_eq!(Lang::negotiate(Some("a=1; warren_lang=zh-CN"), Some("en-US,en;q=0.9")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("warren_lang=en"), Some("zh-CN")), Lang::En);
    }

    #[test]
    fn accept_language_then_english() {
        assert_eq!(Lang::negotiate(None, Some("fr-FR, zh-CN;q=0.8")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("warren_lang=xx"), Some("de")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
    }
}
