// Herald against a model of the status (test/reliability/model.ts), with fast-check's model-based
// commands: random sequences of every writing command (outages, updates, resolve, maintenance with start
// and end, cancel, notice, edit, retract), clock advances with scheduler runs (runDue), and site renders,
// driven through the real core (parse, decide, one transaction) and the real SQLite store with the shipped
// configuration. After each step: the answer is the one the model predicts (recorded, or refused with its
// code), component states and incidents equal the model's, posts are numbered without gaps, nothing closes
// before it opened, the scheduler touched nothing cancelled; after a render, the site's index, pages and
// feeds agree with the database. HERALD_LONG=1 runs many more sequences.

import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createSiteOutlet, type SiteOutlet } from '../../src/adapters/outlets/site.js';
import { createMaintenanceJob } from '../../src/automation/maintenance.js';
import { type CommandService, createCommandHandler, type Outcome } from '../../src/bot/handle-command.js';
import type { Store } from '../../src/bot/ports.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { createScheduler, type Scheduler } from '../../src/scheduler.js';
import { openStore } from '../../src/store/sqlite-store.js';
import { root } from '../helpers/cli.js';
import { ops, tempDir } from '../helpers/core.js';
import { MINUTE, type Prediction, REMINDERS_MS, type State, StatusModel } from './model.js';

const LONG = process.env.HERALD_LONG === '1';
const RUNS = Number(process.env.HERALD_MODEL_RUNS ?? (LONG ? 50_000 : 1_000));
const TIMEOUT = LONG ? 3_600_000 : 240_000;
const START = Date.parse('2026-12-03T16:00:00Z');

const loaded = loadConfig({ HERALD_CONFIG: path.join(root, 'herald.config.yaml') }, root);
if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
const config: Config = loaded.config;
const COMPONENTS = ['nc018/smtp', 'nc018/web', 'nc018/mysql', 'nc026/web'] as const;
const silent = pino({ level: 'silent' }) as unknown as Logger;

/** `2026-12-03 16:12`: every instant in a sequence is a whole minute, typed as a user would. */
const typed = (at: number): string => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
const words = (component: string): string => component.replace('/', ' ');

interface Real {
  store: Store;
  commands: CommandService;
  scheduler: Scheduler;
  site: SiteOutlet;
  publicDir: string;
  now: number;
  /** A counter that makes every message different (an edit is never refused as "no change"). */
  said: number;
  close(): void;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
let siteDir: string | undefined;

function createReal(): Real {
  const store = openStore(':memory:');
  const real = { now: START, said: 0 } as Real;
  const clock = { now: () => real.now };
  const commands = createCommandHandler({
    store,
    settings: config.core,
    clock,
    refusals: { append: () => undefined },
  });
  const job = createMaintenanceJob({
    store,
    commands,
    settings: config.core,
    remindersMs: config.maintenance.remindersMs,
    log: silent,
    onOutcome: () => undefined,
  });
  if (!siteDir) {
    // The site is written through the real outlet (each file fsynced): in memory where the system has a
    // tmpfs, so that thousands of renders do not wait on a loaded disk.
    siteDir = fs.existsSync('/dev/shm')
      ? fs.mkdtempSync(path.join('/dev/shm', 'herald-model-'))
      : tempDir('herald-model-');
    dirs.push(siteDir);
  }
  const publicDir = path.join(siteDir, 'public');
  fs.rmSync(publicDir, { recursive: true, force: true });
  Object.assign(real, {
    store,
    commands,
    scheduler: createScheduler({ clock, jobs: [job], log: silent }),
    site: createSiteOutlet({ store, site: config.site, settings: config.core, publicDir, clock }),
    publicDir,
    close: () => store.close(),
  });
  return real;
}

interface World {
  model: StatusModel;
  real: Real;
}

/** What the sequences did, by command and answer (`cancel:ok`, `retract:cancel_first`): the run must cover the seams. */
const seen = new Map<string, number>();
const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);

/** Runs a command through the core and checks the answer is the one the model predicted. */
function expectOutcome(outcome: Outcome, predicted: Prediction, text: string): void {
  count(`${text.split(' ')[0]}:${predicted.ok ? 'ok' : predicted.code}`);
  if (predicted.ok) {
    if (outcome.kind !== 'recorded') {
      throw new Error(`model: recorded, Herald: ${JSON.stringify(outcome)} for ${text}`);
    }
  } else if (outcome.kind !== 'refused' || outcome.code !== predicted.code) {
    throw new Error(`model: refused ${predicted.code}, Herald: ${JSON.stringify(outcome)} for ${text}`);
  }
}

