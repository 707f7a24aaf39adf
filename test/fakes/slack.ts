// A local Slack on 127.0.0.1, as much of one as Herald meets. The Web API (`/api/<method>`, bearer
// tokens, form or JSON bodies, Slack's `{ok:false,error}` answers, 429 with Retry-After; chat.postMessage to
// the announcement channel, or to a user id for a direct message), the response_urls
// (`/response/<key>`, five uses each), and the Socket Mode server (`apps.connections.open` with the app
// token, then a WebSocket that says hello, sends envelopes and takes acks). It also plays Slack's side
// towards Herald: slash-command and interaction payloads, signed as Slack signs them for HTTP mode.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/chat/slack.js';
import { createHttpApp, listen, type RunningServer } from '../../src/server.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';
import { closeServer, listenOnLoopback } from './loopback.js';

export const FAKE_SLACK = {
  ...TEST_CREDENTIALS.slack,
  teamId: 'T0HERALD',
  botUserId: 'U0HERALDBOT',
  botId: 'B0HERALD',
  announceChannel: 'C0ANNOUNCE',
  commandChannel: 'C0OPS',
  /** Where the monitors' proposals are shown (SLACK_STAFF_CHANNEL). */
  staffChannel: 'C0STAFF',
};

/** The app's direct-message channel with a user: where chat.postMessage to their user id writes. */
export const dmChannelOf = (userId: string): string => `D${userId.slice(1)}`;

export interface FakeSlackUser {
  id: string;
  name: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts: string | null;
  metadata: { event_type: string; event_payload: Record<string, unknown> } | null;
}

export interface FakeCall {
  method: string;
  token: string | null;
  args: Record<string, unknown>;
  /** The HTTP status answered, or `lost` (the request was taken and the connection cut). */
  outcome: number | 'lost';
}

export interface FakeResponse {
  key: string;
  body: Record<string, unknown>;
  /** Whether Slack took it (a response_url takes five). */
  accepted: boolean;
}

export interface FakeView {
  triggerId: string;
  view: {
    callback_id?: string;
    private_metadata?: string;
    blocks?: Array<{ block_id?: string; element?: { action_id?: string; initial_value?: string } }>;
  };
}

/** `times`: how many matching calls the fault hits (default 1). */
export type SlackFault = { method: string; times?: number } & (
  | { kind: 'rate-limit'; retryAfter: number }
  | { kind: 'error'; error: string }
  /** Does what was asked (a message is posted), then cuts the connection before answering. */
  | { kind: 'lose-response' }
);

