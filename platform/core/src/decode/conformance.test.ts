// Public conformance suites that nobody here wrote (../shared/external-suites, MANIFEST.tsv:
// bmpsuite, PngSuite, Pillow's and libjpeg-turbo's test images), each file against a
// reference decode by Pillow / ImageMagick (conformance/reference.py, one Python process for
// all files, cached in the temp folder). Per file:
//   good          the probe accepts it and the decoder gives exactly the reference's samples
//                 (every page), and the slice decoder's grey exactly the grey of those samples;
//   bad           a one-line ImageStackError naming the file, at the probe already, never an
//                 image; except the header oddities in TOLERATED, which decode exactly with a
//                 warning the stack check shows;
//   unsupported   an ImageStackError naming the file, or (where we read it) exactly the reference;
//   questionable  either, but an image must equal the reference when Pillow reads the file.
// Always: the probe and the decoder agree (what the probe accepts decodes).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageStackError } from '../errors';
import { toGrey } from '../stack/grey';
import { decodeSliceBytes } from '../stack/decodeSlice';
import { probeTarget } from '../stack/probe';
import { decodeImage } from './decodeImage';
import { isRealValued, type DecodedImage, type ImageHeader, type IntegerImage } from './types';
import { rescaleForWindow, toVoxel } from '../stack/valueRange';

const repoRoot = path.resolve(__dirname, '../../../..');
const suites = path.resolve(repoRoot, '../shared/external-suites');
const manifestPath = path.join(suites, 'MANIFEST.tsv');
const present = fs.existsSync(manifestPath);
const PYTHON = '/usr/bin/python3';
const script = path.join(__dirname, 'conformance', 'reference.py');

/**
 * Bad files whose only fault is a harmless header oddity that Pillow (and libjpeg) tolerate:
 * they may decode, with a warning in the stack check matching the pattern.
 */
const TOLERATED: Record<string, RegExp> = {
  'bmp/pillow/b/baddens1.bmp': /density/i,
  'bmp/pillow/b/baddens2.bmp': /density/i,
  'bmp/pillow/b/badfilesize.bmp': /file size/i,
  'bmp/pillow/b/badbitssize.bmp': /image size field/i,
  'bmp/pillow/b/badplanes.bmp': /planes/i,
  'jpeg/truncated_app14.jpg': /stray byte/i,
  'jpeg/photoshop-200dpi-broken.jpg': /stray byte/i,
};

interface Row {
  suite: string;
  category: 'good' | 'bad' | 'questionable' | 'unsupported';
  rel: string;
}
interface RefPage {
  width: number;
  height: number;
  channels: number;
  dtype: string;
  palette: boolean;
  via: string;
}
interface Ref {
  ok: boolean;
  error?: string;
  pages?: RefPage[];
}

