/**
 * One-way layers, enforced (issue #12; DESIGN.md "Dependencies point one way").
 *
 * Every shipped (non-test) `.ts` file under src/ is parsed for static imports, re-exports and literal dynamic
 * `import('…')`s; relative specifiers are resolved and each file is mapped to a layer by its top folder. The
 * check fails on (a) an import from a higher layer, or from a sibling concern of the same rank that is not
 * allowed below, or of test-only code from shipped code, and (b) any import cycle between files. `import type`
 * counts like any import. Known exceptions are listed, each with its reason, in KNOWN_VIOLATIONS: a new one fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

/** Rank of each layer: a file may import its own layer and any lower rank (and the sibling pairs allowed below). */
const LAYERS: Record<string, number> = {
  // The foundation: pure shared types and helpers, and the config schema they describe.
  domain: 0,
  config: 0, // zod schema + loading; a Target carries its ProviderConfig
  // Low infrastructure over the foundation.
  metrics: 1, // prometheus counters and bounded labels
  redis: 1, // the Redis pub/sub channel shared by budgets and cache
  language: 1, // prompt understanding: tokens, word meaning, embedders, task classes (cache, routing, analytics)
  // Lower concerns.
  pricing: 2,
  providers: 2,
  ledger: 2,
  keys: 2,
  // Upper concerns.
  budgets: 3,
  cache: 3,
  routing: 3,
  analytics: 3,
  pipeline: 4,
  gateway: 5,
  storage: 6, // SQLite/PostgreSQL/Redis stores: below the composition root only, no concern imports them
  runtime: 7, // the composition root
  entry: 8, // index.ts (library API) and server.ts (Node binding) with its helpers
  cli: 9,
};

/**
 * Browser islands: code that runs in the browser, not in Node. An island may import only itself and the
 * folders listed (pure, DOM-free helpers), and no server code may import it (the gateway bundles it by path).
 */
const ISLANDS: Record<string, { mayImport: string[]; reason: string }> = {
  dashboard: { mayImport: ['domain'], reason: 'the web console (issue #14): talks to the gateway only over the admin API; domain/money.ts for display' },
};

/** Files directly in src/, assigned explicitly. */
const ROOT_FILES: Record<string, string> = {
  'index.ts': 'entry',
  'server.ts': 'entry',
  'drain-http-server.ts': 'entry',
  'connection-limits.ts': 'entry',
  'node-refusals.ts': 'entry',
};

/** Same-rank imports that are allowed (`from→to`), each with its reason. Every other same-rank sibling import fails. */
const ALLOWED_SIBLINGS: Record<string, string> = {
  'domain→config': 'domain/request.ts types a Target by its ProviderConfig (type only)',
  'config→domain': 'config/load.ts uses the pure ownEntry helper',
  'analytics→routing': 'the price sheet resolves model aliases to targets exactly as the router does (routing/resolve-target.ts)',
};

/** Test-only code: nothing shipped may import it; it may import anything. */
const TEST_ONLY = ['mock-provider/', 'providers/testing/'];

/**
 * Known violations still to be removed, each `from -> to` (paths relative to src/) with a one-line reason.
 * Empty when the layers are clean; a new violation not listed here fails the test.
 */
const KNOWN_VIOLATIONS: Record<string, string> = {
  'cli/commands/serve.ts -> mock-provider/index.ts':
    'shipped behaviour: `tollgate serve` without a config starts the demo with the mock upstream (lazy import; the package ships src/mock-provider)',
  'cli/commands/mock.ts -> mock-provider/index.ts': 'shipped behaviour: `tollgate mock` runs the mock upstream on its own (lazy import)',
};

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const rel = (path: string) => relative(src, path).split(sep).join('/');
const isTestOnly = (file: string) => TEST_ONLY.some((prefix) => file.startsWith(prefix));

function layerOf(file: string): string {
  const slash = file.indexOf('/');
  if (slash < 0) {
    const layer = ROOT_FILES[file];
    if (!layer) throw new Error(`src/${file} has no layer: add it to ROOT_FILES in test/architecture/layers.test.ts`);
    return layer;
  }
  const top = file.slice(0, slash);
  if (!(top in LAYERS) && !(top in ISLANDS)) throw new Error(`src/${top}/ has no layer: add it to LAYERS in test/architecture/layers.test.ts`);
  return top;
}

