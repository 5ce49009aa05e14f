#!/usr/bin/env python3
"""Warren under load that lasts: live streams, mixed reads and broker traffic for minutes on end.

    python3 bench/soak.py                  # 10 minutes, 500 live streams, 50 reads/s
    python3 bench/soak.py --minutes 1      # a quick run
    python3 bench/soak.py --streams 0 --rate 0   # a control run: Warren and the traffic alone
    python3 bench/soak.py --cleanup        # delete the soak's vhost (after a run the broker cut short)
    WARREN_BIN=/var/cache/warren/ci-target/release/warren python3 bench/soak.py

It builds on bench/live.py (its broker setup, Warren process, /metrics and SSE clients) with a
few hundred queues instead of 50,000: the point is duration, not scale. The publisher and the
consumer speak AMQP with pika, installed on first use into bench/.venv (the script re-runs itself
there); without pika (no PyPI) they fall back to the management API's publish and get.

Steps:
 1. Vhost `warren-soak` (its own; deleted at the end): --queues durable queues bench-q-NNNNN bound
    to the topic exchange bench.x, every 16th holding a few messages (live.ensure_setup).
 2. Start the release binary (--warren-bin, default as live.py: $WARREN_BIN, else
    $CARGO_TARGET_DIR/release/warren, else target/release/warren) with refresh_interval_secs 5;
    read every variant of the read mix once (any failure stops the run here).
 3. A publisher (persistent messages with publisher confirms, --msg-rate per second, spread over
    the --work-queues first queues through bench.x) and a consumer (manual acks) start, and run
    until the end.
 4. Baseline: one live stream per distinct view (overview, five queue lists, the exchange list,
    each work queue's detail) for --baseline-refreshes refreshes: Warren's broker requests per
    configured interval, per endpoint.
 5. The soak, --minutes long: --streams live streams over the same views, held open throughout (a
    stream that ends is an error, and is reopened); --rate reads per second, evenly paced and
    evenly split over five kinds: the list_queues server function, the server-rendered queue
    detail page of a work queue, the list_exchanges server function, the server-rendered overview
    page, the backlog chart's get_history server function (queue, vhost and cluster series). A
    read that is not 2xx, fails to connect, or (the detail page) lacks the queue's name is an
    error. /metrics is polled every 0.25 s: refresh completions (broker requests per interval
    over the whole soak, compared with the baseline) and the live-clients gauge. Warren's VmRSS
    is sampled at the start and at the end of every minute: the first minute is the warm-up, and
    RSS is flat when the last sample is within 10% of the one at its end (minute 1); the change
    per minute over the second half tells a slow warm-up from a steady climb.
 6. One table; exit status 1 if any target is missed. The vhost is deleted whatever happens
    (--keep keeps it).

The machine's load average goes into the table: on the 2-core dev machine the soak, Warren and
RabbitMQ share the cores with whatever else runs, and latencies follow. So does whether the
broker restarted during the soak: the integration tests stop and start the shared 3.10 broker,
which fails refreshes and the publisher's connection for reasons that are not Warren's.
"""
import argparse
import asyncio
import concurrent.futures
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
sys.path.insert(0, HERE)
import live  # noqa: E402
from live import CLUSTER, SseClient, athread, fmt, log  # noqa: E402

# The soak's own vhost: live.py's helpers read these module globals when they run.
VHOST = live.VHOST = "warren-soak"
live.VHOST_Q = urllib.parse.quote(VHOST, safe="")


def load_pika():
    """pika, or None (then traffic goes through the management API). Outside bench/.venv, makes
    that venv with pika on first use and re-runs this script in it."""
    try:
        import pika
        return pika
    except ImportError:
        pass
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        log("warning: pika is missing from bench/.venv; publisher and consumer use the management API")
        return None
    has = os.path.exists(python) and subprocess.run([python, "-c", "import pika"], capture_output=True).returncode == 0
    if not has:
        log(f"installing pika into {VENV} (once) ...")
        try:
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
            subprocess.run([python, "-m", "pip", "install", "-q", "pika"], check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            log(f"warning: cannot install pika ({e}); publisher and consumer use the management API")
            return None
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def uptime():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def broker_uptime_s(broker):
    """The broker node's uptime in seconds, or None while it does not answer: a restart during the
    soak (the integration tests stop and start the shared 3.10 broker) shows as an uptime shorter
    than the soak."""
    try:
        return min(n.get("uptime", 0) for n in broker.json("GET", live.broker_path("nodes?columns=name,uptime"))) / 1000
    except (OSError, http.client.HTTPException, live.HttpError, ValueError):
        return None


def data_mb(warren):
    """Warren's data dir (its SQLite stores, history.db with its WAL the largest), in MB."""
    top = os.path.join(warren.tmp, "data")
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(top) for f in fs) / 1e6


