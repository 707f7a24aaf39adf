// Signed input is hostile input too: an interaction's body is checked against the shape Herald's handlers
// read before anything reads it. Anything else (null, a number, an array, missing fields, wrong types) gets
// a clear 400, never a crash.

import { type APIInteraction, InteractionType } from 'discord-api-types/v10';
import { z } from 'zod';

const str = z.string();
const snowflake = str.min(1).max(32);
const user = z.looseObject({
  id: snowflake,
  username: str.optional(),
  global_name: str.nullable().optional(),
});
const commandData = z.looseObject({
  name: str,
  type: z.number(),
  // Options of any shape: a form Herald cannot read is refused by name (discord-autocomplete.ts reads them
  // defensively), not with a bare 400.
  options: z.unknown().optional(),
});
const component = z.looseObject({ custom_id: str.optional(), value: str.optional() });
const base = z.looseObject({
  id: snowflake,
  application_id: snowflake,
  token: str.min(1),
  type: z.number(),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.looseObject({ id: snowflake }).optional(),
  member: z
    .looseObject({ user: user.optional(), roles: z.array(str).optional(), nick: str.nullable().optional() })
    .optional(),
  user: user.optional(),
});
const byType = new Map<number, z.ZodType>([
  [InteractionType.Ping, z.looseObject({ type: z.literal(InteractionType.Ping) })],
  [InteractionType.ApplicationCommand, base.extend({ data: commandData })],
  [InteractionType.ApplicationCommandAutocomplete, base.extend({ data: commandData })],
  [
    InteractionType.MessageComponent,
    base.extend({ data: z.looseObject({ custom_id: str }), message: z.looseObject({}).optional() }),
  ],
  [
    InteractionType.ModalSubmit,
    base.extend({
      data: z.looseObject({
        custom_id: str,
        components: z.array(
          z.looseObject({ component: component.optional(), components: z.array(component).optional() }),
        ),
      }),
      message: z.looseObject({}).optional(),
    }),
  ],
]);

/** The interaction, when its body has the shape Herald reads; null otherwise. */
export function readInteraction(body: unknown): APIInteraction | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const type = (body as { type?: unknown }).type;
  const schema = typeof type === 'number' ? byType.get(type) : undefined;
  return schema?.safeParse(body).success ? (body as APIInteraction) : null;
}
