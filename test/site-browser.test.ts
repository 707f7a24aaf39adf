// The status site in a real browser: headless Debian Chromium, driven by playwright-core, reading the
// pages Herald wrote after `down` and after `up`, as a client would see them, on a desktop and a phone.
import fs from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, listen, type RunningServer } from '../src/server.js';
import { createTestHerald, type TestHerald } from './helpers/herald.js';
import { testLog } from './helpers/log.js';

const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep Chromium from reaching anything but the page it is given (see the machine notes). */
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

describe('the status site in Chromium', () => {
  let app: TestHerald;
  let server: RunningServer;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    app = createTestHerald({ now: '2012-07-27T21:39:27Z' });
    const http = createHttpApp({
      publicDir: app.config.paths.publicDir,
      health: () => app.herald.health(),
      log: testLog(),
    });
    server = await listen(http, '127.0.0.1', 0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
  });

  async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        problems.push(`${path}: console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${path}: page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`${path}: request failed: ${r.url()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) problems.push(`${path}: request outside the site: ${r.url()}`);
    });
    const response = await page.goto(new URL(path, server.url).href);
    expect(response?.status()).toBe(200);
    return page;
  }

  it('shows the outage after `down`: the state in words, the post, the local times', async () => {
    app.record(
      'nc018 smtp down "We are once again dealing with a spam problem on NC018 and have shut down the SMTP server." --at 21:30',
    );
    await app.herald.publisher.runOnce();
    const page = await open('/');
    const row = page.getByRole('row', { name: /SMTP/ }).filter({ hasText: 'Down' }).first();
    await expect.poll(() => row.innerText()).toMatch(/✕\s*Down/);
    const body = await page.locator('body').innerText();
    expect(body).toContain('SMTP on NC018 shut down');
    expect(body).toMatch(/Open incidents/i);
    await page.getByRole('link', { name: 'SMTP on NC018 shut down' }).first().click();
    await page.waitForURL(/incidents\/1\.html/);
    const incident = await page.locator('body').innerText();
    expect(incident).toContain('We are once again dealing with a spam problem on NC018');
    expect(incident).toContain('21:30 UTC (14:30 PDT Vancouver · 23:30 CAT Lusaka)');
    expect(incident).toContain('27 July 2012 21:39:27 +0000');
    expect(await page.locator('#post-1').count()).toBe(1);
    await page.context().close();
  });

  it('shows an open incident and its latest update on the first screen, on a phone and a desktop', async () => {
    app.setNow('2012-07-27T21:55:00Z');
    app.record('update 1 "We have found the compromised account and are cleaning the mail queue now."');
    await app.herald.publisher.runOnce();
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1280, height: 800 },
    ]) {
      const page = await open('/', viewport);
      const card = page.locator('li.open-incident').first();
      const title = card.getByRole('link', { name: 'SMTP on NC018 shut down' });
      const latest = card.locator('.latest');
      expect(await latest.innerText()).toContain('cleaning the mail queue now');
      expect(await latest.innerText()).toContain('27 July 2012 21:55:00 +0000');
      // Both wholly within the first screen, before any scrolling.
      for (const [what, box] of [
        ['title', await title.boundingBox()],
        ['latest update', await latest.boundingBox()],
      ] as const) {
        expect(box, `${what} at ${viewport.width} px`).not.toBeNull();
        expect((box?.y ?? 0) + (box?.height ?? 0), `${what} at ${viewport.width} px`).toBeLessThanOrEqual(
          viewport.height,
        );
      }
      // The banner names and links the incident too.
      await expect.poll(() => page.locator('.overall a').first().innerText()).toBe('SMTP on NC018 shut down');
      await page.context().close();
    }
  });

  it('shows the recovery after `up`, with the restart time converted', async () => {
    app.setNow('2012-07-27T22:20:51Z');
    app.record(
      'nc018 smtp up "We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:13 UTC. You can now send email again." --at 22:13',
    );
    await app.herald.publisher.runOnce();
    const page = await open('/');
    const body = await page.locator('body').innerText();
    expect(body).toContain('SMTP on server NC018 restarted');
    // A healthy system is one line; opening it (a <details>, no JavaScript) shows its components.
    const nc018 = page.locator('details#system-nc018');
    expect(await nc018.getAttribute('open')).toBeNull();
    expect(await nc018.locator(':scope > summary').innerText()).toMatch(/NC018\s*✓\s*Operational/);
    await nc018.locator(':scope > summary').click();
    const smtp = nc018.getByRole('row', { name: /SMTP/ }).first();
    expect(await smtp.innerText()).toMatch(/✓\s*Operational/);
    expect(body).not.toMatch(/✕\s*Down/);
    const incident = await open('/incidents/1.html');
    const text = await incident.locator('body').innerText();
    expect(text).toContain('at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July)');
    expect(await incident.locator('#post-2').count()).toBe(1);
    await page.context().close();
    await incident.context().close();
  });

  it('fits a phone: no horizontal scrolling at 375 pixels, on the index and an incident page', async () => {
    for (const path of ['/', '/incidents/1.html']) {
      const page = await open(path, { width: 375, height: 740 });
      const widths = (await page.evaluate(
        '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
      )) as { scroll: number; client: number };
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      await page.context().close();
    }
  });

  it('logged no console errors, failed requests or requests outside the site', () => {
    expect(problems).toEqual([]);
  });
});
