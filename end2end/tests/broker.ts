// Test data on the real broker, through its management API.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const MGMT = process.env.WARREN_E2E_BROKER ?? 'http://127.0.0.1:15672';
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');

export const VHOST = 'prod/eu';
export const ODD_QUEUE = '订单 created/#1%';
export const ODD_EXCHANGE = 'orders#x';
/** Queues with known backlogs, to check sorting and filtering. */
export const SORT_QUEUES: Array<[string, number]> = [
  ['e2e-sort-small', 1],
  ['e2e-sort-large', 7],
  ['e2e-sort-medium', 3],
];

const enc = encodeURIComponent;

export async function api(method: string, apiPath: string, body?: unknown): Promise<Response> {
  return apiOn(MGMT, method, apiPath, body);
}

/** The management API of the broker at `base`, as guest. */
export async function apiOn(base: string, method: string, apiPath: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${base}/api/${apiPath}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok && !(method === 'DELETE' && response.status === 404)) {
    throw new Error(`${method} ${apiPath}: HTTP ${response.status} ${await response.text()}`);
  }
  return response;
}

/** The broker's HTTP status for a GET: 404 once an object is gone. */
export async function apiStatus(apiPath: string): Promise<number> {
  const response = await fetch(`${MGMT}/api/${apiPath}`, { headers: { authorization: AUTH } });
  return response.status;
}

async function publish(vhost: string, exchange: string, routingKey: string, count: number) {
  for (let i = 0; i < count; i++) {
    await api('POST', `exchanges/${enc(vhost)}/${enc(exchange)}/publish`, {
      properties: { delivery_mode: 2 },
      routing_key: routingKey,
      payload: `e2e ${i}`,
      payload_encoding: 'string',
    });
  }
}

/** Publishes `count` persistent messages straight to a queue (through the default exchange). */
export async function publishTo(vhost: string, queue: string, count: number) {
  await publish(vhost, 'amq.default', queue, count);
}

/** The first node of each 3-node cluster (`trio`, RabbitMQ 3.10, and `trio4`, 4.0) in warren.e2e.toml. */
export const CLUSTERS: Record<string, string> = { trio: 'http://127.0.0.1:15681', trio4: 'http://127.0.0.1:15701' };
/** The 3.10 node booted with stable feature flags off: cluster `flags` in warren.e2e.toml. */
export const FLAGS_NODE = 'http://127.0.0.1:15674';
export const BROKER4 = process.env.WARREN_E2E_BROKER4 ?? 'http://127.0.0.1:15673';

/** Whether a broker's management API answers. */
export async function answers(base: string): Promise<boolean> {
  return fetch(`${base}/api/overview`, { headers: { authorization: AUTH } }).then((r) => r.ok, () => false);
}

/**
 * The broker account the console under test signs in with, on both local brokers, and on the
 * 3-node clusters and the `flags` node if they run (scripts/test.sh starts them; rolling.spec.ts and
 * cluster.spec.ts need them).
 */
export async function setBrokerUser(name: string, password: string) {
  const clusters: string[] = [];
  for (const [cluster, base] of Object.entries({ ...CLUSTERS, '3.10-flags': FLAGS_NODE })) {
    if (await answers(base)) clusters.push(base);
    else console.log(`cluster ${cluster} (${base}) does not answer: its tests will fail (scripts/broker.sh start ${cluster})`);
  }
  for (const base of [MGMT, BROKER4, ...clusters]) await brokerUserOn(base, name, password);
}

async function brokerUserOn(base: string, name: string, password: string) {
  await apiOn(base, 'PUT', `users/${enc(name)}`, { password, tags: 'administrator' });
  await apiOn(base, 'PUT', `permissions/%2F/${enc(name)}`, { configure: '.*', write: '.*', read: '.*' });
}

/** The `flags` node wiped and booted again with its stable feature flags off, and the console's account on it. */
export async function resetFlagsNode(name: string, password: string) {
  execFileSync(path.resolve(__dirname, '../../scripts/broker.sh'), ['reset', '3.10-flags'], { stdio: 'inherit', timeout: 180_000 });
  await brokerUserOn(FLAGS_NODE, name, password);
}

/** Removes then creates the e2e objects, so every run starts from the same state. */
export async function resetTestData(consoleAccount: string) {
  await api('DELETE', `vhosts/${enc(VHOST)}`);
  await api('PUT', `vhosts/${enc(VHOST)}`, {});
  await api('PUT', `permissions/${enc(VHOST)}/guest`, { configure: '.*', write: '.*', read: '.*' });
  // The console's own broker account writes there too (publish, get, policies).
  await api('PUT', `permissions/${enc(VHOST)}/${enc(consoleAccount)}`, { configure: '.*', write: '.*', read: '.*' });
  await api('PUT', `queues/${enc(VHOST)}/${enc(ODD_QUEUE)}`, { durable: true, arguments: { 'x-max-length': 10000 } });
  await api('PUT', `exchanges/${enc(VHOST)}/${enc(ODD_EXCHANGE)}`, { type: 'topic', durable: true });
  await api('POST', `bindings/${enc(VHOST)}/e/${enc(ODD_EXCHANGE)}/q/${enc(ODD_QUEUE)}`, { routing_key: 'order.#' });
  await publish(VHOST, ODD_EXCHANGE, 'order.created', 2);
  for (const [name, count] of SORT_QUEUES) {
    await api('PUT', `queues/${enc(VHOST)}/${enc(name)}`, { durable: true });
    await publish(VHOST, 'amq.default', name, count);
  }
}

/** Starts or stops the local 3.10 broker with the project's own script. */
export function broker(action: 'start' | 'stop') {
  const script = path.resolve(__dirname, '../../scripts/broker.sh');
  execFileSync(script, [action, '3.10'], { stdio: 'inherit', timeout: 180_000 });
}
