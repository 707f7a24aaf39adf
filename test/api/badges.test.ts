// The badge files as a README or an intranet page reads them: written by the site outlet after a command,
// an SVG and a shields.io endpoint JSON per system and per service, rewritten when (and only when) a state
// changes, and every one by a rebuild. How they look in a browser: badges-browser.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBadgeSvg } from '../../src/templates/badges/svg-badge.js';
import { createTestHerald, readPublic, type TestHerald } from './api-world.js';

/** shields.io's endpoint schema, from https://shields.io/badges/endpoint-badge (the fields Herald uses). */
const SHIELDS_ENDPOINT = {
  type: 'object',
  required: ['schemaVersion', 'label', 'message'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1 },
    label: { type: 'string' },
    message: { type: 'string', minLength: 1 },
    color: { type: 'string', pattern: '^#[0-9a-f]{6}$' },
    labelColor: { type: 'string', pattern: '^#[0-9a-f]{6}$' },
    isError: { type: 'boolean' },
    cacheSeconds: { type: 'integer', minimum: 300 },
  },
};
const validateEndpoint = new Ajv({ allErrors: true, strict: true }).compile(SHIELDS_ENDPOINT);

describe('badges written with the site', () => {
  let app: TestHerald;
  const inode = (file: string): number => fs.statSync(path.join(app.config.paths.publicDir, file)).ino;
  const json = (file: string) => JSON.parse(readPublic(app, file));

  beforeAll(async () => {
    app = createTestHerald({ now: '2012-07-27T21:39:27Z' });
    app.record('nc018 smtp down "We have shut down the SMTP server to stop a spam run."');
    await app.herald.publisher.runOnce();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has an SVG and a shields.io endpoint JSON for every system and every service, the state in words', () => {
    const { catalog } = app.herald.settings;
    for (const system of catalog.systems) {
      const files = [`badges/${system.id}`, ...system.services.map((s) => `badges/${system.id}/${s}`)];
      for (const base of files) {
        const endpoint = json(`${base}.json`);
        expect(validateEndpoint(endpoint), `${base}.json: ${JSON.stringify(validateEndpoint.errors)}`).toBe(
          true,
        );
        const svg = readPublic(app, `${base}.svg`);
        expect(svg).toContain(`aria-label="${endpoint.label}: ${endpoint.message}"`);
        expect(svg).toContain(`<title>${endpoint.label}: ${endpoint.message}</title>`);
        expect(svg).toContain('role="img"');
      }
    }
    expect(json('badges/nc018/smtp.json')).toEqual({
      schemaVersion: 1,
      label: 'NC018 SMTP',
      message: 'down',
      color: '#cf222e',
      labelColor: '#555555',
      cacheSeconds: 300,
    });
    // A system's badge says its worst state; another system's is untouched by it.
    expect(json('badges/nc018.json')).toMatchObject({ label: 'NC018', message: 'down' });
    expect(json('badges/nc026/smtp.json')).toMatchObject({ label: 'NC026 SMTP', message: 'operational' });
    expect(readPublic(app, 'badges/nc018/smtp.svg')).toContain('>NC018 SMTP</text>');
    expect(readPublic(app, 'badges/nc018/smtp.svg')).toContain('>down</text>');
  });

  it('rewrites a badge (and the widget) only when its state changes, and every badge on a rebuild', async () => {
    const smtp = inode('badges/nc018/smtp.svg');
    const imap = inode('badges/nc018/imap.svg');
    const widget = inode('widget.html');
    app.setNow('2012-07-27T21:55:00Z');
    app.record('update 1 "We are cleaning the mail queue now."');
    await app.herald.publisher.runOnce();
    // The same state: the files were not replaced (the outlet replaces a file by renaming a new one over it).
    expect(inode('badges/nc018/smtp.svg')).toBe(smtp);
    // Nor the widget: the same overall state and the same open incident.
    expect(inode('widget.html')).toBe(widget);

    app.setNow('2012-07-27T22:20:51Z');
    app.record('nc018 smtp up "SMTP is running again."');
    await app.herald.publisher.runOnce();
    expect(inode('badges/nc018/smtp.svg')).not.toBe(smtp);
    expect(json('badges/nc018/smtp.json')).toMatchObject({ message: 'operational', color: '#1a7f37' });
    expect(json('badges/nc018.json')).toMatchObject({ message: 'operational' });
    expect(readPublic(app, 'badges/nc018/smtp.svg')).toContain('aria-label="NC018 SMTP: operational"');
    expect(inode('badges/nc018/imap.svg')).toBe(imap);
    expect(inode('widget.html')).not.toBe(widget);
    expect(readPublic(app, 'widget.html')).toContain('All systems operational');

    const written = app.herald.site.rebuild();
    const badges = written.filter((f) => f.startsWith('badges/'));
    const components = app.herald.settings.catalog.systems.reduce((n, s) => n + 1 + s.services.length, 0);
    expect(badges).toHaveLength(2 * components);
    expect(inode('badges/nc018/imap.svg')).not.toBe(imap);
  });

  it('rewrites a badge whose file went missing at the next publish', async () => {
    fs.rmSync(path.join(app.config.paths.publicDir, 'badges'), { recursive: true });
    app.setNow('2012-07-27T22:30:00Z');
    app.record('nc026 web degraded "Websites on NC026 are slow."');
    await app.herald.publisher.runOnce();
    expect(json('badges/nc026/web.json')).toMatchObject({ label: 'NC026 Web server', message: 'degraded' });
    expect(json('badges/nc018/imap.json')).toMatchObject({ message: 'operational' });
  });
});

describe('the SVG badge renderer', () => {
  it('escapes the names it is given and sizes each half to its words', () => {
    const svg = renderBadgeSvg({ label: '<script>alert(1)</script> & "x"', message: 'down', state: 'down' });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    const width = (s: string) => Number(/<svg[^>]* width="(\d+)"/.exec(s)?.[1]);
    const short = renderBadgeSvg({ label: 'NC018', message: 'operational', state: 'operational' });
    const long = renderBadgeSvg({
      label: 'NC018 Mailing lists',
      message: 'operational',
      state: 'operational',
    });
    const wide = renderBadgeSvg({
      label: 'NC018 WWWWWWWWWWWWW',
      message: 'operational',
      state: 'operational',
    });
    expect(width(long)).toBeGreaterThan(width(short));
    // Same number of characters, wider letters: measured, not counted.
    expect(width(wide)).toBeGreaterThan(width(long));
  });
});
