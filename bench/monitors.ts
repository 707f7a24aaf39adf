// Monitors (issue 17): from Alertmanager's webhook arriving at POST /hooks/alertmanager to the proposal posted
// in the staff channel of the fake Slack (chat.postMessage received), through Herald's server, the durable
// inbox (its fsync), its worker and the Slack board with real Bolt, as `herald start` wires them. The fake
// Slack runs in this process, on loopback. Then 1,000 alerts in one burst (1,000 concurrent notifications,
// one group each) and one notification of 1,000 alerts, with the heap before and after.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createChatAdapters, createHerald } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createHttpApp, listen } from '../src/server.js';
import { FAKE_SLACK, startFakeSlack } from '../test/fakes/slack.js';

const root = path.resolve(import.meta.dirname, '..');
const TOKEN = 'bench-alertmanager-token';
/** Runs before the measured ones: the first two after a start take 100–400 ms (reported as `cold`). */
const WARM_UP = 10;

const body = (groupKey: string, alerts: number) =>
  JSON.stringify({
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'herald',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: Array.from({ length: alerts }, (_, i) => ({
      status: 'firing',
      labels: { alertname: 'SMTPDown', instance: `nc018-${i}.example:25`, job: 'smtp', severity: 'critical' },
      annotations: { summary: 'SMTP does not answer' },
      startsAt: new Date().toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: `f${i}`,
    })),
  });

export interface MonitorsBench {
  board: 'Slack';
  /** The first runs after Herald started (JIT, Bolt's first call, new connections): not in `latencies`. */
  cold: number[];
  latencies: number[];
  burst: { alerts: number; ms: number; proposals: number; heapBeforeMb: number; heapAfterMb: number };
  oneGroup: { alerts: number; ms: number; proposals: number };
}

export async function benchMonitors(runs = 200): Promise<MonitorsBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-monitors-'));
  const slack = await startFakeSlack();
  const loaded = loadConfig(
    {
      HERALD_DATA_DIR: path.join(dir, 'data'),
      HERALD_PUBLIC_DIR: path.join(dir, 'public'),
      HERALD_ALERTMANAGER_TOKEN: TOKEN,
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      SLACK_STAFF_CHANNEL: FAKE_SLACK.staffChannel,
    },
    root,
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const log = pino({ level: 'silent' });
  const herald = createHerald(loaded.config, { log, publishOnChange: false });
  const chat = await createChatAdapters(herald, log);
  const server = await listen(
    createHttpApp({
      publicDir: loaded.config.paths.publicDir,
      health: () => herald.health(),
      log,
      routes: chat.routes,
    }),
    '127.0.0.1',
    0,
  );
  await chat.start();
  // A proposal is shown when the fake Slack has it in the staff channel; one message per new group.
  const inStaff = () => slack.messages.filter((m) => m.channel === FAKE_SLACK.staffChannel).length;
  const untilShown = async (count: number) => {
    while (inStaff() < count) await new Promise((r) => setImmediate(r));
  };
  // As Alertmanager sends: keep-alive connections, a bounded number at once (the burst queues on them).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const post = (text: string) =>
    new Promise<{ ok: boolean; status: number }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/hooks/alertmanager',
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ ok: res.statusCode === 200, status: res.statusCode ?? 0 }));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  try {
    const latencies: number[] = [];
    const cold: number[] = [];
    for (let i = -WARM_UP; i < runs; i++) {
      const key = `{}:{alertname="Bench${i}"}`;
      const text = body(key, 1);
      const shown = inStaff();
      const t0 = performance.now();
      const res = await post(text);
      if (!res.ok) throw new Error(`hook answered ${res.status}`);
      await untilShown(shown + 1);
      (i < 0 ? cold : latencies).push(performance.now() - t0);
    }
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const t1 = performance.now();
    const keys = Array.from({ length: 1000 }, (_, i) => `{}:{alertname="Burst${i}"}`);
    const before = inStaff();
    const answers = await Promise.all(keys.map((k) => post(body(k, 1))));
    if (answers.some((r) => !r.ok)) throw new Error('a burst request was refused');
    await untilShown(before + 1000);
    const burstMs = performance.now() - t1;
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    const t2 = performance.now();
    const oneKey = '{}:{alertname="OneGroup"}';
    const oneBefore = inStaff();
    const r = await post(body(oneKey, 1000));
    if (!r.ok) throw new Error(`one group answered ${r.status}`);
    await untilShown(oneBefore + 1);
    const oneMs = performance.now() - t2;
    const count = (prefix: string) =>
      herald.proposals.list({ limit: 5000 }).filter((p) => p.groupKey.startsWith(prefix)).length;
    return {
      board: 'Slack',
      cold,
      latencies,
      burst: {
        alerts: 1000,
        ms: burstMs,
        proposals: count('{}:{alertname="Burst'),
        heapBeforeMb: heapBefore / 2 ** 20,
        heapAfterMb: heapAfter / 2 ** 20,
      },
      oneGroup: { alerts: 1000, ms: oneMs, proposals: count('{}:{alertname="OneGroup"}') },
    };
  } finally {
    agent.destroy();
    await chat.stop();
    await server.close();
    await herald.close();
    await slack.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
