// A whole Herald with subscriptions on, for the sign-up tests: a real SMTP server (`smtp-server`) on
// loopback receives what Herald mails, `mailparser` reads it; Herald's HTTP server (its public address
// known before Herald is built, as HERALD_PUBLIC_URL must be) serves the site and the subscriber routes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createHttpApp } from '../../src/server.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';

export interface Mailbox {
  /** Every mail received so far, in order. */
  mails: ParsedMail[];
  /** The next mail to `to` not yet taken; waits for it (the test's own timeout bounds the wait). */
  next(to: string): Promise<ParsedMail>;
  /** How many mails `to` has received. */
  countTo(to: string): number;
  url: string;
  close(): Promise<void>;
}

const recipients = (m: ParsedMail): string[] =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

export async function startMailbox(): Promise<Mailbox> {
  const mails: ParsedMail[] = [];
  const taken = new Set<ParsedMail>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const find = (to: string) => mails.find((m) => !taken.has(m) && recipients(m).includes(to));
  return {
    mails,
    url: `smtp://127.0.0.1:${port}`,
    countTo: (to) => mails.filter((m) => recipients(m).includes(to)).length,
    async next(to) {
      for (;;) {
        const mail = find(to);
        if (mail) {
          taken.add(mail);
          return mail;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SignupWorld {
  app: TestHerald;
  mailbox: Mailbox;
  /** Herald's server, ending in `/` (HERALD_PUBLIC_URL). */
  url: string;
  close(): Promise<void>;
}

/** Herald with SMTP on the loopback mailbox; `env` adds settings (HERALD_WEBHOOKS_ALLOW_PRIVATE...). */
export async function startSignupWorld(
  options: { env?: NodeJS.ProcessEnv; now?: string } = {},
): Promise<SignupWorld> {
  const mailbox = await startMailbox();
  let handle: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const app = createTestHerald({
    ...(options.now ? { now: options.now } : {}),
    env: {
      SMTP_URL: mailbox.url,
      MAIL_FROM: 'NinerNet Status <status@example.net>',
      HERALD_PUBLIC_URL: url,
      ...options.env,
    },
  });
  app.herald.site.rebuild();
  const express = createHttpApp({
    publicDir: app.config.paths.publicDir,
    health: () => app.herald.health(),
    log: testLog(),
    routes: [{ path: '/', router: app.herald.subscriberFront.router }],
    trustProxy: app.config.http.trustProxy,
  });
  handle = express;
  return {
    app,
    mailbox,
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.close();
      await mailbox.close();
    },
  };
}

/** POSTs a form (urlencoded) and returns the status and the page. */
export async function postForm(
  url: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) form.append(k, one);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form.toString(),
    redirect: 'manual',
  });
  return { status: response.status, body: await response.text() };
}

export async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}

/** The first link in a mail's text part that goes to `path` on Herald's server. */
export function linkIn(text: string, base: string, path: string): string {
  const found = text.match(/https?:\/\/\S+/g)?.find((u) => u.startsWith(new URL(path, base).href));
  if (!found) throw new Error(`no link to ${path} in:\n${text}`);
  return found;
}