function rows(): Row[] {
  return fs
    .readFileSync(manifestPath, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map(l => l.split('\t'))
    .map(([suite, category, rel]) => ({ suite, category: category as Row['category'], rel }));
}

/** Reference decodes for every file, computed once per (script, manifest, files) and cached. */
function references(list: Row[]): string {
  const h = createHash('sha1').update(fs.readFileSync(script)).update(fs.readFileSync(manifestPath));
  for (const r of list) h.update(`${r.rel}:${fs.statSync(path.join(suites, r.rel)).size}`);
  const dir = path.join(os.tmpdir(), `imagestack-conformance-${h.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(dir, 'complete'))) return dir;
  const input = list.map((r, i) => `${i}\t${path.join(suites, r.rel)}`).join('\n') + '\n';
  execFileSync(PYTHON, [script, dir], { input, env: { ...process.env, JSIMD_FORCENONE: '1' }, stdio: ['pipe', 'pipe', 'inherit'], timeout: 120_000 });
  fs.writeFileSync(path.join(dir, 'complete'), '');
  return dir;
}

function refSamples(dir: string, key: number, page: number, p: RefPage): ArrayLike<number> {
  const buf = fs.readFileSync(path.join(dir, `${key}.${page}.raw`));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  switch (p.dtype) {
    case 'uint8':
      return new Uint8Array(ab);
    case 'uint16':
      return new Uint16Array(ab);
    case 'int32':
      return new Int32Array(ab);
    case 'float32':
      return new Float32Array(ab);
    default:
      throw new Error(`reference dtype ${p.dtype}`);
  }
}

/** First difference between our page and the reference's, or null when they are equal. */
function compare(ours: DecodedImage, ref: RefPage, samples: ArrayLike<number>): string | null {
  if (ours.width !== ref.width || ours.height !== ref.height) return `size ${ours.width}×${ours.height}, reference ${ref.width}×${ref.height}`;
  let c = ours.channels as number;
  let data: ArrayLike<number> = ours.data;
  // A palette expanded to one grey channel by us, to RGB by the reference.
  if (c === 1 && ref.channels === 3) {
    const n = ours.width * ours.height;
    const rgb = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = data[i];
    data = rgb;
    c = 3;
  }
  // An alpha channel the reference drops (Pillow reads 16-bit BMP bitfields without alpha): compare the colour.
  const colour = c === ref.channels + 1 && (c === 2 || c === 4) ? ref.channels : c;
  if (colour !== ref.channels) return `${ours.channels} channels, reference ${ref.channels}`;
  if (data.length / c !== samples.length / ref.channels) return `${data.length} samples, reference ${samples.length}`;
  // The reference keeps only the high byte of 16-bit samples.
  const shift = ref.via === 'pillow-high-byte' ? 8 : 0;
  let first = -1;
  let count = 0;
  let max = 0;
  for (let i = 0; i < samples.length; i++) {
    const j = colour === c ? i : Math.floor(i / colour) * c + (i % colour);
    const d = Math.abs((shift ? data[j] >> shift : data[j]) - samples[i]);
    if (d > 0 || Number.isNaN(d)) {
      if (first < 0) first = i;
      count++;
      if (d > max) max = d;
    }
  }
  return count ? `${count} samples differ (max ${max}; first at sample ${first}: ${data[colour === c ? first : Math.floor(first / colour) * c + (first % colour)]} vs ${samples[first]})` : null;
}

function oneLineError(e: unknown, name: string): string | null {
  if (!(e instanceof ImageStackError)) return `threw a non-ImageStackError: ${(e as Error)?.stack ?? String(e)}`;
  if (!e.message.startsWith(`${name}: `)) return `error does not name the file: ${e.message}`;
  if (e.message.includes('\n')) return `error is not one line: ${JSON.stringify(e.message)}`;
  return null;
}

async function probe(bytes: Uint8Array, name: string): Promise<ImageHeader> {
  const info = await probeTarget({ name, size: bytes.length, source: bytes, readRange: async (s, e) => bytes.subarray(s, e) });
  if (!info.header) throw new ImageStackError('unsupported-format', `skipped: ${info.skipReason}`, name);
  return info.header;
}

if (!present) {
  // eslint-disable-next-line no-console
  console.warn(`conformance: skipped, ${suites} is absent (the public suites live beside the repo, in ../shared/external-suites)`);
}

(present ? test : test.skip)('every file of the public suites decodes as the reference does, or is refused by name', async () => {
  const list = rows();
  const dir = references(list);
  const failures: string[] = [];
  const tally = new Map<string, { files: number; decoded: number; refused: number; tolerated: number; unreferenced: number }>();
  for (let key = 0; key < list.length; key++) {
    const { suite, category, rel } = list[key];
    const name = path.basename(rel);
    const t = tally.get(`${suite} ${category}`) ?? { files: 0, decoded: 0, refused: 0, tolerated: 0, unreferenced: 0 };
    tally.set(`${suite} ${category}`, t);
    t.files++;
    const fail = (why: string) => failures.push(`${category} ${rel}: ${why}`);
    const bytes = new Uint8Array(fs.readFileSync(path.join(suites, rel)));
    const ref = JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), 'utf8')) as Ref;

    let header: ImageHeader | null = null;
    let probeError: unknown = null;
    try {
      header = await probe(bytes, name);
    } catch (e) {
      probeError = e;
    }
    let pages: DecodedImage[] | null = null;
    let decodeError: unknown = null;
    try {
      pages = decodeImage(bytes, name).pages;
    } catch (e) {
      decodeError = e;
    }
    for (const e of [probeError, decodeError]) {
      const bad = e && oneLineError(e, name);
      if (bad) fail(bad);
    }
    if (header && !pages) fail(`the probe accepts it (${header.detail}) but the decoder refuses: ${(decodeError as Error).message}`);
    if (!header && pages) fail(`the decoder reads it but the probe refuses: ${(probeError as Error).message}`);
    if (!header || !pages) {
      t.refused++;
      if (category === 'good') fail(`refused: ${((probeError ?? decodeError) as Error).message}`);
      continue;
    }
    t.decoded++;
    if (category === 'bad') {
      const want = TOLERATED[rel];
      const warned = (header.warnings ?? []).join('; ');
      if (!want) fail(`decoded to an image instead of an error${warned ? ` (warnings: ${warned})` : ''}`);
      else if (!want.test(warned)) fail(`tolerated without the expected warning ${want} (warnings: ${warned || 'none'})`);
      else t.tolerated++;
    }
    if (!ref.ok) {
      if (category === 'good') fail(`no reference: ${ref.error}`);
      continue;
    }
    // Pillow cannot read it; ImageMagick's reading of odd bitfields (4-bit white as 240) is no standard to hold a questionable file to.
    if (category === 'questionable' && ref.pages?.[0]?.via === 'imagemagick-only') {
      t.unreferenced++;
      continue;
    }
    if (ref.pages!.length !== pages.length) {
      fail(`${pages.length} pages, reference ${ref.pages!.length}`);
      continue;
    }
    if (header.width !== pages[0].width || header.height !== pages[0].height) fail(`probe says ${header.width}×${header.height}, decoder ${pages[0].width}×${pages[0].height}`);
    for (let k = 0; k < pages.length; k++) {
      const diff = compare(pages[k], ref.pages![k], refSamples(dir, key, k, ref.pages![k]));
      if (diff) fail(`page ${k + 1}: ${diff} (reference: ${ref.pages![k].via})`);
    }
    // Real-valued slices: the slice decoder maps them through a rescale of their range.
    if (isRealValued(header)) {
      const ref0 = refSamples(dir, key, 0, ref.pages![0]);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < ref0.length; i++) if (Number.isFinite(ref0[i])) (lo = Math.min(lo, ref0[i])), (hi = Math.max(hi, ref0[i]));
      const rescale = rescaleForWindow(lo, hi);
      try {
        const r = decodeSliceBytes(bytes, { index: 0, file: name, source: bytes, page: 0, width: header.width, height: header.height, bitDepth: 16, values: { sampleFormat: header.sampleFormat!, bitDepth: header.bitDepth }, rescale, crop: { x: 0, y: 0, width: header.width, height: header.height }, downsample: 1 });
        let diffs = 0;
        for (let i = 0; i < ref0.length; i++) if (r.voxels[i] !== toVoxel(ref0[i], rescale)) diffs++;
        if (diffs) fail(`rescaled voxels differ from the rescaled reference in ${diffs} voxels`);
      } catch (e) {
        fail(`slice decoder refuses what decodeImage reads: ${(e as Error).message}`);
      }
    }
    // The slice decoder (the fused BMP path, the TIFF path) gives the grey of those samples.
    if (!isRealValued(header)) {
      const p0 = pages[0];
      try {
        const r = decodeSliceBytes(bytes, { index: 0, file: name, source: bytes, page: 0, width: header.width, height: header.height, bitDepth: header.bitDepth as 8 | 16, crop: { x: 0, y: 0, width: header.width, height: header.height }, downsample: 1 });
        const want = toGrey(p0 as IntegerImage).data;
        let diffs = 0;
        for (let i = 0; i < want.length; i++) if (r.voxels[i] !== want[i]) diffs++;
        if (diffs || r.voxels.length !== want.length) fail(`slice grey differs from the grey of the decoded samples in ${diffs} voxels`);
      } catch (e) {
        fail(`slice decoder refuses what decodeImage reads: ${(e as Error).message}`);
      }
    }
  }
  const summary = [...tally.entries()].map(([k, v]) => `${k}: ${v.files} (${v.decoded} decoded${v.tolerated ? `, ${v.tolerated} tolerated with a warning` : ''}${v.unreferenced ? `, ${v.unreferenced} without a Pillow reference` : ''}, ${v.refused} refused)`).join('; ');
  // eslint-disable-next-line no-console
  console.log(`conformance: ${list.length} files; ${summary}${failures.length ? `\n${failures.length} failures:\n  ${failures.join('\n  ')}` : ''}`);
  expect(failures).toEqual([]);
}, 120_000);
