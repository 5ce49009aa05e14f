#!/usr/bin/env python3
"""Warren's live snapshot at scale: page latency, broker load per refresh, change-to-screen, memory.

One command, standard library only:

    python3 bench/live.py                 # everything, 50,000 queues; deletes the bench vhost at the end
    python3 bench/live.py --keep          # ... and keep the vhost for the next run (setup is idempotent)
    python3 bench/live.py --broker-only   # no Warren: set up, broker page latency, broker endpoint survey
    python3 bench/live.py --cleanup       # delete the bench vhost and exit

Steps:
 1. Ensure N durable classic queues bench-q-00000... in vhost `warren-bench`, each bound to the topic
    exchange `bench.x` with routing key bench.<i>, created through the broker's definitions import for
    the vhost (timed; falls back to concurrent PUTs), and every 16th queue holding 1-25 persistent
    messages (published concurrently through the HTTP API). What already exists is left alone.
 2. Start the release binary (--warren-bin; default $WARREN_BIN, else $CARGO_TARGET_DIR/release/warren,
    else target/release/warren) on a free port with a one-cluster config; wait for /healthz and for
    the first snapshot (list_queues total >= N).
 3. Queue page latency (p50/p95/mean): broker paged query with columns=, the same as the built-in UI
    sends it, Warren's list_queues server function, Warren's server-rendered queue page.
 4. Broker requests per refresh (from Warren's /metrics) with 1 live client vs 500 (mixed views; and
    1 vs 500 on one queue's detail), with events counted per client.
 5. Change-to-screen: publish one message, time until the queue's live stream shows it.
 6. Warren's VmRSS/VmHWM with the snapshot loaded and 500 clients connected.
 7. One table with the targets, each marked met or missed.

The broker-only run also times the broker's list endpoints the poller may use (--survey adds that
to a full run) and the broker's own stats lag (publish -> count visible in /api/queues/...).

At 50,000 queues on the 2-core dev machine (RabbitMQ 3.10) one broker page query takes 6-12 s, so
the 30 broker runs take minutes: --broker-runs 5 shortens them (--broker-runs 0 skips them). The
broker drops any request still running after 60 s (RemoteDisconnected), and a vhost DELETE that
long stops midway; --cleanup repeats it until the vhost is gone. Don't run this while the test
suites use the same broker: a broker whose API is slow gets restarted by scripts/broker.sh start,
and a restart with 50k durable queues takes minutes.
"""
import argparse
import asyncio
import base64
import concurrent.futures
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

VHOST = "warren-bench"
# The screen token `Warren.start` creates for the console under test.
WARREN_TOKEN = None
VHOST_Q = urllib.parse.quote(VHOST, safe="")
EXCHANGE = "bench.x"
CLUSTER = "bench"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ("vhost,name,type,durable,auto_delete,exclusive,arguments,state,messages_ready,"
           "messages_unacknowledged,messages,message_stats.publish_details.rate,"
           "message_stats.deliver_get_details.rate,consumers,policy")
BINDING_COLUMNS = "source,vhost,destination,destination_type,routing_key,arguments"
EXCHANGE_COLUMNS = ("vhost,name,type,durable,auto_delete,internal,arguments,policy,"
                    "message_stats.publish_in_details.rate,message_stats.publish_out_details.rate")
# Five list queries for the live clients: (q, regex, sort, desc).
LIST_QUERIES = [
    (None, True, "ready", True),  # None: --regex
    ("^bench-q-1", True, "name", False),
    ("", False, "ready", True),
    ("bench-q-4", False, "total", True),
    ("^bench-q-2[0-9]{3}5$", True, "name", True),
]


def log(*parts):
    print(*parts, flush=True)


def name_of(i):
    return f"bench-q-{i:05d}"


def target_messages(i, every):
    """Messages queue i should hold: every `every`-th queue gets 1..25, in a scattered order."""
    if every <= 0 or i % every:
        return 0
    return 1 + ((i // every) * 7919) % 25


# ---------------------------------------------------------------- HTTP (keep-alive, one connection per thread)

class HttpError(Exception):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} -> HTTP {status}: {body[:300]!r}")
        self.status = status


class Http:
    def __init__(self, base, auth=None, timeout=600, bearer=None):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.auth = "Basic " + base64.b64encode(auth.encode()).decode() if auth else None
        if bearer:
            self.auth = f"Bearer {bearer}"
        self.timeout = timeout
        self.local = threading.local()

    def _conn(self, fresh=False):
        """(connection, reused): a new connection is made when there is none or `fresh`."""
        conn = getattr(self.local, "conn", None)
        if conn is not None and not fresh:
            return conn, True
        if conn is not None:
            conn.close()
        conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return conn, False

    def request(self, method, path, body=None, headers=None, raw_body=None):
        data = raw_body if raw_body is not None else (None if body is None else json.dumps(body).encode())
        hdrs = {"content-type": "application/json"}
        if self.auth:
            hdrs["authorization"] = self.auth
        hdrs.update(headers or {})
        for attempt in range(2):
            conn, reused = self._conn(fresh=attempt > 0)
            sent = time.monotonic()
            try:
                conn.request(method, path, body=data, headers=hdrs)
                resp = conn.getresponse()
                payload = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.BadStatusLine):
                conn.close()
                self.local.conn = None
                if reused and attempt == 0 and time.monotonic() - sent < 1:
                    continue  # the server had closed the idle keep-alive connection
                raise
            if resp.getheader("connection", "").lower() == "close":
                conn.close()
                self.local.conn = None
            if resp.status >= 300:
                raise HttpError(method, path, resp.status, payload)
            return payload
        raise AssertionError("unreachable")

    def json(self, method, path, body=None, headers=None):
        payload = self.request(method, path, body, headers)
        return json.loads(payload) if payload else None


