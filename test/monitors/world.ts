// A whole Herald as `herald start` wires it for monitors: the composition root over a real store, its HTTP
// server on loopback with the hooks mounted by createChatAdapters (the shared inbox and its worker), the
// social outlets switched on against their local fakes, and a test board that records what it is shown.
// The clock is real unless a test sets it (Alertmanager stamps alerts with real time).
import fs from 'node:fs';
import path from 'node:path';
import { createChatAdapters, createHerald, type Herald } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Proposal, ProposalBoard } from '../../src/monitors/proposal.js';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import { type FakeBluesky, startFakeBluesky } from '../fakes/bluesky.js';
import { type FakeMastodon, startFakeMastodon } from '../fakes/mastodon.js';
import { type FakeTwitter, startFakeTwitter } from '../fakes/twitter.js';
import { root } from '../helpers/cli.js';
import { tempDir } from '../helpers/core.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { testLog } from '../helpers/log.js';
import { socialEnv } from '../helpers/social-env.js';

export const HOOK = TEST_CREDENTIALS.monitors;

/** A board that keeps every show: the proposal as shown and the message id it was given or updated. */
export interface TestBoard extends ProposalBoard {
  shows: Array<{ proposal: Proposal; remoteId: string | null; returned: string }>;
  /** The message ids it made (one per proposal shown, however often it was updated). */
  messages: Map<string, Proposal>;
}

export function createTestBoard(name = 'test'): TestBoard {
  const shows: TestBoard['shows'] = [];
  const messages = new Map<string, Proposal>();
  return {
    name,
    shows,
    messages,
    async show(proposal, remoteId) {
      const returned = remoteId ?? `${name}-msg-${messages.size + 1}`;
      messages.set(returned, proposal);
      shows.push({ proposal, remoteId, returned });
      return returned;
    },
  };
}

export interface MonitorWorld {
  herald: Herald;
  config: Config;
  dir: string;
  /** Herald's address: `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  board: TestBoard;
  twitter: FakeTwitter;
  mastodon: FakeMastodon;
  bluesky: FakeBluesky;
  /** Sets Herald's clock (ISO or epoch ms); null: real time again. */
  setNow(at: string | number | null): void;
  now(): number;
  /** Log lines (JSON) of this Herald. */
  logs: string[];
  /** Stops Herald as SIGTERM does and starts it again on the same folder and port, with a new test board. */
  restart(): Promise<void>;
  /** Runs the scheduler once (settles, publish_after, expiry) and waits for the boards. */
  runDue(): Promise<void>;
  /** Waits until the inbox is worked and every board is up to date. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The shipped configuration with the test's `monitors:` section instead of its own (the file's last). */
export function withMonitors(section: string): (shipped: string) => string {
  return (shipped) => {
    const [before] = shipped.split('\n# Monitors (docs/monitors.md)');
    if (before === shipped)
      throw new Error('the shipped configuration no longer ends with its monitors section');
    return `${before}\nmonitors:\n${section.replace(/^\n/, '')}`;
  };
}

export const DEFAULT_SECTION = `
  flap_window: "0"
  expire_after: 4h
  rules:
    - match: ['instance=~"nc018.*"', 'job="smtp"']
      component: nc018 smtp
    - match: ['instance=~"nc026.*"', 'job="imap"']
      component: nc026 imap
  components:
    nc018 smtp:
      message: >-
        We are aware of a problem with outgoing mail (SMTP) on {server} since {time}, and are working on it.
        You may not be able to send email for now.
      resolved: "We’ve fixed the problem with SMTP on {server} at {time}. You can now send email again."
`;

export async function startMonitorWorld(
  options: {
    section?: string;
    env?: NodeJS.ProcessEnv;
    port?: number;
    /** Edits the shipped configuration's text further (e.g. who is staff on Slack and Discord). */
    configText?: (text: string) => string;
  } = {},
): Promise<MonitorWorld> {
  const [twitter, mastodon, bluesky] = await Promise.all([
    startFakeTwitter(),
    startFakeMastodon(),
    startFakeBluesky(),
  ]);
  const dir = tempDir('herald-monitors-');
  const configPath = path.join(dir, 'herald.config.yaml');
  const shipped = withMonitors(options.section ?? DEFAULT_SECTION)(
    fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8'),
  );
  fs.writeFileSync(configPath, options.configText ? options.configText(shipped) : shipped);
  const loaded = loadConfig(
    {
      ...socialEnv({ twitter, mastodon, bluesky }),
      HERALD_ALERTMANAGER_TOKEN: HOOK.alertmanagerToken,
      HERALD_ALERTMANAGER_USER: 'alertmanager',
      HERALD_ALERTMANAGER_PASSWORD: HOOK.alertmanagerPassword,
      HERALD_STATUS_HOOK_SECRET: HOOK.statusHookSecret,
      ...options.env,
      HERALD_CONFIG: configPath,
      HERALD_DATA_DIR: path.join(dir, 'data'),
      HERALD_PUBLIC_DIR: path.join(dir, 'public'),
    },
    root,
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const config = loaded.config;
  let fixed: number | null = null;
  const clock = { now: () => fixed ?? Date.now() };
  const logs: string[] = [];
  const log = testLog({ to: (line) => logs.push(line), secrets: config.logging.secrets });

  let herald!: Herald;
  let server!: RunningServer;
  let chat!: Awaited<ReturnType<typeof createChatAdapters>>;
  let board!: TestBoard;
  let port = options.port ?? 0;

  async function up(): Promise<void> {
    herald = createHerald(config, { log, clock });
    chat = await createChatAdapters(herald, log, clock);
    const app = createHttpApp({
      publicDir: config.paths.publicDir,
      health: () => herald.health(),
      metrics: herald.metrics,
      log,
      routes: chat.routes,
    });
    server = await listen(app, '127.0.0.1', port);
    port = server.port;
    await chat.start();
    board = createTestBoard();
    herald.monitors.addBoard(board);
  }
  async function down(): Promise<void> {
    await chat.stop();
    await server.close();
    await herald.close();
  }
  await up();

  const world: MonitorWorld = {
    get herald() {
      return herald;
    },
    config,
    dir,
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get board() {
      return board;
    },
    twitter,
    mastodon,
    bluesky,
    logs,
    setNow(at) {
      fixed = at === null ? null : typeof at === 'number' ? at : Date.parse(at);
    },
    now: () => clock.now(),
    async restart() {
      await down();
      await up();
    },
    async runDue() {
      await herald.scheduler.runDue();
      await herald.monitors.idle();
    },
    async settled() {
      // The hooks' rows are worked by the inbox's worker; then the boards are brought up to date.
      await chat.conversation.idle();
      await herald.monitors.idle();
    },
    async close() {
      await down();
      await Promise.all([twitter.close(), mastodon.close(), bluesky.close()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Polls until `find` gives a value: what arrives over loopback (Alertmanager's notifications) comes on its own time. */
export async function waitFor<T>(
  what: string,
  find: () => T | undefined | null | false,
  ms = 30_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
