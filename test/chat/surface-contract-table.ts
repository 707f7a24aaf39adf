// The surface contract: what every surface (the shell, Slack, Discord) promises a person, as one table of
// scenarios. Each runs through the surface's front door (surface-contract-worlds.ts) and asserts on the
// answer, the rows written and what reached the fake platforms; the answers it returns are kept as
// snapshots (per surface), so that any change of wording shows in review.
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { Delivery } from '../../src/bot/types.js';
import type { Surface, SurfaceName } from './surface-contract-worlds.js';

export interface Scenario {
  name: string;
  /** The surfaces it applies to; `why` says why the others are left out. */
  surfaces: readonly SurfaceName[];
  why?: string;
  /** Whether the chat surfaces show a preview before publishing (the shell never does). */
  preview: boolean;
  /** Whether the surface starts with the inbox's worker held (StartOptions.held), until `restart()`. */
  held?: boolean;
  /** More settings for Herald. */
  env?: NodeJS.ProcessEnv;
  /** Runs it; returns the answers to keep as snapshots. */
  run(s: Surface): Promise<string[]>;
}

const ALL: readonly SurfaceName[] = ['shell', 'slack', 'discord'];
const CHAT: readonly SurfaceName[] = ['slack', 'discord'];

/** Who says the commands on each surface, as the post's author. */
const AUTHOR: Record<SurfaceName, string> = { shell: 'ops', slack: 'ann', discord: 'anna' };

/** A delivery to X as each surface shows it once sent, or once failed (the shell tells failures only). */
const TWITTER_SENT: Record<SurfaceName, RegExp | null> = {
  shell: null,
  slack: /\*Twitter\/X\*: :white_check_mark: sent/,
  discord: /\*\*twitter\*\*: sent/,
};
const TWITTER_FAILED: Record<SurfaceName, RegExp> = {
  shell: /post 1\.1 to twitter FAILED: /,
  slack: /\*Twitter\/X\*: :x: \*failed\* after 1 attempt\(s\): /,
  discord: /\*\*twitter\*\*: \*\*FAILED\*\* after 1 attempt\(s\): /,
};

/** The answer once it says every delivery is settled (the shell's answer is final when printed). */
const SETTLED: Record<SurfaceName, (text: string) => boolean> = {
  shell: () => true,
  slack: (t) => t.includes('Only you can see this.') && !t.includes('It is updated'),
  discord: (t) => t.includes('**Goes to:**') && !/: (pending|not sent yet)/.test(t),
};

const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const RECORDED = /Recorded post 1\.1\b/;
const SMTP_DOWN = 'nc018 smtp down "Spam cleanup under way." --at 21:13';

const posts = (s: Surface) => s.herald.herald.store.recentPosts(100);
const deliveries = (s: Surface): Delivery[] => {
  const post = posts(s)[0];
  return post ? s.herald.herald.store.deliveriesOf(post.id) : [];
};

