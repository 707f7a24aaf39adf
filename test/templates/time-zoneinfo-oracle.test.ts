// Every conversion Herald writes, checked against an oracle that shares nothing with it: Debian's Python,
// whose zoneinfo reads the system's tz database (/usr/share/zoneinfo, package tzdata), run once as a child
// process (test/templates/time-zoneinfo.py). Herald's own conversions come from ICU (Intl) and luxon.
//
// Instants: the minute of every change of offset of the configured zones from 2010 to 2030 and the minutes
// and hours around it, found by the oracle itself, plus random minutes (a fixed seed, printed). For each:
// the event time (replies, pages, feeds), a time written in a message (with its date, and nearest an event),
// and reading the local wall time back (`2024-11-03 01:30 PST`). Then a sample goes through the front door:
// commands to a whole Herald, its reply, its page and its JSON feed. Zero mismatches, all counted.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZoneDef } from '../../src/bot/catalog.js';
import { parseTime } from '../../src/bot/parse-time.js';
import { loadConfig } from '../../src/config.js';
import { renderReplyText } from '../../src/templates/reply-text.js';
import { annotateTimes, formatEventTime } from '../../src/templates/time.js';
import { root } from '../helpers/cli.js';
import { ops } from '../helpers/core.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';

const PYTHON = '/usr/bin/python3';
const ORACLE = path.join(import.meta.dirname, 'time-zoneinfo.py');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const FROM = Date.UTC(2010, 0, 1);
const TO = Date.UTC(2031, 0, 1);
const AROUND = [
  ...[-12, -3, -2, -1, 1, 2, 3, 12].map((h) => h * HOUR),
  ...[-61, -60, -59, -31, -30, -29, -2, -1, 0, 1, 2, 29, 30, 31, 59, 60, 61].map((m) => m * MINUTE),
];
const RANDOM = 3000;
const SEED = 15_2027;

interface Wall {
  wall: string;
  abbreviation: string;
  twice: boolean;
}
interface Expected {
  at: number;
  date: string;
  clock: string;
  line: string;
  walls: Wall[];
}

/** The shipped configuration's zones: what Herald converts into. */
function configuredZones(): readonly ZoneDef[] {
  const loaded = loadConfig({ HERALD_CONFIG: path.join(root, 'herald.config.yaml') }, root);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.config.core.zones;
}

/** Random whole minutes from 2010 to 2030, the same every run (a linear congruential generator). */
function randomMinutes(count: number, seed: number): number[] {
  let state = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const fraction = state / 2 ** 32;
    out.push(FROM + Math.floor((fraction * (TO - FROM)) / MINUTE) * MINUTE);
  }
  return out;
}

