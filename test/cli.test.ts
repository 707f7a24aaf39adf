// The `herald` command as operators and scripts use it: the reply, the exit code, and a database left
// byte-for-byte unchanged by every refused command.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type CliResult, type CliWorld, createCliWorld } from './helpers/cli.js';
import { dumpDatabaseFile } from './store/dump.js';

const staffOnlyConfig = (shipped: string) => shipped.replace('shell: ["*"]', 'shell: [ops]');

describe('herald run', () => {
  let world: CliWorld;
  beforeAll(() => {
    const shipped = fs.readFileSync(new URL('../herald.config.yaml', import.meta.url), 'utf8');
    world = createCliWorld({ config: staffOnlyConfig(shipped) });
  });
  afterAll(() => world.cleanup());

  it('records a command, prints the reply with the time in UTC and the client zones, and exits 0', () => {
    const r = world.run(['run', 'nc018 smtp down "spam cleanup"', '--as', 'ops']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Recorded post 1.1 in incident #1 (outage, open)');
    expect(r.stdout).toContain('Title: SMTP on NC018 shut down');
    expect(r.stdout).toMatch(
      /Recorded at: \d{1,2} \w+ \d{4} \d\d:\d\d UTC \(\d\d:\d\d P[DS]T Vancouver(, \d{1,2} \w+)? · \d\d:\d\d CAT Lusaka/,
    );
  });

  it('answers list and help with exit 0, for anyone', () => {
    const list = world.run(['run', 'list', '--as', 'mallory']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('NC018 SMTP: down since');
    const help = world.run(['run', 'help', '--as', 'mallory']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('maintenance');
  });

  // Each bad input: the words typed, and what the refusal must say. Every one exits 1, says why on standard
  // error, prints nothing on standard output, and leaves the database exactly as it was.
  const badInputs: Array<[string, string, RegExp]> = [
    [
      'unknown system, with a did-you-mean',
      'nc81 smtp down "x"',
      /unknown system.*nc81.*did you mean.*nc018/i,
    ],
    [
      'unknown service, with a did-you-mean',
      'nc018 smpt down "x"',
      /unknown service.*smpt.*did you mean.*smtp/i,
    ],
    ['a service the system does not run', 'nc018 relay down "x"', /NC018 does not run relay.*it runs smtp/],
    ['unknown state, with a did-you-mean', 'nc018 smtp dwn "x"', /dwn.*did you mean.*down/i],
    ['missing state', 'nc018 smtp "x"', /state/i],
    ['missing message', 'nc018 smtp down', /message/i],
    ['empty message', 'nc018 smtp down ""', /message/i],
    ['unquoted message', 'nc018 smtp down spam cleanup', /quote/i],
    ['two messages', 'nc018 smtp down "spam" "cleanup"', /one message|quote/i],
    ['unbalanced quote', 'nc018 smtp down "spam cleanup', /quote/i],
    ['unbalanced typographic quote', 'nc018 smtp down “spam cleanup', /quote/i],
    ['unknown option', 'nc018 smtp down "x" --colour red', /unknown option.*--colour/i],
    ['option without a value', 'nc018 smtp down "x" --at', /--at/],
    ['an option given twice', 'nc018 smtp down "x" --at 21:00 --at 21:05', /--at/],
    ['too-long message', `nc018 smtp down "${'a'.repeat(4001)}"`, /4,001.*4,000/],
    ['malformed time', 'nc018 smtp down "x" --at 25:00', /25:00/],
    [
      'a wall time skipped by daylight saving',
      'nc018 smtp down "x" --at 2024-03-10 02:30 Vancouver',
      /exist|skipped|forward/i,
    ],
    ['an event time in the future', 'nc018 smtp down "x" --at 2099-01-01 10:00', /future/i],
    ['maintenance without a start', 'maintenance nc018 web "x"', /--start/],
    [
      'maintenance ending before it starts',
      'maintenance nc018 web "x" --start 2099-01-01 10:00 --end 2099-01-01 09:00',
      /end.*before|after/i,
    ],
    ['update of an unknown incident', 'update 99 "x"', /#?99/],
    ['update of a resolved incident', 'update 2 "x"', /resolved/i],
    ['resolve with no incident open there', 'resolve nc026 dns "x"', /no incident is open on nc026 dns/i],
    ['edit of an unknown post', 'edit 1.9 "x"', /no post 9/i],
    ['retract without a reason', 'retract 1.1', /reason|message/i],
    ['a malformed incident reference', 'update #abc "x"', /abc|incident/i],
    ['bad tag', 'nc018 smtp down "x" --tag "Bad Tag!"', /tag/i],
    ['--number that is not a number', 'update 1 "x" --number six', /number/i],
    ['a terminal escape character', 'nc018 smtp down "spam\u001b[2Jcleanup"', /U\+001B/i],
    ['a non-staff author', 'nc018 smtp down "x"', /staff/i],
  ];

  it(`refuses ${badInputs.length} bad inputs with a reason, exit 1, and no change to the database`, async () => {
    // Its own world: incident 1 open (post 1.1), incident 2 resolved, whatever ran before.
    const shipped = fs.readFileSync(new URL('../herald.config.yaml', import.meta.url), 'utf8');
    const own = createCliWorld({ config: staffOnlyConfig(shipped) });
    onTestFinished(() => own.cleanup());
    for (const text of [
      'nc018 smtp down "spam cleanup"',
      'nc026 web down "websites are down"',
      'nc026 web up "websites are back"',
    ]) {
      const r = own.run(['run', text, '--as', 'ops']);
      expect(r.stderr).toBe('');
    }
    const world = own;
    const dump = () => dumpDatabaseFile(world.database);
    const before = dump();
    const bytes = fs.readFileSync(world.database);
    const failures: string[] = [];
    // Two `herald run` processes at a time, as two staff members might type at once (and the machine has two
    // cores): each is refused on its own.
    const results: CliResult[] = [];
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < badInputs.length; i = next++) {
        const [name, text] = badInputs[i] as (typeof badInputs)[number];
        results[i] = await world.runAsync([
          'run',
          text,
          '--as',
          name === 'a non-staff author' ? 'mallory' : 'ops',
        ]);
      }
    };
    await Promise.all([lane(), lane()]);
    for (const [i, [name, , expected]] of badInputs.entries()) {
      const r = results[i] as CliResult;
      if (r.status !== 1) failures.push(`${name}: exit ${r.status}, stdout ${r.stdout}, stderr ${r.stderr}`);
      else if (!/^Refused: /.test(r.stderr) || !expected.test(r.stderr))
        failures.push(`${name}: said ${JSON.stringify(r.stderr)}`);
      else if (r.stdout !== '') failures.push(`${name}: printed ${JSON.stringify(r.stdout)}`);
    }
    expect(failures).toEqual([]);
    expect(dump()).toBe(before);
    expect(fs.readFileSync(world.database).equals(bytes)).toBe(true);
    // Every refusal is audited, outside the database.
    const audit = fs.readFileSync(`${world.env.HERALD_DATA_DIR}/refusals.log`, 'utf8').trim().split('\n');
    expect(audit).toHaveLength(badInputs.length);
    expect(audit.map((line) => JSON.parse(line)).find((a) => a.actorId === 'mallory')).toMatchObject({
      result: 'refused',
      code: 'not_staff',
      actorId: 'mallory',
    });
  }, 90_000);

  it('refuses an empty command with exit 1', () => {
    const r = world.run(['run', '']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nothing to run/);
  });
});

describe('configuration errors', () => {
  it('exit 2 and list every problem', () => {
    const world = createCliWorld({ config: 'site:\n  title: ""\nservices: {}\nsystems: {}\n' });
    try {
      const r = world.run(['run', 'list']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/configuration has \d+ problem/);
      expect(r.stderr).toMatch(/site\.title/);
      expect(r.stderr).toMatch(/site\.baseUrl/);
      expect(r.stdout).toBe('');
    } finally {
      world.cleanup();
    }
  });

  it('exit 2 on a database written by a newer Herald, which is left untouched', () => {
    const world = createCliWorld();
    try {
      expect(world.run(['run', 'list']).status).toBe(0);
      const db = new Database(world.database);
      db.pragma('user_version = 999');
      db.close();
      const bytes = fs.readFileSync(world.database);
      const r = world.run(['run', 'list']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/999/);
      expect(fs.readFileSync(world.database).equals(bytes)).toBe(true);
    } finally {
      world.cleanup();
    }
  });
});

describe('herald start', () => {
  it('shows the prompt, answers a typed command with the time in UTC, Vancouver and Lusaka, serves the site', async () => {
    const world = createCliWorld();
    let page = '';
    let health = '';
    try {
      const r = await world.start('nc018 smtp down "spam cleanup"\nlist\n', {
        // After the end of input Herald serves on: the site answers until the signal.
        ready: (out) => out.includes('NC018 SMTP: down since'),
        whenReady: async (url) => {
          for (let i = 0; i < 50 && !page.includes('spam cleanup'); i++) {
            page = await (await fetch(url)).text();
            if (!page.includes('spam cleanup')) await new Promise((ok) => setTimeout(ok, 100));
          }
          health = await (await fetch(new URL('healthz', url))).text();
        },
      });
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('herald> ');
      expect(r.stdout).toContain('Recorded post 1.1 in incident #1 (outage, open)');
      expect(r.stdout).toMatch(/UTC \(\d\d:\d\d P[DS]T Vancouver(, \d{1,2} \w+)? · \d\d:\d\d CAT Lusaka/);
      expect(r.stdout).toContain('NC018 SMTP: down since');
      expect(page).toContain('spam cleanup');
      expect(JSON.parse(health)).toMatchObject({ ok: true });
      // Closed cleanly: the last connection checkpointed and removed the write-ahead log.
      expect(fs.existsSync(`${world.database}-wal`)).toBe(false);
    } finally {
      world.cleanup();
    }
  });

  it('stops on SIGTERM even while standard input is still open, as at a terminal', async () => {
    const world = createCliWorld();
    try {
      const started = Date.now();
      const r = await world.start('list\n', {
        keepStdinOpen: true,
        ready: (out) => out.includes('All systems operational'),
      });
      expect(r.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      world.cleanup();
    }
  });
});
