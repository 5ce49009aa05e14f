//! The words of the reliability advisor page, in both languages: each finding's evidence,
//! why it matters and how to fix it; fetched with the page's code, like the cluster pages' (`words`).

use leptos::prelude::*;

use crate::format::{bytes as size, count};
use crate::i18n::{use_table, Lang};
use domain::advisor::{Check, Finding, Severity, Subject};

/// One finding in words; its title is `Lang::finding_title`, which the object pages share.
pub struct Explained {
    /// The numbers that show it, one sentence.
    pub evidence: String,
    /// Why it matters, in the user's terms (message loss, duplicates, backlog).
    pub why: &'static str,
    /// The concrete fix: the policy key and value, the queue argument or the client setting.
    pub fix: String,
}

pub struct AdvisorWords {
    pub title: &'static str,
    pub hint: &'static str,
    /// Group headings, by severity.
    pub severity: fn(Severity) -> &'static str,
    pub nothing_found: &'static str,
    pub evidence: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub subject_kind: fn(&Subject) -> &'static str,
    pub mute: &'static str,
    pub unmute: &'static str,
    pub mute_reason: &'static str,
    pub mute_reason_hint: &'static str,
    /// (who, reason)
    pub muted: fn(&str, &str) -> String,
    pub show_muted: fn(usize) -> String,
    /// Back from one object's findings to all of them.
    pub show_all: &'static str,
    /// Before the second refresh: nothing can be confirmed yet.
    pub waiting: &'static str,
    pub muted_done: &'static str,
    pub unmuted_done: &'static str,
    pub explain: fn(&Finding) -> Explained,
}

pub static EN: AdvisorWords = AdvisorWords {
    title: "Advisor",
    hint: "The advisor looks for what on this cluster loses messages, delivers them twice or lets them pile up unseen: publishers without confirms, consumers with automatic acknowledgement, queues with a single copy, limits that discard messages with no dead-letter exchange, and more. A finding is listed only once two refreshes in a row show it, so a restart or a short-lived connection raises nothing. The checks that count messages (confirms, unroutable messages, redeliveries) need the broker's management.rates_mode to be basic or detailed, not none; otherwise they show as unknown.",
    severity: |severity| match severity {
        Severity::Red => "Messages lost or about to be",
        Severity::Amber => "Risks",
        Severity::Info => "Notes",
    },
    nothing_found: "Nothing found as of the last refresh: no sign of message loss, duplicates or unseen backlog.",
    evidence: "Evidence",
    why: "Why it matters",
    fix: "Fix",
    subject_kind: |subject| match subject {
        Subject::Cluster => "cluster",
        Subject::Node { .. } => "node",
        Subject::Queue { .. } => "queue",
        Subject::Exchange { .. } => "exchange",
        Subject::Channel { .. } => "channel",
        Subject::Consumer { .. } => "consumer",
    },
    mute: "Mute",
    unmute: "Unmute",
    mute_reason: "Reason",
    mute_reason_hint: "Why this is intended, for the next admin (required).",
    muted: |who, reason| format!("Muted by {who}: {reason}"),
    show_muted: |n| format!("Show {n} muted"),
    show_all: "all findings",
    waiting: "Evaluating: a finding is listed once two refreshes in a row show it.",
    muted_done: "Muted.",
    unmuted_done: "Unmuted.",
    explain: explain_en,
};

pub static ZH: AdvisorWords = AdvisorWords {
    title: "可靠性顾问",
    hint: "可靠性顾问检查这个集群中会导致消息丢失、重复消费或消息积压却无人察觉的问题：发布消息没有开启生产者确认、消费者使用自动确认、队列只有一份副本、队列有长度或过期限制却没有死信交换机，等等。一个问题要在连续两次刷新中都出现才会列出，所以节点重启或短暂的连接不会引起告警。依靠消息计数器的检查（生产者确认、不可路由的消息、重新投递）需要 Broker 的 management.rates_mode 为 basic 或 detailed，不能是 none，否则结果显示为未知。",
    severity: |severity| match severity {
        Severity::Red => "消息正在丢失或即将丢失",
        Severity::Amber => "风险",
        Severity::Info => "提示",
    },
    nothing_found: "截至最近一次刷新，没有发现问题：没有消息丢失、重复消费或消息积压的迹象。",
    evidence: "依据",
    why: "影响",
    fix: "修复方法",
    subject_kind: |subject| match subject {
        Subject::Cluster => "集群",
        Subject::Node { .. } => "节点",
        Subject::Queue { .. } => "队列",
        Subject::Exchange { .. } => "交换机",
        Subject::Channel { .. } => "信道",
        Subject::Consumer { .. } => "消费者",
    },
    mute: "静默",
    unmute: "取消静默",
    mute_reason: "原因",
    mute_reason_hint: "说明为什么这是有意为之，供下一位管理员参考（必填）。",
    muted: |who, reason| format!("{who} 已静默：{reason}"),
    show_muted: |n| format!("显示已静默的 {n} 项"),
    show_all: "全部发现",
    waiting: "评估中：连续两次刷新都出现的问题才会列出。",
    muted_done: "已静默。",
    unmuted_done: "已取消静默。",
    explain: explain_zh,
};

pub fn use_advisor_words() -> Signal<&'static AdvisorWords> {
    use_table(&EN, &ZH)
}

/// Redeliveries out of deliveries, in whole percent.
fn percent(redelivered: u64, delivered: u64) -> u64 {
    redelivered.saturating_mul(100) / delivered.max(1)
}

/// "1 message", "2,500 messages".
fn messages_en(n: u64) -> String {
    match n {
        1 => "1 message".into(),
        n => format!("{} messages", count(n)),
    }
}

