// A local stand-in for Discord on 127.0.0.1: the REST API (v10) and the gateway, as discord.js and
// @discordjs/rest use them. Gateway: HELLO, IDENTIFY (the token checked) → READY with no guilds, heartbeats
// ACKed, and dispatches of the test's choosing (INTERACTION_CREATE). REST: interaction callbacks (204 with no
// content type; a second callback for one interaction is refused with 40060, as Discord does), edits of the
// original answer (refused before the callback), follow-ups, command registration (PUT, echoed with ids),
// channel messages (bot token checked, 2000 characters, `enforce_nonce`), direct-message channels the bot
// opens (POST /users/@me/channels) and messages in them, threads started from messages, the
// bot's user and application (GET /users/@me, /applications/@me, for `herald doctor`), and
// faults to inject: a 429 with Discord's headers, or any error status. Also: signed HTTP interactions, and
// interaction payloads shaped as Discord sends them.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { closeServer, listenOnLoopback } from './loopback.js';

export const FAKE_DISCORD_TOKEN = TEST_CREDENTIALS.discordToken;
export const FAKE_APPLICATION_ID = '1100000000000000001';
export const FAKE_GUILD_ID = '1100000000000000002';
export const FAKE_CHANNEL_ID = '1100000000000000003';
/** Where the monitors' proposals are shown (DISCORD_STAFF_CHANNEL). */
export const FAKE_STAFF_CHANNEL_ID = '1100000000000000005';
export const FAKE_BOT_USER = { id: '1100000000000000004', username: 'herald', discriminator: '0', bot: true };

export interface FakeDiscordRequest {
  method: string;
  /** The path after `/api/v10`, decoded (`/webhooks/1/tok/messages/@original`). */
  path: string;
  /** `POST /channels/:id/messages`: the route the request matched. */
  route: string;
  authorization: string | null;
  body: unknown;
  status: number;
}

export interface FakeMessage {
  id: string;
  channelId: string;
  content: string;
  body: Record<string, unknown>;
}

export interface FakeThread {
  id: string;
  parentId: string;
  messageId: string;
  name: string;
}

export interface FakeInteractionMessage {
  interactionId: string | null;
  applicationId: string;
  token: string;
  body: Record<string, unknown>;
}

export type DiscordFault = { route?: string; times?: number } & (
  | { kind: 'rate-limit'; retryAfter: number; global?: boolean }
  | { kind: 'status'; status: number; code: number; message: string }
);

export interface FakeDiscord {
  /** `http://127.0.0.1:PORT/api`: the REST base to give the client (DISCORD_API_URL). */
  apiUrl: string;
  requests: FakeDiscordRequest[];
  /** Interaction callbacks, in order (the first answer to each interaction). */
  callbacks: Array<{ interactionId: string; token: string; body: Record<string, unknown> }>;
  /** Edits of an interaction's original answer. */
  edits: FakeInteractionMessage[];
  followUps: FakeInteractionMessage[];
  commandPuts: Array<{ guildId: string | null; authorization: string | null; body: unknown }>;
  messages: FakeMessage[];
  /** Edits of channel messages (PATCH /channels/:id/messages/:id); the message in `messages` is changed. */
  messageEdits: Array<{ channelId: string; messageId: string; body: Record<string, unknown> }>;
  threads: FakeThread[];
  /** Direct-message channels the bot opened (POST /users/@me/channels): channel id by the user's id. */
  dms: Map<string, string>;
  /** Gateway: IDENTIFY payloads received, heartbeats ACKed, sessions open. */
  identifies: Array<Record<string, unknown>>;
  heartbeats: number;
  sessions(): number;
  /** Sends a dispatch (op 0) to every connected gateway session. */
  dispatch(event: string, data: unknown): void;
  /**
   * What Discord does with the answer to an interaction it POSTed to Herald's endpoint: the HTTP response
   * is the callback (recorded like one, and the interaction's token then takes edits).
   */
  answered(interaction: { id?: unknown; token?: unknown }, response: unknown): void;
  /** The latest edit of an interaction's answer (by its token). */
  answer(token: string): Record<string, unknown> | undefined;
  setFault(fault: DiscordFault | null): void;
  close(): Promise<void>;
}

let snowflake = 1_200_000_000_000_000_000n;
export const nextSnowflake = (): string => String(++snowflake);

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const json = (status: number, body: unknown): Reply => ({ status, body });
const error = (status: number, code: number, message: string): Reply => json(status, { code, message });

