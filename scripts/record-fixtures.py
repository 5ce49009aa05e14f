#!/usr/bin/env python3
"""Records a real broker's management API replies for Warren's offline tests.

Usage: scripts/record-fixtures.py VERSION URL   (e.g. 4.0 http://127.0.0.1:15673)

Builds a small, fixed topology in the vhost "prod/eu" (names with "/", "#", "%", spaces and
Chinese; a classic, a quorum and a transient queue; a topic exchange; bindings; a policy and an
operator policy), publishes a few messages, then saves every GET Warren makes about it to
server/tests/fixtures/VERSION/broker.json, keyed by API path. Run again after a broker upgrade.
"""
import base64
import json
import pathlib
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

VERSION, BASE = sys.argv[1], sys.argv[2].rstrip("/")
AUTH = "Basic " + base64.b64encode(b"guest:guest").decode()
VHOST = "prod/eu"
QUEUES = {
    "订单 created/#1%": {"durable": True, "arguments": {"x-queue-type": "classic", "x-max-length": 1000}},
    "orders": {"durable": True, "arguments": {"x-queue-type": "quorum"}},
    "transient": {"durable": False, "arguments": {"x-queue-type": "classic"}},
}
EXCHANGE = "events"
BINDINGS = [("orders", "order.*"), ("订单 created/#1%", "order.created")]


def path(*segments):
    return "/".join(urllib.parse.quote(s, safe="") for s in segments)


def call(method, api_path, body=None, ok_missing=False):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{BASE}/api/{api_path}", data=data, method=method)
    request.add_header("Authorization", AUTH)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            text = reply.read()
            return json.loads(text) if text.strip() else None
    except urllib.error.HTTPError as error:
        if ok_missing and error.code in (404, 500):  # 4.0 answers 500 for a missing vhost's policy
            return None
        raise SystemExit(f"{method} {api_path}: HTTP {error.code} {error.read()[:300]!r}")


def build():
    call("DELETE", path("operator-policies", VHOST, "cap"), ok_missing=True)
    call("DELETE", path("vhosts", VHOST), ok_missing=True)
    call("PUT", path("vhosts", VHOST), {})
    call("PUT", path("permissions", VHOST, "guest"), {"configure": ".*", "write": ".*", "read": ".*"})
    for name, spec in QUEUES.items():
        call("PUT", path("queues", VHOST, name), {"auto_delete": False, **spec})
    call("PUT", path("exchanges", VHOST, EXCHANGE), {"type": "topic", "durable": True})
    for queue, key in BINDINGS:
        call("POST", path("bindings", VHOST, "e", EXCHANGE, "q", queue), {"routing_key": key})
    call("PUT", path("policies", VHOST, "limit-orders"),
         {"pattern": "^orders$", "apply-to": "queues", "definition": {"max-length": 5000}, "priority": 1})
    call("PUT", path("operator-policies", VHOST, "cap"),
         {"pattern": ".*", "apply-to": "queues", "definition": {"max-length-bytes": 1000000000}, "priority": 0})
    for key, copies in [("order.created", 2), ("order.paid", 1)]:
        for _ in range(copies):
            call("POST", path("exchanges", VHOST, EXCHANGE, "publish"),
                 {"properties": {"delivery_mode": 2}, "routing_key": key, "payload": "{}", "payload_encoding": "string"})


def record():
    replies = {}
    for endpoint in ["overview", "nodes", "vhosts", "queues", "exchanges", "bindings", "policies", "operator-policies"]:
        replies[endpoint] = call("GET", endpoint)
    for name in QUEUES:
        replies[path("queues", VHOST, name)] = call("GET", path("queues", VHOST, name))
        replies[path("queues", VHOST, name, "bindings")] = call("GET", path("queues", VHOST, name, "bindings"))
    replies[path("exchanges", VHOST, EXCHANGE)] = call("GET", path("exchanges", VHOST, EXCHANGE))
    for side in ["source", "destination"]:
        key = path("exchanges", VHOST, EXCHANGE, "bindings", side)
        replies[key] = call("GET", key)
    for kind in ["policies", "operator-policies"]:
        replies[path(kind, VHOST)] = call("GET", path(kind, VHOST))
    return replies


build()
time.sleep(12)  # management stats (counts, rates, applied policies) arrive every 5 s; quorum queues later
out = pathlib.Path(__file__).resolve().parent.parent / "server/tests/fixtures" / VERSION / "broker.json"
out.write_text(json.dumps(record(), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
call("DELETE", path("operator-policies", VHOST, "cap"))
call("DELETE", path("vhosts", VHOST))
print(f"recorded {out}")
