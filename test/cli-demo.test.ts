// `herald demo` as a newcomer runs it: on a busy port it says so before writing anything, and a retry
// serves the demo it finished before instead of refusing its folder. The built bin/herald.js, spawned.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, type CliResult, type CliWorld, createCliWorld } from './helpers/cli.js';

/** A port some other program holds, on Herald's default host. */
function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** `herald demo` serving: resolves with what it printed once `whenServing` is done and it was stopped. */
function serveDemo(world: CliWorld, whenServing: (url: string) => Promise<void>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'demo'], { cwd: world.dir, env: world.env });
    let stdout = '';
    let stderr = '';
    let seen = false;
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (d) => {
      stdout += d;
      const url = /Serving .* on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url && !seen) {
        seen = true;
        whenServing(url).then(
          () => child.kill('SIGTERM'),
          (error: unknown) => {
            child.kill('SIGKILL');
            reject(error);
          },
        );
      }
    });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('herald demo', { timeout: 90_000 }, () => {
  let world: CliWorld;
  beforeAll(() => {
    world = createCliWorld();
  });
  afterAll(() => world.cleanup());
  const demoDir = () => path.join(world.dir, 'demo');

  it('on a busy port: a clear message, exit 2, and nothing written', async () => {
    const held = await holdPort();
    try {
      const r = await world.runAsync(['demo'], { env: { HERALD_PORT: String(held.port) } });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        `herald demo: 127.0.0.1:${held.port} is taken by another program; nothing was written.`,
      );
      expect(r.stderr).toContain(`HERALD_PORT=${held.port + 1} herald demo`);
      expect(fs.existsSync(demoDir())).toBe(false);
    } finally {
      await held.close();
    }
  });

  it('a retry after a finished demo serves it as it is, without building it again', async () => {
    const built = world.run(['demo', '--no-serve']);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toContain('Demo: 10 posts of the reference blog');
    const database = path.join(demoDir(), 'data', 'herald.db');
    const before = fs.readFileSync(database);
    let page = '';
    const r = await serveDemo(world, async (url) => {
      page = await (await fetch(url)).text();
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Demo: the finished demo in ${demoDir()} is used as it is`);
    expect(r.stdout).not.toContain('posts of the reference blog');
    expect(page).toContain('Email migration: Update 14');
    expect(fs.readFileSync(database).equals(before)).toBe(true);
  });

  it('refuses a folder whose database is not a finished demo, and changes nothing', () => {
    const other = createCliWorld();
    try {
      expect(other.run(['run', 'nc018 smtp down "spam cleanup"']).status).toBe(0);
      fs.renameSync(path.join(other.dir, 'data'), path.join(other.dir, 'mine'));
      fs.mkdirSync(path.join(other.dir, 'site'));
      fs.renameSync(path.join(other.dir, 'mine'), path.join(other.dir, 'site', 'data'));
      const bytes = fs.readFileSync(path.join(other.dir, 'site', 'data', 'herald.db'));
      const r = other.run(['demo', '--no-serve', '--dir', 'site']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('already holds a database that is not a finished demo');
      expect(fs.readFileSync(path.join(other.dir, 'site', 'data', 'herald.db')).equals(bytes)).toBe(true);
      expect(fs.existsSync(path.join(other.dir, 'site', 'public'))).toBe(false);
    } finally {
      other.cleanup();
    }
  });
});
