// The `monitors:` section of herald.config.yaml (docs/monitors.md): how alerts map to components and
// states, the per-component templates and publish_after, the flapping window and expiry. Its keys are
// snake_case, like Alertmanager's configuration it sits beside. Parsed here so that src/config.ts only
// adds the section; checked against the catalog there.

import { z } from 'zod';
import { type Catalog, findService, findSystem } from '../bot/catalog.js';
import type { ComponentKey, ComponentState } from '../bot/types.js';

/** `10m`, `2h`, `1d`, `30s`, or `0` (at once / never, as the key says). */
const DURATION = /^(0|[1-9]\d{0,5}[smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const durationToMs = (text: string): number =>
  text === '0' ? 0 : Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS];
const duration = z.string().regex(DURATION, 'expected a duration like 30s, 10m, 2h or 1d, or 0');

/** A Prometheus label matcher: `job="smtp"`, `instance=~"nc018.*"`, `env!="test"`, `host!~"lab-.*"`. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  /** For =~ and !~: the value as a regular expression, anchored at both ends as Prometheus anchors it. */
  regex: RegExp | null;
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

/** Parses one matcher, or says what is wrong with it. */
export function parseMatcher(text: string): LabelMatcher | string {
  const m = MATCHER.exec(text);
  if (!m)
    return `expected a label matcher like job="smtp" or instance=~"nc018.*", not ${JSON.stringify(text)}`;
  const [, label, op, raw] = m as unknown as [string, string, LabelMatcher['op'], string];
  const value = raw.replace(/\\(.)/g, '$1');
  if (op === '=~' || op === '!~') {
    try {
      return { label, op, value, regex: new RegExp(`^(?:${value})$`, 'u') };
    } catch (error) {
      return `${label}${op}: not a regular expression (${(error as Error).message})`;
    }
  }
  return { label, op, value, regex: null };
}

export function matches(m: LabelMatcher, labels: Readonly<Record<string, string>>): boolean {
  const v = Object.hasOwn(labels, m.label) ? (labels[m.label] ?? '') : '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.regex?.test(v) ?? false;
    case '!~':
      return !(m.regex?.test(v) ?? false);
  }
}

