//! The words of the cluster settings and upgrade pages, in both languages; fetched with their
//! code, like the access pages' (`words`).

use leptos::prelude::*;

use crate::i18n::use_table;
use domain::cluster::readiness::Finding;

pub struct ClusterWords {
    pub settings_hint: &'static str,
    pub cluster_name: &'static str,
    pub cluster_name_hint: &'static str,
    pub renamed: &'static str,
    pub flags_hint: &'static str,
    pub enable: &'static str,
    pub enabled: &'static str,
    pub enabling: &'static str,
    pub confirm_enable: fn(&str) -> String,
    pub confirm_experimental: fn(&str) -> String,
    pub enable_all: fn(usize) -> String,
    pub confirm_enable_all: fn(&[String]) -> String,
    pub progress: fn(usize, usize, &str) -> String,
    pub all_enabled: &'static str,
    pub deprecated_features: &'static str,
    pub deprecated_hint: &'static str,
    pub deprecated_unsupported: fn(&str) -> String,
    pub phase: &'static str,
    pub in_use: &'static str,
    pub phase_name: fn(&str) -> String,
    /// A flag's state and stability as the broker names them, in words.
    pub state_name: fn(&str) -> String,
    pub stability_name: fn(&str) -> String,
    pub upgrade_hint: &'static str,
    pub open_upgrade: &'static str,
    pub path: &'static str,
    pub already_there: fn(&str) -> String,
    pub path_hint: &'static str,
    pub summary: fn(usize, usize) -> String,
    pub nothing_found: &'static str,
    pub blocker: &'static str,
    pub risk: &'static str,
    pub finding: fn(&Finding) -> (String, &'static str),
    pub policies_label: &'static str,
    pub and_more: fn(usize) -> String,
}

pub static EN: ClusterWords = ClusterWords {
    settings_hint: "The cluster as a whole: its name, the feature flags its nodes run with, and the features RabbitMQ deprecates that it uses.",
    cluster_name: "Cluster name",
    cluster_name_hint: "The name RabbitMQ gives the cluster (clients and other clusters see it, federation and shovels too); Warren's own name for it stays as configured.",
    renamed: "Renamed.",
    flags_hint: "A feature flag, once enabled, cannot be disabled. Before a cluster is upgraded, every stable flag must be enabled: a node of the next version refuses to join otherwise.",
    enable: "Enable",
    enabled: "Enabled.",
    enabling: "Enabling…",
    confirm_enable: |name| format!("Enable {name} on every node? It cannot be disabled again."),
    confirm_experimental: |name| {
        format!("{name} is experimental: once enabled it cannot be disabled, and RabbitMQ may not upgrade a cluster that runs it. Enable it on every node?")
    },
    enable_all: |n| format!("Enable all stable flags ({n})"),
    confirm_enable_all: |names| format!("Enable {} on every node? None can be disabled again.", names.join(", ")),
    progress: |done, total, name| format!("Enabling {} of {total}: {name}…", done + 1),
    all_enabled: "Every stable feature flag is enabled.",
    deprecated_features: "Deprecated features",
    deprecated_hint: "Features RabbitMQ will refuse in a coming version: permitted by default now, then denied by default, then removed. Those in use are what to change before upgrading.",
    deprecated_unsupported: |version| format!("RabbitMQ {version} does not report deprecated features (3.13 and later do); the upgrade check looks for them in the cluster's objects."),
    phase: "Phase",
    in_use: "In use",
    phase_name: |phase| match phase {
        "permitted_by_default" => "permitted by default".into(),
        "denied_by_default" => "denied by default".into(),
        "disconnected" => "disconnected".into(),
        "removed" => "removed".into(),
        other => other.into(),
    },
    state_name: |state| match state {
        "state_changing" => "being enabled".into(),
        other => other.into(),
    },
    stability_name: |stability| stability.into(),
    upgrade_hint: "What stands between this cluster and RabbitMQ 4.0: each blocker and risk, the objects it concerns, and how to fix it. Read from the cluster as it is now.",
    open_upgrade: "Upgrade check",
    path: "Upgrade path",
    already_there: |version| format!("This cluster runs RabbitMQ {version}: it is on 4.x already. Deprecated features it uses are listed below."),
    path_hint: "A rolling upgrade goes one minor version at a time, with every stable feature flag enabled before each step. A blue-green migration to a new 4.0 cluster (definitions export, then shovels or federation) skips the steps.",
    summary: |blockers, risks| format!("{blockers} blocker(s), {risks} risk(s)"),
    nothing_found: "Nothing found that blocks the upgrade.",
    blocker: "Blocker",
    risk: "Risk",
    finding: |finding| match finding {
        Finding::FlagsDisabled { flags } => (
            format!("{} stable feature flag(s) not enabled", flags.len()),
            "A node of the next version refuses to join a cluster with a stable flag disabled. Enable them all (Cluster settings, \"Enable all stable flags\") before each step of the upgrade.",
        ),
        Finding::Mirroring { queues, messages, .. } => (
            format!("Classic queue mirroring: {} mirrored queue(s), {messages} message(s)", queues.total),
            "RabbitMQ 4.0 removed mirroring: ha-* policies are refused, and mirrored queues keep a single copy, lost with its node. Move these queues to quorum queues (declare new ones with x-queue-type quorum and shovel the messages over, or a blue-green migration), then delete the ha-* policies.",
        ),
        Finding::LazyMode { .. } => (
            "Lazy mode (queue-mode: lazy)".into(),
            "Lazy mode has had no effect since 3.12: classic queues (version 2) keep messages on disk and little in memory anyway. Remove queue-mode from these policies and arguments.",
        ),
        Finding::ClassicV1 { queues } => (
            format!("{} classic queue(s) on storage version 1", queues.total),
            "4.0 removed CQv1: each such queue is converted to version 2 when 4.0 first starts it, which delays a node's start with long queues. Convert them now, on the running cluster: add queue-version: 2 to the policy that applies to them (a queue follows one policy only), or declare new queues with x-queue-version 2.",
        ),
        Finding::GlobalQos { channels } => (
            format!("Global QoS on {} channel(s)", channels.total),
            "Global prefetch (basic.qos with global=true) is deprecated in 4.0 and quorum queues ignore it. Have these clients set a per-consumer prefetch instead (global=false).",
        ),
        Finding::TransientQueues { queues } => (
            format!("{} transient non-exclusive queue(s)", queues.total),
            "Non-durable queues that are not exclusive are deprecated in 4.0 (and lose their messages on a restart). Declare them durable, or exclusive if they belong to one connection; or use a queue TTL (x-expires) for temporary ones.",
        ),
        Finding::MasterLocator { .. } => (
            "queue-master-locator".into(),
            "queue-master-locator (policy key and x-queue-master-locator argument) is deprecated in 4.0 and denied later. Use queue-leader-locator (client-local or balanced).",
        ),
        Finding::RamNodes { nodes } => (
            format!("{} RAM node(s)", nodes.len()),
            "RAM nodes are deprecated in 4.0. Change them to disc nodes (rabbitmqctl change_cluster_node_type disc) before upgrading.",
        ),
        Finding::DeprecatedInUse { features } => (
            format!("Deprecated features in use: {}", features.join(", ")),
            "The broker reports these in use: each will be refused in a coming version. See Cluster settings for each feature's phase and documentation.",
        ),
        Finding::QuorumNeeds { nodes, low_disk } => (
            match low_disk.is_empty() {
                true => format!("Quorum queues need an odd number of nodes, three at least; the cluster has {nodes}"),
                false => format!("Quorum queues need disk: low on {} (the cluster has {nodes} node(s))", low_disk.join(", ")),
            },
            "Quorum queues, which replace mirrored ones, keep every message on disk on each replica and need a majority of their nodes: an odd number, three at least, to survive losing one; and free disk well above the limit on each node.",
        ),
    },
    policies_label: "Policies",
    and_more: |n| format!("and {n} more"),
};

pub static ZH: ClusterWords = ClusterWords {
    settings_hint: "整个集群：集群名称、各节点的特性开关，以及集群正在使用、RabbitMQ 已弃用的特性。",
    cluster_name: "集群名称",
    cluster_name_hint: "RabbitMQ 给集群的名称（客户端、其他集群以及联邦和 Shovel 都能看到）；Warren 配置中的集群名不变。",
    renamed: "已改名。",
    flags_hint: "特性开关一旦启用就无法关闭。升级集群前必须启用所有稳定的特性开关，否则新版本的节点拒绝加入集群。",
    enable: "启用",
    enabled: "已启用。",
    enabling: "正在启用…",
    confirm_enable: |name| format!("在所有节点上启用 {name}？启用后无法关闭。"),
    confirm_experimental: |name| {
        format!("{name} 是实验性特性开关：启用后无法关闭，RabbitMQ 也可能无法升级启用了它的集群。确定在所有节点上启用？")
    },
    enable_all: |n| format!("启用所有稳定的特性开关（{n} 个）"),
    confirm_enable_all: |names| format!("在所有节点上启用 {}？启用后都无法关闭。", names.join("、")),
    progress: |done, total, name| format!("正在启用第 {} 个，共 {total} 个：{name}…", done + 1),
    all_enabled: "所有稳定的特性开关都已启用。",
    deprecated_features: "已弃用特性",
    deprecated_hint: "RabbitMQ 将在后续版本拒绝的特性：现在默认允许，之后默认拒绝，最后移除。正在使用的，升级前需要改掉。",
    deprecated_unsupported: |version| format!("RabbitMQ {version} 不报告已弃用特性（3.13 及以后才报告）；升级检查会在集群的对象中查找。"),
    phase: "阶段",
    in_use: "正在使用",
    phase_name: |phase| match phase {
        "permitted_by_default" => "默认允许".into(),
        "denied_by_default" => "默认拒绝".into(),
        "disconnected" => "已停用".into(),
        "removed" => "已移除".into(),
        other => other.into(),
    },
    state_name: |state| match state {
        "enabled" => "已启用".into(),
        "disabled" => "未启用".into(),
        "state_changing" => "正在启用".into(),
        "unavailable" => "不可用".into(),
        other => other.into(),
    },
    stability_name: |stability| match stability {
        "required" => "必需".into(),
        "stable" => "稳定".into(),
        "experimental" => "实验性".into(),
        other => other.into(),
    },
    upgrade_hint: "这个集群升级到 RabbitMQ 4.0 之前要解决的问题：每个阻碍和风险、涉及的对象以及修复方法。按集群当前状态检查。",
    open_upgrade: "升级检查",
    path: "升级路径",
    already_there: |version| format!("这个集群运行 RabbitMQ {version}，已经是 4.x。下面列出它正在使用的已弃用特性。"),
    path_hint: "滚动升级每次只升一个次版本，每一步之前都要启用所有稳定的特性开关。也可以蓝绿迁移到新的 4.0 集群（导出定义，再用 Shovel 或联邦迁移消息），无需逐步升级。",
    summary: |blockers, risks| format!("{blockers} 个阻碍，{risks} 个风险"),
    nothing_found: "没有发现阻碍升级的问题。",
    blocker: "阻碍",
    risk: "风险",
    finding: |finding| match finding {
        Finding::FlagsDisabled { flags } => (
            format!("{} 个稳定的特性开关未启用", flags.len()),
            "集群中有稳定的特性开关未启用时，新版本的节点拒绝加入。每一步升级之前都要全部启用（集群设置中的“启用所有稳定的特性开关”）。",
        ),
        Finding::Mirroring { queues, messages, .. } => (
            format!("经典队列镜像：{} 个镜像队列，{messages} 条消息", queues.total),
            "RabbitMQ 4.0 移除了镜像：ha-* 策略会被拒绝，镜像队列只剩一份副本，节点宕机即丢失。请把这些队列迁移为仲裁队列（用 x-queue-type quorum 声明新队列，再用 Shovel 迁移消息，或蓝绿迁移），然后删除 ha-* 策略。",
        ),
        Finding::LazyMode { .. } => (
            "惰性队列（queue-mode: lazy）".into(),
            "从 3.12 起惰性模式不再起作用：经典队列（版本 2）本来就把消息放在磁盘、内存中只留少量。请从这些策略和参数中去掉 queue-mode。",
        ),
        Finding::ClassicV1 { queues } => (
            format!("{} 个经典队列使用存储版本 1", queues.total),
            "4.0 移除了 CQv1：这样的队列在 4.0 第一次启动时转换为版本 2，长队列会拖慢节点启动。请现在就在运行中的集群上转换：在这些队列所适用的策略中加入 queue-version: 2（一个队列只适用一个策略），或用 x-queue-version 2 声明新队列。",
        ),
        Finding::GlobalQos { channels } => (
            format!("{} 个信道使用全局 QoS", channels.total),
            "全局预取（basic.qos 的 global=true）在 4.0 中已弃用，仲裁队列也不支持。请让这些客户端改用按消费者的预取（global=false）。",
        ),
        Finding::TransientQueues { queues } => (
            format!("{} 个非持久化、非排他的队列", queues.total),
            "非持久化且非排他的队列在 4.0 中已弃用（重启后消息也会丢失）。请把它们声明为持久队列；只属于一个连接的，声明为排他队列；临时队列可用队列过期时间（x-expires）。",
        ),
        Finding::MasterLocator { .. } => (
            "queue-master-locator".into(),
            "queue-master-locator（策略键和 x-queue-master-locator 参数）在 4.0 中已弃用，之后会被拒绝。请改用 queue-leader-locator（client-local 或 balanced）。",
        ),
        Finding::RamNodes { nodes } => (
            format!("{} 个内存节点", nodes.len()),
            "内存节点在 4.0 中已弃用。升级前请改为磁盘节点（rabbitmqctl change_cluster_node_type disc）。",
        ),
        Finding::DeprecatedInUse { features } => (
            format!("正在使用的已弃用特性：{}", features.join("、")),
            "Broker 报告这些特性正在使用：后续版本都会拒绝。各特性的阶段和文档见集群设置。",
        ),
        Finding::QuorumNeeds { nodes, low_disk } => (
            match low_disk.is_empty() {
                true => format!("仲裁队列需要奇数个节点，至少三个；集群现有 {nodes} 个"),
                false => format!("仲裁队列需要磁盘空间：{} 磁盘不足（集群现有 {nodes} 个节点）", low_disk.join("、")),
            },
            "仲裁队列取代镜像队列：每个副本都在磁盘上保存每条消息，并需要多数节点在线，所以节点数应为奇数、至少三个，才能容忍一个节点宕机；每个节点的可用磁盘也要远高于磁盘限制。",
        ),
    },
    policies_label: "策略",
    and_more: |n| format!("另有 {n} 个"),
};

pub fn use_cluster_words() -> Signal<&'static ClusterWords> {
    use_table(&EN, &ZH)
}