def work_queues(args):
    return [live.name_of(i) for i in range(args.work_queues)]


# ---------------------------------------------------------------- what the viewers look at

def views(args):
    """The distinct live streams: the pages a team would keep open."""
    return ([live.OVERVIEW_PATH]
            + [live.queues_path(args, *q) for q in live.LIST_QUERIES]
            + [f"/live/{CLUSTER}/exchanges?" + urllib.parse.urlencode({"vhost": VHOST})]
            + [live.queue_path(q) for q in work_queues(args)])


def read_mix(args):
    """{kind: [(method, path, body, text the answer must hold)]}; the soak goes through each kind's
    variants in turn. Details and charts are of the work queues, which the baseline's streams
    also show: a viewer reading a page that is open anyway costs the broker nothing more."""
    def query(**kw):
        return {"vhost": VHOST, "filter": "", "regex": False, "sort": "", "desc": False, "page": 1,
                "page_size": args.page_size, **kw}

    lists = [query(filter=args.regex if f is None else f, regex=r, sort=s, desc=d) for f, r, s, d in live.LIST_QUERIES]
    lists.append(query(sort="name", page=2))
    series = ([{"Queue": {"vhost": VHOST, "name": q}} for q in work_queues(args)]
              + [{"Vhost": VHOST}, "Cluster"])
    return {
        "queue list (list_queues)": [("POST", "/api/list_queues", {"cluster": CLUSTER, "query": q}, None)
                                     for q in lists],
        "queue detail page (SSR)": [("GET", f"/c/{CLUSTER}/queue?" + urllib.parse.urlencode({"vhost": VHOST, "name": q}),
                                     None, q.encode()) for q in work_queues(args)],
        "exchange list (list_exchanges)": [("POST", "/api/list_exchanges", {"cluster": CLUSTER, "query": q}, None)
                                           for q in (query(sort="name"), query(sort="name", desc=True),
                                                     query(vhost=None, sort="name"))],
        "overview page (SSR)": [("GET", f"/c/{CLUSTER}", None, None)],
        "backlog chart (get_history)": [("POST", "/api/get_history", {"cluster": CLUSTER, "series": s, "range": r}, None)
                                        for s in series for r in ("TenMinutes", "Hour")],
    }


# ---------------------------------------------------------------- messages moving on the broker

class Traffic:
    """A publisher and a consumer on the work queues, each in its own thread and connection, until
    `stop`. A connection that fails is an error and is opened again."""

    def __init__(self, args, broker, pika):
        self.args, self.broker, self.pika = args, broker, pika
        self.queues = work_queues(args)
        self.published = self.consumed = 0
        self.errors = []
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(fn,), daemon=True)
                        for fn in ((self._publish_amqp, self._consume_amqp) if pika
                                   else (self._publish_http, self._consume_http))]

    @property
    def via(self):
        return "AMQP (pika)" if self.pika else "management API"

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.done.set()
        for t in self.threads:
            t.join(15)

    def _loop(self, fn):
        while not self.done.is_set():
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - every failure is counted, then the connection reopened
                if self.done.is_set():
                    return
                error = f"{fn.__name__}: {type(e).__name__}: {e}"
                if error not in self.errors[-2:]:  # a broker that is down fails every second
                    log(f"  traffic error: {error}")
                self.errors.append(error)
                self.done.wait(1)

    def _paced(self, publish_one):
        """Calls publish_one(i) --msg-rate times a second, in batches every 0.1 s."""
        started, sent = time.monotonic(), 0
        while not self.done.is_set():
            due = int((time.monotonic() - started) * self.args.msg_rate)
            while sent < due:
                publish_one(sent)
                sent += 1
                self.published += 1
            yield

    def _connection(self):
        user, password = self.args.auth.split(":", 1)
        return self.pika.BlockingConnection(self.pika.ConnectionParameters(
            host=urllib.parse.urlsplit(self.args.broker).hostname, port=self.args.amqp_port, virtual_host=VHOST,
            credentials=self.pika.PlainCredentials(user, password), heartbeat=30))

    def _publish_amqp(self):
        conn = self._connection()
        try:
            channel = conn.channel()
            channel.confirm_delivery()
            props = self.pika.BasicProperties(delivery_mode=2, content_type="text/plain")
            body = b"m" * self.args.msg_size

            def one(i):
                q = i % len(self.queues)
                channel.basic_publish(live.EXCHANGE, f"bench.{q}", body, properties=props, mandatory=True)

            for _ in self._paced(one):
                conn.sleep(0.1)
        finally:
            if conn.is_open:
                conn.close()

    def _consume_amqp(self):
        conn = self._connection()
        try:
            channel = conn.channel()
            channel.basic_qos(prefetch_count=200)

            def on_message(ch, method, _props, _body):
                ch.basic_ack(method.delivery_tag)
                self.consumed += 1

            for q in self.queues:
                channel.basic_consume(q, on_message)
            while not self.done.is_set():
                conn.process_data_events(time_limit=0.25)
        finally:
            if conn.is_open:
                conn.close()

    def _publish_http(self):
        body = "m" * self.args.msg_size
        for _ in self._paced(lambda i: live.publish(self.broker, self.queues[i % len(self.queues)], body)):
            self.done.wait(0.1)

    def _consume_http(self):
        while not self.done.is_set():
            for q in self.queues:
                got = self.broker.json("POST", live.broker_path(f"queues/{live.VHOST_Q}/{urllib.parse.quote(q, safe='')}/get"),
                                       {"count": 500, "ackmode": "ack_requeue_false", "encoding": "auto"})
                self.consumed += len(got)
            self.done.wait(0.2)


