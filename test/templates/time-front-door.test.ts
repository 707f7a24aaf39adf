// Issue 15, cases 3 and 4, through the front door: a whole Herald with the shipped configuration and a test
// clock takes the command as staff type it; the tests read the reply and what the site and the feeds say.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/bot/handle-command.js';
import { renderReplyText } from '../../src/templates/reply-text.js';
import { ops } from '../helpers/core.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function herald(now: string): TestHerald {
  const app = createTestHerald({ now });
  cleanups.push(() => app.close());
  return app;
}

const read = (app: TestHerald, file: string): string =>
  fs.readFileSync(path.join(app.config.paths.publicDir, file), 'utf8');

/** The command as typed, and the reply staff would read. */
function say(app: TestHerald, text: string): { outcome: Outcome; reply: string } {
  const outcome = app.herald.handle({ text, actor: ops });
  return { outcome, reply: renderReplyText(outcome, app.config.core) };
}

/** The JSON feed's text of the newest post, and the incident page. */
async function published(app: TestHerald, incident = 1): Promise<{ feed: string; page: string }> {
  await app.herald.publisher.runOnce();
  const feed = JSON.parse(read(app, 'feed.json')) as { items: Array<{ content_text: string }> };
  return { feed: feed.items[0]?.content_text ?? '', page: read(app, `incidents/${incident}.html`) };
}

describe('case 3: times written in a message are converted on their own day', () => {
  it('notice "Summer move" "…on 15 July 2027 at 20:00 UTC", written in December: 13:00 PDT', async () => {
    const app = herald('2026-12-03T18:00:00Z');
    const { outcome, reply } = say(
      app,
      'notice "Summer move" "We will move webmail on 15 July 2027 at 20:00 UTC"',
    );
    expect(outcome.kind, reply).toBe('recorded');
    const { feed, page } = await published(app);
    const converted = '15 July 2027 at 20:00 UTC (13:00 PDT Vancouver · 22:00 CAT Lusaka)';
    expect(feed).toContain(converted);
    expect(page).toContain(converted);
    for (const text of [feed, page]) expect(text).not.toContain('12:00 PST Vancouver');
  });

  it('a maintenance announced in February converts its times on its own day in March', async () => {
    // Vancouver springs forward at 2027-03-14 10:00 UTC: the window is in daylight time.
    const app = herald('2027-02-20T23:29:00Z');
    const { outcome, reply } = say(
      app,
      'maintenance nc018 mysql "Restarting MySQL from 10:00 UTC to 11:00 UTC." --start "2027-03-14 10:00" --end "2027-03-14 11:00"',
    );
    expect(outcome.kind, reply).toBe('recorded');
    const { feed, page } = await published(app);
    for (const text of [feed, page]) {
      expect(text).toContain('10:00 UTC (03:00 PDT Vancouver · 12:00 CAT Lusaka)');
      expect(text).toContain('11:00 UTC (04:00 PDT Vancouver · 13:00 CAT Lusaka)');
      expect(text).not.toContain('02:00 PST');
    }
  });

  it('"back by 00:30 UTC" after an event at 23:50 UTC is the next day’s 00:30', async () => {
    const app = herald('2027-03-13T23:55:00Z');
    const { outcome, reply } = say(app, 'nc018 smtp down "SMTP is down; back by 00:30 UTC." --at 23:50');
    expect(outcome.kind, reply).toBe('recorded');
    const { feed, page } = await published(app);
    // 2027-03-14 00:30 UTC: still 13 March in Vancouver (PST), 02:30 on the 14th in Lusaka.
    const converted = 'back by 00:30 UTC (16:30 PST Vancouver, 13 March · 02:30 CAT Lusaka)';
    expect(feed).toContain(converted);
    expect(page).toContain(converted);
  });
});

