// One worker's decoder with several requests in flight, as the browser's decode workers run
// (eight each): every slice from its own file and page.
import { readFileSync } from 'node:fs';
import { writeBmp, lcg } from '../../../../tests/fixtures/images/bmpWriter';
import { magick, magickSource, tempDir } from '../../../../tests/fixtures/images/magick';
import { createSliceDecoder, decodeSliceBytes, type SliceRequest } from './decodeSlice';

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

test('twenty BMP Files decoded eight at a time: each slice its own file\'s', async () => {
  const next = lcg(5);
  const files = Array.from({ length: 20 }, () => writeBmp({ width: W, height: H, bitCount: 24, rgb: Uint8Array.from({ length: W * H * 3 }, () => Math.floor(next() * 256)) }));
  const decoder = createSliceDecoder();
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
