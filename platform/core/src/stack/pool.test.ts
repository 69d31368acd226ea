// The pool with an in-process fake worker (same message protocol, asynchronous replies): the
// scheduling, streaming, buffer recycling, errors and cancellation, without threads.
import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { ImageStackError } from '../errors';
import { createSliceDecoder, type SliceRequest, type SliceResult } from './decodeSlice';
import { createDecodePool, runDecodePool, type SpawnWorker } from './pool';

const W = 16;
const H = 8;
function slices(n: number): SliceRequest[] {
  return Array.from({ length: n }, (_, index) => ({
    index,
    file: `s${index}.bmp`,
    source: writeBmp({ width: W, height: H, bitCount: 24, rgb: Uint8Array.from({ length: W * H * 3 }, (_, i) => (i + index * 5) & 255) }),
    page: 0,
    width: W,
    height: H,
    bitDepth: 8,
    crop: { x: 0, y: 0, width: W, height: H },
    downsample: 1,
  }));
}

/** A fake worker: runs the real decoder, replies on a later tick; records what it was sent. */
function fakeSpawn(log: { posted: SliceRequest[]; transferred: number; terminated: number; spawned: number }, fail?: (r: SliceRequest) => boolean): SpawnWorker {
  return ({ onReply, onError }) => {
    log.spawned++;
    const decoder = createSliceDecoder();
    let alive = true;
    return {
      post(req, transfer) {
        log.posted.push(req);
        log.transferred += transfer.length;
        setTimeout(async () => {
          if (!alive) return;
          if (fail?.(req)) return onError(new Error('worker crashed'));
          const { reply } = await decoder.handle(req);
          if (alive) onReply(reply);
        }, 1 + (req.index % 3));
      },
      terminate() {
        alive = false;
        log.terminated++;
      },
    };
  };
}
const newLog = () => ({ posted: [] as SliceRequest[], transferred: 0, terminated: 0, spawned: 0 });

test('every slice arrives once, equal to decoding on this thread; progress counts up; buffers are recycled', async () => {
  const reqs = slices(12);
  const inline = new Map<number, string>();
  await runDecodePool(reqs, { workers: 0, onSlice: r => inline.set(r.index, Buffer.from(r.voxels).toString('hex')) });
  const log = newLog();
  const got = new Map<number, string>();
  const progress: number[] = [];
  await runDecodePool(reqs, { workers: 3, spawn: fakeSpawn(log), onSlice: r => got.set(r.index, Buffer.from(r.voxels).toString('hex')), onProgress: d => progress.push(d) });
  expect(got).toEqual(inline);
  expect(progress).toEqual([...Array(12).keys()].map(i => i + 1));
  expect(log.spawned).toBe(3);
  expect(log.terminated).toBe(3);
  // After each worker's first two slices, requests carry a spent buffer back.
  expect(log.posted.filter(r => r.into).length).toBe(12 - 3 * 2);
  expect(log.transferred).toBe(12 - 3 * 2);
});

test('a bad slice rejects with its ImageStackError naming the file, and stops the workers', async () => {
  const reqs = slices(6);
  reqs[4] = { ...reqs[4], source: new Uint8Array(0) };
  const log = newLog();
  await expect(runDecodePool(reqs, { workers: 2, spawn: fakeSpawn(log), onSlice: () => {} })).rejects.toThrow(/^s4\.bmp: the file is empty/);
  expect(log.terminated).toBe(2);
  const wrong = slices(3);
  wrong[1] = { ...wrong[1], width: 17 };
  const e = await runDecodePool(wrong, { workers: 0, onSlice: () => {} }).catch(x => x);
  expect(e).toBeInstanceOf(ImageStackError);
  expect(e.code).toBe('mismatch');
  expect(e.message).toMatch(/^s1\.bmp: is 16 × 8 8-bit, but the other slices are 17 × 8 8-bit/);
});

test('a crashed worker rejects the run', async () => {
  const log = newLog();
  await expect(runDecodePool(slices(4), { workers: 2, spawn: fakeSpawn(log, r => r.index === 2), onSlice: () => {} })).rejects.toThrow(/a decode worker failed: worker crashed/);
});

test('abort cancels: the run rejects with "cancelled" and the workers stop', async () => {
  const log = newLog();
  const ac = new AbortController();
  let seen = 0;
  const run = runDecodePool(slices(40), {
    workers: 2,
    spawn: fakeSpawn(log),
    signal: ac.signal,
    onSlice: () => {
      if (++seen === 5) ac.abort();
    },
  });
  await expect(run).rejects.toMatchObject({ code: 'cancelled' });
  expect(seen).toBe(5);
  expect(log.posted.length).toBeLessThan(40);
  expect(log.terminated).toBe(2);
  // On this thread too.
  const ac2 = new AbortController();
  let n = 0;
  await expect(runDecodePool(slices(40), { workers: 0, signal: ac2.signal, onSlice: () => ++n === 3 && ac2.abort() })).rejects.toMatchObject({ code: 'cancelled' });
  expect(n).toBe(3);
});

test('a pool created once serves several runs', async () => {
  const log = newLog();
  const pool = createDecodePool({ workers: 2, spawn: fakeSpawn(log) });
  const results: SliceResult[][] = [[], []];
  await pool.run(slices(5), { onSlice: r => results[0].push({ ...r, voxels: r.voxels.slice() }) });
  await pool.run(slices(7), { onSlice: r => results[1].push({ ...r, voxels: r.voxels.slice() }) });
  pool.close();
  expect(results.map(r => r.length)).toEqual([5, 7]);
  expect(log.spawned).toBe(2);
});

test('single decodes keep their buffers, can go first, and can be cancelled while queued', async () => {
  const log = newLog();
  const pool = createDecodePool({ workers: 1, spawn: fakeSpawn(log), inFlightPerWorker: 1 });
  const reqs = slices(6);
  const order: number[] = [];
  const all = reqs.slice(0, 4).map(r => pool.decode(r).then(res => (order.push(res.index), res)));
  const urgent = pool.decode(reqs[5], { first: true }).then(res => (order.push(res.index), res));
  const ac = new AbortController();
  const dropped = pool.decode(reqs[4], { signal: ac.signal });
  ac.abort();
  await expect(dropped).rejects.toMatchObject({ code: 'cancelled' });
  const results = await Promise.all([...all, urgent]);
  // The first request was already with the worker; the urgent one came next.
  expect(order).toEqual([0, 5, 1, 2, 3]);
  expect(new Set(results.map(r => r.voxels.buffer)).size).toBe(5); // nothing recycled under the caller
  expect(log.posted.some(r => r.index === 4)).toBe(false);
  expect(log.transferred).toBe(0);
  pool.close();
  await expect(pool.decode(reqs[0])).rejects.toThrow(/closed/);
});

test('a failed run leaves the pool usable; runs can overlap', async () => {
  const log = newLog();
  const pool = createDecodePool({ workers: 2, spawn: fakeSpawn(log) });
  const bad = slices(5);
  bad[2] = { ...bad[2], source: new Uint8Array(3) };
  const good = slices(5);
  const seen: number[] = [];
  const [r1, r2] = await Promise.allSettled([pool.run(bad, { onSlice: () => {} }), pool.run(good, { onSlice: r => seen.push(r.index) })]);
  expect(r1.status).toBe('rejected');
  expect(r2.status).toBe('fulfilled');
  expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  const again: number[] = [];
  await pool.run(slices(3), { onSlice: r => again.push(r.index) });
  expect(again.length).toBe(3);
  pool.close();
  expect(log.terminated).toBe(2);
});
