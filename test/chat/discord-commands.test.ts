// `/status` as Discord registers it, built from the command spec; the options of a submitted subcommand
// mapped back onto the grammar's text (read by the core's one parser); and `registerDiscordCommands`
// against a local fake of Discord's REST API.
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import {
  buildStatusCommand,
  commandText,
  discordSubcommands,
  formatRegistration,
  registerDiscordCommands,
  templateChoices,
} from '../../src/adapters/chat/discord-commands.js';
import { SUBCOMMAND_ORDER } from '../../src/bot/command-spec.js';
import { parseCommand } from '../../src/bot/parse-command.js';
import {
  FAKE_APPLICATION_ID,
  FAKE_DISCORD_TOKEN,
  type FakeDiscord,
  startFakeDiscord,
} from '../fakes/discord.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { testSettings } from '../helpers/settings.js';

const NOW = Date.parse('2012-07-27T21:39:27Z');
const parse = (text: string) => parseCommand(text, { settings: testSettings, now: NOW });
const values = (o: Record<string, string | number>) => new Map(Object.entries(o));

function mapped(name: string, o: Record<string, string | number>): string {
  const r = commandText(name, values(o));
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

describe('the /status registration payload', () => {
  const command = buildStatusCommand({ messageLimit: 4000 });

  it('is pinned by a snapshot', () => {
    expect(command).toMatchSnapshot();
  });

  it('has a subcommand for every form of the grammar, and `run` for the grammar as typed', () => {
    const names = (command.options ?? []).map((o) => o.name);
    expect(names).toEqual([...SUBCOMMAND_ORDER, 'run']);
  });

  it('keeps within Discord’s limits: names, descriptions, required options first', () => {
    for (const sub of discordSubcommands()) {
      expect(sub.name).toMatch(/^[a-z-]{1,32}$/);
      expect([...sub.description].length).toBeLessThanOrEqual(100);
      const required = sub.params.map((p) => p.required);
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      for (const p of sub.params) {
        expect(p.name).toMatch(/^[a-z-]{1,32}$/);
        expect([...p.description].length).toBeGreaterThan(0);
        expect([...p.description].length).toBeLessThanOrEqual(100);
      }
    }
    // Discord's own rule: the names, descriptions and choice values of a command and all its options
    // together are at most 8000 characters (the JSON around them does not count).
    let counted = 0;
    const count = (o: unknown): void => {
      if (!o || typeof o !== 'object') return;
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'string' && (k === 'name' || k === 'description' || k === 'value'))
          counted += [...v].length;
        else count(v);
      }
    };
    count(command);
    expect(counted).toBeLessThanOrEqual(8000);
  });

  it('types the options: autocomplete for systems, services and incidents, choices for the state', () => {
    const change = discordSubcommands().find((s) => s.name === 'change');
    expect(change?.params.map((p) => [p.name, p.kind, p.autocomplete, p.required])).toEqual([
      ['system', 'word', true, true],
      ['services', 'words', true, true],
      ['state', 'state', false, true],
      // Optional in the form: a template may stand in for it (the core refuses neither given).
      ['message', 'text', false, false],
      ['at', 'option', false, false],
      ['tags', 'option', false, false],
      ['title', 'option', false, false],
      ['next', 'option', false, false],
      ['template', 'option', false, false],
      ['with', 'option', false, false],
    ]);
    const json = command.options?.find((o) => o.name === 'change');
    const state = json && 'options' in json ? json.options?.find((o) => o.name === 'state') : undefined;
    expect(state && 'choices' in state ? state.choices?.map((c) => c.value) : []).toEqual([
      'down',
      'degraded',
      'maintenance',
      'operational',
    ]);
    const maintenance = discordSubcommands().find((s) => s.name === 'maintenance');
    expect(maintenance?.params.find((p) => p.name === 'start')?.required).toBe(true);
    const update = command.options?.find((o) => o.name === 'update');
    const number =
      update && 'options' in update ? update.options?.find((o) => o.name === 'number') : undefined;
    expect(number).toMatchObject({ type: 4, min_value: 1 });
  });
});

