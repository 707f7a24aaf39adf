// Two widgets in headless Chromium, each on a page of another origin (someone's intranet):
// - Atlassian's own embeddable status widget (@statuspage/status-widget, a web component that fetches
//   `<src>/api/v2/summary.json`), a real and independent consumer of the Statuspage format, pointed at
//   Herald's server. Its templates show the overall state only (`status.indicator` and
//   `status.description`; see its source in the package's index.js.map), so the test checks that it shows
//   Herald's state and that the summary it fetched carries Herald's open incident.
// - Herald's own script-free widget.html, framed by the copy-paste line of docs/api.md: the state and
//   the open incident, its link opening the incident in a new tab, within 300 × 200, light and dark.
import fs from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { createTestHerald, type Json, type TestHerald } from './api-world.js';
import { type BrowserWorld, contrastRatio, createBrowserWorld, parseRgb } from './browser-world.js';

const WIDGET_JS = path.join(root, 'node_modules', '@statuspage', 'status-widget', 'dist', 'index.js');

/** The <iframe> line of docs/api.md, pointed at this Herald. */
function documentedIframe(herald: string): string {
  const doc = fs.readFileSync(path.join(root, 'docs', 'api.md'), 'utf8');
  const line = /<iframe [^\n]*<\/iframe>/.exec(doc)?.[0];
  if (!line) throw new Error('docs/api.md has no <iframe> line');
  return line.replaceAll('https://status.example.com/', herald);
}

