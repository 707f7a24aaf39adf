// Expected refusals are values with stable codes, shown to the user; only the unexpected is thrown.

export type RefusalCode =
  | 'empty'
  | 'syntax'
  | 'unbalanced_quote'
  | 'unknown_subcommand'
  | 'unknown_system'
  | 'unknown_service'
  | 'unknown_state'
  | 'missing_message'
  | 'message_too_long'
  | 'unknown_option'
  | 'unknown_template'
  | 'unfilled_placeholder'
  | 'option_value'
  | 'bad_time'
  | 'future_time'
  /** A promised next update (`--next`) at a time already past. */
  | 'past_time'
  /** A promised next update on a post that closes its incident. */
  | 'promise_on_close'
  | 'end_before_start'
  /** A post's event time (`--at`), or a close, before its incident opened (or its maintenance started). */
  | 'before_open'
  /** `cancel` of an outage or notice: only maintenance is cancelled; outages are resolved. */
  | 'not_maintenance'
  /** `resolve` of a maintenance that has not started: it would publish "completed" for work never done. */
  | 'not_started'
  /** Retracting the announcement of a maintenance still to happen: `cancel` calls it off. */
  | 'cancel_first'
  | 'unknown_incident'
  | 'ambiguous_incident'
  | 'incident_closed'
  | 'unknown_post'
  | 'post_retracted'
  | 'no_change'
  | 'bad_number'
  | 'not_staff'
  | 'unknown_preview'
  | 'not_author'
  | 'preview_expired'
  | 'preview_closed'
  /** A button of Herald's question (is the maintenance complete?) that names no question it asked. */
  | 'unknown_prompt';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** One or more sentences for the user: what was wrong and, where we can tell, what was meant. */
  message: string;
}

export type Result<T> = { ok: true; value: T } | Refusal;

export const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });
export const accept = <T>(value: T): Result<T> => ({ ok: true, value });

/** What the user typed, as quoted back in a refusal: cut after `max` characters so the answer stays readable. */
export function shorten(text: string, max = 60): string {
  // Only the head is split into characters: a pasted 5 MB word costs no more than a short one.
  const head = [...text.slice(0, 2 * max + 1)];
  return head.length > max ? `${head.slice(0, max).join('')}…` : text;
}
