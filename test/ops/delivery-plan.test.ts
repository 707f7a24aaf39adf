// Issue 15, case 7: what goes where is decided by the Herald that delivers. `herald run` in a shell without
// the platforms' credentials records a command while `herald start`, which has them, runs on the same data
// folder: the command gets a delivery for every outlet the running Herald has (the Slack and Discord
// announcement channels included), its answer says none of them is a dry run, and the running Herald then
// posts it to each platform's fake, once.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';
import { FAKE_CHANNEL_ID } from '../fakes/discord.js';
import { FAKE_SLACK } from '../fakes/slack.js';
import {
  bin,
  type CliResult,
  type CliWorld,
  createCliWorld,
  killRunningHeralds,
  type RunningHerald,
  startRunningHerald,
} from '../helpers/cli.js';
import { type FakePlatforms, startFakePlatforms } from '../helpers/fake-platforms.js';

let platforms: FakePlatforms | null = null;
let world: CliWorld | null = null;
let herald: RunningHerald | null = null;
afterEach(async () => {
  await herald?.stop();
  killRunningHeralds();
  await platforms?.close();
  if (world) fs.rmSync(world.dir, { recursive: true, force: true });
  herald = null;
  platforms = null;
  world = null;
});

/** `herald run` as typed in a shell that has none of the platforms' credentials. */
function runWithoutCredentials(
  w: CliWorld,
  credentials: NodeJS.ProcessEnv,
  text: string,
): Promise<CliResult> {
  const env = Object.fromEntries(Object.entries(w.env).filter(([key]) => !(key in credentials)));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'run', text],
      { cwd: w.dir, env, encoding: 'utf8' },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

it('herald run records for the running Herald’s outlets and says so; the running Herald posts everywhere', async () => {
  platforms = await startFakePlatforms();
  world = createCliWorld();
  Object.assign(world.env, platforms.env);
  herald = await startRunningHerald(world);

  const run = await runWithoutCredentials(world, platforms.env, 'nc018 smtp down "spam cleanup"');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  // The answer tells what will happen: every network for real (the running Herald has the credentials),
  // the announcement channels too, and who delivers.
  expect(run.stdout).not.toMatch(/dry run/);
  const goesTo = /Goes to: (.*)/.exec(run.stdout)?.[1] ?? '';
  for (const outlet of ['site', 'twitter', 'mastodon', 'bluesky', 'slack', 'discord'])
    expect(goesTo, outlet).toContain(outlet);
  expect(run.stdout).toContain(`Delivered by the running Herald (pid ${herald.pid})`);

  const fakes = platforms;
  await vi.waitFor(
    () => {
      expect(fakes.twitter.tweets.map((t) => t.text).join('\n')).toContain('spam cleanup');
      expect(fakes.mastodon.statuses).toHaveLength(1);
      expect(fakes.bluesky.posts).toHaveLength(1);
      expect(fakes.slack.messages.filter((m) => m.channel === FAKE_SLACK.announceChannel)).toHaveLength(1);
      expect(fakes.discord.messages.filter((m) => m.channelId === FAKE_CHANNEL_ID)).toHaveLength(1);
    },
    { timeout: 20_000, interval: 100 },
  );
  expect(fakes.twitter.tweets).toHaveLength(1);
});

it('herald run with no Herald running says the deliveries wait for one', async () => {
  world = createCliWorld();
  const run = world.run(['run', 'nc018 smtp down "spam cleanup"']);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('No Herald is running on this data folder');
  expect(run.stdout).toContain('herald start');
});
