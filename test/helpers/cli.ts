// Runs the real `herald` command (bin/herald.js, the compiled CLI) in a folder of its own.
import { type ChildProcessWithoutNullStreams, execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './core.js';
import { captureEnv, captureStderr } from './log.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const bin = path.join(root, 'bin', 'herald.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliWorld {
  dir: string;
  env: NodeJS.ProcessEnv;
  database: string;
  run(args: string[], options?: { input?: string }): CliResult;
  /** `run` without blocking this process: for a command that talks to fakes served by the test itself. */
  runAsync(args: string[], options?: { env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /**
   * Starts `herald start` with piped standard input. `whenReady` is called once standard output satisfies
   * `ready`, with the site's URL read from the banner; Herald gets SIGTERM after it. Resolves at exit.
   */
  start(
    input: string,
    options?: {
      ready?: (stdout: string) => boolean;
      whenReady?: (url: string) => Promise<void>;
      /** Keep standard input open, as a terminal does, instead of ending it after `input`. */
      keepStdinOpen?: boolean;
    },
  ): Promise<CliResult>;
  cleanup(): void;
}

/** A folder with its own data and public dirs; `config` replaces the shipped herald.config.yaml if given. */
export function createCliWorld(options: { config?: string } = {}): CliWorld {
  const dir = tempDir('herald-cli-');
  let configPath = path.join(root, 'herald.config.yaml');
  if (options.config !== undefined) {
    configPath = path.join(dir, 'herald.config.yaml');
    fs.writeFileSync(configPath, options.config);
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    HERALD_CONFIG: configPath,
    HERALD_DATA_DIR: path.join(dir, 'data'),
    HERALD_PUBLIC_DIR: path.join(dir, 'public'),
    HERALD_PORT: '0',
    LOG_LEVEL: 'warn',
    // And the whole log, at debug, for the suite's scan of its logs (test/log-scan/).
    ...captureEnv(),
  };
  return {
    dir,
    env,
    database: path.join(dir, 'data', 'herald.db'),
    run(args, runOptions = {}) {
      const r = spawnSync(process.execPath, [bin, ...args], {
        cwd: dir,
        env,
        input: runOptions.input ?? '',
        encoding: 'utf8',
        timeout: 20_000,
      });
      captureStderr(r.stderr);
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    runAsync(args, runOptions = {}) {
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { cwd: dir, env: { ...env, ...runOptions.env }, encoding: 'utf8', timeout: 20_000 },
          (error, stdout, stderr) => {
            captureStderr(stderr);
            const code = (error as { code?: unknown } | null)?.code;
            resolve({ status: error ? (typeof code === 'number' ? code : null) : 0, stdout, stderr });
          },
        );
      });
    },
    start(input, startOptions = {}) {
      const ready = startOptions.ready ?? (() => true);
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [bin, 'start'], {
          cwd: dir,
          env,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        let signalled = false;
        child.stdout.on('data', (d) => {
          stdout += d;
          const url = /Status site on (http:\/\/\S+?) /.exec(stdout)?.[1];
          if (!signalled && url && ready(stdout)) {
            signalled = true;
            (startOptions.whenReady?.(url) ?? Promise.resolve()).then(
              () => child.kill('SIGTERM'),
              (error: unknown) => {
                child.kill('SIGKILL');
                reject(error);
              },
            );
          }
        });
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`herald start did not exit; stdout: ${stdout}; stderr: ${stderr}`));
        }, 15_000);
        child.on('exit', (status) => {
          clearTimeout(timer);
          captureStderr(stderr);
          resolve({ status, stdout, stderr });
        });
        if (startOptions.keepStdinOpen) child.stdin.write(input);
        else child.stdin.end(input);
      });
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningHerald {
  url: string;
  pid: number;
  stderr(): string;
  /** Types a line at the shell prompt (started with `keepStdinOpen`). */
  type(line: string): void;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<CliResult>;
  /** SIGKILL, as a crash or the OOM killer would; resolves at exit. */
  kill(): Promise<CliResult>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** Kills every `herald start` that startRunningHerald left running (for afterEach). */
export function killRunningHeralds(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * `herald start` as an operator runs it, with standard input ended and no limit on how long it runs
 * (CliWorld.start stops it after its work). Resolves once the banner names the site's address.
 */
export function startRunningHerald(
  world: CliWorld,
  options: {
    /** Keep the shell's standard input open, for `type`. */
    keepStdinOpen?: boolean;
    /** Every chunk of standard output, also after the first 100,000 characters. */
    onStdout?: (chunk: string) => void;
  } = {},
): Promise<RunningHerald> {
  const child = spawn(process.execPath, [bin, 'start'], { cwd: world.dir, env: world.env, stdio: 'pipe' });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<CliResult>((resolve) =>
    child.on('exit', (status) => {
      running.delete(child);
      captureStderr(stderr);
      resolve({ status, stdout, stderr });
    }),
  );
  if (!options.keepStdinOpen) child.stdin.end('');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`herald start was not ready in 20 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 20_000);
    void exited.then((r) => {
      clearTimeout(timer);
      reject(new Error(`herald start exited (${r.status}) before it was ready: ${r.stderr}`));
    });
    child.stdout.on('data', (d: string) => {
      options.onStdout?.(d);
      // The banner is all that is needed; delivery notices after it (thousands of lines) are not kept.
      if (stdout.length < 100_000) stdout += d;
      const url = /Status site on (http:\/\/\S+?) /.exec(stdout)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        url,
        pid: child.pid ?? 0,
        stderr: () => stderr,
        type(line) {
          child.stdin.write(`${line}\n`);
        },
        kill() {
          child.kill('SIGKILL');
          return exited;
        },
        async stop() {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          const r = await exited;
          clearTimeout(killer);
          return r;
        },
      });
    });
  });
}
