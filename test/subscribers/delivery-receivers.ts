// Real receivers on 127.0.0.1 for the subscriber tests: an SMTP server (the `smtp-server` package) whose
// mails are parsed with `mailparser`, and a webhook receiver that verifies each request's Standard
// Webhooks signature with the `standardwebhooks` package.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export interface ReceivedMail {
  /** The envelope's recipients. */
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpReceiver {
  url: string;
  mails: ReceivedMail[];
  /** Recipients refused for good (550 to RCPT TO). */
  refuse: Set<string>;
  /** Holds every DATA until release() (a relay that hangs). */
  hold(): void;
  release(): void;
  /** Resolves once `n` mails have arrived in all. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(options: { parse?: boolean } = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const refuse = new Set<string>();
  let held: Array<() => void> | null = null;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const arrived = () => {
    for (const w of [...waiters])
      if (mails.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) {
        const error = Object.assign(new Error('no such mailbox'), { responseCode: 550 });
        callback(error);
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((r) => r.address);
        const finish = async () => {
          const parsed = options.parse === false ? ({} as ParsedMail) : await simpleParser(raw);
          mails.push({ to, raw, parsed });
          callback();
          arrived();
        };
        if (held) held.push(() => void finish());
        else await finish();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse,
    hold() {
      held ??= [];
    },
    release() {
      const waiting = held ?? [];
      held = null;
      for (const go of waiting) go();
    },
    waitFor: (n) =>
      new Promise<void>((resolve) => {
        waiters.push({ n, resolve });
        arrived();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedHook {
  path: string;
  id: string;
  body: unknown;
  /** The signature verified with the path's secret. */
  verified: boolean;
}

export interface WebhookReceiver {
  base: string;
  hooks: ReceivedHook[];
  /** Secrets per path, to verify with. */
  secrets: Map<string, string>;
  /** Status answered per path (default 204). */
  status: Map<string, number>;
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hooks: ReceivedHook[] = [];
  const secrets = new Map<string, string>();
  const status = new Map<string, number>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const text = Buffer.concat(chunks).toString('utf8');
      const secret = secrets.get(path);
      let verified = false;
      if (secret) {
        try {
          new Webhook(secret).verify(text, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
      }
      hooks.push({ path, id: String(req.headers['webhook-id']), body: JSON.parse(text), verified });
      res.statusCode = status.get(path) ?? 204;
      res.end();
      for (const w of [...waiters])
        if (hooks.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hooks,
    secrets,
    status,
    waitFor: (n) =>
      new Promise<void>((resolve) => {
        if (hooks.length >= n) resolve();
        else waiters.push({ n, resolve });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
