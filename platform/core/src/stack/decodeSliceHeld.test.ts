// Its own file, so the JPEG decoder is not started yet (a module of its own per test file): a
// JPEG's decode then waits for it while the other lanes read and decode BMPs, reading them into
// the decoder's buffers. The JPEG's buffer must not be read into before its decode is done.
import { readFileSync } from 'node:fs';
import { setJpegWasmSource } from '../decode/jpegTurbo';
import { writeBmp, lcg } from '../../../../tests/fixtures/images/bmpWriter';
import { magick, magickSource, tempDir } from '../../../../tests/fixtures/images/magick';
import { createSliceDecoder, decodeSliceBytes, type SliceRequest } from './decodeSlice';
import { createReadBuffers } from './readBlob';

const W = 37;
const H = 23;
const request = (index: number, source: SliceRequest['source']): SliceRequest => ({
  index,
  file: `s${index}`,
  source,
  page: 0,
  width: W,
  height: H,
  bitDepth: 8,
  crop: { x: 3, y: 2, width: 30, height: 19 },
  downsample: 1,
});

test('a JPEG waiting for its decoder to start keeps its bytes while thirty BMPs are read and decoded beside it', async () => {
  const tmp = tempDir('imagestack-held-');
  try {
    const src = magickSource(tmp.file('src.png'), W, H, 3);
    // a comment makes the JPEG larger than the BMPs, so its buffer is the one a BMP would be read into
    magick(src, '-quality', '90', '-set', 'comment', 'x'.repeat(6000), tmp.file('a.jpg'));
    const jpeg = new Uint8Array(readFileSync(tmp.file('a.jpg')));
    const next = lcg(4);
    const bmps = Array.from({ length: 30 }, () => writeBmp({ width: W, height: H, bitCount: 24, rgb: Uint8Array.from({ length: W * H * 3 }, () => Math.floor(next() * 256)) }));
    expect(jpeg.length).toBeGreaterThan(bmps[0].length);
    const all = [jpeg, ...bmps];
    // the JPEG decoder starts only once every BMP is decoded (as a slow WebAssembly compile would)
    let bmpsDone = 0;
    let open!: () => void;
    const gate = new Promise<void>(r => (open = r));
    setJpegWasmSource(async () => {
      await gate;
      return readFileSync(require.resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm'));
    });
    // one spare buffer: the largest given back, which would be the JPEG's
    const decoder = createSliceDecoder(undefined, createReadBuffers(1));
    const got: Array<Uint8Array | Uint16Array> = new Array(all.length);
    let k = 0;
    const lane = async () => {
      while (k < all.length) {
        const i = k++;
        got[i] = (await decoder.decode(request(i, new File([all[i]], i ? `s${i}.bmp` : 'a.jpg')))).voxels;
        if (i && ++bmpsDone === bmps.length) open();
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    const want = decodeSliceBytes(jpeg, request(0, jpeg)).voxels;
    expect(Buffer.from(got[0]).equals(Buffer.from(want))).toBe(true);
  } finally {
    tmp.cleanup();
  }
});
