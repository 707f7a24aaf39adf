// What the badge and widget browser tests share: headless Debian Chromium (the flags of
// test/site-browser.test.ts, which keep it from reaching anything but the pages it is given), Herald's server
// on 127.0.0.1, a second server on another port (another origin: someone's intranet page) serving the pages
// a test gives it, and a log of every console error, page error, failed request and request that left
// the two servers.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import { testLog } from '../helpers/log.js';
import type { TestHerald } from './api-world.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

export interface BrowserWorld {
  browser: Browser;
  /** Herald's address: `http://127.0.0.1:<port>/`. */
  herald: string;
  /** The other origin's address. */
  other: string;
  /** Serves `body` at `path` on the other origin. */
  serve(path: string, type: string, body: string | Buffer): void;
  /** A browser context whose pages report their problems into `problems`. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
  problems: string[];
  close(): Promise<void>;
}

export async function createBrowserWorld(app: TestHerald): Promise<BrowserWorld> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  const server: RunningServer = await listen(
    createHttpApp({
      publicDir: app.config.paths.publicDir,
      health: () => app.herald.health(),
      log: testLog(),
    }),
    '127.0.0.1',
    0,
  );
  const pages = new Map<string, { type: string; body: string | Buffer }>();
  const other = http.createServer((req, res) => {
    const page = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': page.type }).end(page.body);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const problems: string[] = [];
  return {
    browser,
    herald: server.url,
    other: otherUrl,
    problems,
    serve: (path, type, body) => void pages.set(path, { type, body }),
    async context(options = {}) {
      const context = await browser.newContext(options);
      context.on('page', (page) => {
        const where = () => page.url();
        page.on('console', (m) => {
          // A failed load is reported with its address by the response listener below.
          if (m.text().startsWith('Failed to load resource')) return;
          if (m.type() === 'error' || m.type() === 'warning')
            problems.push(`${where()}: console ${m.type()}: ${m.text()}`);
        });
        page.on('response', (r) => {
          // Chromium asks for /favicon.ico beside a document that names no icon (an SVG opened on its own):
          // the browser's habit, not a link of Herald's.
          if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico')
            problems.push(`${where()}: ${r.status()} for ${r.url()}`);
        });
        page.on('pageerror', (e) => problems.push(`${where()}: page error: ${e.message}`));
        page.on('requestfailed', (r) => problems.push(`${where()}: request failed: ${r.url()}`));
        page.on('request', (r) => {
          if (!r.url().startsWith(server.url) && !r.url().startsWith(otherUrl))
            problems.push(`${where()}: request outside the two servers: ${r.url()}`);
        });
      });
      return context;
    },
    async close() {
      await browser.close();
      await server.close();
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    },
  };
}

/** WCAG 2 relative luminance of an sRGB colour given as [r, g, b] in 0–255. */
export function luminance([r, g, b]: readonly number[]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r ?? 0) + 0.7152 * linear(g ?? 0) + 0.0722 * linear(b ?? 0);
}

/** WCAG 2 contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `rgb(13, 17, 23)` → [13, 17, 23]. */
export const parseRgb = (css: string): number[] => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
