// A real AMQP client for the browser tests: end2end/amqp_client.py, run with pika from
// end2end/.venv (scripts/setup.sh installs it), on the local 3.10 broker's vhost VHOST.
import { ChildProcess, spawn } from 'child_process';
import path from 'path';
import { VHOST } from './broker';
import { expect } from './helpers';

const END2END = path.resolve(__dirname, '..');

/** Starts the client; resolves once it is connected. `said()` is everything it printed. */
export async function amqpClient(name: string, queue?: string): Promise<{ child: ChildProcess; said: () => string }> {
  const args = [path.join(END2END, 'amqp_client.py'), '5672', VHOST, name, ...(queue ? [queue] : [])];
  const child = spawn(path.join(END2END, '.venv/bin/python'), args);
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  await expect.poll(() => out, { timeout: 15_000 }).toContain('ready');
  return { child, said: () => out };
}

