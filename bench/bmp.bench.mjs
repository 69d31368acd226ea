// BMP decode speed on one thread: ours vs bmpimagejs and fast-bmp on the same 24-bit
// 1024 × 1024 file in the same run, a plain allocate-and-copy as the anchor, and the RLE8
// case. Prints one JSON object. Run after `npx tsc -b` (imports the compiled core):
// `npm run bench -- bmp`.
import { createRequire } from 'node:module';
import os from 'node:os';
import { make24, makeRle8, time } from './lib/bmpFiles.mjs';

const require = createRequire(import.meta.url);
const core = require('../platform/core/dist/index.js');
const bmpimagejs = require('bmpimagejs');
const fastBmp = require('fast-bmp');

const W = 1024;
const H = 1024;
const file = make24(W, H, 1);
const rle = makeRle8(W, H, 5);
let sink = 0;

// Correctness first: the libraries must return the pixels we return.
const ours = core.decodeImage(file, 'bench.bmp');
const theirs = bmpimagejs.decode(file.buffer.slice(0));
const fast = fastBmp.decode(file);
const fastStep = fast.channels ?? fast.data.length / (W * H);
const same = (get, step) => {
  for (let i = 0, n = W * H; i < n; i++) {
    for (let c = 0; c < 3; c++) if (ours.data[i * 3 + c] !== get[i * step + c]) return false;
  }
  return true;
};
const oursRle = core.decodeImage(rle, 'rle.bmp');
let bmpimagejsRle = 'ok';
try {
  const t = bmpimagejs.decode(rle.buffer.slice(0));
  for (let i = 0; i < W * H; i++) if (t.pixels[i * 4] !== oursRle.data[i]) {
    bmpimagejsRle = `wrong pixels (first at pixel ${i})`;
    break;
  }
} catch (e) {
  bmpimagejsRle = `throws: ${e.message ?? e}`;
}

const slice = { index: 0, file: 'bench.bmp', source: file, page: 0, width: W, height: H, bitDepth: 8, crop: { x: 0, y: 0, width: W, height: H }, downsample: 1 };
const ms = {
  memcpy: time(() => {
    const c = new Uint8Array(file.length);
    c.set(file);
    sink += c[c.length - 1];
  }),
  ours: time(() => (sink += core.decodeImage(file, 'bench.bmp').data[7])),
  oursToGrey: time(() => (sink += core.decodeSliceBytes(file, slice).voxels[7])),
  bmpimagejs: time(() => (sink += bmpimagejs.decode(file.buffer).pixels[7])),
  fastBmp: time(() => (sink += fastBmp.decode(file).data[7])),
  oursRle8: time(() => (sink += core.decodeImage(rle, 'rle.bmp').data[7]), 15, 3),
};
const mb = file.length / 1e6;
const rate = (bytes, t) => Math.round((bytes / 1e6 / (t / 1000)) * 10) / 10;
const mbPerS = {
  memcpy: rate(file.length, ms.memcpy),
  ours: rate(file.length, ms.ours),
  oursToGrey: rate(file.length, ms.oursToGrey),
  bmpimagejs: rate(file.length, ms.bmpimagejs),
  fastBmp: rate(file.length, ms.fastBmp),
};
const best = Math.max(mbPerS.bmpimagejs, mbPerS.fastBmp);
console.log(
  JSON.stringify({
    file: { width: W, height: H, bitsPerPixel: 24, megabytes: Math.round(mb * 100) / 100 },
    correct: { bmpimagejs: same(theirs.pixels, 4), fastBmp: same(fast.data, fastStep), bmpimagejsRle8: bmpimagejsRle },
    medianMs: ms,
    mbPerS,
    oursVsBestLibrary: Math.round((mbPerS.ours / best) * 100) / 100,
    oursToGreyVsBestLibrary: Math.round((mbPerS.oursToGrey / best) * 100) / 100,
    rle8: { megabytes: Math.round((rle.length / 1e6) * 100) / 100, megapixelsPerS: Math.round((W * H) / 1e6 / (ms.oursRle8 / 1000)), mbPerS: rate(rle.length, ms.oursRle8) },
    target: { oursVsBestLibrary: 1.0 },
    note: 'ours = decodeImage to RGB (the libraries return RGB/RGBA); oursToGrey = the stack path (fused BMP → grey, coloured count, hash). Sessions share this 2-core machine: see loadAverage.',
    loadAverage: os.loadavg().map(x => Math.round(x * 100) / 100),
    sink: sink > -1,
  }),
);
