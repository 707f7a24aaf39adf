// Issue 15's cases 1, 2 and 5, as a new user met them at the prompt with the shipped configuration: the
// whole Herald (createTestHerald: the composition root, its scheduler, publisher and site) on a test clock,
// and for case 1 the real social and chat clients against the local fakes. Each test asserts on the answer,
// the rows, the site's files and what reached each outlet.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PromptMessage } from '../../src/automation/prompts.js';
import type { Outcome } from '../../src/bot/handle-command.js';
import { renderReplyText } from '../../src/templates/reply-text.js';
import { FAKE_SLACK } from '../fakes/slack.js';
import { ops } from '../helpers/core.js';
import { type FakePlatforms, startFakePlatforms } from '../helpers/fake-platforms.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';

let app: TestHerald | undefined;
let fakes: FakePlatforms | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fakes?.close();
  fakes = undefined;
});

function world(now: string, env?: NodeJS.ProcessEnv) {
  const w = createTestHerald({ now, ...(env ? { env } : {}) });
  app = w;
  const asked: PromptMessage[] = [];
  w.herald.servePrompts('shell', async (message) => {
    asked.push(message);
  });
  const say = (text: string): Outcome => w.herald.handle({ text, actor: ops });
  return {
    w,
    asked,
    say,
    /** The answer as the shell prints it. */
    answer: (outcome: Outcome) => renderReplyText(outcome, w.config.core),
    async at(iso: string) {
      w.setNow(iso);
      await w.herald.scheduler.runDue();
      await w.herald.publisher.runOnce();
    },
    state: (system: string, service: string) =>
      w.herald.store.components().find((c) => c.system === system && c.service === service)?.state ??
      'operational',
    /** The index page's section under `heading`, as the site outlet wrote it. */
    section(heading: string): string {
      const html = fs.readFileSync(path.join(w.dir, 'public', 'index.html'), 'utf8');
      const from = html.indexOf(`>${heading}</h2>`);
      if (from < 0) throw new Error(`the index has no section "${heading}"`);
      return html.slice(from, html.indexOf('</section>', from));
    },
    /** Rows that tell whether anything was written: posts, deliveries, steps, prompts. */
    written: () => ({
      posts: w.herald.store.recentPosts(1000).length,
      deliveries: w.herald.store.deliveries().length,
      audit: w.herald.store.audit(1000).length,
    }),
  };
}

