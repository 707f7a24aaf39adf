// Logging as an operator sets it, through the real `herald` (bin/herald.js): LOG_LEVEL is honoured by
// `herald run` too, LOG_FILE gets the JSON lines at LOG_FILE_LEVEL, a log file that cannot be written is a
// configuration error, and a credential that a platform echoes back in its error reaches no log line.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bin, type CliWorld, createCliWorld } from '../helpers/cli.js';
import { TEST_CREDENTIALS as C } from '../helpers/credentials.js';
import { captureStderr } from '../helpers/log.js';

const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function runAsync(w: CliWorld, args: string[]): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: w.dir, env: w.env, encoding: 'utf8' },
      (error, _out, stderr) => {
        captureStderr(stderr);
        resolve({ status: error ? Number(error.code ?? 1) : 0, stderr });
      },
    );
  });
}

let world: CliWorld | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  world?.cleanup();
  world = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

function quietWorld(): CliWorld {
  const w = createCliWorld();
  world = w;
  delete w.env.LOG_LEVEL;
  delete w.env.LOG_FILE;
  delete w.env.LOG_FILE_LEVEL;
  return w;
}

describe('herald run and LOG_LEVEL', () => {
  it('logs only warnings when LOG_LEVEL is unset, so that its output is the answer', () => {
    const w = quietWorld();
    const r = w.run(['run', 'nc018 smtp down "spam cleanup"']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Recorded post 1.1');
    expect(r.stderr).toBe('');
  });

  it('logs what LOG_LEVEL asks for, as JSON lines on standard error, the command with its request id', () => {
    const w = quietWorld();
    w.env.LOG_LEVEL = 'info';
    const r = w.run(['run', 'nc018 smtp down "spam cleanup"']);
    expect(r.status, r.stderr).toBe(0);
    expect(jsonLines(r.stderr)).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'command recorded',
        requestId: expect.stringMatching(/^run:/),
        platform: 'shell',
        post: 1,
      }),
    ]);
    w.env.LOG_LEVEL = 'silent';
    const quiet = w.run(['run', 'nc018 smtp up "fixed"']);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});

describe('LOG_FILE', () => {
  it('appends every command’s JSON lines at LOG_FILE_LEVEL while standard error keeps to LOG_LEVEL', () => {
    const w = quietWorld();
    const file = path.join(w.dir, 'logs', 'herald.log');
    Object.assign(w.env, { LOG_FILE: file, LOG_FILE_LEVEL: 'debug' });
    const first = w.run(['run', 'nc018 smtp down "spam cleanup"']);
    const second = w.run(['publish']);
    expect([first.status, second.status], first.stderr + second.stderr).toEqual([0, 0]);
    expect(first.stderr + second.stderr).toBe('');
    const lines = jsonLines(fs.readFileSync(file, 'utf8'));
    const recorded = lines.find((l) => l.msg === 'command recorded');
    expect(recorded?.requestId).toMatch(/^run:/);
    // Delivered by `herald publish`, a process of its own, with the id the command left in the database.
    const sent = lines.filter((l) => l.msg === 'delivery sent');
    expect(sent.map((l) => l.outlet).sort()).toEqual(['bluesky', 'mastodon', 'site', 'twitter']);
    for (const l of sent) expect(l).toMatchObject({ requestId: recorded?.requestId, post: 1 });
  });

  it('that cannot be written is a configuration error, named, and nothing runs', () => {
    const w = quietWorld();
    fs.writeFileSync(path.join(w.dir, 'not-a-folder'), '');
    w.env.LOG_FILE = path.join(w.dir, 'not-a-folder', 'herald.log');
    const r = w.run(['run', 'nc018 smtp down "spam cleanup"']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /cannot write the log file .*not-a-folder\/herald\.log \((ENOTDIR|EEXIST)\); set LOG_FILE/,
    );
    expect(fs.existsSync(w.database)).toBe(false);
  });
});

describe('a credential echoed back by a platform', () => {
  it('is cut out of the log lines that carry the platform’s answer', async () => {
    // A Mastodon that quotes the token it refuses.
    server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `The access token ${C.mastodonToken} was revoked` }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const w = quietWorld();
    const file = path.join(w.dir, 'herald.log');
    Object.assign(w.env, {
      LOG_FILE: file,
      LOG_FILE_LEVEL: 'debug',
      MASTODON_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      MASTODON_ACCESS_TOKEN: C.mastodonToken,
    });
    expect(w.run(['run', 'nc018 smtp down "spam cleanup"']).status).toBe(0);
    // Not spawnSync: the refusing Mastodon lives in this process and must answer meanwhile.
    const r = await runAsync(w, ['publish']);
    expect(r.status, r.stderr).toBe(0);
    const logged = fs.readFileSync(file, 'utf8');
    const failed = jsonLines(logged).find((l) => l.msg === 'delivery failed' && l.outlet === 'mastodon');
    expect(failed?.error).toMatch(/The access token \[redacted\] was revoked/);
    // Standard error shows the failure (an error is above the one-shot default, warn), without the token.
    expect(r.stderr).toContain('[redacted]');
    expect(logged + r.stderr).not.toContain(C.mastodonToken);
  });
});
