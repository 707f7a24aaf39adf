// The layers of src/ as its imports draw them (issue 14 §2): the pure renderers (src/templates/) and the
// outlets (src/adapters/outlets/) reach neither the chat edge (src/adapters/chat/) nor the composition root
// (src/app.ts), and no import circle runs through them across layers. Read from the TypeScript sources:
// every static import, `export … from` and dynamic `import('…')` with a relative path.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The relative specifiers a module imports, type-only imports included (they tie the layers all the same). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g,
    /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) if (m[1]) found.push(m[1]);
  return found;
}

/** The import graph of src/, by path relative to src/ (`templates/post.ts`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file);
    const targets = importsOf(fs.readFileSync(file, 'utf8')).map((spec) =>
      path.relative(SRC, path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'))),
    );
    graph.set(from, targets);
  }
  return graph;
}

const GUARDED = (file: string) => file.startsWith('templates/') || file.startsWith('adapters/outlets/');
const FORBIDDEN = (file: string) => file.startsWith('adapters/chat/') || file === 'app.ts';
/** A file's layer: its folder under src/ (adapters/ by the adapter kind), or the root module. */
const layerOf = (file: string) => {
  const parts = file.split('/');
  if (parts[0] === 'adapters' && parts.length > 2) return `adapters/${parts[1]}`;
  return parts.length > 1 ? (parts[0] ?? file) : file;
};

/** Every path from a guarded file to a forbidden one, as `a → b → c`. */
function forbiddenPaths(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  for (const start of [...graph.keys()].filter(GUARDED)) {
    const seen = new Set([start]);
    const queue: string[][] = [[start]];
    while (queue.length) {
      const trail = queue.shift() ?? [];
      const at = trail[trail.length - 1] ?? '';
      for (const next of graph.get(at) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        if (FORBIDDEN(next)) found.push([...trail, next].join(' → '));
        else queue.push([...trail, next]);
      }
    }
  }
  return found;
}

/** Strongly connected components (Tarjan): each import circle as its set of files. */
function circles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, indices.get(w) ?? 0));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) result.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return result;
}

describe('the layers of src/', () => {
  const graph = importGraph();

  it('reads the imports it checks (a path from one file to another is found)', () => {
    expect(graph.get('templates/post.ts')).toContain('templates/time.ts');
    expect(importsOf("const x = await import('./a.js');\nexport { b } from '../b.js';")).toEqual([
      '../b.js',
      './a.js',
    ]);
  });

  it('has no import path from src/templates/ or src/adapters/outlets/ to src/adapters/chat/ or src/app.ts', () => {
    expect(forbiddenPaths(graph)).toEqual([]);
  });

  it('has no import circle through src/templates/ or src/adapters/outlets/ that crosses layers', () => {
    const crossing = circles(graph).filter((c) => c.some(GUARDED) && new Set(c.map(layerOf)).size > 1);
    expect(crossing).toEqual([]);
  });
});
