// `herald publish [--rebuild]` and `herald serve`: one round of deliveries, and the status site alone.

import { EXIT } from '../exit-codes.js';
import { type Io, listenOrExit, openHerald, untilSignal } from './common.js';

export async function publishCommand(options: { rebuild: boolean }, io: Io): Promise<number> {
  const { rebuild } = options;
  const opened = await openHerald(io, { oneShot: true });
  if (typeof opened === 'number') return opened;
  const { config, herald } = opened;
  try {
    const reports = await herald.publisher.runOnce();
    const written = rebuild ? herald.site.rebuild() : [];
    for (const r of reports) {
      io.stdout.write(`${r.outlet}: ${r.sent} sent, ${r.retrying} to retry, ${r.failed} failed\n`);
      for (const e of r.errors) io.stdout.write(`  ${e}\n`);
    }
    const waiting = herald.store.deliveries({ status: 'pending' });
    const byOutlet = new Map<string, number>();
    for (const d of waiting) byOutlet.set(d.outlet, (byOutlet.get(d.outlet) ?? 0) + 1);
    for (const [outlet, n] of byOutlet) io.stdout.write(`${outlet}: ${n} still pending\n`);
    if (rebuild) io.stdout.write(`site: rebuilt ${written.length} files in ${config.paths.publicDir}\n`);
    return EXIT.ok;
  } finally {
    await herald.close();
  }
}

export async function serveCommand(io: Io): Promise<number> {
  const opened = await openHerald(io, { oneShot: false });
  if (typeof opened === 'number') return opened;
  const { config, log, herald } = opened;
  const signal = untilSignal();
  try {
    const server = await listenOrExit(herald, io, log);
    if (typeof server === 'number') return server;
    io.stdout.write(`Serving ${config.paths.publicDir} on ${server.url} (Ctrl-C stops)\n`);
    await signal;
    await server.close();
    return EXIT.ok;
  } finally {
    await herald.close();
  }
}
