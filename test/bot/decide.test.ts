// The decisions, through the front door: a command typed as in chat, the rows it leaves, the answer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderReplyText } from '../../src/templates/reply-text.js';
import { createTestCore, ops, recorded, type TestCore } from '../helpers/core.js';
import { testSettings } from '../helpers/settings.js';

let core: TestCore;
beforeEach(() => {
  core = createTestCore({ now: '2012-07-27T21:39:27Z' });
});
afterEach(() => core.close());

const stateOf = (system: string, service: string) =>
  core.store.components().find((c) => c.system === system && c.service === service)?.state ?? 'operational';

describe('outages', () => {
  it('down opens an outage and sets the component down', () => {
    const out = recorded(core.run('nc018 smtp down "spam cleanup"'));
    expect(out.incident).toMatchObject({
      id: 1,
      kind: 'outage',
      status: 'open',
      title: 'SMTP on NC018 shut down',
    });
    expect(out.post).toMatchObject({
      number: 1,
      title: 'SMTP on NC018 shut down',
      text: 'spam cleanup',
      state: 'down',
    });
    expect(stateOf('nc018', 'smtp')).toBe('down');
    expect(out.deliveries.map((d) => d.outlet)).toEqual(['site', 'twitter', 'mastodon', 'bluesky']);
  });

  it('the same again while it is open adds a numbered update, never a duplicate incident', () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    core.setNow('2012-07-27T21:50:00Z');
    const out = recorded(core.run('nc018 smtp down "still cleaning"'));
    expect(out.incident.id).toBe(1);
    expect(out.post).toMatchObject({ number: 2, title: 'SMTP on NC018 shut down: Update 2' });
    expect(out.notes.join(' ')).toMatch(/already in open incident #1/);
    expect(core.store.incidents()).toHaveLength(1);
  });

  it('up closes the incident only when all of its components are operational again', () => {
    recorded(core.run('nc018 smtp,imap down "mail is down"'));
    expect(core.store.incident(1)?.components).toEqual([
      { system: 'nc018', service: 'smtp' },
      { system: 'nc018', service: 'imap' },
    ]);
    const partial = recorded(core.run('nc018 smtp up "SMTP is back"'));
    expect(partial.incident.status).toBe('open');
    expect(partial.post?.title).toBe('SMTP and IMAP on NC018 shut down: Update 2');
    expect(stateOf('nc018', 'smtp')).toBe('operational');
    expect(stateOf('nc018', 'imap')).toBe('down');
    core.setNow('2012-07-27T22:20:51Z');
    const done = recorded(core.run('nc018 imap restored "IMAP is back too" --at 22:13'));
    expect(done.incident).toMatchObject({ status: 'resolved', closedAt: Date.parse('2012-07-27T22:13:00Z') });
    expect(done.post?.title).toBe('SMTP and IMAP on server NC018 restarted');
    expect(stateOf('nc018', 'imap')).toBe('operational');
  });

  it('degraded then down stays one incident whose impact worsens', () => {
    recorded(core.run('nc026 web slow "websites are slow"'));
    expect(core.store.incident(1)?.impact).toBe('degraded');
    recorded(core.run('nc026 web down "websites are down"'));
    expect(core.store.incident(1)).toMatchObject({ impact: 'down', lastNumber: 2 });
    expect(stateOf('nc026', 'web')).toBe('down');
  });

  it('resolve closes an outage by number or by component and sets its components back', () => {
    recorded(core.run('nc018 dns down "nameserver failure"'));
    const out = recorded(core.run('resolve nc018 dns "nameservers answer again"'));
    expect(out.incident.status).toBe('resolved');
    expect(out.post?.title).toBe('DNS on server NC018 restarted');
    expect(stateOf('nc018', 'dns')).toBe('operational');
    const again = core.run('update 1 "more"');
    expect(again).toMatchObject({ kind: 'refused', code: 'incident_closed' });
  });

  it('up with nothing open records an outage that is already over', () => {
    const out = recorded(core.run('nc018 smtp up "restarted at 18:20 UTC" --at 18:20'));
    expect(out.incident).toMatchObject({ status: 'resolved', title: 'SMTP on server NC018 restarted' });
    expect(out.notes.join(' ')).toMatch(/already over/);
  });
});

describe('maintenance', () => {
  it('is scheduled, then in progress, then completed', () => {
    core.setNow('2013-05-03T07:11:33Z');
    const scheduled = recorded(
      core.run(
        'maintenance nc018 web "Migrating websites to NC026" --start 2013-05-03 19:00 --end 2013-05-03 23:00',
      ),
    );
    expect(scheduled.incident).toMatchObject({
      kind: 'maintenance',
      status: 'scheduled',
      title: 'Scheduled maintenance: Web server on server NC018',
      startsAt: Date.parse('2013-05-03T19:00:00Z'),
      endsAt: Date.parse('2013-05-03T23:00:00Z'),
    });
    expect(stateOf('nc018', 'web')).toBe('operational');
    expect(scheduled.times.map((t) => t.label)).toEqual(['start', 'end']);

    core.setNow('2013-05-03T19:00:05Z');
    const started = recorded(core.run('nc018 web maintenance "Starting the website migration now"'));
    expect(started.incident).toMatchObject({ id: 1, status: 'in_progress' });
    expect(stateOf('nc018', 'web')).toBe('maintenance');

    core.setNow('2013-05-03T22:40:00Z');
    const done = recorded(core.run('resolve 1 "All websites are on NC026"'));
    expect(done.incident.status).toBe('completed');
    expect(done.post?.title).toBe('Scheduled maintenance: Web server on server NC018: completed');
    expect(stateOf('nc018', 'web')).toBe('operational');
  });

  it('a maintenance whose start has passed is in progress at once', () => {
    core.setNow('2013-05-03T19:30:00Z');
    const out = recorded(core.run('maintenance nc026 mysql "Database upgrade" --start 2013-05-03 19:00'));
    expect(out.incident.status).toBe('in_progress');
    expect(stateOf('nc026', 'mysql')).toBe('maintenance');
  });
});

