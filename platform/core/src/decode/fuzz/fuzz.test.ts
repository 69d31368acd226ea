// A seeded, coverage-guided structured-mutation fuzzer over every decoder, the stack probe, the
// slice decoder and the DICOM read path (dicom/readSeries.ts).
//
// Why ours and not one from npm (checked again for this file): jazzer.js 4.0.0 (the latest)
// ships only prebuilt addons, whose Linux one needs glibc 2.38 (Debian 12 has 2.36), and no
// sources to rebuild it; 2.1.0 ships the addon's sources, but its install downloads a prebuilt
// binary or else builds against a libFuzzer fork that its CMake file downloads (Debian's
// libclang-rt libFuzzer lacks the fork's hooks the addon calls, e.g. __jazzer_set_death_callback),
// so neither installs from the lock file without network; npm has no pure-JS coverage-guided
// fuzzer. So the guidance is V8's own block coverage (blockCoverage.ts: the inspector's precise
// coverage, restricted to our decode/, stack/ and dicom/ scripts): a mutant that covers a
// source block no earlier input covered joins the corpus, and so does one whose outcome
// (decoded shape, or error text without its numbers) is new. Coverage is taken once per batch
// of inputs (a take costs about 15 inputs) and a batch that found blocks is halved to find the
// inputs that did.
//
// Oracles, per input: only ImageStackErrors naming the file; an image consistent with its
// header and within maxPixels; no input slower than 1 s; no allocation beyond what the
// validated header allows (ArrayBuffer memory checked after each input).
//
// Runs (the sequence is fixed by the seed; a run is a prefix of it):
//   npm test (test:unit)      the first 15,000 mutants, about 60 s here: a fixed count, not a time,
//                             so a faster machine checks the same inputs instead of walking
//                             further into ground nobody checked (IMAGESTACK_FUZZ_INPUTS)
//   npm run test:fuzz         60 s of mutants, however many that is (IMAGESTACK_FUZZ_SECONDS)
//   npm run test:fuzz:long    30 minutes
//   IMAGESTACK_FUZZ_SEED=n    another sequence; failing inputs are written to the temp folder
// Every failure found becomes a regression test in regressions.test.ts with its input built in code.
// First: block coverage must be on before the decoders compile (see blockCoverage.ts).
import { coverageSummary, stopBlockCoverage, takeNewCoverage } from './blockCoverage';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lcg } from '../../../../../tests/fixtures/images/bmpWriter';
import { stackFromPart10 } from '../../dicom/readSeries';
import { ImageStackError } from '../../errors';
import { decodeSliceBytes, prepareDecoders } from '../../stack/decodeSlice';
import { decodeImage, probeImage } from '../decodeImage';
import { isRealValued, type ImageHeader } from '../types';
import { mutate, type Format } from '../../../../../tests/fixtures/fuzz/mutate';
import { seedCorpus, type Seed } from '../../../../../tests/fixtures/fuzz/seeds';

/** At most this long (npm test's count stops well before; a slower machine checks a prefix). */
const SECONDS = Number(process.env.IMAGESTACK_FUZZ_SECONDS ?? 240);
/**
 * At most this many mutants (default: no cap). `npm test` caps the count, so its run is the same
 * sequence on every machine — a faster one must not walk further into new ground than the run
 * that was checked; a slower one stops at the time limit, on a prefix of it.
 */
const MAX_INPUTS = Number(process.env.IMAGESTACK_FUZZ_INPUTS ?? (process.env.IMAGESTACK_FUZZ_SECONDS ? Infinity : 15000));
const SEED = Number(process.env.IMAGESTACK_FUZZ_SEED ?? 20261201);
const MAX_PIXELS = 1 << 20;
const SLOW_MS = 1000;
/**
 * Corpus entries added beyond the seeds, at most: for new blocks, and (fewer: PNG's error texts
 * alone filled the corpus, and new blocks found later had no room) for a new outcome only.
 */
const MAX_BY_COVERAGE = 3000;
const MAX_BY_OUTCOME = 1000;
/** Inputs per coverage take. */
const BATCH = 32;
/** IMAGESTACK_FUZZ_TRACE=file: each input is written there before it runs (what a hang was stuck on). */
const TRACE = process.env.IMAGESTACK_FUZZ_TRACE;
/** ArrayBuffer memory one input may leave allocated: a few copies of the largest image the limit allows. */
const ALLOC_LIMIT = 12 * MAX_PIXELS * 8 + 64 * 2 ** 20;

interface Outcome {
  signature: string;
  failure?: string;
}

function checkError(e: unknown, name: string, what: string): string | undefined {
  if (!(e instanceof ImageStackError)) return `${what} threw ${(e as Error)?.constructor?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`;
  if (!e.message.startsWith(`${name}: `) || e.message.includes('\n')) return `${what}: error not one line naming the file: ${JSON.stringify(e.message)}`;
  return undefined;
}

const shape = (e: unknown) => (e instanceof ImageStackError ? `${e.code}:${e.message.replace(/^[^:]*: /, '').replace(/\d+/g, '#').slice(0, 80)}` : 'other');

