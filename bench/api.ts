// What the JSON API files (docs/api.md) cost: the site outlet with them against the same outlet without them,
// over the same database, in the same run. Targets (issue 18): at most 2 ms more from a command to
// published at 100,000 posts, and at most 20% more for a full rebuild.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createSiteOutlet, type SiteOutlet } from '../src/adapters/outlets/site.js';
import { createHerald } from '../src/app.js';
import type { Actor } from '../src/bot/types.js';
import { loadConfig } from '../src/config.js';
import { seedHistory } from './seed.js';

const root = path.resolve(import.meta.dirname, '..');
const ops: Actor = { platform: 'shell', id: 'bench', name: 'bench' };

export interface ApiBench {
  posts: number;
  /** Per command: the site's publish (incident page, index, feeds) with the API files, and without. */
  publish: { withApi: number[]; without: number[]; withApiCpu: number[]; withoutCpu: number[] };
  rebuild: { withApi: number; without: number; files: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The added milliseconds at the median: each command's own difference, so the two halves share its noise. */
export const addedMs = (b: ApiBench, cpu = false): number => {
  const [withApi, without] = cpu
    ? [b.publish.withApiCpu, b.publish.withoutCpu]
    : [b.publish.withApi, b.publish.without];
  return median(withApi.map((t, i) => t - (without[i] ?? Number.NaN)));
};

const ms = (x: number) => `${x.toFixed(2)} ms`;

/** The rows bench/run.ts prints and writes to docs/benchmarks.md. */
export function apiRows(b: ApiBench): Array<{ what: string; figure: string; target: string; met: boolean }> {
  const posts = b.posts.toLocaleString('en');
  const added = addedMs(b);
  const ratio = b.rebuild.withApi / b.rebuild.without;
  return [
    {
      what: `JSON API files: added to command → published, ${posts} posts (site publish with / without them)`,
      figure: `+${ms(added)} wall, +${ms(addedMs(b, true))} CPU (median of each command's difference; p50 ${ms(median(b.publish.withApi))} / ${ms(median(b.publish.without))})`,
      target: '≤ 2 ms',
      met: added <= 2,
    },
    {
      what: `JSON API files: full rebuild, ${posts} posts (with / without them, ${b.rebuild.files} more files)`,
      figure: `${(b.rebuild.withApi / 1000).toFixed(2)} s / ${(b.rebuild.without / 1000).toFixed(2)} s: ${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(0)}%`,
      target: '≤ +20%',
      met: ratio <= 1.2,
    },
  ];
}

export async function benchApi(posts: number, commands = 40): Promise<ApiBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `herald-bench-api-${posts}-`));
  try {
    const loaded = loadConfig(
      {
        HERALD_DATA_DIR: path.join(dir, 'data'),
        HERALD_PUBLIC_DIR: path.join(dir, 'public'),
        HERALD_PORT: '0',
      },
      root,
    );
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const config = loaded.config;
    seedHistory(config.paths.database, posts, Date.now());
    const herald = createHerald(config, { log: pino({ level: 'silent' }), publishOnChange: false });
    const clock = { now: () => Date.now() };
    const outlet = (api: boolean, folder: string): SiteOutlet =>
      createSiteOutlet({
        store: herald.store,
        site: config.site,
        settings: config.core,
        publicDir: path.join(dir, folder),
        clock,
        api,
      });
    const withApi = outlet(true, 'with-api');
    const without = outlet(false, 'without-api');
    const rebuildOf = (site: SiteOutlet) => {
      const t0 = performance.now();
      const files = site.rebuild().length;
      return { ms: performance.now() - t0, files };
    };
    // Warm both (the first rebuild fills the page cache and JIT), then measure one each, alternating.
    rebuildOf(without);
    rebuildOf(withApi);
    const r1 = rebuildOf(without);
    const r2 = rebuildOf(withApi);
    const publish = {
      withApi: [] as number[],
      without: [] as number[],
      withApiCpu: [] as number[],
      withoutCpu: [] as number[],
    };
    for (let i = 0; i < commands; i++) {
      const text = i % 2 === 0 ? `nc026 web down "bench outage ${i}"` : `nc026 web up "bench ${i}: back"`;
      const outcome = herald.handle({ text, actor: ops });
      if (outcome.kind !== 'recorded') throw new Error(`bench command refused: ${JSON.stringify(outcome)}`);
      const id = outcome.incident.id;
      const pair: Array<[SiteOutlet, number[], number[]]> = [
        [withApi, publish.withApi, publish.withApiCpu],
        [without, publish.without, publish.withoutCpu],
      ];
      if (i % 2) pair.reverse();
      for (const [site, times, cpu] of pair) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await site.publishIncidents([id]);
        times.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
    }
    await herald.close();
    return { posts, publish, rebuild: { withApi: r2.ms, without: r1.ms, files: r2.files - r1.files } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
