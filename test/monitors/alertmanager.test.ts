// Debian's real Prometheus Alertmanager in front of a whole Herald: alerts posted to Alertmanager's own API
// are grouped by it and sent to POST /hooks/alertmanager with the bearer token of its http_config. One
// group becomes one proposal on the board; a change to the group updates it in place; a Herald restart and
// Alertmanager's repeat_interval notifications repeat nothing; Publish records the command as the pressing
// staff member's own and publishes it to the site and the social fakes; the resolve proposes the "back up"
// update on the open incident. The tests of this file run in order on one world.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/bot/types.js';
import type { Proposal } from '../../src/monitors/proposal.js';
import { type RunningAlertmanager, startAlertmanager } from './alertmanager.js';
import { postAlertmanager } from './payloads.js';
import { HOOK, type MonitorWorld, startMonitorWorld, waitFor } from './world.js';

const ann: Actor = { platform: 'shell', id: 'ann', name: 'ann' };

let world: MonitorWorld;
let am: RunningAlertmanager;
beforeAll(async () => {
  world = await startMonitorWorld();
  am = await startAlertmanager({ hookUrl: `${world.url}/hooks/alertmanager`, token: HOOK.alertmanagerToken });
});
afterAll(async () => {
  await am?.stop();
  await world?.close();
});

/** Notifications Herald took from Alertmanager since it started (accepted, or recognised as a retry). */
async function notifications(): Promise<number> {
  const text = await world.herald.metrics.render();
  let n = 0;
  for (const m of text.matchAll(
    /^herald_monitor_hook_requests_total\{hook="alertmanager",result="(accepted|duplicate)"\} (\d+)/gm,
  )) {
    n += Number(m[2]);
  }
  return n;
}

const smtpAlert = (instance: string, endsAt?: string) => ({
  labels: { alertname: 'SMTPDown', instance, job: 'smtp', severity: 'critical' },
  annotations: { summary: `SMTP on ${instance} does not answer` },
  ...(endsAt ? { endsAt } : {}),
});

const proposals = (): Proposal[] => world.herald.proposals.list();

const zoneClock = (at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    at,
  );
const zoneDay = (at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'long' }).format(at);
/** `18:22 PST Vancouver`, and `, 3 December` after it when the zone's day is not the UTC day. */
function inZone(at: Date, timeZone: string, abbr: string, city: string): string {
  const day = zoneDay(at, timeZone) === zoneDay(at, 'UTC') ? '' : `, ${zoneDay(at, timeZone)}`;
  return `${zoneClock(at, timeZone)} ${abbr} ${city}${day}`;
}