fn explain_en(finding: &Finding) -> Explained {
    match &finding.check {
        Check::NodeDown => Explained {
            evidence: "The cluster reports this node as not running.".into(),
            why: "Queues whose leader or only copy is on this node can neither take nor deliver messages until it is back, and a classic queue there loses its messages if the node's disk is lost. Quorum queues keep working with one member fewer, closer to losing their majority.",
            fix: "Start the node (the rabbitmq-server service) and read its log for why it stopped. If it is gone for good, remove it from the cluster (rabbitmqctl forget_cluster_node rabbit@host) and add quorum queue members on the remaining nodes (rabbitmq-queues grow <node> all).".into(),
        },
        Check::Alarm { memory, disk } => {
            let evidence = match (*memory, *disk) {
                (true, true) => "This node has raised a memory alarm and a disk alarm: memory use is above vm_memory_high_watermark and free disk below disk_free_limit.",
                (true, false) => "This node has raised a memory alarm: memory use is above vm_memory_high_watermark.",
                (false, _) => "This node has raised a disk alarm: free disk is below disk_free_limit.",
            };
            let mut fix = Vec::new();
            if *memory {
                fix.push("Memory: drain the longest queues and close leaked connections (rabbitmq-diagnostics memory_breakdown shows what holds it); raise the limit only if the host has room: rabbitmqctl set_vm_memory_high_watermark 0.6 now, vm_memory_high_watermark.relative in rabbitmq.conf to keep it.");
            }
            if *disk {
                fix.push("Disk: free space on the node's data disk, or drain the queues that keep their messages there; the limit is disk_free_limit (rabbitmqctl set_disk_free_limit), and lowering it only postpones the alarm.");
            }
            Explained {
                evidence: evidence.into(),
                why: "While any node has an alarm, the whole cluster blocks every connection that publishes: publishers hang until it clears, and the messages they time out on, buffer or give up on are lost. Consumers keep working.",
                fix: fix.join(" "),
            }
        }
        Check::Partition { unreachable } => Explained {
            evidence: format!("This node cannot reach {}.", unreachable.join(", ")),
            why: "Nodes that cannot see each other carry on separately: queues whose leader is on the other side cannot be reached from here, and when the network heals, one side's changes, messages included, are thrown away (by autoheal, or by the restart the default ignore mode needs).",
            fix: "Restore the network between the nodes. Then, with cluster_partition_handling = ignore (the default), restart the nodes of the side whose changes may be lost. Set cluster_partition_handling = pause_minority in rabbitmq.conf so that next time the minority stops instead of diverging.".into(),
        },
        Check::SingleNode => Explained {
            evidence: "The cluster has one node.".into(),
            why: "Nothing survives that node: while it is down or restarting, nothing can be published or consumed, and if its disk is lost, every message and definition goes with it.",
            fix: "For messages that must survive the loss of a node, run three nodes (an odd number) and use quorum queues (x-queue-type: quorum). If one node is intended (development, a cache), mute this with the reason.".into(),
        },
        Check::EvenNodes { nodes } => Explained {
            evidence: format!("The cluster has {nodes} nodes."),
            why: "Quorum queues and pause_minority need a strict majority of nodes. A split into two equal halves leaves neither side a majority: quorum queues stop on both sides. With two nodes, losing either one stops every quorum queue with two members.",
            fix: "Run an odd number of nodes: add one (three or five nodes), or remove one. An even count tolerates no more failures than the odd count below it.".into(),
        },
        Check::UnroutableDropped { messages } => Explained {
            evidence: format!(
                "{} matched no binding in the last 10 minutes and the broker dropped them.",
                messages_en(*messages)
            ),
            why: "A message that no binding matches is discarded, and unless the publisher sets mandatory it is never told: it sees a successful publish, and the message is gone.",
            fix: "Find the exchange and routing key (the exchanges' pages show what each one receives; an exchange with no binding has a finding of its own). Add the missing binding, or give the exchange an alternate exchange bound to a queue that keeps what nothing else takes: a policy {\"alternate-exchange\":\"unroutable\"}.".into(),
        },
        Check::UnroutableReturned { messages } => Explained {
            evidence: format!(
                "Unroutable, returned to their publishers (mandatory flag) in the last 10 minutes: {}.",
                messages_en(*messages)
            ),
            why: "A returned message is safe only if its publisher handles returns, with a return listener that republishes or records it. Many publishers set mandatory and ignore returns: then the message is gone.",
            fix: "Add the missing binding, or an alternate exchange (a policy {\"alternate-exchange\":\"unroutable\"}), and check that the publishers handle returns: Java channel.addReturnListener, pika add_on_return_callback, Spring spring.rabbitmq.publisher-returns=true.".into(),
        },
        Check::RoutesNowhere { published } => Explained {
            evidence: format!(
                "Published into this exchange in the last 10 minutes: {}; it has no binding and no alternate exchange.",
                messages_en(*published)
            ),
            why: "Every message published into it is dropped. The broker confirms unroutable messages like any other: only publishers that set mandatory learn of it.",
            fix: "Bind the queues that should receive these messages, or set an alternate exchange (a policy {\"alternate-exchange\":\"unroutable\"}, with a queue bound to it). If the exchange is obsolete, find the publishers still using it.".into(),
        },
        Check::TransientExchange => Explained {
            evidence: "This exchange is not durable (durable=false).".into(),
            why: "A broker restart deletes it with its bindings: until something declares it again, publishing to it fails (a channel error, 404 NOT_FOUND), and publishers without confirms lose what they send.",
            fix: "Declare it durable (durable=true). The durability of an existing exchange cannot be changed: export the definitions to keep its bindings, delete it, declare it again as durable, then re-create the bindings.".into(),
        },
        Check::TransientQueue { messages } => Explained {
            evidence: format!("This queue is neither durable nor exclusive; it holds {}.", messages_en(*messages)),
            why: "A non-durable queue is deleted when its node restarts, with every message in it, persistent ones too. RabbitMQ 4 deprecates non-durable queues that are not exclusive.",
            fix: "Declare it durable (durable=true), or as a quorum queue (x-queue-type: quorum, always durable). The durability of a queue cannot be changed: declare a new queue and move the messages (Move messages), or drain it and declare it again. A queue that belongs to one connection should be exclusive instead.".into(),
        },
        Check::TransientMessages { transient, messages } => Explained {
            evidence: format!(
                "Messages in it: {}; transient (delivery_mode 1): {}.",
                count(*messages),
                count(*transient)
            ),
            why: "The queue survives a restart, its transient messages do not: the next restart of its node, planned or not, loses them.",
            fix: "Publish with delivery_mode=2 (persistent): Java MessageProperties.PERSISTENT_TEXT_PLAIN, pika BasicProperties(delivery_mode=2), Spring MessageDeliveryMode.PERSISTENT (its default). Or use a quorum queue, which keeps every message on disk.".into(),
        },
        Check::Unreplicated { messages, mirroring_removed } => Explained {
            evidence: format!(
                "A classic queue without mirroring on a cluster of several nodes: its {} messages are on one node only.",
                count(*messages)
            ),
            why: "While that node is down the queue is unavailable and messages routed to it are lost; if the node's disk is lost, so is everything in the queue.",
            fix: if *mirroring_removed {
                "RabbitMQ 4 has no mirrored classic queues: declare it as a quorum queue (x-queue-type: quorum) under a new name, move its messages over (Move messages, or a shovel) and switch the clients to it. A queue whose messages may be lost (a cache, temporary work) can be muted.".into()
            } else {
                "Best, declare it as a quorum queue (x-queue-type: quorum): replicated, and what RabbitMQ 4 keeps. On 3.x a policy with ha-mode mirrors it, for example {\"ha-mode\":\"all\",\"ha-sync-mode\":\"automatic\"}, but RabbitMQ 4 removes mirroring.".into()
            },
        },
        Check::UnsyncedMirrors { mirrors, synchronised } => Explained {
            evidence: format!("{synchronised} of its {mirrors} mirrors are synchronised."),
            why: "If the leader's node fails now, an unsynchronised mirror may take over (or the queue waits for the leader): the messages that mirror never received are lost.",
            fix: "Synchronise it: rabbitmqctl sync_queue -p <vhost> <queue> (the queue stops serving while it syncs), or set ha-sync-mode: automatic in its policy. RabbitMQ 4 removes mirroring: moving to a quorum queue (x-queue-type: quorum) fixes this for good.".into(),
        },
        Check::MembersOffline { members, online, minority } => Explained {
            evidence: if *minority {
                format!("{online} of {members} members online: no majority, so it cannot accept or deliver messages.")
            } else {
                format!("{online} of {members} members online; it still has a majority.")
            },
            why: "A quorum queue or stream works only while a majority of its members is online. Without one it takes and delivers nothing: publishers with confirms get no confirm, those without lose their messages. With a bare majority, one more failure stops it.",
            fix: if *minority {
                "Bring back the nodes that host the offline members (start them, read their logs): the queue resumes as soon as a majority is online. Meanwhile publishers should keep unconfirmed messages and retry.".into()
            } else {
                "Bring back the nodes that host the offline members. If a node is gone for good, replace its member: rabbitmq-queues delete_member -p <vhost> <queue> <node>, then rabbitmq-queues add_member on a running node (streams: rabbitmq-streams delete_replica and add_replica).".into()
            },
        },
        Check::FewMembers { members, nodes } => Explained {
            evidence: format!("{members} members on a cluster of {nodes} nodes."),
            why: "A quorum queue or stream survives losing a minority of its members: with 1 member it has no copy at all, with 2 it stops when either node goes. Three members survive the loss of one node.",
            fix: "Add members on other nodes: rabbitmq-queues add_member -p <vhost> <queue> <node>, or for every quorum queue at once rabbitmq-queues grow <node> all; for a stream, rabbitmq-streams add_replica. Check that clients do not declare a small x-quorum-initial-group-size.".into(),
        },
        Check::PublishesWithoutConfirms { published } => Explained {
            evidence: format!(
                "{} messages published on this channel since it opened; the broker never confirms them to the client.",
                count(*published)
            ),
            why: "Messages published on this channel are not confirmed: if the broker cannot take one (an alarm, a node going down, a full queue with reject-publish), the client never learns and the message is lost.",
            fix: "Turn on publisher confirms, and republish what is nacked or not confirmed in time: Java channel.confirmSelect() with a ConfirmListener or waitForConfirmsOrDie, pika channel.confirm_delivery(), Spring spring.rabbitmq.publisher-confirm-type=correlated.".into(),
        },
        Check::RejectWithoutConfirms { overflow, channels } => Explained {
            evidence: format!(
                "When full, the queue refuses new messages (overflow {overflow}), and {channels} channels in its virtual host publish without confirms."
            ),
            why: "A refused message is reported to its publisher as a nack, which only publishers using confirms receive: the others carry on as if it had been queued, and it is lost.",
            fix: "Turn on publisher confirms in those publishers (Java channel.confirmSelect(), pika channel.confirm_delivery()) and retry or slow down on a nack. Or, if losing the oldest messages is acceptable, use overflow drop-head with a dead-letter exchange.".into(),
        },
        Check::AutoAck => Explained {
            evidence: "This consumer receives with automatic acknowledgement (auto_ack / noAck): the broker counts each message as handled as soon as it sends it.".into(),
            why: "The broker deletes each message as it sends it: when the consumer crashes, is killed or fails midway, the messages it had received and not finished are lost.",
            fix: "Consume with manual acknowledgement and ack once the work is done: Java basicConsume(queue, false, ...) then basicAck, pika basic_consume(queue, callback, auto_ack=False) then basic_ack; in Spring, acknowledge-mode auto or manual, not none. Set a prefetch with it: basic.qos(prefetch_count=100).".into(),
        },
        Check::UnlimitedPrefetch => Explained {
            evidence: "Manual acknowledgement with prefetch 0: no limit on unacknowledged messages.".into(),
            why: "The broker pushes every ready message to this consumer: it holds them all unacknowledged in memory, other consumers get none, and if it fails they are all redelivered at once, each one a possible duplicate.",
            fix: "Set a prefetch before consuming: basic.qos(prefetch_count=100) (Java channel.basicQos(100), pika channel.basic_qos(prefetch_count=100), Spring spring.rabbitmq.listener.simple.prefetch). RabbitMQ advises 100 to 300.".into(),
        },
        Check::LargePrefetch { prefetch } => Explained {
            evidence: format!(
                "Prefetch {}: the consumer may hold that many unacknowledged messages.",
                count(*prefetch)
            ),
            why: "Past a few hundred, a larger prefetch is not faster: the consumer hoards messages it cannot work on yet, other consumers wait, and a crash sends them all back as redeliveries.",
            fix: "Lower it to 100–300: basic.qos(prefetch_count=200).".into(),
        },
        Check::Redeliveries { redelivered, delivered } => Explained {
            evidence: format!(
                "{} of {} deliveries in the last 10 minutes were redeliveries ({}%).",
                count(*redelivered),
                count(*delivered),
                percent(*redelivered, *delivered)
            ),
            why: "A redelivered message has reached a consumer before (requeued by a nack or reject, or by a consumer that closed before acking): a consumer that is not idempotent processes it twice. A message that always fails loops forever.",
            fix: "Make consumers idempotent: record each message's unique id (Redis SETNX, a unique key in the database) and skip those already done. Do not requeue what will never succeed: basic.nack(requeue=false) into a dead-letter exchange; quorum queues cap retries with delivery-limit.".into(),
        },
        Check::NoConsumers { ready } => Explained {
            evidence: format!("{} ready and no consumer.", messages_en(*ready)),
            why: "Nothing takes these messages: the backlog grows, uses memory and disk, and can reach an alarm or the queue's length limit, where messages are dropped or refused.",
            fix: "Start or fix the application that consumes this queue. If nobody will consume it any more, export or move its messages and delete it; if it holds messages on purpose (a parking-lot queue), mute this with the reason.".into(),
        },
        Check::Growing { ready, per_minute, minutes_to_full } => {
            let growth = format!(
                "{} messages ready, growing by about {} a minute while consumers are attached",
                count(*ready),
                count(*per_minute)
            );
            Explained {
                evidence: match minutes_to_full {
                    Some(minutes) => format!("{growth}; full in about {minutes} min."),
                    None => format!("{growth}."),
                },
                why: "The consumers do not keep up: messages wait longer and longer, and at the queue's length limit they are dropped or refused.",
                fix: "Add consumers or make them faster. Check whether one is stuck (its unacknowledged count does not move), and that prefetch is not 1 over a slow network (100–300 is usual). If the peak is expected, check that the length limit leaves room for it.".into(),
            }
        }
        Check::NearLimit { ready, limit, bytes, overflow, silent } => {
            let amount = if *bytes {
                format!("{} of {} ready (max-length-bytes)", size(*ready), size(*limit))
            } else {
                format!("{} of {} messages ready (max-length)", count(*ready), count(*limit))
            };
            let mut fix = String::from(
                "Drain it (more or faster consumers), or raise the limit (max-length / max-length-bytes in the policy or the arguments).",
            );
            if *silent {
                fix.push_str(" Give it a dead-letter exchange (a policy {\"dead-letter-exchange\":\"dlx\"}) so that dropped messages are kept.");
            } else if overflow.starts_with("reject-publish") {
                fix.push_str(" Make sure every publisher uses confirms and retries on a nack.");
            }
            Explained {
                evidence: format!("{amount}; when full, it {}.", overflow_en(overflow, *silent)),
                why: "At its limit the queue throws messages away: the oldest (drop-head) or each new one (reject-publish). Unless they go to a dead-letter exchange or the publishers use confirms, they are lost.",
                fix,
            }
        }
        Check::DiscardsWithoutDlx { reasons } => {
            let list: Vec<&str> = reasons.iter().map(|reason| reason_en(reason)).collect();
            let mut fix = String::from(
                "Give it a dead-letter exchange with a dead-letter queue bound to it: a policy {\"dead-letter-exchange\":\"dlx\"}, or the argument x-dead-letter-exchange.",
            );
            if reasons.iter().any(|reason| reason == "delivery-limit") {
                fix.push_str(" If requeues are expected, raise delivery-limit (in a policy, or x-delivery-limit); -1 turns it off.");
            }
            fix.push_str(" If discarding is intended (a cache, a TTL on purpose), mute this with the reason.");
            Explained {
                evidence: format!("It discards messages through {}, and has no dead-letter exchange.", list.join("; ")),
                why: "Messages that expire, overflow the length limit or exceed the delivery limit are dropped without a trace: nobody can see or recover them.",
                fix,
            }
        }
        Check::DlxMissing { exchange } => Explained {
            evidence: format!("Its dead-letter exchange \"{exchange}\" does not exist."),
            why: "Messages this queue dead-letters (expired, rejected, over a limit) are sent to an exchange that does not exist, and dropped.",
            fix: format!(
                "Declare the exchange \"{exchange}\" in this virtual host and bind a dead-letter queue to it, or correct the name in the policy's dead-letter-exchange or the x-dead-letter-exchange argument."
            ),
        },
        Check::DlxRoutesNowhere { exchange } => Explained {
            evidence: format!("Its dead-letter exchange \"{exchange}\" has no binding and no alternate exchange."),
            why: "Messages this queue dead-letters reach that exchange and match no queue: they are dropped.",
            fix: format!(
                "Bind a dead-letter queue to \"{exchange}\", with a routing key that matches the dead-lettered messages (their original routing key, unless dead-letter-routing-key sets one; a fanout exchange ignores it)."
            ),
        },
        Check::OrderingAtRisk { consumers } => Explained {
            evidence: format!("{consumers} consumers share this queue, without single active consumer."),
            why: "Several consumers process messages in parallel, and a message one of them requeues is delivered again later: messages are not processed in the order they were published.",
            fix: "Declare the queue with x-single-active-consumer: true: one consumer receives at a time, and another takes over if it fails. It is an argument of the declaration (a policy cannot set it): declare a new queue and move the messages. If order matters per key only, split the queue by key (a consistent hash exchange), one consumer per queue.".into(),
        },
        Check::Unknown { check } => {
            let name = Lang::En.unknown_check(check);
            Explained {
                evidence: format!(
                    "The broker keeps no message counters (management.rates_mode = none), so the check for {name} cannot run: its result is unknown, not OK."
                ),
                why: "This check counts messages (published, confirmed, dropped, redelivered). Without the counters it can neither find a problem nor rule one out: a loss here would go unseen.",
                fix: "Set management.rates_mode = basic (the default) in rabbitmq.conf on every node, then restart the nodes one at a time.".into(),
            }
        }
    }
}