/** One call to the oracle; a missing Python or tz database fails with one line saying what to install. */
function askOracle(zones: readonly ZoneDef[]): {
  transitions: Record<string, number[]>;
  instants: Expected[];
} {
  const probe = spawnSync(
    PYTHON,
    [
      '-c',
      // The system's files, not a copy bundled with some Python package.
      'import os, sys, zoneinfo\n' +
        'for z in sys.argv[1:]:\n' +
        '    if not os.path.isfile(os.path.join("/usr/share/zoneinfo", z)): raise SystemExit("no /usr/share/zoneinfo/" + z)\n' +
        '    zoneinfo.ZoneInfo(z)\n',
      ...zones.map((z) => z.zone),
    ],
    { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', PYTHONTZPATH: '/usr/share/zoneinfo' } },
  );
  if (probe.error || probe.status !== 0) {
    throw new Error(
      probe.error
        ? `the zone oracle needs ${PYTHON} (Debian package python3): ${probe.error.message}`
        : `the zone oracle needs the system tz database in /usr/share/zoneinfo: install the Debian package tzdata (apt-get install tzdata). Python said: ${probe.stderr.trim().split('\n').at(-1)}`,
    );
  }
  const request = { zones, from: FROM, to: TO, around: AROUND, instants: randomMinutes(RANDOM, SEED) };
  const run = spawnSync(PYTHON, [ORACLE], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { PATH: '/usr/bin:/bin', PYTHONTZPATH: '/usr/share/zoneinfo' },
  });
  if (run.status !== 0) throw new Error(`the zone oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const zones = configuredZones();
let oracle: { transitions: Record<string, number[]>; instants: Expected[] };
const mismatches: string[] = [];

beforeAll(() => {
  oracle = askOracle(zones);
}, 120_000);

afterAll(() => {
  const changes = Object.values(oracle?.transitions ?? {}).flat().length;
  console.info(
    `zoneinfo oracle: ${oracle?.instants.length ?? 0} instants (${changes} changes of offset 2010–2030, ` +
      `${RANDOM} random, seed ${SEED}), ${mismatches.length} mismatches`,
  );
});

/** Collects every disagreement; each test then asserts there were none, listing the first few. */
function check(where: string, actual: string, expected: string, found: string[]): void {
  if (actual !== expected)
    found.push(`${where}: Herald wrote ${JSON.stringify(actual)}, zoneinfo says ${JSON.stringify(expected)}`);
}

function expectNone(found: string[]): void {
  mismatches.push(...found);
  expect(found.slice(0, 10), `${found.length} mismatches`).toEqual([]);
}

describe('conversions agree with Python’s zoneinfo (the system tz database)', () => {
  it('finds the changes of offset itself: Vancouver twice a year from 2010 to 2030, Lusaka none', () => {
    expect(oracle.transitions['America/Vancouver']).toHaveLength(42);
    expect(oracle.transitions['Africa/Lusaka']).toEqual([]);
    // The autumn hour is in the sample: wall times that happen twice.
    expect(oracle.instants.some((e) => e.walls.some((w) => w.twice))).toBe(true);
  });

  it('event times, as replies, pages and feeds write them', () => {
    const found: string[] = [];
    for (const e of oracle.instants) {
      check(
        new Date(e.at).toISOString(),
        formatEventTime(e.at, zones, { date: true }),
        `${e.date} ${e.clock} UTC (${e.line})`,
        found,
      );
    }
    expectNone(found);
  });

  it('times written in a message: with their date, and nearest the event', () => {
    const found: string[] = [];
    for (const e of oracle.instants) {
      const expected = `${e.clock} UTC (${e.line})`;
      // Written half a year earlier, with the date in the text.
      const dated = annotateTimes(`Work on ${e.date} at ${e.clock} UTC.`, e.at - 182 * 24 * HOUR, zones);
      check(`dated ${new Date(e.at).toISOString()}`, dated, `Work on ${e.date} at ${expected}.`, found);
      // No date: an event up to eleven hours either side, written weeks before.
      for (const shift of [-11 * HOUR, -20 * MINUTE, 0, 20 * MINUTE, 11 * HOUR]) {
        const text = annotateTimes(
          `Back by ${e.clock} UTC.`,
          { written: e.at - 30 * 24 * HOUR, event: e.at + shift },
          zones,
        );
        check(
          `event ${shift / MINUTE} min from ${new Date(e.at).toISOString()}`,
          text,
          `Back by ${expected}.`,
          found,
        );
      }
    }
    expectNone(found);
  });

  it('local wall times read back: with the abbreviation always, with the zone unless it happens twice', () => {
    const found: string[] = [];
    const ctx = { now: TO, zones, direction: 'past' as const };
    for (const e of oracle.instants) {
      zones.forEach((z, i) => {
        const w = e.walls[i];
        if (!w) return;
        const byAbbreviation = parseTime(`${w.wall} ${w.abbreviation}`, ctx);
        check(
          `${w.wall} ${w.abbreviation}`,
          byAbbreviation.ok ? new Date(byAbbreviation.value).toISOString() : byAbbreviation.message,
          new Date(e.at).toISOString(),
          found,
        );
        const byZone = parseTime(`${w.wall} ${z.label}`, ctx);
        if (w.twice) {
          check(`${w.wall} ${z.label} (twice)`, byZone.ok ? 'accepted' : 'refused', 'refused', found);
        } else {
          check(
            `${w.wall} ${z.label}`,
            byZone.ok ? new Date(byZone.value).toISOString() : byZone.message,
            new Date(e.at).toISOString(),
            found,
          );
        }
      });
    }
    expectNone(found);
  });
});

describe('through the front door: replies, the incident pages and the feeds', () => {
  let app: TestHerald | undefined;
  afterAll(async () => app?.close());

  it('agree with zoneinfo around every change of offset from 2024 to 2027', async () => {
    // Two commands per change, half an hour either side of it; each message names a time 30 minutes after
    // its event, so the first crosses the change.
    const sample = oracle.instants.filter((e) => {
      const changes = Object.values(oracle.transitions).flat();
      return (
        e.at >= Date.UTC(2024, 0, 1) &&
        e.at < Date.UTC(2028, 0, 1) &&
        changes.some((c) => Math.abs(e.at - (c - (c % MINUTE))) === 30 * MINUTE)
      );
    });
    expect(sample.length).toBeGreaterThanOrEqual(16);
    const byAt = new Map(oracle.instants.map((e) => [e.at, e]));
    app = createTestHerald({ now: '2028-01-01T00:00:00Z' });
    const found: string[] = [];
    const expectations: Array<{ incident: number; texts: string[] }> = [];
    sample.forEach((e, i) => {
      // The text's time has no date: it is placed nearest the event.
      const later = byAt.get(e.at + 30 * MINUTE) ?? undefined;
      const iso = new Date(e.at).toISOString().slice(0, 16);
      const laterClock = new Date(e.at + 30 * MINUTE).toISOString().slice(11, 16);
      const outcome = app!.herald.handle({
        text: `nc018 smtp down "Spam cleanup ${i}; back by ${laterClock} UTC." --at ${iso}Z`,
        actor: ops,
      });
      const reply = renderReplyText(outcome, app!.config.core);
      const event = `${e.date} ${e.clock} UTC (${e.line})`;
      if (!reply.includes(`Event time: ${event}`)) found.push(`reply for ${iso}Z: ${reply}`);
      const texts = [event];
      if (later) texts.push(`back by ${later.clock} UTC (${later.line})`);
      else found.push(`the oracle has no instant 30 minutes after ${iso}Z`);
      expectations.push({ incident: i + 1, texts });
      // Close it, so the next command opens a new incident.
      app!.herald.handle({ text: `resolve ${i + 1} "Fixed."`, actor: ops });
    });
    await app.herald.publisher.runOnce();
    const publicDir = app.config.paths.publicDir;
    const feed = fs.readFileSync(path.join(publicDir, 'feed.json'), 'utf8');
    const feedText = (JSON.parse(feed) as { items: Array<{ content_text: string }> }).items
      .map((item) => item.content_text)
      .join('\n');
    const feeds = {
      'feed.json': feedText,
      'rss.xml': fs.readFileSync(path.join(publicDir, 'rss.xml'), 'utf8'),
      'atom.xml': fs.readFileSync(path.join(publicDir, 'atom.xml'), 'utf8'),
    };
    for (const { incident, texts } of expectations) {
      const page = fs.readFileSync(path.join(publicDir, `incidents/${incident}.html`), 'utf8');
      for (const t of texts) {
        if (!page.includes(t)) found.push(`page ${incident} lacks ${JSON.stringify(t)}`);
        // The feeds carry the newest 50 posts: the last 25 incidents' (each has its resolution too).
        if (incident <= expectations.length - 25) continue;
        for (const [name, text] of Object.entries(feeds)) {
          if (!text.includes(t)) found.push(`${name} lacks ${JSON.stringify(t)}`);
        }
      }
    }
    expectNone(found);
  }, 120_000);
});
