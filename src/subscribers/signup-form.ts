// Reads the sign-up and manage forms: pure, the catalogue passed in. Every problem is listed at once;
// anything that could end up in a mail header (CR or LF) or is not a plain address is refused, never
// cleaned up, so that what is saved is exactly what was typed.

import type { Catalog } from '../bot/catalog.js';
import { componentKey } from '../templates/html/subscribe-page.js';
import type { Scope } from './tokens.js';

/** A form as body-parser gives it: one string per field, or several for a repeated one. */
export type FormBody = Record<string, unknown>;

export type Signup =
  | { channel: 'email'; address: string; scope: Scope }
  | { channel: 'webhook'; url: string; contact: string | null; scope: Scope };

export type FormResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export const MAX_EMAIL_LENGTH = 254;
export const MAX_URL_LENGTH = 2000;

// The WHATWG "valid e-mail address" (what <input type=email> accepts), with a dot required in the domain:
// a subscriber's mailbox is on the public internet. No quotes, spaces, commas or angle brackets.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;
const LINE_BREAK = /[\r\n]/;

/** One field's text: undefined when absent or empty; a repeated field is a problem. */
function field(body: FormBody, name: string, problems: string[]): string | undefined {
  const value = body[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    problems.push(`give one ${name === 'email' || name === 'contact' ? 'e-mail address' : name}, once`);
    return undefined;
  }
  return value;
}

/** A mailbox: the local part as typed, the domain lower-cased (domains are case-insensitive). */
export function readEmail(raw: string, what: string): FormResult<string> {
  if (LINE_BREAK.test(raw)) return { ok: false, problems: [`the ${what} holds a line break`] };
  const text = raw.trim();
  if (text.length > MAX_EMAIL_LENGTH)
    return { ok: false, problems: [`the ${what} is longer than ${MAX_EMAIL_LENGTH} characters`] };
  const at = text.lastIndexOf('@');
  if (!EMAIL.test(text) || text.length - at - 1 > 253 || at > 64)
    return {
      ok: false,
      problems: [`"${text.slice(0, 100)}" is not an e-mail address (like name@example.com)`],
    };
  return { ok: true, value: `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}` };
}

/** A webhook's address: http(s), no credentials in it, nothing but the URL. Where it points is checked apart. */
export function readWebhookUrl(raw: string): FormResult<string> {
  if (LINE_BREAK.test(raw)) return { ok: false, problems: ['the webhook URL holds a line break'] };
  const text = raw.trim();
  if (text.length > MAX_URL_LENGTH)
    return { ok: false, problems: [`the webhook URL is longer than ${MAX_URL_LENGTH} characters`] };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problems: ['the webhook URL is not a URL (like https://example.com/hooks/status)'] };
  }
  if (/\s/.test(text)) return { ok: false, problems: ['the webhook URL holds a space'] };
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, problems: ['the webhook URL must start with https:// (or http://)'] };
  if (url.username || url.password)
    return { ok: false, problems: ['the webhook URL must not carry a user name or password'] };
  url.hash = '';
  return { ok: true, value: url.href };
}

/**
 * `scope=all`, or `scope=some` with `component` boxes (`nc018`, `nc018/smtp`), each checked against the
 * catalogue. A service whose whole system is ticked too is dropped: the system covers it.
 */
export function readScope(body: FormBody, catalog: Catalog): FormResult<Scope> {
  const scope = body.scope ?? 'all';
  if (scope === 'all') return { ok: true, value: 'all' };
  if (scope !== 'some') return { ok: false, problems: ['choose every component, or only those ticked'] };
  const raw = body.component;
  const keys = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const known = new Set<string>();
  for (const system of catalog.systems) {
    known.add(componentKey(system.id));
    for (const svc of system.services) known.add(componentKey(system.id, svc));
  }
  const problems: string[] = [];
  const chosen = new Set<string>();
  for (const key of keys) {
    if (typeof key === 'string' && known.has(key)) chosen.add(key);
    else problems.push(`"${String(key).slice(0, 60)}" is not a component of this status page`);
  }
  if (!problems.length && chosen.size === 0) problems.push('tick at least one system or service');
  if (problems.length) return { ok: false, problems };
  const value = [...chosen].filter((k) => !k.includes('/') || !chosen.has(k.split('/')[0] ?? ''));
  return { ok: true, value: value.sort() };
}

/** The sign-up form: an e-mail address or a webhook URL (with an optional contact address), and a scope. */
export function readSignupForm(body: FormBody, catalog: Catalog): FormResult<Signup> {
  const problems: string[] = [];
  const email = field(body, 'email', problems);
  const webhook = field(body, 'webhook', problems);
  const contact = field(body, 'contact', problems);
  const scope = readScope(body, catalog);
  if (!scope.ok) problems.push(...scope.problems);
  if (email !== undefined && webhook !== undefined)
    problems.push('give an e-mail address or a webhook URL, not both');
  else if (email === undefined && webhook === undefined && !problems.length)
    problems.push('give an e-mail address or a webhook URL');
  const address = email === undefined ? undefined : readEmail(email, 'e-mail address');
  const url = webhook === undefined ? undefined : readWebhookUrl(webhook);
  const contactAddress = contact === undefined ? undefined : readEmail(contact, 'contact e-mail address');
  for (const r of [address, url, contactAddress]) if (r && !r.ok) problems.push(...r.problems);
  if (contact !== undefined && email !== undefined)
    problems.push('a contact address goes with a webhook; an e-mail subscription needs none');
  if (problems.length || !scope.ok) return { ok: false, problems };
  if (address?.ok)
    return { ok: true, value: { channel: 'email', address: address.value, scope: scope.value } };
  if (url?.ok) {
    const c = contactAddress?.ok ? contactAddress.value : null;
    return { ok: true, value: { channel: 'webhook', url: url.value, contact: c, scope: scope.value } };
  }
  return { ok: false, problems: ['give an e-mail address or a webhook URL'] };
}

/** `every component` or `NC018 (all of it), SMTP on NC026`: how a scope is named in mails and pages. */
export function describeScope(scope: Scope, catalog: Catalog): string {
  if (scope === 'all') return 'every system and service';
  const services = new Map(catalog.services.map((s) => [s.id, s.name]));
  const systems = new Map(catalog.systems.map((s) => [s.id, s.name]));
  return scope
    .map((key) => {
      const [system = '', service] = key.split('/');
      const name = systems.get(system) ?? system;
      return service ? `${services.get(service) ?? service} on ${name}` : `${name} (all of it)`;
    })
    .join(', ');
}
