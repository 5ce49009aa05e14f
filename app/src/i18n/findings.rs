//! The advisor findings' titles, in both languages, by `Check::headline`: the advisor page, the
//! queue, exchange and channel pages and the kiosk's message-loss tile name a finding alike. The
//! rest of a finding's words (evidence, why, fix) are fetched with the advisor page
//! (`pages::advisor::words`); the numbers are in its evidence, not its title.

use super::Lang;

impl Lang {
    /// Short, names the problem: "Publishes without confirms".
    pub fn finding_title(self, headline: &str) -> &'static str {
        match self {
            Lang::En => title_en(headline),
            Lang::Zh => title_zh(headline),
        }
    }

    /// The counter-based check that cannot run (`Check::Unknown`), as a noun phrase.
    pub fn unknown_check(self, check: &str) -> &str {
        let zh = self == Lang::Zh;
        match check {
            "confirms" if zh => "未开启生产者确认的发布",
            "confirms" => "publishers without confirms",
            "unroutable" if zh => "不可路由的消息",
            "unroutable" => "unroutable messages",
            "redeliveries" if zh => "重新投递",
            "redeliveries" => "redeliveries",
            "routes-nowhere" if zh => "没有去向的交换机",
            "routes-nowhere" => "exchanges that route nowhere",
            other => other,
        }
    }
}

/// A headline no table knows: a newer server than this page.
const OTHER_EN: &str = "Advisor finding";
const OTHER_ZH: &str = "可靠性顾问发现的问题";

fn title_en(headline: &str) -> &'static str {
    match headline {
        "node-down" => "Node down",
        "memory-disk-alarm" => "Memory and disk alarms: publishing blocked",
        "memory-alarm" => "Memory alarm: publishing blocked",
        "disk-alarm" => "Disk alarm: publishing blocked",
        "partition" => "Network partition",
        "single-node" => "Single node: no high availability",
        "even-nodes" => "Even number of nodes",
        "unroutable-dropped" => "Unroutable messages dropped",
        "unroutable-returned" => "Unroutable messages returned to publishers",
        "routes-nowhere" => "Exchange routes nowhere",
        "transient-exchange" => "Exchange not durable",
        "transient-queue" => "Queue not durable",
        "transient-messages" => "Transient messages in a durable queue",
        "unreplicated" => "Queue has a single copy",
        "unsynced-mirrors" => "Mirrors not synchronised",
        "majority-lost" => "Majority lost: queue stopped",
        "members-offline" => "Members offline",
        "few-members" => "Fewer replicas than the cluster allows",
        "no-confirms" => "Publishes without confirms",
        "reject-without-confirms" => "Full queue refuses messages publishers never hear of",
        "auto-ack" => "Automatic acknowledgement",
        "unlimited-prefetch" => "No prefetch limit",
        "large-prefetch" => "Very large prefetch",
        "redeliveries" => "Many redeliveries: duplicates",
        "no-consumers" => "Messages and no consumer",
        "growing" => "Backlog growing",
        "near-limit" => "Near its length limit",
        "discards-without-dlx" => "Discards messages with no dead-letter exchange",
        "dlx-missing" => "Dead-letter exchange missing",
        "dlx-routes-nowhere" => "Dead-letter exchange routes nowhere",
        "ordering" => "Message order not kept",
        "unknown-confirms" => "Unknown: publishers without confirms",
        "unknown-unroutable" => "Unknown: unroutable messages",
        "unknown-redeliveries" => "Unknown: redeliveries",
        "unknown-routes-nowhere" => "Unknown: exchanges that route nowhere",
        "unknown" => "Unknown: message counters missing",
        _ => OTHER_EN,
    }
}

fn title_zh(headline: &str) -> &'static str {
    match headline {
        "node-down" => "节点宕机",
        "memory-disk-alarm" => "内存和磁盘告警：发布被阻塞",
        "memory-alarm" => "内存告警：发布被阻塞",
        "disk-alarm" => "磁盘告警：发布被阻塞",
        "partition" => "网络分区",
        "single-node" => "单节点：没有高可用",
        "even-nodes" => "节点数为偶数",
        "unroutable-dropped" => "不可路由的消息被丢弃",
        "unroutable-returned" => "不可路由的消息被退回给生产者",
        "routes-nowhere" => "交换机没有任何去向",
        "transient-exchange" => "交换机未持久化",
        "transient-queue" => "队列未持久化",
        "transient-messages" => "持久化队列中有非持久化消息",
        "unreplicated" => "队列只有一份副本",
        "unsynced-mirrors" => "镜像未同步",
        "majority-lost" => "失去多数成员：队列停止工作",
        "members-offline" => "部分成员离线",
        "few-members" => "副本数少于集群能提供的数量",
        "no-confirms" => "发布消息未开启生产者确认",
        "reject-without-confirms" => "队列已满拒收消息，生产者却不知道",
        "auto-ack" => "消费者使用自动确认",
        "unlimited-prefetch" => "没有预取上限",
        "large-prefetch" => "预取过大",
        "redeliveries" => "重新投递过多：重复消费",
        "no-consumers" => "有消息但没有消费者",
        "growing" => "消息积压在增长",
        "near-limit" => "接近队列长度上限",
        "discards-without-dlx" => "丢弃消息但没有死信交换机",
        "dlx-missing" => "死信交换机不存在",
        "dlx-routes-nowhere" => "死信交换机没有任何绑定",
        "ordering" => "无法保证消息顺序",
        "unknown-confirms" => "未知：未开启生产者确认的发布",
        "unknown-unroutable" => "未知：不可路由的消息",
        "unknown-redeliveries" => "未知：重新投递",
        "unknown-routes-nowhere" => "未知：没有去向的交换机",
        "unknown" => "未知：缺少消息计数器",
        _ => OTHER_ZH,
    }
}