describe('notices', () => {
  it('a notice starts a series that update continues as Update 2, 3, …', () => {
    recorded(core.run('notice "Email migration" "We are moving email to a new server." --tag migration'));
    const second = recorded(core.run('update 1 "Half of the accounts are moved."'));
    expect(second.post?.title).toBe('Email migration: Update 2');
    const third = recorded(core.run('update 1 "All accounts are moved." --tag email'));
    expect(third.post?.title).toBe('Email migration: Update 3');
    expect(core.store.incident(1)?.tags).toEqual(['migration', 'email']);
  });

  it('--number continues a numbering begun before Herald, and never goes backwards', () => {
    recorded(core.run('notice "Email migration" "Update thirteen." --number 13'));
    expect(core.store.postsOf(1)[0]?.title).toBe('Email migration: Update 13');
    expect(core.run('update 1 "again" --number 13')).toMatchObject({ kind: 'refused', code: 'bad_number' });
  });
});

describe('edits and retractions', () => {
  it('edit keeps the original and records the correction with its time and a delivery per outlet', () => {
    recorded(core.run('nc018 smtp down "spam clenaup"'));
    core.setNow('2012-07-27T21:45:00Z');
    const out = recorded(core.run('edit 1.1 "spam cleanup"'));
    const post = core.store.postById(out.post!.id)!;
    expect(post.text).toBe('spam clenaup');
    expect(post.edits).toEqual([
      {
        id: expect.any(Number),
        text: 'spam cleanup',
        editedAt: Date.parse('2012-07-27T21:45:00Z'),
        author: 'ops',
      },
    ]);
    expect(out.deliveries.map((d) => [d.outlet, d.action])).toEqual([
      ['site', 'edit'],
      ['twitter', 'edit'],
      ['mastodon', 'edit'],
      ['bluesky', 'edit'],
    ]);
    expect(core.run('edit 1.1 "spam cleanup"')).toMatchObject({ kind: 'refused', code: 'no_change' });
  });

  it('retract marks the post retracted; it cannot be edited afterwards', () => {
    recorded(core.run('nc018 smtp down "wrong server"'));
    const out = recorded(core.run('retract 1.1 "posted for the wrong server"'));
    expect(core.store.postById(out.post!.id)).toMatchObject({ retractReason: 'posted for the wrong server' });
    expect(out.deliveries.every((d) => d.action === 'retract')).toBe(true);
    expect(core.run('edit 1.1 "x"')).toMatchObject({ kind: 'refused', code: 'post_retracted' });
  });
});

describe('permissions', () => {
  it('only staff change things; anyone may list and get help; refusals are audited', () => {
    const settings = { ...testSettings, staff: { ...testSettings.staff, shell: ['ops'] } };
    core.close();
    core = createTestCore({ settings });
    const mallory = { platform: 'shell' as const, id: 'mallory', name: 'mallory' };
    expect(core.run('nc018 smtp down "x"', mallory)).toMatchObject({ kind: 'refused', code: 'not_staff' });
    expect(core.store.incidents()).toEqual([]);
    expect(core.refusals).toEqual([
      expect.objectContaining({ result: 'refused', code: 'not_staff', text: 'nc018 smtp down "x"' }),
    ]);
    expect(core.run('list', mallory).kind).toBe('list');
    expect(core.run('help', mallory).kind).toBe('help');
    recorded(core.run('nc018 smtp down "x"', ops));
  });
});

describe('the answer', () => {
  it('says what was recorded and the time in UTC, Vancouver and Lusaka', () => {
    const text = renderReplyText(core.run('nc018 smtp down "spam cleanup"'), testSettings);
    expect(text).toContain('Recorded post 1.1 in incident #1 (outage, open)');
    expect(text).toContain('SMTP on NC018 shut down');
    expect(text).toContain('27 July 2012 21:39 UTC (14:39 PDT Vancouver · 23:39 CAT Lusaka)');
    expect(text).toContain('Goes to: site, twitter, mastodon, bluesky');
  });

  it('echoes a time it took, as it read it', () => {
    core.setNow('2012-07-27T22:20:51Z');
    recorded(core.run('nc018 smtp down "x" --at 21:39'));
    const text = renderReplyText(core.run('nc018 smtp up "back" --at 15:13 Vancouver'), testSettings);
    expect(text).toContain(
      'Event time: 27 July 2012 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)',
    );
    expect(text).toContain('read from "15:13 Vancouver"');
  });

  it('list shows what is down and what is scheduled', () => {
    recorded(core.run('nc018 smtp down "spam cleanup"'));
    const text = renderReplyText(core.run('list'), testSettings);
    expect(text).toContain('NC018 SMTP: down since 27 July 2012 21:39 UTC');
    expect(text).toContain('#1 outage, open: "SMTP on NC018 shut down"');
    expect(renderReplyText(core.run('resolve 1 "ok"') && core.run('list'), testSettings)).toContain(
      'All systems operational.',
    );
  });
});
