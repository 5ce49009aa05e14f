#!/usr/bin/env python3
"""Records a real broker's replies about its clients for Warren's offline tests: one AMQP
connection with a name of its own, one channel with a prefetch and a manual-ack consumer.

Usage: end2end/.venv/bin/python scripts/record-clients.py VERSION URL AMQP_PORT
       (e.g. 4.0 http://127.0.0.1:15673 5673; pika comes with scripts/setup.sh)

Adds `connections`, `channels`, `consumers` and the connection's and channel's own objects to
server/tests/fixtures/VERSION/broker.json (recorded by record-fixtures.py), keyed by API path.
"""
import base64
import json
import pathlib
import sys
import time
import urllib.parse
import urllib.request

import pika

VERSION, BASE, PORT = sys.argv[1], sys.argv[2].rstrip("/"), int(sys.argv[3])
AUTH = "Basic " + base64.b64encode(b"guest:guest").decode()


def get(api_path):
    request = urllib.request.Request(f"{BASE}/api/{api_path}")
    request.add_header("Authorization", AUTH)
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def path(*segments):
    return "/".join(urllib.parse.quote(s, safe="") for s in segments)


connection = pika.BlockingConnection(pika.ConnectionParameters(
    host="127.0.0.1", port=PORT, credentials=pika.PlainCredentials("guest", "guest"),
    client_properties={"connection_name": "warren-probe 连接 #1", "product": "warren-probe"}))
channel = connection.channel()
channel.basic_qos(prefetch_count=5)
queue = channel.queue_declare("", exclusive=True).method.queue
channel.basic_consume(queue, lambda *_: None, auto_ack=False, consumer_tag="warren-probe consumer")
connection.process_data_events(time_limit=12)  # the broker's stats arrive every 5 s

out = pathlib.Path(__file__).resolve().parent.parent / "server/tests/fixtures" / VERSION / "broker.json"
replies = {k: v for k, v in json.loads(out.read_text()).items() if not k.startswith(("connections", "channels"))}
replies["connections"] = [c for c in get("connections") if c.get("user_provided_name") == "warren-probe 连接 #1"]
name = replies["connections"][0]["name"]
replies[path("connections", name)] = get(path("connections", name))
replies["channels"] = [c for c in get("channels") if c["connection_details"]["name"] == name]
replies[path("channels", f"{name} (1)")] = get(path("channels", f"{name} (1)"))
replies["consumers"] = [c for c in get("consumers") if c["channel_details"]["connection_name"] == name]
connection.close()
out.write_text(json.dumps(replies, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
print(f"recorded {out}")