def percentile(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, int(round(p * len(s))) - 1))]


def timed(fn, runs, warmup=True):
    """Latency of `runs` calls. A call that fails (the broker drops requests still running after
    60 s) is counted in "failed" and left out of the percentiles, which flatters the slow side;
    only when every call fails does this raise."""
    if warmup:
        try:
            fn()
        except (OSError, http.client.HTTPException, HttpError):
            pass
    samples, failed, last_error = [], 0, None
    for _ in range(runs):
        started = time.perf_counter()
        try:
            fn()
        except (OSError, http.client.HTTPException, HttpError) as e:
            failed, last_error = failed + 1, e
            continue
        samples.append((time.perf_counter() - started) * 1000)
    if not samples:
        raise last_error
    return {"p50": statistics.median(samples), "p95": percentile(samples, 0.95),
            "mean": statistics.fmean(samples), "min": min(samples), "samples": samples, "failed": failed}


# ---------------------------------------------------------------- broker setup

def broker_path(path):
    return f"/api/{path}"


def cleanup(broker):
    """Deletes the bench vhost. At 50k queues one DELETE outlives the broker's 60 s request timeout:
    the broker then drops the connection and stops deleting midway, so this repeats it until the
    vhost is gone."""
    started = time.time()
    for attempt in range(1, 31):
        try:
            broker.request("DELETE", broker_path(f"vhosts/{VHOST_Q}"))
            break
        except HttpError as e:
            if e.status != 404:
                raise
            if attempt == 1:
                log(f"vhost {VHOST} does not exist")
                return
            break
        except (OSError, http.client.HTTPException) as e:
            log(f"  DELETE vhost #{attempt}: {type(e).__name__} after {time.time() - started:.0f} s; repeating")
    else:
        raise SystemExit(f"vhost {VHOST} still exists after 30 DELETEs")
    log(f"deleted vhost {VHOST} in {time.time() - started:.1f} s")


def publish(broker, queue, payload="x"):
    reply = broker.json("POST", broker_path(f"exchanges/{VHOST_Q}/amq.default/publish"),
                        {"properties": {"delivery_mode": 2}, "routing_key": queue,
                         "payload": payload, "payload_encoding": "string"})
    if not reply.get("routed"):
        raise SystemExit(f"message to {queue} was not routed")


def ensure_setup(args, broker, results):
    """Creates what is missing of the bench topology and messages; returns the number of queues listed."""
    n = args.queues
    broker.request("PUT", broker_path(f"vhosts/{VHOST_Q}"), {})
    broker.request("PUT", broker_path(f"permissions/{VHOST_Q}/{urllib.parse.quote(args.auth.split(':')[0])}"),
                   {"configure": ".*", "write": ".*", "read": ".*"})
    # At 50,000 queues a busy broker can take over 60 s and drop the request: try again.
    for attempt in range(3):
        try:
            listing = broker.json("GET", broker_path(f"queues/{VHOST_Q}?columns=name,messages"))
            break
        except (http.client.RemoteDisconnected, ConnectionResetError):
            if attempt == 2:
                raise
            log("the broker dropped the queue listing (over 60 s); asking again")
    have = {q["name"]: q.get("messages") or 0 for q in listing}
    try:
        bound = {(b["destination"], b["routing_key"]) for b in broker.json(
            "GET", broker_path(f"exchanges/{VHOST_Q}/{EXCHANGE}/bindings/source"))}
        exchange = True
    except HttpError as e:
        if e.status != 404:
            raise
        bound, exchange = set(), False
    missing_q = [i for i in range(n) if name_of(i) not in have]
    missing_b = [i for i in range(n) if (name_of(i), f"bench.{i}") not in bound]
    log(f"vhost {VHOST}: {len(have)} queues listed, {len(bound)} bench bindings; "
        f"creating {len(missing_q)} queues and {len(missing_b)} bindings")
    if missing_q or missing_b or not exchange:
        started = time.time()
        try:
            posts, size = import_definitions(broker, set(missing_q), set(missing_b), n, args.import_chunk)
            took = time.time() - started
            results["import_s"] = took
            log(f"definitions import ({len(missing_q)} queues, {len(missing_b)} bindings, {size / 1e6:.1f} MB "
                f"in {posts} POSTs) took {took:.1f} s")
        except HttpError as e:
            log(f"definitions import failed ({e}); falling back to concurrent PUTs")
            create_by_puts(broker, missing_q, missing_b, args.threads)
            results["puts_s"] = time.time() - started
            log(f"created by PUTs in {results['puts_s']:.1f} s")
    # The broker lists a queue only after its first stats event.
    started = time.time()
    while True:
        listed = broker.json("GET", broker_path(f"queues/{VHOST_Q}?page=1&page_size=1&columns=name"))["total_count"]
        if listed >= n:
            break
        if time.time() - started > 300:
            raise SystemExit(f"the broker lists only {listed} of {n} queues after 300 s")
        time.sleep(1)
    if missing_q:
        results["listed_after_s"] = time.time() - started
        log(f"all {listed} queues listed {results['listed_after_s']:.1f} s after the import returned")

    # Messages: top up every queue to its target count.
    todo = []
    for i in range(n):
        todo += [name_of(i)] * max(0, target_messages(i, args.msg_every) - have.get(name_of(i), 0))
    expected = sum(have.values()) + len(todo)
    if todo:
        random.shuffle(todo)
        log(f"publishing {len(todo)} persistent messages to {len({q for q in todo})} queues ...")
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(lambda q: publish(broker, q), todo))
        took = time.time() - started
        results["publish_s"] = took
        log(f"published in {took:.1f} s ({len(todo) / took:.0f} msg/s)")
    started = time.time()
    while True:
        vh = broker.json("GET", broker_path(f"vhosts/{VHOST_Q}"))
        if (vh.get("messages") or 0) >= expected:
            break
        if time.time() - started > 120:
            log(f"warning: the broker shows {vh.get('messages')} messages, expected {expected}")
            break
        time.sleep(1)
    return listed


