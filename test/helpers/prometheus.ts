// Reads GET /metrics the way Prometheus's own client library does: with the text-format parser of Python's
// prometheus_client (Debian's python3-prometheus-client), which refuses a line it cannot read and a value
// that is not a number, so that tests assert on what a scraper sees rather than on our idea of the format.
import { spawnSync } from 'node:child_process';
import { DEBIAN_PYTHON } from './feedparser.js';

export interface Sample {
  /** The sample's own name: `x_total`, `h_bucket`, `h_sum`, `h_count`, ... */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** The family's name (a counter's without `_total`). */
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | string;
  help: string;
  samples: Sample[];
}

const SCRIPT = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families

def number(v):
    return v if math.isfinite(v) else str(v)

families = [
    {'name': f.name, 'type': f.type, 'help': f.documentation,
     'samples': [{'name': s.name, 'labels': s.labels, 'value': number(s.value)} for s in f.samples]}
    for f in text_string_to_metric_families(sys.stdin.read())
]
print(json.dumps(families))
`;

/** Parses Prometheus text format; throws with the parser's words if it is not valid. */
export function parsePrometheusText(text: string): MetricFamily[] {
  const r = spawnSync(DEBIAN_PYTHON, ['-c', SCRIPT], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`prometheus_client could not parse the text: ${r.stderr.trim()}`);
  const families = JSON.parse(r.stdout) as Array<
    Omit<MetricFamily, 'samples'> & { samples: Array<Omit<Sample, 'value'> & { value: number | string }> }
  >;
  return families.map((f) => ({
    ...f,
    samples: f.samples.map((s) => ({ ...s, value: Number(s.value) })),
  }));
}

/** The families by name, checking that no name appears twice. */
export function byName(families: MetricFamily[]): Map<string, MetricFamily> {
  const map = new Map<string, MetricFamily>();
  for (const f of families) {
    if (map.has(f.name)) throw new Error(`metric family ${f.name} appears twice`);
    map.set(f.name, f);
  }
  return map;
}

const matches = (labels: Record<string, string>, want: Record<string, string>) =>
  Object.entries(want).every(([k, v]) => labels[k] === v);

/** The value of the one sample named `sample` with these labels (among others), or 0 if there is none. */
export function sampleValue(
  families: MetricFamily[],
  sample: string,
  labels: Record<string, string> = {},
): number {
  const found = families
    .flatMap((f) => f.samples)
    .filter((s) => s.name === sample && matches(s.labels, labels));
  if (found.length > 1)
    throw new Error(`${sample} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
}

/** A histogram's count, sum and cumulative buckets (by `le`) for these labels. */
export function histogramOf(
  families: MetricFamily[],
  name: string,
  labels: Record<string, string>,
): { count: number; sum: number; buckets: Map<string, number> } {
  const buckets = new Map<string, number>();
  for (const s of families.flatMap((f) => f.samples)) {
    if (s.name === `${name}_bucket` && matches(s.labels, labels)) buckets.set(s.labels.le ?? '', s.value);
  }
  return {
    count: sampleValue(families, `${name}_count`, labels),
    sum: sampleValue(families, `${name}_sum`, labels),
    buckets,
  };
}
