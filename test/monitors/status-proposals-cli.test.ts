// `/status proposals` is part of the grammar (issue 17): `help` lists it, `help proposals` explains it, the
// shell's `herald run` answers it with the monitors' rendering (src/monitors/list-text.ts), staff only, and
// anything after it but `all` is refused with nothing written.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, createCliWorld, root } from '../helpers/cli.js';

let world: CliWorld;
/** `herald run` as ann, the one shell user who is staff here. */
const run = (text: string) => world.run(['run', text, '--as', 'ann']);
beforeAll(() => {
  const shipped = fs.readFileSync(path.join(root, 'herald.config.yaml'), 'utf8');
  const config = shipped.replace('shell: ["*"]', 'shell: ["ann"]');
  if (config === shipped) throw new Error('the shipped configuration no longer has shell: ["*"]');
  world = createCliWorld({ config });
});
afterAll(() => world?.cleanup());

describe('/status proposals at the shell', () => {
  it('is listed by help, with its own help page', () => {
    const help = run('help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('/status proposals [all]');
    const page = run('help proposals');
    expect(page.status).toBe(0);
    expect(page.stdout).toContain('/status proposals all');
  });

  it('answers with the monitors’ list, with or without all', () => {
    for (const text of ['/status proposals', 'proposals all']) {
      const r = run(text);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('No proposals: no monitor has reported a problem.');
    }
  });

  it('refuses anything after it but all, and someone who is not staff', () => {
    const bad = run('/status proposals everything');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('`proposals` takes only `all` after it');
    const stranger = world.run(['run', '/status proposals', '--as', 'mallory']);
    expect(stranger.status).toBe(1);
    expect(stranger.stderr).toContain('not staff');
  });
});