/** Waits until the rows say every delivery of the first post is sent or failed. */
async function settledRows(s: Surface): Promise<Delivery[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const ds = deliveries(s);
    if (ds.length && ds.every((d) => d.status !== 'pending')) return ds;
    if (Date.now() > until) throw new Error(`deliveries not settled: ${JSON.stringify(ds)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface InboxRow {
  id: number;
  request_id: string;
  status: string;
  received_at: number;
  done_at: number | null;
}

/** The inbox's rows, read through a second connection to the database, as another process would. */
function inboxRows(s: Surface): InboxRow[] {
  const db = new Database(s.herald.config.paths.database, { readonly: true });
  try {
    return db
      .prepare('SELECT id, request_id, status, received_at, done_at FROM inbox ORDER BY id')
      .all() as InboxRow[];
  } finally {
    db.close();
  }
}

/** Time for a request that should change nothing to have done its worst (it is checked afterwards). */
const settle = () => new Promise((r) => setTimeout(r, 200));

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'a command gets its private answer, the rows are written once, and progress goes to sent',
    surfaces: ALL,
    preview: false,
    async run(s) {
      const sent = await s.say(SMTP_DOWN);
      const first = await s.answer(sent, (t) => RECORDED.test(t), 'the recorded answer');
      // The time as read, echoed in UTC and the client zones.
      expect(first).toContain('27 July 2012 21:13 UTC (14:13 PDT Vancouver · 23:13 CAT Lusaka)');
      expect(first).toMatch(/read from .21:13./);
      const written = posts(s);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({ author: AUTHOR[s.name], text: 'Spam cleanup under way.' });
      expect(s.herald.herald.store.activeIncidents()).toHaveLength(1);
      const rows = await settledRows(s);
      expect(rows.map((d) => `${d.outlet}:${d.status}`).sort()).toEqual([
        'bluesky:sent',
        'mastodon:sent',
        'site:sent',
        'twitter:sent',
      ]);
      expect(s.twitter.tweets.map((t) => t.text)).toEqual([
        expect.stringContaining('Spam cleanup under way.'),
      ]);
      const shows = TWITTER_SENT[s.name];
      const last = await s.answer(
        sent,
        (t) => SETTLED[s.name](t) && (shows === null || shows.test(t)),
        'the answer with every delivery sent',
      );
      expect(s.answers(sent).join('\n')).not.toMatch(/FAILED|failed/);
      return [last];
    },
  },
  {
    name: 'delivery progress goes to failed, with what to do about it',
    surfaces: ALL,
    preview: false,
    async run(s) {
      await s.twitter.setFault({ kind: 'status', status: 403, times: Number.POSITIVE_INFINITY });
      const sent = await s.say(SMTP_DOWN);
      await s.answer(sent, (t) => RECORDED.test(t), 'the recorded answer');
      const rows = await settledRows(s);
      expect(rows.find((d) => d.outlet === 'twitter')).toMatchObject({ status: 'failed', attempts: 1 });
      expect(rows.filter((d) => d.status === 'failed')).toHaveLength(1);
      expect(s.twitter.tweets).toEqual([]);
      const failed = await s.answer(
        sent,
        (t) => SETTLED[s.name](t) && TWITTER_FAILED[s.name].test(t),
        'the answer with the failed delivery',
      );
      expect(failed).toMatch(/retry/);
      return [failed];
    },
  },
  {
    name: 'a repeated request is recognised and changes nothing twice',
    surfaces: CHAT,
    why: 'the shell has no platform request id to deliver twice: each typed line is a new command',
    preview: false,
    async run(s) {
      const sent = await s.say(SMTP_DOWN);
      await s.answer(sent, (t) => RECORDED.test(t), 'the recorded answer');
      await s.repeat(sent);
      await s.repeat(sent);
      await settledRows(s);
      await settle();
      expect(posts(s)).toHaveLength(1);
      expect(deliveries(s)).toHaveLength(4);
      expect(s.twitter.tweets).toHaveLength(1);
      const answers = s.answers(sent);
      expect(answers.every((t) => RECORDED.test(t))).toBe(true);
      expect(answers.some((t) => t.includes('Already'))).toBe(false);
      return [];
    },
  },
  {
    name: 'a preview publishes nothing until its author presses Publish, then once',
    surfaces: CHAT,
    why: 'the shell records at once: it shows no preview',
    preview: true,
    async run(s) {
      const sent = await s.say(SMTP_DOWN);
      const preview = await s.answer(sent, (t) => /Preview/.test(t), 'the preview');
      expect(preview).toContain('nothing is published yet');
      expect(posts(s)).toEqual([]);
      const pressed = await s.press(sent, 'publish');
      await s.answer(pressed, (t) => RECORDED.test(t), 'the recorded answer');
      expect(posts(s)).toHaveLength(1);
      await s.press(sent, 'publish');
      await settledRows(s);
      await settle();
      expect(posts(s)).toHaveLength(1);
      expect(s.twitter.tweets).toHaveLength(1);
      return [preview];
    },
  },
  {
    name: 'a cancelled preview publishes nothing, even when Publish is pressed afterwards',
    surfaces: CHAT,
    why: 'the shell records at once: it shows no preview',
    preview: true,
    async run(s) {
      const sent = await s.say(SMTP_DOWN);
      await s.answer(sent, (t) => /Preview/.test(t), 'the preview');
      const cancel = await s.press(sent, 'cancel');
      const cancelled = await s.answer(cancel, (t) => /Cancelled/.test(t), 'the cancellation');
      expect(cancelled).toContain('Cancelled: nothing was published.');
      expect(cancelled).not.toContain('[Publish]');
      const late = await s.press(sent, 'publish');
      const refused = await s.answer(late, (t) => /cancelled/.test(t), 'the late press refused');
      expect(refused).toContain('this preview was cancelled; nothing was published');
      expect(posts(s)).toEqual([]);
      expect(s.herald.herald.store.deliveries()).toEqual([]);
      return [cancelled, refused];
    },
  },
  {
    name: 'an expired preview publishes nothing',
    surfaces: CHAT,
    why: 'the shell records at once: it shows no preview',
    preview: true,
    async run(s) {
      const sent = await s.say(SMTP_DOWN);
      await s.answer(sent, (t) => /Preview/.test(t), 'the preview');
      s.expirePreviews();
      const late = await s.press(sent, 'publish');
      const expired = await s.answer(late, (t) => /expired/.test(t), 'the expiry');
      expect(expired).toContain('this preview has expired and nothing was published');
      expect(posts(s)).toEqual([]);
      expect(s.herald.herald.store.deliveries()).toEqual([]);
      return [expired];
    },
  },
  {
    name: 'a refusal: bad input gets a clear answer and writes nothing',
    surfaces: ALL,
    preview: false,
    async run(s) {
      const sent = await s.say('nc81 smtp down "Spam cleanup under way."');
      const refused = await s.answer(sent, (t) => /Refused/.test(t), 'the refusal');
      expect(refused).toContain('unknown system "nc81": did you mean "nc018"?');
      expect(posts(s)).toEqual([]);
      expect(s.herald.herald.store.activeIncidents()).toEqual([]);
      expect(s.herald.herald.store.deliveries()).toEqual([]);
      return [refused];
    },
  },
  {
    name: 'staff get the subscriber counts, per channel and component, and never an address',
    surfaces: ALL,
    preview: false,
    // Subscriptions on; nothing is mailed here (no post), so the relay is never reached.
    env: {
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'NinerNet Status <status@example.net>',
      HERALD_PUBLIC_URL: 'http://127.0.0.1:8080/',
    },
    async run(s) {
      const store = s.herald.herald.subscribers;
      const at = Date.parse('2012-07-27T20:00:00Z');
      const add = (address: string) =>
        store.create({ channel: 'email', address, scope: 'all', at, contactEmail: null }).subscriber;
      store.confirm(add('client@example.com').id, at);
      add('pending@example.com');
      const sent = await s.say('subscribers');
      const counts = await s.answer(sent, (t) => /Subscribers/.test(t), 'the subscriber counts');
      expect(counts).toContain('E-mail: 1 active, 1 pending, 0 disabled, 0 unsubscribed; no failures');
      expect(counts).toContain('every component: 1 e-mail');
      expect(counts).not.toContain('@');
      expect(s.received(sent)).not.toContain('example.com');
      expect(posts(s)).toEqual([]);
      expect(s.herald.herald.store.deliveries()).toEqual([]);
      return [counts];
    },
  },
  {
    name: 'bidirectional controls a person typed reach neither the chat platform nor the networks',
    surfaces: CHAT,
    why: "the shell prints to the operator's own terminal, as typed",
    preview: false,
    async run(s) {
      const typed = 'invoice \u202egpj.exe\u202c and \u2067RTL\u2069 text';
      const sent = await s.say(`nc018 smtp down --title "Mail for \u202egpj.exe" "${typed}"`);
      const last = await s.answer(
        sent,
        (t) => SETTLED[s.name](t) && (TWITTER_SENT[s.name]?.test(t) ?? true),
        'the answer with every delivery sent',
      );
      // Stored as typed (the site isolates it in <bdi>); shown everywhere else in the order it was typed.
      expect(posts(s)[0]?.text).toBe(typed);
      expect(last).toContain('Mail for gpj.exe');
      expect(s.received(sent)).not.toMatch(BIDI_CONTROL);
      expect(s.received(sent)).toContain('Mail for gpj.exe');
      const tweet = s.twitter.tweets[0]?.text ?? '';
      expect(tweet).toContain('Mail for gpj.exe');
      expect(tweet).toContain('invoice gpj.exe and RTL text');
      expect(tweet).not.toMatch(BIDI_CONTROL);
      return [last];
    },
  },
  {
    // Issue 14 §1: acknowledged means recorded. The worker is held, so Herald is stopped right after the
    // acknowledgement, before the command ran; the next start finishes it once and answers its author in
    // the reply window (five minutes later: the response_url, the interaction's token).
    name: 'a command acknowledged before a stop is recorded once after the restart, and answered',
    surfaces: CHAT,
    why: 'the shell acknowledges nothing before the work: a typed line is answered after its commit',
    preview: false,
    held: true,
    async run(s) {
      const sent = await s.say(SMTP_DOWN);
      const requestId = `${s.name}:${sent.id}`;
      // Acknowledged (say() checked the 200) and on disk, but not worked: no post, no answer yet.
      expect(inboxRows(s)).toMatchObject([{ request_id: requestId, status: 'pending', done_at: null }]);
      expect(posts(s)).toEqual([]);
      expect(s.answers(sent)).toEqual([]);
      await s.restart();
      const first = await s.answer(sent, (t) => RECORDED.test(t), 'the recorded answer after the restart');
      expect(first).toContain('27 July 2012 21:13 UTC');
      const written = posts(s);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({ author: AUTHOR[s.name], text: 'Spam cleanup under way.' });
      expect(s.herald.herald.store.activeIncidents()).toHaveLength(1);
      const rows = await settledRows(s);
      expect(rows.map((d) => `${d.outlet}:${d.status}`).sort()).toEqual([
        'bluesky:sent',
        'mastodon:sent',
        'site:sent',
        'twitter:sent',
      ]);
      const last = await s.answer(
        sent,
        (t) => SETTLED[s.name](t) && (TWITTER_SENT[s.name]?.test(t) ?? true),
        'the answer with every delivery sent',
      );
      const done = inboxRows(s);
      expect(done).toMatchObject([{ request_id: requestId, status: 'done' }]);
      // The platform delivers the same request again after the restart: nothing changes, not even its row.
      const answered = s.answers(sent);
      await s.repeat(sent);
      await settle();
      expect(inboxRows(s)).toEqual(done);
      expect(posts(s)).toHaveLength(1);
      expect(deliveries(s)).toHaveLength(4);
      expect(s.twitter.tweets.map((t) => t.text)).toEqual([
        expect.stringContaining('Spam cleanup under way.'),
      ]);
      expect(s.answers(sent)).toEqual(answered);
      return [last];
    },
  },
];