describe('options mapped onto the grammar', () => {
  it('writes the text as it would be typed, the message quoted with \\" escaping', () => {
    const text = mapped('change', {
      system: 'nc018',
      services: 'smtp',
      state: 'down',
      message: 'Spam "again" on C:\\mail',
      at: '21:39',
      tags: 'spam,smtp',
    });
    expect(text).toBe('nc018 smtp down "Spam \\"again\\" on C:\\\\mail" --at "21:39" --tag "spam,smtp"');
    const parsed = parse(text);
    expect(parsed.ok && parsed.value).toMatchObject({
      kind: 'change',
      system: 'nc018',
      services: ['smtp'],
      state: 'down',
      message: 'Spam "again" on C:\\mail',
      tags: ['spam', 'smtp'],
    });
  });

  it('reads the same as the typed command, for every subcommand', () => {
    const cases: Array<[string, Record<string, string | number>, string]> = [
      [
        'update',
        { incident: 'nc018 smtp', message: 'Restarted.', at: '18:20', number: 14 },
        'update nc018 smtp "Restarted." --at 18:20 --number 14',
      ],
      ['resolve', { incident: '#42', message: 'Fixed.' }, 'resolve #42 "Fixed."'],
      [
        'maintenance',
        {
          system: 'nc018',
          services: 'web, dns',
          message: 'Moving.',
          start: '2012-07-28 19:00',
          end: '23:00',
        },
        'maintenance nc018 web, dns "Moving." --start "2012-07-28 19:00" --end 23:00',
      ],
      [
        'notice',
        { title: 'Email migration', message: 'Bounces.', tags: 'email' },
        'notice "Email migration" "Bounces." --tag email',
      ],
      ['edit', { post: '12.3', message: 'Corrected.' }, 'edit 12.3 "Corrected."'],
      ['retract', { post: '#12.4', reason: 'Wrong incident.' }, 'retract #12.4 "Wrong incident."'],
      ['list', {}, 'list'],
      ['deliveries', { post: '12.3' }, 'deliveries 12.3'],
      ['retry', { post: 'all' }, 'retry all'],
      ['help', { topic: 'times' }, 'help times'],
      ['help', {}, 'help'],
    ];
    for (const [name, options, typed] of cases) {
      expect(parse(mapped(name, options)), name).toEqual(parse(typed));
    }
  });

  it('hands `run` over as typed', () => {
    expect(mapped('run', { text: '/status nc018 smtp down "x" --at 21:39' })).toBe(
      '/status nc018 smtp down "x" --at 21:39',
    );
  });

  it('refuses words that would change the command around them', () => {
    const refused = (name: string, o: Record<string, string | number>) => {
      const r = commandText(name, values(o));
      return r.ok ? r.text : r.message;
    };
    expect(refused('change', { system: 'nc018 smtp', services: 'web', state: 'down', message: 'x' })).toBe(
      '`system` takes one word, not "nc018 smtp".',
    );
    expect(
      refused('change', { system: 'nc018', services: 'smtp --at 21:00', state: 'down', message: 'x' }),
    ).toBe('`services` takes words, not an option: "--at".');
    expect(refused('change', { system: 'nc018', services: 'smtp "x"', state: 'down', message: 'x' })).toBe(
      '`services` takes plain words, without quotes: "smtp "x"".',
    );
    expect(refused('change', { system: 'update', services: 'smtp', state: 'down', message: 'x' })).toBe(
      '"update" is a subcommand, not a system.',
    );
    expect(refused('change', { system: 'nc018', state: 'down', message: 'x' })).toBe(
      '`/status change` needs `services`.',
    );
    expect(refused('nope', {})).toContain('not a subcommand');
  });
});

