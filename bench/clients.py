#!/usr/bin/env python3
"""Warren's client lists at scale: 10,000 AMQP connections with 20,000 channels on the local broker.

    python3 bench/clients.py                    # 10,000 connections x 2 channels, 200 viewers
    python3 bench/clients.py --connections 1000 --viewers 50   # a quicker run

Steps:
 1. A load generator (this script, re-run as a child process with --hold) opens the connections
    from one process, each named `bench client N` with C channels open, heartbeats off, to the
    vhost `warren-bench-clients`, and holds them until it is stopped. It speaks just enough AMQP
    0-9-1 (handshake, channel.open) over asyncio: a client library's per-connection machinery
    would make one process hold 10,000 far more slowly.
 2. The broker's own paged list, as the built-in UI asks it (every connection sorted by bytes
    received, page of 50, columns=), timed; likewise channels.
 3. Warren's release binary started against the broker (see bench/live.py); once its snapshot
    lists every connection: `list_connections` and `list_channels` (same sort, page of 50)
    timed, p50/p95.
 4. Broker requests per interval with 1 live viewer of the connections page and with --viewers
    (each its own SSE stream of the same page), from Warren's /metrics: the lists are read once
    per refresh however many watch.
 5. Warren's memory, the refresh time, one table with the targets.
"""
import argparse
import asyncio
import json
import os
import signal
import struct
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import live  # noqa: E402  the Warren runner, HTTP client, timings and SSE clients
from live import Http, Warren, fmt, log, print_table, raise_open_files, timed, unwrap  # noqa: E402

VHOST = "warren-bench-clients"
VHOST_Q = urllib.parse.quote(VHOST, safe="")
CONNECTION_COLUMNS = ("name,user,vhost,client_properties,protocol,ssl,channels,state,"
                      "recv_oct_details.rate,send_oct_details.rate,timeout,connected_at,node")
CHANNEL_COLUMNS = ("name,user,vhost,number,connection_details,confirm,transactional,prefetch_count,"
                   "consumer_count,messages_unacknowledged,messages_unconfirmed,state,node")


# ---------------------------------------------------------------- the load generator (--hold)

def frame(kind, channel, payload):
    return struct.pack(">BHI", kind, channel, len(payload)) + payload + b"\xce"


def method(channel, class_id, method_id, args=b""):
    return frame(1, channel, struct.pack(">HH", class_id, method_id) + args)


def shortstr(text):
    data = text.encode()
    return struct.pack(">B", len(data)) + data


def longstr(data):
    return struct.pack(">I", len(data)) + data


async def read_method(reader):
    """The next method frame's (class, method, arguments); heartbeats are off, so nothing else comes."""
    kind, _channel, size = struct.unpack(">BHI", await reader.readexactly(7))
    payload = (await reader.readexactly(size + 1))[:-1]  # without the frame-end octet
    if kind != 1:
        raise RuntimeError(f"unexpected frame type {kind}")
    class_id, method_id = struct.unpack(">HH", payload[:4])
    return class_id, method_id, payload[4:]


async def open_client(port, vhost, user, password, name, channels):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"AMQP\x00\x00\x09\x01")
    await read_method(reader)  # connection.start
    properties = shortstr("connection_name") + b"S" + longstr(name.encode())
    start_ok = (longstr(properties) + shortstr("PLAIN") + longstr(f"\0{user}\0{password}".encode())
                + shortstr("en_US"))
    writer.write(method(0, 10, 11, start_ok))
    _, tuned, args = await read_method(reader)  # connection.tune
    if tuned != 30:
        raise RuntimeError(f"the broker refused the login (method 10.{tuned})")
    channel_max, frame_max, _heartbeat = struct.unpack(">HIH", args[:8])
    writer.write(method(0, 10, 31, struct.pack(">HIH", channel_max, frame_max, 0)))  # heartbeats off
    writer.write(method(0, 10, 40, shortstr(vhost) + shortstr("") + b"\x00"))
    _, opened, _ = await read_method(reader)
    if opened != 41:
        raise RuntimeError(f"the broker refused vhost {vhost!r} (method 10.{opened})")
    for number in range(1, channels + 1):
        writer.write(method(number, 20, 10, shortstr("")))
        await read_method(reader)  # channel.open-ok
    return writer


async def hold(args):
    user, password = args.auth.split(":", 1)
    port = urllib.parse.urlsplit(args.broker).port - 10_000  # as scripts/broker.sh runs them
    gate = asyncio.Semaphore(100)
    writers = []

    async def one(i):
        async with gate:
            writers.append(await open_client(port, VHOST, user, password, f"bench client {i}", args.channels))

    started = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(args.connections)))
    print(json.dumps({"opened": len(writers), "seconds": time.monotonic() - started}), flush=True)
    await asyncio.Event().wait()  # until killed


# ---------------------------------------------------------------- the measurement

def warren_list(warren, function, sort, page_size=50):
    query = {"vhost": None, "filter": "", "regex": False, "sort": sort, "desc": True, "page": 1,
             "page_size": page_size}
    return warren.http.request("POST", f"/api/{function}", {"cluster": live.CLUSTER, "query": query},
                               headers={"accept": "application/json"})


def broker_list(broker, kind, sort, columns):
    query = urllib.parse.urlencode({"page": 1, "page_size": 50, "sort": sort, "sort_reverse": "true",
                                    "columns": columns})
    return broker.request("GET", f"/api/{kind}?{query}")