/// What a full queue does, after "when full, it".
fn overflow_en(overflow: &str, silent: bool) -> String {
    if silent {
        return "silently discards the oldest messages (drop-head, with no dead-letter exchange)".into();
    }
    match overflow {
        "drop-head" => "drops the oldest messages to its dead-letter exchange (drop-head)".into(),
        "reject-publish" => "refuses new messages (reject-publish): only publishers with confirms learn of it".into(),
        "reject-publish-dlx" => "refuses new messages and dead-letters them (reject-publish-dlx)".into(),
        other => format!("applies overflow {other}"),
    }
}

/// Why a queue discards messages, from the key that makes it.
fn reason_en(reason: &str) -> &str {
    match reason {
        "message-ttl" => "message-ttl (messages expire)",
        "max-length" => "max-length (the oldest are dropped when full)",
        "max-length-bytes" => "max-length-bytes (the oldest are dropped when full)",
        "delivery-limit" => "delivery-limit (a message redelivered more often is dropped; RabbitMQ 4 sets 20 on quorum queues that set none)",
        other => other,
    }
}

fn explain_zh(finding: &Finding) -> Explained {
    match &finding.check {
        Check::NodeDown => Explained {
            evidence: "集群报告该节点没有在运行。".into(),
            why: "领导者或唯一副本在该节点上的队列，在节点恢复之前既不能接收也不能投递消息；如果该节点的磁盘损坏，其上经典队列的消息就会丢失。仲裁队列还能工作，但少了一个成员，离失去多数更近了一步。",
            fix: "启动该节点（rabbitmq-server 服务），并查看日志找出它停止的原因。如果这个节点不会再回来，把它移出集群（rabbitmqctl forget_cluster_node rabbit@host），并在其余节点上补齐仲裁队列的成员（rabbitmq-queues grow <node> all）。".into(),
        },
        Check::Alarm { memory, disk } => {
            let evidence = match (*memory, *disk) {
                (true, true) => "该节点同时触发了内存告警和磁盘告警：内存使用超过 vm_memory_high_watermark，可用磁盘低于 disk_free_limit。",
                (true, false) => "该节点触发了内存告警：内存使用超过 vm_memory_high_watermark。",
                (false, _) => "该节点触发了磁盘告警：可用磁盘低于 disk_free_limit。",
            };
            let mut fix = Vec::new();
            if *memory {
                fix.push("内存：消费掉积压最多的队列，关闭泄漏的连接（rabbitmq-diagnostics memory_breakdown 可以看出内存被谁占用）；只有主机内存确有余量时才提高上限：立即生效用 rabbitmqctl set_vm_memory_high_watermark 0.6，长期生效在 rabbitmq.conf 中设置 vm_memory_high_watermark.relative。");
            }
            if *disk {
                fix.push("磁盘：清理节点数据盘的空间，或消费掉存放在磁盘上的积压消息；上限是 disk_free_limit（rabbitmqctl set_disk_free_limit），调低它只会推迟告警。");
            }
            Explained {
                evidence: evidence.into(),
                why: "只要有一个节点处于告警状态，整个集群都会阻塞所有发布消息的连接：生产者一直卡住，直到告警解除；期间超时、缓存或放弃的消息都会丢失。消费者不受影响。",
                fix: fix.join(""),
            }
        }
        Check::Partition { unreachable } => Explained {
            evidence: format!("该节点无法连接 {}。", unreachable.join("、")),
            why: "互相看不到的节点各自继续运行：领导者在另一侧的队列从这一侧无法访问；网络恢复后，其中一侧的变更（包括消息）会被丢弃（由 autoheal 自动处理，或在默认的 ignore 模式下手动重启时丢弃）。",
            fix: "恢复节点之间的网络。如果集群使用 cluster_partition_handling = ignore（默认），之后重启变更可以丢弃的那一侧的节点。在 rabbitmq.conf 中设置 cluster_partition_handling = pause_minority，下次分区时少数一侧会暂停，而不是各自为政（脑裂）。".into(),
        },
        Check::SingleNode => Explained {
            evidence: "集群只有一个节点。".into(),
            why: "这个节点出了问题就没有任何后备：它宕机或重启期间既不能发布也不能消费；磁盘损坏时，所有消息和定义都会一起丢失。",
            fix: "节点故障时也不能丢的消息，需要运行三个节点（奇数个）并使用仲裁队列（x-queue-type: quorum）。如果单节点是有意为之（开发环境、缓存），请静默这一项并写明原因。".into(),
        },
        Check::EvenNodes { nodes } => Explained {
            evidence: format!("集群有 {nodes} 个节点。"),
            why: "仲裁队列和 pause_minority 都需要超过半数的节点。集群如果分裂成相等的两半，哪一侧都没有多数，两侧的仲裁队列都会停止工作。只有两个节点时，任何一个宕机，有两个成员的仲裁队列就会停止。",
            fix: "使用奇数个节点：增加一个（三个或五个节点），或者减少一个。偶数个节点能容忍的故障并不比少一个的奇数个节点多。".into(),
        },
        Check::UnroutableDropped { messages } => Explained {
            evidence: format!("最近 10 分钟有 {} 条消息没有匹配任何绑定，被 Broker 丢弃。", count(*messages)),
            why: "没有任何绑定匹配的消息会被丢弃；除非生产者设置了 mandatory，否则它收不到任何通知：发布看起来成功了，消息却已经丢失。",
            fix: "找出是哪个交换机和路由键（交换机页面显示各交换机收到的消息；没有绑定的交换机另有单独的一项）。补上缺少的绑定，或者给交换机设置备用交换机，并绑定一个队列来保存无处可去的消息：策略 {\"alternate-exchange\":\"unroutable\"}。".into(),
        },
        Check::UnroutableReturned { messages } => Explained {
            evidence: format!(
                "最近 10 分钟有 {} 条不可路由的消息被退回给生产者（mandatory 标志）。",
                count(*messages)
            ),
            why: "被退回的消息只有在生产者处理退回时（用 return 监听器重新发布或记录下来）才不会丢失。很多生产者设置了 mandatory 却忽略退回，消息就这样丢了。",
            fix: "补上缺少的绑定，或设置备用交换机（策略 {\"alternate-exchange\":\"unroutable\"}），并确认生产者处理了退回的消息：Java channel.addReturnListener，pika add_on_return_callback，Spring spring.rabbitmq.publisher-returns=true。".into(),
        },
        Check::RoutesNowhere { published } => Explained {
            evidence: format!(
                "最近 10 分钟有 {} 条消息发布到该交换机；它既没有绑定，也没有备用交换机。",
                count(*published)
            ),
            why: "发布到这里的每条消息都会被丢弃。Broker 对不可路由的消息照样回复确认，只有设置了 mandatory 的生产者才会知道。",
            fix: "给应该接收这些消息的队列加上绑定，或设置备用交换机（策略 {\"alternate-exchange\":\"unroutable\"}，并给它绑定一个队列）。如果这个交换机已经废弃，找出仍在往里发布消息的生产者。".into(),
        },
        Check::TransientExchange => Explained {
            evidence: "该交换机没有持久化（durable=false）。".into(),
            why: "Broker 重启后，它和它的绑定都会消失：在有人重新声明之前，发布到它会失败（信道错误 404 NOT_FOUND），没有开启生产者确认的生产者发出的消息就丢了。",
            fix: "把它声明为持久化（durable=true）。已有交换机的持久化属性不能修改：先导出定义以保留它的绑定，删除后重新声明为持久化，再重建绑定。".into(),
        },
        Check::TransientQueue { messages } => Explained {
            evidence: format!("该队列既没有持久化，也不是排他队列；当前有 {} 条消息。", count(*messages)),
            why: "非持久化队列在所在节点重启时会被删除，里面的消息全部丢失，持久化消息也不例外。RabbitMQ 4 已弃用非排他的非持久化队列。",
            fix: "把它声明为持久化（durable=true），或声明为仲裁队列（x-queue-type: quorum，始终持久化）。队列的持久化属性不能修改：新建一个队列并把消息移过去（移动消息），或者消费完后重新声明。只属于一个连接的队列应改为排他队列。".into(),
        },
        Check::TransientMessages { transient, messages } => Explained {
            evidence: format!(
                "{} 条消息中有 {} 条是非持久化消息（delivery_mode 1）。",
                count(*messages),
                count(*transient)
            ),
            why: "队列重启后还在，非持久化消息却不在了：所在节点下一次重启（无论是否计划内），这些消息就会丢失。",
            fix: "发布时设置 delivery_mode=2（持久化）：Java MessageProperties.PERSISTENT_TEXT_PLAIN，pika BasicProperties(delivery_mode=2)，Spring MessageDeliveryMode.PERSISTENT（默认即是）。也可以改用仲裁队列，它把每条消息都写入磁盘。".into(),
        },
        Check::Unreplicated { messages, mirroring_removed } => Explained {
            evidence: format!(
                "集群有多个节点，但这个经典队列没有镜像：它的 {} 条消息只保存在一个节点上。",
                count(*messages)
            ),
            why: "该节点宕机期间，队列不可用，路由到它的消息会丢失；如果该节点的磁盘损坏，队列里的消息全部丢失。",
            fix: if *mirroring_removed {
                "RabbitMQ 4 已经没有经典镜像队列：请用新的名称把它声明为仲裁队列（x-queue-type: quorum），把消息移过去（移动消息或 Shovel），再让客户端切换过去。消息可以丢失的队列（缓存、临时任务）可以静默这一项。".into()
            } else {
                "最好把它声明为仲裁队列（x-queue-type: quorum）：有多个副本，也是 RabbitMQ 4 保留的方案。在 3.x 上也可以用带 ha-mode 的策略把它做成镜像队列，例如 {\"ha-mode\":\"all\",\"ha-sync-mode\":\"automatic\"}，但 RabbitMQ 4 已移除镜像队列。".into()
            },
        },
        Check::UnsyncedMirrors { mirrors, synchronised } => Explained {
            evidence: format!("{mirrors} 个镜像中只有 {synchronised} 个已同步。"),
            why: "如果主节点现在宕机，未同步的镜像可能被提升为主（或者队列一直等待主节点恢复）：这个镜像没有收到的消息就丢失了。",
            fix: "同步该队列：rabbitmqctl sync_queue -p <vhost> <queue>（同步期间队列暂停服务），或在策略中设置 ha-sync-mode: automatic。RabbitMQ 4 已移除镜像队列：改用仲裁队列（x-queue-type: quorum）可以彻底解决。".into(),
        },
        Check::MembersOffline { members, online, minority } => Explained {
            evidence: if *minority {
                format!("{members} 个成员中只有 {online} 个在线：不足多数，无法接收也无法投递消息。")
            } else {
                format!("{members} 个成员中有 {online} 个在线，仍有多数。")
            },
            why: "仲裁队列或流（stream）只有在多数成员在线时才能工作。失去多数后，它既不接收也不投递消息：开启了生产者确认的生产者收不到确认，没有开启的直接丢失消息。如果只剩刚好多数，再坏一个就会停止。",
            fix: if *minority {
                "恢复离线成员所在的节点（启动它们并查看日志）：只要多数成员重新在线，队列就会恢复。在此期间，生产者应保留未确认的消息并重试。".into()
            } else {
                "恢复离线成员所在的节点。如果某个节点不会再回来，替换它上面的成员：rabbitmq-queues delete_member -p <vhost> <queue> <node>，然后在运行中的节点上执行 rabbitmq-queues add_member（流用 rabbitmq-streams delete_replica 和 add_replica）。".into()
            },
        },
        Check::FewMembers { members, nodes } => Explained {
            evidence: format!("集群有 {nodes} 个节点，该队列只有 {members} 个成员。"),
            why: "仲裁队列或流能容忍少数成员失效：只有 1 个成员时没有任何副本，2 个成员时任一节点宕机就会停止。3 个成员才能在一个节点宕机时继续工作。",
            fix: "在其他节点上增加成员：rabbitmq-queues add_member -p <vhost> <queue> <node>，或者一次为所有仲裁队列增加：rabbitmq-queues grow <node> all；流用 rabbitmq-streams add_replica。另外检查客户端声明队列时是否设置了过小的 x-quorum-initial-group-size。".into(),
        },
        Check::PublishesWithoutConfirms { published } => Explained {
            evidence: format!(
                "该信道打开以来发布了 {} 条消息，Broker 从不向客户端确认这些消息。",
                count(*published)
            ),
            why: "该信道发布的消息没有确认机制：如果 Broker 无法接收某条消息（资源告警、节点宕机、队列已满且设置了 reject-publish），客户端永远不会知道，消息就丢失了。",
            fix: "开启生产者确认（confirm 模式），对被 nack 或超时未确认的消息重新发布：Java channel.confirmSelect() 加上 ConfirmListener 或 waitForConfirmsOrDie，pika channel.confirm_delivery()，Spring spring.rabbitmq.publisher-confirm-type=correlated。".into(),
        },
        Check::RejectWithoutConfirms { overflow, channels } => Explained {
            evidence: format!(
                "队列满时拒收新消息（overflow {overflow}），而所在虚拟主机中有 {channels} 个信道发布消息时没有开启生产者确认。"
            ),
            why: "被拒收的消息以 nack 通知生产者，而只有开启了生产者确认的生产者才能收到：其余生产者以为消息已经入队，实际上消息丢失了。",
            fix: "让这些生产者开启生产者确认（Java channel.confirmSelect()，pika channel.confirm_delivery()），收到 nack 时重试或放慢发送。如果可以接受丢弃最早的消息，也可以改用 overflow drop-head，并配置死信交换机。".into(),
        },
        Check::AutoAck => Explained {
            evidence: "该消费者使用自动确认（auto_ack / noAck）：消息一发出，Broker 就视为已处理。".into(),
            why: "Broker 发出消息的同时就把它删除：消费者崩溃、被杀掉或处理到一半出错时，已收到但没处理完的消息都会丢失。",
            fix: "改为手动确认，处理完成后再 ack：Java basicConsume(queue, false, ...) 之后调用 basicAck，pika basic_consume(queue, callback, auto_ack=False) 之后调用 basic_ack；Spring 的 acknowledge-mode 用 auto 或 manual，不要用 none。同时设置预取：basic.qos(prefetch_count=100)。".into(),
        },
        Check::UnlimitedPrefetch => Explained {
            evidence: "手动确认，但预取（prefetch）为 0：未确认消息的数量没有上限。".into(),
            why: "Broker 会把所有就绪消息都推给这个消费者：消息全部以未确认状态堆在它的内存里，其他消费者拿不到消息；它一旦出错，这些消息会一次性全部重新投递，每一条都可能被重复消费。",
            fix: "开始消费前设置预取（消费端限流）：basic.qos(prefetch_count=100)（Java channel.basicQos(100)，pika channel.basic_qos(prefetch_count=100)，Spring spring.rabbitmq.listener.simple.prefetch）。RabbitMQ 建议设为 100 到 300。".into(),
        },
        Check::LargePrefetch { prefetch } => Explained {
            evidence: format!("预取为 {}：该消费者最多可以持有这么多条未确认消息。", count(*prefetch)),
            why: "超过几百之后，加大预取并不会更快：消费者囤积了暂时处理不了的消息，其他消费者只能等待；它一旦崩溃，这些消息全部重新投递。",
            fix: "降到 100–300：basic.qos(prefetch_count=200)。".into(),
        },
        Check::Redeliveries { redelivered, delivered } => Explained {
            evidence: format!(
                "最近 10 分钟的 {} 次投递中有 {} 次是重新投递（{}%）。",
                count(*delivered),
                count(*redelivered),
                percent(*redelivered, *delivered)
            ),
            why: "重新投递的消息之前已经发给过消费者（被 nack 或 reject 重新入队，或者消费者在确认之前关闭了信道）：如果消费者不是幂等的，同一条消息就会被处理两次。一条总是失败的消息会无限循环。",
            fix: "让消费者实现幂等：记录每条消息的唯一 ID（Redis SETNX 或数据库唯一键），已经处理过的直接跳过。永远不会成功的消息不要重新入队：用 basic.nack(requeue=false) 把它送进死信交换机；仲裁队列可以用 delivery-limit 限制重试次数。".into(),
        },
        Check::NoConsumers { ready } => Explained {
            evidence: format!("{} 条消息就绪，没有消费者。", count(*ready)),
            why: "没有人取走这些消息：消息积压越来越多，占用内存和磁盘，可能触发资源告警或达到队列长度上限，届时消息会被丢弃或拒收。",
            fix: "启动或修复消费这个队列的应用。如果这个队列已经没人消费，把消息导出或移走后删除它；如果它是有意存放消息的队列（比如停放待处理消息的队列），请静默这一项并写明原因。".into(),
        },
        Check::Growing { ready, per_minute, minutes_to_full } => {
            let growth = format!(
                "就绪消息 {} 条，虽然有消费者，仍以每分钟约 {} 条的速度增长",
                count(*ready),
                count(*per_minute)
            );
            Explained {
                evidence: match minutes_to_full {
                    Some(minutes) => format!("{growth}；约 {minutes} 分钟后达到长度上限。"),
                    None => format!("{growth}。"),
                },
                why: "消费者跟不上：消息等待的时间越来越长，达到队列长度上限后就会被丢弃或拒收。",
                fix: "增加消费者或提高消费速度。检查是否有消费者卡住（它的未确认消息数一直不变），以及在网络较慢时预取是否设成了 1（通常为 100–300）。如果高峰在预期之内，确认长度上限留有足够余量。".into(),
            }
        }
        Check::NearLimit { ready, limit, bytes, overflow, silent } => {
            let amount = if *bytes {
                format!("就绪 {}，上限 {}（max-length-bytes）", size(*ready), size(*limit))
            } else {
                format!("就绪消息 {} 条，上限 {} 条（max-length）", count(*ready), count(*limit))
            };
            let mut fix =
                String::from("消费掉积压（增加消费者或提高消费速度），或提高上限（策略或参数中的 max-length / max-length-bytes）。");
            if *silent {
                fix.push_str("并给它配置死信交换机（策略 {\"dead-letter-exchange\":\"dlx\"}），让被丢弃的消息保留下来。");
            } else if overflow.starts_with("reject-publish") {
                fix.push_str("确保每个生产者都开启了生产者确认，并在收到 nack 时重试。");
            }
            Explained {
                evidence: format!("{amount}；队列满时{}。", overflow_zh(overflow, *silent)),
                why: "到达上限后队列会丢弃消息：要么丢弃最早的（drop-head），要么拒收新消息（reject-publish）。除非这些消息进入死信交换机，或者生产者开启了生产者确认，否则它们就丢失了。",
                fix,
            }
        }
        Check::DiscardsWithoutDlx { reasons } => {
            let list: Vec<&str> = reasons.iter().map(|reason| reason_zh(reason)).collect();
            let mut fix = String::from(
                "给它配置死信交换机，并绑定一个死信队列：策略 {\"dead-letter-exchange\":\"dlx\"}，或参数 x-dead-letter-exchange。",
            );
            if reasons.iter().any(|reason| reason == "delivery-limit") {
                fix.push_str("如果重新入队是预期行为，调高 delivery-limit（策略或 x-delivery-limit），设为 -1 则不限制。");
            }
            fix.push_str("如果丢弃是有意为之（缓存、特意设置的 TTL），请静默这一项并写明原因。");
            Explained {
                evidence: format!("该队列会因 {} 丢弃消息，且没有死信交换机。", list.join("；")),
                why: "过期、超出长度上限或超过投递次数上限的消息会被直接丢弃，不留任何痕迹：没人能看到，也无法找回。",
                fix,
            }
        }
        Check::DlxMissing { exchange } => Explained {
            evidence: format!("它的死信交换机“{exchange}”不存在。"),
            why: "该队列的死信消息（过期、被拒绝、超出上限）会发往一个不存在的交换机，然后被丢弃。",
            fix: format!(
                "在这个虚拟主机中声明交换机“{exchange}”并绑定一个死信队列，或者更正策略中 dead-letter-exchange 或参数 x-dead-letter-exchange 里的名称。"
            ),
        },
        Check::DlxRoutesNowhere { exchange } => Explained {
            evidence: format!("它的死信交换机“{exchange}”既没有绑定，也没有备用交换机。"),
            why: "该队列的死信消息到达这个交换机后匹配不到任何队列，被丢弃。",
            fix: format!(
                "给“{exchange}”绑定一个死信队列，路由键要匹配死信消息（即消息原来的路由键，除非设置了 dead-letter-routing-key；fanout 交换机忽略路由键）。"
            ),
        },
        Check::OrderingAtRisk { consumers } => Explained {
            evidence: format!("{consumers} 个消费者共享这个队列，没有开启单活跃消费者（single active consumer）。"),
            why: "多个消费者并行处理消息，某个消费者重新入队的消息稍后才会再次投递：消息处理的顺序与发布的顺序不一致。",
            fix: "声明队列时加上参数 x-single-active-consumer: true：同一时间只有一个消费者接收消息，它出错时由另一个接替。这个参数只能在声明时设置（策略无法设置）：需要新建队列并把消息移过去。如果只需要保证同一个键内的顺序，可以按键拆分队列（consistent hash 交换机），每个队列一个消费者。".into(),
        },
        Check::Unknown { check } => {
            let name = Lang::Zh.unknown_check(check);
            Explained {
                evidence: format!(
                    "Broker 没有保留消息计数器（management.rates_mode = none），无法检查{name}：结果是未知，而不是正常。"
                ),
                why: "这项检查依靠消息计数（发布、确认、丢弃、重新投递）。没有计数器，它既发现不了问题，也无法排除问题：这里发生的消息丢失不会被看到。",
                fix: "在每个节点的 rabbitmq.conf 中设置 management.rates_mode = basic（默认值），然后逐个重启节点。".into(),
            }
        }
    }
}

