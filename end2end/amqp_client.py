"""A real AMQP client for the browser tests (pika, in end2end/.venv; scripts/setup.sh installs
it): connects to a vhost as guest under a connection name of its own, opens a channel in confirm
mode and one with a prefetch of 10, prints "ready" and waits. When the broker closes the
connection it prints "closed <code> <text>", the words its client was told, and exits.

Usage: amqp_client.py PORT VHOST CONNECTION_NAME
"""
import sys

import pika

port, vhost, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
parameters = pika.ConnectionParameters(
    host="127.0.0.1",
    port=port,
    virtual_host=vhost,
    credentials=pika.PlainCredentials("guest", "guest"),
    client_properties={"connection_name": name},
)
connection = pika.BlockingConnection(parameters)
connection.channel().confirm_delivery()
connection.channel().basic_qos(prefetch_count=10)
print("ready", flush=True)
try:
    while True:
        connection.process_data_events(time_limit=1)
except pika.exceptions.ConnectionClosedByBroker as closed:
    print(f"closed {closed.reply_code} {closed.reply_text}", flush=True)
