// Writing the API files: ids that never change for a component, an incident or an update (across a rebuild
// and new incidents), only the files a change alters rewritten (same inode and modification time for the
// rest), and `herald publish --rebuild` writing them all.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_FILES } from '../../src/templates/api/statuspage.js';
import { createCliWorld } from '../helpers/cli.js';
import { createTestHerald, type Json, readApi, readPublic, type TestHerald } from './api-world.js';

const idsOf = (api: Record<string, Json>) => ({
  components: api[API_FILES.components].components.map((c: Json) => [
    c.herald.system,
    c.herald.service,
    c.id,
  ]),
  incidents: [
    ...api[API_FILES.incidents].incidents,
    ...api[API_FILES.maintenances].scheduled_maintenances,
  ].map((i: Json) => [i.herald.number, i.id, i.incident_updates.map((u: Json) => [u.herald.number, u.id])]),
});

describe('writing the API files', () => {
  let app: TestHerald;
  const stats = () =>
    Object.fromEntries(
      Object.values(API_FILES).map((f) => {
        const s = fs.statSync(path.join(app.config.paths.publicDir, f));
        return [f, `${s.ino}:${s.mtimeMs}`];
      }),
    );
  /** The files whose inode or modification time differ from `before`. */
  const rewritten = (before: Record<string, string>) =>
    Object.entries(stats())
      .filter(([f, s]) => before[f] !== s)
      .map(([f]) => f)
      .sort();

  beforeAll(async () => {
    app = createTestHerald();
    app.record('nc018 smtp down "spam cleanup"');
    app.record('notice "Email migration" "We are moving mail to NC026."');
    await app.herald.publisher.runOnce();
  });
  afterAll(() => app?.close());

  it('keeps every id across a rebuild and new incidents, and a rebuild changes no byte', async () => {
    const before = readApi(app);
    const bytes = Object.values(API_FILES).map((f) => readPublic(app, f));
    app.setNow('2012-07-28T09:00:00Z');
    const written = app.herald.site.rebuild();
    expect(written).toEqual(expect.arrayContaining(Object.values(API_FILES)));
    expect(Object.values(API_FILES).map((f) => readPublic(app, f))).toEqual(bytes);
    // New incidents, one of them opened earlier (--at) than those before: nobody's id moves.
    app.record('nc026 web down "websites are down" --at 2012-07-27 20:00');
    app.record('maintenance nc018 web "new disks" --start 2012-07-30 19:00');
    await app.herald.publisher.runOnce();
    const after = idsOf(readApi(app));
    const old = idsOf(before);
    expect(after.components).toEqual(old.components);
    for (const incident of old.incidents) expect(after.incidents).toContainEqual(incident);
    expect(after.incidents).toHaveLength(old.incidents.length + 2);
    // And a restart (a new process, nothing kept in memory) gives the same ids.
    await app.reopen();
    app.herald.site.rebuild();
    expect(idsOf(readApi(app))).toEqual(after);
    const all = [
      ...after.components.map((c: Json) => c[2]),
      ...after.incidents.flatMap((i: Json) => [i[1], ...i[2].map((u: Json) => u[1])]),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('rewrites only the files a change alters', async () => {
    let before = stats();
    // A post to an open notice: the incident lists and the summary; no component, no maintenance.
    app.setNow('2012-07-28T10:00:00Z');
    app.record('update 2 "Half of the mailboxes are moved."');
    await app.herald.publisher.runOnce();
    expect(rewritten(before)).toEqual([API_FILES.incidents, API_FILES.unresolved, API_FILES.summary].sort());
    // The same incident published again with nothing new: nothing at all.
    before = stats();
    await app.herald.site.publishIncidents([2]);
    expect(rewritten(before)).toEqual([]);
    // A maintenance announced: the maintenance lists and the summary only.
    before = stats();
    app.record('maintenance nc026 imap "IMAP upgrade" --start 2012-08-01 19:00');
    await app.herald.publisher.runOnce();
    expect(rewritten(before)).toEqual([API_FILES.maintenances, API_FILES.upcoming, API_FILES.summary].sort());
    // A component's state: components, status, summary, and the incident lists (a new outage).
    before = stats();
    app.record('nc018 imap degraded "IMAP is slow"');
    await app.herald.publisher.runOnce();
    expect(rewritten(before)).toEqual(
      [
        API_FILES.components,
        API_FILES.status,
        API_FILES.summary,
        API_FILES.incidents,
        API_FILES.unresolved,
      ].sort(),
    );
    expect(
      readApi(app)[API_FILES.components].components.find(
        (c: Json) => c.herald.service === 'imap' && c.herald.system === 'nc018',
      ).status,
    ).toBe('degraded_performance');
  });
});

describe('a file that cannot be put in place', () => {
  it('fails the delivery, leaves no temporary file, and the retry writes it even though its bytes are known', async () => {
    const app = createTestHerald();
    try {
      app.setNow('2013-05-03T19:00:00Z');
      app.record('nc018 smtp down "spam cleanup"');
      await app.herald.publisher.runOnce();
      // A folder where status.json goes: its rename fails (EISDIR) while the other files of that publish
      // are put in place.
      const status = path.join(app.config.paths.publicDir, API_FILES.status);
      fs.rmSync(status);
      fs.mkdirSync(path.join(status, 'blocked'), { recursive: true });
      app.setNow('2013-05-03T20:00:00Z');
      app.record('nc018 smtp up "the queue is clean"');
      const reports = await app.herald.publisher.runOnce();
      const site = reports.find((r) => r.outlet === 'site');
      expect(site).toMatchObject({ sent: 0, retrying: 1 });
      expect(site?.errors.join(' ')).toMatch(/writing the site failed: .*status\.json/);
      const leftovers = fs
        .readdirSync(app.config.paths.publicDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.tmp'));
      expect(leftovers).toEqual([]);
      expect(JSON.parse(readPublic(app, API_FILES.summary)).status.indicator).toBe('none');
      // Unblocked, the retry writes status.json with the same bytes it failed to put in place.
      fs.rmSync(status, { recursive: true });
      app.setNow('2013-05-04T20:00:00Z');
      await app.herald.publisher.runOnce();
      expect(readApi(app)[API_FILES.status].status).toEqual(readApi(app)[API_FILES.summary].status);
      expect(readApi(app)[API_FILES.status].status.indicator).toBe('none');
    } finally {
      app.close();
    }
  });
});

describe('herald publish --rebuild', () => {
  it('writes every API file, as herald publish does after a command', () => {
    const world = createCliWorld();
    try {
      expect(world.run(['run', 'nc018 smtp down "spam cleanup"']).status).toBe(0);
      expect(world.run(['publish']).status).toBe(0);
      const file = (f: string) => path.join(world.dir, 'public', f);
      expect(JSON.parse(fs.readFileSync(file(API_FILES.summary), 'utf8')).status.indicator).toBe('major');
      fs.rmSync(path.join(world.dir, 'public'), { recursive: true });
      expect(world.run(['publish', '--rebuild']).status).toBe(0);
      for (const f of Object.values(API_FILES)) expect(fs.existsSync(file(f)), f).toBe(true);
      const unresolved = JSON.parse(fs.readFileSync(file(API_FILES.unresolved), 'utf8'));
      expect(unresolved.incidents.map((i: Json) => i.name)).toEqual(['SMTP on NC018 shut down']);
    } finally {
      world.cleanup();
    }
  });
});

describe('a hostile message, in the JSON', () => {
  it('comes out intact as data: quotes, markup, line separators and controls survive JSON.parse', async () => {
    const app = createTestHerald();
    try {
      const hostile = `</script><b>"x"</b> \\ \u2028\u2029 \u202Eevil 😀 & ]]>`;
      app.record(
        `nc018 smtp down "${hostile.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}" --title "<i>t</i>"`,
      );
      await app.herald.publisher.runOnce();
      const raw = readPublic(app, API_FILES.unresolved);
      const [incident] = JSON.parse(raw).incidents;
      expect(incident.name).toBe('<i>t</i>');
      expect(incident.incident_updates[0].body).toBe(hostile);
      // One line of JSON: a raw U+2028 or newline inside a string would break line-based readers.
      expect(raw.trimEnd()).not.toMatch(/[\n\u2028\u2029]/);
    } finally {
      await app.close();
    }
  });
});
