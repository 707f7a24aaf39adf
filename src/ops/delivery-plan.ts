// What goes where is decided by the Herald that delivers. `herald start` writes the outlets it delivers to,
// and which of them run dry for want of credentials, into the data folder at start; `herald run`, which only
// records (the running Herald delivers), follows it: its command gets a delivery for every outlet the running
// Herald has, and its answer says what that Herald will do, not what `herald run`'s own environment could.

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const DELIVERY_PLAN_FILE = 'outlets.json';

const planSchema = z.object({
  outlets: z.array(z.string().min(1)).min(1),
  dry: z.array(z.string().min(1)),
  pid: z.number().int().positive(),
  writtenAt: z.number().int().nonnegative(),
});

export type DeliveryPlan = z.infer<typeof planSchema>;

/** Written whole or not at all (a temp file renamed over the old one). */
export function writeDeliveryPlan(dataDir: string, plan: DeliveryPlan): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, DELIVERY_PLAN_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(plan, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** The plan the last `herald start` wrote, or null when there is none (or it is not one). */
export function readDeliveryPlan(dataDir: string): DeliveryPlan | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, DELIVERY_PLAN_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = planSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
