// The kept decode pool with core's real pool and an in-process fake worker (the same message
// protocol, replies on a later tick): two loads in one tab spawn the workers once.
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

function fakeSpawn(log: { spawned: number; terminated: number }, crash?: { now: boolean }): SpawnWorker {
  return ({ onReply, onError }) => {
    log.spawned++;
    const decoder = createSliceDecoder();
    let alive = true;
    return {
      post(req) {
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

test('the workers are spawned by the first load and reused by the next ones, also after a bad slice or a cancel', async () => {
  const log = { spawned: 0, terminated: 0 };
  const kept = keptPool(() => createDecodePool({ workers: 2, spawn: fakeSpawn(log) }));
  expect(log.spawned).toBe(0); // nothing before the first load
  expect(await load(kept, slices(5))).toBe(5);
  expect(log).toEqual({ spawned: 2, terminated: 0 });
  expect(await load(kept, slices(7))).toBe(7);
  // a slice's own error is the file's, not the pool's: the pool stays
  await expect(load(kept, slices(4, 2))).rejects.toBeInstanceOf(ImageStackError);
  const ac = new AbortController();
  ac.abort();
  await expect(load(kept, slices(4), ac.signal)).rejects.toThrow(/cancelled/);
  expect(await load(kept, slices(3))).toBe(3);
  expect(log).toEqual({ spawned: 2, terminated: 0 });
  kept.close();
  expect(log.terminated).toBe(2);
});

test('a worker that dies drops the pool: the next load starts fresh workers', async () => {
  const log = { spawned: 0, terminated: 0 };
  const crash = { now: false };
  const kept = keptPool(() => createDecodePool({ workers: 2, spawn: fakeSpawn(log, crash) }));
  expect(await load(kept, slices(2))).toBe(2);
  crash.now = true;
  await expect(load(kept, slices(2))).rejects.toThrow(/a decode worker failed: worker crashed/);
  crash.now = false;
  expect(await load(kept, slices(2))).toBe(2);
  expect(log.spawned).toBe(4);
});
