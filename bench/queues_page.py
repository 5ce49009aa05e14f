#!/usr/bin/env python3
"""Queue page latency: Warren's queue page vs the broker's own paged queue query.

Creates N queues (default 5,000) in the vhost `warren-bench` on the local broker (once; kept for
later runs, `--cleanup` removes them), puts messages in some of them, then times, in one run:
  - the broker's /api/queues/{vhost} paged and sorted by backlog, as Warren asks it (with columns=),
  - the same query as the built-in management UI sends it (all columns),
  - Warren's list_queues server function (what the page fetches when it hydrates or refreshes),
  - Warren's whole server-rendered queue page.
Prints p50 / p95 / mean in milliseconds. Needs a running broker and a running Warren
(scripts/dev.sh). Standard library only.
"""
import argparse
import base64
import concurrent.futures
import json
import statistics
import time
import urllib.parse
import urllib.request

VHOST = "warren-bench"


def request(method, url, body=None, auth=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("content-type", "application/json")
    if auth:
        req.add_header("authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    with urllib.request.urlopen(req, timeout=120) as response:
        return response.read()


def broker_api(args, method, path, body=None):
    return request(method, f"{args.broker}/api/{path}", body, auth=args.auth)


def ensure_queues(args):
    vhost = urllib.parse.quote(VHOST, safe="")
    broker_api(args, "PUT", f"vhosts/{vhost}", {})
    broker_api(args, "PUT", f"permissions/{vhost}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
    existing = json.loads(broker_api(args, "GET", f"queues/{vhost}?page=1&page_size=1&columns=name"))["total_count"]
    if existing < args.queues:
        print(f"creating {args.queues - existing} queues in vhost {VHOST} ...", flush=True)
        started = time.time()

        def create(i):
            broker_api(args, "PUT", f"queues/{vhost}/bench-q-{i:05d}", {"durable": True})

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(create, range(args.queues)))
        for i in range(0, args.queues, max(1, args.queues // 50)):
            for _ in range(i % 7 + 1):
                broker_api(args, "POST", f"exchanges/{vhost}/amq.default/publish",
                           {"properties": {"delivery_mode": 2}, "routing_key": f"bench-q-{i:05d}",
                            "payload": "x", "payload_encoding": "string"})
        print(f"created in {time.time() - started:.0f} s", flush=True)
    # The broker lists a queue only after its stats arrive.
    for _ in range(120):
        listed = json.loads(broker_api(args, "GET", f"queues/{vhost}?page=1&page_size=1&columns=name"))["total_count"]
        if listed >= args.queues:
            return listed
        time.sleep(1)
    raise SystemExit(f"the broker lists only {listed} of {args.queues} queues")


def timed(fn, runs):
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    return statistics.median(samples), p95, statistics.fmean(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queues", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--broker", default="http://127.0.0.1:15672")
    parser.add_argument("--auth", default="guest:guest")
    parser.add_argument("--console", default="http://127.0.0.1:3000")
    parser.add_argument("--cluster", default="local")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--cleanup", action="store_true", help="delete the bench vhost and exit")
    args = parser.parse_args()

    if args.cleanup:
        broker_api(args, "DELETE", f"vhosts/{urllib.parse.quote(VHOST, safe='')}")
        print(f"deleted vhost {VHOST}")
        return

    listed = ensure_queues(args)
    vhost = urllib.parse.quote(VHOST, safe="")
    sort = f"page=1&page_size={args.page_size}&sort=messages_ready&sort_reverse=true"
    columns = ("vhost,name,type,durable,auto_delete,exclusive,arguments,state,messages_ready,"
               "messages_unacknowledged,messages,message_stats.publish_details.rate,"
               "message_stats.deliver_get_details.rate,consumers,policy")
    query = {"vhost": VHOST, "filter": "", "regex": False, "sort": "ready", "desc": True, "page": 1,
             "page_size": args.page_size}
    page_url = f"{args.console}/c/{args.cluster}/queues?vhost={vhost}&sort=ready&desc=1"
    cases = [
        ("broker /api/queues, paged + sorted, columns= (Warren's query)",
         lambda: broker_api(args, "GET", f"queues/{vhost}?{sort}&columns={columns}")),
        ("broker /api/queues, paged + sorted, all columns (built-in UI)",
         lambda: broker_api(args, "GET", f"queues/{vhost}?{sort}")),
        ("Warren list_queues server function (JSON)",
         lambda: request("POST", f"{args.console}/api/list_queues", {"cluster": args.cluster, "query": query},
                         headers={"accept": "application/json"})),
        ("Warren queue page, server-rendered HTML",
         lambda: request("GET", page_url)),
    ]
    print(f"\n{listed} queues in vhost {VHOST}, page of {args.page_size} sorted by ready desc, {args.runs} runs each\n")
    print(f"{'request':<66} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for name, fn in cases:
        p50, p95, mean = timed(fn, args.runs)
        print(f"{name:<66} {p50:>8.1f} {p95:>8.1f} {mean:>8.1f}")


if __name__ == "__main__":
    main()
