// Node only, and light on purpose: spawning the mesh threads needs nothing but Node's own
// modules, so a process can start them first thing (`require('@imagestack/core/meshWorkers')`)
// and let them boot (about 60 ms each on the 2-core machine) while it loads the rest of core
// and its command, instead of after.
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** How many threads the parallel paths use: the cores Node may use, at most 8. */
export function defaultWorkers(): number {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, cpus));
}

/**
 * A compiled worker script of this folder: beside this file in dist/; when this module runs
 * from src/ (under jest), the compiled copy in dist/ (build with `npx tsc -b` first).
 */
export function builtWorkerScript(fileName: string, what: string): string {
  const here = path.join(__dirname, fileName);
  if (existsSync(here)) return here;
  const built = path.resolve(__dirname, '../../../dist/stack/node', fileName);
  if (existsSync(built)) return built;
  throw new Error(`the ${what} script is not built (looked for ${here} and ${built}); run \`npx tsc -b\``);
}

/**
 * `bundle` when it exists and was made after every build record in `builtAfter` (the projects'
 * tsconfig.tsbuildinfo, which `tsc -b` rewrites whenever it compiles them): the one file that
 * `npm run build:node` bundles from those projects' output, loaded in a few milliseconds
 * instead of a hundred modules one by one. Else `plain`, so that a compile without the bundling
 * step never runs an older bundle; `plain` too where IMAGESTACK_NO_BUNDLE is set (to compare).
 */
export function freshBundleOr(bundle: string, plain: string, builtAfter: readonly string[]): string {
  if (process.env.IMAGESTACK_NO_BUNDLE) return plain;
  let made: number;
  try {
    made = statSync(bundle).mtimeMs;
  } catch {
    return plain;
  }
  for (const record of builtAfter) {
    try {
      if (statSync(record).mtimeMs > made) return plain;
    } catch {
      // no record: nothing compiled since
    }
  }
  return bundle;
}

/** The compiled mesh worker script: its bundle (scripts/bundleNode.mjs) while that is fresh. */
export function meshWorkerScript(): string {
  const script = builtWorkerScript('meshWorker.js', 'mesh worker');
  const dir = path.dirname(script);
  return freshBundleOr(path.join(dir, 'meshWorker.bundle.js'), script, [path.resolve(dir, '../../../tsconfig.tsbuildinfo')]);
}

/**
 * `n` mesh worker threads, booting. Hand them to startMeshThreads, which owns them from then
 * on (and terminates them on close); a caller that does not, terminates them itself.
 */
export function spawnMeshWorkers(n: number = defaultWorkers()): Worker[] {
  const script = meshWorkerScript();
  return Array.from({ length: Math.max(1, Math.floor(n)) }, () => new Worker(script));
}