describe('case 4: zone abbreviations are read only for the configured zones', () => {
  it('--at "2019-07-28 15:13 BST" is refused with the forms that work; nothing is written', async () => {
    const app = herald('2026-12-03T18:00:00Z');
    for (const abbreviation of ['BST', 'IST', 'CEST', 'SAST']) {
      const { outcome, reply } = say(
        app,
        `nc018 smtp down "SMTP is down." --at "2019-07-28 15:13 ${abbreviation}"`,
      );
      expect(outcome.kind, reply).toBe('refused');
      expect(reply).toContain(`"${abbreviation}" is not an abbreviation I read`);
      expect(reply).toContain('I read UTC, GMT, Z, PST/PDT (Vancouver), CAT (Lusaka)');
    }
    const summer = say(app, 'nc018 smtp down "SMTP is down." --at "2019-07-28 15:13 PST"');
    expect(summer.outcome.kind).toBe('refused');
    expect(summer.reply).toContain('PST is not Vancouver’s time at 15:13 on 28 July 2019: it is PDT then');
    // Nothing was written: the next incident recorded is still #1.
    const ok = say(app, 'nc018 smtp down "SMTP is down." --at "2019-07-28 15:13 PDT"');
    expect(ok.outcome.kind, ok.reply).toBe('recorded');
    expect(ok.reply).toContain('Recorded post 1.1 in incident #1');
    expect(ok.reply).toContain(
      'Event time: 28 July 2019 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 29 July)',
    );
    const { page } = await published(app);
    expect(page).toContain('28 July 2019 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 29 July)');
  });

  it('the autumn hour is refused offering both readings; PST or PDT chooses one', () => {
    const app = herald('2026-12-03T18:00:00Z');
    const twice = say(app, 'nc018 smtp down "SMTP is down." --at "2026-11-01 01:30 Vancouver"');
    expect(twice.outcome.kind).toBe('refused');
    expect(twice.reply).toContain('01:30 on 1 November 2026 happens twice in Vancouver');
    expect(twice.reply).toContain('`2026-11-01 01:30 PDT` (08:30 UTC) or `2026-11-01 01:30 PST` (09:30 UTC)');
    const second = say(app, 'nc018 smtp down "SMTP is down." --at "2026-11-01 01:30 PST"');
    expect(second.outcome.kind, second.reply).toBe('recorded');
    expect(second.reply).toContain(
      'Event time: 1 November 2026 09:30 UTC (01:30 PST Vancouver · 11:30 CAT Lusaka)',
    );
    expect(second.reply).toContain('Recorded post 1.1');
  });
});

describe('consistency: a bare time read as yesterday, the answer says so', () => {
  it('--at "08:30 Vancouver" typed at 08:07 Vancouver time', () => {
    const app = herald('2026-12-03T16:07:00Z');
    const { outcome, reply } = say(app, 'nc018 smtp down "SMTP is down." --at "08:30 Vancouver"');
    expect(outcome.kind, reply).toBe('recorded');
    expect(reply).toContain(
      'Event time: 2 December 2026 16:30 UTC (08:30 PST Vancouver · 18:30 CAT Lusaka)  ' +
        '(read from "08:30 Vancouver"; read as yesterday, because that time today in Vancouver is still to come)',
    );
  });

  it('a bare time earlier today, or one with its day, is echoed without a word about the day', () => {
    const app = herald('2026-12-03T16:07:00Z');
    const today = say(app, 'nc018 smtp down "SMTP is down." --at "08:00 Vancouver"');
    expect(today.reply).toContain('(read from "08:00 Vancouver")');
    const dated = say(app, 'nc018 imap down "IMAP is down." --at "yesterday 08:30 Vancouver"');
    expect(dated.reply).toContain('(read from "yesterday 08:30 Vancouver")');
  });
});

describe('help times describes abbreviations and times in text', () => {
  it('lists the abbreviations the shipped zones are read by, and how text times are placed', () => {
    const app = herald('2026-12-03T18:00:00Z');
    const { reply } = say(app, 'help times');
    expect(reply).toContain('Abbreviations read here: UTC, GMT, Z, PST/PDT (Vancouver), CAT (Lusaka).');
    expect(reply).toContain('others (`BST`, `IST`, `CEST`) are refused');
    expect(reply).toContain('refused unless an abbreviation or an offset says which');
    expect(reply).toContain('taken on the date the message gives it (`on 15 July 2027 at 20:00 UTC`)');
  });
});