describe('case 1: a maintenance called off is not carried out in public', () => {
  it('retracting its announcement is refused with the cancel to type; cancel publishes "cancelled" everywhere and the scheduler does nothing more', async () => {
    fakes = await startFakePlatforms();
    const m = world('2026-12-03T16:00:00Z', fakes.env);
    const schedule = m.say(
      'maintenance nc018 mysql "Restarting MySQL to apply the new settings." --start 16:12 --end 16:14',
    );
    expect(schedule.kind).toBe('recorded');
    await m.at('2026-12-03T16:01:00Z');
    const before = m.written();

    const retract = m.say('retract 1.1 "Wrong date: this maintenance is not happening today."');
    expect(retract).toMatchObject({ kind: 'refused', code: 'cancel_first' });
    expect(m.answer(retract)).toContain(
      'type `cancel 1 "Wrong date: this maintenance is not happening today."`',
    );
    expect(m.written()).toEqual(before);

    const cancel = m.say('cancel 1 "Wrong date: this maintenance is not happening today."');
    expect(cancel).toMatchObject({ kind: 'recorded', incident: { status: 'cancelled' } });
    expect(m.answer(cancel)).toContain('Herald will post no reminder, no start and ask no question for it');
    // The wrong announcement may be withdrawn now that the maintenance is off.
    expect(m.say('retract 1.1 "Wrong date."').kind).toBe('recorded');

    for (const t of ['16:11', '16:12', '16:13', '16:14', '16:30', '23:00']) await m.at(`2026-12-03T${t}:00Z`);

    const titles = [
      'Scheduled maintenance: MySQL on server NC018',
      'Scheduled maintenance: MySQL on server NC018: cancelled',
    ];
    const store = m.w.herald.store;
    expect(store.postsOf(1).map((p) => p.title)).toEqual(titles);
    expect(store.steps(1)).toEqual([]);
    expect(m.asked).toEqual([]);
    expect(m.state('nc018', 'mysql')).toBe('operational');
    expect(store.incident(1)?.status).toBe('cancelled');
    // Each network got the announcement, the cancellation and the retraction of the announcement; nothing
    // ever said it was starting, updated or completed.
    const firstLines = (texts: string[]) => texts.map((t) => t.split('\n')[0]);
    const published = [...titles, `Retracted: ${titles[0]}`];
    expect(firstLines(fakes.twitter.tweets.map((t) => t.text))).toEqual(published);
    expect(firstLines(fakes.mastodon.statuses.map((s) => s.text))).toEqual(published);
    expect(firstLines(fakes.bluesky.posts.map((p) => p.text))).toEqual(published);
    const slack = fakes.slack.messages.filter((x) => x.channel === FAKE_SLACK.announceChannel);
    const everywhere = [
      ...fakes.twitter.tweets.map((t) => t.text),
      ...fakes.mastodon.statuses.map((t) => t.text),
      ...fakes.bluesky.posts.map((t) => t.text),
      ...slack.map((x) => JSON.stringify(x)),
      ...fakes.discord.messages.map((x) => JSON.stringify(x)),
    ].join('\n');
    expect(everywhere).toContain(': cancelled');
    expect(everywhere).not.toMatch(/starting now|: completed|Update 2/i);
    expect(m.section('Upcoming Maintenance')).not.toContain('incidents/1.html');
    expect(m.section('Open Incidents')).not.toContain('incidents/1.html');
  }, 60_000);

  it('a cancelled maintenance 11 months away is not listed as upcoming, and its reminders never come', async () => {
    const m = world('2026-12-03T16:00:00Z');
    m.say('maintenance nc018 mysql "Upgrading MySQL." --start "2027-11-01 10:00" --end "2027-11-01 12:00"');
    await m.at('2026-12-03T16:00:10Z');
    expect(m.section('Upcoming Maintenance')).toContain('incidents/1.html');
    expect(m.say('retract 1.1 "Not happening."')).toMatchObject({ kind: 'refused', code: 'cancel_first' });
    expect(m.say('cancel 1 "Not happening this year."').kind).toBe('recorded');
    await m.at('2026-12-03T16:01:00Z');
    expect(m.section('Upcoming Maintenance')).not.toContain('incidents/1.html');
    await m.at('2027-10-31T10:00:00Z');
    await m.at('2027-11-01T10:00:00Z');
    await m.at('2027-11-01T12:00:00Z');
    expect(m.w.herald.store.postsOf(1)).toHaveLength(2);
    expect(m.asked).toEqual([]);
  });

  it('a maintenance in progress, cancelled, stops: its components come back, nothing more is posted, nobody is asked', async () => {
    const m = world('2026-12-03T16:00:00Z');
    m.say('maintenance nc018 mysql "Restarting MySQL." --start 16:10 --end 16:40');
    await m.at('2026-12-03T16:10:00Z');
    expect(m.state('nc018', 'mysql')).toBe('maintenance');
    const cancel = m.say('cancel nc018 mysql "Stopped: the new settings are not ready."');
    expect(cancel).toMatchObject({ kind: 'recorded', incident: { status: 'cancelled' } });
    expect(m.state('nc018', 'mysql')).toBe('operational');
    await m.at('2026-12-03T16:40:00Z');
    expect(m.w.herald.store.postsOf(1).map((p) => p.title.replace(/.*: /, ''))).toEqual([
      'MySQL on server NC018',
      'Update 2',
      'cancelled',
    ]);
    expect(m.asked).toEqual([]);
  });

  it('a maintenance whose announcement an older Herald let be retracted is never started, announced or asked about', async () => {
    const m = world('2026-12-03T16:00:00Z');
    m.say('maintenance nc018 mysql "Restarting MySQL." --start 16:12 --end 16:14');
    const store = m.w.herald.store;
    const announcement = store.post(1, 1);
    if (!announcement) throw new Error('no announcement');
    // As the old `retract 1.1` wrote it (today's refuses it: cancel_first), straight into the store.
    store.transact((repo) =>
      repo.apply({
        kind: 'retract',
        incident: { id: 1, patch: {} },
        post: null,
        edit: null,
        retract: {
          postId: announcement.id,
          reason: 'Wrong date.',
          author: 'ops',
          at: Date.parse('2026-12-03T16:01:00Z'),
        },
        components: [],
        outlets: [],
        audit: {
          at: Date.parse('2026-12-03T16:01:00Z'),
          actor: ops,
          text: 'retract 1.1 "Wrong date."',
          result: 'ok',
          code: 'retract',
        },
      }),
    );
    for (const t of ['16:11', '16:12', '16:14', '17:00']) await m.at(`2026-12-03T${t}:00Z`);
    expect(store.postsOf(1)).toHaveLength(1);
    expect(store.steps(1).map((s) => [s.key, s.outcome, s.note])).toEqual([
      ['start', 'skipped', 'its announcement was retracted'],
      ['end-prompt', 'skipped', 'its announcement was retracted'],
    ]);
    expect(m.state('nc018', 'mysql')).toBe('operational');
    expect(m.asked).toEqual([]);
  });

  it('cancel refuses what is not a maintenance to call off, writing nothing', () => {
    const m = world('2026-12-03T16:00:00Z');
    m.say('nc018 smtp down "Spam."');
    const before = m.written();
    const outage = m.say('cancel 1 "oops"');
    expect(outage).toMatchObject({ kind: 'refused', code: 'not_maintenance' });
    expect(m.answer(outage)).toContain('resolve 1 "…"');
    expect(m.say('cancel 7 "oops"')).toMatchObject({ kind: 'refused', code: 'unknown_incident' });
    expect(m.written()).toEqual(before);
  });
});

