// Maintenance that runs itself, through the whole Herald (createTestHerald: the composition root, its
// scheduler, publisher and site) on a test clock: nothing waits; each test moves the clock and asks the
// scheduler for what is due, as its timer would.
import { afterEach, describe, expect, it } from 'vitest';
import type { PromptMessage } from '../../src/automation/prompts.js';
import type { Incident, Post } from '../../src/bot/types.js';
import { ops } from '../helpers/core.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';

const SCHEDULE =
  'maintenance nc018 web "We will migrate websites from NC018 to NC026." --start 2013-05-03 19:00 --end 2013-05-03 23:00';

let app: TestHerald | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A Herald on 1 May 2013 with the maintenance scheduled, and the shell's questions collected. */
function scheduled(options: { schedule?: string; configText?: (shipped: string) => string } = {}) {
  const world = createTestHerald({
    now: '2013-05-01T10:00:00Z',
    ...(options.configText ? { configText: options.configText } : {}),
  });
  app = world;
  const asked: PromptMessage[] = [];
  const serveShell = () =>
    world.herald.servePrompts('shell', async (message) => {
      asked.push(message);
    });
  serveShell();
  world.record(options.schedule ?? SCHEDULE);
  return {
    world,
    asked,
    serveShell,
    /** Moves the clock and runs what is due, as the scheduler's timer would at that moment. */
    async at(iso: string) {
      world.setNow(iso);
      const reports = await world.herald.scheduler.runDue();
      await world.herald.publisher.runOnce();
      return reports;
    },
    posts: (): Post[] => world.herald.store.postsOf(1),
    incident: (): Incident => {
      const found = world.herald.store.incident(1);
      if (!found) throw new Error('no incident 1');
      return found;
    },
    steps: () => world.herald.store.steps(1).map((s) => [s.key, s.outcome, s.note]),
    web: () =>
      world.herald.store.components().find((c) => c.system === 'nc018' && c.service === 'web')?.state ??
      'operational',
  };
}