function run(format: Format, bytes: Uint8Array, name: string): Outcome {
  if (format === 'dicom') {
    try {
      const s = stackFromPart10([{ name, bytes }]);
      if (s.stack.voxels.length !== s.stack.columns * s.stack.rows * s.stack.slices) return { signature: 'dicom-bad', failure: 'DICOM stack with a wrong voxel count' };
      return { signature: `dicom-ok:${s.stack.bitsStored}` };
    } catch (e) {
      return { signature: `dicom-${shape(e)}`, failure: checkError(e, name, 'stackFromPart10') };
    }
  }
  let header: ImageHeader | null = null;
  let sig = '';
  try {
    header = probeImage(bytes, name, { maxPixels: MAX_PIXELS });
    sig += `probe-ok:${header.format}:${header.channels}:${header.bitDepth}`;
  } catch (e) {
    sig += `probe-${shape(e)}`;
    const f = checkError(e, name, 'probeImage');
    if (f) return { signature: sig, failure: f };
  }
  // The probe of a file's head only (the browser's first 64 KiB), told the whole size.
  if (format !== 'tiff' && bytes.length > 64) {
    try {
      probeImage(bytes.subarray(0, bytes.length >> 1), name, { maxPixels: MAX_PIXELS, fileSize: bytes.length });
    } catch (e) {
      const f = checkError(e, name, 'probeImage (head)');
      if (f) return { signature: sig, failure: f };
    }
  }
  try {
    const img = decodeImage(bytes, name, { maxPixels: MAX_PIXELS });
    for (const p of img.pages) {
      if (p.width * p.height > MAX_PIXELS) return { signature: sig, failure: `decoded ${p.width} × ${p.height}, over maxPixels` };
      if (p.data.length !== p.width * p.height * p.channels) return { signature: sig, failure: `decoded ${p.data.length} samples for ${p.width} × ${p.height} × ${p.channels}` };
    }
    sig += `|ok:${img.channels}:${img.bitDepth}:${img.pages.length}`;
  } catch (e) {
    sig += `|${shape(e)}`;
    const f = checkError(e, name, 'decodeImage');
    if (f) return { signature: sig, failure: f };
  }
  if (header) {
    try {
      const real = isRealValued(header);
      decodeSliceBytes(bytes, {
        index: 0,
        file: name,
        source: bytes,
        page: 0,
        width: header.width,
        height: header.height,
        bitDepth: real ? 16 : (header.bitDepth as 8 | 16),
        ...(real ? { values: { sampleFormat: header.sampleFormat!, bitDepth: header.bitDepth }, rescale: { slope: 1, intercept: 0 } } : {}),
        crop: { x: 0, y: 0, width: header.width, height: header.height },
        downsample: 1,
        maxPixels: MAX_PIXELS,
      });
    } catch (e) {
      const f = checkError(e, name, 'decodeSliceBytes');
      if (f) return { signature: sig, failure: f };
    }
  }
  return { signature: sig };
}

function timed(format: Format, bytes: Uint8Array, name: string): Outcome & { ms: number; allocated: number } {
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  const o = run(format, bytes, name);
  const ms = performance.now() - t0;
  return { ...o, ms, allocated: process.memoryUsage().arrayBuffers - before };
}

afterAll(stopBlockCoverage);