const matcherText = z.string().superRefine((text, ctx) => {
  const parsed = parseMatcher(text);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

const stateWord = z.enum(['down', 'degraded', 'ignore']);
const oneLine = z.string().regex(/^[^\r\n]*$/, 'expected one line');

const componentSettings = z.strictObject({
  /** Publish by itself when nobody acts within this time; off when left out. */
  publish_after: duration.optional(),
  /** The post's title instead of the one Herald writes (`titles:`), with the placeholders below. */
  title: oneLine.min(1).max(200).optional(),
  /** The message when the alerts fire: {system} {server} {services} {state} {time} {summary} {count}. */
  message: z.string().min(1).max(2000).optional(),
  /** The "back up" message when they resolve. */
  resolved: z.string().min(1).max(2000).optional(),
  /** Propose (not only show) during the component's maintenance window. */
  propose_during_maintenance: z.boolean().optional(),
});

export const monitorsSchema = z.strictObject({
  /** A resolve waits this long before the "back up" update is proposed; a re-fire within it is flapping. */
  flap_window: duration.default('5m'),
  /** An open proposal nobody acts on expires after this (0: never). */
  expire_after: duration.default('4h'),
  /** The label that names the state, and what its values mean; any other value counts as `down`. */
  state_label: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    .default('severity'),
  states: z.record(z.string(), stateWord).default({ critical: 'down', warning: 'degraded', info: 'ignore' }),
  /** A label whose value names the component directly: `nc018 smtp` (or `nc018/smtp`). */
  component_label: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    .default('herald_component'),
  /** Rules tried in order: every matcher must match; the first rule that matches names the component. */
  rules: z
    .array(
      z.strictObject({
        match: z.array(matcherText).min(1, 'expected at least one matcher'),
        component: z.string().min(1),
        /** The state for this rule's alerts, instead of the state label's. */
        state: z.enum(['down', 'degraded']).optional(),
      }),
    )
    .default([]),
  /** Per component (`nc018 smtp`), or per system (`nc018`) for all its services. */
  components: z.record(z.string(), componentSettings).default({}),
  /** Propose during maintenance windows everywhere (per component: propose_during_maintenance). */
  propose_during_maintenance: z.boolean().default(false),
});

export type MonitorsFile = z.infer<typeof monitorsSchema>;

export const DEFAULT_MONITORS_FILE: MonitorsFile = monitorsSchema.parse({});

export interface ComponentTemplates {
  title: string | null;
  message: string;
  resolved: string;
  publishAfterMs: number | null;
  proposeDuringMaintenance: boolean;
}

export interface MappingRule {
  matchers: LabelMatcher[];
  components: ComponentKey[];
  state: Exclude<ComponentState, 'operational' | 'maintenance'> | null;
}

/** The hooks' secrets, from the environment (never in the file). */
export interface HookSecrets {
  /** HERALD_ALERTMANAGER_TOKEN: Alertmanager's `authorization: { credentials: … }` (a bearer token). */
  alertmanagerToken: string | null;
  /** HERALD_ALERTMANAGER_USER / HERALD_ALERTMANAGER_PASSWORD: its `basic_auth`. */
  alertmanagerBasic: { username: string; password: string } | null;
  /** HERALD_STATUS_HOOK_SECRET: the Standard Webhooks signing secret (`whsec_…`) of POST /hooks/status. */
  statusHookSecret: string | null;
}

export interface MonitorsConfig {
  flapWindowMs: number;
  expireAfterMs: number;
  stateLabel: string;
  states: Readonly<Record<string, 'down' | 'degraded' | 'ignore'>>;
  componentLabel: string;
  rules: MappingRule[];
  /** Templates per component key `system service` (or `system` for all its services). */
  components: ReadonlyMap<string, Partial<ComponentTemplates>>;
  proposeDuringMaintenance: boolean;
  hooks: HookSecrets;
}

/** What a proposal says, in the provider's voice, unless a component has its own (docs/monitors.md). */
export const DEFAULT_MESSAGES = {
  down: 'We are aware of a problem with {services} on {server}, which our monitoring reports down since {time}. We are working on it and will post an update here as soon as we know more.',
  degraded:
    'Our monitoring reports {services} on {server} degraded since {time}: it may be slow or fail at times. We are looking into it.',
  resolved: '{services} on {server} is back up since {time}. We apologise for the inconvenience.',
} as const;

/** A component as the configuration writes it: `nc018 smtp`, `nc018/smtp`, `nc018 smtp,imap`. */
export function readComponentWords(text: string): { system: string; services: string[] } | null {
  const words = text
    .trim()
    .toLowerCase()
    .split(/[\s/,]+/)
    .filter(Boolean);
  const [system, ...services] = words;
  return system && services.length ? { system, services } : null;
}

export const HOOK_ENV_KEYS = [
  'HERALD_ALERTMANAGER_TOKEN',
  'HERALD_ALERTMANAGER_USER',
  'HERALD_ALERTMANAGER_PASSWORD',
  'HERALD_STATUS_HOOK_SECRET',
] as const;

/**
 * The components some words name in the catalog (`nc018 smtp`, `nc018 all`), or why they name none. Used
 * for the configuration (checked at start) and for a hook's `component` (checked per request).
 */
export function resolveComponents(catalog: Catalog, text: string): ComponentKey[] | string {
  const words = readComponentWords(text);
  if (!words) return `expected a system and its services, like "nc018 smtp", not ${JSON.stringify(text)}`;
  const system = findSystem(catalog, words.system);
  if (!system) return `unknown system "${words.system}"`;
  if (words.services.length === 1 && words.services[0] === 'all') {
    return system.services.map((service) => ({ system: system.id, service }));
  }
  const keys: ComponentKey[] = [];
  for (const word of words.services) {
    const service = findService(catalog, word);
    if (!service || !system.services.includes(service.id)) {
      return `system ${system.id} has no service "${word}"`;
    }
    if (!keys.some((k) => k.service === service.id)) keys.push({ system: system.id, service: service.id });
  }
  return keys;
}

const settingsOf = (s: MonitorsFile['components'][string]): Partial<ComponentTemplates> => ({
  ...(s.title !== undefined ? { title: s.title } : {}),
  ...(s.message !== undefined ? { message: s.message } : {}),
  ...(s.resolved !== undefined ? { resolved: s.resolved } : {}),
  ...(s.publish_after !== undefined ? { publishAfterMs: durationToMs(s.publish_after) || null } : {}),
  ...(s.propose_during_maintenance !== undefined
    ? { proposeDuringMaintenance: s.propose_during_maintenance }
    : {}),
});

/** The section checked against the catalog: every rule's and template's component exists. */
export function toMonitorsConfig(
  file: MonitorsFile,
  catalog: Catalog,
  hooks: HookSecrets,
  where: string,
): { ok: true; config: MonitorsConfig } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const rules: MappingRule[] = [];
  file.rules.forEach((rule, i) => {
    const components = resolveComponents(catalog, rule.component);
    if (typeof components === 'string') {
      problems.push(`${where} monitors.rules[${i}].component: ${components}`);
      return;
    }
    const matchers = rule.match.map(parseMatcher).filter((m): m is LabelMatcher => typeof m !== 'string');
    rules.push({ matchers, components, state: rule.state ?? null });
  });
  const components = new Map<string, Partial<ComponentTemplates>>();
  for (const [key, settings] of Object.entries(file.components)) {
    const words = key
      .trim()
      .toLowerCase()
      .split(/[\s/]+/)
      .filter(Boolean);
    const system = words[0] ? findSystem(catalog, words[0]) : undefined;
    if (!system) {
      problems.push(`${where} monitors.components.${key}: unknown system "${words[0] ?? ''}"`);
      continue;
    }
    if (words.length === 1) {
      components.set(system.id, settingsOf(settings));
      continue;
    }
    const resolved = resolveComponents(catalog, key);
    if (typeof resolved === 'string' || resolved.length !== 1 || !resolved[0]) {
      problems.push(
        `${where} monitors.components.${key}: ${typeof resolved === 'string' ? resolved : 'expected one system and one service'}`,
      );
      continue;
    }
    components.set(componentKeyText(resolved[0]), settingsOf(settings));
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    config: {
      flapWindowMs: durationToMs(file.flap_window),
      expireAfterMs: durationToMs(file.expire_after),
      stateLabel: file.state_label,
      states: file.states,
      componentLabel: file.component_label,
      rules,
      components,
      proposeDuringMaintenance: file.propose_during_maintenance,
      hooks,
    },
  };
}

/** `nc018 smtp`: how the configuration and the metrics name one component. */
export const componentKeyText = (k: ComponentKey): string => `${k.system} ${k.service}`;

/** A component's templates and settings: its own, over its system's, over the defaults. */
export function templatesFor(config: MonitorsConfig, key: ComponentKey): ComponentTemplates {
  const own = config.components.get(componentKeyText(key)) ?? {};
  const system = config.components.get(key.system) ?? {};
  const merged = { ...system, ...own };
  return {
    title: merged.title ?? null,
    message: merged.message ?? '',
    resolved: merged.resolved ?? DEFAULT_MESSAGES.resolved,
    publishAfterMs: merged.publishAfterMs ?? null,
    proposeDuringMaintenance: merged.proposeDuringMaintenance ?? config.proposeDuringMaintenance,
  };
}
