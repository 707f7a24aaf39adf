import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { CoreSettings } from '../../src/bot/catalog.js';
import type { Command } from '../../src/bot/command.js';
import { STATE_WORDS, SUBCOMMAND_ORDER, SUBCOMMAND_SPECS } from '../../src/bot/command-spec.js';
import { helpText } from '../../src/bot/help.js';
import { parseCommand } from '../../src/bot/parse-command.js';
import type { ComponentState } from '../../src/bot/types.js';
import { testSettings } from '../helpers/settings.js';

/** 27 July 2012 21:39:27 UTC, a Friday: when "SMTP on NC018 shut down" was posted. */
const NOW = Date.UTC(2012, 6, 27, 21, 39, 27);

const parse = (text: string, now = NOW, settings: CoreSettings = testSettings) =>
  parseCommand(text, { settings, now });

const ok = (text: string, now = NOW): Command => {
  const r = parse(text, now);
  if (!r.ok) throw new Error(`refused: ${r.code}: ${r.message}`);
  return r.value;
};

const refused = (text: string, now = NOW): { code: string; message: string } => {
  const r = parse(text, now);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.value)}`);
  return { code: r.code, message: r.message };
};

const utc = (y: number, mo: number, d: number, h: number, mi: number, s = 0): number =>
  Date.UTC(y, mo - 1, d, h, mi, s);

// The posts of reference/status-blog.txt (title, stamp, text), copied verbatim: typographic quotes, a
// no-break space and the blog's own mojibake (`pleaseĀ contact`) included.
const BLOG: readonly (readonly [string, string, string])[] = [
  [
    'Email migration: Update 14',
    '29 October 2013 08:57:36 +0000',
    'This is the last post that we’ll refer to as an “update” regarding the email migration that was largely completed three weeks ago … if only so that we don’t end on number 13. It addresses three issues:\n\n  • Outlook 2003,\n  • Anti-spam blacklists, and\n  • Mail box quotas.\n\nOutlook 2003: During the migration we learnt that Outlook 2003 does not support TLS. This is software that is over a decade old, and Microsoft will stop supporting it in less than six months. Now would be a good time to upgrade. However, apparently a 2004 “hotfix” available from Microsoft will add TLS support to Outlook 2003, but we cannot vouch for this personally, nor are we aware of any clients who have used this.\n\nThe anti-spam blacklists used on the old server were not immediately implemented on the new server. They have been now. The amount of spam you receive should drop significantly as a result.\n\nFinally, we have increased mail box quotas across the board, as we try to keep up with the growing number of people using smart phones and tablets who store significant amounts of mail on the server.\n\nAs always, if you have any questions, pleaseĀ contact support and we’ll be happy to assist.',
  ],
  [
    'Email migration: Update 13',
    '16 October 2013 10:09:43 +0000',
    'Since the migration of many email accounts to the new server, we’ve had reports of email from some regular correspondents (with email hosted outside of NinerNet) to domains hosted on the new server bouncing back to those senders as undeliverable. All of these reports, so far, are about the same improper configuration of Microsoft Exchange mail servers.\n\nA person sending you an email through a mis-configured mail server will receive a bounce message that includes an explanation for the bounce that looks like this: #554 5.7.1 <senderdomain.local>: Helo command rejected: Go away, bad guy (.local).\n\nThe problem is the “senderdomain.local” string. In this case “senderdomain” stands in for an actual name — e.g., something that looks like it might be a domain — followed by “.local”. A properly configured mail server that connects to the public Internet is supposed to advertise a “fully-qualified domain name” (FQDN) through the “HELO” (or “EHLO”) command rather than “something.local”, which is not a real domain. Many mail servers, including ours, reject attempts to deliver mail from improperly configured mail servers advertising a “domain” that does not (or cannot) exist. The reason for this is that much spam comes from machines that are improperly configured in this manner. More technical details about this can be read in theĀ Best Practises for Email and Network Operators – Valid HELO domain article.\n\nYour correspondents will likely think that we are blocking their domain specifically (very likely that we are NOT) or that something is otherwise wrong on our mail server. However, it is the other way around; your correspondents experiencing this problem need to talk to their own IT people, perhaps pointing them to this post, as their mail server needs to be reconfigured correctly.\n\nThe article Exchange DNS Configuration for Email Delivery includes a number of helpful hints for the Exchange server administrator about how to properly configure an Exchange server to work correctly on the Internet with respect to domains and DNS. About half way down the page are sections entitled SMTP Banner – Exchange 2003 and SMTP Banner – Exchange 2007 that explain how to set the SMTP banner — i.e., the domain that is advertised by the Exchange server when it connects to another mail server to attempt to deliver email. As mentioned previously, this needs to be a proper domain that is resolvable on the Internet, not something that doesn’t exist like “senderdomain.local”.\n\nOur experience is that when an Exchange server is correctly reconfigured, email from that server starts getting through again immediately, and deliveries to other servers that do not block based on this incorrect behaviour are not affected.\n\nAnother possible solution to this problem is for the Exchange server to use a smart host, through which all outbound email is delivered to the public Internet. This has a number of advantages, including not having to reconfigure the SMTP banner and the fact that the server administrator doesn’t have to be concerned about their own IP address being added to a block list if (again as a result of mis-configuration) the server inadvertently becomes the source of spam. NinerNet provides this service (relay server / smart host) for USD30 / CAD36 / ZMW165 per month.\n\nOr you could send Microsoft Exchange Server 2007 For Dummies to the sending domain’s server administrator!',
  ],
  [
    'Spam defences on server NC018',
    '9 June 2013 10:58:16 +0000',
    'Contrary to the last update on this topic, spam defences on server NC018 are indeed active most of the time. We monitor the server load and turn them off if the load gets too high. However, most of the time the spam defences are up 24 hours a day, 7 days a week.',
  ],
  [
    'Spam defences on server NC018',
    '20 May 2013 06:43:46 +0000',
    'We have disabled the spam defences on server NC018. We re-enabled them over the weekend as server loads are down over the weekends.',
  ],
  [
    'Spam defences on server NC018',
    '18 May 2013 02:46:22 +0000',
    'We have re-enabled the most effective spam defences on server NC018.',
  ],
  [
    'Server NC018 replacement: Update 6',
    '3 May 2013 07:11:33 +0000',
    'We are ready to begin the process of migrating accounts from server NC018 to NC026. We will start with websites on Friday, 3 May at 19:00 UTC.\n\nOnce the websites have been migrated, we anticipate that the reduced load on server NC018 will permit re-enabling anti-spam measures. This, I’m sure, will be a welcome relief for all.',
  ],
  [
    'Server NC018 replacement: Update 1',
    '19 March 2013 23:32:01 +0000',
    'A contributory cause of the performance issues on server NC018 is one of the anti-spam systems on that server. Unfortunately, we have had to deactivate part of the anti-spam system, and we’re already seeing the results in the form of spam that would normally be blocked reaching mail boxes. We apologise for this temporary issue. On the plus side, the anti-spam systems on the new server will be an improvement over the one on the old server.',
  ],
  [
    'SMTP on server NC018 restarted',
    '27 July 2012 22:20:51 +0000',
    'We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:13 UTC. You can now send email again.\n\nWe continue to work against the spam, and are escalating the defences. We’ve seen a huge increase in spam the last couple of days from multiple sources, including from throwaway domains registered through a single, reputable registrar. Once we determine the IP addresses of that registrar’s mail servers, we’ll be blocking them until they stop hosting and doing business with spammers.\n\nOnce again we apologise for the inconvenience.',
  ],
  [
    'SMTP on NC018 shut down',
    '27 July 2012 21:39:27 +0000',
    'We are once again dealing with a spam problem on NC018 and have shut down the SMTP server. This means that you will not be able to send email for now. We are working on this issue as fast as we can.',
  ],
  [
    'SMTP on server NC018 restarted',
    '26 July 2012 18:58:12 +0000',
    'SMTP (the outgoing mail server) on NC018 was restarted at 18:20 UTC after the spam problem was cleaned up. We apologise again for the inconvenience.',
  ],
];

describe('parseCommand: list and help', () => {
  it.each(['', '   ', '\n', '/status', '/STATUS  ', 'list', 'LIST', '/status list'])(
    'reads %j as list',
    (text) => {
      expect(ok(text)).toEqual({ kind: 'list' });
    },
  );

  it('reads help with and without a topic, keeping an unknown topic for help to answer', () => {
    expect(ok('/status help')).toEqual({ kind: 'help', topic: null });
    expect(ok('help Maintenance')).toEqual({ kind: 'help', topic: 'maintenance' });
    expect(ok('help times')).toEqual({ kind: 'help', topic: 'times' });
    expect(ok('help frobnicate')).toEqual({ kind: 'help', topic: 'frobnicate' });
    expect(ok('help --at')).toEqual({ kind: 'help', topic: '--at' });
  });

  it('refuses words after list', () => {
    const r = refused('list everything');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('`list` takes nothing');
  });
});

describe('parseCommand: state changes', () => {
  it('reads the blog’s shut-down post with every option', () => {
    expect(
      ok(
        '/status nc018 smtp down "We are once again dealing with a spam problem on NC018 and have shut down the SMTP server." --at 21:39 --tag spam,smtp --title "SMTP on NC018 shut down"',
      ),
    ).toEqual({
      kind: 'change',
      system: 'nc018',
      services: ['smtp'],
      state: 'down',
      message: 'We are once again dealing with a spam problem on NC018 and have shut down the SMTP server.',
      at: { at: utc(2012, 7, 27, 21, 39), input: '21:39' },
      tags: ['spam', 'smtp'],
      title: 'SMTP on NC018 shut down',
    });
  });

  it('reads a bare change with no options', () => {
    expect(ok('nc018 smtp down "Spam."')).toEqual({
      kind: 'change',
      system: 'nc018',
      services: ['smtp'],
      state: 'down',
      message: 'Spam.',
      at: null,
      tags: [],
      title: null,
    });
  });

  it('reads names case-insensitively and through aliases, returning catalog ids', () => {
    const c = ok('NC18 Outgoing,WWW DOWN "x"');
    expect(c).toMatchObject({ system: 'nc018', services: ['smtp', 'web'], state: 'down' });
  });

  it.each([
    ['smtp,imap', ['smtp', 'imap']],
    ['smtp imap', ['smtp', 'imap']],
    ['smtp, imap pop', ['smtp', 'imap', 'pop']],
    ['smtp ,imap,,pop', ['smtp', 'imap', 'pop']],
    ['smtp smtp', ['smtp']],
    ['all', ['smtp', 'imap', 'pop', 'web', 'dns', 'ftp', 'mysql', 'lists', 'spam']],
  ])('reads the services %j', (services, expected) => {
    expect(ok(`nc018 ${services} degraded "Slow."`)).toMatchObject({ services: expected });
  });

  it('reads all on a platform as every service it runs', () => {
    expect(ok('email all down "x"')).toMatchObject({
      system: 'email',
      services: ['smtp', 'imap', 'pop', 'relay'],
    });
  });

  it('reads every state word', () => {
    for (const [state, words] of Object.entries(STATE_WORDS) as [ComponentState, readonly string[]][]) {
      for (const word of words) {
        expect(ok(`nc018 smtp ${word.toUpperCase()} "x"`)).toMatchObject({ state });
      }
    }
  });

  it('takes options before the message too', () => {
    expect(ok('nc018 smtp down --tag spam --at 21:00 "x"')).toMatchObject({
      message: 'x',
      tags: ['spam'],
      at: { at: utc(2012, 7, 27, 21, 0), input: '21:00' },
    });
  });

  it('takes an option value of several words, up to the next option or quoted string', () => {
    expect(ok('nc018 smtp down "x" --at yesterday 21:39 --tag spam')).toMatchObject({
      at: { at: utc(2012, 7, 26, 21, 39), input: 'yesterday 21:39' },
      tags: ['spam'],
    });
    expect(ok('nc018 smtp down --at yesterday 21:39 "x"')).toMatchObject({
      at: { input: 'yesterday 21:39' },
      message: 'x',
    });
    expect(ok('nc018 spam degraded "x" --title Spam defences on server NC018')).toMatchObject({
      title: 'Spam defences on server NC018',
    });
  });

  it('takes a quoted option value, and --name=value', () => {
    expect(ok('nc018 smtp up "x" --at "15:13 Vancouver"', utc(2012, 7, 27, 22, 20, 51))).toMatchObject({
      at: { at: utc(2012, 7, 27, 22, 13), input: '15:13 Vancouver' },
    });
    expect(ok('nc018 smtp up "x" --at=22:13 --tags=spam')).toMatchObject({
      at: { at: utc(2012, 7, 26, 22, 13), input: '22:13' },
      tags: ['spam'],
    });
  });

  it('accepts em and en dashes for -- (phones autocorrect it)', () => {
    expect(ok('nc018 smtp down “x” —at 21:00 –tag spam —title “SMTP on NC018 shut down”')).toMatchObject({
      at: { at: utc(2012, 7, 27, 21, 0) },
      tags: ['spam'],
      title: 'SMTP on NC018 shut down',
    });
  });

  it('reads tags separated by commas, spaces or both, lowercased, deduplicated, with # dropped', () => {
    expect(ok('nc018 smtp down "x" --tags spam, SMTP #email-delivery spam')).toMatchObject({
      tags: ['spam', 'smtp', 'email-delivery'],
    });
  });

  it('accepts an event time up to a minute ahead of now', () => {
    expect(ok('nc018 smtp down "x" --at "2012-07-27 21:40:20"')).toMatchObject({
      at: { at: utc(2012, 7, 27, 21, 40, 20) },
    });
  });
});

describe('parseCommand: quotes and messages', () => {
  it.each([
    ['straight', '"We are down."', 'We are down.'],
    ['typographic', '“We are down.”', 'We are down.'],
    [
      'nested typographic',
      '“We’ll refer to it as an “update” now.”',
      'We’ll refer to it as an “update” now.',
    ],
    [
      'typographic inside straight',
      '"We’ll refer to it as an “update” now."',
      'We’ll refer to it as an “update” now.',
    ],
    [
      'escaped straight',
      String.raw`"the \"HELO\" command and a \\ backslash"`,
      'the "HELO" command and a \\ backslash',
    ],
    ['German', '„Wir sind wieder da.“', 'Wir sind wieder da.'],
    ['guillemets', '«Nous sommes de retour.»', 'Nous sommes de retour.'],
    ['single typographic', '‘We’ll be back.’', 'We’ll be back.'],
  ])('reads a %s message', (_, quoted, message) => {
    expect(ok(`nc018 smtp down ${quoted}`)).toMatchObject({ message });
  });

  it('keeps inner whitespace and newlines, and trims only the ends', () => {
    const text = 'nc018 smtp down "  Line one.\r\n\n    • indented   twice\tand a tab.  \n"';
    expect(ok(text)).toMatchObject({ message: 'Line one.\n\n    • indented   twice\tand a tab.' });
  });

  it('keeps emoji and invisible characters as typed', () => {
    expect(ok('nc018 smtp down "down 🔥 \u200B\u202Edrow\u202C"')).toMatchObject({
      message: 'down 🔥 \u200B\u202Edrow\u202C',
    });
  });

  it('passes tokenizer refusals through', () => {
    expect(refused('nc018 smtp down “x').code).toBe('unbalanced_quote');
    expect(refused('nc018 smtp down "x"y').code).toBe('syntax');
    expect(refused('nc018 smtp down "x\u0000"').message).toContain('U+0000');
  });
});

describe('parseCommand: the reference blog', () => {
  const at = (stamp: string): number => DateTime.fromFormat(stamp, 'd LLLL yyyy HH:mm:ss ZZZ').toMillis();

  it('has every post in the fixture', () => {
    expect(BLOG).toHaveLength(10);
    expect(at(BLOG[0]?.[1] ?? '')).toBe(utc(2013, 10, 29, 8, 57, 36));
  });

  it.each(BLOG.map(([title, stamp, text]) => [title, stamp, text]))(
    'keeps the text of “%s” (%s) exactly, in straight and in typographic quotes',
    (title, stamp, text) => {
      const now = at(stamp);
      for (const quoted of [`"${text}"`, `“${text}”`]) {
        expect(ok(`/status notice "${title}" ${quoted} --tag email`, now)).toMatchObject({
          kind: 'notice',
          title,
          message: text,
        });
        expect(ok(`/status nc018 smtp up ${quoted}`, now)).toMatchObject({ message: text });
        expect(ok(`/status update 7 ${quoted} --number 14`, now)).toMatchObject({
          message: text,
          number: 14,
        });
      }
    },
  );

  it('publishes the 27 July 2012 restart as a resolve with the event time in Vancouver', () => {
    const [, stamp, text] = BLOG[7] ?? ['', '', ''];
    expect(ok(`/status resolve nc018 smtp “${text}” —at 15:13 Vancouver —tag spam`, at(stamp))).toEqual({
      kind: 'resolve',
      incident: { by: 'component', system: 'nc018', service: 'smtp' },
      message: text,
      at: { at: utc(2012, 7, 27, 22, 13), input: '15:13 Vancouver' },
      tags: ['spam'],
    });
  });

  it('schedules the 3 May 2013 migration in the blog’s own words for the time', () => {
    const [, stamp, text] = BLOG[5] ?? ['', '', ''];
    expect(
      ok(
        `/status maintenance nc018 web "${text}" --start Friday, 3 May at 19:00 UTC --tag migration`,
        at(stamp),
      ),
    ).toMatchObject({
      kind: 'maintenance',
      start: { at: utc(2013, 5, 3, 19, 0), input: 'Friday, 3 May at 19:00 UTC' },
    });
  });
});

describe('parseCommand: update and resolve', () => {
  it('reads update with every option', () => {
    expect(
      ok(
        'update #42 "We continue to work against the spam." --at 22:00 Lusaka --tag spam --title "SMTP on NC018: Update 2" --number 2',
      ),
    ).toEqual({
      kind: 'update',
      incident: { by: 'number', number: 42 },
      message: 'We continue to work against the spam.',
      at: { at: utc(2012, 7, 27, 20, 0), input: '22:00 Lusaka' },
      tags: ['spam'],
      title: 'SMTP on NC018: Update 2',
      number: 2,
    });
  });

  it('reads update with no options, and the incident as a number or a component', () => {
    expect(ok('UPDATE 42 "x"')).toEqual({
      kind: 'update',
      incident: { by: 'number', number: 42 },
      message: 'x',
      at: null,
      tags: [],
      title: null,
      number: null,
    });
    expect(ok('update NC18 outgoing "x"')).toMatchObject({
      incident: { by: 'component', system: 'nc018', service: 'smtp' },
    });
  });

  it('reads resolve with every option', () => {
    expect(ok('resolve 42 "We’ve cleaned up the spam." --at 22:13 --tag spam,smtp')).toEqual({
      kind: 'resolve',
      incident: { by: 'number', number: 42 },
      message: 'We’ve cleaned up the spam.',
      // 22:13 typed at 21:39 is yesterday's, and the command says so for the reply's echo.
      at: { at: utc(2012, 7, 26, 22, 13), input: '22:13', shifted: { to: 'yesterday', zone: 'UTC' } },
      tags: ['spam', 'smtp'],
    });
  });

  it('refuses an option resolve does not take, saying which it takes', () => {
    const r = refused('resolve 42 "x" --title "Fixed"');
    expect(r.code).toBe('unknown_option');
    expect(r.message).toContain('`resolve` does not take --title');
    expect(r.message).toContain('--at, --tag');
  });

  it.each([
    ['update "x"', 'say which incident'],
    ['update x "x"', '"x" is not an incident'],
    ['update 12.3 "x"', '12.3 names a post'],
    ['update #0 "x"', 'numbered from 1'],
    ['update #4x2 "x"', '"#4x2" is not an incident'],
    ['update nc018 "x"', 'name one service of NC018 too'],
    ['update nc018 smtp,imap "x"', 'one component'],
    ['resolve nc018 all "x"', 'one component'],
  ])('refuses the incident in %j', (text, why) => {
    const r = refused(text);
    expect(r.code).toBe('unknown_incident');
    expect(r.message).toContain(why);
  });

  it('refuses an unknown system or service in a component reference', () => {
    expect(refused('update nc81 smtp "x"')).toMatchObject({ code: 'unknown_system' });
    expect(refused('resolve nc018 relay "x"')).toMatchObject({ code: 'unknown_service' });
  });

  it('refuses words between the incident and the message, and an unquoted message', () => {
    const r = refused('update nc018 smtp imap "x"');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('"imap"');
    const q = refused('update 42 We have restarted SMTP');
    expect(q.code).toBe('syntax');
    expect(q.message).toContain('put the message in quotes: "We have restarted SMTP"');
  });
});

describe('parseCommand: maintenance', () => {
  it('reads maintenance with every option, the end a bare time after the start', () => {
    expect(
      ok(
        'maintenance nc018 web,ftp "We will start with websites." --start "Friday 19:00" --end 01:00 --tag migration --title "Server NC018 replacement"',
      ),
    ).toEqual({
      kind: 'maintenance',
      system: 'nc018',
      services: ['web', 'ftp'],
      message: 'We will start with websites.',
      start: { at: utc(2012, 8, 3, 19, 0), input: 'Friday 19:00' },
      end: { at: utc(2012, 8, 4, 1, 0), input: '01:00' },
      tags: ['migration'],
      title: 'Server NC018 replacement',
    });
  });

  it('reads maintenance with only --start, and all services', () => {
    expect(ok('maintenance nc026 all "x" —start tomorrow 06:00')).toEqual({
      kind: 'maintenance',
      system: 'nc026',
      services: ['smtp', 'imap', 'pop', 'web', 'dns', 'ftp', 'mysql', 'lists', 'spam'],
      message: 'x',
      start: { at: utc(2012, 7, 28, 6, 0), input: 'tomorrow 06:00' },
      end: null,
      tags: [],
      title: null,
    });
  });

  it('reads a bare start time as the next one', () => {
    expect(ok('maintenance nc018 web "x" --start 21:00')).toMatchObject({
      start: { at: utc(2012, 7, 28, 21, 0) },
    });
  });

  it('does not refuse a maintenance that started in the past', () => {
    expect(ok('maintenance nc018 web "x" --start "2012-07-27 20:00"')).toMatchObject({
      start: { at: utc(2012, 7, 27, 20, 0) },
    });
  });

  it('refuses a missing --start', () => {
    const r = refused('maintenance nc018 web "x" --end 23:00');
    expect(r.code).toBe('option_value');
    expect(r.message).toContain('`maintenance` needs --start');
  });

  it('refuses an end before or at the start, showing both as read', () => {
    const r = refused('maintenance nc018 web "x" --start "2013-05-03 19:00" --end "2013-05-03 18:00"');
    expect(r.code).toBe('end_before_start');
    expect(r.message).toContain('3 May 2013 18:00 UTC');
    expect(r.message).toContain('3 May 2013 19:00 UTC');
    expect(
      refused('maintenance nc018 web "x" --start "2013-05-03 19:00" --end "2013-05-03 19:00"').code,
    ).toBe('end_before_start');
  });

  it('refuses --at, which maintenance does not take', () => {
    const r = refused('maintenance nc018 web "x" --at 19:00');
    expect(r.code).toBe('unknown_option');
    expect(r.message).toContain('--start, --end, --tag, --title');
  });

  it('refuses a maintenance without services, message or system', () => {
    expect(refused('maintenance nc018 "x" --start 19:00')).toMatchObject({ code: 'unknown_service' });
    expect(refused('maintenance nc018 web --start 19:00')).toMatchObject({ code: 'missing_message' });
    expect(refused('maintenance "x" --start 19:00')).toMatchObject({ code: 'syntax' });
    const r = refused('maintenance nc018 web We will migrate --start 19:00');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('"We will migrate"');
  });
});

describe('parseCommand: notice', () => {
  it('reads a notice with every option', () => {
    expect(
      ok(
        'notice “Email migration” “Since the migration of many email accounts …” --tag email,migration --at 2012-07-27 08:00 --number 13',
      ),
    ).toEqual({
      kind: 'notice',
      title: 'Email migration',
      message: 'Since the migration of many email accounts …',
      at: { at: utc(2012, 7, 27, 8, 0), input: '2012-07-27 08:00' },
      tags: ['email', 'migration'],
      number: 13,
    });
  });

  it('reads a notice with no options', () => {
    expect(ok('notice "Email migration" "x"')).toEqual({
      kind: 'notice',
      title: 'Email migration',
      message: 'x',
      at: null,
      tags: [],
      number: null,
    });
  });

  it('refuses a notice without a title and a message', () => {
    const one = refused('notice "Email migration"');
    expect(one.code).toBe('missing_message');
    expect(one.message).toContain('only one quoted string');
    expect(refused('notice').code).toBe('missing_message');
    expect(refused('notice "" "x"').code).toBe('missing_message');
    expect(refused('notice "Email migration" "  "').code).toBe('missing_message');
  });

  it('refuses an unquoted title, three quoted strings, a two-line or too long title', () => {
    const r = refused('notice Email migration "x"');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('"Email migration"');
    expect(refused('notice "a" "b" "c"').code).toBe('syntax');
    expect(refused('notice "Email\nmigration" "x"')).toMatchObject({ code: 'option_value' });
    const long = refused(`notice "${'t'.repeat(201)}" "x"`);
    expect(long.code).toBe('message_too_long');
    expect(long.message).toContain('201 characters; the limit is 200');
  });

  it('refuses a notice dated in the future', () => {
    const r = refused('notice "Email migration" "x" --at tomorrow 08:00');
    expect(r.code).toBe('future_time');
    expect(r.message).toContain('28 July 2012 08:00 UTC');
  });
});

describe('parseCommand: edit and retract', () => {
  it('reads edit and retract with post references with and without #', () => {
    expect(ok('edit 12.3 "SMTP was restarted at 18:20 UTC, not 18:02."')).toEqual({
      kind: 'edit',
      post: { incident: 12, number: 3 },
      message: 'SMTP was restarted at 18:20 UTC, not 18:02.',
    });
    expect(ok('retract #12.4 “Posted to the wrong incident.”')).toEqual({
      kind: 'retract',
      post: { incident: 12, number: 4 },
      reason: 'Posted to the wrong incident.',
    });
  });

  it.each([
    ['edit "x"', 'say which post'],
    ['edit 12 "x"', '"12" is not a post'],
    ['retract #12 "x"', '`retract 12.3'],
    ['retract 12.0 "x"', '"12.0" is not a post'],
    ['edit nc018 "x"', '"nc018" is not a post'],
  ])('refuses the post in %j', (text, why) => {
    const r = refused(text);
    expect(r.code).toBe('unknown_post');
    expect(r.message).toContain(why);
  });

  it('refuses a missing reason or correction, and options', () => {
    const r = refused('retract 12.3');
    expect(r.code).toBe('missing_message');
    expect(r.message).toContain('reason');
    expect(refused('edit 12.3 ""')).toMatchObject({ code: 'missing_message' });
    const o = refused('edit 12.3 "x" --at 20:00');
    expect(o.code).toBe('unknown_option');
    expect(o.message).toContain('takes no options');
  });
});

