// Delivery to subscribers through the front door: staff record a post in a whole Herald (the composition
// root, SMTP_URL set), the publisher runs, and what reaches a real SMTP server on 127.0.0.1 (parsed with
// mailparser) and a webhook receiver (verifying with standardwebhooks) is asserted on, with the rows.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHerald } from '../../src/app.js';
import { importCommand } from '../../src/import/import-command.js';
import type { SubscriberScope } from '../../src/store/subscribers.js';
import { ops } from '../helpers/core.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';
import {
  type ReceivedMail,
  type SmtpReceiver,
  startSmtpReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from './delivery-receivers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let smtp: SmtpReceiver;
let hooks: WebhookReceiver;
let world: TestHerald;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  hooks = await startWebhookReceiver();
  world = createTestHerald({
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'NinerNet Status <status@ninernet.example>',
      HERALD_PUBLIC_URL: 'https://herald.ninernet.example',
      HERALD_WEBHOOKS_ALLOW_PRIVATE: '1',
      HERALD_SUBSCRIBER_FAILURES_TO_DISABLE: '3',
    },
  });
});
afterAll(async () => {
  await world?.close();
  await smtp?.close();
  await hooks?.close();
});

const subs = () => world.herald.subscribers;
function subscribe(
  channel: 'email' | 'webhook',
  address: string,
  scope: SubscriberScope = 'all',
  contactEmail?: string,
) {
  const { subscriber } = subs().create({
    channel,
    address,
    scope,
    at: world.herald.store.components.length,
    ...(channel === 'webhook' ? { secret: SECRET } : {}),
    ...(contactEmail ? { contactEmail } : {}),
  });
  subs().confirm(subscriber.id, 0);
  return subscriber.id;
}
const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
const header = (m: ReceivedMail, name: string) => m.parsed.headers.get(name);

