// A whole Herald (the composition root, as `herald start` builds it) in a temp folder, with a test clock.
import fs from 'node:fs';
import path from 'node:path';
import { createHerald, type Herald } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { root } from './cli.js';
import { ops, tempDir } from './core.js';
import { testLog } from './log.js';

export interface TestHerald {
  herald: Herald;
  config: Config;
  dir: string;
  setNow(at: string | number): void;
  /** Runs a command as staff and fails the test unless it was recorded. */
  record(text: string): void;
  /** Closes this Herald and opens a new one on the same folder and clock, as a restart does. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export function createTestHerald(
  options: {
    now?: string;
    configText?: (shipped: string) => string;
    /** More environment (credentials, API addresses). */
    env?: NodeJS.ProcessEnv;
    /** Where log lines go (JSON, one per line); silent by default. */
    logTo?: (line: string) => void;
  } = {},
): TestHerald {
  const dir = tempDir('herald-app-');
  let configPath = path.join(root, 'herald.config.yaml');
  if (options.configText) {
    configPath = path.join(dir, 'herald.config.yaml');
    fs.writeFileSync(
      configPath,
      options.configText(fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8')),
    );
  }
  const loaded = loadConfig(
    {
      ...options.env,
      HERALD_CONFIG: configPath,
      HERALD_DATA_DIR: path.join(dir, 'data'),
      HERALD_PUBLIC_DIR: path.join(dir, 'public'),
    },
    root,
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  let now = Date.parse(options.now ?? '2012-07-27T21:39:27Z');
  // As Herald logs when started: with the configured credentials cut out of every line.
  const log = testLog({
    ...(options.logTo ? { to: options.logTo } : {}),
    secrets: loaded.config.logging.secrets,
  });
  const open = () => createHerald(loaded.config, { log, clock: { now: () => now } });
  let herald = open();
  return {
    get herald() {
      return herald;
    },
    config: loaded.config,
    dir,
    setNow(at) {
      now = typeof at === 'number' ? at : Date.parse(at);
    },
    record(text) {
      const outcome = herald.handle({ text, actor: ops });
      if (outcome.kind !== 'recorded') throw new Error(`not recorded: ${JSON.stringify(outcome)}`);
    },
    async reopen() {
      await herald.close();
      herald = open();
    },
    async close() {
      await herald.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