# ---------------------------------------------------------------- live streams and reads

class Streams:
    """`count` live streams over `paths`, held open: one that ends is counted and opened again."""

    def __init__(self, warren, paths):
        self.warren = warren
        self.clients = [SseClient(warren.port, p) for p in paths]
        self.retired = []  # streams that ended, for their events and Err events
        self.drops = []

    async def open(self, base):
        for c in self.clients:
            c.start()
        return await live.wait_clients(self.warren, self.clients, base + len(self.clients))

    def mark(self):
        for c in self.clients:
            c.mark()

    def check(self):
        for i, c in enumerate(self.clients):
            if c.failure:
                self.drops.append(f"{c.path}: {c.failure}")
                log(f"  live stream dropped ({self.drops[-1]}); reopening")
                self.retired.append(c)
                self.clients[i] = SseClient(self.warren.port, c.path).start()

    @property
    def err_events(self):
        return sum(c.errors for c in self.clients + self.retired)

    async def close(self):
        for c in self.clients:
            await c.stop()


class Reads:
    """`rate` reads a second, paced from the start (not from the last answer), on a thread pool
    with one keep-alive connection per thread; latency is from sending to the whole answer."""

    def __init__(self, warren, mix, rate, workers=16):
        self.warren, self.mix, self.rate = warren, mix, rate
        self.kinds = list(mix)
        self.ms = {k: [] for k in mix}
        self.errors = {k: 0 for k in mix}
        self.examples = []
        self.sent = 0
        self.behind_max = 0.0  # how late the last pool thread started a read
        self.pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="read")

    def read(self, kind, variant, due):
        method, path, body, must_hold = variant
        started = time.monotonic()
        self.behind_max = max(self.behind_max, started - due)
        try:
            reply = self.warren.http.request(method, path, body, headers={"accept": "application/json"} if body else None)
            if must_hold and must_hold not in reply:
                raise ValueError(f"{path}: the answer lacks {must_hold!r}")
        except (OSError, http.client.HTTPException, live.HttpError, ValueError) as e:
            self.errors[kind] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {type(e).__name__}: {e}")
                log(f"  read error: {self.examples[-1]}")
            return
        self.ms[kind].append((time.monotonic() - started) * 1000)

    def check_once(self):
        """Every variant once, before the clock starts."""
        for kind, variants in self.mix.items():
            for v in variants:
                self.read(kind, v, time.monotonic())
        if any(self.errors.values()):
            raise SystemExit("the read mix fails before the soak: " + "; ".join(self.examples))
        for k in self.kinds:
            self.ms[k].clear()

    async def run(self, seconds):
        loop = asyncio.get_running_loop()
        start = loop.time()
        if self.rate <= 0:  # a control run: no reads
            await asyncio.sleep(seconds)
            self.elapsed = seconds
            return
        pending = []
        n = len(self.kinds)
        while True:
            due = start + self.sent / self.rate
            if due >= start + seconds:
                break
            await asyncio.sleep(max(0.0, due - loop.time()))
            kind = self.kinds[self.sent % n]
            variants = self.mix[kind]
            variant = variants[(self.sent // n) % len(variants)]
            due_mono = time.monotonic() + (due - loop.time())
            pending.append(loop.run_in_executor(self.pool, self.read, kind, variant, due_mono))
            self.sent += 1
            if len(pending) > 1000:
                pending = [f for f in pending if not f.done()]
        await asyncio.gather(*pending)
        self.elapsed = loop.time() - start  # until the last answer
        self.pool.shutdown()


def endpoints(metrics):
    """Warren's broker requests so far, by endpoint."""
    out = {}
    for name, labels, value in metrics:
        if name == "warren_broker_requests_total" and labels.get("cluster") == CLUSTER:
            out[labels.get("endpoint", "?")] = out.get(labels.get("endpoint", "?"), 0) + value
    return out


async def broker_window(warren, seconds, tick=None):
    """Polls /metrics for `seconds` (and calls `tick()` each time): broker requests between the first
    and the last refresh completion seen (live.refresh_window), per endpoint too, and the lowest
    live-clients gauge."""
    first = last = prev = None
    gauge_min = float("inf")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        metrics = await athread(warren.metrics)
        t = time.monotonic()
        c = live.counters(metrics)
        gauge_min = min(gauge_min, c["clients"])
        done = c["ok"] + c["error"]
        if prev is not None and done > prev:
            last = (c, t, endpoints(metrics))
            first = first or last
        prev = done
        if tick:
            tick()
        await asyncio.sleep(0.25)
    if not first or first is last:
        raise SystemExit(f"fewer than two refreshes completed in {seconds:.0f} s")
    r = live.refresh_window(warren, first[0], first[1], last[0], last[1])
    scale = warren.args.interval / (last[1] - first[1])
    r["by_endpoint"] = {e: (last[2][e] - first[2].get(e, 0)) * scale for e in last[2]}
    r["gauge_min"] = gauge_min
    return r


def show_window(label, r):
    parts = ", ".join(f"{e} {v:.2f}" for e, v in sorted(r["by_endpoint"].items()) if v)
    log(f"  {label}: {r['per_interval']:.2f} broker requests per interval over {r['refreshes']:.0f} refreshes "
        f"({r['per_refresh']:.2f} per refresh, {r['secs_per_refresh']:.2f} s/refresh, refresh {r['refresh_ms']:.0f} ms, "
        f"refresh errors {r['errors']:.0f}); per interval by endpoint: {parts}")


async def wait_gauge_below(warren, value, timeout=15):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if live.counters(await athread(warren.metrics))["clients"] <= value:
            return
        await asyncio.sleep(0.3)


# ---------------------------------------------------------------- the run

async def soak(args, warren, broker, traffic):
    table = []
    paths = views(args)
    mix = read_mix(args)
    reads = Reads(warren, mix, args.rate)
    await athread(reads.check_once)
    log(f"read mix: {', '.join(f'{k} ({len(v)} variants)' for k, v in mix.items())}")

    log(f"\nbaseline: one live stream per view ({len(paths)} views), {args.baseline_refreshes} refreshes")
    base_gauge = live.counters(await athread(warren.metrics))["clients"]
    one = Streams(warren, paths)
    await one.open(base_gauge)
    base = await broker_window(warren, args.baseline_refreshes * args.interval + 1)
    show_window("1 viewer per view", base)
    await one.close()
    await wait_gauge_below(warren, base_gauge)

    log(f"\nsoak: {args.clients} live streams, {args.rate} reads/s, {args.minutes} min; load {uptime()}")
    load_before = uptime()
    streams = Streams(warren, [paths[i % len(paths)] for i in range(args.clients)])
    gauge = await streams.open(base_gauge)
    log(f"  {args.clients} streams open (warren_live_clients {gauge:.0f})")
    seconds = args.minutes * 60
    c0 = live.counters(await athread(warren.metrics))
    sent0, got0 = traffic.published, traffic.consumed
    streams.mark()
    started = time.monotonic()
    rss = [(0, warren.memory()["VmRSS"])]
    log(f"  minute 0: VmRSS {rss[0][1]:.1f} MiB")

    def tick():
        streams.check()
        minute = int((time.monotonic() - started) // 60)
        if minute > rss[-1][0] and minute <= args.minutes:
            mem = warren.memory()
            rss.append((minute, mem["VmRSS"]))
            log(f"  minute {minute}: VmRSS {mem['VmRSS']:.1f} MiB (anon {mem['RssAnon']:.1f}, file {mem['RssFile']:.1f}; "
                f"data dir {data_mb(warren):.1f} MB); "
                f"reads {reads.sent}, errors {sum(reads.errors.values())}; "
                f"stream drops {len(streams.drops)}; messages {traffic.published - sent0} out, "
                f"{traffic.consumed - got0} in; load {uptime()}")

    reading = asyncio.ensure_future(reads.run(seconds))
    during = await broker_window(warren, seconds + 0.5, tick)
    await reading
    elapsed = time.monotonic() - started
    tick()
    c1 = live.counters(await athread(warren.metrics))
    broker_up = await athread(broker_uptime_s, broker)
    streams.check()
    events = [c.since_mark for c in streams.clients]
    published, consumed = traffic.published - sent0, traffic.consumed - got0
    show_window(f"{args.clients} streams + {args.rate} reads/s", during)
    mem = warren.memory()
    await streams.close()
    load_after = uptime()
    # What Warren keeps once the load is gone (each refresh ends with malloc_trim): in use, or held.
    await wait_gauge_below(warren, base_gauge)
    await asyncio.sleep(3 * args.interval)
    after = warren.memory()["VmRSS"]

    # ---- the table
    table.append(("machine load average (1/5/15 min) before the soak", load_before, "", None))
    table.append(("  and after it", load_after, "", None))
    table.append((f"setup: queues in {VHOST} / work queues / distinct views", f"{args.queues} / {args.work_queues} / "
                  f"{len(paths)}", "", None))
    table.append(("broker restarted or down during the soak (by others)",
                  "down at the end" if broker_up is None else ("yes" if broker_up < elapsed else "no"), "", None))
    table.append((f"{args.clients} live streams held {elapsed / 60:.1f} min: drops (reopened)", f"{len(streams.drops)}",
                  "0", not streams.drops))
    table.append(("  warren_live_clients, lowest during the soak", f"{during['gauge_min']:.0f}", f">= {args.clients}",
                  during["gauge_min"] >= args.clients))
    refreshes = (c1["ok"] + c1["error"]) - (c0["ok"] + c0["error"])
    want = int(refreshes * 0.9)
    if events:
        table.append((f"  events per stream over {refreshes:.0f} refreshes (min / max)", f"{min(events)} / {max(events)}",
                      f">= {want}", min(events) >= want))
    table.append(("  Err events on the streams", f"{streams.err_events}", "0", streams.err_events == 0))
    table.append(("refreshes failed during the soak", f"{c1['error'] - c0['error']:.0f}", "0", c1["error"] == c0["error"]))
    answered = sum(len(v) for v in reads.ms.values()) + sum(reads.errors.values())
    achieved = answered / reads.elapsed
    table.append((f"reads answered ({len(mix)} kinds, evenly; start to last answer)", f"{answered} ({achieved:.1f}/s)",
                  f">= {args.rate * 0.95:.1f}/s", achieved >= args.rate * 0.95 if args.rate > 0 else None))
    table.append(("  latest start behind schedule", fmt(reads.behind_max * 1000, " ms", 0), "", None))
    for kind in reads.kinds:
        ms = reads.ms[kind]
        errors = reads.errors[kind]
        value = (f"{live.percentile(ms, 0.5):.1f} / {live.percentile(ms, 0.95):.1f} ms" if ms else "-")
        table.append((f"  {kind}, {errors} errors in {len(ms) + errors}: p50 / p95", value, "0 errors",
                      errors == 0))
    ratio = during["per_interval"] / base["per_interval"]
    table.append((f"broker requests per {args.interval} s: 1 stream per view / soak",
                  f"{base['per_interval']:.2f} / {during['per_interval']:.2f}", "", None))
    table.append(("  soak vs 1 viewer", f"{ratio:.3f}x", "0.95-1.05x",
                  # without streams nothing asks for the detail pages' extra reads
                  0.95 <= ratio <= 1.05 if args.clients else None))
    table.append(("  seconds per refresh: 1 viewer / soak",
                  f"{base['secs_per_refresh']:.2f} / {during['secs_per_refresh']:.2f}", f"~{args.interval}", None))
    table.append(("Warren VmRSS each minute (MiB)", " ".join(f"{v:.0f}" for _, v in rss), "", None))
    ref = next((v for m, v in rss if m == 1), rss[0][1])
    drift = (rss[-1][1] - ref) / ref
    table.append((f"  VmRSS at the end vs after the warm-up minute ({ref:.1f} MiB)", f"{rss[-1][1]:.1f} MiB ({drift:+.1%})",
                  "within 10%", abs(drift) <= 0.10))
    half = [(m, v) for m, v in rss if m >= args.minutes / 2]
    if len(half) >= 2:  # still climbing at the end, or settled after a longer warm-up?
        slope = (half[-1][1] - half[0][1]) / (half[-1][0] - half[0][0])
        table.append((f"  VmRSS change per minute, minutes {half[0][0]}-{half[-1][0]}", f"{slope:+.2f} MiB", "", None))
    table.append(("  Warren VmHWM (peak)", f"{mem['VmHWM']:.0f} MiB", "", None))
    table.append((f"  VmRSS {3 * args.interval} s after the streams and reads ended", f"{after:.1f} MiB", "", None))
    table.append((f"messages via {traffic.via}, {args.work_queues} queues: out / in ({published / elapsed:.0f}/s)",
                  f"{published} / {consumed}", "", None))
    lag = published - consumed
    table.append(("  published and not (yet) consumed", f"{lag}", f"<= {args.msg_rate * 5:.0f}",
                  lag <= args.msg_rate * 5))
    table.append(("  publisher and consumer errors", f"{len(traffic.errors)}", "0", not traffic.errors))
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10, help="how long the soak runs")
    parser.add_argument("--rate", type=float, default=50, help="reads per second (0, with --streams 0: a control run, to tell load from warm-up)")
    parser.add_argument("--streams", dest="clients", metavar="N", type=int, default=500, help="live streams held open")
    parser.add_argument("--queues", type=int, default=300, help="queues in the soak's vhost")
    parser.add_argument("--work-queues", type=int, default=3,
                        help="the first N queues carry the traffic, and are the detail pages and charts read")
    parser.add_argument("--msg-rate", type=float, default=100, help="messages published (and consumed) per second")
    parser.add_argument("--msg-size", type=int, default=512, help="bytes per message")
    parser.add_argument("--baseline-refreshes", type=int, default=6)
    parser.add_argument("--interval", type=int, default=5, help="Warren's refresh_interval_secs")
    parser.add_argument("--warren-bin", default=live.default_binary(),
                        help="the Warren binary (default: $WARREN_BIN, else $CARGO_TARGET_DIR/release/warren, "
                             "else target/release/warren)")
    parser.add_argument("--broker", default="http://127.0.0.1:15672")
    parser.add_argument("--amqp-port", type=int, default=5672)
    parser.add_argument("--auth", default="guest:guest")
    parser.add_argument("--keep", action="store_true", help=f"keep the {VHOST} vhost at the end")
    parser.add_argument("--cleanup", action="store_true", help=f"delete the {VHOST} vhost and exit")
    parser.add_argument("--keep-logs", action="store_true", help="keep Warren's log and config")
    args = parser.parse_args()
    # What live.ensure_setup and live.Warren read besides.
    args.msg_every, args.import_chunk, args.threads = 16, 2000, 16
    args.regex, args.page_size = "^bench-q-0[0-4]", 50  # live.py's defaults
    if args.cleanup:
        live.cleanup(live.Http(args.broker, args.auth))
        return
    pika = load_pika()

    live.raise_open_files(args.clients)
    broker = live.Http(args.broker, args.auth)
    warren = live.Warren(args)
    warren.check_binary()

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    traffic = None
    missed = True
    try:
        log(f"load average {uptime()}; {args.queues} queues in vhost {VHOST}")
        live.ensure_setup(args, broker, {})
        warren.start()
        took = warren.wait_snapshot(args.queues)
        log(f"first snapshot {took:.1f} s after /healthz")
        traffic = Traffic(args, broker, pika).start()
        log(f"publisher ({args.msg_rate:.0f} msg/s) and consumer on {', '.join(work_queues(args))} via {traffic.via}")
        table = asyncio.run(soak(args, warren, broker, traffic))
        traffic.stop()
        live.print_table(table)
        missed = any(ok is False for *_, ok in table)
        log("every target met" if not missed else "MISSED: " + "; ".join(label.strip() for label, _, _, ok in table
                                                                          if ok is False))
    except KeyboardInterrupt:
        log("\ninterrupted")
    finally:
        if traffic:
            traffic.stop()
        warren.stop()
        if not args.keep:
            try:
                live.cleanup(broker)
            except SystemExit as e:
                log(f"{e}; delete it later with: python3 bench/soak.py --cleanup")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
