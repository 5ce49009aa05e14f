//! The message-loss tile's names for the advisor's findings (`Check::kind`), in a few words:
//! kept with the wall screen's code, so the console's pages do not download them.

use crate::i18n::Lang;

pub(super) fn risk_title(lang: Lang, kind: &str) -> &'static str {
    match lang {
        Lang::En => en(kind),
        Lang::Zh => zh(kind),
    }
}

fn en(kind: &str) -> &'static str {
    match kind {
        "node-down" => "Node down",
        "alarm" => "Alarm: publishers blocked",
        "partition" => "Network partition",
        "single-node" => "One node only",
        "even-nodes" => "Even number of nodes",
        "unroutable-dropped" => "Unroutable messages dropped",
        "unroutable-returned" => "Unroutable messages returned",
        "routes-nowhere" => "Exchange routes nowhere",
        "transient-exchange" => "Non-durable exchange",
        "transient-queue" => "Non-durable queue",
        "transient-messages" => "Transient messages",
        "unreplicated" => "Not replicated",
        "unsynced-mirrors" => "Mirrors not in sync",
        "members-offline" => "Replicas offline",
        "few-members" => "Too few replicas",
        "no-confirms" => "Publishing without confirms",
        "reject-without-confirms" => "Refusals nobody hears",
        "auto-ack" => "Auto-ack consumer",
        "unlimited-prefetch" => "Unlimited prefetch",
        "large-prefetch" => "Very large prefetch",
        "redeliveries" => "Many redeliveries",
        "no-consumers" => "Messages, no consumer",
        "growing" => "Backlog growing",
        "near-limit" => "Near its length limit",
        "discards-without-dlx" => "Discards without dead-lettering",
        "dlx-missing" => "Dead-letter exchange missing",
        "dlx-routes-nowhere" => "Dead letters go nowhere",
        "ordering" => "Order not kept",
        _ => "Counters unknown",
    }
}

fn zh(kind: &str) -> &'static str {
    match kind {
        "node-down" => "节点宕机",
        "alarm" => "告警：生产者被阻塞",
        "partition" => "网络分区",
        "single-node" => "只有一个节点",
        "even-nodes" => "节点数为偶数",
        "unroutable-dropped" => "无法路由的消息被丢弃",
        "unroutable-returned" => "无法路由的消息被退回",
        "routes-nowhere" => "交换机无处路由",
        "transient-exchange" => "非持久化交换机",
        "transient-queue" => "非持久化队列",
        "transient-messages" => "非持久化消息",
        "unreplicated" => "没有副本",
        "unsynced-mirrors" => "镜像未同步",
        "members-offline" => "副本离线",
        "few-members" => "副本太少",
        "no-confirms" => "发布未开启确认",
        "reject-without-confirms" => "拒收无人知晓",
        "auto-ack" => "自动确认的消费者",
        "unlimited-prefetch" => "预取无上限",
        "large-prefetch" => "预取过大",
        "redeliveries" => "重投递过多",
        "no-consumers" => "有消息无消费者",
        "growing" => "消息积压增长",
        "near-limit" => "接近长度上限",
        "discards-without-dlx" => "丢弃消息且无死信",
        "dlx-missing" => "死信交换机不存在",
        "dlx-routes-nowhere" => "死信无处可去",
        "ordering" => "顺序无法保证",
        _ => "计数未知",
    }
}
