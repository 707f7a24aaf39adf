// Discord errors as log fields. @discordjs/rest's errors carry the request's URL, and an interaction's URL
// holds its token (a credential for 15 minutes): logs get the status, Discord's code and message only.

import { DiscordAPIError, HTTPError, RateLimitError } from './rest.js';

export interface DiscordErrorFields {
  message: string;
  status?: number;
  code?: number | string;
}

export function discordErrorFields(error: unknown): DiscordErrorFields {
  if (error instanceof DiscordAPIError)
    return { message: error.message, status: error.status, code: error.code };
  if (error instanceof HTTPError) return { message: error.message, status: error.status };
  if (error instanceof RateLimitError) return { message: `rate limited on ${error.route}`, status: 429 };
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}

/** For `err`: Herald's own errors whole (with their stack), Discord's as fields. */
export function loggableError(error: unknown): unknown {
  const rest =
    error instanceof DiscordAPIError || error instanceof HTTPError || error instanceof RateLimitError;
  return rest ? discordErrorFields(error) : error;
}