/** Relative imports of one file, resolved to paths relative to src/ (imports leaving src/ are ignored). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const out = new Set<string>();
  for (const ref of info.importedFiles) {
    const spec = ref.fileName;
    if (!spec.startsWith('.')) continue;
    const target = rel(resolve(dirname(join(src, file)), spec));
    if (target.startsWith('..')) continue;
    out.add(/\.tsx?$/.test(target) ? target : `${target}.ts`);
  }
  return [...out];
}

function scan() {
  const files = listSources(src).map(rel).sort();
  const graph = new Map<string, string[]>();
  for (const file of files) graph.set(file, importsOf(file));

  const violations: string[] = [];
  for (const [from, targets] of graph) {
    if (isTestOnly(from)) continue;
    const fromLayer = layerOf(from);
    for (const to of targets) {
      if (isTestOnly(to)) {
        violations.push(`${from} -> ${to} (shipped code imports test-only code)`);
        continue;
      }
      const toLayer = layerOf(to);
      if (toLayer === fromLayer) continue;
      const island = ISLANDS[fromLayer];
      if (island) {
        if (!island.mayImport.includes(toLayer)) violations.push(`${from} -> ${to} (browser island ${fromLayer} may import only ${island.mayImport.join(', ')})`);
        continue;
      }
      if (toLayer in ISLANDS) {
        violations.push(`${from} -> ${to} (server code imports the browser island ${toLayer})`);
        continue;
      }
      const fromRank = LAYERS[fromLayer]!;
      const toRank = LAYERS[toLayer]!;
      if (toRank < fromRank) continue;
      if (toRank === fromRank && `${fromLayer}→${toLayer}` in ALLOWED_SIBLINGS) continue;
      const why = toRank > fromRank ? 'upward' : 'sibling';
      violations.push(`${from} -> ${to} (${why}: ${fromLayer} -> ${toLayer})`);
    }
  }

  // Cycles: Tarjan's strongly connected components over the file graph, one cycle path reported per component.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const strongConnect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) strongConnect(file);

  const cycles = components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    // Shortest path back to `start` inside the component (breadth first).
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
          return `${[...path, start].join(' -> ')}${component.length > path.length ? ` (${component.length} files in the cycle group)` : ''}`;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    return component.join(' -> ');
  });

  return { files, graph, violations, cycles };
}

/** Every file `entry` reaches through imports (itself included). */
function reachable(graph: Map<string, string[]>, entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) for (const next of graph.get(queue.shift()!) ?? []) if (!seen.has(next)) (seen.add(next), queue.push(next));
  return seen;
}

describe('architecture: one-way layers', () => {
  const { files, graph, violations, cycles } = scan();

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('index.ts');
  });

  it('imports only downward (or from an allowed sibling)', () => {
    const unexpected = violations.filter((v) => !(v.slice(0, v.indexOf(' (')) in KNOWN_VIOLATIONS));
    expect(unexpected, `layer violations:\n  ${unexpected.join('\n  ')}`).toEqual([]);
  });

  it('lists no known violation that is already fixed', () => {
    const current = new Set(violations.map((v) => v.slice(0, v.indexOf(' ('))));
    const stale = Object.keys(KNOWN_VIOLATIONS).filter((k) => !current.has(k));
    expect(stale, `remove these fixed entries from KNOWN_VIOLATIONS:\n  ${stale.join('\n  ')}`).toEqual([]);
  });

  it('the request path never reaches test-only code; the library entry does not re-export the Node binding', () => {
    // src/mock-provider ships on purpose (`tollgate mock`, the demo), but only the CLI loads it, lazily.
    for (const entry of ['index.ts', 'server.ts']) {
      const reached = [...reachable(graph, entry)];
      expect(reached.length).toBeGreaterThan(50);
      expect(reached.filter(isTestOnly), `${entry} reaches test-only code`).toEqual([]);
    }
    expect(graph.get('index.ts')).not.toContain('server.ts');
  });

  it('has no import cycle between files', () => {
    expect(cycles, `import cycles:\n  ${cycles.join('\n  ')}`).toEqual([]);
  });
});