describe('Alertmanager → Herald', () => {
  it('turns one grouped notification into one proposal on the board', async () => {
    await am.post([smtpAlert('nc018.ninernet.net:25'), smtpAlert('nc018.ninernet.net:587')]);
    const shown = await waitFor('the proposal on the board', () => world.board.shows[0], 30_000);
    await world.settled();
    expect(proposals()).toHaveLength(1);
    const p = shown.proposal;
    expect(p).toMatchObject({
      source: 'alertmanager',
      groupKey: '{}:{alertname="SMTPDown"}',
      fate: 'open',
      state: 'down',
      components: [{ system: 'nc018', service: 'smtp' }],
      incidentId: null,
      resolves: false,
      informational: false,
      revision: 1,
    });
    // The configured component's template, in the provider's voice; the time in UTC and the client zones.
    expect(p.command).toMatch(
      /^nc018 smtp down "We are aware of a problem with outgoing mail \(SMTP\) on server NC018 since \d\d:\d\d UTC, and are working on it\. You may not be able to send email for now\." --at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(p.title).toBe('SMTP on NC018 shut down');
    // Each zone's clock, and its date where that is not the UTC date: worked out here with Intl from the
    // command's --at, so the test holds at any hour it runs (a run at 02:22 UTC is the day before in Vancouver).
    const at = new Date(/--at (\S+)$/.exec(p.command)?.[1] ?? '');
    const pacific =
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/Vancouver', timeZoneName: 'short' })
        .formatToParts(at)
        .find((x) => x.type === 'timeZoneName')?.value ?? '';
    expect(p.text).toContain(
      `since ${zoneClock(at, 'UTC')} UTC (${inZone(at, 'America/Vancouver', pacific, 'Vancouver')} · ${inZone(at, 'Africa/Lusaka', 'CAT', 'Lusaka')})`,
    );
    expect(p.alertCount).toBe(2);
  });

  it('updates the proposal in place when the group changes, not a second one', async () => {
    await am.post([smtpAlert('nc018.ninernet.net:465')]);
    const revised = await waitFor('the revised proposal', () =>
      world.board.shows.find((s) => s.proposal.revision === 2),
    );
    expect(revised.remoteId).toBe(world.board.shows[0]?.returned);
    expect(revised.proposal.alertCount).toBe(3);
    expect(proposals()).toHaveLength(1);
    expect(world.board.messages.size).toBe(1);
  });

  it('repeats nothing after a restart of Herald, nor for repeat_interval notifications', async () => {
    await world.restart();
    // Alertmanager's repeat_interval (2 s) resends the unchanged group to the restarted Herald.
    let seen = 0;
    const until = Date.now() + 30_000;
    while (seen < 2 && Date.now() < until) {
      seen = await notifications();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBeGreaterThanOrEqual(2);
    await world.settled();
    expect(proposals()).toHaveLength(1);
    expect(proposals()[0]?.revision).toBe(2);
    // The new board knows the proposal's message from the database: nothing to show again.
    expect(world.board.shows).toEqual([]);
    const fates = world.herald.proposals.fates(proposals()[0]?.id ?? 0).map((f) => f.event);
    expect(fates).toEqual(['proposed', 'revised']);
  });

  it('Publish records the command as the staff member’s own post, published to the site and the social fakes', async () => {
    const [p] = proposals();
    const result = world.herald.monitors.press({ proposalId: p?.id ?? 0, action: 'publish', actor: ann });
    expect(result.kind).toBe('done');
    if (result.kind !== 'done' || result.outcome?.kind !== 'recorded') throw new Error('not recorded');
    expect(result.proposal).toMatchObject({
      fate: 'published',
      decidedBy: ann,
      published: { incidentId: 1, postNumber: 1 },
    });
    // Through the ordinary command path: audited as ann's own command, exactly as proposed.
    const [audit] = world.herald.store.audit();
    expect(audit).toMatchObject({ actor: ann, text: p?.command, result: 'ok' });
    await world.herald.publisher.runOnce();
    const page = fs.readFileSync(path.join(world.config.paths.publicDir, 'incidents', '1.html'), 'utf8');
    expect(page).toContain('SMTP on NC018 shut down');
    expect(page).toContain('We are aware of a problem with outgoing mail (SMTP) on server NC018');
    expect(world.twitter.tweets.map((t) => t.text)[0]).toMatch(
      /^SMTP on NC018 shut down\n\n.* UTC \(.*\): We are aware of a problem with outgoing mail/,
    );
    expect(world.mastodon.statuses).toHaveLength(1);
    expect(world.bluesky.posts).toHaveLength(1);
    await world.settled();
    const shown = world.board.shows.at(-1);
    expect(shown?.proposal.fate).toBe('published');
    expect(shown?.remoteId).toBe('test-msg-1');
    // A second press changes nothing.
    const again = world.herald.monitors.press({ proposalId: p?.id ?? 0, action: 'publish', actor: ann });
    expect(again).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('already published by ann'),
    });
    expect(world.herald.store.audit()).toHaveLength(1);
  });

  it('proposes the "back up" update on the open incident when the alerts resolve', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    await am.post(
      ['nc018.ninernet.net:25', 'nc018.ninernet.net:587', 'nc018.ninernet.net:465'].map((i) =>
        smtpAlert(i, past),
      ),
    );
    const backUp = await waitFor('the back-up proposal', () =>
      world.board.shows.find((s) => s.proposal.resolves),
    );
    expect(backUp.remoteId).toBeNull();
    expect(backUp.proposal).toMatchObject({ incidentId: 1, state: 'operational', fate: 'open' });
    expect(backUp.proposal.command).toMatch(
      /^resolve 1 "We’ve fixed the problem with SMTP on server NC018 at \d\d:\d\d UTC\. You can now send email again\." --at /,
    );
    const result = world.herald.monitors.press({
      proposalId: backUp.proposal.id,
      action: 'publish',
      actor: ann,
    });
    expect(result).toMatchObject({ kind: 'done', proposal: { fate: 'published' } });
    expect(world.herald.store.incident(1)?.status).toBe('resolved');
  });

  it('refuses Alertmanager’s hook without credentials (401)', async () => {
    const r = await postAlertmanager(world.url, '{}', null);
    expect(r.status).toBe(401);
  });
});
