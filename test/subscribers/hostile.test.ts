// The public sign-up endpoint against hostile input: each case gets a clear page and status, and writes
// nothing (no subscriber row) and mails nothing (the loopback SMTP server receives no mail), except the
// flood, which mails its one confirmation. Webhook URLs that point into private networks are refused with
// Herald's default settings (no HERALD_WEBHOOKS_ALLOW_PRIVATE).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, type SignupWorld, startSignupWorld } from './signup-world.js';

interface Case {
  what: string;
  fields: Record<string, string | string[]>;
  status: number;
  says: string;
}

const CASES: Case[] = [
  {
    what: 'no address at all',
    fields: { scope: 'all' },
    status: 400,
    says: 'give an e-mail address or a webhook URL',
  },
  {
    what: 'a word, not an address',
    fields: { email: 'not-an-address' },
    status: 400,
    says: 'is not an e-mail address',
  },
  {
    what: 'a domain without a dot',
    fields: { email: 'root@localhost' },
    status: 400,
    says: 'is not an e-mail address',
  },
  {
    what: 'a space inside',
    fields: { email: 'a b@example.com' },
    status: 400,
    says: 'is not an e-mail address',
  },
  {
    what: 'two addresses',
    fields: { email: 'a@example.com, b@example.com' },
    status: 400,
    says: 'is not an e-mail address',
  },
  {
    what: 'a display name and brackets',
    fields: { email: 'Eve <eve@example.com>' },
    status: 400,
    says: 'is not an e-mail address',
  },
  {
    what: 'the field twice',
    fields: { email: ['a@example.com', 'b@example.com'] },
    status: 400,
    says: 'give one e-mail address, once',
  },
  {
    what: 'a 300-character address',
    fields: { email: `${'a'.repeat(290)}@example.com` },
    status: 400,
    says: 'longer than 254',
  },
  {
    what: 'CR/LF and a Bcc header in the address',
    fields: { email: 'a@example.com\r\nBcc: victim@example.org' },
    status: 400,
    says: 'the e-mail address holds a line break',
  },
  {
    what: 'LF in a webhook contact address',
    fields: { webhook: 'https://hooks.example.net/x', contact: 'ops@example.com\nBcc: v@example.org' },
    status: 400,
    says: 'the contact e-mail address holds a line break',
  },
  {
    what: 'CR/LF in a webhook URL',
    fields: { webhook: 'https://hooks.example.net/x\r\nX-Injected: 1' },
    status: 400,
    says: 'the webhook URL holds a line break',
  },
  {
    what: 'an unknown component',
    fields: { email: 'a@example.com', scope: 'some', component: 'nc999/smtp' },
    status: 400,
    says: 'is not a component of this status page',
  },
  {
    what: 'some components but none ticked',
    fields: { email: 'a@example.com', scope: 'some' },
    status: 400,
    says: 'tick at least one system or service',
  },
  {
    what: 'an e-mail and a webhook at once',
    fields: { email: 'a@example.com', webhook: 'https://hooks.example.net/x' },
    status: 400,
    says: 'not both',
  },
  {
    what: 'a webhook to 127.0.0.1',
    fields: { webhook: 'http://127.0.0.1:8080/hook' },
    status: 400,
    says: 'the webhook URL is refused: 127.0.0.1 resolves to 127.0.0.1 is a loopback address',
  },
  {
    what: 'a webhook to the metadata service',
    fields: { webhook: 'http://169.254.169.254/latest/meta-data/' },
    status: 400,
    says: '169.254.169.254 is a cloud metadata address',
  },
  {
    what: 'a webhook to [::1]',
    fields: { webhook: 'http://[::1]:8080/hook' },
    status: 400,
    says: '::1 is a loopback address',
  },
  {
    what: 'a webhook to a name that resolves to a private address',
    fields: { webhook: 'http://localhost:8080/hook' },
    status: 400,
    says: 'localhost resolves to',
  },
  {
    what: 'a webhook that is not http(s)',
    fields: { webhook: 'file:///etc/passwd' },
    status: 400,
    says: 'must start with https://',
  },
  {
    what: 'a webhook with a password in it',
    fields: { webhook: 'https://user:pw@hooks.example.net/x' },
    status: 400,
    says: 'must not carry a user name or password',
  },
];

