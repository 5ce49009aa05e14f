//! History store benchmark: realistic backlog series for N queues recorded through the same
//! path the console uses, for the full retention, then measured.
//!
//!   cargo run --release -p warren --example history_bench -- [--queues 10000] [--days 8] [--keep]
//!
//! Queues are a mix seen on real brokers: 60 % idle (empty or a constant backlog), 20 % steady
//! (consumers keep up, noisy rates), 10 % bursty (spikes that drain within minutes), 10 % growing
//! (a backlog building up, drained now and then). Samples every 5 s, as the default interval.
//! Prints bytes per sample, disk, RSS, time to write one interval, time to read charts.

use std::time::{Duration, Instant};

use domain::backlog::{Range, SeriesRef};
use warren::config::timeseries::HistoryConfig;
use warren::store::timeseries::{History, Reading};

const INTERVAL_MS: i64 = 5_000;

struct Args {
    queues: usize,
    days: f64,
    /// Leave the database in place (its path is printed) to inspect it, e.g. with sqlite3.
    keep: bool,
}

const USAGE: &str = "usage: history_bench [--queues N] [--days D] [--keep]";

fn args() -> Args {
    let mut out = Args { queues: 10_000, days: 8.0, keep: false };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let parsed = match flag.as_str() {
            "--keep" => {
                out.keep = true;
                true
            }
            "--queues" => it.next().and_then(|v| v.parse().ok()).map(|n| out.queues = n).is_some(),
            "--days" => it.next().and_then(|v| v.parse().ok()).map(|d| out.days = d).is_some(),
            _ => false,
        };
        if !parsed {
            eprintln!("{USAGE}");
            std::process::exit(if flag == "--help" { 0 } else { 2 });
        }
    }
    out
}

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n.max(1)) as i64
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Idle(i64),
    Steady { rate: i64 },
    Bursty { rate: i64 },
    Growing { net: i64 },
}

struct Queue {
    shape: Shape,
    ready: i64,
    consumers: i64,
}

fn step(q: &mut Queue, rng: &mut Rng) -> Reading {
    let rate = |r: i64| r * 100; // hundredths of msg/s
    match q.shape {
        Shape::Idle(backlog) => [backlog, 0, 0, 0, q.consumers],
        Shape::Steady { rate: r } => {
            let publish = r + rng.below(r as u64 / 5 + 1) - r / 10;
            q.ready = rng.below(3);
            [q.ready, rng.below(q.consumers as u64 * 10 + 1), rate(publish), rate(publish), q.consumers]
        }
        Shape::Bursty { rate: r } => {
            // One spike in about 200 samples: thousands of messages, drained within minutes.
            if rng.below(200) == 0 {
                q.ready += 2_000 + rng.below(20_000);
            }
            let drained = (r * 5).min(q.ready);
            q.ready -= drained;
            [q.ready, rng.below(50), rate(r / 2 + rng.below(r as u64)), rate(drained / 5), q.consumers]
        }
        Shape::Growing { net } => {
            q.ready += net * 5 + rng.below(net as u64 * 2 + 1);
            // Someone drains it now and then.
            if rng.below(2_000) == 0 {
                q.ready = 0;
            }
            [q.ready, rng.below(100), rate(net * 3), rate(net * 2), q.consumers]
        }
    }
}

