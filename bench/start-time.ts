// `npx tsx bench/start-time.ts [runs] [checkout…]`: how long `herald start` (the compiled CLI, not at a
// terminal) takes from its spawn to the banner's "Status site on" line, the line the chat crash campaigns
// wait for at each of their starts. Each checkout given (this one by default; each built with
// `npm run build`) is started `runs` times (10 by default) after one unmeasured start, the checkouts in turn,
// so that what else the machine does falls on all of them alike. Three configurations: no chat platform;
// Slack (HTTP) and Discord (signed interactions) as the chat crash campaigns configure them; and the same with
// a Discord bot token (the gateway, on the fake Discord). Prints the median, the fastest and the slowest.
// Never part of `npm test`; everything runs on 127.0.0.1.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FAKE_DISCORD_TOKEN } from '../test/fakes/discord.js';
import { root } from '../test/helpers/cli.js';
import { closeChatWorld, createChatWorld, spawnHerald } from '../test/reliability/chat-crash-harness.js';

const runs = Number(process.argv[2] ?? 10);
const checkouts = process.argv.length > 3 ? process.argv.slice(3).map((c) => path.resolve(c)) : [root];
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`runs must be a positive integer, not ${process.argv[2]}`);

const CONFIGURATIONS = {
  'no chat platform': (env: NodeJS.ProcessEnv) =>
    Object.fromEntries(Object.entries(env).filter(([k]) => !/^(SLACK|DISCORD)_/.test(k))),
  'Slack + Discord interactions': (env: NodeJS.ProcessEnv) => env,
  'Slack + Discord with the gateway': (env: NodeJS.ProcessEnv) => ({
    ...env,
    DISCORD_TOKEN: FAKE_DISCORD_TOKEN,
  }),
} as const;

/** Milliseconds from the spawn to "Status site on"; the process is then stopped with SIGTERM. */
async function timeStart(checkout: string, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const started = performance.now();
  const herald = spawnHerald(env, cwd, path.join(checkout, 'bin', 'herald.js'));
  await herald.url;
  const ready = performance.now() - started;
  herald.child.kill('SIGTERM');
  const { code } = await herald.exit;
  if (code !== 0) throw new Error(`herald start exited ${code} after SIGTERM: ${herald.stderr()}`);
  return ready;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

for (const [name, configure] of Object.entries(CONFIGURATIONS)) {
  const worlds = await Promise.all(checkouts.map((_, i) => createChatWorld(i, 1)));
  try {
    const times = checkouts.map(() => [] as number[]);
    for (let run = 0; run <= runs; run++) {
      for (const [i, checkout] of checkouts.entries()) {
        const world = worlds[i] as (typeof worlds)[number];
        const ms = await timeStart(checkout, configure(world.env), world.dir);
        if (run > 0) times[i]?.push(ms); // the first start of each world creates its database
      }
    }
    for (const [i, checkout] of checkouts.entries()) {
      const t = times[i] as number[];
      console.log(
        `${name}, ${checkout}: median ${seconds(median(t))} (${seconds(Math.min(...t))}–${seconds(Math.max(...t))}, ${t.length} starts)`,
      );
    }
  } finally {
    await Promise.all(worlds.map((w) => closeChatWorld(w, false)));
  }
}