describe('a post to subscribers', () => {
  let alice = 0;
  beforeAll(async () => {
    alice = subscribe('email', 'alice@client.example');
    subscribe('email', 'bob@client.example', [{ system: 'nc026', service: null }]);
    subscribe('webhook', `${hooks.base}/hook-a`, [{ system: 'nc018', service: 'smtp' }]);
    hooks.secrets.set('/hook-a', SECRET);
    world.record('nc018 smtp down "Spam <b>filter</b> overloaded since 21:30 UTC\r\nBcc: evil@example.com"');
    await world.herald.publisher.runOnce();
  });

  it('mails each subscriber of its components once, with both parts and the times in every zone', () => {
    expect(mailsTo('alice@client.example')).toHaveLength(1);
    expect(mailsTo('bob@client.example')).toHaveLength(0);
    const [mail] = mailsTo('alice@client.example') as [ReceivedMail];
    expect(mail.parsed.from?.text).toBe('"NinerNet Status" <status@ninernet.example>');
    expect(mail.parsed.subject).toBe(`[${world.config.site.title}] SMTP on NC018 shut down`);
    expect(mail.parsed.messageId).toMatch(/^<herald\.post-\d+\.publish@ninernet\.example>$/);
    expect(mail.parsed.inReplyTo).toBeUndefined();
    expect(mail.parsed.text).toMatch(/21:30 UTC \(14:30 PDT Vancouver/);
    expect(mail.parsed.text).toMatch(/Posted 27 July 2012 21:39 UTC \(/);
    expect(mail.parsed.text).toContain(`The incident: ${world.config.site.baseUrl}incidents/1.html`);
    // Markup from staff is shown, not obeyed; CR/LF in the text never becomes a header.
    expect(mail.parsed.html).toContain('Spam &lt;b&gt;filter&lt;/b&gt;');
    expect(mail.parsed.html).not.toContain('<b>filter');
    expect(mail.to).toEqual(['alice@client.example']);
    expect(header(mail, 'bcc')).toBeUndefined();
  });

  it('carries the manage link and the one-click unsubscribe of RFC 8058', () => {
    const [mail] = mailsTo('alice@client.example') as [ReceivedMail];
    // The sign-up side's signed links (src/subscribers/links.ts), bound to the row.
    const row = world.herald.subscribers.byId(alice);
    const links = world.herald.subscriberFront.links;
    if (!row || !links) throw new Error('no subscriber or no links');
    const unsubscribe = links.unsubscribe(row);
    const unfolded = `\r\n${mail.raw}`.replace(/\r\n[ \t]+/g, ' ');
    expect(unfolded).toContain(`\r\nList-Unsubscribe: <${unsubscribe}>\r\n`);
    expect(unfolded).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
    expect(mail.parsed.text).toContain(links.manage(row));
  });

  it('posts a signed webhook with the documented body', () => {
    const received = hooks.hooks.filter((h) => h.path === '/hook-a');
    expect(received).toHaveLength(1);
    const [hook] = received as [(typeof received)[number]];
    expect(hook.verified).toBe(true);
    expect(hook.id).toMatch(/^msg_p\d+\.publish\.s\d+$/);
    expect(hook.body).toMatchObject({
      type: 'post.published',
      data: {
        post: { number: 1, state: 'down', retracted: null },
        incident: { id: 1, kind: 'outage', status: 'open' },
        components: [{ system: 'nc018', service: 'smtp', state: 'down' }],
      },
    });
  });

  it('threads the next post on the first (In-Reply-To, References)', async () => {
    world.setNow('2012-07-27T22:10:00Z');
    world.record('update 1 "Still on it"');
    await world.herald.publisher.runOnce();
    const [first, second] = mailsTo('alice@client.example') as [ReceivedMail, ReceivedMail];
    expect(second.parsed.inReplyTo).toBe(first.parsed.messageId);
    expect(second.parsed.references).toEqual(first.parsed.messageId);
  });

  it('sends a correction and a retraction only to those who got the original', async () => {
    subscribe('email', 'late@client.example');
    world.record('edit 1.1 "Spam filter overloaded"');
    world.record('retract 1.2 "posted too early"');
    await world.herald.publisher.runOnce();
    expect(mailsTo('late@client.example')).toHaveLength(0);
    const subjects = mailsTo('alice@client.example').map((m) => m.parsed.subject);
    expect(subjects).toContain(`[${world.config.site.title}] Corrected: SMTP on NC018 shut down`);
    expect(subjects.filter((s) => s?.includes('Retracted: '))).toHaveLength(1);
    const corrected = hooks.hooks.filter((h) => (h.body as { type: string }).type === 'post.corrected');
    expect(corrected).toHaveLength(1);
  });
});

describe('a failing webhook', () => {
  it('is retried with backoff, disabled after its run of failures, and its contact is told by mail', async () => {
    const id = subscribe('webhook', `${hooks.base}/broken`, 'all', 'ops@client.example');
    hooks.status.set('/broken', 500);
    world.setNow('2012-07-28T08:00:00Z');
    world.record('nc026 web down "disk"');
    await world.herald.publisher.runOnce();
    const mine = () => subs().notifications({ subscriberId: id });
    expect(mine()[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500' });
    // Nothing is due before the backoff: running again sends nothing.
    await world.herald.publisher.runOnce();
    expect(hooks.hooks.filter((h) => h.path === '/broken')).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      world.setNow((mine()[0]?.nextAttemptAt ?? 0) + 1);
      await world.herald.publisher.runOnce();
    }
    expect(hooks.hooks.filter((h) => h.path === '/broken')).toHaveLength(3);
    expect(subs().byId(id)).toMatchObject({ status: 'disabled', failures: 3 });
    const told = mailsTo('ops@client.example');
    expect(told).toHaveLength(1);
    expect(told[0]?.parsed.subject).toBe(`[${world.config.site.title}] Your webhook was disabled`);
    expect(told[0]?.parsed.text).toContain(`${hooks.base}/broken`);
    // Disabled: the next post does not go to it.
    world.record('nc026 web up "fixed"');
    await world.herald.publisher.runOnce();
    expect(hooks.hooks.filter((h) => h.path === '/broken')).toHaveLength(3);
  });

  it('a mail address the relay refuses counts towards disabling; a relay that is down does not', async () => {
    smtp.refuse.add('gone@client.example');
    const id = subscribe('email', 'gone@client.example');
    world.record('nc018 web down "web down"');
    await world.herald.publisher.runOnce();
    const [n] = subs().notifications({ subscriberId: id });
    expect(n).toMatchObject({ status: 'failed', attempts: 1 });
    expect(n?.lastError).toMatch(/^SMTP 550/);
    expect(subs().byId(id)?.failures).toBe(1);
  });
});

describe('a relay that hangs', () => {
  it('does not delay the site or the social outlets', async () => {
    const carol = subscribe('email', 'carol@client.example');
    smtp.hold();
    const arrived = smtp.mails.length;
    world.setNow('2012-07-29T10:00:00Z');
    world.record('email relay down "relay down"');
    const sent = new Set<string>();
    const allSent = new Promise<void>((resolve) => {
      const stop = world.herald.onDelivery((e) => {
        if (e.status === 'sent') sent.add(e.delivery.outlet);
        if (['site', 'twitter', 'mastodon', 'bluesky', 'subscribers'].every((o) => sent.has(o))) {
          stop();
          resolve();
        }
      });
    });
    const run = world.herald.publisher.runOnce();
    await allSent;
    // Every outlet delivered while the relay holds the mail: nothing has reached the mailbox yet.
    expect(smtp.mails.length).toBe(arrived);
    expect(subs().notifications({ subscriberId: carol })[0]).toMatchObject({ status: 'pending' });
    smtp.release();
    await run;
    expect(mailsTo('carol@client.example')).toHaveLength(1);
    expect(subs().notifications({ subscriberId: carol })[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

describe('what notifies nobody', () => {
  it('imported history and a preview never queue a notification', async () => {
    const before = subs().notifications().length;
    const feed = path.join(world.dir, 'feed.xml');
    fs.writeFileSync(
      feed,
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Old blog</title><link>https://old.example/</link>
<item><title>SMTP down on NC018</title><link>https://old.example/1</link><guid>old-1</guid>
<pubDate>Fri, 27 Jul 2012 21:39:27 +0000</pubDate><description>Old news</description></item>
</channel></rss>`,
    );
    const out = new PassThrough();
    let said = '';
    out.on('data', (c: Buffer) => {
      said += c.toString();
    });
    const code = await importCommand(
      feed,
      { stdout: out, stderr: out, cwd: world.dir },
      {
        config: world.config,
        actor: ops,
        // Its own Herald on the same database: the import closes it when done.
        open: async () => ({ herald: createHerald(world.config, { log: testLog() }), log: testLog() }),
        now: () => Date.parse('2012-08-01T00:00:00Z'),
      },
    );
    expect(code).toBe(0);
    expect(said).toContain('Imported 1 new post');
    const preview = world.herald.preview({ text: 'nc018 imap down "preview only"', actor: ops }, 60_000);
    expect(preview.kind).toBe('preview');
    await world.herald.publisher.runOnce();
    expect(subs().notifications()).toHaveLength(before);
  });
});
