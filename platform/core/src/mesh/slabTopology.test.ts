import { createSlabExtractor, extractSurfaceSlab, labelmapSource, mergeSurfaceSlabs, type SurfaceSlab } from './extractSurface';
import { edgeCountsOf, meshMeasures, meshParts } from './meshStats';
import { analyseSlab, assembleSlab, joinSlabs, measureSlab, slabNeighbours, summariseSlab } from './slabTopology';
import { vertexNeighbours } from './smoothMesh';

// The slabs' own findings, joined across the seams, are what the whole mesh's passes find:
// the same edge counts, parts and solids, neighbour lists (in the same order), measures.
const grey = (dims: [number, number, number], seed: number) => {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return new Uint8Array(dims[0] * dims[1] * dims[2]).map(() => Math.floor(rand() * 256));
};

function slabsOf(dims: [number, number, number], cut: number[], voxels: Uint8Array, range: [number, number]): SurfaceSlab[] {
  const source = labelmapSource({ dims, voxels });
  const bounds = [0, ...cut, dims[2]];
  return bounds.slice(1).map((k1, s) => extractSurfaceSlab(dims, bounds[s], k1, k => source.getSlice(k), { range }));
}

describe.each([
  { flip: false, holed: false, kernel: true },
  { flip: true, holed: false, kernel: true },
  { flip: false, holed: true, kernel: true },
  { flip: true, holed: true, kernel: false },
  { flip: false, holed: false, kernel: false },
])('flipped winding $flip, a triangle missing $holed, WebAssembly loops $kernel', ({ flip, holed, kernel }) => {
  test.each([
    { dims: [9, 7, 8] as [number, number, number], cut: [4] },
    { dims: [12, 11, 10] as [number, number, number], cut: [2, 9] },
    { dims: [10, 9, 9] as [number, number, number], cut: [1, 2, 3, 6, 7, 8] },
    { dims: [6, 6, 5] as [number, number, number], cut: [] },
  ])('$dims cut at $cut', ({ dims, cut }) => {
    const slabs = slabsOf(dims, cut, grey(dims, dims[0] * 7 + cut.length), [90, 200]);
    // a triangle taken out of one slab: the mesh has holes, and the counts must see them
    if (holed) slabs[slabs.length > 1 ? 1 : 0].triangles = slabs[slabs.length > 1 ? 1 : 0].triangles.slice(3);
    const merged = mergeSurfaceSlabs(slabs);
    if (flip) for (let t = 0; t < merged.triangles.length; t += 3) [merged.triangles[t + 1], merged.triangles[t + 2]] = [merged.triangles[t + 2], merged.triangles[t + 1]];
    const analyses = slabs.map((s, i) => analyseSlab(s, { flip, last: i === slabs.length - 1, kernel }));
    expect(analyses.every(a => !!a.kernel === kernel)).toBe(true);
    const joined = joinSlabs(analyses.map((a, i) => summariseSlab(a, slabs[i].triangles.length / 3)));
    const nv = merged.positions.length / 3;
    expect(joined.vertices).toBe(nv);
    expect(joined.triangles).toBe(merged.triangles.length / 3);

    const positions = new Float32Array(3 * nv);
    const triangles = new Uint32Array(merged.triangles.length);
    analyses.forEach((a, s) => assembleSlab(a, slabs[s].positions, { base: joined.base[s], prevBase: joined.prevBase[s], firstTriangle: joined.firstTriangle[s] }, { positions, triangles }));
    expect(positions).toEqual(merged.positions);
    expect(triangles).toEqual(merged.triangles);

    expect(joined.edges).toEqual(edgeCountsOf(merged.triangles, 0, nv));
    expect(joined.topology.watertight).toBe(!holed);
    const parts = meshParts(merged);
    expect(joined.parts).toBe(parts.parts);
    if (holed) return; // volumes of an open surface depend on the point they are taken from

    const whole = vertexNeighbours(merged);
    analyses.forEach((a, s) => {
      const mine = slabNeighbours(a, { base: joined.base[s], prevBase: joined.prevBase[s] }, joined.seams[s]);
      const v0 = joined.base[s];
      expect(Array.from(mine.neighbours)).toEqual(Array.from(whole.neighbours.subarray(whole.start[v0], whole.start[v0 + a.own])));
      expect(Array.from(mine.start)).toEqual(Array.from(whole.start.subarray(v0, v0 + a.own + 1), x => x - whole.start[v0]));
    });

    const ref: [number, number, number] = [dims[0] / 2, dims[1] / 2, dims[2] / 2];
    const measured = analyses.map((a, s) => measureSlab(a, merged.positions, merged.triangles, { base: joined.base[s], firstTriangle: joined.firstTriangle[s] }, ref));
    const m = meshMeasures(merged);
    const partSix = new Float64Array(joined.parts);
    measured.forEach((x, s) => x.sixVolumes.forEach((v, c) => (partSix[joined.partOf[s][c]] += v)));
    expect(partSix.reduce((a, b) => a + b, 0) / 6000).toBeCloseTo(m.volume_mL, 12);
    expect(measured.reduce((a, x) => a + x.twiceArea, 0) / 2).toBeCloseTo(m.area_mm2, 9);
    expect([0, 1, 2].map(a => Math.min(...measured.map(x => x.bbox[a])))).toEqual(m.bbox_mm.slice(0, 3));
    expect([3, 4, 5].map(a => Math.max(...measured.map(x => x.bbox[a])))).toEqual(m.bbox_mm.slice(3));
    // solids: the parts of positive volume, as meshParts finds them
    expect(Array.from(partSix).filter(v => v > 0).length).toBe(Array.from(parts.volumesMl).filter(v => v > 0).length);
    expect(joined.parts).toBeGreaterThan(1);
  });
});

