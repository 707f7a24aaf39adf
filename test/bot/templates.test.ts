// Canned messages (`--template NAME`, herald.config.yaml `templates:`): the text the site and the feeds
// receive, the refusals (nothing written), hostile `--with` values, help, and the configuration's checks.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreSettings } from '../../src/bot/catalog.js';
import type { MessageTemplate } from '../../src/bot/message-templates.js';
import { parseConfigFile } from '../../src/config.js';
import { createCliWorld } from '../helpers/cli.js';
import { createTestCore, recorded, type TestCore } from '../helpers/core.js';
import { parseFeed } from '../helpers/feedparser.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testSettings } from '../helpers/settings.js';
import { dumpFile } from '../store/dump.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function herald(): TestHerald {
  const app = createTestHerald({ now: '2012-07-27T21:39:27Z' });
  cleanups.push(() => app.close());
  return app;
}

function core(templates: MessageTemplate[] = []): TestCore {
  const settings: CoreSettings = { ...testSettings, templates: [...testSettings.templates, ...templates] };
  const c = createTestCore({ settings, now: '2012-07-27T21:39:27Z' });
  cleanups.push(() => c.close());
  return c;
}

/** Every row of the core's database, as text: equal before and after exactly when nothing was written. */
const dump = (c: TestCore): string => dumpFile(path.join(c.dir, 'herald.db'));

const read = (app: TestHerald, file: string) =>
  fs.readFileSync(path.join(app.config.paths.publicDir, file), 'utf8');

interface FeedItem {
  title: string;
  content_text: string;
  content_html: string;
  tags?: string[];
}
const feedItems = (app: TestHerald): FeedItem[] => JSON.parse(read(app, 'feed.json')).items;

const SPAM =
  'We are once again dealing with a spam problem on NC018 and have shut down the SMTP server. This means that you will not be able to send email for now. We are working on this issue as fast as we can.';

describe('a template filled', () => {
  it('posts the blog’s spam notice, word for word, to the site and the feeds, with its tags', async () => {
    const app = herald();
    app.record('nc018 smtp down --template spam --at 21:39');
    await app.herald.publisher.runOnce();
    const [item] = feedItems(app);
    expect(item).toMatchObject({
      title: 'SMTP on NC018 shut down',
      content_text: `Event time: 27 July 2012 21:39 UTC (14:39 PDT Vancouver · 23:39 CAT Lusaka)\n\n${SPAM}`,
      tags: ['spam', 'smtp'],
    });
    expect(read(app, 'incidents/1.html')).toContain(SPAM);
    const rss = parseFeed(read(app, 'rss.xml'));
    expect(rss.bozo).toBe(false);
    expect(rss.entries[0]?.content.map((c) => c.text).join(' ')).toContain(SPAM);
  });

  it('fills {time} with the event time, which the site follows with the client zones like a typed time', async () => {
    const app = herald();
    app.record('nc018 smtp down --template spam --at 21:39');
    app.setNow('2012-07-27T22:20:51Z');
    app.record('nc018 smtp up --template spam-restart --at 22:13');
    await app.herald.publisher.runOnce();
    const [restart] = feedItems(app);
    expect(restart?.title).toBe('SMTP on server NC018 restarted');
    expect(restart?.content_text).toBe(
      'Event time: 27 July 2012 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)\n\n' +
        'We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July). You can now send email again.',
    );
    expect(app.herald.store.incident(1)).toMatchObject({ status: 'resolved' });
  });

  it('takes {time} as the moment the command was sent when there is no --at', () => {
    const c = core();
    c.setNow('2012-07-27T22:20:51Z');
    const out = recorded(c.run('nc018 smtp up --template spam-restart'));
    expect(out.post?.text).toBe(
      'We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:20 UTC. You can now send email again.',
    );
    expect(out.notes).toContain('message from template "spam-restart"');
  });

  it('fills --with values, gives the template’s title and tags, and lets --title and --tag still apply', () => {
    const c = core();
    const out = recorded(c.run('nc018 all down --template reboot --with eta=22:30 UTC --tag hardware'));
    expect(out.post).toMatchObject({
      title: 'Reboot of server NC018',
      text: 'We are rebooting server NC018 at 21:39 UTC. Its services will be unavailable until it is back, which we expect by 22:30 UTC. We apologise for the inconvenience.',
      tags: ['hardware', 'reboot'],
    });
    expect(out.incident.title).toBe('Reboot of server NC018');
    const titled = recorded(
      c.run('nc026 web down --template reboot --with "eta=22:45 UTC" --title "NC026 reboot"'),
    );
    expect(titled.post).toMatchObject({ title: 'NC026 reboot' });
    expect(titled.post?.text).toContain('rebooting server NC026 at 21:39 UTC');
    expect(titled.post?.text).toContain('expect by 22:45 UTC.');
  });

  it('fills {incident} and the incident’s components on update and resolve, named by number or component', () => {
    const c = core([
      {
        name: 'progress',
        description: null,
        message: 'Incident {incident}: {service} on {server} is still {status}.',
        title: '{system}: progress on #{incident}',
        tags: [],
      },
    ]);
    recorded(c.run('nc018 smtp,imap down "mail is down"'));
    const byNumber = recorded(c.run('update 1 --template progress --with status=down'));
    expect(byNumber.post).toMatchObject({
      number: 2,
      title: 'NC018: progress on #1',
      text: 'Incident 1: SMTP and IMAP on server NC018 is still down.',
    });
    const byComponent = recorded(c.run('update nc018 imap --template progress --with status=being cleaned'));
    expect(byComponent.post?.text).toBe('Incident 1: SMTP and IMAP on server NC018 is still being cleaned.');
    c.setNow('2012-07-27T22:20:51Z');
    const resolved = recorded(c.run('resolve 1 --template spam-restart --at 22:13'));
    expect(resolved.post).toMatchObject({
      title: 'SMTP and IMAP on server NC018 restarted',
      text: 'We’ve cleaned up the spam and restarted SMTP and IMAP on server NC018 at 22:13 UTC. You can now send email again.',
      tags: ['spam', 'smtp'],
    });
    expect(resolved.incident.status).toBe('resolved');
  });

  it('publishes from a preview exactly what the preview showed, its {time} as when it was typed', () => {
    const actor = { platform: 'slack' as const, id: 'U1', name: 'ann' };
    const staff = { ...testSettings.staff, slack: { users: ['U1'], groups: [], channels: [] } };
    const settings = { ...testSettings, staff };
    const pc = createTestCore({ settings, now: '2012-07-27T22:20:10Z' });
    cleanups.push(() => pc.close());
    const preview = pc.service.preview({ text: 'nc018 smtp up --template spam-restart', actor }, 15 * 60_000);
    if (preview.kind !== 'preview') throw new Error(JSON.stringify(preview));
    expect(preview.post?.text).toContain('at 22:20 UTC.');
    pc.setNow('2012-07-27T22:24:00Z');
    const published = recorded(pc.service.confirm({ previewId: preview.previewId, actor }));
    expect(published.post?.text).toBe(preview.post?.text);
  });
});

