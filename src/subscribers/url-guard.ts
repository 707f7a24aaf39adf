// Webhook URLs are typed by strangers: without a guard, Herald would POST wherever they point, into the
// provider's own network or a cloud's metadata service (SSRF). A URL passes only if every address its host
// resolves to is ordinary public unicast. It is checked at sign-up and again at each delivery, and the
// delivery connects to the very address that was checked (pinnedLookup), so that a name that resolves to a
// public address at the check and to 127.0.0.1 a moment later (DNS rebinding) gets nowhere.

import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Cloud metadata services, named on their own although their ranges are refused anyway. */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);

/** The longest webhook URL taken. */
export const MAX_WEBHOOK_URL_LENGTH = 2000;

export type GuardedUrl =
  | { ok: true; url: URL; address: string; family: 4 | 6 }
  | { ok: false; reason: string };

export interface UrlGuard {
  /** Checks a webhook URL: its form, then every address its host resolves to. */
  check(url: string): Promise<GuardedUrl>;
}

/** How a host is resolved: every address, as `dns.promises.lookup(host, { all: true })` answers. */
export type ResolveAll = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolve: ResolveAll = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/**
 * Why an address may not be called, or null when it may: only public unicast passes. Loopback, private,
 * link-local, unique-local, carrier-grade NAT, unspecified, multicast, broadcast, reserved, and the IPv6
 * forms that embed an IPv4 address (mapped, 6to4, NAT64, Teredo) are refused.
 */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(address);
  const text = parsed.toString();
  if (METADATA.has(text)) return `${text} is a cloud metadata address`;
  const range = parsed.range();
  return range === 'unicast' ? null : `${text} is a ${range} address`;
}

/** The URL's form alone: http(s), a host, no user or password, not too long. */
export function checkUrlForm(text: string): { ok: true; url: URL } | { ok: false; reason: string } {
  if (text.length > MAX_WEBHOOK_URL_LENGTH)
    return { ok: false, reason: `a webhook URL is at most ${MAX_WEBHOOK_URL_LENGTH} characters` };
  // Controls (CR/LF above all) and spaces have no place in a URL that ends up in a request line.
  if ([...text].some((c) => c <= ' ' || c === '\u007f'))
    return { ok: false, reason: 'a webhook URL has no spaces or controls' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'not a URL; expected https://…' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: 'a webhook URL starts with https:// (or http://)' };
  if (url.username || url.password) return { ok: false, reason: 'a webhook URL carries no user or password' };
  if (!url.hostname) return { ok: false, reason: 'a webhook URL names a host' };
  return { ok: true, url };
}

export function createUrlGuard(options: { allowPrivate: boolean; resolve?: ResolveAll }): UrlGuard {
  const resolve = options.resolve ?? systemResolve;
  return {
    async check(text) {
      const form = checkUrlForm(text);
      if (!form.ok) return form;
      const { url } = form;
      // new URL keeps IPv6 literals in brackets.
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      let addresses: Array<{ address: string; family: number }>;
      if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
      else {
        try {
          addresses = await resolve(host);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? 'error';
          return { ok: false, reason: `${host} does not resolve (${code})` };
        }
      }
      const first = addresses[0];
      if (!first) return { ok: false, reason: `${host} does not resolve` };
      if (!options.allowPrivate) {
        // Every address, not just the first: a client may pick any of them.
        for (const a of addresses) {
          const why = refusedAddress(a.address);
          if (why) return { ok: false, reason: `${host} resolves to ${why}` };
        }
      }
      return { ok: true, url, address: first.address, family: first.family === 6 ? 6 : 4 };
    },
  };
}

/**
 * A `lookup` for http(s).request that answers the checked address whatever the name: the connection goes
 * where the guard looked, while the Host header and TLS's server name stay the URL's.
 */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
        { address, family },
      ]);
    } else callback(null, address, family);
  };
}
