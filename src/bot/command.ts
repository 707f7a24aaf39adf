// The one typed Command every chat surface is turned into. Parsing produces it; decide consumes it.

import type { TemplateUse } from './message-templates.js';
import type { DayShift } from './parse-time.js';
import type { ComponentState } from './types.js';

/** An instant as read from the user's words, kept with the words so replies can echo how they were read. */
export interface ReadTime {
  at: number;
  input: string;
  /** A bare time read as yesterday (or tomorrow) in its zone: the echo says so. */
  shifted?: DayShift;
}

/** `42`, `#42`, or an unambiguous component (`nc018 smtp`). Resolved against the store. */
export type IncidentRef =
  | { by: 'number'; number: number }
  | { by: 'component'; system: string; service: string };

/** What a post says: the text typed in quotes, or a configured template (`--template spam`) decide fills. */
export type MessageSource = string | TemplateUse;

/** `12.3`: incident 12, post number 3. */
export interface PostRef {
  incident: number;
  number: number;
}

export type Command =
  | {
      kind: 'change';
      system: string;
      services: string[];
      state: ComponentState;
      message: MessageSource;
      at: ReadTime | null;
      /** The next update promised (`--next`); absent when none was. */
      next?: ReadTime;
      tags: string[];
      title: string | null;
    }
  | {
      kind: 'update';
      incident: IncidentRef;
      message: MessageSource;
      at: ReadTime | null;
      next?: ReadTime;
      tags: string[];
      title: string | null;
      /** Continue a numbering begun before Herald (`--number 14`). */
      number: number | null;
    }
  | { kind: 'resolve'; incident: IncidentRef; message: MessageSource; at: ReadTime | null; tags: string[] }
  /** Calls a scheduled or running maintenance off, saying why: published as a cancellation, never "completed". */
  | { kind: 'cancel'; incident: IncidentRef; message: MessageSource; tags: string[] }
  | {
      kind: 'maintenance';
      system: string;
      services: string[];
      message: string;
      start: ReadTime;
      end: ReadTime | null;
      next?: ReadTime;
      tags: string[];
      title: string | null;
    }
  | {
      kind: 'notice';
      title: string;
      message: string;
      at: ReadTime | null;
      next?: ReadTime;
      tags: string[];
      number: number | null;
    }
  | { kind: 'edit'; post: PostRef; message: string }
  | { kind: 'retract'; post: PostRef; reason: string }
  | { kind: 'list' }
  | { kind: 'deliveries'; post: PostRef }
  /** `post` null: every failed delivery. */
  | { kind: 'retry'; post: PostRef | null }
  /** Subscriber counts for staff (issue 16). */
  | { kind: 'subscribers' }
  /** The monitors' proposals for staff (issue 17); `all`: every decided one, not only the latest. */
  | { kind: 'proposals'; all: boolean }
  | { kind: 'help'; topic: string | null };

export type CommandKind = Command['kind'];

/** Commands that change something, and therefore need staff. */
export const WRITING_KINDS: ReadonlySet<CommandKind> = new Set([
  'change',
  'update',
  'resolve',
  'cancel',
  'maintenance',
  'notice',
  'edit',
  'retract',
  'retry',
]);
