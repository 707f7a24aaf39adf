// The surface contract (issue 14 §2): one table of scenarios, run against the shell, Slack and Discord
// through their front doors. The answers each scenario returns are snapshots, one per surface.
import { afterEach, describe, expect, it } from 'vitest';
import { SCENARIOS } from './surface-contract-table.js';
import { SURFACES, type Surface, stable, startSurface } from './surface-contract-worlds.js';

let running: Surface | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

describe.each(SURFACES)('the surface contract on %s', (surface) => {
  const scenarios = SCENARIOS.filter((s) => s.surfaces.includes(surface));
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    running = await startSurface(surface, {
      preview: scenario.preview,
      held: scenario.held ?? false,
      ...(scenario.env ? { env: scenario.env } : {}),
    });
    const answers = await scenario.run(running);
    for (const answer of answers) expect(stable(answer)).toMatchSnapshot();
  });
});

describe('the surface contract table', () => {
  it('runs every scenario on at least one surface, and says why where it leaves one out', () => {
    for (const s of SCENARIOS) {
      expect(s.surfaces.length, s.name).toBeGreaterThan(0);
      if (s.surfaces.length < SURFACES.length) expect(s.why, s.name).toBeTruthy();
    }
  });
});
