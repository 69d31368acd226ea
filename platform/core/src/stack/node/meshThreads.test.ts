// The parallel mesh path (worker_threads, the compiled worker in platform/core/dist: run
// `npx tsc -b` first) gives exactly the single-thread mesh: the same triangles and positions
// as readStack + extractSurfaceVoxels + smoothMesh, for any number of threads.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeBmp } from '../../../../../tests/fixtures/images/bmpWriter';
import { tempDir } from '../../../../../tests/fixtures/images/magick';
import { ORIENTATION_PRESETS, type StackGeometry } from '../../geometry';
import { decimateMesh } from '../../mesh/decimateMesh';
import { extractSurfaceVoxels, placeMesh } from '../../mesh/extractSurface';
import { meshStats, type MeshStats } from '../../mesh/meshStats';
import { smoothMesh } from '../../mesh/smoothMesh';
import { writeStlBinary } from '../../mesh/writeStl';
import { sliceView } from '../types';
import { extractStackSurface } from './meshStack';
import { startMeshThreads, type MeshThreads } from './meshThreads';
import type { Mesh, MeshFrame } from '../../mesh/types';
import { readStack } from './readStack';

/** Byte-for-byte equal typed arrays (faster than toEqual on large arrays). */
const same = (a: Float32Array | Uint32Array, b: Float32Array | Uint32Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const tmp = tempDir('imagestack-meshthreads-');
afterAll(() => tmp.cleanup());
const W = 37;
const H = 29;
const N = 23;

/** A wavy blob with a cavity and noise, 24-bit, mostly grey. */
function slice(k: number): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  let s = k * 7919 + 1;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const dx = (x - W / 2) / (W * 0.4), dy = (y - H / 2) / (H * 0.4), dz = (k - N / 2) / (N * 0.4);
      const r2 = dx * dx + dy * dy + dz * dz + 0.1 * Math.sin(x * 0.7 + k);
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const v = (r2 < 1 && r2 > 0.15 ? 180 : 60) + (s >>> 26) + ((s >>> 20) & 1 ? 50 : 0);
      const g = Math.min(255, v);
      // Some coloured pixels: their grey is the decoders' luma, on both paths.
      if ((x + y + k) % 7 === 0) rgb.set([g, (g * 3) & 255, 255 - g], (y * W + x) * 3);
      else rgb.fill(g, (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
  return rgb;
}
const dir = tmp.file('stack');
mkdirSync(dir);
for (let k = 0; k < N; k++) writeFileSync(path.join(dir, `s${k}.bmp`), writeBmp({ width: W, height: H, bitCount: 24, rgb: slice(k) }));

test('slabs on 1, 2 and 5 threads: the same mesh as the whole volume on one thread, smoothed the same', async () => {
  const range: [number, number] = [128, 230];
  const { stack } = await readStack([dir], { crop: [2, 1, 33, 26], reverse: true });
  const dims: [number, number, number] = [stack.columns, stack.rows, stack.slices];
  const whole = extractSurfaceVoxels({ dims, getSlice: k => sliceView(stack, k) }, { range });
  expect(whole.triangles.length).toBeGreaterThan(1000);
  const smoothed = smoothMesh(whole, { iterations: 15, passBand: 0.05 });
  for (const n of [1, 2, 5]) {
    const threads = startMeshThreads(n);
    try {
      const fractions: number[] = [];
      const r = await extractStackSurface([dir], threads, { crop: [2, 1, 33, 26], reverse: true, range, onProgress: f => fractions.push(f) });
      expect(r.dims).toEqual(dims);
      expect(same(r.mesh.positions, whole.positions)).toBe(true);
      expect(same(r.mesh.triangles, whole.triangles)).toBe(true);
      expect(fractions[fractions.length - 1]).toBe(1);
      const s = await threads.smooth(r.mesh, { iterations: 15, passBand: 0.05 });
      expect(same(s.positions, smoothed.positions)).toBe(true);
      // Triangles the extraction did not make: equal vertex ranges, each thread finding its
      // vertices' neighbours; in the kernel and in the JavaScript loop.
      const copy = { positions: r.mesh.positions.slice(), triangles: r.mesh.triangles.slice() };
      for (const javascript of [false, true]) expect(same((await threads.smooth(copy, { iterations: 15, passBand: 0.05, javascript })).positions, smoothed.positions)).toBe(true);
      // The topology the smoothing pass found, and the one the threads check afresh.
      const stats = meshStats(smoothed);
      const expected = { watertight: stats.watertight, oriented: stats.oriented };
      expect(await threads.topology(s)).toEqual(expected);
      expect(await threads.topology({ positions: s.positions, triangles: s.triangles.slice() })).toEqual(expected);
    } finally {
      threads.close();
    }
  }
}, 60_000);

/** meshStats' figures: counts, flags and box exactly; the sums up to their rounding. */
function expectStats(got: MeshStats, want: MeshStats): void {
  expect({ ...got, volume_mL: 0, area_mm2: 0 }).toEqual({ ...want, volume_mL: 0, area_mm2: 0 });
  expect(got.volume_mL).toBeCloseTo(want.volume_mL, 9);
  expect(got.area_mm2).toBeCloseTo(want.area_mm2, 8);
}

/** The binary STL the threads write for `mesh`, read back. */
async function stlOf(threads: MeshThreads, mesh: Mesh, frame: MeshFrame): Promise<Buffer> {
  const file = tmp.file(`threads-${frame}.stl`);
  await threads.writeStl(mesh, frame, file);
  return readFileSync(file);
}

test('placed while assembled, measured and written by the threads: the single-thread mesh, stats and STL bytes', async () => {
  const range: [number, number] = [128, 230];
  const { stack } = await readStack([dir], { crop: [1, 2, 34, 25] });
  const dims: [number, number, number] = [stack.columns, stack.rows, stack.slices];
  // non-square pixels, an oblique orientation, far from the origin
  const geometry: StackGeometry = { pixelSpacingXMm: 0.7, pixelSpacingYMm: 0.45, sliceSpacingMm: 1.3, originMm: [120, -340, 515], orientation: [...ORIENTATION_PRESETS.coronal] };
  for (const frame of ['LPS', 'RAS'] as const) {
    const whole = placeMesh(extractSurfaceVoxels({ dims, getSlice: k => sliceView(stack, k) }, { range }), geometry, { frame });
    const smoothed = smoothMesh(whole, { iterations: 12, passBand: 0.05 });
    for (const n of frame === 'LPS' ? [1, 2, 5] : [2]) {
      const threads = startMeshThreads(n);
      try {
        const r = await extractStackSurface([dir], threads, { crop: [1, 2, 34, 25], range, place: { geometry: () => geometry, frame } });
        expect(same(r.mesh.positions, whole.positions)).toBe(true);
        expect(same(r.mesh.triangles, whole.triangles)).toBe(true);
        expectStats(await threads.stats(r.mesh), meshStats(whole));
        expect((await stlOf(threads, r.mesh, frame)).equals(Buffer.from(writeStlBinary(whole, { frame })))).toBe(true);
        const s = await threads.smooth(r.mesh, { iterations: 12, passBand: 0.05 });
        expect(same(s.positions, smoothed.positions)).toBe(true);
        // the JavaScript loop on shared arrays (where the kernel's memory cannot be had): the same bits
        expect(same((await threads.smooth(r.mesh, { iterations: 12, passBand: 0.05, javascript: true })).positions, smoothed.positions)).toBe(true);
        expectStats(await threads.stats(s), meshStats(smoothed));
        expect((await stlOf(threads, s, frame)).equals(Buffer.from(writeStlBinary(smoothed, { frame })))).toBe(true);
        // triangles the extraction did not make: checked afresh
        const fewer = decimateMesh(s, { reduction: 0.5 });
        expectStats(await threads.stats(fewer), meshStats(fewer));
      } finally {
        threads.close();
      }
    }
  }
}, 60_000);

test('the STL file the threads write in megabyte pieces is writeStlBinary\'s bytes; a file that cannot be made is one error naming it', async () => {
  // 50,001 triangles of random vertices: each thread writes more than one piece, the last one short
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const positions = Float32Array.from({ length: 3 * 3001 }, () => 400 * random() - 200);
  const triangles = Uint32Array.from({ length: 3 * 50_001 }, () => Math.floor(3001 * random()));
  const mesh = { positions, triangles };
  const threads = startMeshThreads(2);
  try {
    const file = tmp.file('pieces.stl');
    writeFileSync(file, 'an older, longer file under the same name'.repeat(100_000)); // replaced, not patched
    await threads.writeStl(mesh, 'RAS', file);
    expect(readFileSync(file).equals(Buffer.from(writeStlBinary(mesh, { frame: 'RAS' })))).toBe(true);
    const nowhere = path.join(tmp.file('no-such-folder'), 'x.stl');
    await expect(threads.writeStl(mesh, 'LPS', nowhere, '/shown/as/x.stl')).rejects.toMatchObject({ code: 'io', reason: 'cannot write (ENOENT)', file: '/shown/as/x.stl' });
  } finally {
    threads.close();
  }
});

test('a cancelled signal stops extraction and smoothing', async () => {
  const threads = startMeshThreads(2);
  try {
    const ac = new AbortController();
    ac.abort();
    await expect(extractStackSurface([dir], threads, { range: [128, 255], signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' });
    const { mesh } = await extractStackSurface([dir], threads, { range: [128, 255] });
    const late = new AbortController();
    const p = threads.smooth(mesh, { iterations: 1000, passBand: 0.05, signal: late.signal, onProgress: () => late.abort() });
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  } finally {
    threads.close();
  }
});
