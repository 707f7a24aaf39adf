// Debian's real Prometheus Alertmanager (/usr/bin/prometheus-alertmanager) on a free loopback port, with its
// own storage folder, clustering off, and a configuration whose one receiver is Herald's hook with the
// bearer token in http_config, as docs/monitors.md shows. Alerts are posted to its own API
// (POST /api/v2/alerts); it groups them and sends Herald its webhook.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from '../helpers/core.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface RunningAlertmanager {
  url: string;
  /** Posts alerts as Prometheus does (labels, annotations, startsAt, endsAt: a past endsAt resolves). */
  post(
    alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; endsAt?: string }>,
  ): Promise<void>;
  /** What it wrote to standard error (its log), for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startAlertmanager(options: {
  /** Herald's hook, e.g. http://127.0.0.1:PORT/hooks/alertmanager. */
  hookUrl: string;
  token: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}): Promise<RunningAlertmanager> {
  if (!fs.existsSync(ALERTMANAGER_BIN)) {
    throw new Error(`${ALERTMANAGER_BIN} is missing: apt-get install prometheus-alertmanager`);
  }
  const dir = tempDir('herald-alertmanager-');
  const port = await freePort();
  const config = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(
    config,
    [
      'route:',
      '  receiver: herald',
      "  group_by: ['alertname']",
      `  group_wait: ${options.groupWait ?? '1s'}`,
      `  group_interval: ${options.groupInterval ?? '1s'}`,
      `  repeat_interval: ${options.repeatInterval ?? '2s'}`,
      'receivers:',
      '  - name: herald',
      '    webhook_configs:',
      `      - url: ${options.hookUrl}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      '            type: Bearer',
      `            credentials: ${options.token}`,
      '',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=info',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`Alertmanager did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
