// What Herald does by itself (migration 006): the steps it took for an incident, once each, and the
// questions it asks people in chat. The unique key (incident, step) is what makes a step happen once.

import type { AutomationStep, NewPrompt, Prompt, PromptBox } from '../bot/ports.js';
import { PROMPT_KINDS } from '../bot/ports.js';
import type { Actor } from '../bot/types.js';
import { PLATFORMS, toAuditEntry } from './mappers.js';
import type { SqliteDatabase } from './open-database.js';
import { readRow } from './rows.js';

const OUTCOMES = ['posted', 'skipped', 'prompted'] as const;
const PROMPT_STATUSES = ['pending', 'sent', 'failed'] as const;

function toStep(value: unknown): AutomationStep {
  const r = readRow('automation_steps', value);
  return {
    incidentId: r.int('incident_id'),
    key: r.text('step'),
    dueAt: r.int('due_at'),
    doneAt: r.int('done_at'),
    outcome: r.oneOf('outcome', OUTCOMES),
    postId: r.intOrNull('post_id'),
    note: r.textOrNull('note'),
  };
}

function toPrompt(value: unknown): Prompt {
  const r = readRow('prompts', value);
  return {
    id: r.int('id'),
    incidentId: r.int('incident_id'),
    step: r.text('step'),
    kind: r.oneOf('kind', PROMPT_KINDS),
    to: { platform: r.oneOf('platform', PLATFORMS), id: r.text('user_id'), name: r.text('user_name') },
    status: r.oneOf('status', PROMPT_STATUSES),
    attempts: r.int('attempts'),
    lastError: r.textOrNull('last_error'),
    createdAt: r.int('created_at'),
    sentAt: r.intOrNull('sent_at'),
  };
}

export function createAutomationStatements(db: SqliteDatabase) {
  const stepOf = db.prepare<[number, string]>(
    'SELECT * FROM automation_steps WHERE incident_id = ? AND step = ?',
  );
  const stepsOf = db.prepare<[number]>(
    'SELECT * FROM automation_steps WHERE incident_id = ? ORDER BY done_at, rowid',
  );
  const putStep = db.prepare<{
    incidentId: number;
    key: string;
    dueAt: number;
    doneAt: number;
    outcome: string;
    postId: number | null;
    note: string | null;
  }>(
    `INSERT INTO automation_steps (incident_id, step, due_at, done_at, outcome, post_id, note)
     VALUES (:incidentId, :key, :dueAt, :doneAt, :outcome, :postId, :note)`,
  );
  const putPrompt = db.prepare<{
    incidentId: number;
    step: string;
    kind: string;
    platform: string;
    userId: string;
    userName: string;
    createdAt: number;
  }>(
    `INSERT INTO prompts (incident_id, step, kind, platform, user_id, user_name, created_at)
     VALUES (:incidentId, :step, :kind, :platform, :userId, :userName, :createdAt)
     RETURNING *`,
  );
  const promptOf = db.prepare<[number]>('SELECT * FROM prompts WHERE id = ?');
  const pending = db.prepare<[]>(`SELECT * FROM prompts WHERE status = 'pending' ORDER BY id`);
  const sent = db.prepare<{ id: number; at: number }>(
    `UPDATE prompts SET status = 'sent', sent_at = :at, attempts = attempts + 1, last_error = NULL
     WHERE id = :id AND status = 'pending'`,
  );
  const failed = db.prepare<{ id: number; error: string; status: string }>(
    `UPDATE prompts SET status = :status, attempts = attempts + 1, last_error = :error
     WHERE id = :id AND status = 'pending'`,
  );
  const firstAudit = db.prepare<[number]>(
    `SELECT * FROM audit WHERE incident_id = ? AND result = 'ok' ORDER BY id LIMIT 1`,
  );

  const prompts: PromptBox = {
    pending: () => pending.all().map(toPrompt),
    prompt: (id) => {
      const row = promptOf.get(id);
      return row === undefined ? undefined : toPrompt(row);
    },
    settle(id, result) {
      if (result.sent) sent.run({ id, at: result.at });
      else failed.run({ id, error: result.error, status: result.final ? 'failed' : 'pending' });
    },
  };

  return {
    prompts,
    step(incidentId: number, key: string): AutomationStep | undefined {
      const row = stepOf.get(incidentId, key);
      return row === undefined ? undefined : toStep(row);
    },
    steps: (incidentId: number): AutomationStep[] => stepsOf.all(incidentId).map(toStep),
    recordStep(step: AutomationStep): void {
      putStep.run(step);
    },
    queuePrompt(prompt: NewPrompt): Prompt {
      return toPrompt(
        putPrompt.get({
          incidentId: prompt.incidentId,
          step: prompt.step,
          kind: prompt.kind,
          platform: prompt.to.platform,
          userId: prompt.to.id,
          userName: prompt.to.name,
          createdAt: prompt.createdAt,
        }),
      );
    },
    opener(incidentId: number): Actor | undefined {
      const row = firstAudit.get(incidentId);
      return row === undefined ? undefined : toAuditEntry(row).actor;
    },
  };
}