test(`fuzz: decoders, probe, slice decoder and DICOM read survive ${MAX_INPUTS === Infinity ? `${SECONDS} s of` : `${MAX_INPUTS} (at most ${SECONDS} s)`} coverage-guided structured mutations`, async () => {
  const { seeds, fromSuites } = seedCorpus();
  // eslint-disable-next-line no-console
  if (!fromSuites) console.warn('fuzz: ../shared/external-suites is absent; seeding with generated fixtures only');
  await prepareDecoders(Uint8Array.from([0xff, 0xd8, 0xff]));
  // dcmjs reports what it cannot parse on the console before throwing: keep the output readable.
  const quiet = [jest.spyOn(console, 'error').mockImplementation(() => {}), jest.spyOn(console, 'warn').mockImplementation(() => {})];
  const r = lcg(SEED);
  const corpus: Seed[] = [...seeds];
  const formats = [...new Set(seeds.map(s => s.format))];
  const byFormatCorpus = formats.map(f => {
    const entries = seeds.filter(s => s.format === f);
    return { format: f, seeds: entries.length, entries };
  });
  const add = (s: Seed) => {
    corpus.push(s);
    byFormatCorpus.find(p => p.format === s.format)!.entries.push(s);
  };
  const seen = new Set<string>();
  const failures: string[] = [];
  const byFormat = new Map<Format, number>();
  let inputs = 0;
  let slowest = { ms: 0, name: '' };
  let byCoverage = 0;
  let byOutcome = 0;
  // Every seed once, as is: they must pass too (and their coverage is the start).
  takeNewCoverage(false); // loading and preparing the decoders is no input's coverage
  for (const s of seeds) {
    const o = timed(s.format, s.bytes, s.name);
    seen.add(o.signature);
    if (o.failure) failures.push(`seed ${s.name}: ${o.failure}`);
  }
  takeNewCoverage();
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const crashDir = path.join(os.tmpdir(), 'imagestack-fuzz-failures');
  const batch: { parent: Seed; bytes: Uint8Array; name: string }[] = [];
  while (inputs < MAX_INPUTS && Date.now() < deadline && failures.length < 20) {
    // A batch of mutants, then one coverage take for all of them (a take costs ~15 inputs).
    batch.length = 0;
    for (let k = 0; k < BATCH && inputs < MAX_INPUTS; k++) {
      // A format first, each as often (else the formats with most seeds and outcomes, PNG
      // above all, took most of the run), then an entry of it; newer ones are tried more often.
      const pool = byFormatCorpus[Math.floor(r() * byFormatCorpus.length)];
      const grown = pool.entries.length - pool.seeds;
      const parent = pool.entries[r() < 0.5 && grown > 0 ? pool.seeds + Math.floor(r() * grown) : Math.floor(r() * pool.entries.length)];
      const mate = pool.entries[Math.floor(r() * pool.entries.length)];
      const bytes = mutate(parent.format, parent.bytes, r, mate.format === parent.format ? mate.bytes : undefined);
      const name = `fuzz-${inputs}.${parent.format === 'jpeg' ? 'jpg' : parent.format === 'dicom' ? 'dcm' : parent.format === 'tiff' ? 'tif' : parent.format}`;
      inputs++;
      byFormat.set(parent.format, (byFormat.get(parent.format) ?? 0) + 1);
      if (TRACE) fs.writeFileSync(TRACE, bytes);
      let o = timed(parent.format, bytes, name);
      if (o.ms > SLOW_MS) o = timed(parent.format, bytes, name); // once more: the machine is shared
      let failure = o.failure;
      if (!failure && o.ms > SLOW_MS) failure = `took ${o.ms.toFixed(0)} ms (limit ${SLOW_MS})`;
      if (!failure && o.allocated > ALLOC_LIMIT) failure = `left ${(o.allocated / 2 ** 20).toFixed(0)} MiB of ArrayBuffers allocated (limit ${(ALLOC_LIMIT / 2 ** 20).toFixed(0)})`;
      if (o.ms > slowest.ms) slowest = { ms: o.ms, name: `${name} from ${parent.name}` };
      if (failure) {
        fs.mkdirSync(crashDir, { recursive: true });
        const file = path.join(crashDir, `${createHash('sha1').update(bytes).digest('hex').slice(0, 12)}-${name}`);
        fs.writeFileSync(file, bytes);
        failures.push(`${name} (a mutant of ${parent.name}, saved as ${file}): ${failure}`);
        continue;
      }
      batch.push({ parent, bytes, name });
      if (!seen.has(o.signature)) {
        seen.add(o.signature);
        byOutcome++;
        if (byOutcome <= MAX_BY_OUTCOME) add({ name: `${name}<${parent.name}`, format: parent.format, bytes });
      }
    }
    // New blocks in the batch: find the inputs that covered them by halving it (a take costs
    // more than a run), in order, so an input is kept only for blocks no earlier one covered.
    if (takeNewCoverage(false) === 0) continue;
    const attribute = (part: typeof batch, known: boolean): void => {
      if (!known) {
        for (const m of part) run(m.parent.format, m.bytes, m.name);
        if (takeNewCoverage(part.length === 1) === 0) return;
      }
      if (part.length === 1) {
        if (known) {
          run(part[0].parent.format, part[0].bytes, part[0].name);
          if (takeNewCoverage() === 0) return;
        }
        byCoverage++;
        const m = part[0];
        if (byCoverage <= MAX_BY_COVERAGE && !corpus.some(c => c.bytes === m.bytes)) add({ name: `${m.name}<${m.parent.name}`, format: m.parent.format, bytes: m.bytes });
        return;
      }
      const half = part.length >> 1;
      attribute(part.slice(0, half), false);
      attribute(part.slice(half), false);
    };
    attribute(batch, true);
  }
  for (const q of quiet) q.mockRestore();
  const cov = coverageSummary();
  // eslint-disable-next-line no-console
  console.log(
    `fuzz: ${inputs} inputs${inputs < MAX_INPUTS && MAX_INPUTS !== Infinity ? ` of ${MAX_INPUTS} (stopped at the ${SECONDS} s limit)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}; ${[...byFormat].map(([f, n]) => `${f} ${n}`).join(', ')}), ${seeds.length} seeds${fromSuites ? ' with the public suites' : ''}, ${seen.size} distinct outcomes, corpus grew by ${corpus.length - seeds.length} (${byCoverage} covered new blocks, ${byOutcome} had a new outcome); block coverage of ${cov.scripts} scripts: ${cov.coveredChars} source characters in ${cov.blocks} stretches; slowest ${slowest.ms.toFixed(0)} ms (${slowest.name})`,
  );
  expect(failures).toEqual([]);
}, (SECONDS + 120) * 1000);