/// What a full queue does, after "队列满时".
fn overflow_zh(overflow: &str, silent: bool) -> String {
    if silent {
        return "会悄无声息地丢弃最早的消息（drop-head，且没有死信交换机）".into();
    }
    match overflow {
        "drop-head" => "会把最早的消息丢弃到死信交换机（drop-head）".into(),
        "reject-publish" => "会拒收新消息（reject-publish），只有开启了生产者确认的生产者才会知道".into(),
        "reject-publish-dlx" => "会拒收新消息并把它们送进死信交换机（reject-publish-dlx）".into(),
        other => format!("按 overflow {other} 处理"),
    }
}

fn reason_zh(reason: &str) -> &str {
    match reason {
        "message-ttl" => "message-ttl（消息过期）",
        "max-length" => "max-length（满时丢弃最早的消息）",
        "max-length-bytes" => "max-length-bytes（满时丢弃最早的消息）",
        "delivery-limit" => {
            "delivery-limit（重新投递次数超过上限的消息被丢弃；RabbitMQ 4 中仲裁队列未设置时默认为 20）"
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::problems::tests::{assert_samples_cover, is_chinese};
    use domain::advisor::Finding;

    /// One finding of each check, with the evidence that changes its words.
    fn samples() -> Vec<Check> {
        let reasons = ["message-ttl", "max-length", "max-length-bytes", "delivery-limit"].map(String::from).to_vec();
        vec![
            Check::NodeDown,
            Check::Alarm { memory: true, disk: true },
            Check::Alarm { memory: true, disk: false },
            Check::Alarm { memory: false, disk: true },
            Check::Partition { unreachable: vec!["rabbit@b".into()] },
            Check::SingleNode,
            Check::EvenNodes { nodes: 2 },
            Check::UnroutableDropped { messages: 3 },
            Check::UnroutableReturned { messages: 3 },
            Check::RoutesNowhere { published: 3 },
            Check::TransientExchange,
            Check::TransientQueue { messages: 3 },
            Check::TransientMessages { transient: 1, messages: 3 },
            Check::Unreplicated { messages: 3, mirroring_removed: true },
            Check::Unreplicated { messages: 3, mirroring_removed: false },
            Check::UnsyncedMirrors { mirrors: 2, synchronised: 1 },
            Check::MembersOffline { members: 3, online: 1, minority: true },
            Check::MembersOffline { members: 3, online: 2, minority: false },
            Check::FewMembers { members: 1, nodes: 3 },
            Check::PublishesWithoutConfirms { published: 3 },
            Check::RejectWithoutConfirms { overflow: "reject-publish".into(), channels: 2 },
            Check::AutoAck,
            Check::UnlimitedPrefetch,
            Check::LargePrefetch { prefetch: 5000 },
            Check::Redeliveries { redelivered: 30, delivered: 100 },
            Check::NoConsumers { ready: 3 },
            Check::Growing { ready: 300, per_minute: 60, minutes_to_full: Some(90) },
            Check::Growing { ready: 300, per_minute: 60, minutes_to_full: None },
            Check::NearLimit { ready: 95, limit: 100, bytes: false, overflow: "drop-head".into(), silent: true },
            Check::NearLimit { ready: 95, limit: 100, bytes: true, overflow: "reject-publish".into(), silent: false },
            Check::DiscardsWithoutDlx { reasons },
            Check::DlxMissing { exchange: "dlx".into() },
            Check::DlxRoutesNowhere { exchange: "dlx".into() },
            Check::OrderingAtRisk { consumers: 2 },
            Check::Unknown { check: "confirms".into() },
        ]
    }

    #[test]
    fn every_check_has_its_title_and_words_in_both_languages() {
        assert_samples_cover(samples());
        for check in samples() {
            let finding = Finding { severity: Severity::Amber, subject: Subject::Cluster, check: check.clone() };
            for (lang, words) in [(Lang::En, &EN), (Lang::Zh, &ZH)] {
                let title = lang.finding_title(check.headline());
                assert_ne!(title, lang.finding_title("a headline of a newer server"), "{check:?}: {lang:?} title");
                let Explained { evidence, why, fix } = (words.explain)(&finding);
                for text in [title, &evidence, why, &fix] {
                    assert!(!text.trim().is_empty(), "{check:?}: {lang:?} words");
                    assert_eq!(is_chinese(text), lang == Lang::Zh, "{check:?}: {lang:?} text {text:?}");
                }
            }
        }
    }
}
