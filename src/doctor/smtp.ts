// `herald doctor`'s check of the subscribers' SMTP relay: connect, greet, STARTTLS when offered, log in,
// and hang up (nodemailer's verify()); nothing is sent. The relay's address is printed without its user and
// password (SMTP_URL holds them).

import nodemailer from 'nodemailer';
import { type Check, displayUrl } from './check.js';

/** How an SMTP error reads, and what to change. */
function failure(error: unknown, where: string, timeoutMs: number): Check {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const said = (e.response ?? e.message ?? String(error)).split('\n')[0]?.slice(0, 200) ?? 'an error';
  if (e.code === 'EAUTH')
    return {
      name: 'smtp',
      status: 'fail',
      detail: `the relay ${where} refused the login: ${said}`,
      fix: 'check the user and password in SMTP_URL (percent-encode special characters in the password)',
    };
  if (e.code === 'ETIMEDOUT' || /timeout/i.test(said))
    return {
      name: 'smtp',
      status: 'fail',
      detail: `no answer from the relay ${where} within ${timeoutMs} ms`,
      fix: 'check the host and port in SMTP_URL and that this machine may reach them (firewall, port 25 blocked)',
    };
  if (e.code === 'ETLS' || /certificate|TLS|SSL/i.test(said))
    return {
      name: 'smtp',
      status: 'fail',
      detail: `TLS with the relay ${where} failed: ${said}`,
      fix: 'use smtps:// for port 465 and smtp:// for 587 or 25; the relay needs a certificate this machine trusts',
    };
  return {
    name: 'smtp',
    status: 'fail',
    detail: `cannot use the relay ${where}: ${e.code ? `${e.code} ` : ''}${said}`,
    fix: 'check SMTP_URL (smtp://user:password@host:587) and that the relay runs',
  };
}

/** Off without SMTP_URL (subscriptions are off); otherwise connects and logs in, sending nothing. */
export async function checkSmtp(subscribers: { smtpUrl: string } | null, timeoutMs: number): Promise<Check> {
  if (!subscribers)
    return {
      name: 'smtp',
      status: 'off',
      detail: 'SMTP_URL not set: subscriptions are off, the site hides the form',
    };
  const where = displayUrl(subscribers.smtpUrl);
  const transport = nodemailer.createTransport({
    url: subscribers.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.verify();
    return { name: 'smtp', status: 'ok', detail: `the relay ${where} answers and takes the login` };
  } catch (error) {
    return failure(error, where, timeoutMs);
  } finally {
    transport.close();
  }
}
