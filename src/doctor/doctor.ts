// `herald doctor`: checks what Herald needs before it can run well, prints one line per check, and for each
// problem how to fix it. Exit 0 all is well, 1 a check failed, 2 the configuration cannot be read (the
// problems listed). It changes nothing, and never prints a secret: only which variable to fix.

import { type Config, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { Check, CheckStatus } from './check.js';
import { checkPlatforms } from './platforms.js';
import { checkNothingInTheWay } from './running.js';
import { checkSmtp } from './smtp.js';
import { checkDatabase, checkFolder } from './storage.js';

export interface DoctorIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const MARKS: Record<'tty' | 'plain', Record<CheckStatus, string>> = {
  tty: { ok: '✓', off: '-', fail: '✗' },
  plain: { ok: 'ok  ', off: '-   ', fail: 'FAIL' },
};

/** Variables whose values must never be printed (scrubbed from every line, whatever produced it). */
const SECRET_VARIABLE = /^(TWITTER|MASTODON|BLUESKY|SLACK|DISCORD)_\w*(KEY|SECRET|TOKEN|PASSWORD)$/;

function secretsOf(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([key, value]) => SECRET_VARIABLE.test(key) && value && value.length >= 6)
    .map(([, value]) => value as string)
    .sort((a, b) => b.length - a.length);
}

function createPrinter(io: DoctorIo) {
  const marks = MARKS[io.stdout.isTTY ? 'tty' : 'plain'];
  const secrets = secretsOf(io.env);
  const scrub = (line: string) => secrets.reduce((l, s) => l.split(s).join('[secret]'), line);
  // One line each, whatever a library's message holds.
  const write = (line: string) => io.stdout.write(`${scrub(line.replace(/\s*\n\s*/g, ' '))}\n`);
  return {
    write,
    check(c: Check, extra: string[] = []) {
      write(`${marks[c.status]} ${c.name.padEnd(14)} ${c.detail}`);
      for (const line of extra) write(`     - ${line}`);
      if (c.fix) write(`     fix: ${c.fix}`);
    },
  };
}

function describeConfig(config: Config): string {
  const { catalog, zones, outlets } = config.core;
  const zoneLabels = zones.map((z) => z.label).join(', ') || 'none';
  return (
    `${config.paths.config}: ${catalog.systems.length} systems, ${catalog.services.length} services, ` +
    `client zones ${zoneLabels}; outlets ${outlets.join(', ')}`
  );
}

export async function runDoctor(io: DoctorIo): Promise<number> {
  const print = createPrinter(io);
  const loaded = loadConfig(io.env, io.cwd);
  if (!loaded.ok) {
    print.check(
      {
        name: 'configuration',
        status: 'fail',
        detail: `cannot be read: ${loaded.problems.length} problem(s)`,
        fix:
          'correct the file HERALD_CONFIG names (default ./herald.config.yaml) or the environment (.env, see ' +
          '.env.example) as each problem says, then run herald doctor again',
      },
      loaded.problems,
    );
    return 2;
  }
  const { config } = loaded;
  // A client library that logs (Slack's) writes to standard error, at warn unless LOG_LEVEL asks for more,
  // with the configured credentials cut out of its lines (the checks use them, and may fail on them).
  const log = createLogger({ level: config.logging.level ?? 'warn', secrets: config.logging.secrets });
  const checks: Check[] = [
    { name: 'configuration', status: 'ok', detail: describeConfig(config) },
    checkFolder('data folder', config.paths.dataDir, 'HERALD_DATA_DIR'),
    checkFolder('public folder', config.paths.publicDir, 'HERALD_PUBLIC_DIR'),
    checkDatabase(config.paths.database),
    ...(await checkPlatforms(config, log)),
    ...(await checkNothingInTheWay(config)),
    await checkSmtp(config.subscribers, config.requestTimeoutMs),
  ];
  for (const c of checks) print.check(c);
  const failed = checks.filter((c) => c.status === 'fail');
  print.write(
    failed.length
      ? `${failed.length} problem(s): ${failed.map((c) => c.name).join(', ')}`
      : 'All is well: Herald can start.',
  );
  return failed.length ? 1 : 0;
}