describe('widgets on another origin, in Chromium', { timeout: 90_000 }, () => {
  let app: TestHerald;
  let world: BrowserWorld;
  let title: string;

  const summary = async (): Promise<Json> =>
    (await fetch(new URL('api/v2/summary.json', world.herald))).json();

  /** Atlassian's widget, both of its appearances, on the other origin; returns the summary it fetched. */
  async function openAtlassian(): Promise<{ page: Page; fetched: Json }> {
    const context = await world.context();
    const page = await context.newPage();
    const fetched = page.waitForResponse((r) => r.url().endsWith('/api/v2/summary.json'));
    await page.goto(new URL('atlassian.html', world.other).href);
    return { page, fetched: await (await fetched).json() };
  }

  async function openIntranet(
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<{ page: Page; frame: Frame }> {
    const context = await world.context({ colorScheme });
    const page = await context.newPage();
    await page.goto(new URL('intranet.html', world.other).href);
    // The line asks for loading="lazy": the frame may start after the page's own load.
    await expect.poll(() => page.frame({ url: /widget\.html$/ }) !== null).toBe(true);
    const frame = page.frame({ url: /widget\.html$/ });
    if (!frame) throw new Error('no widget frame');
    await frame.waitForLoadState();
    return { page, frame };
  }

  beforeAll(async () => {
    app = createTestHerald({ now: '2012-07-27T21:39:27Z' });
    app.record('nc018 smtp down "We have shut down the SMTP server to stop a spam run." --at 21:30');
    await app.herald.publisher.runOnce();
    title = app.herald.store.incident(1)?.title ?? '';
    world = await createBrowserWorld(app);
    // The package's dist went through Babel after Parcel, which put "use strict" above Parcel's
    // undeclared `parcelRequire = …`: declared first, that last line no longer throws (the widget works
    // either way; declared, the page logs no error).
    world.serve('/status-widget.js', 'text/javascript', fs.readFileSync(WIDGET_JS));
    world.serve(
      '/atlassian.html',
      'text/html',
      `<!DOCTYPE html><html lang="en"><head><title>Intranet</title><link rel="icon" href="data:,">
<script>var parcelRequire;</script></head><body>
<statuspage-widget src="${world.herald}"></statuspage-widget>
<statuspage-widget src="${world.herald}" appearance="badge" title="NinerNet"></statuspage-widget>
<script src="/status-widget.js"></script></body></html>`,
    );
    world.serve(
      '/intranet.html',
      'text/html',
      `<!DOCTYPE html><html lang="en"><head><title>Intranet</title><link rel="icon" href="data:,"></head>
<body><aside>${documentedIframe(world.herald)}</aside></body></html>`,
    );
  });
  afterAll(async () => {
    await world?.close();
    await app?.close();
  });

  it("Atlassian's status widget shows Herald's state from its summary.json, across origins", async () => {
    const expected = await summary();
    expect(expected.status.indicator).not.toBe('none');
    const { page, fetched } = await openAtlassian();
    // What it fetched is Herald's summary, with the open incident in it.
    expect(fetched.status).toEqual(expected.status);
    expect(fetched.incidents.map((i: Json) => i.name)).toEqual([title]);
    const basic = page.locator('statuspage-widget:not([appearance]) .status-text');
    await expect.poll(() => basic.innerText()).toBe(expected.status.description);
    const dot = page.locator('statuspage-widget:not([appearance]) .status-indicator');
    expect(await dot.getAttribute('class')).toContain(expected.status.indicator);
    const badge = page.locator('statuspage-widget[appearance="badge"] .status-indicator');
    await expect.poll(async () => (await badge.innerText()).trim()).toBe(expected.status.description);
    expect(await page.locator('statuspage-widget[appearance="badge"] .status-text').innerText()).toBe(
      'NinerNet',
    );
    await page.context().close();
  });

  it('widget.html, framed by the documented line, shows the state and the open incident and fits 300 × 200', async () => {
    const { page, frame } = await openIntranet();
    const body = await frame.locator('body').innerText();
    expect(body).toContain('1 component affected: 1 down');
    const link = frame.getByRole('link', { name: title });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(body).toContain('Outage · Open · since 2012-07-27 21:30 UTC');
    const size = (await frame.evaluate(
      '({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight })',
    )) as { width: number; height: number };
    expect(size.width).toBeLessThanOrEqual(300);
    expect(size.height).toBeLessThanOrEqual(200);
    // Its link leaves the frame: the incident's page opens in a new tab.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(new URL('incidents/1.html', world.herald).href);
    expect(await tab.locator('h1').innerText()).toContain(title);
    await page.context().close();
  });

  it('widget.html may be framed anywhere, while the other pages keep their policy', async () => {
    const widget = await fetch(new URL('widget.html', world.herald));
    const policy = widget.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(policy).not.toContain('frame-ancestors');
    expect(widget.headers.get('x-frame-options')).toBeNull();
    // docs/deploy.md's nginx location for the widget sends the same policy (test/ops/deploy-nginx.test.ts
    // runs it).
    expect(fs.readFileSync(path.join(root, 'docs', 'deploy.md'), 'utf8')).toContain(
      `add_header Content-Security-Policy "${policy}" always;`,
    );
    const index = await fetch(new URL('index.html', world.herald));
    expect(index.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' data:",
    );
  });

  it('reads in light and dark mode: a dark background in dark mode, and AA contrast in both', async () => {
    const backgrounds: number[][] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const { page, frame } = await openIntranet(scheme);
      const colours = (await frame.evaluate(`(() => {
        const c = (s) => getComputedStyle(document.querySelector(s)).color;
        return { background: getComputedStyle(document.body).backgroundColor, text: c('.overall'),
          link: c('li a'), muted: c('.meta') };
      })()`)) as Record<'background' | 'text' | 'link' | 'muted', string>;
      const background = parseRgb(colours.background);
      backgrounds.push(background);
      for (const what of ['text', 'link', 'muted'] as const) {
        const ratio = contrastRatio(parseRgb(colours[what]), background);
        expect(ratio, `${scheme} ${what}: ${colours[what]} on ${colours.background}`).toBeGreaterThanOrEqual(
          4.5,
        );
      }
      await page.context().close();
    }
    const [light, dark] = backgrounds as [number[], number[]];
    expect(contrastRatio(light, [255, 255, 255])).toBeLessThan(1.1);
    expect(contrastRatio(dark, [0, 0, 0])).toBeLessThan(1.5);
  });

  it('after `up`, both say all is well and list no incident', async () => {
    app.setNow('2012-07-27T22:20:51Z');
    app.record('nc018 smtp up "SMTP is running again." --at 22:13');
    await app.herald.publisher.runOnce();
    const expected = await summary();
    expect(expected.status.indicator).toBe('none');
    const { page } = await openAtlassian();
    const basic = page.locator('statuspage-widget:not([appearance]) .status-text');
    await expect.poll(() => basic.innerText()).toBe(expected.status.description);
    await page.context().close();
    const { page: intranet, frame } = await openIntranet();
    expect(await frame.locator('body').innerText()).toContain('All systems operational');
    expect(await frame.locator('li').count()).toBe(0);
    await intranet.context().close();
  });

  it('logged no console errors, failed requests or requests elsewhere', () => {
    expect(world.problems).toEqual([]);
  });
});