def wait_for(what, check, timeout):
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"no {what} after {timeout} s")
        time.sleep(1)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=2, help="channels per connection")
    parser.add_argument("--viewers", type=int, default=200, help="live viewers of the connections page")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per latency case")
    parser.add_argument("--refreshes", type=int, default=3, help="refreshes per requests-per-interval row")
    parser.add_argument("--interval", type=int, default=5, help="Warren's refresh_interval_secs")
    parser.add_argument("--warren-bin", default=live.default_binary())
    parser.add_argument("--broker", default="http://127.0.0.1:15672")
    parser.add_argument("--auth", default="guest:guest")
    parser.add_argument("--hold", action="store_true", help="(internal) be the load generator")
    args = parser.parse_args()
    raise_open_files(args.connections + args.viewers)
    if args.hold:
        asyncio.run(hold(args))
        return
    args.clients, args.keep_logs = args.viewers, False  # what live.Warren reads

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)

    broker = Http(args.broker, args.auth)
    warren = Warren(args)
    warren.check_binary()
    broker.request("PUT", f"/api/vhosts/{VHOST_Q}", {})
    user = urllib.parse.quote(args.auth.split(":")[0], safe="")
    broker.request("PUT", f"/api/permissions/{VHOST_Q}/{user}", {"configure": ".*", "write": ".*", "read": ".*"})
    def listed(kind):
        return json.loads(broker.request("GET", f"/api/{kind}?page=1&page_size=1&columns=name"))["total_count"]
    before = {kind: listed(kind) for kind in ("connections", "channels")}
    generator = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--hold", *sys.argv[1:]],
                                 stdout=subprocess.PIPE, text=True, start_new_session=True)
    table = []
    try:
        opened = json.loads(generator.stdout.readline() or "{}")
        if opened.get("opened") != args.connections:
            raise SystemExit(f"the load generator failed: {opened}")
        log(f"opened {args.connections} connections x {args.channels} channels in {opened['seconds']:.0f} s")
        table.append((f"load generator: {args.connections} connections, {args.connections * args.channels} channels",
                      fmt(opened["seconds"], " s", 0), "", None))

        total = {"connections": before["connections"] + args.connections,
                 "channels": before["channels"] + args.connections * args.channels}
        for kind, count in total.items():
            wait_for(f"{count} {kind} in the broker's list", lambda: listed(kind) >= count, 300)

        lat = {}
        for key, label, fn in [
            ("bc", "broker /api/connections page, sorted by bytes received",
             lambda: broker_list(broker, "connections", "recv_oct_details.rate", CONNECTION_COLUMNS)),
            ("bh", "broker /api/channels page, sorted by unacked",
             lambda: broker_list(broker, "channels", "messages_unacknowledged", CHANNEL_COLUMNS)),
        ]:
            lat[key] = timed(fn, args.runs)
            log(f"{label:<72} p50 {lat[key]['p50']:8.1f} p95 {lat[key]['p95']:8.1f} ms")

        warren.start()
        took = wait_for("connections in Warren's snapshot", lambda: unwrap(json.loads(
            warren_list(warren, "list_connections", "")))["total"] >= total["connections"], 600)
        log(f"Warren lists them all {took:.0f} s after /healthz")
        for key, label, fn in [
            ("wc", "Warren list_connections, sorted by bytes received",
             lambda: warren_list(warren, "list_connections", "recv")),
            ("wh", "Warren list_channels, sorted by unacked", lambda: warren_list(warren, "list_channels", "unacked")),
        ]:
            lat[key] = timed(fn, args.runs)
            log(f"{label:<72} p50 {lat[key]['p50']:8.1f} p95 {lat[key]['p95']:8.1f} ms")
        for (w, b, what) in (("wc", "bc", "connections"), ("wh", "bh", "channels")):
            table.append((f"broker's {what} page p50 / p95", f"{lat[b]['p50']:.0f} / {lat[b]['p95']:.0f} ms", "", None))
            table.append((f"Warren's {what} list p50 / p95", f"{lat[w]['p50']:.1f} / {lat[w]['p95']:.1f} ms",
                          "p95 <= 25 ms", lat[w]["p95"] <= 25))

        page = f"/live/{live.CLUSTER}/connections?" + urllib.parse.urlencode({"sort": "recv", "desc": "1"})
        one = asyncio.run(live.scenario(warren, "1 viewer, connections page", [page], args.refreshes))
        many = asyncio.run(live.scenario(warren, f"{args.viewers} viewers, connections page",
                                         [page] * args.viewers, args.refreshes))
        for r in (one, many):
            table.append((f"broker requests per refresh / per {args.interval} s, {r['label']}",
                          f"{r['per_refresh']:.2f} / {r['per_interval']:.2f}", "", None))
        ratio = many["per_refresh"] / one["per_refresh"]
        table.append((f"  {args.viewers} viewers vs 1, per refresh", f"{ratio:.3f}x", "<= 1.05x", ratio <= 1.05))
        table.append(("  refresh time / seconds per refresh",
                      f"{one['refresh_ms'] / 1000:.1f} / {one['secs_per_refresh']:.1f} s", "", None))
        table.append(("  events per viewer over the refreshes (min)", f"{many['events_min']}", ">= 1",
                      many["events_min"] >= 1))
        mem = warren.memory()
        table.append(("Warren VmRSS / VmHWM", f"{mem['VmRSS']:.0f} / {mem['VmHWM']:.0f} MiB", "", None))
        print_table(table)
    except KeyboardInterrupt:
        log("\ninterrupted")
        sys.exit(130)
    finally:
        warren.stop()
        os.killpg(generator.pid, signal.SIGTERM)
        generator.wait()
        # Deleting the vhost closes what is left of the connections.
        broker.request("DELETE", f"/api/vhosts/{VHOST_Q}")


if __name__ == "__main__":
    main()