export interface FakeSlack {
  /** `http://127.0.0.1:PORT/api/`: SLACK_API_URL. */
  apiUrl: string;
  origin: string;
  calls: FakeCall[];
  messages: FakeMessage[];
  responses: FakeResponse[];
  views: FakeView[];
  /** chat.update calls that changed a message (the message itself is changed in `messages`). */
  updates: Array<{ channel: string; ts: string; text: string; blocks: unknown[] }>;
  /** User groups with their members (usergroups.list). */
  usergroups: Array<{ id: string; handle: string; users: string[] }>;
  setFault(fault: SlackFault | null): void;
  /** A response_url for a new request. */
  responseUrl(key: string): string;
  responsesTo(key: string): FakeResponse[];
  /** Waits until `find` returns something. */
  waitFor<T>(what: string, find: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Socket Mode: sends an envelope to the connected app and resolves with its ack. */
  sendEnvelope(
    type: 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
    options?: { retryAttempt?: number },
  ): Promise<{ envelope_id: string; payload?: unknown }>;
  /** Open Socket Mode connections. */
  sockets(): number;
  close(): Promise<void>;
}

const json = (
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

/** A form or JSON body as Slack reads it: form fields that hold JSON (blocks, metadata) parsed. */
function parseBody(body: string, type: string | undefined): Record<string, unknown> {
  if (type?.startsWith('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    try {
      args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      args[k] = v;
    }
  }
  return args;
}

export async function startFakeSlack(options: { now?: () => number } = {}): Promise<FakeSlack> {
  const now = options.now ?? Date.now;
  const calls: FakeCall[] = [];
  const messages: FakeMessage[] = [];
  const responses: FakeResponse[] = [];
  const views: FakeView[] = [];
  const updates: FakeSlack['updates'] = [];
  const usergroups: FakeSlack['usergroups'] = [];
  const sockets = new Set<WebSocket>();
  const acks = new Map<string, (ack: { envelope_id: string; payload?: unknown }) => void>();
  let fault: (SlackFault & { left: number }) | null = null;
  let seq = 0;
  let envelopes = 0;

  const newTs = () => `${Math.floor(now() / 1000)}.${String(++seq).padStart(6, '0')}`;

  function takeFault(method: string): SlackFault | null {
    if (!fault || fault.method !== method || fault.left <= 0) return null;
    fault.left--;
    return fault;
  }

  /** One Web API method: its answer, given the caller's token. */
  function api(method: string, token: string | null, args: Record<string, unknown>): Record<string, unknown> {
    const fail = (error: string) => ({ ok: false, error });
    if (method === 'apps.connections.open') {
      if (token !== FAKE_SLACK.appToken) return fail('invalid_auth');
      return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${++seq}` };
    }
    if (token !== FAKE_SLACK.botToken) return fail(token ? 'invalid_auth' : 'not_authed');
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://herald-test.slack.com/',
          team: 'Herald test',
          user: 'herald',
          team_id: FAKE_SLACK.teamId,
          user_id: FAKE_SLACK.botUserId,
          bot_id: FAKE_SLACK.botId,
        };
      case 'chat.postMessage': {
        const asked = String(args.channel ?? '');
        // To a user id, Slack writes in the app's direct messages with them, and answers that channel's id.
        const channel = /^[UW][A-Z0-9]+$/.test(asked) ? dmChannelOf(asked) : asked;
        const known = [FAKE_SLACK.announceChannel, FAKE_SLACK.staffChannel];
        if (!known.includes(channel) && channel === asked) return fail('channel_not_found');
        const thread = typeof args.thread_ts === 'string' ? args.thread_ts : null;
        if (thread && !messages.some((m) => m.ts === thread && m.channel === channel && !m.thread_ts))
          return fail('thread_not_found');
        if (typeof args.text !== 'string' && !Array.isArray(args.blocks)) return fail('no_text');
        const message: FakeMessage = {
          channel,
          ts: newTs(),
          text: String(args.text ?? ''),
          blocks: Array.isArray(args.blocks) ? args.blocks : [],
          thread_ts: thread,
          metadata: (args.metadata as FakeMessage['metadata']) ?? null,
        };
        messages.push(message);
        return { ok: true, channel, ts: message.ts, message: { text: message.text, ts: message.ts } };
      }
      case 'chat.update': {
        const channel = String(args.channel ?? '');
        const found = messages.find((m) => m.channel === channel && m.ts === args.ts);
        if (!found) return fail('message_not_found');
        if (typeof args.text !== 'string' && !Array.isArray(args.blocks)) return fail('no_text');
        found.text = String(args.text ?? '');
        found.blocks = Array.isArray(args.blocks) ? args.blocks : [];
        updates.push({ channel, ts: found.ts, text: found.text, blocks: found.blocks });
        return { ok: true, channel, ts: found.ts, text: found.text };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        const channel = String(args.channel ?? '');
        if (channel !== FAKE_SLACK.announceChannel) return fail('channel_not_found');
        const withMeta = args.include_all_metadata === true || args.include_all_metadata === 'true';
        const shown = (m: FakeMessage) => ({
          type: 'message',
          ts: m.ts,
          text: m.text,
          ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
          ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
        });
        const inChannel = messages.filter((m) => m.channel === channel);
        if (method === 'conversations.history')
          return {
            ok: true,
            messages: inChannel
              .filter((m) => !m.thread_ts)
              .reverse()
              .map(shown),
            has_more: false,
          };
        const root = inChannel.find((m) => m.ts === args.ts);
        if (!root) return fail('thread_not_found');
        return { ok: true, messages: [root, ...inChannel.filter((m) => m.thread_ts === root.ts)].map(shown) };
      }
      case 'usergroups.list':
        return {
          ok: true,
          usergroups: usergroups.map((g) => ({
            id: g.id,
            handle: g.handle,
            name: g.handle,
            ...(args.include_users === true || args.include_users === 'true' ? { users: g.users } : {}),
          })),
        };
      case 'views.open': {
        const triggerId = String(args.trigger_id ?? '');
        if (!triggerId) return fail('invalid_trigger_id');
        const view = args.view as FakeView['view'];
        views.push({ triggerId, view });
        return { ok: true, view: { id: `V${++seq}`, ...view } };
      }
      default:
        return fail('unknown_method');
    }
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const responseKey = /^\/response\/([^/]+)$/.exec(url.pathname)?.[1];
    if (responseKey && req.method === 'POST') {
      const accepted = responses.filter((r) => r.key === responseKey && r.accepted).length < 5;
      responses.push({
        key: responseKey,
        body: JSON.parse(raw || '{}') as Record<string, unknown>,
        accepted,
      });
      if (accepted) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('used_url');
      }
      return;
    }
    const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1];
    if (!method || req.method !== 'POST') {
      json(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    const args = parseBody(raw, req.headers['content-type']);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const token = bearer ?? (typeof args.token === 'string' ? args.token : null);
    const call: FakeCall = { method, token, args, outcome: 200 };
    calls.push(call);
    const injected = takeFault(method);
    if (injected?.kind === 'rate-limit') {
      call.outcome = 429;
      json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(injected.retryAfter) });
      return;
    }
    if (injected?.kind === 'error') {
      json(res, 200, { ok: false, error: injected.error });
      return;
    }
    const answer = api(method, token, args);
    if (injected?.kind === 'lose-response') {
      call.outcome = 'lost';
      req.socket.destroy();
      return;
    }
    json(res, 200, answer);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/link/')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      // Slack pings now and then; the client takes a long silence for a dead connection.
      const ping = setInterval(() => ws.ping(), 10_000);
      ping.unref();
      ws.on('close', () => {
        clearInterval(ping);
        sockets.delete(ws);
      });
      ws.on('message', (data) => {
        const ack = JSON.parse(String(data)) as { envelope_id: string; payload?: unknown };
        acks.get(ack.envelope_id)?.(ack);
        acks.delete(ack.envelope_id);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: {},
          connection_info: { app_id: 'A0HERALD' },
        }),
      );
    });
  });
  await listenOnLoopback(server, 0);
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${origin}/api/`,
    origin,
    calls,
    messages,
    responses,
    views,
    updates,
    usergroups,
    setFault(next) {
      fault = next ? { ...next, left: next.times ?? 1 } : null;
    },
    responseUrl: (key) => `${origin}/response/${key}`,
    responsesTo: (key) => responses.filter((r) => r.key === key),
    async waitFor(what, find, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = find();
        if (found) return found;
        if (Date.now() > until) throw new Error(`fake Slack: timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    sendEnvelope(type, payload, opts = {}) {
      const ws = [...sockets].at(-1);
      if (!ws) return Promise.reject(new Error('fake Slack: no Socket Mode connection'));
      const envelope_id = `env-${++envelopes}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake Slack: no ack for ${envelope_id}`)), 5_000);
        acks.set(envelope_id, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        ws.send(
          JSON.stringify({
            envelope_id,
            type,
            accepts_response_payload: type === 'slash_commands',
            payload,
            ...(opts.retryAttempt ? { retry_attempt: opts.retryAttempt, retry_reason: 'timeout' } : {}),
          }),
        );
      });
    },
    sockets: () => sockets.size,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}

// Slack's side of a request to Herald.

let triggers = 0;
/** A trigger_id, unique per request as Slack's are. */
export const newTriggerId = (): string =>
  `${Date.now()}.${++triggers}.fake${Math.random().toString(16).slice(2, 10)}`;

export interface SlashCommandOptions {
  text: string;
  user?: FakeSlackUser;
  channel?: string;
  triggerId?: string;
  /** The key of its response_url on the fake. */
  responseKey: string;
}

/** A slash command's fields, as Slack sends them (form fields over HTTP, the payload in Socket Mode). */
export function slashCommand(
  fake: Pick<FakeSlack, 'responseUrl'>,
  o: SlashCommandOptions,
): Record<string, string> {
  const user = o.user ?? { id: 'U0STAFF', name: 'ann' };
  return {
    token: 'deprecated-verification-token',
    team_id: FAKE_SLACK.teamId,
    team_domain: 'herald-test',
    channel_id: o.channel ?? FAKE_SLACK.commandChannel,
    channel_name: 'ops',
    user_id: user.id,
    user_name: user.name,
    command: '/status',
    text: o.text,
    api_app_id: 'A0HERALD',
    is_enterprise_install: 'false',
    response_url: fake.responseUrl(o.responseKey),
    trigger_id: o.triggerId ?? newTriggerId(),
  };
}

/** A press on a button of an ephemeral message, as a block_actions payload. */
export function buttonPress(
  fake: FakeSlack,
  o: { actionId: string; value: string; user?: FakeSlackUser; responseKey: string; channel?: string },
): Record<string, unknown> {
  const user = o.user ?? { id: 'U0STAFF', name: 'ann' };
  const channel = o.channel ?? FAKE_SLACK.commandChannel;
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: FAKE_SLACK.teamId },
    api_app_id: 'A0HERALD',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: channel, is_ephemeral: true },
    trigger_id: newTriggerId(),
    team: { id: FAKE_SLACK.teamId, domain: 'herald-test' },
    channel: { id: channel, name: 'ops' },
    response_url: fake.responseUrl(o.responseKey),
    actions: [
      {
        type: 'button',
        action_id: o.actionId,
        block_id: 'herald_preview',
        value: o.value,
        text: { type: 'plain_text', text: o.actionId },
        action_ts: '1700000000.000200',
      },
    ],
  };
}

/** The submission of a modal Herald opened, with `text` typed into its input. */
export function viewSubmission(view: FakeView, text: string, user?: FakeSlackUser): Record<string, unknown> {
  const who = user ?? { id: 'U0STAFF', name: 'ann' };
  const input = view.view.blocks?.find((b) => b.element?.action_id);
  const blockId = input?.block_id ?? 'command';
  const actionId = input?.element?.action_id ?? 'text';
  return {
    type: 'view_submission',
    team: { id: FAKE_SLACK.teamId, domain: 'herald-test' },
    user: { id: who.id, username: who.name, name: who.name, team_id: FAKE_SLACK.teamId },
    api_app_id: 'A0HERALD',
    token: 'deprecated-verification-token',
    trigger_id: newTriggerId(),
    view: {
      id: 'V0EDIT',
      team_id: FAKE_SLACK.teamId,
      type: 'modal',
      callback_id: view.view.callback_id,
      private_metadata: view.view.private_metadata ?? '',
      state: { values: { [blockId]: { [actionId]: { type: 'plain_text_input', value: text } } } },
      hash: 'fake-hash',
      blocks: view.view.blocks ?? [],
    },
  };
}

export interface SignOptions {
  secret?: string;
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
  /** A signature to send instead of the right one. */
  signature?: string;
  /** Leave the signature headers out. */
  unsigned?: boolean;
  /** Slack's retry counter header. */
  retryNum?: number;
}

/** POSTs a form body to Herald as Slack does: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export async function postSigned(
  url: string,
  form: Record<string, string>,
  o: SignOptions = {},
): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString();
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  const signature =
    o.signature ??
    `v0=${createHmac('sha256', o.secret ?? FAKE_SLACK.signingSecret)
      .update(`v0:${ts}:${body}`)
      .digest('hex')}`;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (!o.unsigned) {
    headers['x-slack-request-timestamp'] = String(ts);
    headers['x-slack-signature'] = signature;
  }
  if (o.retryNum) {
    headers['x-slack-retry-num'] = String(o.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}

/** An interaction payload as Slack posts it over HTTP: one form field, `payload`, holding the JSON. */
export const interaction = (payload: Record<string, unknown>): Record<string, string> => ({
  payload: JSON.stringify(payload),
});

// Herald with Slack, as the tests run it: the real composition root (createTestHerald), the adapter
// mounted on Herald's own HTTP server (HTTP mode) or connected to the fake (Socket Mode), the fake Slack.

export interface SlackWorldOptions {
  mode: 'http' | 'socket';
  preview?: boolean;
  /** staff.slack.users; default: ann (U0STAFF). */
  staff?: string[];
  groups?: string[];
  channels?: string[];
  now?: string;
}

export interface SentRequest {
  /** The key of the request's response_url on the fake. */
  key: string;
  triggerId: string;
  /** HTTP mode: the status and body Herald answered. Socket Mode: the ack (status 200). */
  status: number;
  ack: unknown;
}

export interface SlackWorld {
  fake: FakeSlack;
  herald: TestHerald;
  adapter: SlackAdapter;
  /** HTTP mode: POST /slack/events on Herald's server. */
  eventsUrl: string | null;
  setNow(at: string | number): void;
  /** Sends `/status <text>` as a person (ann, staff, by default) would. */
  slash(
    text: string,
    o?: { user?: FakeSlackUser; channel?: string; triggerId?: string; key?: string; retryNum?: number },
  ): Promise<SentRequest>;
  /** Presses a button of an answer. */
  press(
    actionId: string,
    value: string,
    o?: { user?: FakeSlackUser; key?: string; channel?: string },
  ): Promise<SentRequest>;
  /** Submits a modal Herald opened. */
  submit(view: FakeView, text: string, o?: { user?: FakeSlackUser }): Promise<SentRequest>;
  /** Waits for the nth (0-based) message sent to a response_url. */
  answer(key: string, n?: number): Promise<FakeResponse>;
  close(): Promise<void>;
}

let keys = 0;
const nextKey = (prefix: string) => `${prefix}-${++keys}`;

export async function startSlackWorld(o: SlackWorldOptions): Promise<SlackWorld> {
  const fake = await startFakeSlack();
  const list = (ids: string[] | undefined) => `[${(ids ?? []).map((id) => JSON.stringify(id)).join(', ')}]`;
  const swap = (text: string, from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`the shipped config no longer holds "${from}"`);
    return text.replace(from, to);
  };
  const herald = createTestHerald({
    ...(o.now ? { now: o.now } : {}),
    env: {
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_API_URL: fake.apiUrl,
      ...(o.mode === 'socket'
        ? { SLACK_APP_TOKEN: FAKE_SLACK.appToken }
        : { SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret }),
    },
    configText: (shipped) => {
      let text = swap(
        shipped,
        'users: [] # Slack user ids',
        `users: ${list(o.staff ?? ['U0STAFF'])} # Slack user ids`,
      );
      text = swap(
        text,
        'groups: [] # Slack user group ids',
        `groups: ${list(o.groups)} # Slack user group ids`,
      );
      return swap(
        text,
        'channels: [] # if not empty, changes are taken only from these channel ids',
        `channels: ${list(o.channels)}`,
      );
    },
  });
  let now = Date.parse(o.now ?? '2012-07-27T21:39:27Z');
  const slackConfig = herald.config.slack;
  if (!slackConfig) throw new Error('Slack is not configured');
  const adapter = createSlackAdapter({
    config: slackConfig,
    chat: { ...herald.config.chat, preview: o.preview ?? true },
    core: herald.herald,
    settings: herald.config.core,
    site: herald.config.site,
    log: testLog(),
    clock: { now: () => now },
  });
  let server: RunningServer | null = null;
  if (o.mode === 'http') {
    const app = createHttpApp({
      publicDir: herald.config.paths.publicDir,
      health: () => herald.herald.health(),
      log: testLog(),
      routes: adapter.routes,
    });
    server = await listen(app, '127.0.0.1', 0);
  }
  await adapter.start();
  const eventsUrl = server ? `${server.url}slack/events` : null;

  async function send(
    kind: 'slash_commands' | 'interactive',
    form: Record<string, string>,
    payload: Record<string, unknown>,
    retryNum?: number,
  ): Promise<{ status: number; ack: unknown }> {
    if (eventsUrl) {
      const r = await postSigned(eventsUrl, form, retryNum ? { retryNum } : {});
      return { status: r.status, ack: r.body };
    }
    const ack = await fake.sendEnvelope(kind, payload, retryNum ? { retryAttempt: retryNum } : {});
    return { status: 200, ack };
  }

  return {
    fake,
    herald,
    adapter,
    eventsUrl,
    setNow(at) {
      now = typeof at === 'number' ? at : Date.parse(at);
      herald.setNow(now);
    },
    async slash(text, so = {}) {
      const key = so.key ?? nextKey('slash');
      const fields = slashCommand(fake, {
        text,
        responseKey: key,
        ...(so.user ? { user: so.user } : {}),
        ...(so.channel ? { channel: so.channel } : {}),
        ...(so.triggerId ? { triggerId: so.triggerId } : {}),
      });
      const r = await send('slash_commands', fields, fields, so.retryNum);
      return { key, triggerId: fields.trigger_id ?? '', ...r };
    },
    async press(actionId, value, po = {}) {
      const key = po.key ?? nextKey('press');
      const payload = buttonPress(fake, {
        actionId,
        value,
        responseKey: key,
        ...(po.user ? { user: po.user } : {}),
        ...(po.channel ? { channel: po.channel } : {}),
      });
      const r = await send('interactive', interaction(payload), payload);
      return { key, triggerId: String(payload.trigger_id), ...r };
    },
    async submit(view, text, so = {}) {
      const payload = viewSubmission(view, text, so.user);
      const r = await send('interactive', interaction(payload), payload);
      return { key: '', triggerId: String(payload.trigger_id), ...r };
    },
    answer: (key, n = 0) => fake.waitFor(`answer ${n} to ${key}`, () => fake.responsesTo(key)[n]),
    async close() {
      await adapter.stop();
      await server?.close();
      await herald.close();
      await fake.close();
    },
  };
}

/** Every text an answer shows (its blocks and its fallback), for assertions. */
export function answerText(response: FakeResponse | Record<string, unknown>): string {
  const body =
    'body' in response && response.body && typeof response.body === 'object' ? response.body : response;
  return JSON.stringify(body);
}

/** The value of a button (by action id) in an answer. */
export function buttonValue(response: FakeResponse, actionId: string): string {
  const blocks = (response.body.blocks ?? []) as Array<{
    elements?: Array<{ action_id?: string; value?: string }>;
  }>;
  const value = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId)?.value;
  if (!value) throw new Error(`no ${actionId} button in ${JSON.stringify(response.body)}`);
  return value;
}