describe('a scheduled maintenance runs itself', () => {
  it('posts the reminders and the start in order and once, across a restart, then asks its author, whose answer completes it', async () => {
    const m = scheduled();
    expect(m.posts().map((p) => p.title)).toEqual(['Scheduled maintenance: Web server on server NC018']);

    // Nothing is due yet, however often it looks.
    await m.at('2013-05-02T18:59:00Z');
    await m.at('2013-05-02T18:59:30Z');
    expect(m.posts()).toHaveLength(1);

    await m.at('2013-05-02T19:00:00Z');
    await m.at('2013-05-02T19:00:30Z');
    expect(m.posts().map((p) => [p.number, p.title, p.author, p.text])).toEqual([
      [
        1,
        'Scheduled maintenance: Web server on server NC018',
        'ops',
        'We will migrate websites from NC018 to NC026.',
      ],
      [
        2,
        'Scheduled maintenance: Web server on server NC018: Update 2',
        'Herald',
        'A reminder: our scheduled maintenance (Web server on server NC018) begins in 24 hours, on Friday, 3 May 2013 at 19:00 UTC (12:00 PDT Vancouver · 21:00 CAT Lusaka). We expect it to be finished by 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 4 May).',
      ],
    ]);

    // Herald stops and starts again on the same data folder.
    await m.world.reopen();
    m.serveShell();
    await m.at('2013-05-02T19:05:00Z');
    expect(m.posts()).toHaveLength(2);

    await m.at('2013-05-03T18:00:00Z');
    expect(m.posts()[2]?.text).toMatch(
      /^A reminder: our scheduled maintenance \(Web server on server NC018\) begins in 1 hour, on Friday, 3 May 2013 at 19:00 UTC/,
    );
    expect(m.incident().status).toBe('scheduled');
    expect(m.web()).toBe('operational');

    await m.at('2013-05-03T19:00:00Z');
    const start = m.posts()[3];
    expect(start).toMatchObject({
      number: 4,
      title: 'Scheduled maintenance: Web server on server NC018: Update 4',
      author: 'Herald',
      state: 'maintenance',
      eventAt: Date.parse('2013-05-03T19:00:00Z'),
      text: 'Our scheduled maintenance (Web server on server NC018) is starting now. We expect it to be finished by 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 4 May). We apologise for the inconvenience.',
    });
    expect(m.incident().status).toBe('in_progress');
    expect(m.web()).toBe('maintenance');

    // Its expected end: its author (ops, at the shell) is asked, once; no post.
    await m.at('2013-05-03T22:59:00Z');
    expect(m.asked).toEqual([]);
    await m.at('2013-05-03T23:00:00Z');
    await m.at('2013-05-03T23:01:00Z');
    expect(m.posts()).toHaveLength(4);
    expect(m.asked.map((q) => q.line)).toEqual([
      'Herald asks ops: Is maintenance #1 complete? “Scheduled maintenance: Web server on server NC018” was expected to end at 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 4 May). When it is, type:  resolve 1 "Our scheduled maintenance (Web server on server NC018) is complete, and everything is running normally again. Thank you for your patience."',
    ]);
    expect(m.world.herald.store.prompts.prompt(1)).toMatchObject({
      status: 'sent',
      to: { platform: 'shell', id: 'ops' },
    });

    // The author types what the question says.
    const typed = m.asked[0]?.line.split('type:  ')[1] ?? '';
    expect(m.world.herald.handle({ text: typed, actor: ops }).kind).toBe('recorded');
    await m.at('2013-05-03T23:05:00Z');
    expect(m.posts().map((p) => [p.number, p.title])).toEqual([
      [1, 'Scheduled maintenance: Web server on server NC018'],
      [2, 'Scheduled maintenance: Web server on server NC018: Update 2'],
      [3, 'Scheduled maintenance: Web server on server NC018: Update 3'],
      [4, 'Scheduled maintenance: Web server on server NC018: Update 4'],
      [5, 'Scheduled maintenance: Web server on server NC018: completed'],
    ]);
    expect(m.incident().status).toBe('completed');
    expect(m.web()).toBe('operational');

    // Each step once, recorded; the audit names the scheduler for what it posted.
    expect(m.steps()).toEqual([
      ['reminder-24h', 'posted', null],
      ['reminder-1h', 'posted', null],
      ['start', 'posted', null],
      ['end-prompt', 'prompted', null],
    ]);
    const audit = m.world.herald.store
      .audit()
      .reverse()
      .map((a) => [a.actor.platform, a.actor.id, a.code, a.postId, a.text.split(' "')[0]]);
    expect(audit).toEqual([
      ['shell', 'ops', 'maintenance', m.posts()[0]?.id, 'maintenance nc018 web'],
      ['herald', 'scheduler', 'update', m.posts()[1]?.id, 'update 1'],
      ['herald', 'scheduler', 'update', m.posts()[2]?.id, 'update 1'],
      ['herald', 'scheduler', 'maintenance', m.posts()[3]?.id, 'nc018 web maintenance'],
      ['shell', 'ops', 'resolve', m.posts()[4]?.id, 'resolve 1'],
    ]);
    // Every post reached every outlet once.
    const deliveries = m.world.herald.store.deliveries();
    expect(deliveries.every((d) => d.status === 'sent')).toBe(true);
    expect(deliveries).toHaveLength(5 * 4);

    // Nothing more, ever.
    await m.at('2013-05-10T00:00:00Z');
    expect(m.posts()).toHaveLength(5);
    expect(m.asked).toHaveLength(1);
  });

  it('down through the 1 h reminder and the start: on return, the start post only, the reminder recorded as skipped', async () => {
    const m = scheduled();
    await m.at('2013-05-02T19:00:00Z');
    await m.world.reopen();
    await m.at('2013-05-03T19:20:00Z');
    expect(m.posts().map((p) => p.number)).toEqual([1, 2, 3]);
    expect(m.posts()[2]?.text).toBe(
      'Our scheduled maintenance (Web server on server NC018) has begun. We expect it to be finished by 23:00 UTC (16:00 PDT Vancouver · 01:00 CAT Lusaka, 4 May). We apologise for the inconvenience.',
    );
    expect(m.posts()[2]?.eventAt).toBe(Date.parse('2013-05-03T19:00:00Z'));
    expect(m.steps()).toEqual([
      ['reminder-24h', 'posted', null],
      ['reminder-1h', 'skipped', 'its start had passed'],
      ['start', 'posted', null],
    ]);
  });

  it('down through only the 1 h reminder’s moment, before the start: one late reminder, saying how long is left', async () => {
    const m = scheduled();
    await m.at('2013-05-02T19:00:00Z');
    await m.at('2013-05-03T18:30:00Z');
    await m.at('2013-05-03T18:31:00Z');
    expect(m.posts().map((p) => p.number)).toEqual([1, 2, 3]);
    expect(m.posts()[2]?.text).toMatch(/begins in 30 minutes, on Friday, 3 May 2013 at 19:00 UTC/);
  });

  it('down through both reminders’ moments: only the later reminder is posted', async () => {
    const m = scheduled();
    await m.at('2013-05-03T18:10:00Z');
    expect(m.posts().map((p) => p.number)).toEqual([1, 2]);
    expect(m.posts()[1]?.text).toMatch(/begins in 50 minutes/);
    expect(m.steps()).toEqual([
      ['reminder-24h', 'skipped', 'the reminder-1h reminder was due too'],
      ['reminder-1h', 'posted', null],
    ]);
  });

  it('down from before the first reminder until after the end: the start, then the question, in order', async () => {
    const m = scheduled();
    await m.at('2013-05-04T08:00:00Z');
    expect(m.posts().map((p) => p.number)).toEqual([1, 2]);
    expect(m.posts()[1]?.text).toMatch(/has begun\. We apologise/);
    expect(m.steps().map((s) => s.slice(0, 2))).toEqual([
      ['reminder-24h', 'skipped'],
      ['reminder-1h', 'skipped'],
      ['start', 'posted'],
      ['end-prompt', 'prompted'],
    ]);
    expect(m.asked).toHaveLength(1);
  });

  it('started by hand before its time: no second start post, and the reminders still due are skipped', async () => {
    const m = scheduled();
    m.world.setNow('2013-05-03T18:45:00Z');
    m.world.record('nc018 web maintenance "We are starting early."');
    await m.at('2013-05-03T19:00:00Z');
    expect(m.posts().map((p) => p.text)).toEqual([
      'We will migrate websites from NC018 to NC026.',
      'We are starting early.',
    ]);
    expect(m.steps()).toEqual([
      ['reminder-24h', 'skipped', 'the maintenance had started'],
      ['reminder-1h', 'skipped', 'the maintenance had started'],
      ['start', 'skipped', 'it was started by hand'],
    ]);
  });

  it('cancelled before its time: published as cancelled, and nothing more is posted', async () => {
    const m = scheduled();
    m.world.record('cancel 1 "The migration is postponed."');
    await m.at('2013-05-04T00:00:00Z');
    expect(m.posts().map((p) => p.title)).toEqual([
      'Scheduled maintenance: Web server on server NC018',
      'Scheduled maintenance: Web server on server NC018: cancelled',
    ]);
    expect(m.incident().status).toBe('cancelled');
    expect(m.steps()).toEqual([]);
    expect(m.asked).toEqual([]);
  });

  it('without --end its author is never asked; a reminder whose time came before the announcement is not planned', async () => {
    const m = scheduled({ schedule: 'maintenance nc026 dns "Nameserver upgrade." --start 2013-05-01 10:30' });
    await m.at('2013-05-01T10:30:00Z');
    await m.at('2013-05-09T10:30:00Z');
    expect(m.posts().map((p) => p.number)).toEqual([1, 2]);
    expect(m.steps()).toEqual([['start', 'posted', null]]);
    expect(m.asked).toEqual([]);
  });

  it('takes its reminders from the configuration', async () => {
    const m = scheduled({
      configText: (shipped) => shipped.replace('reminders: [24h, 1h]', 'reminders: [2d, 90m]'),
    });
    await m.at('2013-05-01T19:00:00Z');
    await m.at('2013-05-03T17:30:00Z');
    expect(m.steps().map((s) => s.slice(0, 2))).toEqual([
      ['reminder-48h', 'posted'],
      ['reminder-90m', 'posted'],
    ]);
    expect(m.posts()[1]?.text).toMatch(/begins in 2 days/);
    expect(m.posts()[2]?.text).toMatch(/begins in 90 minutes/);
  });

  it('a question that cannot be sent (its platform is not connected) is given up, said in the log, never posted', async () => {
    const m = scheduled();
    await m.world.reopen();
    // This Herald has no shell attached.
    await m.at('2013-05-03T23:00:00Z');
    expect(m.world.herald.store.prompts.prompt(1)).toMatchObject({
      status: 'failed',
      lastError: 'shell is not connected: ops could not be asked',
    });
    expect(m.steps().at(-1)).toEqual(['end-prompt', 'prompted', null]);
  });
});
