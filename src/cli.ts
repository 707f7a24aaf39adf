// The `herald` command, parsed by commander: each command's options and arguments declared once, with its
// own --help, a did-you-mean for a mistyped command, and commander's usage errors mapped to the exit codes of
// the contract (docs/contract.md): 0 success, 1 the command was refused (reason on standard error), 2 a
// configuration or usage error, 3 an unexpected failure (a bug, or the disk refusing a write: see the log on
// standard error). Each command's body is in src/cli/ (or beside what it works on) and takes what was parsed.

import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import {
  type CliContext,
  configOrExit,
  defaultIo,
  type Io,
  loadDotEnv,
  openHerald,
  shellActor,
} from './cli/common.js';
import { EXIT } from './exit-codes.js';

export { EXIT };

/** The version in package.json (dist/cli.js and src/cli.ts are both one folder below it). */
function packageVersion(): string {
  const file = new URL('../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

const AFTER_HELP = `
The command grammar staff type (at the herald start prompt, in herald run, and as /status in chat):
herald help, and herald help <topic>. Each command's own options: herald <command> --help.

Exit codes: 0 success, 1 refused (the reason on standard error), 2 configuration or usage error,
3 unexpected failure.
Environment: HERALD_CONFIG, HERALD_DATA_DIR, HERALD_PUBLIC_DIR, HERALD_PORT, LOG_LEVEL (see .env.example);
what other tools may rely on: docs/contract.md.`;

const RUN_EXAMPLES = `
Examples:
  herald run 'list'
  herald run 'nc018 smtp down "spam cleanup" --at 21:39' --as alice
  herald run 'help update'`;

/** `herald subscribers list | export | remove <address>` (docs/subscribers.md); the body is src/subscribers/cli-commands.ts. */
function addSubscriberCommands(program: Command, cli: CliContext): void {
  const { io, exitWith } = cli;
  const run = async (args: string[]) => {
    const config = configOrExit(io);
    if (typeof config === 'number') return config;
    const { subscribersCommand } = await import('./subscribers/cli-commands.js');
    return subscribersCommand(args, config, io);
  };
  const subscribers = program
    .command('subscribers')
    .description('who follows Herald by e-mail or webhook: list, export, remove (docs/subscribers.md)');
  subscribers
    .command('list')
    .description('one line a subscriber: channel, status, components, failures')
    .option('--status <status>', 'pending, active, disabled or unsubscribed')
    .option('--channel <channel>', 'email or webhook')
    .action(
      exitWith((options: { status?: string; channel?: string }) =>
        run([
          'list',
          ...(options.status === undefined ? [] : ['--status', options.status]),
          ...(options.channel === undefined ? [] : ['--channel', options.channel]),
        ]),
      ),
    );
  subscribers
    .command('export')
    .description('every subscriber as JSON (personal data: keep it safe; signing secrets left out)')
    .action(exitWith(() => run(['export'])));
  subscribers
    .command('remove')
    .description('delete an e-mail address or webhook URL and everything stored with it')
    .argument('<address>', 'the e-mail address or webhook URL')
    .action(exitWith((address: string) => run(['remove', address])));
}

/** Commands that need a configuration run it through one path: exit 2 with every problem listed. */
function addCommands(program: Command, cli: CliContext): void {
  const { io, exitWith } = cli;
  program
    .command('start')
    .description('the shell prompt (each line a command), plus every configured adapter and the status site')
    .action(exitWith(async () => (await import('./cli/start.js')).startCommand(io, {})));
  program
    .command('run')
    .description(
      'one command, as typed in chat; prints the reply (records only: the running Herald delivers)',
    )
    .argument('[command...]', `the command's words, e.g. 'nc018 smtp down "spam cleanup" --at 21:39'`)
    .option('--as <name>', 'who typed it (default: your login name)')
    // The command text has options of its own (--at, --tag, ...): only --as is Herald's.
    .allowUnknownOption()
    .addHelpText('after', RUN_EXAMPLES)
    .action(
      exitWith((words: string[], options: { as?: string }) =>
        import('./cli/run.js').then((m) => m.runCommand({ words, as: options.as }, io)),
      ),
    );
  program
    .command('publish')
    .description('deliver what is pending once, and write the pages it changes')
    .option('--rebuild', 'rewrite every page of the site')
    .action(
      exitWith((options: { rebuild?: boolean }) =>
        import('./cli/publish.js').then((m) => m.publishCommand({ rebuild: options.rebuild === true }, io)),
      ),
    );
  program
    .command('serve')
    .description('the status site alone, on HERALD_HOST:HERALD_PORT')
    .action(exitWith(async () => (await import('./cli/publish.js')).serveCommand(io)));
  program
    .command('demo')
    .description("a folder with the reference blog's story, then its site served (a finished demo is reused)")
    .option('--dir <dir>', 'the folder', 'demo')
    .option('--no-serve', 'build it only')
    .action(
      exitWith((options: { dir: string; serve: boolean }) =>
        import('./demo/demo-command.js').then((m) => m.demoCommand(options, io)),
      ),
    );
  const slack = program.command('slack').description('Slack setup');
  slack
    .command('manifest')
    .description('the Slack app manifest (Socket Mode, or HTTP mode at --url)')
    .option('--url <url>', 'the public https:// address of this Herald, for HTTP mode')
    .option('--json', 'JSON instead of YAML')
    .action(
      exitWith((options: { url?: string; json?: boolean }) =>
        import('./cli/chat-setup.js').then((m) => m.slackManifestCommand(options, io)),
      ),
    );
  const discord = program.command('discord').description('Discord setup');
  discord
    .command('register')
    .description('register /status with Discord (globally, or in one guild at once)')
    .option('--guild <id>', 'one guild (server) only; takes effect at once')
    .action(
      exitWith((options: { guild?: string }) =>
        import('./cli/chat-setup.js').then((m) => m.discordRegisterCommand(options, io)),
      ),
    );
  program
    .command('backup')
    .description('a consistent copy of the database, taken while Herald runs (docs/backups.md)')
    .argument('<target>', 'a file, or a folder to write herald-<UTC time>.db into')
    .option('--force', 'replace the file if it exists')
    .action(
      exitWith(async (target: string, options: { force?: boolean }) => {
        const config = configOrExit(io);
        if (typeof config === 'number') return config;
        const { backupCommand } = await import('./ops/backup-commands.js');
        return backupCommand({ target, force: options.force === true }, config, io);
      }),
    );
  program
    .command('restore')
    .description('put a backup in place of the database (Herald stopped; the replaced one is kept aside)')
    .argument('<file>', 'the backup')
    .action(
      exitWith(async (file: string) => {
        const config = configOrExit(io);
        if (typeof config === 'number') return config;
        const { restoreCommand } = await import('./ops/backup-commands.js');
        return restoreCommand(file, config, io);
      }),
    );
  program
    .command('doctor')
    .description(
      'check the configuration, credentials, database, folders, port and a running Herald; says how to fix each problem (exit 1: a check failed)',
    )
    .action(exitWith(async () => (await import('./doctor/doctor.js')).runDoctor(io)));
  program
    .command('import')
    .description("an old status blog's history from its RSS or Atom feed, on the site only (docs/import.md)")
    .argument('<feed>', 'a file, or the http(s):// address of an RSS or Atom feed')
    .action(
      exitWith(async (source: string) => {
        const config = configOrExit(io);
        if (typeof config === 'number') return config;
        const { importCommand } = await import('./import/import-command.js');
        return importCommand(source, io, {
          config,
          actor: shellActor(undefined),
          open: () => openHerald(io, { oneShot: true, publishOnChange: false }),
        });
      }),
    );
  // Commands from other modules, one line each (their actions wrapped in cli.exitWith, src/cli/common.ts).
  addSubscriberCommands(program, cli);
  program
    .command('help')
    .description('the command grammar staff type (herald help <topic>: one topic)')
    .argument('[topic]', 'a command (update, maintenance, ...) or times, states, options, templates')
    .action(
      exitWith((topic: string | undefined) =>
        import('./cli/grammar-help.js').then((m) => m.grammarHelpCommand(topic, io)),
      ),
    );
  program
    .command('version')
    .description("Herald's version")
    .action(
      exitWith(() => {
        io.stdout.write(`${packageVersion()}
`);
        return EXIT.ok;
      }),
    );
}

/** The `herald` program: `cli.exitWith` records each action's exit code for main(). */
export function createProgram(cli: CliContext): Command {
  const { io } = cli;
  const program = new Command('herald')
    .description("publishes a hosting provider's system status")
    .version(packageVersion(), '-V, --version', "Herald's version")
    .helpCommand(false)
    // Herald's own options come before the command: `herald run '…' -V` is command text, not --version.
    .enablePositionalOptions()
    .addHelpText('after', AFTER_HELP)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) =>
        write(s.replace(/^error: /, 'herald: ').replace('\n(Did you mean', ' (did you mean')),
    });
  addCommands(program, cli);
  for (const command of allCommands(program)) {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
    const name = commandPath(command);
    // After a usage error: the command's usage line, and where its whole help is.
    command.showHelpAfterError(
      command === program
        ? 'herald --help lists the commands; herald help, the grammar staff type'
        : `usage: ${name} ${command.usage()}   (${name} --help: more)`,
    );
  }
  return program;
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let code: number = EXIT.ok;
  const cli: CliContext = {
    io,
    exitWith:
      (body) =>
      async (...args) => {
        code = await body(...args);
      },
  };
  try {
    loadDotEnv(io);
    const program = createProgram(cli);
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.ok;
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    // Commander's own exits: help and --version are done (0); a usage error is the contract's usage code.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.config;
    io.stderr.write(
      `herald: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}
`,
    );
    return EXIT.failure;
  }
}
