// The first-load table (issue 20): for each page, bytes on the wire by type with brotli and with
// gzip only, time until hydrated (also with the CPU throttled 4×, as a TV), and what a second visit
// downloads. Run with bench/first_load.sh (a release build, precompressed, against the local brokers).
import { ADMIN_STATE } from '../tests/accounts';
import { test } from '../tests/helpers';
import { Load, measure, pages, TYPES } from '../tests/weight';

const kb = (bytes: number) => (bytes / 1000).toFixed(1);

test('first load of every page', async ({ browser }) => {
  const { pages: urls, kioskState } = await pages(browser);
  const rows: string[] = [
    `| page | ${TYPES.map((t) => `${t} br`).join(' | ')} | total br (KB) | total gzip (KB) | hydrated (ms) | hydrated 4× CPU (ms) | second visit (B) |`,
    `| --- | ${TYPES.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: | ---: |`,
  ];
  for (const [name, url] of Object.entries(urls)) {
    const state = name === 'kiosk' ? kioskState : ADMIN_STATE;
    const br: Load = await measure(browser, url, state);
    const gz = await measure(browser, url, state, { gzipOnly: true });
    const slow = await measure(browser, url, state, { cpuSlowdown: 4 });
    rows.push(
      `| ${name} | ${TYPES.map((t) => kb(br.first[t])).join(' | ')} | ${kb(br.first.total)} | ${kb(gz.first.total)} | ${br.hydratedMs} | ${slow.hydratedMs} | ${br.again} |`,
    );
  }
  console.log(`\nFirst load (KB on the wire, cold cache; ${new Date().toISOString()}):\n\n${rows.join('\n')}\n`);
});
