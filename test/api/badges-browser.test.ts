// The badges in headless Chromium, as a README or an intranet page shows them: each SVG opened on its own
// (its text alternative, its words inside their halves, and WCAG AA contrast computed from the pixels
// Chromium rasterised, not from Herald's colour table), and all of them as <img> on a page of another
// origin, with no console error. A service's name with markup in it shows as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHerald, type Json, readPublic, type TestHerald } from './api-world.js';
import { type BrowserWorld, contrastRatio, createBrowserWorld } from './browser-world.js';

const HOSTILE = 'Web <b>server</b> & "co"';
/** Device pixels per CSS pixel: enough for a glyph's stem to cover whole pixels. */
const SCALE = 4;

interface Raster {
  width: number;
  height: number;
  /** RGBA, row by row, at SCALE (base64 from the page, bytes after decoding). */
  data: Uint8Array;
  halves: Array<{ x: number; width: number }>;
  texts: Array<{ x: number; y: number; width: number; height: number }>;
  title: string;
  label: string | null;
  role: string | null;
}

/** Runs in the SVG document: draws it (same origin, so the canvas can be read) and measures its parts. */
const RASTERISE = `(async () => {
  const svg = document.documentElement;
  const width = svg.width.baseVal.value, height = svg.height.baseVal.value;
  const img = new Image();
  img.src = location.href;
  await img.decode();
  const canvas = document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas');
  canvas.width = width * ${SCALE}; canvas.height = height * ${SCALE};
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  const box = (e) => { const b = e.getBBox(); return { x: b.x, y: b.y, width: b.width, height: b.height }; };
  return {
    width, height,
    // As base64: a plain array of this size takes playwright seconds to serialise.
    data: (() => {
      const bytes = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let text = '';
      for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
      return btoa(text);
    })(),
    halves: [...svg.querySelectorAll('path')].map(box).map((b) => ({ x: b.x, width: b.width })),
    texts: [...svg.querySelectorAll('text')].map(box),
    title: svg.querySelector('title')?.textContent ?? '',
    label: svg.getAttribute('aria-label'),
    role: svg.getAttribute('role'),
  };
})()`;

const pixel = (r: Raster, x: number, y: number): number[] => {
  const i = (y * r.width * SCALE + x) * 4;
  return [...r.data.subarray(i, i + 3)];
};

/**
 * A half's background (its commonest colour) and its text colour (the pixel inside the text's box that
 * differs most from the background: a glyph's fully covered pixels; anti-aliased edges differ less).
 */
function coloursOf(r: Raster, half: { x: number; width: number }, box: Raster['texts'][number]) {
  const counts = new Map<string, number>();
  for (let y = 2 * SCALE; y < (r.height - 2) * SCALE; y++)
    for (let x = Math.ceil((half.x + 3) * SCALE); x < (half.x + half.width - 3) * SCALE; x++) {
      const key = pixel(r, x, y).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  const background =
    [...counts]
      .sort((a, b) => b[1] - a[1])[0]?.[0]
      .split(',')
      .map(Number) ?? [];
  let ink = background;
  for (let y = Math.floor(box.y * SCALE); y < (box.y + box.height) * SCALE; y++)
    for (let x = Math.floor(box.x * SCALE); x < (box.x + box.width) * SCALE; x++) {
      const p = pixel(r, x, y);
      if (contrastRatio(p, background) > contrastRatio(ink, background)) ink = p;
    }
  return { background, ink };
}

// Chromium on a loaded two-core machine: a generous bound, not a speed check.
describe('the badges in Chromium', { timeout: 90_000 }, () => {
  let app: TestHerald;
  let world: BrowserWorld;
  /** One badge of each state, a system's, and the one with markup in its service's name. */
  const BADGES = [
    { file: 'badges/nc018/smtp', alt: 'NC018 SMTP: down' },
    { file: 'badges/nc018', alt: 'NC018: down' },
    { file: 'badges/nc026/web', alt: `NC026 ${HOSTILE}: degraded` },
    { file: 'badges/email/relay', alt: 'Email Mail relay: maintenance' },
    { file: 'badges/nc026/smtp', alt: 'NC026 SMTP: operational' },
  ];

  beforeAll(async () => {
    app = createTestHerald({
      configText: (shipped) => shipped.replace('name: Web server', `name: '${HOSTILE}'`),
    });
    app.record('nc018 smtp down "We have shut down the SMTP server to stop a spam run."');
    app.record('nc026 web degraded "Websites on NC026 are slow."');
    app.record('email relay maintenance "We are replacing the relay\'s disks."');
    await app.herald.publisher.runOnce();
    world = await createBrowserWorld(app);
  });
  afterAll(async () => {
    await world?.close();
    await app?.close();
  });

  it('each says its state in words, has a text alternative, fits its words and meets WCAG AA contrast', async () => {
    const context = await world.context();
    const page = await context.newPage();
    for (const badge of BADGES) {
      const response = await page.goto(new URL(`${badge.file}.svg`, world.herald).href);
      expect(response?.headers()['content-type']).toMatch(/^image\/svg\+xml/);
      const raw = (await page.evaluate(RASTERISE)) as Omit<Raster, 'data'> & { data: string };
      const r: Raster = { ...raw, data: new Uint8Array(Buffer.from(raw.data, 'base64')) };
      expect(r.role).toBe('img');
      expect(r.label).toBe(badge.alt);
      expect(r.title).toBe(badge.alt);
      // The words as drawn: the name and the state (the same words as the shields JSON).
      const endpoint: Json = JSON.parse(readPublic(app, `${badge.file}.json`));
      expect(await page.locator('text').allTextContents()).toEqual([endpoint.label, endpoint.message]);
      expect(r.halves).toHaveLength(2);
      expect(r.texts).toHaveLength(2);
      for (const [i, half] of r.halves.entries()) {
        const text = r.texts[i];
        if (!text) throw new Error(`${badge.file}: no text in half ${i}`);
        // Inside its half, with room either side.
        expect(text.x, badge.file).toBeGreaterThanOrEqual(half.x + 2);
        expect(text.x + text.width, badge.file).toBeLessThanOrEqual(half.x + half.width - 2);
        const { background, ink } = coloursOf(r, half, text);
        const ratio = contrastRatio(ink, background);
        expect(ratio, `${badge.file} half ${i}: ${ink} on ${background}`).toBeGreaterThanOrEqual(4.5);
      }
    }
    await context.close();
  });

  it('show as images on a page of another origin, with no console error', async () => {
    const components = app.herald.settings.catalog.systems.flatMap((s) => [
      `badges/${s.id}`,
      ...s.services.map((c) => `badges/${s.id}/${c}`),
    ]);
    const images = components.map((c) => `<img src="${new URL(`${c}.svg`, world.herald).href}" alt="">`);
    world.serve(
      '/readme.html',
      'text/html',
      `<!DOCTYPE html><title>README</title><link rel="icon" href="data:,">\n${images.join('\n')}`,
    );
    const context = await world.context();
    const page = await context.newPage();
    await page.goto(new URL('readme.html', world.other).href);
    const sizes = (await page.evaluate(
      `Promise.all([...document.images].map((i) => i.decode().then(() => [i.naturalWidth, i.naturalHeight])))`,
    )) as Array<[number, number]>;
    expect(sizes).toHaveLength(components.length);
    for (const [width, height] of sizes) {
      expect(width).toBeGreaterThan(40);
      expect(height).toBe(20);
    }
    await context.close();
  });

  it('logged no console errors, failed requests or requests elsewhere', () => {
    expect(world.problems).toEqual([]);
  });
});