test('slabs that do not meet are refused', () => {
  const dims: [number, number, number] = [5, 5, 6];
  const voxels = new Uint8Array(150).fill(200);
  const slabs = slabsOf(dims, [3], voxels, [100, 255]);
  const a = slabs.map((s, i) => summariseSlab(analyseSlab(s, { flip: false, last: i === 1 }), s.triangles.length / 3));
  expect(() => joinSlabs([a[1]])).toThrow(/first slab/);
  expect(() => joinSlabs([{ ...a[0], XY: a[0].XY + 1 }, a[1]])).toThrow(/slab 1 names/);
});

test('a slab taken as the extractor holds it (untrimmed views) and renumbered in place: the same analysis as from copies', () => {
  const dims: [number, number, number] = [12, 11, 10];
  const source = labelmapSource({ dims, voxels: grey(dims, 5) });
  const extract = (trim: boolean) => {
    const x = createSlabExtractor(dims, 3, 8, { range: [90, 200] });
    for (let k = 2; k < 8; k++) x.push(source.getSlice(k));
    return x.finish({ trim });
  };
  const copied = extract(true);
  const held = extract(false);
  expect(Array.from(held.triangles)).toEqual(Array.from(copied.triangles));
  expect(Array.from(held.positions)).toEqual(Array.from(copied.positions));
  for (const [flip, kernel] of [[false, false], [true, false], [false, true], [true, true]]) {
    const want = analyseSlab(copied, { flip, last: false, kernel: false });
    const slab = extract(false);
    const got = analyseSlab(slab, { flip, last: false, consume: true, kernel });
    // JavaScript renumbers where it was; the WebAssembly loops, in their memory: the marching
    // cubes' own, taken over (grown, the slab's view of it detached), not a copy
    if (kernel) {
      expect(slab.trianglesMemory).toBeDefined();
      expect(got.kernel!.memory).toBe(slab.trianglesMemory);
      expect(got.ext.buffer).toBe(got.kernel!.memory.buffer);
      expect(got.ext.byteOffset).toBe(0);
    } else expect(got.ext).toBe(slab.triangles);
    for (const key of ['ext', 'count', 'raw', 'comp'] as const) expect(Array.from(got[key])).toEqual(Array.from(want[key]));
    expect(got.components).toBe(want.components);
  }
  // consumed, but the marching cubes' memory cannot grow: a fresh memory, the triangles copied
  const refused = extract(false);
  const grow = jest.spyOn(refused.trianglesMemory!, 'grow').mockImplementation(() => {
    throw new RangeError('could not grow');
  });
  const fresh = analyseSlab(refused, { flip: false, last: false, consume: true });
  expect(grow).toHaveBeenCalled(); // (the slab's arrays need more than the memory has)
  grow.mockRestore();
  expect(fresh.kernel!.memory).not.toBe(refused.trianglesMemory);
  expect(Array.from(fresh.ext)).toEqual(Array.from(analyseSlab(copied, { flip: false, last: false, kernel: false }).ext));
  // not consumed: the kernel copies the triangles into a memory of its own, and they stay as they were
  const slab = extract(false);
  const got = analyseSlab(slab, { flip: true, last: false });
  expect(got.kernel!.memory).not.toBe(slab.trianglesMemory);
  expect(Array.from(slab.triangles)).toEqual(Array.from(copied.triangles));
  expect(Array.from(got.ext)).toEqual(Array.from(analyseSlab(copied, { flip: true, last: false, kernel: false }).ext));
});