describe('parseCommand: refusals', () => {
  it('refuses an unknown system with a did-you-mean over ids and aliases', () => {
    const r = refused('/status nc81 smtp down "x"');
    expect(r.code).toBe('unknown_system');
    expect(r.message).toContain('unknown system "nc81": did you mean "nc018"?');
    expect(refused('nc62 smtp down "x"').message).toContain('did you mean "nc026"?');
    expect(refused('emial smtp down "x"').message).toContain('did you mean "email"?');
  });

  it('lists the known systems when no system is close', () => {
    const r = refused('frobozz smtp down "x"');
    expect(r.code).toBe('unknown_system');
    expect(r.message).toContain('Known systems: nc018, nc026, email');
  });

  it('treats a mistyped subcommand as an unknown system, suggesting the subcommand', () => {
    const r = refused('updte 42 "x"');
    expect(r.code).toBe('unknown_system');
    expect(r.message).toContain('did you mean `update`?');
  });

  it('refuses an unknown service with a did-you-mean, naming what the system runs', () => {
    const r = refused('nc018 smpt down "x"');
    expect(r.code).toBe('unknown_service');
    expect(r.message).toContain('did you mean "smtp"?');
    expect(r.message).toContain('NC018 runs smtp, imap, pop, web, dns, ftp, mysql, lists, spam');
    expect(refused('nc018 smtp,imapp down "x"').message).toContain('did you mean "imap"?');
  });

  it('refuses a service the catalog knows but the system does not run', () => {
    const r = refused('nc018 relay down "x"');
    expect(r.code).toBe('unknown_service');
    expect(r.message).toContain('NC018 does not run relay');
    expect(r.message).toContain('it runs smtp, imap');
    expect(refused('email web down "x"').message).toContain('it runs smtp, imap, pop, relay');
  });

  it('refuses a change without services', () => {
    const r = refused('nc018 down "x"');
    expect(r.code).toBe('unknown_service');
    expect(r.message).toContain('say which services of NC018');
    expect(refused('nc018 "x"').code).toBe('syntax');
    expect(refused('nc018').code).toBe('syntax');
  });

  it('refuses an unknown state with a did-you-mean among state words', () => {
    const r = refused('nc018 smtp dwn "x"');
    expect(r.code).toBe('unknown_state');
    expect(r.message).toContain('unknown state "dwn": did you mean "down"?');
    expect(refused('nc018 smtp degarded "x"').message).toContain('did you mean "degraded"?');
    expect(refused('nc018 smtp We are down').message).toContain('unknown state "We"');
  });

  it('refuses a missing state', () => {
    for (const text of ['nc018 smtp "x"', 'nc018 smtp imap "x"', 'nc018 smtp', 'nc018 smtp,imap']) {
      const r = refused(text);
      expect(r.code).toBe('unknown_state');
      expect(r.message).toContain('missing state');
    }
  });

  it('refuses a missing or empty message', () => {
    for (const text of [
      'nc018 smtp down',
      'nc018 smtp down ""',
      'nc018 smtp down "   \n  "',
      'nc018 smtp down --tag spam',
    ]) {
      const r = refused(text);
      expect(r.code).toBe('missing_message');
    }
    expect(refused('nc018 smtp down').message).toContain('needs a message in quotes');
    expect(refused('nc018 smtp down ""').message).toContain('the message is empty');
  });

  it('says when the message was taken as an option value', () => {
    const r = refused('nc018 smtp down --title "We are down"');
    expect(r.code).toBe('missing_message');
    expect(r.message).toContain('The quoted text after --title was taken as its value');
    const t = refused('nc018 smtp down --at "We are once again dealing with a spam problem"');
    expect(t.code).toBe('bad_time');
    expect(t.message).toContain('put the message before --at');
  });

  it('refuses more than one quoted message', () => {
    const r = refused('nc018 smtp down "We are" "down"');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('2 quoted strings');
    expect(r.message).toContain('one pair of quotes');
  });

  it('refuses an unquoted message, quoting it back', () => {
    const r = refused('nc018 smtp down We are once again dealing with a spam problem');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('put the message in quotes: "We are once again dealing with a spam problem"');
  });

  it('refuses words after the message', () => {
    const r = refused('nc018 smtp down "We are" once again');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('unexpected words after the message: "once again"');
  });

  it('refuses a command starting with an option or a quoted string', () => {
    expect(refused('--at 22:13 nc018 smtp down "x"').code).toBe('syntax');
    expect(refused('"nc018" smtp down "x"').code).toBe('syntax');
  });

  it('refuses an unknown option with a did-you-mean, naming the options taken', () => {
    const r = refused('update 42 "x" --tilte "Update 2"');
    expect(r.code).toBe('unknown_option');
    expect(r.message).toContain('did you mean --title?');
    expect(r.message).toContain('`update` takes --at, --tag, --title, --number');
    const far = refused('nc018 smtp down "x" --frobnicate 3');
    expect(far.code).toBe('unknown_option');
    expect(far.message).not.toContain('did you mean');
    expect(far.message).toContain('A state change takes --at, --tag, --title');
    expect(refused('nc018 smtp down "x" --number 3').message).toContain(
      'a state change does not take --number',
    );
  });

  it('refuses an option without a value', () => {
    for (const text of [
      'nc018 smtp down "x" --at',
      'nc018 smtp down "x" --at --tag spam',
      'nc018 smtp down "x" —tag',
    ]) {
      expect(refused(text).code).toBe('option_value');
    }
    expect(refused('nc018 smtp down "x" --at').message).toContain('--at needs a value');
    expect(refused('nc018 smtp down "x" —tag').message).toContain('—tag needs a value');
  });

  it('refuses an option given twice', () => {
    const r = refused('nc018 smtp down "x" --at 21:00 --at 21:30');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('--at is given twice');
    expect(refused('nc018 smtp down "x" --tag spam --tags smtp').message).toContain('--tag spam,smtp');
  });

  it.each(['0', '-3', '3.5', 'fourteen', '14 15', '99999999999999999999'])('refuses --number %s', (n) => {
    const r = refused(`update 7 "x" --number ${n}`);
    expect(r.code).toBe('bad_number');
    expect(r.message).toContain('positive whole number');
  });

  it('accepts --number #14', () => {
    expect(ok('update 7 "x" --number #14')).toMatchObject({ number: 14 });
  });

  it('refuses bad tags, naming them', () => {
    const r = refused('nc018 smtp down "x" --tag spam,-smtp,dns!');
    expect(r.code).toBe('option_value');
    expect(r.message).toContain('bad tags "-smtp", "dns!"');
    expect(refused('nc018 smtp down "x" --tag ","').message).toContain('at least one tag');
  });

  it('refuses a message over the limit, counting characters', () => {
    const r = refused(`nc018 smtp down "${'x'.repeat(5123)}"`);
    expect(r.code).toBe('message_too_long');
    expect(r.message).toBe('the message is 5,123 characters; the limit is 4,000.');
    // 4,000 emoji are 4,000 characters, not 8,000 UTF-16 units.
    expect(ok(`nc018 smtp down "${'🔥'.repeat(4000)}"`)).toMatchObject({ kind: 'change' });
    const reason = refused(`retract 1.2 "${'x'.repeat(4001)}"`);
    expect(reason.code).toBe('message_too_long');
    expect(reason.message).toContain('the reason is 4,001 characters');
  });

  it('refuses a title over 200 characters or over one line', () => {
    const r = refused(`nc018 smtp down "x" --title "${'t'.repeat(201)}"`);
    expect(r.code).toBe('message_too_long');
    expect(r.message).toBe('--title is 201 characters; the limit is 200.');
    expect(refused('nc018 smtp down "x" --title "a\nb"')).toMatchObject({ code: 'option_value' });
    expect(refused('nc018 smtp down "x" --title ""')).toMatchObject({ code: 'option_value' });
  });

  it('refuses a malformed time, naming the option', () => {
    const r = refused('nc018 smtp down "x" --at 25:00');
    expect(r.code).toBe('bad_time');
    expect(r.message).toContain('--at: cannot read "25:00" as a time');
    expect(refused('nc018 smtp down "x" --at "22:13 Vancover"').message).toContain(
      'Did you mean "Vancouver"?',
    );
    expect(refused('maintenance nc018 web "x" --start 2024-03-10 02:30 Vancouver').message).toContain(
      'does not exist',
    );
  });

  it('refuses an event time more than a minute in the future, showing how it was read in UTC', () => {
    const r = refused('nc018 smtp down "x" --at "2012-07-27 21:40:30"');
    expect(r.code).toBe('future_time');
    expect(r.message).toContain('read as 27 July 2012 21:40:30 UTC');
    expect(r.message).toContain('it is now 27 July 2012 21:39:27 UTC');
    const z = refused('update 42 "x" —at today 15:00 Vancouver');
    expect(z.code).toBe('future_time');
    expect(z.message).toContain('—at today 15:00 Vancouver was read as 27 July 2012 22:00 UTC');
    expect(refused('resolve 42 "x" --at tomorrow 06:00').code).toBe('future_time');
  });
});