def import_definitions(broker, missing_q, missing_b, n, chunk):
    """POSTs /api/definitions/{vhost} for index ranges of `chunk` queues (each with its bindings);
    halves the range when the broker refuses the body size (3.10 caps request bodies). Keep a POST
    well under the broker's 60 s request timeout: past it the import stops midway. Returns
    (POSTs, bytes)."""
    posts = size = 0

    def post(lo, hi):
        nonlocal posts, size
        qs = [i for i in range(lo, hi) if i in missing_q]
        bs = [i for i in range(lo, hi) if i in missing_b]
        defs = {
            "exchanges": [{"name": EXCHANGE, "vhost": VHOST, "type": "topic", "durable": True,
                           "auto_delete": False, "internal": False, "arguments": {}}],
            "queues": [{"name": name_of(i), "vhost": VHOST, "durable": True, "auto_delete": False,
                        "arguments": {}} for i in qs],
            "bindings": [{"source": EXCHANGE, "vhost": VHOST, "destination": name_of(i),
                          "destination_type": "queue", "routing_key": f"bench.{i}", "arguments": {}} for i in bs],
        }
        if not qs and not bs and posts:
            return
        body = json.dumps(defs).encode()
        try:
            broker.request("POST", broker_path(f"definitions/{VHOST_Q}"), raw_body=body)
        except HttpError as e:
            if b"body size" in str(e).encode() and hi - lo > 1:
                mid = (lo + hi) // 2
                log(f"  import of {hi - lo} queues refused for its size ({len(body)} B); splitting")
                post(lo, mid)
                post(mid, hi)
                return
            raise
        posts += 1
        size += len(body)

    for lo in range(0, max(n, 1), chunk):
        post(lo, min(n, lo + chunk))
    return posts, size


def create_by_puts(broker, missing_q, missing_b, threads):
    broker.request("PUT", broker_path(f"exchanges/{VHOST_Q}/{EXCHANGE}"),
                   {"type": "topic", "durable": True, "auto_delete": False, "internal": False, "arguments": {}})
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda i: broker.request("PUT", broker_path(f"queues/{VHOST_Q}/{name_of(i)}"),
                                               {"durable": True}), missing_q))
        list(pool.map(lambda i: broker.request("POST", broker_path(
            f"bindings/{VHOST_Q}/e/{EXCHANGE}/q/{name_of(i)}"), {"routing_key": f"bench.{i}", "arguments": {}}),
            missing_b))


# ---------------------------------------------------------------- broker measurements

def broker_page_path(args, columns=True):
    q = urllib.parse.urlencode({"page": 1, "page_size": args.page_size, "name": args.regex, "use_regex": "true",
                                "sort": "messages_ready", "sort_reverse": "true"})
    return broker_path(f"queues/{VHOST_Q}?{q}" + (f"&columns={COLUMNS}" if columns else ""))


def survey(args, broker, runs=3):
    """Times the broker list endpoints a poller could use; returns rows (label, min_ms, median_ms, bytes, note)."""
    rows = []

    def measure(label, path, note_fn=None, n=runs):
        times, size, body = [], 0, None
        for _ in range(n):
            started = time.perf_counter()
            try:
                body = broker.request("GET", path)
            except (OSError, http.client.HTTPException, HttpError) as e:
                took = time.perf_counter() - started
                log(f"  {label:<62} FAILED after {took:.0f} s: {type(e).__name__}: {e}")
                rows.append((label, took * 1000, took * 1000, 0, f"failed: {type(e).__name__}"))
                return b"{}"
            times.append((time.perf_counter() - started) * 1000)
            size = len(body)
        note = note_fn(body) if note_fn else ""
        rows.append((label, min(times), statistics.median(times), size, note))
        log(f"  {label:<62} min {min(times):>8.0f} ms  median {statistics.median(times):>8.0f} ms"
            f"  {size / 1e6:>7.2f} MB  {note}")
        return body

    def count(body):
        data = json.loads(body)
        if isinstance(data, dict) and "items" in data:
            return f"{len(data['items'])} items of {data.get('filtered_count')}"
        return f"{len(data)} items" if isinstance(data, list) else ""

    def fields(body):
        data = json.loads(body)
        keys = set()
        for item in data:
            keys.update(item)
        wanted = ["messages_ready", "messages_unacknowledged", "messages", "consumers", "state", "policy",
                  "type", "arguments", "message_stats"]
        absent = [k for k in wanted if k not in keys]
        return f"{len(data)} items; fields: {','.join(sorted(keys))}; missing: {','.join(absent) or '-'}"

    log(f"\nbroker endpoint survey ({runs} runs each)")
    measure("/api/queues?columns=<15>", broker_path(f"queues?columns={COLUMNS}"), count)
    measure("/api/queues?disable_stats&enable_queue_totals",
            broker_path("queues?disable_stats=true&enable_queue_totals=true"), fields)
    measure("/api/queues?disable_stats&enable_queue_totals&columns=<15>",
            broker_path(f"queues?disable_stats=true&enable_queue_totals=true&columns={COLUMNS}"), fields)
    measure("/api/queues (all fields, unpaged)", broker_path("queues"), count, n=1)
    first = json.loads(measure("/api/queues?page=1&page_size=500&columns=<15>",
                               broker_path(f"queues?page=1&page_size=500&columns={COLUMNS}"), count))
    pages = first.get("page_count", 1)
    started = time.perf_counter()
    for p in range(1, 6):
        broker.request("GET", broker_path(f"queues?page={p}&page_size=500&columns={COLUMNS}"))
    per_page = (time.perf_counter() - started) * 1000 / 5
    rows.append((f"  pages 1-5 of {pages}, mean per page -> all {pages} pages", per_page, per_page * pages, 0,
                 f"estimate for all pages: {per_page * pages / 1000:.1f} s"))
    log(f"  pages 1-5 mean {per_page:.0f} ms/page -> {pages} pages ~ {per_page * pages / 1000:.1f} s")
    measure(f"/api/queues?page={pages}&page_size=500&columns=<15> (last)",
            broker_path(f"queues?page={pages}&page_size=500&columns={COLUMNS}"), count)
    measure("/api/queues?page=1&page_size=500&disable_stats&enable_queue_totals",
            broker_path("queues?page=1&page_size=500&disable_stats=true&enable_queue_totals=true"), count)
    measure("/api/bindings", broker_path("bindings"), count)
    measure("/api/bindings?columns=<6>", broker_path(f"bindings?columns={BINDING_COLUMNS}"), count)
    measure(f"/api/bindings/{VHOST}", broker_path(f"bindings/{VHOST_Q}"), count)
    measure("/api/exchanges?columns=<10>", broker_path(f"exchanges?columns={EXCHANGE_COLUMNS}"), count)
    measure(f"/api/definitions/{VHOST} (export)", broker_path(f"definitions/{VHOST_Q}"),
            lambda b: f"{len(json.loads(b).get('queues', []))} queues, {len(json.loads(b).get('bindings', []))} bindings")
    measure("/api/overview", broker_path("overview"))
    measure("/api/nodes", broker_path("nodes"))
    measure("/api/vhosts", broker_path("vhosts"), count)
    return rows