const ROUTES: Array<[method: string, pattern: RegExp, route: string]> = [
  ['GET', /^\/gateway\/bot$/, 'GET /gateway/bot'],
  ['GET', /^\/users\/@me$/, 'GET /users/@me'],
  ['GET', /^\/applications\/@me$/, 'GET /applications/@me'],
  ['POST', /^\/users\/@me\/channels$/, 'POST /users/@me/channels'],
  ['POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, 'POST /interactions/:id/:token/callback'],
  [
    'PATCH',
    /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
    'PATCH /webhooks/:app/:token/messages/@original',
  ],
  ['POST', /^\/webhooks\/(\d+)\/([^/]+)$/, 'POST /webhooks/:app/:token'],
  ['PUT', /^\/applications\/(\d+)\/commands$/, 'PUT /applications/:app/commands'],
  [
    'PUT',
    /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
    'PUT /applications/:app/guilds/:guild/commands',
  ],
  ['GET', /^\/channels\/(\d+)$/, 'GET /channels/:id'],
  ['POST', /^\/channels\/(\d+)\/messages$/, 'POST /channels/:id/messages'],
  ['PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/, 'PATCH /channels/:id/messages/:id'],
  ['POST', /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/, 'POST /channels/:id/messages/:id/threads'],
];

export async function startFakeDiscord(
  options: {
    token?: string;
    applicationId?: string;
    heartbeatIntervalMs?: number;
    /** The application's public key, as GET /applications/@me answers it (`verify_key`). */
    publicKey?: string;
  } = {},
): Promise<FakeDiscord> {
  const token = options.token ?? FAKE_DISCORD_TOKEN;
  const applicationId = options.applicationId ?? FAKE_APPLICATION_ID;
  const heartbeatInterval = options.heartbeatIntervalMs ?? 400;
  const requests: FakeDiscordRequest[] = [];
  const callbacks: FakeDiscord['callbacks'] = [];
  const edits: FakeInteractionMessage[] = [];
  const followUps: FakeInteractionMessage[] = [];
  const commandPuts: FakeDiscord['commandPuts'] = [];
  const messages: FakeMessage[] = [];
  const messageEdits: FakeDiscord['messageEdits'] = [];
  const threads: FakeThread[] = [];
  const dms = new Map<string, string>();
  const identifies: Array<Record<string, unknown>> = [];
  const acknowledged = new Set<string>();
  const nonces = new Map<string, FakeMessage>();
  const sockets = new Set<WebSocket>();
  const sequence = new WeakMap<WebSocket, number>();
  let heartbeats = 0;
  let fault: (DiscordFault & { left: number }) | null = null;

  const server = http.createServer();
  await listenOnLoopback(server, 0);
  const port = (server.address() as AddressInfo).port;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  const isBot = (auth: string | null) => auth === `Bot ${token}`;
  const channelExists = (id: string) =>
    id === FAKE_CHANNEL_ID ||
    id === FAKE_STAFF_CHANNEL_ID ||
    threads.some((t) => t.id === id) ||
    [...dms.values()].includes(id);

  function takeFault(route: string): DiscordFault | null {
    if (!fault || fault.left <= 0 || (fault.route && fault.route !== route)) return null;
    fault.left--;
    return fault;
  }

  function faultReply(f: DiscordFault): Reply {
    if (f.kind === 'status') return error(f.status, f.code, f.message);
    return {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: f.retryAfter, global: f.global ?? false },
      headers: {
        'retry-after': String(Math.ceil(f.retryAfter)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(f.retryAfter),
        'x-ratelimit-bucket': 'fake-bucket',
        'x-ratelimit-scope': 'user',
        ...(f.global ? { 'x-ratelimit-global': 'true' } : {}),
      },
    };
  }

  function message(channelId: string, body: Record<string, unknown>): FakeMessage {
    return { id: nextSnowflake(), channelId, content: String(body.content ?? ''), body };
  }

  const messageJson = (m: FakeMessage) => ({
    id: m.id,
    channel_id: m.channelId,
    type: 0,
    content: m.content,
    author: FAKE_BOT_USER,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: (m.body.embeds as unknown[]) ?? [],
    pinned: false,
    flags: Number(m.body.flags ?? 0),
    components: (m.body.components as unknown[]) ?? [],
  });

  function handle(
    method: string,
    path: string,
    route: string,
    params: string[],
    auth: string | null,
    body: unknown,
  ): Reply {
    const b = (body ?? {}) as Record<string, unknown>;
    switch (route) {
      case 'GET /gateway/bot':
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        return json(200, {
          url: gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
        });
      case 'GET /users/@me':
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        return json(200, { ...FAKE_BOT_USER, global_name: null, avatar: null });
      case 'GET /applications/@me':
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        return json(200, {
          id: applicationId,
          name: 'Herald',
          verify_key: options.publicKey ?? '',
          bot: { ...FAKE_BOT_USER },
        });
      case 'POST /users/@me/channels': {
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        const recipient = typeof b.recipient_id === 'string' ? b.recipient_id : '';
        if (!/^\d{17,20}$/.test(recipient)) return error(400, 50035, 'Invalid Form Body');
        const id = dms.get(recipient) ?? nextSnowflake();
        dms.set(recipient, id);
        const user = { id: recipient, username: 'user', discriminator: '0', global_name: null, avatar: null };
        return json(200, { id, type: 1, last_message_id: null, flags: 0, recipients: [user] });
      }
      case 'POST /interactions/:id/:token/callback': {
        const [id = '', tok = ''] = params;
        if (acknowledged.has(id)) return error(400, 40060, 'Interaction has already been acknowledged.');
        acknowledged.add(tok);
        acknowledged.add(id);
        callbacks.push({ interactionId: id, token: tok, body: b });
        return { status: 204 };
      }
      case 'PATCH /webhooks/:app/:token/messages/@original': {
        const [app = '', tok = ''] = params;
        if (app !== applicationId || !acknowledged.has(tok)) return error(404, 10008, 'Unknown Message');
        edits.push({ interactionId: null, applicationId: app, token: tok, body: b });
        return json(200, messageJson(message('0', b)));
      }
      case 'POST /webhooks/:app/:token': {
        const [app = '', tok = ''] = params;
        if (app !== applicationId || !acknowledged.has(tok)) return error(404, 10015, 'Unknown Webhook');
        followUps.push({ interactionId: null, applicationId: app, token: tok, body: b });
        return json(200, messageJson(message('0', b)));
      }
      case 'PUT /applications/:app/commands':
      case 'PUT /applications/:app/guilds/:guild/commands': {
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        if (params[0] !== applicationId) return error(403, 50001, 'Missing Access');
        if (!Array.isArray(body)) return error(400, 50035, 'Invalid Form Body');
        commandPuts.push({ guildId: params[1] ?? null, authorization: auth, body });
        return json(
          200,
          body.map((c: Record<string, unknown>) => ({
            ...c,
            id: nextSnowflake(),
            application_id: applicationId,
            version: nextSnowflake(),
            ...(params[1] ? { guild_id: params[1] } : {}),
          })),
        );
      }
      case 'GET /channels/:id':
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        if (params[0] !== FAKE_CHANNEL_ID) return error(404, 10003, 'Unknown Channel');
        return json(200, { id: FAKE_CHANNEL_ID, type: 0, guild_id: FAKE_GUILD_ID, name: 'status' });
      case 'POST /channels/:id/messages': {
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        const [channelId = ''] = params;
        if (!channelExists(channelId)) return error(404, 10003, 'Unknown Channel');
        const content = typeof b.content === 'string' ? b.content : '';
        if (!content || [...content].length > 2000) return error(400, 50035, 'Invalid Form Body');
        const nonce = typeof b.nonce === 'string' ? b.nonce : null;
        const earlier = nonce && b.enforce_nonce === true ? nonces.get(nonce) : undefined;
        if (earlier) return json(200, messageJson(earlier));
        const m = message(channelId, b);
        messages.push(m);
        if (nonce) nonces.set(nonce, m);
        return json(200, messageJson(m));
      }
      case 'PATCH /channels/:id/messages/:id': {
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        const [channelId = '', messageId = ''] = params;
        const found = messages.find((m) => m.id === messageId && m.channelId === channelId);
        if (!found) return error(404, 10008, 'Unknown Message');
        if (typeof b.content === 'string' && [...b.content].length > 2000)
          return error(400, 50035, 'Invalid Form Body');
        found.body = { ...found.body, ...b };
        if (typeof b.content === 'string') found.content = b.content;
        messageEdits.push({ channelId, messageId, body: b });
        return json(200, messageJson(found));
      }
      case 'POST /channels/:id/messages/:id/threads': {
        if (!isBot(auth)) return error(401, 0, '401: Unauthorized');
        const [channelId = '', messageId = ''] = params;
        if (!messages.some((m) => m.id === messageId && m.channelId === channelId))
          return error(404, 10008, 'Unknown Message');
        if (threads.some((t) => t.id === messageId))
          return error(400, 160004, 'A thread has already been created for this message');
        const name = typeof b.name === 'string' ? b.name : '';
        if (name.length < 1 || name.length > 100) return error(400, 50035, 'Invalid Form Body');
        const thread = { id: messageId, parentId: channelId, messageId, name };
        threads.push(thread);
        return json(201, { id: thread.id, type: 11, parent_id: channelId, guild_id: FAKE_GUILD_ID, name });
      }
      default:
        return error(404, 0, `404: Not Found (${method} ${path})`);
    }
  }

  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
      const method = req.method ?? 'GET';
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const auth = req.headers.authorization ?? null;
      const matched = ROUTES.map(([m, re, route]) =>
        m === method ? { route, hit: re.exec(path) } : null,
      ).find((x) => x?.hit);
      const route = matched?.route ?? `${method} ${path}`;
      const f = takeFault(route);
      const reply = f ? faultReply(f) : handle(method, path, route, matched?.hit?.slice(1) ?? [], auth, body);
      requests.push({ method, path, route, authorization: auth, body, status: reply.status });
      if (reply.body === undefined) {
        // Discord's 204 has no content type; @discordjs/rest would parse an empty JSON body and fail.
        res.writeHead(reply.status, reply.headers ?? {});
        res.end();
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      }
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/gateway')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, payload: Record<string, unknown>) => ws.send(JSON.stringify(payload));
  const dispatchTo = (ws: WebSocket, t: string, d: unknown) => {
    const s = (sequence.get(ws) ?? 0) + 1;
    sequence.set(ws, s);
    send(ws, { op: 0, t, s, d });
  };

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    send(ws, { op: 10, s: null, t: null, d: { heartbeat_interval: heartbeatInterval } });
    ws.on('message', (data) => {
      const packet = JSON.parse(String(data)) as { op: number; d: Record<string, unknown> };
      if (packet.op === 1) {
        heartbeats++;
        send(ws, { op: 11, s: null, t: null, d: null });
      } else if (packet.op === 2) {
        identifies.push(packet.d);
        if (packet.d.token !== token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        dispatchTo(ws, 'READY', {
          v: 10,
          user: { ...FAKE_BOT_USER, global_name: null, avatar: null },
          guilds: [],
          session_id: `session-${nextSnowflake()}`,
          resume_gateway_url: gatewayUrl,
          shard: [0, 1],
          application: { id: applicationId, flags: 0 },
        });
      }
    });
  });

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    requests,
    callbacks,
    edits,
    followUps,
    commandPuts,
    messages,
    messageEdits,
    threads,
    dms,
    identifies,
    get heartbeats() {
      return heartbeats;
    },
    sessions: () => sockets.size,
    dispatch(event, data) {
      for (const ws of sockets) dispatchTo(ws, event, data);
    },
    answered(interaction, response) {
      const id = String(interaction.id);
      const tok = String(interaction.token);
      if (!response || typeof response !== 'object' || !('type' in response) || acknowledged.has(id)) return;
      acknowledged.add(id);
      acknowledged.add(tok);
      callbacks.push({ interactionId: id, token: tok, body: response as Record<string, unknown> });
    },
    answer(tok) {
      return edits.filter((e) => e.token === tok).at(-1)?.body;
    },
    setFault(f) {
      fault = f ? { ...f, left: f.times ?? 1 } : null;
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}

// ------------------------------------------------------------------------------ signed HTTP interactions

export interface InteractionSigner {
  /** The application's public key, as the Developer Portal shows it (DISCORD_PUBLIC_KEY). */
  publicKey: string;
  sign(body: string, timestamp?: string): { signature: string; timestamp: string };
}

export function createInteractionSigner(): InteractionSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    publicKey: Buffer.from(jwk.x ?? '', 'base64url').toString('hex'),
    sign(body, timestamp = String(Math.floor(Date.now() / 1000))) {
      return { signature: signWith(privateKey, timestamp, body), timestamp };
    },
  };
}