describe('helpText', () => {
  it('lists every subcommand’s usage and summary when there is no topic', () => {
    const text = helpText(null);
    for (const id of SUBCOMMAND_ORDER) {
      expect(text).toContain(SUBCOMMAND_SPECS[id].usage);
      expect(text).toContain(SUBCOMMAND_SPECS[id].summary);
    }
    expect(text).toContain('`times`');
  });

  it('shows a subcommand’s usage, options and examples', () => {
    const text = helpText('update');
    expect(text).toContain(SUBCOMMAND_SPECS.update.usage);
    expect(text).toContain('--number N');
    expect(text).toContain('--tag / --tags');
    for (const e of SUBCOMMAND_SPECS.update.examples) expect(text).toContain(e);
    expect(helpText('maintenance')).toContain('(required)');
  });

  it('shows the time forms, the states table and the options', () => {
    expect(helpText('times')).toContain('`yesterday 21:39`');
    expect(helpText('times')).toContain('`15:13 Vancouver`');
    expect(helpText('states')).toContain('degraded: `degraded`, `slow`, `partial`');
    expect(helpText('options')).toContain('`--start TIME`');
    expect(helpText('--at')).toContain('Taken by: `change`, `update`, `resolve`, `notice`');
  });

  it('answers an unknown topic with the topics, and a did-you-mean', () => {
    const text = helpText('updte');
    expect(text).toContain('No help on "updte": did you mean `help update`?');
    expect(text).toContain('Topics are `change`, `update`');
    expect(helpText('frobnicate')).not.toContain('did you mean');
  });

  it('has examples that parse', () => {
    const posted = utc(2013, 5, 3, 7, 11, 33);
    for (const id of SUBCOMMAND_ORDER) {
      for (const example of SUBCOMMAND_SPECS[id].examples) {
        const r = parse(example, posted);
        expect(r.ok ? r.value.kind : `${r.code}: ${r.message}`).toBe(id === 'change' ? 'change' : id);
      }
    }
  });
});