def broker_stats_lag(args, broker, queue="bench-q-00001"):
    """Seconds from a publish until the broker's own API shows the new count (the floor for Warren)."""
    path = broker_path(f"queues/{VHOST_Q}/{queue}?columns=messages")
    lags = []
    for _ in range(args.samples):
        time.sleep(random.uniform(0, args.interval))
        before = broker.json("GET", path).get("messages") or 0
        t0 = time.monotonic()
        publish(broker, queue)
        while True:
            if (broker.json("GET", path).get("messages") or 0) > before:
                lags.append(time.monotonic() - t0)
                break
            if time.monotonic() - t0 > 60:
                lags.append(float("inf"))
                break
            time.sleep(0.05)
    return lags


# ---------------------------------------------------------------- Warren process and metrics

def default_binary():
    """$WARREN_BIN, else the release build in $CARGO_TARGET_DIR (CI's), else target/release/warren."""
    if os.environ.get("WARREN_BIN"):
        return os.environ["WARREN_BIN"]
    return os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "release", "warren")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Warren:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.warren_bin)
        self.proc = None
        self.tmp = None

    def check_binary(self):
        if not os.access(self.binary, os.X_OK):
            raise SystemExit(f"{self.binary} is missing: build it first with `scripts/test.sh` or `cargo leptos build --release --project warren --split` "
                             "(or run with --broker-only)")
        if not os.path.isdir(os.path.join(ROOT, "target", "site", "pkg")):
            log("warning: target/site/pkg is missing; the SSR page will lack its assets")

    def start(self):
        self.check_binary()
        self.tmp = tempfile.mkdtemp(prefix="warren-bench-")
        config = os.path.join(self.tmp, "warren.toml")
        with open(config, "w") as f:
            f.write(f'[[cluster]]\nname = "{CLUSTER}"\nurls = ["{self.args.broker}"]\n'
                    f'username = "{self.args.auth.split(":")[0]}"\npassword = "{self.args.auth.split(":", 1)[1]}"\n'
                    f"refresh_interval_secs = {self.args.interval}\n"
                    # All the bench's live clients share one screen token: lift the per-identity cap.
                    f"[auth]\nlive_streams_per_identity = {self.args.clients + 100}\n")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, WARREN_CONFIG=config, WARREN_LISTEN=f"127.0.0.1:{self.port}",
                   WARREN_DATA_DIR=os.path.join(self.tmp, "data"),
                   LEPTOS_OUTPUT_NAME="warren", LEPTOS_SITE_ROOT="target/site", LEPTOS_SITE_PKG_DIR="pkg")
        env.setdefault("RUST_LOG", "warn")
        # Warren answers no one who has not signed in: a read-only screen token for every cluster
        # lets this script read pages, server functions, live streams and /metrics.
        global WARREN_TOKEN
        WARREN_TOKEN = subprocess.run([self.binary, "token", "create", "bench"], cwd=ROOT, env=env, check=True,
                                      capture_output=True, text=True).stdout.strip()
        self.log_path = os.path.join(self.tmp, "warren.log")
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.binary], cwd=ROOT, env=env, stdout=self.log_file,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.http = Http(self.base, bearer=WARREN_TOKEN)
        log(f"started warren (pid {self.proc.pid}) on {self.base}, log {self.log_path}")
        self._wait(lambda: self.http.request("GET", "/healthz").strip() == b"ok", 60, "/healthz")

    def _wait(self, check, timeout, what):
        started = time.time()
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"warren exited with {self.proc.returncode} waiting for {what}:\n{self.log_tail()}")
            try:
                if check():
                    return time.time() - started
            except (OSError, HttpError, http.client.HTTPException, ValueError, KeyError):
                pass
            if time.time() - started > timeout:
                raise SystemExit(f"warren: no {what} after {timeout} s\n{self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""

    def list_queues(self, filt, regex, sort="ready", desc=True, page=1):
        query = {"vhost": VHOST, "filter": filt, "regex": regex, "sort": sort, "desc": desc, "page": page,
                 "page_size": self.args.page_size}
        return self.http.request("POST", "/api/list_queues", {"cluster": CLUSTER, "query": query},
                                 headers={"accept": "application/json"})

    def wait_snapshot(self, n):
        def ready():
            return unwrap(json.loads(self.list_queues("", False)))["total"] >= n
        return self._wait(ready, 600, f"snapshot with {n} queues")

    def metrics(self):
        return parse_metrics(self.http.request("GET", "/metrics").decode())

    def memory(self):
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:", "RssFile:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0]) / 1024  # MiB
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.tmp:
            self.log_file.close()
            if self.args.keep_logs:
                log(f"warren log kept at {self.log_path}")
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def unwrap(reply):
    """The payload of a server-function or stream reply: accepts {Ok:..}, {data:..} or a bare page."""
    if isinstance(reply, dict) and "Err" in reply:
        raise ValueError(f"error reply: {reply['Err']}")
    if isinstance(reply, dict) and "Ok" in reply:
        reply = reply["Ok"]
    if isinstance(reply, dict) and "data" in reply and "freshness" in reply:
        reply = reply["data"]
    return reply