const signWith = (key: KeyObject, timestamp: string, body: string): string =>
  sign(null, Buffer.from(timestamp + body), key).toString('hex');

/** POSTs an interaction as Discord does: JSON, with the Ed25519 signature headers (or the ones given). */
export async function postInteraction(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Discord-Interactions/1.0', ...headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: res.status, json: parsed, text };
}

export function signedHeaders(signer: InteractionSigner, body: string): Record<string, string> {
  const { signature, timestamp } = signer.sign(body);
  return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
}

// ------------------------------------------------------------------------------ interaction payloads

export interface FakeUser {
  id: string;
  username: string;
  roles?: string[];
  nick?: string | null;
}

interface Where {
  user: FakeUser;
  guildId?: string | null;
  channelId?: string;
  id?: string;
  token?: string;
}

function base(type: number, where: Where) {
  const id = where.id ?? nextSnowflake();
  const channelId = where.channelId ?? FAKE_CHANNEL_ID;
  const user = {
    id: where.user.id,
    username: where.user.username,
    discriminator: '0',
    global_name: where.user.username,
    avatar: null,
  };
  const guildId = where.guildId === undefined ? FAKE_GUILD_ID : where.guildId;
  return {
    id,
    application_id: FAKE_APPLICATION_ID,
    type,
    token: where.token ?? `token-${id}`,
    version: 1,
    locale: 'en-GB',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: { 0: guildId ?? '0' },
    attachment_size_limit: 8_388_608,
    ...(guildId
      ? {
          guild_id: guildId,
          guild_locale: 'en-US',
          context: 0,
          channel_id: channelId,
          channel: { id: channelId, type: 0, guild_id: guildId, name: 'ops' },
          member: {
            user,
            roles: where.user.roles ?? [],
            nick: where.user.nick ?? null,
            joined_at: '2020-01-01T00:00:00.000Z',
            permissions: '0',
            deaf: false,
            mute: false,
            flags: 0,
          },
        }
      : {
          context: 1,
          channel_id: channelId,
          channel: { id: channelId, type: 1, recipients: [user] },
          user,
        }),
  };
}

