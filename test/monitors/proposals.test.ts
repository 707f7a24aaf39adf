// The proposal state machine, driven through the generic hook (signed by `standardwebhooks`) on a whole
// Herald with a test clock: flapping within the window makes no new proposal; a component with an open
// incident gets an update proposed; a maintenance window makes it informational; publish_after publishes
// as Herald and says so; open proposals expire; Edit and Dismiss, and who may press. Each test has its own
// alert group on one shared world.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/bot/types.js';
import type { Proposal } from '../../src/monitors/proposal.js';
import { postStatus, signed } from './payloads.js';
import { type MonitorWorld, startMonitorWorld } from './world.js';

const ann: Actor = { platform: 'shell', id: 'ann', name: 'ann' };
const stranger: Actor = { platform: 'slack', id: 'U0STRANGER', name: 'stranger' };
const MIN = 60_000;

let world: MonitorWorld;
beforeAll(async () => {
  world = await startMonitorWorld({
    section: `
  flap_window: 5m
  expire_after: 1h
  components:
    nc026 imap:
      publish_after: 10m
`,
  });
  world.setNow(Date.now());
});
afterAll(async () => {
  await world?.close();
});

/**
 * The monitor's notification, signed now (real time: the signature's freshness is the sender's clock), or at
 * `at` (a monitor whose clock is off).
 */
async function notify(
  component: string,
  state: string,
  id: string,
  message = 'check failed',
  at?: Date,
): Promise<void> {
  const body = JSON.stringify({ component, state, message, id });
  const r = await postStatus(world.url, body, signed(body, { at }));
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  await world.settled();
}

const ofGroup = (id: string): Proposal[] =>
  world.herald.proposals.list({ limit: 1000 }).filter((p) => p.groupKey === id);
const advance = (ms: number) => world.setNow(world.now() + ms);
const lastShown = (id: number) => world.board.shows.filter((s) => s.proposal.id === id).at(-1)?.proposal;