METRIC_LINE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """[(name, {labels}, value)]"""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = METRIC_LINE.match(line)
        if m:
            try:
                out.append((m.group(1), dict(LABEL.findall(m.group(2) or "")), float(m.group(3))))
            except ValueError:
                pass
    return out


def metric_sum(metrics, name, **labels):
    labels.setdefault("cluster", CLUSTER)
    return sum(v for n, ls, v in metrics if n == name and all(ls.get(k) == want for k, want in labels.items()))


def counters(metrics):
    return {"requests": metric_sum(metrics, "warren_broker_requests_total"),
            "ok": metric_sum(metrics, "warren_refreshes_total", outcome="ok"),
            "error": metric_sum(metrics, "warren_refreshes_total", outcome="error"),
            "clients": metric_sum(metrics, "warren_live_clients"),
            "dur_sum": metric_sum(metrics, "warren_refresh_duration_seconds_sum"),
            "dur_count": metric_sum(metrics, "warren_refresh_duration_seconds_count")}


# ---------------------------------------------------------------- SSE clients

class SseClient:
    """A raw HTTP/1.1 SSE reader: counts events; `on_event(data, t)` sees each one if given."""

    def __init__(self, port, path, on_event=None):
        self.port, self.path, self.on_event = port, path, on_event
        self.events = self.errors = self.mark_at = 0
        self.status = None
        self.failure = None
        self.first_event = asyncio.Event()
        self.task = None

    def start(self):
        self.task = asyncio.ensure_future(self.run())
        return self

    def mark(self):
        self.mark_at = self.events

    @property
    def since_mark(self):
        return self.events - self.mark_at

    async def run(self):
        writer = None
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 24)
            writer.write((f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                          f"Authorization: Bearer {WARREN_TOKEN}\r\n"
                          "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n").encode())
            await writer.drain()
            status = (await reader.readline()).decode(errors="replace").split()
            self.status = int(status[1]) if len(status) > 1 else 0
            headers = {}
            while True:
                line = (await reader.readline()).decode(errors="replace").strip()
                if not line:
                    break
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            if self.status != 200:
                body = await asyncio.wait_for(reader.read(2000), 5)
                self.failure = f"HTTP {self.status}: {body[:200]!r}"
                return
            chunked = "chunked" in headers.get("transfer-encoding", "").lower()
            buf, data = "", []
            while True:
                if chunked:
                    size_line = await reader.readline()
                    if not size_line:
                        break
                    size = int(size_line.split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        break
                    piece = await reader.readexactly(size)
                    await reader.readexactly(2)
                else:
                    piece = await reader.read(65536)
                    if not piece:
                        break
                buf += piece.decode(errors="replace")
                *lines, buf = buf.split("\n")
                for line in lines:
                    line = line.rstrip("\r")
                    if line == "":
                        if data:
                            self._dispatch("\n".join(data))
                            data = []
                    elif line.startswith("data:"):
                        data.append(line[5:].lstrip(" ") if line[5:6] == " " else line[5:])
                    # comments (":") and event:/id:/retry: fields are ignored
            self.failure = self.failure or "stream ended"
        except asyncio.CancelledError:
            pass
        except Exception as e:  # noqa: BLE001 - reported per client
            self.failure = f"{type(e).__name__}: {e}"
        finally:
            if writer:
                writer.close()

    def _dispatch(self, data):
        self.events += 1
        if data.lstrip().startswith('{"Err"'):
            self.errors += 1
        self.first_event.set()
        if self.on_event:
            self.on_event(data, time.monotonic())

    async def stop(self):
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


def queues_path(args, q, regex, sort, desc):
    pairs = [("vhost", VHOST), ("q", args.regex if q is None else q), ("re", "1" if regex else ""),
             ("sort", sort), ("desc", "1" if desc else "")]
    return f"/live/{CLUSTER}/queues?" + urllib.parse.urlencode([(k, v) for k, v in pairs if v])


def queue_path(name):
    return f"/live/{CLUSTER}/queue?" + urllib.parse.urlencode({"vhost": VHOST, "name": name})


OVERVIEW_PATH = f"/live/{CLUSTER}/overview"


async def athread(fn, *a):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *a)


async def wait_clients(warren, clients, expected, timeout=60):
    """Waits until every client got its first event and the gauge shows `expected`; returns the gauge."""
    started = time.monotonic()
    gauge = None
    while time.monotonic() - started < timeout:
        failed = [c for c in clients if c.failure]
        if failed:
            raise SystemExit(f"{len(failed)} live clients failed, e.g. {failed[0].path}: {failed[0].failure}")
        gauge = counters(await athread(warren.metrics))["clients"]
        if gauge >= expected and all(c.first_event.is_set() for c in clients):
            return gauge
        await asyncio.sleep(0.5)
    got = sum(c.first_event.is_set() for c in clients)
    log(f"warning: after {timeout} s, {got}/{len(clients)} clients have an event; warren_live_clients = {gauge}")
    return gauge


