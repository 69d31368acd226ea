// A seeded, outcome-guided structured-mutation fuzzer over every decoder, the stack probe, the
// slice decoder and the DICOM read path (dicom/readSeries.ts). jazzer.js was the first
// choice: 4.0.0 installs but its prebuilt native addon needs glibc 2.38 (Debian 12 has 2.36),
// and 2.1.0 downloads its addon at install time, which cannot work here; so this is ours.
// Guidance: a mutant whose outcome (decoded shape, or error text without its numbers) is new
// joins the corpus, so the run keeps reaching new checks instead of repeating the first one.
// Oracles, per input: only ImageStackErrors naming the file; an image consistent with its
// header and within maxPixels; no input slower than 1 s; no allocation beyond what the
// validated header allows (ArrayBuffer memory checked after each input).
//
//   npm run test:fuzz                 the bounded run in `npm test`: the first 60,000 mutants of the
//                                     fixed seed, at most 60 s (IMAGESTACK_FUZZ_INPUTS, _SECONDS)
//   npm run test:fuzz:long            a long run (IMAGESTACK_FUZZ_SECONDS=1800)
//   IMAGESTACK_FUZZ_SEED=n            another sequence; failing inputs are written to the temp folder
// Under plain `npm run test:unit` (so in `npm test`) it runs the first 5,000 mutants, at most 3 s. Every failure found becomes a regression test
// in regressions.test.ts with its input generated in code.
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

const SECONDS = Number(process.env.IMAGESTACK_FUZZ_SECONDS ?? 3);
/**
 * At most this many mutants (default: no cap). `npm test` caps the count, so its run is the same
 * sequence on every machine — a faster one must not walk further into new ground than the run
 * that was checked; a slower one stops at the time limit, on a prefix of it.
 */
const MAX_INPUTS = Number(process.env.IMAGESTACK_FUZZ_INPUTS ?? (process.env.IMAGESTACK_FUZZ_SECONDS ? Infinity : 5000));
const SEED = Number(process.env.IMAGESTACK_FUZZ_SEED ?? 20261201);
const MAX_PIXELS = 1 << 20;
const SLOW_MS = 1000;
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

test(`fuzz: decoders, probe, slice decoder and DICOM read survive ${SECONDS} s of structured mutations`, async () => {
  const { seeds, fromSuites } = seedCorpus();
  // eslint-disable-next-line no-console
  if (!fromSuites) console.warn('fuzz: ../shared/external-suites is absent; seeding with generated fixtures only');
  await prepareDecoders(Uint8Array.from([0xff, 0xd8, 0xff]));
  // dcmjs reports what it cannot parse on the console before throwing: keep the output readable.
  const quiet = [jest.spyOn(console, 'error').mockImplementation(() => {}), jest.spyOn(console, 'warn').mockImplementation(() => {})];
  const r = lcg(SEED);
  const corpus: Seed[] = [...seeds];
  const seen = new Set<string>();
  const failures: string[] = [];
  const byFormat = new Map<Format, number>();
  let inputs = 0;
  let slowest = { ms: 0, name: '' };
  // Every seed once, as is: they must pass too.
  for (const s of seeds) {
    const o = timed(s.format, s.bytes, s.name);
    seen.add(o.signature);
    if (o.failure) failures.push(`seed ${s.name}: ${o.failure}`);
  }
  const deadline = Date.now() + SECONDS * 1000;
  const crashDir = path.join(os.tmpdir(), 'imagestack-fuzz-failures');
  while (inputs < MAX_INPUTS && Date.now() < deadline && failures.length < 20) {
    // Newer corpus entries (new outcomes) are tried more often.
    const i = r() < 0.5 && corpus.length > seeds.length ? seeds.length + Math.floor(r() * (corpus.length - seeds.length)) : Math.floor(r() * corpus.length);
    const parent = corpus[i];
    const mate = corpus[Math.floor(r() * corpus.length)];
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
    if (!seen.has(o.signature)) {
      seen.add(o.signature);
      if (corpus.length < seeds.length + 3000) corpus.push({ name: `${name}<${parent.name}`, format: parent.format, bytes });
    }
  }
  for (const q of quiet) q.mockRestore();
  // eslint-disable-next-line no-console
  console.log(
    `fuzz: ${inputs} inputs in ${SECONDS} s (seed ${SEED}; ${[...byFormat].map(([f, n]) => `${f} ${n}`).join(', ')}), ${seeds.length} seeds${fromSuites ? ' with the public suites' : ''}, ${seen.size} distinct outcomes, corpus grew by ${corpus.length - seeds.length}; slowest ${slowest.ms.toFixed(0)} ms (${slowest.name})`,
  );
  expect(failures).toEqual([]);
}, (SECONDS + 120) * 1000);
