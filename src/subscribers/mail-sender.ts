// E-mail through nodemailer over SMTP: one pooled transport to the relay (SMTP_URL), at the rate the relay
// allows (SMTP_RATE_PER_SECOND). A send's result says whether to retry and whose fault it was: a relay
// that is down or busy (4xx, no connection) is retried and never held against the subscriber; a
// recipient the relay refuses for good (5xx) counts towards disabling that subscriber.

import nodemailer from 'nodemailer';
import { oneLine } from '../templates/mail/notification.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Without angle brackets: `post-12.publish@example.net`. The same on every attempt. */
  messageId: string;
  /** The incident's first post's Message-ID, so that mail clients thread an incident. */
  inReplyTo?: string;
  /** An https URL: List-Unsubscribe with List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058). */
  unsubscribeUrl?: string;
}

export type SendOutcome =
  | { ok: true }
  | { ok: false; retry: boolean; blameSubscriber: boolean; error: string };

export interface MailSender {
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
}

export interface SmtpOptions {
  smtpUrl: string;
  from: string;
  maxConnections: number;
  /** Mails a second at most; 0 for no limit. */
  ratePerSecond: number;
  /** Connection and greeting timeouts, and the longest a socket may stay silent. */
  timeoutMs?: number;
}

const angle = (id: string) => `<${oneLine(id).replace(/[<>\s]/g, '')}>`;

/** The domain part of MAIL_FROM, for Message-IDs: `Status <status@example.net>` → `example.net`. */
export function mailDomain(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  return (match?.[1] ?? 'herald.invalid').toLowerCase();
}

export function createSmtpMailSender(options: SmtpOptions): MailSender {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.maxConnections,
    maxMessages: Number.POSITIVE_INFINITY,
    ...(options.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: options.ratePerSecond } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(mail) {
      const headers: Record<string, string> = {};
      if (mail.unsubscribeUrl) {
        headers['List-Unsubscribe'] = angle(mail.unsubscribeUrl);
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      try {
        await transport.sendMail({
          from: options.from,
          to: oneLine(mail.to),
          subject: oneLine(mail.subject),
          text: mail.text,
          html: mail.html,
          messageId: angle(mail.messageId),
          ...(mail.inReplyTo
            ? { inReplyTo: angle(mail.inReplyTo), references: [angle(mail.inReplyTo)] }
            : {}),
          headers,
        });
        return { ok: true };
      } catch (error) {
        return classify(error);
      }
    },
    close: () => transport.close(),
  };
}

/** A refusal of the recipient (5xx to RCPT TO, or 5xx after the message) is the subscriber's; the rest is the relay's. */
function classify(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; command?: string; code?: string; message?: string };
  const message = oneLine(e.message ?? String(error)).slice(0, 300);
  const code = e.responseCode;
  if (typeof code === 'number' && code >= 500 && code < 600) {
    const recipient = e.command === 'RCPT TO' || e.code === 'EENVELOPE';
    return { ok: false, retry: !recipient, blameSubscriber: recipient, error: `SMTP ${code}: ${message}` };
  }
  return { ok: false, retry: true, blameSubscriber: false, error: message };
}
