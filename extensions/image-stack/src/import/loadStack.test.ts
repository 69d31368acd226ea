// The streamed load on core's real decode pool, decoding on this thread (the tab's Web Workers
// run the same pool code): the viewer can open on the first slices, each slice is final when
// its sliceReady resolves, and a bad slice or a cancel fails the load and every slice not yet in.
import { createDecodePool, ImageStackError, planStack, probeTargets, voxelHistogram, type ProbeTarget, type StackPlan } from '@imagestack/core';
import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { keptPool } from './keptPool';
import { loadWarnings, startStreamingLoad, streamingOrder, streamingSample } from './loadStack';

const W = 8;
const H = 4;
/** Slice k's grey value at pixel p (the BMP is grey, so the voxel is exactly this). */
const grey = (k: number, p: number) => (p * 7 + k * 13) & 255;

async function planOf(n: number): Promise<StackPlan> {
  const targets: ProbeTarget[] = Array.from({ length: n }, (_, k) => {
    const rgb = new Uint8Array(W * H * 3);
    for (let p = 0; p < W * H; p++) rgb.fill(grey(k, p), 3 * p, 3 * p + 3);
    const bytes = writeBmp({ width: W, height: H, bitCount: 24, rgb });
    return { name: `slice_${String(k).padStart(3, '0')}.bmp`, size: bytes.length, source: bytes, readRange: async (a, b) => bytes.subarray(a, b) };
  });
  return planStack(await probeTargets(targets), {});
}
const inlinePool = () => keptPool(() => createDecodePool({ workers: 0 }));

test('streamingOrder: every slice once, the middle first, then a spread sample, then the interleaved quarters', () => {
  for (let n = 1; n <= 70; n++) {
    const sample = streamingSample(n);
    const order = streamingOrder(n, sample);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(order[0]).toBe(Math.floor((n - 1) / 2));
    // the first and last slices are in the sample, decoded before the viewer opens
    const head = order.slice(0, sample + 2);
    expect(head).toContain(0);
    expect(head).toContain(n - 1);
  }
  expect(streamingOrder(12, 3)).toEqual([5, 6, 0, 11, 3, 7, 1, 9, 2, 10, 4, 8]);
  expect(streamingSample(330)).toBe(11);
  expect(streamingSample(2)).toBe(2);
});

test('a streamed load: opened on the first slices, each slice final when it is ready, then the whole histogram', async () => {
  const n = 40;
  const plan = await planOf(n);
  const progress: number[] = [];
  const load = startStreamingLoad(plan, { pool: inlinePool(), onProgress: done => progress.push(done) });
  expect(load.stack.voxels.length).toBe(W * H * n);
  const first = await load.opened;
  // the viewer's first window: the middle slice and the spread sample, not the whole volume
  let counted = 0;
  for (const c of first) counted += c;
  expect(counted).toBe(W * H * (streamingSample(n) + 2));
  const checked: number[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, k) =>
      load.sliceReady(k).then(() => {
        const slice = load.stack.voxels.subarray(k * W * H, (k + 1) * W * H);
        expect(Array.from(slice)).toEqual(Array.from({ length: W * H }, (_, p) => grey(k, p)));
        const values = Array.from(slice);
        expect([load.sliceRanges[2 * k], load.sliceRanges[2 * k + 1]]).toEqual([Math.min(...values), Math.max(...values)]);
        checked.push(k);
      }),
    ),
  );
  expect(checked.length).toBe(n);
  const done = await load.done;
  expect(Array.from(done.histogram)).toEqual(Array.from(voxelHistogram(load.stack.voxels)));
  expect(done.report.slices).toBe(n);
  expect(progress.at(-1)).toBe(n);
  expect(load.progress()).toEqual({ done: n, total: n });
  await expect(load.sliceReady(n)).rejects.toThrow(/slice 40 is not in this stack of 40/);
});

test('a slice that does not decode fails the load naming its file, and every slice not yet in', async () => {
  const n = 40;
  const plan = await planOf(n);
  // slice 36 is decoded last of all (streamingOrder: the quarter from slice 0): its bytes go bad after planning
  const order = streamingOrder(n, streamingSample(n));
  expect(order.at(-1)).toBe(36);
  plan.slices[36].source = new Uint8Array(10);
  const load = startStreamingLoad(plan, { pool: inlinePool() });
  await load.opened; // the viewer opens: the bad slice is not among the first
  const middle = load.sliceReady(order[0]);
  const last = load.sliceReady(36);
  await expect(load.done).rejects.toThrow(/^slice_036\.bmp: /);
  await expect(last).rejects.toThrow(/^slice_036\.bmp: /);
  await expect(middle).resolves.toBeUndefined();
  await expect(load.sliceReady(36)).rejects.toBeInstanceOf(ImageStackError);
});

test('a bad slice among the first: opened rejects, so the import page shows the error and stays', async () => {
  const plan = await planOf(10);
  plan.slices[4].source = new Uint8Array(10); // the middle slice of 10
  const load = startStreamingLoad(plan, { pool: inlinePool() });
  await expect(load.opened).rejects.toThrow(/^slice_004\.bmp: /);
  await expect(load.done).rejects.toThrow(/^slice_004\.bmp: /);
});

test('cancel: the load and the slices not yet in reject as cancelled', async () => {
  const plan = await planOf(40);
  const load = startStreamingLoad(plan, { pool: inlinePool() });
  await load.opened;
  const pending = load.sliceReady(36);
  load.cancel();
  await expect(load.done).rejects.toMatchObject({ code: 'cancelled' });
  await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
});

test('loadWarnings: duplicates, coloured slices and filled gaps in the user’s words', () => {
  const report = {
    duplicates: [{ slice: 'b.bmp', sameAs: 'a.bmp' }],
    colouredSlices: 2,
    colouredFraction: 0.0123,
    filled: [{ slice: 'c.bmp' }],
  } as unknown as Parameters<typeof loadWarnings>[0];
  expect(loadWarnings(report)).toEqual([
    '1 duplicate slice(s): b.bmp is identical to a.bmp',
    '2 slice(s) have coloured pixels (1.23 %): overlays are converted to grey',
    '1 missing slice(s) filled by interpolation of their neighbours: c.bmp',
  ]);
});