describe('a template refused', () => {
  /** Runs a command that must be refused; returns its words, after checking nothing was written. */
  function refusedBy(c: TestCore, text: string, code: string): string {
    const before = dump(c);
    const out = c.run(text);
    if (out.kind !== 'refused') throw new Error(`not refused: ${JSON.stringify(out)}`);
    expect(out.code).toBe(code);
    expect(dump(c)).toBe(before);
    expect(c.refusals.at(-1)).toMatchObject({ text, result: 'refused', code });
    return out.message;
  }

  it('names a placeholder left unfilled and how to fill it', () => {
    const c = core();
    recorded(c.run('nc026 dns down "resolver trouble"'));
    expect(refusedBy(c, 'nc018 all down --template reboot', 'unfilled_placeholder')).toBe(
      'template `reboot` needs {eta}: add --with eta=….',
    );
    const two = core([
      { name: 'two', description: null, message: '{a} then {b} then {a}', title: null, tags: [] },
    ]);
    expect(refusedBy(two, 'nc018 smtp down --template two --with b=1', 'unfilled_placeholder')).toBe(
      'template `two` needs {a}: add --with a=….',
    );
    expect(refusedBy(two, 'nc018 smtp down --template two', 'unfilled_placeholder')).toBe(
      'template `two` needs {a} and {b}: add --with a=… --with b=….',
    );
  });

  it('refuses a placeholder the command cannot fill: {incident} on a change, {system} of a notice', () => {
    const c = core([
      { name: 'numbered', description: null, message: 'See incident {incident}.', title: null, tags: [] },
      { name: 'where', description: null, message: 'Still working on {system}.', title: null, tags: [] },
    ]);
    expect(refusedBy(c, 'nc018 smtp down --template numbered', 'unfilled_placeholder')).toMatch(
      /^template `numbered` uses \{incident\}, which a state change cannot fill \(\{incident\}: the incident’s number/,
    );
    recorded(c.run('notice "Email migration" "We are moving email."'));
    expect(refusedBy(c, 'update 1 --template where', 'unfilled_placeholder')).toBe(
      'template `where` needs {system}, and incident #1 has no components to name (it is a notice): write the message in quotes instead.',
    );
    expect(refusedBy(c, 'update 1 --template spam-defences-on', 'unfilled_placeholder')).toMatch(
      /needs \{server\}, and incident #1 has no components/,
    );
  });

  it('answers an unknown name with a did-you-mean, as for an unknown system', () => {
    const c = core();
    expect(refusedBy(c, 'nc018 smtp down --template spma', 'unknown_template')).toBe(
      'unknown template "spma": did you mean "spam"? Templates: spam, spam-restart, reboot, spam-defences-on (see `help templates`).',
    );
    expect(refusedBy(c, 'nc018 smtp down --template zzzzzz', 'unknown_template')).toMatch(
      /^unknown template "zzzzzz"\. Templates: spam, /,
    );
    const none = createTestCore({ settings: { ...testSettings, templates: [] } });
    cleanups.push(() => none.close());
    const out = none.run('nc018 smtp down --template spam');
    expect(out).toMatchObject({ kind: 'refused', code: 'unknown_template' });
    expect(out.kind === 'refused' && out.message).toMatch(/none are configured/);
  });

  it('refuses a message and a template together, and --with without a template', () => {
    const c = core();
    expect(refusedBy(c, 'nc018 smtp down "spam again" --template spam', 'syntax')).toBe(
      'give either a message in quotes or --template spam, not both ("spam again" was given too).',
    );
    expect(refusedBy(c, 'nc018 smtp down --template spam spam again', 'syntax')).toBe(
      'give either a message in quotes or --template spam, not both ("spam again" was given too).',
    );
    expect(refusedBy(c, 'nc018 smtp down "x" --with eta=1', 'option_value')).toBe(
      '--with fills a template’s placeholders; use it with --template NAME (see `help templates`).',
    );
  });

  it('refuses --with values that name no placeholder of the template, or one Herald fills', () => {
    const c = core();
    const cases: Array<[string, string | RegExp]> = [
      ['reboot --with eat=22:30', 'template `reboot` has no {eat}: did you mean {eta}? Its own are {eta}.'],
      ['spam --with eta=1', 'template `spam` has no {eta}; it has none of its own.'],
      [
        'reboot --with system=NC99 eta=1',
        '{system} is filled by Herald (the system’s name: `NC018`); --with cannot set it.',
      ],
      ['reboot --with 22:30', /^--with takes NAME=VALUE/],
      ['reboot --with eta=', /eta= is empty/],
      ['reboot --with eta=1 --with eta=2', /\{eta\} is given twice/],
    ];
    for (const [typed, says] of cases) {
      const message = refusedBy(c, `nc018 all down --template ${typed}`, 'option_value');
      if (typeof says === 'string') expect(message).toBe(says);
      else expect(message).toMatch(says);
    }
  });

  it('refuses a filled message longer than the limit', () => {
    const c = core();
    expect(
      refusedBy(c, `nc018 all down --template reboot --with "eta=${'x'.repeat(4000)}"`, 'message_too_long'),
    ).toMatch(/^template `reboot` filled is 4,1\d\d characters; the limit is 4,000\.$/);
  });
});

describe('hostile --with values', () => {
  const HOSTILE = '<script>alert(1)</script> & <b>bold</b> @everyone {system} {{x}}';

  it('are text: escaped on the site and in the feeds, never read as markup or as placeholders', async () => {
    const app = herald();
    app.record(`nc018 all down --template reboot --with "eta=${HOSTILE}"`);
    await app.herald.publisher.runOnce();
    const post = app.herald.store.recentPosts(1)[0];
    expect(post?.text).toBe(
      `We are rebooting server NC018 at 21:39 UTC. Its services will be unavailable until it is back, which we expect by ${HOSTILE}. We apologise for the inconvenience.`,
    );
    const page = read(app, 'incidents/1.html');
    expect(page).toContain(
      'expect by &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; @everyone {system} {{x}}.',
    );
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<b>bold');
    expect(read(app, 'index.html')).not.toContain('<script>alert');
    for (const file of ['rss.xml', 'atom.xml']) {
      const feed = parseFeed(read(app, file));
      expect(feed.bozo, file).toBe(false);
      const shown = feed.entries[0]?.content.map((c) => c.text).join(' ') ?? '';
      expect(shown, file).toContain(`expect by ${HOSTILE}.`);
    }
    expect(feedItems(app)[0]?.content_text).toContain(`expect by ${HOSTILE}.`);
  });
});

describe('help templates', () => {
  it('lists each configured template, what it is for and the --with values it needs', () => {
    const c = core();
    const out = c.run('help templates');
    if (out.kind !== 'help') throw new Error(JSON.stringify(out));
    expect(out.text).toContain('`spam`: SMTP shut down to deal with spam.');
    expect(out.text).toContain(
      '`reboot`: A server rebooting, and when it should be back. Needs `--with eta=…`.',
    );
    expect(out.text).toContain('`spam-defences-on`: Spam defences re-enabled.');
    expect(out.text).toContain('used instead of a quoted message by `change`, `update`, `resolve`');
    const none = createTestCore({ settings: { ...testSettings, templates: [] } });
    cleanups.push(() => none.close());
    const empty = none.run('help templates');
    expect(empty.kind === 'help' && empty.text).toContain('None are configured');
  });
});

describe('the configuration of templates', () => {
  const shipped = fs.readFileSync(path.resolve(import.meta.dirname, '../../herald.config.yaml'), 'utf8');

  it('ships the blog’s spam shutdown and restart notices, a reboot and the spam defences', () => {
    const parsed = parseConfigFile(shipped);
    expect(parsed.ok && Object.keys(parsed.file.templates)).toEqual([
      'spam',
      'spam-restart',
      'reboot',
      'spam-defences-on',
    ]);
  });

  it('lists a bad placeholder, a stray brace and an empty message with the other problems', () => {
    const broken = shipped
      .replace('baseUrl: http://127.0.0.1:8080/', 'baseUrl: not a url')
      .replace('expect by {eta}.', 'expect by {ETA}.')
      .replace('title: "Spam defences on {server}"', 'title: "Spam defences on {server"')
      .replace('message: We have re-enabled the most effective spam defences on {server}.', 'message: "  "')
      .replace('tags: [reboot]', 'tags: [Reboot!]');
    const result = parseConfigFile(broken);
    expect(result.ok ? [] : result.problems).toEqual([
      expect.stringMatching(/^herald\.config\.yaml site\.baseUrl: /),
      'herald.config.yaml templates.reboot.message: "{ETA}" is not a placeholder: write {eta} (lowercase letters, digits, "-" and "_", starting with a letter), or "{{" and "}}" for braces',
      'herald.config.yaml templates.reboot.tags[0]: expected a tag: lowercase letters, digits and "-"',
      'herald.config.yaml templates.spam-defences-on.message: expected the text of the message; it is empty',
      'herald.config.yaml templates.spam-defences-on.title: the "{" at character 18 is never closed; write {name} for a placeholder or "{{" for a brace',
    ]);
  });

  it('accepts braces written as {{ and }}, and templates without a title, tags or description', () => {
    const result = parseConfigFile(
      `${shipped}\n  braces:\n    message: "Use {{curly}} braces on {system}."\n`,
    );
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const c = core([
      {
        name: 'braces',
        description: null,
        message: 'Use {{curly}} braces on {system}.',
        title: null,
        tags: [],
      },
    ]);
    expect(recorded(c.run('nc018 smtp down --template braces')).post?.text).toBe(
      'Use {curly} braces on NC018.',
    );
  });
});

describe('through the herald command', () => {
  it('herald run records a template, herald publish puts it in the feeds, and herald help lists them', () => {
    const world = createCliWorld();
    cleanups.push(() => world.cleanup());
    const run = world.run(['run', 'nc018 smtp down --template spam', '--as', 'ops']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Title: SMTP on NC018 shut down');
    expect(run.stdout).toContain('Note: message from template "spam"');
    expect(world.run(['publish']).status).toBe(0);
    const feed = JSON.parse(fs.readFileSync(path.join(world.dir, 'public', 'feed.json'), 'utf8'));
    expect(feed.items[0]).toMatchObject({ content_text: SPAM, tags: ['spam', 'smtp'] });
    const help = world.run(['help', 'templates']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('`spam-restart`: SMTP restarted after the spam was cleaned up.');
  });

  it('refuses an unfilled placeholder with exit 1, the database unchanged; a bad template is exit 2', () => {
    const world = createCliWorld();
    cleanups.push(() => world.cleanup());
    expect(world.run(['run', 'nc026 dns down "resolver trouble"', '--as', 'ops']).status).toBe(0);
    const bytes = fs.readFileSync(world.database);
    const refused = world.run(['run', 'nc018 all down --template reboot', '--as', 'ops']);
    expect(refused).toMatchObject({
      status: 1,
      stdout: '',
      stderr: 'Refused: template `reboot` needs {eta}: add --with eta=….\n',
    });
    expect(fs.readFileSync(world.database).equals(bytes)).toBe(true);

    const shipped = fs.readFileSync(path.resolve(import.meta.dirname, '../../herald.config.yaml'), 'utf8');
    const broken = createCliWorld({ config: shipped.replace('expect by {eta}.', 'expect by {eta.') });
    cleanups.push(() => broken.cleanup());
    const bad = broken.run(['run', 'list']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('templates.reboot.message: the "{" at character');
  });
});