describe('herald discord register', () => {
  let fake: FakeDiscord | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('PUTs the command globally, with the bot token, and says what Discord holds', async () => {
    fake = await startFakeDiscord();
    const summary = await registerDiscordCommands({
      token: FAKE_DISCORD_TOKEN,
      applicationId: FAKE_APPLICATION_ID,
      apiUrl: fake.apiUrl,
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `PUT /applications/${FAKE_APPLICATION_ID}/commands 200`,
    ]);
    expect(fake.commandPuts[0]?.authorization).toBe(`Bot ${FAKE_DISCORD_TOKEN}`);
    expect(fake.commandPuts[0]?.body).toEqual([buildStatusCommand()]);
    expect(summary).toMatchObject({
      scope: 'global',
      guildId: null,
      request: `PUT /applications/${FAKE_APPLICATION_ID}/commands`,
      commands: [{ name: 'status', subcommands: [...SUBCOMMAND_ORDER, 'run'] }],
    });
    expect(formatRegistration(summary)).toMatch(
      /^Registered 1 command\(s\) globally .*\n {2}\/status \(id \d+\): change, update/,
    );
  });

  it('registers in one guild with --guild', async () => {
    fake = await startFakeDiscord();
    const summary = await registerDiscordCommands({
      token: FAKE_DISCORD_TOKEN,
      applicationId: FAKE_APPLICATION_ID,
      apiUrl: fake.apiUrl,
      guildId: '42',
      messageLimit: 500,
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /applications/${FAKE_APPLICATION_ID}/guilds/42/commands`,
    ]);
    expect(fake.commandPuts[0]?.guildId).toBe('42');
    expect(summary.scope).toBe('guild');
    expect(formatRegistration(summary)).toContain('in guild 42');
    const body = fake.commandPuts[0]?.body as Array<{
      options: Array<{ name: string; options: Array<{ name: string; max_length?: number }> }>;
    }>;
    expect(body[0]?.options[0]?.options.find((o) => o.name === 'message')?.max_length).toBe(500);
  });

  it('fails clearly with a wrong token', async () => {
    fake = await startFakeDiscord();
    await expect(
      registerDiscordCommands({
        token: TEST_CREDENTIALS.wrong.discordToken,
        applicationId: FAKE_APPLICATION_ID,
        apiUrl: fake.apiUrl,
      }),
    ).rejects.toThrow(/Unauthorized/);
  });
});

describe('templates in /status', () => {
  type Json = { name: string; required?: boolean; choices?: Array<{ name: string; value: string }> };
  const optionsOf = (command: ReturnType<typeof buildStatusCommand>, sub: string): Json[] => {
    const found = command.options?.find((o) => o.name === sub);
    return (found && 'options' in found ? (found.options ?? []) : []) as Json[];
  };

  it('offers the configured templates as choices, and makes the message optional where one may stand in', () => {
    const command = buildStatusCommand({ messageLimit: 4000, templates: testSettings.templates });
    for (const sub of ['change', 'update', 'resolve']) {
      const options = optionsOf(command, sub);
      expect(options.find((o) => o.name === 'template')?.choices, sub).toEqual([
        { name: 'spam: SMTP shut down to deal with spam', value: 'spam' },
        { name: 'spam-restart: SMTP restarted after the spam was cleaned up', value: 'spam-restart' },
        { name: 'reboot: A server rebooting, and when it should be back', value: 'reboot' },
        { name: 'spam-defences-on: Spam defences re-enabled', value: 'spam-defences-on' },
      ]);
      expect(options.find((o) => o.name === 'message')?.required, sub).toBe(false);
      expect(
        options.find((o) => o.name === 'with'),
        sub,
      ).toMatchObject({ required: false, max_length: 4000 });
    }
    // Maintenance and notices take a message only.
    expect(optionsOf(command, 'maintenance').map((o) => o.name)).not.toContain('template');
    expect(optionsOf(command, 'maintenance').find((o) => o.name === 'message')?.required).toBe(true);
  });

  it('offers more than 25 templates by autocomplete, and leaves the options out when none are configured', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      name: `t${i}`,
      description: null,
      message: `Canned message ${i} about {system}.`,
      title: null,
      tags: [],
    }));
    const template = optionsOf(buildStatusCommand({ templates: many }), 'change').find(
      (o) => o.name === 'template',
    );
    expect(template).toMatchObject({ autocomplete: true });
    expect(template?.choices).toBeUndefined();
    expect(templateChoices(many, 't2').map((c) => c.value)).toEqual([
      't2',
      't20',
      't21',
      't22',
      't23',
      't24',
      't25',
      't26',
      't27',
      't28',
      't29',
    ]);
    const none = optionsOf(buildStatusCommand({ templates: [] }), 'change');
    expect(none.map((o) => o.name)).toEqual([
      'system',
      'services',
      'state',
      'message',
      'at',
      'tags',
      'title',
      'next',
    ]);
    expect(none.find((o) => o.name === 'message')?.required).toBe(true);
  });

  it('maps the template and its values onto the grammar, and refuses neither message nor template', () => {
    const text = mapped('change', {
      system: 'nc018',
      services: 'all',
      state: 'down',
      template: 'reboot',
      with: 'eta=22:30 UTC',
    });
    expect(text).toBe('nc018 all down --template "reboot" --with "eta=22:30 UTC"');
    const parsed = parse(text);
    expect(parsed.ok && parsed.value).toMatchObject({
      kind: 'change',
      message: { name: 'reboot', values: { eta: '22:30 UTC', system: 'NC018' } },
      tags: ['reboot'],
    });
    expect(mapped('resolve', { incident: '42', template: 'spam-restart' })).toBe(
      'resolve 42 --template "spam-restart"',
    );
    expect(commandText('change', values({ system: 'nc018', services: 'smtp', state: 'down' }))).toEqual({
      ok: false,
      message: '`/status change` needs `message` or `template`.',
    });
  });

  it('registers the choices with Discord, and `herald discord register` says which it offers', async () => {
    const fake = await startFakeDiscord();
    onTestFinished(() => fake.close());
    const summary = await registerDiscordCommands({
      token: FAKE_DISCORD_TOKEN,
      applicationId: FAKE_APPLICATION_ID,
      apiUrl: fake.apiUrl,
      templates: testSettings.templates,
    });
    expect(fake.commandPuts[0]?.body).toEqual([buildStatusCommand({ templates: testSettings.templates })]);
    expect(formatRegistration(summary)).toContain(
      '\n  templates (as choices): spam, spam-restart, reboot, spam-defences-on\n',
    );
  });
});