async def next_refresh(warren, after=None):
    """(counters, monotonic time) as soon as more than `after` refreshes have completed (default:
    the count now, i.e. the next completion)."""
    async def snap():
        return counters(await athread(warren.metrics)), time.monotonic()

    c, _ = await snap()
    after = c["ok"] + c["error"] if after is None else after
    # A refresh takes at most the list timeout (60 s), and a slow one stretches the interval to
    # 1.5x its time: allow two such cycles per refresh waited for.
    timeout = (after + 1 - (c["ok"] + c["error"])) * 2 * (60 + 90) + warren.args.interval
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        c, t = await snap()
        if c["ok"] + c["error"] > after:
            return c, t
        await asyncio.sleep(0.1)
    raise SystemExit(f"no refresh completed within {timeout} s (warren_refreshes_total stuck at {after})")


def refresh_window(warren, c0, t0, c1, t1):
    """Broker requests per refresh and per configured interval between two `next_refresh` points."""
    d_ref = (c1["ok"] + c1["error"]) - (c0["ok"] + c0["error"])
    d_req = c1["requests"] - c0["requests"]
    d_dur = (c1["dur_sum"] - c0["dur_sum"]) / max(1, c1["dur_count"] - c0["dur_count"])
    return {"refreshes": d_ref, "errors": c1["error"] - c0["error"], "requests": d_req,
            "per_refresh": d_req / d_ref, "secs_per_refresh": (t1 - t0) / d_ref, "refresh_ms": d_dur * 1000,
            # What the target counts: requests per configured interval. Per refresh is not
            # comparable across runs once a slow broker stretches the interval, because queues open
            # on a page are still read every configured interval.
            "per_interval": d_req / (t1 - t0) * warren.args.interval}


async def measure_refreshes(warren, clients, refreshes):
    """Broker requests per refresh and seconds per refresh over >= `refreshes` refreshes, measured
    between refresh completions; events per client in that window."""
    c0, t0 = await next_refresh(warren)
    for cl in clients:
        cl.mark()
    c1, t1 = await next_refresh(warren, c0["ok"] + c0["error"] + refreshes - 1)
    per_client = [cl.since_mark for cl in clients]
    return {**refresh_window(warren, c0, t0, c1, t1),
            "clients": len(clients), "gauge": c1["clients"],
            "events_min": min(per_client) if per_client else 0, "events_max": max(per_client) if per_client else 0,
            "events_total_min": min(c.events for c in clients) if clients else 0,
            "err_events": sum(c.errors for c in clients)}


async def scenario(warren, label, paths, refreshes, rss=None):
    base = counters(await athread(warren.metrics))["clients"]
    clients = [SseClient(warren.port, p).start() for p in paths]
    gauge = await wait_clients(warren, clients, base + len(clients))
    r = await measure_refreshes(warren, clients, refreshes)
    r["label"], r["gauge_seen"] = label, gauge
    if rss is not None:
        rss.update(warren.memory())
    for c in clients:
        await c.stop()
    log(f"  {label:<44} {r['per_refresh']:>8.2f} req/refresh ({r['per_interval']:.2f} per {warren.args.interval} s) over {r['refreshes']:.0f} refreshes, "
        f"{r['secs_per_refresh']:.2f} s/refresh, refresh {r['refresh_ms']:.0f} ms; live_clients gauge {gauge:.0f}; "
        f"events/client in window min {r['events_min']} max {r['events_max']} (since connect min "
        f"{r['events_total_min']}); Err events {r['err_events']}; refresh errors {r['errors']:.0f}")
    # let the server notice the disconnects before the next scenario
    started = time.monotonic()
    while time.monotonic() - started < 15 and counters(await athread(warren.metrics))["clients"] > base:
        await asyncio.sleep(0.3)
    return r


def row_total(data):
    d = unwrap(json.loads(data))
    row = d.get("row", d) if isinstance(d, dict) else {}
    return row.get("total", row.get("messages")), row.get("ready", row.get("messages_ready"))


