// V8's own block coverage (the inspector's Profiler.startPreciseCoverage with detailed: true),
// as the fuzzer's guidance: after each input, which source ranges of our decode, stack and
// DICOM scripts ran; a range never covered before makes the input interesting.
//
// Started when this module loads: V8 gives block ranges only to functions compiled after the
// start (earlier ones report their whole body as one range), so the fuzzer imports this
// module before any decoder. A Session on the main thread answers synchronously.
import { Session } from 'node:inspector';

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface ScriptCoverage {
  url: string;
  functions: { ranges: Range[] }[];
}

/** The scripts whose blocks guide the fuzzer: ours, not the tests, the fuzzer or dependencies. */
export function guided(url: string): boolean {
  return /\/platform\/core\/src\/(decode|stack|dicom)\//.test(url) && !url.includes('/fuzz/') && !/\.test\.tsx?$/.test(url);
}

const session = new Session();
session.connect();
function post<T>(method: string, params?: object): T {
  let out: T | undefined;
  let error: Error | null = null;
  session.post(method, params ?? {}, (e, r) => {
    error = e;
    out = r as T;
  });
  if (error) throw error;
  if (out === undefined) throw new Error(`inspector ${method} did not answer synchronously`);
  return out;
}
post('Profiler.enable');
// callCount: true — counts are reset by every take, so each take is one input's coverage.
// (Binary mode reports nothing after the first take for already-covered functions.)
post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

/** Source characters of each guided script ever covered (by any input so far). */
const ever = new Map<string, Uint8Array>();
let scratch = new Uint8Array(1 << 16);
let coveredChars = 0;
let blocks = 0;

/**
 * The coverage of everything run since the last call: how many source characters of guided
 * scripts it covered that no earlier input had; with `commit` (default) they count as covered
 * from now on. A position is covered when the innermost range holding it ran: V8 lists every
 * function with its block ranges, a function's range holds its nested functions' text, and a
 * block is merged into its parent when their counts are equal, so a block is found by its
 * positions, not by the ranges listed.
 *
 * A take walks every function of every script loaded (about 7 ms under jest, whatever ran), so
 * the fuzzer takes once per batch of inputs and replays a batch only when it found something.
 */
export function takeNewCoverage(commit = true): number {
  const { result } = post<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage');
  let fresh = 0;
  for (const script of result) {
    if (!guided(script.url)) continue;
    const ranges: Range[] = [];
    let end = 0;
    for (const fn of script.functions) {
      for (const r of fn.ranges) ranges.push(r);
      if (fn.ranges.length) end = Math.max(end, fn.ranges[0].endOffset);
    }
    if (!ranges.some(r => r.count > 0)) continue;
    // Outer before inner: by start, then the longer first.
    ranges.sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
    let seen = ever.get(script.url);
    if (!seen || seen.length < end) {
      const grown = new Uint8Array(end);
      if (seen) grown.set(seen);
      ever.set(script.url, (seen = grown));
    }
    if (scratch.length < end) scratch = new Uint8Array(end);
    scratch.fill(0, 0, end);
    for (const x of ranges) scratch.fill(x.count > 0 ? 1 : 0, x.startOffset, x.endOffset);
    let inNew = false;
    for (let i = 0; i < end; i++) {
      if (scratch[i] && !seen[i]) {
        fresh++;
        if (commit) {
          seen[i] = 1;
          if (!inNew) blocks++;
        }
        inNew = true;
      } else inNew = false;
    }
  }
  if (commit) coveredChars += fresh;
  return fresh;
}

/** What has been covered so far: guided scripts, covered source characters, and the newly covered stretches found (about one per block). */
export function coverageSummary(): { scripts: number; coveredChars: number; blocks: number } {
  return { scripts: ever.size, coveredChars, blocks };
}

/** Stop counting (the jest worker goes on to other test files, which need no block counters). */
export function stopBlockCoverage(): void {
  post('Profiler.stopPreciseCoverage');
  post('Profiler.disable');
  session.disconnect();
}
