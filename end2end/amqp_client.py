"""A real AMQP client for the browser tests (pika, in end2end/.venv; scripts/setup.sh installs
it): connects to a vhost as guest under a connection name of its own, opens a channel in confirm
mode and one with a prefetch of 10, prints "ready" and waits. With a QUEUE, it declares it and
consumes from it on the second channel with manual acks, and on a third channel with auto-ack.
When the broker closes the connection it prints "closed <code> <text>", the words its client was
told, and exits.

Usage: amqp_client.py PORT VHOST CONNECTION_NAME [QUEUE]
"""
import sys

import pika

port, vhost, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
queue = sys.argv[4] if len(sys.argv) > 4 else None
parameters = pika.ConnectionParameters(
    host="127.0.0.1",
    port=port,
    virtual_host=vhost,
    credentials=pika.PlainCredentials("guest", "guest"),
    client_properties={"connection_name": name},
)
connection = pika.BlockingConnection(parameters)
connection.channel().confirm_delivery()
consuming = connection.channel()
consuming.basic_qos(prefetch_count=10)
if queue:
    consuming.queue_declare(queue, durable=True)
    consuming.basic_consume(queue, lambda *_: None, consumer_tag="e2e manual")
    connection.channel().basic_consume(queue, lambda *_: None, auto_ack=True, consumer_tag="e2e auto")
print("ready", flush=True)
try:
    while True:
        connection.process_data_events(time_limit=1)
except pika.exceptions.ConnectionClosedByBroker as closed:
    print(f"closed {closed.reply_code} {closed.reply_text}", flush=True)
