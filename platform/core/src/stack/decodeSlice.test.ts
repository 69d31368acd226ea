// One worker's decoder with several requests in flight, as the browser's decode workers run
// (eight each): every slice from its own file and page.
import { readFileSync } from 'node:fs';
import { writeBmp, lcg } from '../../../../tests/fixtures/images/bmpWriter';
import { magick, magickSource, tempDir } from '../../../../tests/fixtures/images/magick';
import { createSliceDecoder, decodeSliceBytes, type SliceRequest } from './decodeSlice';
import { createReadBuffers, type ReadBuffers } from './readBlob';

const W = 37;
const H = 23;
const request = (index: number, source: SliceRequest['source'], page = 0): SliceRequest => ({
  index,
  file: `s${index}`,
  source,
  page,
  width: W,
  height: H,
  bitDepth: 8,
  crop: { x: 3, y: 2, width: 30, height: 19 },
  downsample: 1,
});
const same = (a: Uint8Array | Uint16Array, b: Uint8Array | Uint16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** `count` 24-bit BMPs of random pixels. */
const randomBmps = (count: number, seed: number) => {
  const next = lcg(seed);
  return Array.from({ length: count }, () => writeBmp({ width: W, height: H, bitCount: 24, rgb: Uint8Array.from({ length: W * H * 3 }, () => Math.floor(next() * 256)) }));
};

/** Each file decoded from a File, eight at a time (as a browser worker runs), checked against decoding its bytes directly; the voxels. */
async function decodeEightAtATime(decoder: ReturnType<typeof createSliceDecoder>, files: Uint8Array[]): Promise<Array<Uint8Array | Uint16Array>> {
  const got: Array<Uint8Array | Uint16Array> = new Array(files.length);
  let k = 0;
  const lane = async () => {
    while (k < files.length) {
      const i = k++;
      got[i] = (await decoder.decode(request(i, new File([files[i]], `s${i}.bmp`)))).voxels;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  files.forEach((bytes, i) => expect(same(got[i], decodeSliceBytes(bytes, request(i, bytes)).voxels)).toBe(true));
  return got;
}

test('twenty BMP Files decoded eight at a time: each slice its own file\'s', async () => {
  await decodeEightAtATime(createSliceDecoder(), randomBmps(20, 5));
});

test('the pages of two multi-page TIFF Files in flight together: each page from its own file', async () => {
  const tmp = tempDir('imagestack-decoder-');
  try {
    const tiffs = [1, 2].map(seed => {
      const src = magickSource(tmp.file(`src${seed}.png`), W, H, seed);
      const file = tmp.file(`t${seed}.tif`);
      magick(src, '(', src, '-negate', ')', '(', src, '-flip', ')', '-colorspace', 'gray', '-depth', '8', '-adjoin', file);
      return new Uint8Array(readFileSync(file));
    });
    const files = tiffs.map((t, f) => new File([t], `t${f}.tif`));
    const decoder = createSliceDecoder();
    // page 1 of each, then page 2 of each: interleaved, as a streamed load asks for them
    const jobs = [1, 2].flatMap(p => [0, 1].map(f => ({ f, p })));
    const got = await Promise.all(jobs.map(({ f, p }, i) => decoder.decode(request(i, files[f], p))));
    jobs.forEach(({ f, p }, i) => expect(same(got[i].voxels, decodeSliceBytes(tiffs[f], request(i, tiffs[f], p)).voxels)).toBe(true));
    expect(same(got[0].voxels, got[1].voxels)).toBe(false); // the files' pages differ
  } finally {
    tmp.cleanup();
  }
});

/** ReadBuffers that count the buffers it had to make and the ones given back. */
function countingBuffers(keep: number): ReadBuffers & { made: number; given: number } {
  const inner = createReadBuffers(keep);
  const spare = new Set<ArrayBuffer>();
  const counts = {
    made: 0,
    given: 0,
    take(bytes: number) {
      const b = inner.take(bytes);
      if (spare.has(b)) spare.delete(b);
      else counts.made++;
      return b;
    },
    give(b: ArrayBuffer) {
      counts.given++;
      spare.add(b);
      inner.give(b);
    },
  };
  return counts;
}

test('Files are read into the decoder\'s buffers again and again: as many as it holds at once, not one per file', async () => {
  const files = randomBmps(40, 9);
  const buffers = countingBuffers(9);
  const got = await decodeEightAtATime(createSliceDecoder(undefined, buffers), files);
  // eight in flight and the last file: at most nine buffers ever made; every file but the last given back
  expect(buffers.made).toBeLessThanOrEqual(9);
  expect(buffers.given).toBe(files.length - 1);
  // no result shares memory with a buffer that is read into again
  expect(new Set(got.map(v => v.buffer)).size).toBe(files.length);
});

test('JPEG Files eight at a time on a new decoder (decodes wait for the JPEG decoder to start while others read): each slice its own file\'s', async () => {
  const tmp = tempDir('imagestack-decoder-');
  try {
    const jpegs = Array.from({ length: 12 }, (_, i) => {
      const src = magickSource(tmp.file(`src${i}.png`), W, H, i + 1);
      const file = tmp.file(`j${i}.jpg`);
      magick(src, '-quality', '90', file);
      return new Uint8Array(readFileSync(file));
    });
    const decoder = createSliceDecoder();
    const got = await Promise.all(jpegs.map((j, i) => decoder.decode(request(i, new File([j], `j${i}.jpg`)))));
    jpegs.forEach((j, i) => expect(same(got[i].voxels, decodeSliceBytes(j, request(i, j)).voxels)).toBe(true));
    expect(same(got[0].voxels, got[1].voxels)).toBe(false);
  } finally {
    tmp.cleanup();
  }
});

test('bytes the caller gave are never read into: a later File goes to a buffer of the decoder\'s own', async () => {
  const [a, b] = randomBmps(2, 11);
  const kept = a.slice();
  const decoder = createSliceDecoder();
  await decoder.decode(request(0, a));
  await decoder.decode(request(1, new File([b], 'b.bmp')));
  await decoder.decode(request(2, new File([b], 'b2.bmp', { lastModified: 1 })));
  expect(Buffer.from(a).equals(Buffer.from(kept))).toBe(true);
});

test('a File that changed since it was chosen (shorter than its size): an error naming it, no slice', async () => {
  const bytes = writeBmp({ width: W, height: H, bitCount: 24, rgb: new Uint8Array(W * H * 3) });
  const shrunk = { name: 'IMG (2).bmp', size: bytes.length + 10, lastModified: 1, stream: () => new Blob([bytes]).stream(), arrayBuffer: async () => bytes.buffer };
  const reply = (await createSliceDecoder().handle(request(0, shrunk))).reply;
  expect(reply.ok).toBe(false);
  expect(!reply.ok && reply.error).toEqual({ code: 'io', file: 's0', reason: `could not be read (the file ended after ${bytes.length} of its ${bytes.length + 10} bytes: was it changed while being read?)` });
});
