// The `herald` command's own surface, as a user meets it (the built bin/herald.js, spawned): its help, its
// version, a mistyped command, each command's --help, and usage errors with the contract's exit code 2.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, createCliWorld, root } from './helpers/cli.js';

const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string })
  .version;

// Each spawn is a whole node process: on a loaded two-core machine a test of ten of them needs time.
describe('the herald command', { timeout: 90_000 }, () => {
  let world: CliWorld;
  beforeAll(() => {
    world = createCliWorld();
  });
  afterAll(() => world.cleanup());

  it('prints the package version for --version, -V and version', () => {
    for (const args of [['--version'], ['-V'], ['version']]) {
      const r = world.run(args);
      expect([args[0], r.status, r.stdout, r.stderr]).toEqual([args[0], 0, `${version}\n`, '']);
    }
  });

  it('lists its commands for --help and with no command, and says where the grammar is', () => {
    for (const args of [['--help'], []]) {
      const r = world.run(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: herald \[options\] \[command\]/);
      for (const command of ['start', 'run', 'publish', 'serve', 'demo', 'doctor', 'import', 'backup'])
        expect(r.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
      expect(r.stdout).toContain('herald help, and herald help <topic>');
      expect(r.stdout).toContain('2 configuration or usage error');
    }
  });

  it('herald help prints the grammar staff type, says where the CLI usage is, and writes nothing', () => {
    const r = world.run(['help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('`/status update <incident> "<message>"');
    expect(r.stdout).toContain('`/status maintenance <system> <service>...');
    expect(r.stdout).toContain('`herald --help`');
    expect(r.stdout).toContain('`herald <command> --help`');
    const topic = world.run(['help', 'states']);
    expect(topic.status).toBe(0);
    expect(topic.stdout).toContain('States, and the words that mean them');
    expect(fs.existsSync(path.join(world.dir, 'data'))).toBe(false);
  });

  it('answers a mistyped command with a did-you-mean and exit 2', () => {
    const r = world.run(['stat']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("herald: unknown command 'stat' (did you mean start?)");
  });

  it('gives each command its own --help', () => {
    const expected: Array<[string[], RegExp]> = [
      [['start'], /^Usage: herald start /],
      [['run'], /^Usage: herald run \[options\] \[command\.\.\.\][\s\S]*--as <name>[\s\S]*herald run 'list'/],
      [['publish'], /^Usage: herald publish[\s\S]*--rebuild/],
      [['demo'], /^Usage: herald demo[\s\S]*--dir <dir>[\s\S]*--no-serve/],
      [['slack', 'manifest'], /^Usage: herald slack manifest[\s\S]*--url <url>[\s\S]*--json/],
      [['discord', 'register'], /^Usage: herald discord register[\s\S]*--guild <id>/],
      [['backup'], /^Usage: herald backup \[options\] <target>[\s\S]*--force/],
      [['restore'], /^Usage: herald restore \[options\] <file>/],
      [['import'], /^Usage: herald import \[options\] <feed>/],
      [['doctor'], /^Usage: herald doctor/],
    ];
    for (const [command, usage] of expected) {
      const r = world.run([...command, '--help']);
      expect([command, r.status, r.stderr]).toEqual([command, 0, '']);
      expect(r.stdout).toMatch(usage);
    }
  });

  it('refuses unknown options and missing arguments with the usage line and exit 2, writing nothing', () => {
    const cases: Array<[string[], string]> = [
      [['start', '--colour'], "herald: unknown option '--colour'\nusage: herald start [options]"],
      [['publish', '--rebuidl'], "herald: unknown option '--rebuidl'"],
      [['serve', 'now'], "herald: too many arguments for 'serve'"],
      [['run', 'list', '--as'], "herald: option '--as <name>' argument missing"],
      [['restore'], "herald: missing required argument 'file'\nusage: herald restore [options] <file>"],
      [['slack', 'manifest', '--yaml'], "herald: unknown option '--yaml'"],
      [['--colour'], "herald: unknown option '--colour'"],
    ];
    for (const [args, message] of cases) {
      const r = world.run(args);
      expect([args, r.status, r.stdout]).toEqual([args, 2, '']);
      expect(r.stderr).toContain(message);
    }
    expect(fs.existsSync(path.join(world.dir, 'data'))).toBe(false);
  });

  it('passes the command text to herald run with its own options, and only --as is Herald’s', () => {
    const r = world.run(['run', 'nc018', 'smtp', 'down', '"spam cleanup"', '--at', '21:39', '--as=ops']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Recorded post 1\.1 in incident #1/);
    expect(r.stdout).toMatch(/21:39 UTC/);
    // Herald's own -V after the command is command text, not a request for the version.
    const text = world.run(['run', 'list', '-V']);
    expect(text.stdout).not.toBe(`${version}\n`);
  });
});