describe('the sign-up endpoint against hostile input', () => {
  let world: SignupWorld;
  const nothingWritten = () => {
    expect(world.app.herald.subscribers.list()).toEqual([]);
    expect(world.mailbox.mails).toEqual([]);
  };

  beforeAll(async () => {
    world = await startSignupWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it.each(CASES)(
    'refuses $what with a clear answer, writing and mailing nothing',
    async ({ fields, status, says }) => {
      const answer = await postForm(`${world.url}subscribe`, fields);
      expect(answer.status).toBe(status);
      expect(answer.body.replaceAll('&quot;', '"')).toContain(says);
      expect(answer.body).toContain('Nothing was saved and nothing was sent');
      // What was typed is escaped on the page, never markup.
      expect(answer.body).not.toMatch(/<eve@|Bcc: victim@example.org\r?\n/);
      nothingWritten();
    },
  );

  it('refuses a 1 MB body with 413 before reading it, and one sent without a length too', async () => {
    const big = await postForm(`${world.url}subscribe`, {
      email: 'a@example.com',
      filler: 'x'.repeat(1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(big.body).toContain('The form sent more than Herald accepts');
    // Chunked, no Content-Length: body-parser stops at 16 KiB.
    const chunks = new ReadableStream({
      start(controller) {
        const piece = new TextEncoder().encode(`filler=${'y'.repeat(64 * 1024)}`);
        for (let i = 0; i < 16; i++) controller.enqueue(piece);
        controller.close();
      },
    });
    const streamed = await fetch(`${world.url}subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    nothingWritten();
  });

  it('gives a bot that fills the honeypot the usual page, and mails nothing', async () => {
    const answer = await postForm(`${world.url}subscribe`, {
      email: 'bot-target@example.com',
      website: 'http://spam.example',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Check your mail');
    nothingWritten();
  });

  it('mails one confirmation for a flood of sign-ups for one address, each answered the same, storing nothing', async () => {
    const answers = [];
    for (let i = 0; i < 10; i++)
      answers.push(await postForm(`${world.url}subscribe`, { email: 'victim@example.org' }));
    expect(new Set(answers.map((a) => `${a.status} ${a.body}`)).size).toBe(1);
    expect(answers[0]?.status).toBe(200);
    await world.mailbox.next('victim@example.org');
    expect(world.mailbox.mails).toHaveLength(1);
    // Past ten sign-ups an hour from one client, the answer says to wait; still one mail.
    const more = await postForm(`${world.url}subscribe`, { email: 'victim@example.org' });
    expect(more.status).toBe(429);
    expect(more.body).toContain('Too many sign-ups came from your network');
    // With no proxy trusted (HERALD_TRUST_PROXY), a forged X-Forwarded-For is no way around the limit.
    const forged = await postForm(
      `${world.url}subscribe`,
      { email: 'victim@example.org' },
      { 'x-forwarded-for': '198.51.100.1' },
    );
    expect(forged.status).toBe(429);
    expect(world.mailbox.mails).toHaveLength(1);
    expect(world.app.herald.subscribers.list()).toEqual([]);
  });
});

describe('the sign-up endpoint behind a trusted reverse proxy (HERALD_TRUST_PROXY)', () => {
  let world: SignupWorld;
  beforeAll(async () => {
    world = await startSignupWorld({ env: { HERALD_TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('counts sign-ups per client the proxy names, not per proxy', async () => {
    const from = (client: string, email: string) =>
      postForm(`${world.url}subscribe`, { email }, { 'x-forwarded-for': client });
    for (let i = 0; i < 10; i++)
      expect((await from('203.0.113.7', `flood${i}@example.org`)).status).toBe(200);
    const eleventh = await from('203.0.113.7', 'flood10@example.org');
    expect(eleventh.status).toBe(429);
    expect(eleventh.body).toContain('Too many sign-ups came from your network');
    // Another client behind the same proxy still signs up, and gets its one mail.
    const other = await from('198.51.100.9', 'neighbour@example.org');
    expect(other.status).toBe(200);
    expect((await world.mailbox.next('neighbour@example.org')).subject).toMatch(/confirm/i);
    expect(world.mailbox.countTo('flood10@example.org')).toBe(0);
  });
});