/** The checks after every step: Herald's database says what the model says, and keeps its invariants. */
function checkAgainstModel({ model, real }: World): void {
  const { store } = real;
  const states: Record<string, State> = {};
  for (const c of store.components()) {
    const key = `${c.system}/${c.service}`;
    if (c.state !== 'operational') states[key] = c.state;
  }
  expect(states).toEqual(model.states(COMPONENTS));
  const incidents = store.incidents({ limit: 10_000 }).sort((a, b) => a.id - b.id);
  expect(incidents.map((i) => i.id)).toEqual(model.incidents.map((i) => i.id));
  expect(store.activeIncidents().map((i) => i.id)).toEqual(
    model.incidents
      .filter((i) => ['open', 'scheduled', 'in_progress'].includes(i.status))
      .sort((a, b) => a.openedAt - b.openedAt || a.id - b.id)
      .map((i) => i.id),
  );
  for (const incident of incidents) {
    const expected = model.incident(incident.id);
    if (!expected) throw new Error(`Herald has incident ${incident.id}, the model does not`);
    expect({ id: incident.id, status: incident.status, closedAt: incident.closedAt }).toEqual({
      id: expected.id,
      status: expected.status,
      closedAt: expected.closedAt,
    });
    // Numbering is contiguous, and matches the model's posts and who wrote them.
    const posts = store.postsOf(incident.id).sort((a, b) => a.number - b.number);
    expect(posts.map((p) => [p.number, p.author, p.retractedAt !== null])).toEqual(
      expected.posts.map((p) => [p.number, p.author, p.retracted]),
    );
    expect(incident.lastNumber).toBe(posts.length);
    // Nothing closes, and no event is reported, before the incident opened.
    if (incident.closedAt !== null) expect(incident.closedAt).toBeGreaterThanOrEqual(incident.openedAt);
    for (const p of posts)
      if (p.eventAt !== null) expect(p.eventAt).toBeGreaterThanOrEqual(incident.openedAt);
    // The scheduler acted on nothing cancelled: every step and question came before the cancellation.
    const steps = store.steps(incident.id);
    expect(Object.fromEntries(steps.map((s) => [s.key, s.outcome]))).toEqual(
      Object.fromEntries(expected.steps),
    );
    if (incident.status === 'cancelled' && incident.closedAt !== null) {
      for (const s of steps) expect(s.doneAt).toBeLessThanOrEqual(incident.closedAt);
      for (const p of posts) expect(p.publishedAt).toBeLessThanOrEqual(incident.closedAt);
    }
  }
}

/** Links `incidents/N.html` in the index's section under `heading`. */
function linksIn(html: string, heading: string): number[] {
  const from = html.search(new RegExp(`>${heading}</h2>`, 'i'));
  if (from < 0) throw new Error(`the index has no "${heading}"`);
  const body = html.slice(from, html.indexOf('</section>', from));
  return [...new Set([...body.matchAll(/incidents\/(\d+)\.html/g)].map((m) => Number(m[1])))].sort(
    (a, b) => a - b,
  );
}