describe('case 2: a maintenance does not hold its components until it starts', () => {
  it('an outage now on a component whose maintenance is next week is accepted; resolve of the maintenance is refused with cancel advice', async () => {
    const m = world('2026-12-03T16:00:00Z');
    m.say('maintenance nc026 web "Moving websites." --start "2026-12-10 19:00" --end "2026-12-10 23:00"');
    const slow = m.say('nc026 web slow "websites load slowly"');
    expect(slow).toMatchObject({ kind: 'recorded', incident: { id: 2, kind: 'outage', status: 'open' } });
    expect(m.answer(slow)).toContain('maintenance #1 on nc026 web is still scheduled');
    expect(m.state('nc026', 'web')).toBe('degraded');

    const all = m.say('nc026 all down "power failure"');
    expect(all).toMatchObject({ kind: 'recorded', incident: { id: 2 } });
    expect(m.answer(all)).not.toMatch(/nc026 (mysql|smtp|imap|pop|dns)[^\n]*maintenance #1/);
    for (const service of m.w.herald.store.incident(2)?.components ?? []) {
      expect(m.state(service.system, service.service)).toBe('down');
    }

    const before = m.written();
    const resolve = m.say('resolve 1 "done"');
    expect(resolve).toMatchObject({ kind: 'refused', code: 'not_started' });
    expect(m.answer(resolve)).toContain('cancel 1 "<reason>"');
    expect(m.written()).toEqual(before);
    expect(m.w.herald.store.incident(1)?.status).toBe('scheduled');
  });

  it('an outage during a maintenance in progress: down wins, both are listed, each close gives back what the other holds', async () => {
    const m = world('2026-12-03T16:00:00Z');
    m.say('maintenance nc026 web "Moving websites." --start 16:30 --end 18:00');
    await m.at('2026-12-03T16:30:00Z');
    expect(m.state('nc026', 'web')).toBe('maintenance');

    expect(m.say('nc026 web down "The new web server does not answer."').kind).toBe('recorded');
    expect(m.state('nc026', 'web')).toBe('down');
    await m.at('2026-12-03T16:31:00Z');
    const open = m.section('Open Incidents');
    expect(open).toContain('incidents/1.html');
    expect(open).toContain('incidents/2.html');

    // The outage ends first: web is back in maintenance, not operational.
    expect(m.say('resolve 2 "The web server answers again."').kind).toBe('recorded');
    expect(m.state('nc026', 'web')).toBe('maintenance');
    expect(m.say('resolve 1 "The websites have moved."').kind).toBe('recorded');
    expect(m.state('nc026', 'web')).toBe('operational');

    // And the other way round: a maintenance completed while an outage is open leaves the component down.
    m.say('nc026 mysql maintenance "Restarting MySQL."');
    m.say('nc026 mysql down "MySQL does not start."');
    expect(m.say('resolve 3 "The restart is done."').kind).toBe('recorded');
    expect(m.state('nc026', 'mysql')).toBe('down');
  });

  it('a refusal names only the components it is about', () => {
    const m = world('2026-12-03T16:00:00Z');
    m.say('nc026 web maintenance "Moving websites."');
    const again = m.say('maintenance nc026 all "Patching everything." --start now');
    expect(again).toMatchObject({ kind: 'refused', code: 'ambiguous_incident' });
    expect(m.answer(again)).toContain('nc026 web is already in maintenance #1');
    expect(m.answer(again)).not.toContain('nc026 mysql');
  });
});

describe('case 5: event times cannot contradict the incident', () => {
  it('a close before the opening, an update before it, an end before the start: each refused naming both times, nothing written', () => {
    const m = world('2026-12-03T16:06:00Z');
    m.say('nc018 smtp down "SMTP is down."');
    m.w.setNow('2026-12-03T16:10:00Z');
    const before = m.written();

    const close = m.say('resolve 1 "SMTP is back." --at 16:05');
    expect(close).toMatchObject({ kind: 'refused', code: 'before_open' });
    expect(m.answer(close)).toMatch(/16:05 UTC.*before #1 opened at .*16:06 UTC/);
    const up = m.say('nc018 smtp up "SMTP is back." --at 16:05');
    expect(up).toMatchObject({ kind: 'refused', code: 'before_open' });
    const update = m.say('update 1 "We are on it." --at 16:00');
    expect(update).toMatchObject({ kind: 'refused', code: 'before_open' });
    expect(m.answer(update)).toMatch(/16:00 UTC.*16:06 UTC/);

    const end = m.say('maintenance nc018 web "Moving." --start "2026-12-04 19:00" --end "2026-12-04 18:00"');
    expect(end).toMatchObject({ kind: 'refused', code: 'end_before_start' });
    expect(m.answer(end)).toMatch(/18:00 UTC.*19:00 UTC/);

    expect(m.written()).toEqual(before);
    expect(m.w.herald.store.incident(1)).toMatchObject({ status: 'open', closedAt: null });
    expect(m.say('resolve 1 "SMTP is back." --at 16:07').kind).toBe('recorded');
    expect(m.w.herald.store.incident(1)?.closedAt).toBe(Date.parse('2026-12-03T16:07:00Z'));
  });
});