describe('proposals', () => {
  it('flapping within the window makes no new proposal; once settled, the unpublished one is withdrawn', async () => {
    await notify('nc018 pop', 'down', 'flap');
    const [first] = ofGroup('flap');
    expect(first).toMatchObject({ fate: 'open', revision: 1 });
    for (let i = 0; i < 3; i++) {
      advance(MIN);
      await notify('nc018 pop', 'up', 'flap');
      advance(MIN);
      await notify('nc018 pop', 'down', 'flap');
    }
    expect(ofGroup('flap')).toHaveLength(1);
    expect(ofGroup('flap')[0]?.revision).toBe(1);
    await notify('nc018 pop', 'up', 'flap');
    advance(4 * MIN);
    await world.runDue();
    expect(ofGroup('flap')[0]?.fate).toBe('open');
    advance(2 * MIN);
    await world.runDue();
    const [settled] = ofGroup('flap');
    expect(settled).toMatchObject({
      fate: 'superseded',
      note: 'The alerts resolved before anyone published.',
    });
    expect(lastShown(settled?.id ?? 0)?.fate).toBe('superseded');
    expect(ofGroup('flap')).toHaveLength(1);
  });

  it("takes an alert stamped in Herald's future as begun now: flapping then changes nothing", async () => {
    // The monitor's clock is two minutes ahead of real time, and so of Herald's at first (the signature's
    // freshness, checked against real time, allows five).
    world.setNow(Date.now());
    const ahead = () => new Date(Date.now() + 2 * MIN);
    await notify('nc018 mysql', 'down', 'skewed', 'check failed', ahead());
    const [first] = ofGroup('skewed');
    expect(first).toMatchObject({ fate: 'open', revision: 1 });
    expect(first?.command).toContain(`--at ${new Date(world.now()).toISOString().slice(0, 17)}`);
    advance(3 * MIN);
    await notify('nc018 mysql', 'up', 'skewed', 'check failed', ahead());
    advance(MIN);
    await notify('nc018 mysql', 'down', 'skewed', 'check failed', ahead());
    expect(ofGroup('skewed')).toHaveLength(1);
    expect(ofGroup('skewed')[0]).toMatchObject({ revision: 1, command: first?.command });
    world.setNow(Date.now() + 10 * MIN);
  });

  it('proposes an update to the open incident instead of a new one', async () => {
    const recorded = world.herald.handle({
      text: 'nc018 ftp down "FTP is down for a disk check."',
      actor: ann,
    });
    if (recorded.kind !== 'recorded') throw new Error(recorded.kind);
    await notify('nc018 ftp', 'down', 'ftp');
    const [p] = ofGroup('ftp');
    expect(p?.incidentId).toBe(recorded.incident.id);
    expect(p?.command).toMatch(
      new RegExp(`^update ${recorded.incident.id} "We are aware of a problem with FTP`),
    );
    expect(p?.title).toBe('FTP on NC018 shut down: Update 2');
  });

  it('during a maintenance window shows the alerts for information, never proposed for publication', async () => {
    const start = new Date(world.now() - MIN).toISOString().slice(0, 16);
    const end = new Date(world.now() + 60 * MIN).toISOString().slice(0, 16);
    const planned = world.herald.handle({
      text: `maintenance nc018 web "We are upgrading the web server." --start "${start}Z" --end "${end}Z"`,
      actor: ann,
    });
    expect(planned.kind).toBe('recorded');
    await notify('nc018 web', 'down', 'web');
    const [p] = ofGroup('web');
    expect(p).toMatchObject({ informational: true, publishAt: null, fate: 'open' });
    expect(p?.note).toContain('maintenance window');
    const press = world.herald.monitors.press({ proposalId: p?.id ?? 0, action: 'publish', actor: ann });
    expect(press).toMatchObject({ kind: 'refused', message: expect.stringContaining('information only') });
    const dismissed = world.herald.monitors.press({ proposalId: p?.id ?? 0, action: 'dismiss', actor: ann });
    expect(dismissed).toMatchObject({ kind: 'done', proposal: { fate: 'dismissed', decidedBy: ann } });
  });

  it('publish_after: nobody acting, Herald publishes it itself and says so on the board', async () => {
    await notify('nc026 imap', 'down', 'imap');
    const [p] = ofGroup('imap');
    expect(p?.publishAt).toBe((p?.createdAt ?? 0) + 10 * MIN);
    advance(9 * MIN);
    await world.runDue();
    expect(ofGroup('imap')[0]?.fate).toBe('open');
    advance(2 * MIN);
    await world.runDue();
    const [auto] = ofGroup('imap');
    expect(auto).toMatchObject({ fate: 'auto_published', decidedBy: null });
    expect(auto?.note).toBe('Published by Herald: nobody acted within 10 min (publish_after).');
    expect(lastShown(auto?.id ?? 0)?.fate).toBe('auto_published');
    const incident = world.herald.store.incident(auto?.published?.incidentId ?? 0);
    expect(incident?.title).toBe('IMAP on NC026 shut down');
    const audit = world.herald.store.audit().find((a) => a.incidentId === incident?.id);
    expect(audit?.actor).toMatchObject({ platform: 'herald', name: 'Herald' });
  });

  it('an open proposal nobody acts on expires', async () => {
    await notify('nc026 pop', 'degraded', 'expiring');
    const [p] = ofGroup('expiring');
    expect(p?.state).toBe('degraded');
    advance(61 * MIN);
    await world.runDue();
    expect(ofGroup('expiring')[0]).toMatchObject({ fate: 'expired', note: 'Nobody acted within 1 h.' });
    expect(world.herald.proposals.fates(p?.id ?? 0).map((f) => f.event)).toEqual(['proposed', 'expired']);
  });

  it('only staff press; Edit records the changed text as the staff member’s own command', async () => {
    await notify('nc026 dns', 'down', 'dns');
    const [p] = ofGroup('dns');
    const refused = world.herald.monitors.press({
      proposalId: p?.id ?? 0,
      action: 'publish',
      actor: stranger,
    });
    expect(refused).toMatchObject({ kind: 'refused', message: expect.stringContaining('only staff') });
    expect(ofGroup('dns')[0]?.fate).toBe('open');
    const text = 'nc026 dns down "Our name servers on NC026 are not answering; we are on it."';
    const edited = world.herald.monitors.press({ proposalId: p?.id ?? 0, action: 'edit', actor: ann, text });
    expect(edited).toMatchObject({ kind: 'done', proposal: { fate: 'edited', decidedBy: ann } });
    const audit = world.herald.store.audit()[0];
    expect(audit).toMatchObject({ actor: ann, text });
    // The group keeps firing: a dismissed or decided proposal is not proposed again until it resolves.
    await notify('nc026 dns', 'down', 'dns', 'still failing');
    expect(ofGroup('dns')).toHaveLength(1);
  });

  it('/status proposals lists the open ones with their command, and what became of the others', () => {
    const reply = world.herald.handle({ text: '/status proposals', actor: ann });
    if (reply.kind !== 'help') throw new Error(reply.kind);
    expect(reply.text).toContain('No open proposals.');
    expect(reply.text).toMatch(
      /“IMAP on NC026 shut down” from status-hook, 1 alert, .*: published by Herald \(publish_after\), post \d+\.1/,
    );
    expect(reply.text).toMatch(/: published with edits by ann, post \d+\.1/);
    expect(reply.text).toContain('dismissed by ann');
  });

  it('counts fates in /metrics', async () => {
    const text = await world.herald.metrics.render();
    const all = world.herald.proposals.list({ limit: 1000 });
    const count = (fate: string) => all.filter((p) => p.fate === fate).length;
    expect(count('expired')).toBeGreaterThan(0);
    for (const fate of ['auto_published', 'expired', 'dismissed', 'edited', 'superseded']) {
      expect(text).toMatch(new RegExp(`^herald_proposals_total\\{event="${fate}"\\} ${count(fate)}$`, 'm'));
      expect(text).toMatch(new RegExp(`^herald_proposals_now\\{fate="${fate}"\\} ${count(fate)}$`, 'm'));
    }
    expect(text).toMatch(new RegExp(`^herald_proposals_total\\{event="proposed"\\} ${all.length}$`, 'm'));
  });
});