/** Renders the whole site through the real site outlet and checks it against the database. */
function checkSite({ real }: World): void {
  real.site.rebuild();
  const { store, publicDir } = real;
  const read = (file: string) => fs.readFileSync(path.join(publicDir, file), 'utf8');
  const index = read('index.html');
  const incidents = store.incidents({ limit: 10_000 });
  const ids = (pick: (status: string) => boolean) =>
    incidents
      .filter((i) => pick(i.status))
      .map((i) => i.id)
      .sort((a, b) => a - b);
  expect(linksIn(index, 'Open Incidents')).toEqual(ids((s) => s === 'open' || s === 'in_progress'));
  // Upcoming: scheduled only, never a cancelled (or completed) maintenance.
  expect(linksIn(index, 'Upcoming Maintenance')).toEqual(ids((s) => s === 'scheduled'));
  for (const incident of incidents) {
    const page = read(`incidents/${incident.id}.html`);
    const anchors = [...page.matchAll(/id="post-(\d+)"/g)].map((m) => Number(m[1]));
    expect(new Set(anchors)).toEqual(new Set(store.postsOf(incident.id).map((p) => p.number)));
    const word = { in_progress: 'In progress' }[incident.status as 'in_progress'] ?? incident.status;
    expect(page.toLowerCase()).toContain(word.toLowerCase());
  }
  // The feeds carry the newest posts, each a link to a post the database holds.
  const posts = store.recentPosts(config.site.feedItems);
  for (const feed of ['rss.xml', 'atom.xml']) {
    const xml = read(feed);
    const linked = new Set(
      [...xml.matchAll(/incidents\/(\d+)\.html#post-(\d+)/g)].map((m) => `${m[1]}.${m[2]}`),
    );
    expect(linked).toEqual(new Set(posts.map((p) => `${p.incidentId}.${p.number}`)));
  }
}

type Cmd = fc.AsyncCommand<World, World>;

/** One typed command: the model predicts, Herald answers, both are compared. */
class Typed implements Cmd {
  constructor(
    readonly label: string,
    readonly build: (w: World) => { text: string; predict: (m: StatusModel) => Prediction },
  ) {}
  check = () => true;
  async run(w: World): Promise<void> {
    const { text, predict } = this.build(w);
    const predicted = predict(w.model);
    expectOutcome(w.real.commands.handle({ text, actor: ops }), predicted, text);
    checkAgainstModel(w);
  }
  toString = () => this.label;
}

class Advance implements Cmd {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(w: World): Promise<void> {
    w.model.now += this.minutes * MINUTE;
    w.real.now = w.model.now;
    w.model.runDue();
    const reports = await w.real.scheduler.runDue();
    for (const r of reports) if (r.error) throw new Error(`scheduler: ${r.error}`);
    for (const r of reports) if (r.done > 0) count('scheduler:did');
    checkAgainstModel(w);
  }
  toString = () => `advance ${this.minutes}m + runDue`;
}

class Render implements Cmd {
  check = () => true;
  async run(w: World): Promise<void> {
    checkSite(w);
  }
  toString = () => 'render site';
}

const component = fc.constantFrom(...COMPONENTS);
/**
 * Incidents and posts are picked among those that exist (and one past the last, which does not), so that
 * updates, closes, cancels, edits and retractions meet real incidents instead of refusals of unknown numbers.
 */
const id = fc.nat(1_000);
const number = fc.nat(1_000);
const pickIncident = (w: World, k: number): number => 1 + (k % (w.model.incidents.length + 1));
const pickPost = (w: World, n: number, k: number): number =>
  1 + (k % ((w.model.incident(n)?.posts.length ?? 0) + 1));
/** An event time: none, or up to 40 minutes back (sometimes before the incident opened). */
const back = fc.option(fc.integer({ min: 0, max: 40 }), { nil: null });
const at = (w: World, minutes: number | null) => (minutes === null ? null : w.model.now - minutes * MINUTE);
const atWords = (t: number | null) => (t === null ? '' : ` --at "${typed(t)}"`);
const say = (w: World) => `m${++w.real.said}`;

const commands = [
  fc
    .tuple(
      component,
      fc.constantFrom<('down' | 'degraded' | 'operational')[]>('down', 'degraded', 'operational'),
      back,
    )
    .map(
      ([c, state, minutes]) =>
        new Typed(`${c} ${state} -${minutes ?? 0}m`, (w) => {
          const t = at(w, minutes);
          const word = state === 'operational' ? 'up' : state;
          return {
            text: `${words(c)} ${word} "${say(w)}"${atWords(t)}`,
            predict: (m) => m.change(c, state, t),
          };
        }),
    ),
  fc.tuple(id, back).map(
    ([k, minutes]) =>
      new Typed(`update #${k}`, (w) => {
        const n = pickIncident(w, k);
        const t = at(w, minutes);
        return { text: `update ${n} "${say(w)}"${atWords(t)}`, predict: (m) => m.update(n, t) };
      }),
  ),
  fc.tuple(id, back).map(
    ([k, minutes]) =>
      new Typed(`resolve #${k}`, (w) => {
        const n = pickIncident(w, k);
        const t = at(w, minutes);
        return { text: `resolve ${n} "${say(w)}"${atWords(t)}`, predict: (m) => m.resolve(n, t) };
      }),
  ),
  id.map(
    (k) =>
      new Typed(`cancel #${k}`, (w) => {
        const n = pickIncident(w, k);
        return { text: `cancel ${n} "${say(w)}"`, predict: (m) => m.cancel(n) };
      }),
  ),
  fc
    .tuple(
      component,
      fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 150 })),
      fc.option(fc.integer({ min: -20, max: 120 }), { nil: null }),
    )
    .map(
      ([c, startIn, length]) =>
        new Typed(`maintenance ${c} +${startIn}m (${length ?? '-'}m)`, (w) => {
          const start = w.model.now + startIn * MINUTE;
          const end = length === null ? null : start + length * MINUTE;
          const ends = end === null ? '' : ` --end "${typed(end)}"`;
          return {
            text: `maintenance ${words(c)} "${say(w)}" --start "${typed(start)}"${ends}`,
            predict: (m) => m.maintenance(c, start, end),
          };
        }),
    ),
  back.map(
    (minutes) =>
      new Typed('notice', (w) => {
        const t = at(w, minutes);
        return { text: `notice "${say(w)}" "${say(w)}"${atWords(t)}`, predict: (m) => m.notice(t) };
      }),
  ),
  fc.tuple(id, number).map(
    ([k, j]) =>
      new Typed(`edit #${k}.${j}`, (w) => {
        const n = pickIncident(w, k);
        const p = pickPost(w, n, j);
        return { text: `edit ${n}.${p} "${say(w)}"`, predict: (m) => m.edit(n, p) };
      }),
  ),
  fc.tuple(id, number).map(
    ([k, j]) =>
      new Typed(`retract #${k}.${j}`, (w) => {
        const n = pickIncident(w, k);
        const p = pickPost(w, n, j);
        return { text: `retract ${n}.${p} "${say(w)}"`, predict: (m) => m.retract(n, p) };
      }),
  ),
  fc.integer({ min: 1, max: 90 }).map((m) => new Advance(m)),
  fc.constant(new Render()),
];

