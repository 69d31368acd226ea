// The WebAssembly loops of a slab's analysis give JavaScript's arrays, entry for entry, and its
// edge counts: on slabs large enough for several calls of each loop (32,768 triangles or
// vertices a call), with vertices of the slice before, either winding, and with the faults the
// counts are there to find (a hole, a triangle twice).
import { extractSurfaceSlab, labelmapSource, type SurfaceSlab } from './extractSurface';
import { analyseSlab, slabEdgeCounts, slabNeighbours, type SlabAnalysis } from './slabTopology';
import { slabKernelBytes } from './slabKernel';

const grey = (dims: [number, number, number], seed: number) => {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return new Uint8Array(dims[0] * dims[1] * dims[2]).map(() => Math.floor(rand() * 256));
};

/** The second slab of a noise volume cut in three: it has prime vertices and a seam above. */
function middleSlab(dims: [number, number, number], seed: number): SurfaceSlab {
  const source = labelmapSource({ dims, voxels: grey(dims, seed) });
  return extractSurfaceSlab(dims, 3, dims[2] - 3, k => source.getSlice(k), { range: [100, 200] });
}

const copy = (s: SurfaceSlab): SurfaceSlab => ({ ...s, triangles: s.triangles.slice() });
/** The first key and index where two analyses differ (null: none). */
function firstDifference(a: SlabAnalysis, b: SlabAnalysis): string | null {
  for (const key of ['P', 'own', 'L', 'XY', 'last', 'components'] as const) if (a[key] !== b[key]) return key;
  for (const key of ['ext', 'count', 'raw', 'comp'] as const) {
    if (a[key].length !== b[key].length) return `${key}.length`;
    for (let i = 0; i < a[key].length; i++) if (a[key][i] !== b[key][i]) return `${key}[${i}]: ${a[key][i]} ≠ ${b[key][i]}`;
  }
  return null;
}

test('the modules validate', () => {
  for (const name of ['renumber', 'prefix', 'incidences', 'components', 'edges', 'neighbours'] as const) expect(WebAssembly.validate(slabKernelBytes(name))).toBe(true);
});

test.each([
  { flip: false, last: false, fault: 'none' },
  { flip: true, last: true, fault: 'none' },
  { flip: false, last: false, fault: 'hole' },
  { flip: true, last: false, fault: 'twice' },
])('flip $flip, last $last, fault $fault: the same analysis and edge counts as JavaScript', ({ flip, last, fault }) => {
  const slab = middleSlab([96, 80, 12], flip ? 7 : 3);
  if (fault === 'hole') slab.triangles = slab.triangles.slice(30);
  if (fault === 'twice') slab.triangles = Uint32Array.from([...slab.triangles, ...slab.triangles.subarray(300, 309)]);
  // several calls of each loop
  expect(slab.triangles.length / 3).toBeGreaterThan(3 * 32768);
  expect(slab.positions.length / 3).toBeGreaterThan(32768);
  expect(slab.primeVertices).toBeGreaterThan(0);
  const js = analyseSlab(copy(slab), { flip, last, kernel: false });
  const wasm = analyseSlab(copy(slab), { flip, last });
  expect(js.kernel).toBeUndefined();
  expect(wasm.kernel).toBeDefined();
  expect(firstDifference(wasm, js)).toBeNull();
  expect(js.components).toBeGreaterThan(1);
  // the neighbour lists (a made-up seam: a few incidences in global ids, some twice), and the
  // analysis as it was after the memory grew for them
  const seam = last ? null : { count: Int32Array.from({ length: js.XY + 1 }, (_, i) => 3 * i), raw: Int32Array.from({ length: 3 * js.XY }, (_, q) => 1000 + ((q * 7) % 11)) };
  const at = { base: 5000, prevBase: 100 };
  const jsLists = slabNeighbours(js, at, seam);
  const wasmLists = slabNeighbours(wasm, at, seam);
  expect(wasmLists.neighbours.length).toBe(jsLists.neighbours.length);
  expect(Buffer.compare(Buffer.from(wasmLists.neighbours.buffer, wasmLists.neighbours.byteOffset, wasmLists.neighbours.byteLength), Buffer.from(jsLists.neighbours.buffer, jsLists.neighbours.byteOffset, jsLists.neighbours.byteLength))).toBe(0);
  expect(Array.from(wasmLists.start)).toEqual(Array.from(jsLists.start));
  expect(firstDifference(wasm, js)).toBeNull();
  const n = js.P + js.own;
  for (const [v0, v1] of [[js.P, n], [0, js.P], [js.P + 5, js.P + 40000], [n - 1, n]]) {
    const counts = slabEdgeCounts(wasm, v0, v1);
    expect(counts).toEqual(slabEdgeCounts(js, v0, v1));
    if (v0 === js.P) {
      expect(counts.edges).toBeGreaterThan(100_000);
      // a slab is open at its seams; a hole adds boundary edges, a triangle twice non-manifold ones
      expect(counts.boundaryEdges).toBeGreaterThan(0);
      expect(counts.nonManifoldEdges > 0).toBe(fault === 'twice');
      expect(counts.oriented).toBe(false);
    }
  }
});

test('a whole closed surface (one slab, no seams): the same analysis, and its edges are all used once each way', () => {
  const dims: [number, number, number] = [90, 80, 8];
  const source = labelmapSource({ dims, voxels: grey(dims, 11) });
  const slab = extractSurfaceSlab(dims, 0, dims[2], k => source.getSlice(k), { range: [100, 200] });
  const js = analyseSlab({ ...slab, triangles: slab.triangles.slice() }, { flip: false, last: true, kernel: false });
  const wasm = analyseSlab(slab, { flip: false, last: true });
  expect(firstDifference(wasm, js)).toBeNull();
  const counts = slabEdgeCounts(wasm, 0, wasm.own);
  expect(counts).toEqual(slabEdgeCounts(js, 0, js.own));
  expect(counts).toEqual({ edges: (3 * slab.triangles.length) / 6, boundaryEdges: 0, nonManifoldEdges: 0, oriented: true });
  // the lists from vertex 0 on (the first slab's numbering: a seen-mark must not be 0)
  const lists = slabNeighbours(wasm, { base: 0, prevBase: 0 }, null);
  const want = slabNeighbours(js, { base: 0, prevBase: 0 }, null);
  expect(Array.from(lists.neighbours.subarray(0, 50))).toEqual(Array.from(want.neighbours.subarray(0, 50)));
  expect(lists.neighbours.length).toBe(want.neighbours.length);
  expect(lists.neighbours.every((x, i) => x === want.neighbours[i])).toBe(true);
});

test('a memory that cannot grow for the neighbour lists: the JavaScript loop makes them, from the same views', () => {
  const slab = middleSlab([30, 24, 10], 9);
  const js = analyseSlab(copy(slab), { flip: false, last: true, kernel: false });
  const wasm = analyseSlab(copy(slab), { flip: false, last: true });
  wasm.kernel!.grow = () => null;
  const bytes = wasm.kernel!.memory.buffer.byteLength;
  const lists = slabNeighbours(wasm, { base: 10, prevBase: 0 }, null);
  const want = slabNeighbours(js, { base: 10, prevBase: 0 }, null);
  expect(wasm.kernel!.memory.buffer.byteLength).toBe(bytes);
  expect(lists.neighbours.buffer).not.toBe(wasm.kernel!.memory.buffer);
  expect(Array.from(lists.neighbours)).toEqual(Array.from(want.neighbours));
  expect(Array.from(lists.start)).toEqual(Array.from(want.start));
  expect(firstDifference(wasm, js)).toBeNull();
});