type OptionValue = string | number;

function optionsOf(subcommand: string, values: Record<string, OptionValue>, focused?: string) {
  return [
    {
      type: 1,
      name: subcommand,
      options: Object.entries(values).map(([name, value]) => ({
        name,
        type: typeof value === 'number' ? 4 : 3,
        value,
        ...(name === focused ? { focused: true } : {}),
      })),
    },
  ];
}

/** `/status <subcommand>` with its options, as a chat-input APPLICATION_COMMAND (type 2). */
export function commandInteraction(
  where: Where,
  subcommand: string,
  values: Record<string, OptionValue> = {},
): Record<string, unknown> {
  return {
    ...base(2, where),
    data: { id: '1300000000000000001', name: 'status', type: 1, options: optionsOf(subcommand, values) },
  };
}

/** Typing in an option with autocomplete (type 4); `focused` names the option being typed. */
export function autocompleteInteraction(
  where: Where,
  subcommand: string,
  values: Record<string, OptionValue>,
  focused: string,
): Record<string, unknown> {
  return {
    ...base(4, where),
    data: {
      id: '1300000000000000001',
      name: 'status',
      type: 1,
      options: optionsOf(subcommand, values, focused),
    },
  };
}

/** A button press (MESSAGE_COMPONENT, type 3) on an ephemeral message. */
export function buttonInteraction(where: Where, customId: string): Record<string, unknown> {
  return {
    ...base(3, where),
    message: { id: nextSnowflake(), channel_id: where.channelId ?? FAKE_CHANNEL_ID, flags: 64, content: '' },
    data: { custom_id: customId, component_type: 2 },
  };
}

/** A modal submitted (MODAL_SUBMIT, type 5) from a message's button: one text input in a Label. */
export function modalInteraction(
  where: Where,
  customId: string,
  inputId: string,
  value: string,
): Record<string, unknown> {
  return {
    ...base(5, where),
    message: { id: nextSnowflake(), channel_id: where.channelId ?? FAKE_CHANNEL_ID, flags: 64, content: '' },
    data: {
      custom_id: customId,
      components: [{ type: 18, id: 1, component: { type: 4, id: 2, custom_id: inputId, value } }],
    },
  };
}