async function runSequence(cmds: Iterable<Cmd>): Promise<void> {
  const real = createReal();
  try {
    const world = { model: new StatusModel(START), real };
    await fc.asyncModelRun(() => ({ model: world, real: world }), cmds);
    checkSite(world);
  } finally {
    real.close();
  }
}

describe('Herald against the model of the status', () => {
  it('uses the shipped reminders the model assumes', () => {
    expect([...config.maintenance.remindersMs].sort()).toEqual([...REMINDERS_MS].sort());
  });

  // The bugs of issue 15, first, as explicit sequences.
  const regressions: Array<[string, Cmd[]]> = [
    [
      'case 1: a retracted (now: cancelled) maintenance is not started, announced or asked about',
      [
        new Typed('maintenance nc018 mysql +12m..+14m', (w) => {
          const start = w.model.now + 12 * MINUTE;
          const end = start + 2 * MINUTE;
          return {
            text: `maintenance nc018 mysql "Restarting MySQL" --start "${typed(start)}" --end "${typed(end)}"`,
            predict: (m) => m.maintenance('nc018/mysql', start, end),
          };
        }),
        new Typed('retract 1.1', () => ({
          text: 'retract 1.1 "Wrong date"',
          predict: (m) => m.retract(1, 1),
        })),
        new Typed('cancel 1', () => ({ text: 'cancel 1 "Wrong date"', predict: (m) => m.cancel(1) })),
        new Typed('retract 1.1', () => ({
          text: 'retract 1.1 "Wrong date"',
          predict: (m) => m.retract(1, 1),
        })),
        new Advance(12),
        new Advance(2),
        new Advance(30),
        new Render(),
      ],
    ],
    [
      'case 2: an outage now on a component whose maintenance is next week, and during one in progress',
      [
        new Typed('maintenance nc026 web +150m', (w) => {
          const start = w.model.now + 150 * MINUTE;
          return {
            text: `maintenance nc026 web "Moving" --start "${typed(start)}" --end "${typed(start + 60 * MINUTE)}"`,
            predict: (m) => m.maintenance('nc026/web', start, start + 60 * MINUTE),
          };
        }),
        new Typed('nc026 web degraded', () => ({
          text: 'nc026 web slow "websites load slowly"',
          predict: (m) => m.change('nc026/web', 'degraded', null),
        })),
        new Typed('resolve 1', () => ({ text: 'resolve 1 "done"', predict: (m) => m.resolve(1, null) })),
        new Advance(90),
        new Advance(60),
        new Render(),
        new Typed('resolve 2', () => ({ text: 'resolve 2 "back"', predict: (m) => m.resolve(2, null) })),
        new Advance(61),
        new Render(),
      ],
    ],
    [
      'case 5: a close before the opening is refused',
      [
        new Typed('nc018 smtp down', () => ({
          text: 'nc018 smtp down "down"',
          predict: (m) => m.change('nc018/smtp', 'down', null),
        })),
        new Advance(4),
        new Typed('resolve 1 --at -5m', (w) => {
          const t = w.model.now - 5 * MINUTE;
          return { text: `resolve 1 "back"${atWords(t)}`, predict: (m) => m.resolve(1, t) };
        }),
        new Render(),
      ],
    ],
  ];
  for (const [name, sequence] of regressions) {
    it(name, async () => {
      await runSequence(sequence);
    });
  }

  it(
    `agrees with Herald over ${RUNS} random sequences of commands, clock advances, scheduler runs and renders`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: LONG ? 60 : 12, size: 'max' }), (cmds) =>
          runSequence(cmds),
        ),
        { numRuns: RUNS },
      );
      // The sequences reached the seams this test is for, not only refusals of unknown numbers.
      for (const key of [
        'cancel:ok',
        'retract:cancel_first',
        'retract:ok',
        'resolve:not_started',
        'resolve:before_open',
        'update:before_open',
        'maintenance:end_before_start',
        'maintenance:ambiguous_incident',
        'maintenance:ok',
        'scheduler:did',
        'edit:ok',
        'notice:ok',
      ]) {
        expect(seen.get(key) ?? 0, key).toBeGreaterThan(0);
      }
    },
    TIMEOUT,
  );
});
