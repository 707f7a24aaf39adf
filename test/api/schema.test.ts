// The API files against a JSON Schema written from Statuspage's public API documentation
// (test/api/statuspage-v2.schema.json), after every step of the story: the reference blog, then a session with
// a promise, a correction, a retraction, a maintenance that starts and one called off.
import fs from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_FILES } from '../../src/templates/api/statuspage.js';
import { createTestHerald, type Json, readApi, STORY, type TestHerald, takeStep } from './api-world.js';

const schema = JSON.parse(fs.readFileSync(new URL('./statuspage-v2.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats.default(ajv);
ajv.addSchema(schema);
const validatorOf = (definition: string) => {
  const validate = ajv.getSchema(`${schema.$id}#/definitions/${definition}`);
  if (!validate) throw new Error(`no definition ${definition}`);
  return validate;
};
const DEFINITION: Record<string, string> = {
  [API_FILES.summary]: 'summary.json',
  [API_FILES.status]: 'status.json',
  [API_FILES.components]: 'components.json',
  [API_FILES.incidents]: 'incidents.json',
  [API_FILES.unresolved]: 'incidents.json',
  [API_FILES.maintenances]: 'scheduled-maintenances.json',
  [API_FILES.upcoming]: 'scheduled-maintenances.json',
  [API_FILES.active]: 'scheduled-maintenances.json',
};

describe('the API files against the Statuspage v2 schema', () => {
  let app: TestHerald;
  /** Every step's files, read after it was published. */
  const snapshots: Array<{ step: string; files: Record<string, Json> }> = [];
  beforeAll(async () => {
    app = createTestHerald();
    for (const step of STORY) {
      await takeStep(app, step);
      snapshots.push({ step: step.command.slice(0, 60), files: readApi(app) });
    }
  });
  afterAll(() => app?.close());

  it('every file validates after every step', () => {
    expect(snapshots).toHaveLength(STORY.length);
    for (const { step, files } of snapshots) {
      for (const [file, json] of Object.entries(files)) {
        const validate = validatorOf(DEFINITION[file] ?? '');
        const ok = validate(json);
        expect(ok, `${file} after "${step}": ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
  });

  it('the schema refuses what Statuspage would not send (it can fail)', () => {
    const summary = structuredClone(snapshots.at(-1)?.files[API_FILES.summary]);
    const validate = validatorOf('summary.json');
    expect(validate(summary)).toBe(true);
    summary.components[1].status = 'down';
    expect(validate(summary)).toBe(false);
    summary.components[1].status = 'major_outage';
    summary.status.indicator = 'red';
    expect(validate(summary)).toBe(false);
    summary.status.indicator = 'major';
    summary.page.updated_at = '1 November 2013';
    expect(validate(summary)).toBe(false);
    summary.page.updated_at = '2013-11-01T11:30:00Z';
    delete summary.incidents[0].incident_updates[0].incident_id;
    expect(validate(summary)).toBe(false);
  });

  it("uses Statuspage's value sets for Herald's states and kinds", () => {
    const seen = (pick: (files: Record<string, Json>) => unknown[]) =>
      new Set(snapshots.flatMap((s) => pick(s.files)));
    const all = (files: Record<string, Json>) => [
      ...files[API_FILES.incidents].incidents,
      ...files[API_FILES.maintenances].scheduled_maintenances,
    ];
    expect(seen((f) => f[API_FILES.components].components.map((c: Json) => c.status))).toEqual(
      new Set(['operational', 'degraded_performance', 'major_outage', 'under_maintenance']),
    );
    expect(seen((f) => [f[API_FILES.status].status.indicator])).toEqual(
      new Set(['none', 'major', 'minor', 'maintenance']),
    );
    expect(seen((f) => all(f).map((i: Json) => i.impact))).toEqual(
      new Set(['none', 'minor', 'major', 'maintenance']),
    );
    expect(seen((f) => all(f).flatMap((i: Json) => i.incident_updates.map((u: Json) => u.status)))).toEqual(
      new Set(['investigating', 'resolved', 'scheduled', 'in_progress']),
    );
    // Every timestamp is ISO 8601 in UTC.
    const stamps = JSON.stringify(snapshots.at(-1)?.files).match(/"\w+_at":"[^"]*"/g) ?? [];
    expect(stamps.length).toBeGreaterThan(50);
    for (const s of stamps) expect(s).toMatch(/":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
  });
});