async def change_to_screen(args, warren, broker, queue="bench-q-00001"):
    events = asyncio.Queue()

    def on_event(data, t):
        try:
            events.put_nowait((t, *row_total(data)))
        except (ValueError, KeyError, AttributeError, TypeError) as e:
            events.put_nowait((t, None, f"unparsable: {e}: {data[:200]}"))

    client = SseClient(warren.port, queue_path(queue), on_event).start()
    t, total, ready = await asyncio.wait_for(events.get(), 60)
    if total is None:
        raise SystemExit(f"queue stream: cannot read row.total: {ready}")
    lags = []
    # At 50,000 queues a refresh takes 20-40 s and stretches the interval to 1.5x that.
    timeout = max(args.interval * 3 + 30, 240)
    for i in range(args.samples):
        await asyncio.sleep(random.uniform(0, args.interval))
        while not events.empty():
            _, tot, _ = events.get_nowait()
            total = tot if tot is not None else total
        t0 = time.monotonic()
        await athread(publish, broker, queue)
        deadline = t0 + timeout
        lag = float("inf")
        seen = []  # (seconds after the publish, count) of every event, to explain slow samples
        while time.monotonic() < deadline:
            try:
                t, tot, rd = await asyncio.wait_for(events.get(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                break
            seen.append(f"{t - t0:.1f}s:{tot}")
            if tot is not None and tot > total:
                lag, total = t - t0, tot
                break
        lags.append(lag)
        log(f"  sample {i + 1}: {lag:.2f} s (events: {' '.join(seen) or 'none'})")
    await client.stop()
    return lags


# ---------------------------------------------------------------- the run

def fmt(v, unit="", digits=1):
    if v is None:
        return "-"
    if v == float("inf"):
        return "timeout"
    return f"{v:.{digits}f}{unit}"


def print_table(rows):
    log("\n" + "=" * 106)
    log(f"{'measure':<60} {'value':>18} {'target':>14}  result")
    log("-" * 106)
    for label, value, target, ok in rows:
        mark = "" if ok is None else ("met" if ok else "MISSED")
        log(f"{label:<60} {value:>18} {target:>14}  {mark}")
    log("=" * 106)


def raise_open_files(clients):
    """One socket per live client, and some to spare."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < clients + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, clients + 1000), hard))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queues", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per page-latency case")
    parser.add_argument("--broker-runs", type=int, default=None,
                        help="timed runs for the broker's page cases (default: --runs; each takes seconds at 50k)")
    parser.add_argument("--samples", type=int, default=5, help="change-to-screen samples")
    parser.add_argument("--clients", type=int, default=500, help="live clients in the many-clients rows")
    parser.add_argument("--refreshes", type=int, default=3, help="refreshes per requests-per-refresh row")
    parser.add_argument("--regex", default="^bench-q-0[0-4]")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--interval", type=int, default=5, help="Warren's refresh_interval_secs")
    parser.add_argument("--msg-every", type=int, default=16, help="every N-th queue gets 1-25 messages")
    parser.add_argument("--import-chunk", type=int, default=2000,
                        help="queues (with their bindings) per definitions import POST")
    parser.add_argument("--threads", type=int, default=16, help="concurrent HTTP calls during setup")
    parser.add_argument("--warren-bin", default=default_binary(),
                        help="the Warren binary to start (default: $WARREN_BIN, else "
                             "$CARGO_TARGET_DIR/release/warren, else target/release/warren)")
    parser.add_argument("--broker", default="http://127.0.0.1:15672")
    parser.add_argument("--auth", default="guest:guest")
    parser.add_argument("--broker-only", action="store_true",
                        help="no Warren: setup, broker page latency, endpoint survey, broker stats lag")
    parser.add_argument("--survey", action="store_true", help="also time the broker's list endpoints")
    parser.add_argument("--keep", action="store_true", help="keep the bench vhost at the end")
    parser.add_argument("--keep-logs", action="store_true", help="keep Warren's log and config")
    parser.add_argument("--cleanup", action="store_true", help="delete the bench vhost and exit")
    args = parser.parse_args()

    broker = Http(args.broker, args.auth)
    if args.cleanup:
        cleanup(broker)
        return

    raise_open_files(args.clients)

    warren = None if args.broker_only else Warren(args)
    if warren:
        warren.check_binary()  # before the long setup
    results, table = {}, []
    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        listed = ensure_setup(args, broker, results)
        if "puts_s" in results:
            table.append((f"created by concurrent PUTs ({args.queues} queues + bindings)", fmt(results["puts_s"], " s"),
                          "", None))
        if "import_s" in results:
            table.append((f"definitions import ({args.queues} queues + bindings)", fmt(results["import_s"], " s"),
                          "", None))

        broker_a = lambda: broker.request("GET", broker_page_path(args, True))  # noqa: E731
        broker_b = lambda: broker.request("GET", broker_page_path(args, False))  # noqa: E731
        cases = [("a", "broker page, columns= (a)", broker_a),
                 ("b", "broker page, as the built-in UI asks it (b)", broker_b)]
        log(f"\nbroker /api/queues/{VHOST}?page=1&page_size={args.page_size}&name=<regex>&use_regex=true"
            "&sort=messages_ready&sort_reverse=true vs Warren")
        log(f"{listed} queues in {VHOST}, regex {args.regex!r}, page of {args.page_size} sorted by ready desc, "
            f"{args.runs} runs each (broker: {args.broker_runs or args.runs})")
        log(f"{'request':<66} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
        lat = {}

        def measure(cases):
            for key, label, fn in cases:
                runs = args.runs if key in "cd" or args.broker_runs is None else args.broker_runs
                if runs <= 0:
                    continue
                started = time.perf_counter()
                try:
                    r = lat[key] = timed(fn, runs)
                except (OSError, http.client.HTTPException, HttpError) as e:
                    # past 60 s the broker drops the request (RemoteDisconnected)
                    log(f"{label:<66} FAILED after {time.perf_counter() - started:.0f} s: {type(e).__name__}: {e}")
                    table.append((label, "failed", "", None))
                    continue
                dropped = f"  ({r['failed']} of {runs} dropped by the broker)" if r["failed"] else ""
                log(f"{label:<66} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['mean']:>8.1f}{dropped}")
                if key in "ab":
                    table.append((f"{label} p50 / p95", f"{r['p50']:.0f} / {r['p95']:.0f} ms{dropped}", "", None))

        # The broker's own query first, before Warren's poller adds its load to the broker.
        measure(cases)
        if warren:
            warren.start()
            took = warren.wait_snapshot(args.queues)
            log(f"warren's first snapshot with {args.queues} queues ready {took:.1f} s after /healthz")
            table.append(("first snapshot after start", fmt(took, " s"), "", None))
            page_url = f"/c/{CLUSTER}/queues?" + urllib.parse.urlencode(
                {"vhost": VHOST, "q": args.regex, "re": 1, "sort": "ready", "desc": 1})
            page = unwrap(json.loads(warren.list_queues(args.regex, True)))
            try:
                broker_page = json.loads(broker_a())
                if [i["name"] for i in page["items"]][:5] != [i["name"] for i in broker_page["items"]][:5]:
                    log("note: first rows differ between Warren and the broker (ties in ready are ordered differently)")
            except (OSError, http.client.HTTPException, HttpError) as e:
                log(f"note: rows not compared, the broker dropped its page query ({type(e).__name__})")
            measure([("c", "Warren list_queues server function (c)", lambda: warren.list_queues(args.regex, True)),
                     ("d", "Warren server-rendered queue page (d)", lambda: warren.http.request("GET", page_url))])
        for key, name in (("c", "Warren JSON (c)"), ("d", "Warren SSR page (d)")):
            if key in lat:
                r = lat[key]
                table.append((f"{name} p50 / p95", f"{r['p50']:.1f} / {r['p95']:.1f} ms", "p95 <= 25 ms",
                              r["p95"] <= 25))
                for p in ("p50", "p95"):
                    if "a" not in lat:
                        continue
                    ratio = lat["a"][p] / r[p]
                    log(f"broker (a) / {name}, {p}: {ratio:.0f}x")
                    table.append((f"  broker (a) / {name} at {p}", f"{ratio:.0f}x", ">= 50x", ratio >= 50))

        if args.broker_only or args.survey:
            survey(args, broker)
        if args.broker_only:
            log("\nbroker stats lag: publish -> /api/queues/{vhost}/{name} shows it")
            lags = broker_stats_lag(args, broker)
            log("  " + ", ".join(fmt(x, " s", 2) for x in lags))
            table.append(("broker's own stats lag (publish -> API count) p50 / max",
                          f"{statistics.median(lags):.1f} / {max(lags):.1f} s", "", None))
        else:
            table += asyncio.run(live_part(args, warren, broker))
        print_table(table)
    except KeyboardInterrupt:
        log("\ninterrupted")
        sys.exit(130)
    finally:
        if warren:
            warren.stop()
        if not args.keep:
            cleanup(broker)


async def live_part(args, warren, broker):
    table = []
    q0 = queues_path(args, *LIST_QUERIES[0])
    mixed = [OVERVIEW_PATH] + [queues_path(args, *q) for q in LIST_QUERIES] + [queue_path("bench-q-00000")]
    log(f"\nbroker requests per refresh (>= {args.refreshes} refreshes each, interval {args.interval} s)")
    rss = {}
    one = await scenario(warren, "1 client, queue list", [q0], args.refreshes)
    distinct = await scenario(warren, f"{len(mixed)} clients, one per view", mixed, args.refreshes)
    many = await scenario(warren, f"{args.clients} clients, mixed views",
                          [mixed[i % len(mixed)] for i in range(args.clients)], args.refreshes, rss)
    one_q = await scenario(warren, "1 client, one queue's detail", [queue_path("bench-q-00000")], args.refreshes)
    many_q = await scenario(warren, f"{args.clients} clients, the same queue's detail",
                            [queue_path("bench-q-00000")] * args.clients, args.refreshes)
    for r in (one, distinct, many, one_q, many_q):
        table.append((f"broker req/refresh and per {args.interval} s, {r['label']}",
                       f"{r['per_refresh']:.2f} / {r['per_interval']:.2f}", "", None))
    table.append(("  seconds per refresh (1 client / many)",
                  f"{one['secs_per_refresh']:.2f} / {many['secs_per_refresh']:.2f}", f"~{args.interval}", None))
    ratio = many["per_interval"] / one["per_interval"]
    table.append((f"  per interval: {args.clients} mixed vs 1 (queue list; other views)", f"{ratio:.3f}x", "", None))
    ratio = many["per_interval"] / distinct["per_interval"]
    table.append((f"  per interval: {args.clients} mixed vs {len(mixed)} (one per view)", f"{ratio:.3f}x", "<= 1.05x", ratio <= 1.05))
    ratio = many_q["per_interval"] / one_q["per_interval"]
    table.append((f"  per interval: {args.clients} vs 1 on one queue's detail", f"{ratio:.3f}x", "<= 1.05x", ratio <= 1.05))
    for r, what in ((many, "mixed"), (many_q, "one queue")):
        table.append((f"  events/client over the refreshes, {args.clients} {what} (min/max)",
                      f"{r['events_min']} / {r['events_max']}", ">= 1 each",
                      r["events_min"] >= 1 and r["err_events"] == 0))
        table.append((f"  warren_live_clients, {args.clients} {what}", f"{r['gauge_seen']:.0f}",
                      f">= {r['clients']}", r["gauge_seen"] >= r["clients"]))

    log(f"\nchange-to-screen: publish one message to bench-q-00001, wait for its live row ({args.samples} samples)")
    lags = await change_to_screen(args, warren, broker)
    target = args.interval + 1
    table.append(("change-to-screen samples", " ".join(fmt(x, "", 1) for x in lags) + " s", "", None))
    table.append(("  change-to-screen p50 / max", f"{statistics.median(lags):.1f} / {max(lags):.1f} s",
                  f"<= {target} s", max(lags) <= target))
    log("broker's own lag: publish -> /api/queues/{vhost}/{name} shows it (the floor for any poller)")
    lags = await athread(broker_stats_lag, args, broker)
    log("  " + ", ".join(fmt(x, " s", 2) for x in lags))
    table.append(("  broker's own stats lag p50 / max (for comparison)",
                  f"{statistics.median(lags):.1f} / {max(lags):.1f} s", "", None))

    mem = warren.memory()
    rss_now = rss.get("VmRSS", mem["VmRSS"])
    table.append((f"Warren VmRSS, snapshot + {args.clients} clients", f"{rss_now:.0f} MiB", "<= 150 MB",
                  rss_now * 1.048576 <= 150))
    table.append(("Warren VmHWM (peak)", f"{mem['VmHWM']:.0f} MiB", "<= 150 MB", mem["VmHWM"] * 1.048576 <= 150))
    return table


if __name__ == "__main__":
    main()