/// Resident memory now and at its peak, in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let history = History::open(dir.path(), HistoryConfig::default()).expect("history store");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut queues: Vec<Queue> = (0..args.queues)
        .map(|i| {
            let shape = match i % 10 {
                0..=5 => Shape::Idle(if i % 3 == 0 { rng.below(500) } else { 0 }),
                6 | 7 => Shape::Steady { rate: 1 + rng.below(400) },
                8 => Shape::Bursty { rate: 20 + rng.below(200) },
                _ => Shape::Growing { net: 1 + rng.below(20) },
            };
            Queue { shape, ready: 0, consumers: rng.below(4) }
        })
        .collect();
    let names: Vec<SeriesRef> = (0..args.queues)
        .map(|i| SeriesRef::Queue { vhost: format!("vh{}", i % 20), name: format!("queue-{i:05}") })
        .collect();

    let intervals = (args.days * 86_400_000.0 / INTERVAL_MS as f64) as i64;
    // The run ends just before midnight, when the store is largest: after 8 days, the 7 days
    // kept plus the day's 23 hours not yet merged into one chunk per series.
    let end_ms: i64 = 1_800_057_600_000 - INTERVAL_MS;
    let start_ms: i64 = end_ms - (intervals - 1) * INTERVAL_MS;
    let mut writes = Vec::with_capacity(intervals as usize);
    let mut closes = Vec::new();
    let began = Instant::now();
    for k in 0..intervals {
        let readings: Vec<(SeriesRef, Reading)> =
            queues.iter_mut().zip(&names).map(|(q, name)| (name.clone(), step(q, &mut rng))).collect();
        let t = Instant::now();
        history.record("bench", start_ms + k * INTERVAL_MS, readings).expect("record");
        writes.push(t.elapsed());
        // Closing windows runs after the interval is committed; only the ones that close count.
        let t = Instant::now();
        history.maintain("bench", start_ms + k * INTERVAL_MS).expect("maintain");
        if k > 0 && (start_ms + k * INTERVAL_MS) % (5 * 60_000) == 0 {
            closes.push(t.elapsed());
        }
        if k % 17_280 == 0 && k > 0 {
            eprintln!("  day {:.0} written ({:.0} s)", k as f64 / 17_280.0, began.elapsed().as_secs_f64());
        }
    }
    let now_ms = start_ms + (intervals - 1) * INTERVAL_MS;
    writes.sort();
    closes.sort();
    let rss = rss_kib();
    let usage = history.usage().expect("usage");
    let wal = std::fs::metadata(dir.path().join("history.db-wal")).map(|m| m.len()).unwrap_or(0);

    // What is stored at full retention: fine samples of the last hour, minute points of the rest
    // (each holding min, max and last of 5 metrics).
    let kept_ms = |retention: Duration| (retention.as_millis() as i64).min(intervals * INTERVAL_MS);
    let fine_samples = kept_ms(HistoryConfig::default().fine_retention) / INTERVAL_MS * args.queues as i64 * 5;
    let coarse_minutes = kept_ms(HistoryConfig::default().coarse_retention) / 60_000;
    let coarse_values = coarse_minutes * args.queues as i64 * 15;
    let raw_samples = kept_ms(HistoryConfig::default().coarse_retention) / INTERVAL_MS * args.queues as i64 * 5;
    let stored = (usage.chunk_bytes + usage.frame_bytes) as f64;

    let mut reads = Vec::new();
    for i in 0..50 {
        let t = Instant::now();
        let points = history.read("bench", &names[(i * 197) % args.queues], Range::Week, now_ms).expect("read");
        reads.push(t.elapsed());
        assert!(!points.is_empty());
    }
    reads.sort();
    let mut short_reads = Vec::new();
    for i in 0..50 {
        let t = Instant::now();
        history.read("bench", &names[(i * 197) % args.queues], Range::TenMinutes, now_ms).expect("read");
        short_reads.push(t.elapsed());
    }
    short_reads.sort();
    let t = Instant::now();
    let starts = history.backlogs_at_start("bench", Range::Day, now_ms).expect("top growing");
    let growth = t.elapsed();

    println!(
        "history benchmark: {} queues, {:.1} days at {} s ({} intervals)",
        args.queues,
        args.days,
        INTERVAL_MS / 1000,
        intervals
    );
    println!(
        "  commit one interval     p50 {:>8.1} ms   p95 {:>8.1} ms   max {:>8.1} ms",
        ms(percentile(&writes, 0.5)),
        ms(percentile(&writes, 0.95)),
        ms(*writes.last().unwrap())
    );
    if !closes.is_empty() {
        println!(
            "  close windows (every 5 min, after the commit)  p50 {:>8.1} ms   max {:>8.1} ms (hourly)",
            ms(percentile(&closes, 0.5)),
            ms(*closes.last().unwrap())
        );
    }
    println!(
        "  read 7-day chart, 1 q   p50 {:>8.1} ms   p95 {:>8.1} ms",
        ms(percentile(&reads, 0.5)),
        ms(percentile(&reads, 0.95))
    );
    println!(
        "  read 10-min chart, 1 q  p50 {:>8.1} ms   p95 {:>8.1} ms",
        ms(percentile(&short_reads, 0.5)),
        ms(percentile(&short_reads, 0.95))
    );
    println!("  backlog at start of 24h for all queues (top growing): {:.1} ms ({} queues)", ms(growth), starts.len());
    println!(
        "  stored: {} chunks {:.1} MB, {} frames {:.1} MB",
        usage.chunks,
        mb(usage.chunk_bytes),
        usage.frames,
        mb(usage.frame_bytes)
    );
    let closed_minutes = (coarse_minutes / 60 * 60).max(1) * args.queues as i64;
    println!(
        "  minute points: {:.1} MB, {:.1} bytes per queue-minute (15 values)",
        mb(usage.minute_chunk_bytes),
        usage.minute_chunk_bytes as f64 / closed_minutes as f64
    );
    println!(
        "  disk: database {:.1} MB ({:.1} MB of it free pages) + WAL {:.1} MB",
        mb(usage.file_bytes),
        mb(usage.free_bytes),
        mb(wal as i64)
    );
    println!(
        "  bytes per stored value: {:.3} ({} fine samples + {} minute values)",
        stored / (fine_samples + coarse_values) as f64,
        fine_samples,
        coarse_values
    );
    println!(
        "  bytes per recorded sample over the retention (every 5 s sample of each metric): {:.4}",
        stored / raw_samples as f64
    );
    println!("  RSS: {:.1} MiB now, {:.1} MiB peak (VmHWM)", rss.0 as f64 / 1024.0, rss.1 as f64 / 1024.0);
    if args.keep {
        println!("  kept: {}", dir.keep().join("history.db").display());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(bytes: i64) -> f64 {
    bytes as f64 / 1e6
}
