// The kept decode pool with core's real pool and an in-process fake worker (the same message
// protocol, replies on a later tick): loads in one tab find their workers already started, and
// the workers that read a stack are replaced by fresh ones after it (their garbage goes with them).
import { createDecodePool, createSliceDecoder, ImageStackError, type SliceRequest, type SpawnWorker } from '@imagestack/core';
import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { keptPool } from './keptPool';

const W = 8;
const H = 4;
const slices = (n: number, bad?: number): SliceRequest[] =>
  Array.from({ length: n }, (_, index) => ({
    index,
    file: `s${index}.bmp`,
    source: index === bad ? new Uint8Array(0) : writeBmp({ width: W, height: H, bitCount: 24, rgb: Uint8Array.from({ length: W * H * 3 }, (_, i) => (i + index) & 255) }),
    page: 0,
    width: W,
    height: H,
    bitDepth: 8,
    crop: { x: 0, y: 0, width: W, height: H },
    downsample: 1,
  }));

interface Log {
  spawned: number;
  terminated: number;
  /** Worker number (in spawn order) of each request. */
  servedBy: number[];
}

function fakeSpawn(log: Log, crash?: { now: boolean }): SpawnWorker {
  return ({ onReply, onError }) => {
    const me = ++log.spawned;
    const decoder = createSliceDecoder();
    let alive = true;
    return {
      post(req) {
        log.servedBy.push(me);
        setTimeout(async () => {
          if (!alive) return;
          if (crash?.now) return onError(new Error('worker crashed'));
          const { reply } = await decoder.handle(req);
          if (alive) onReply(reply);
        }, 1);
      },
      terminate() {
        alive = false;
        log.terminated++;
      },
    };
  };
}

const load = (kept: ReturnType<typeof keptPool>, reqs: SliceRequest[], signal?: AbortSignal) =>
  kept.use(async pool => {
    let n = 0;
    await pool.run(reqs, { onSlice: () => void n++, signal });
    return n;
  });

test('each load finds two workers already started; the ones that read a stack are replaced after it, also after a bad slice or a cancel', async () => {
  const log: Log = { spawned: 0, terminated: 0, servedBy: [] };
  const kept = keptPool(() => createDecodePool({ workers: 2, spawn: fakeSpawn(log) }));
  expect(log.spawned).toBe(0); // nothing before the first load
  expect(await load(kept, slices(5))).toBe(5);
  expect(new Set(log.servedBy)).toEqual(new Set([1, 2]));
  // the used workers ended, two fresh ones wait for the next load
  expect(log).toMatchObject({ spawned: 4, terminated: 2 });
  log.servedBy = [];
  expect(await load(kept, slices(7))).toBe(7);
  expect(new Set(log.servedBy)).toEqual(new Set([3, 4])); // no spawn inside the load
  await expect(load(kept, slices(4, 2))).rejects.toBeInstanceOf(ImageStackError);
  const ac = new AbortController();
  ac.abort();
  await expect(load(kept, slices(4), ac.signal)).rejects.toThrow(/cancelled/);
  expect(await load(kept, slices(3))).toBe(3);
  expect(log.spawned - log.terminated).toBe(2); // never more than two alive
  kept.close();
  expect(log.spawned).toBe(log.terminated);
});

test('two loads at once share the workers; they are replaced when the last one ends', async () => {
  const log: Log = { spawned: 0, terminated: 0, servedBy: [] };
  const kept = keptPool(() => createDecodePool({ workers: 2, spawn: fakeSpawn(log) }));
  expect(await Promise.all([load(kept, slices(4)), load(kept, slices(6))])).toEqual([4, 6]);
  expect(new Set(log.servedBy)).toEqual(new Set([1, 2]));
  expect(log).toMatchObject({ spawned: 4, terminated: 2 });
});

test('a worker that dies fails its load; the next load has fresh workers', async () => {
  const log: Log = { spawned: 0, terminated: 0, servedBy: [] };
  const crash = { now: false };
  const kept = keptPool(() => createDecodePool({ workers: 2, spawn: fakeSpawn(log, crash) }));
  expect(await load(kept, slices(2))).toBe(2);
  crash.now = true;
  await expect(load(kept, slices(2))).rejects.toThrow(/a decode worker failed: worker crashed/);
  crash.now = false;
  expect(await load(kept, slices(2))).toBe(2);
  expect(log.spawned - log.terminated).toBe(2);
});
