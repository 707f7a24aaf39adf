// Promised updates (`--next TIME`), from the typed command to the stored post: how the time is read and
// echoed, the refusals (a time past, a post that closes the incident; nothing written), and which promise
// is live (only the incident's latest post's, while it is open).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { helpText } from '../../src/bot/help.js';
import { livePromiseAt } from '../../src/bot/promises.js';
import { renderReplyText } from '../../src/templates/reply-text.js';
import { createTestCore, ops, recorded, type TestCore } from '../helpers/core.js';
import { testSettings } from '../helpers/settings.js';
import { dumpFile } from '../store/dump.js';

const cleanups: Array<() => unknown> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A core at 19:12 UTC on Friday 27 July 2012, with SMTP on NC018 down (incident #1). */
function world(now = '2012-07-27T19:12:00Z'): TestCore {
  const c = createTestCore({ now });
  cleanups.push(() => c.close());
  recorded(c.run('nc018 smtp down "We have shut down the SMTP server on NC018."'));
  return c;
}

const dump = (c: TestCore): string => dumpFile(path.join(c.dir, 'herald.db'));

/** The command's refusal, after checking that it wrote nothing at all. */
function refusedUnchanged(c: TestCore, text: string): { code: string; message: string } {
  const before = dump(c);
  const outcome = c.run(text);
  if (outcome.kind !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  expect(dump(c)).toBe(before);
  return outcome;
}

const at = (iso: string): number => Date.parse(iso);

describe('--next: reading the time', () => {
  it('reads a bare 20:00 as the next 20:00 UTC, stores it on the post and echoes how it was read', () => {
    const c = world();
    const outcome = recorded(c.run('update 1 "We are cleaning up the spam." --next 20:00'));
    expect(outcome.post?.nextUpdateAt).toBe(at('2012-07-27T20:00:00Z'));
    expect(c.store.post(1, 2)?.nextUpdateAt).toBe(at('2012-07-27T20:00:00Z'));
    expect(renderReplyText(outcome, testSettings)).toContain(
      '  Next update by: 27 July 2012 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)  (read from "20:00")',
    );
  });

  it('takes the next 20:00 after now: typed at 21:39, it is tomorrow’s', () => {
    const c = world('2012-07-27T21:39:27Z');
    const outcome = recorded(c.run('update 1 "Still on it." --next 20:00'));
    expect(outcome.post?.nextUpdateAt).toBe(at('2012-07-28T20:00:00Z'));
  });

  it('reads a zone, a date and the words of --at’s forms', () => {
    const c = world();
    expect(recorded(c.run('update 1 "a" --next "13:00 Vancouver"')).post?.nextUpdateAt).toBe(
      at('2012-07-27T20:00:00Z'),
    );
    expect(recorded(c.run('update 1 "b" --next tomorrow 09:00 --tag spam')).post?.nextUpdateAt).toBe(
      at('2012-07-28T09:00:00Z'),
    );
    expect(recorded(c.run('update 1 "c" --next=2012-07-30T08:00Z')).post?.nextUpdateAt).toBe(
      at('2012-07-30T08:00:00Z'),
    );
  });

  it('is taken by a state change, update, maintenance and notice, each echoing it', () => {
    const c = world();
    const echoes = [
      'nc018 pop3 degraded "POP3 is slow." --next 20:00',
      'update 1 "More soon." --next 20:00',
      'maintenance nc026 web "New disks." --start 2012-08-01 10:00 --next "2012-07-31 18:00"',
      'notice "Email migration" "We are moving mailboxes." --next 20:00',
    ].map((text) => {
      const outcome = recorded(c.run(text));
      expect(outcome.post?.nextUpdateAt).toBeGreaterThan(c.now());
      return renderReplyText(outcome, testSettings)
        .split('\n')
        .find((l) => l.includes('Next update by'));
    });
    expect(echoes).toEqual([
      '  Next update by: 27 July 2012 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)  (read from "20:00")',
      '  Next update by: 27 July 2012 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)  (read from "20:00")',
      '  Next update by: 31 July 2012 18:00 UTC (11:00 PDT Vancouver · 20:00 CAT Lusaka)  (read from "2012-07-31 18:00")',
      '  Next update by: 27 July 2012 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)  (read from "20:00")',
    ]);
  });

  it('is shown in help: the subcommands that take it, the option and the times', () => {
    expect(helpText('update', [])).toContain('--next TIME');
    expect(helpText('notice', [])).toContain('--next TIME');
    expect(helpText('--next', [])).toContain('Herald reminds you 5 minutes before');
    expect(helpText('times', [])).toContain('the next one for `--start`, `--end` and `--next`');
    expect(helpText('resolve', [])).not.toContain('--next');
  });
});

describe('--next: refusals, with nothing written', () => {
  it('refuses a time that is past, saying how it was read and what time it is', () => {
    const c = world();
    const r = refusedUnchanged(c, 'update 1 "x" --next "2012-07-27 19:00"');
    expect(r.code).toBe('past_time');
    expect(r.message).toBe(
      '--next 2012-07-27 19:00 was read as 27 July 2012 19:00 UTC, which is not in the future (it is now ' +
        '27 July 2012 19:12 UTC). --next promises the next update: give a time still to come, such as ' +
        '`--next 20:00` (the next 20:00 UTC) or `--next "tomorrow 09:00"`.',
    );
    expect(refusedUnchanged(c, 'update 1 "x" --next now').code).toBe('past_time');
    expect(refusedUnchanged(c, 'update 1 "x" --next yesterday 23:00').code).toBe('past_time');
  });

  it('refuses a time that cannot be read, or no time at all', () => {
    const c = world();
    expect(refusedUnchanged(c, 'update 1 "x" --next soon').code).toBe('bad_time');
    expect(refusedUnchanged(c, 'update 1 "x" --next').code).toBe('option_value');
  });

  it('refuses --next on resolve, which closes the incident', () => {
    const c = world();
    const r = refusedUnchanged(c, 'resolve 1 "SMTP is back." --next 20:00');
    expect(r.code).toBe('promise_on_close');
    expect(r.message).toContain('`resolve` closes the incident, so there is no next update to promise');
    expect(r.message).toContain('`update <incident> "…" --next TIME`');
  });

  it('refuses --next on a state change that closes the incident, or records one already over', () => {
    const c = world();
    const closes = refusedUnchanged(c, 'nc018 smtp up "SMTP is back." --next 20:00');
    expect(closes.code).toBe('promise_on_close');
    expect(closes.message).toContain('this closes incident #1');
    const over = refusedUnchanged(c, 'nc026 web up "The web server was back within a minute." --next 20:00');
    expect(over.code).toBe('promise_on_close');
    // A state change that leaves the incident open may promise.
    recorded(c.run('nc018 smtp,pop3 down "POP3 is down too."'));
    expect(recorded(c.run('nc018 smtp up "SMTP is back; POP3 is not." --next 20:00')).incident.status).toBe(
      'open',
    );
  });

  it('refuses a preview published after the time it promised', () => {
    const c = world();
    const preview = c.service.preview(
      { text: 'update 1 "More soon." --next 19:20', actor: ops },
      15 * 60_000,
    );
    expect(preview.kind).toBe('preview');
    if (preview.kind !== 'preview') return;
    expect(preview.times).toEqual([
      { label: 'next update by', at: at('2012-07-27T19:20:00Z'), input: '19:20' },
    ]);
    c.setNow('2012-07-27T19:21:00Z');
    const before = dump(c);
    const late = c.service.confirm({ previewId: preview.previewId, actor: ops });
    expect(late).toMatchObject({ kind: 'refused', code: 'past_time' });
    expect(late.kind === 'refused' && late.message).toContain(
      'the next update was promised by 27 July 2012 19:20 UTC (--next 19:20), which is not in the future',
    );
    expect(dump(c)).toBe(before);
  });
});

describe('which promise is live', () => {
  const live = (c: TestCore) => c.store.promises().map((p) => [p.incidentId, p.number, p.at]);

  it('is the latest post’s: a later post without --next clears it, one with --next replaces it', () => {
    const c = world();
    recorded(c.run('update 1 "More by 20:00." --next 20:00'));
    expect(live(c)).toEqual([[1, 2, at('2012-07-27T20:00:00Z')]]);
    const [promise] = c.store.promises();
    expect(promise).toMatchObject({ postId: 2, madeAt: at('2012-07-27T19:12:00Z'), author: ops });

    c.setNow('2012-07-27T19:50:00Z');
    recorded(c.run('update 1 "The spam is gone from the queue."'));
    expect(live(c)).toEqual([]);
    // The earlier post keeps what it said.
    expect(c.store.post(1, 2)?.nextUpdateAt).toBe(at('2012-07-27T20:00:00Z'));

    recorded(c.run('update 1 "Restarting SMTP." --next 21:00'));
    expect(live(c)).toEqual([[1, 4, at('2012-07-27T21:00:00Z')]]);
  });

  it('ends with the incident, and with the retraction of the post that made it', () => {
    const c = world();
    recorded(c.run('nc026 web down "The web server is down."'));
    recorded(c.run('update 1 "More soon." --next 20:00'));
    recorded(c.run('update 2 "More soon." --next 20:30'));
    expect(live(c)).toEqual([
      [1, 2, at('2012-07-27T20:00:00Z')],
      [2, 2, at('2012-07-27T20:30:00Z')],
    ]);
    recorded(c.run('resolve 1 "SMTP is back."'));
    recorded(c.run('retract 2.2 "Posted too early."'));
    expect(live(c)).toEqual([]);
  });

  it('is the same in the store’s query and in the rule the site applies to an incident’s posts', () => {
    const c = world();
    recorded(c.run('nc026 web down "The web server is down." --next 20:00'));
    recorded(c.run('update 1 "More soon." --next 20:15'));
    recorded(c.run('notice "Email migration" "Moving mailboxes." --next 21:00'));
    recorded(c.run('update 3 "Half done."'));
    recorded(c.run('maintenance nc026 dns "New resolver." --start 2012-08-01 10:00 --next 2012-07-31 18:00'));
    recorded(c.run('update 1 "Later still." --next 20:45'));
    recorded(c.run('retract 1.3 "wrong time"'));
    const byRule = c.store
      .incidents()
      .flatMap((i) => {
        const promised = livePromiseAt(i, c.store.postsOf(i.id));
        return promised === null ? [] : [[i.id, promised]];
      })
      .sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0));
    expect(c.store.promises().map((p) => [p.incidentId, p.at])).toEqual(byRule);
    expect(byRule).toEqual([
      [2, at('2012-07-27T20:00:00Z')],
      [4, at('2012-07-31T18:00:00Z')],
    ]);
  });
});
