import { extractSurfaceVoxels } from './extractSurface';
import { edgeCountsOf, joinEdgeCounts, meshMeasures, meshParts, meshStats, meshTopology, topologyFrom } from './meshStats';
import type { Mesh } from './types';

// A closed tetrahedron, outward: right-angle corner at the origin, unit legs. Volume 1/6 mm³.
const P = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
const tet: Mesh = { positions: Float32Array.from(P), triangles: Uint32Array.of(0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3) };

test('a closed outward tetrahedron: watertight, oriented, χ = 2, volume 1/6 mm³', () => {
  expect(meshTopology(tet)).toEqual({ watertight: true, oriented: true, vertexManifold: true, eulerCharacteristic: 2, parts: 1, boundaryEdges: 0, nonManifoldEdges: 0 });
  const m = meshMeasures(tet);
  expect(m.volume_mL * 1000).toBeCloseTo(1 / 6, 12);
  expect(m.area_mm2).toBeCloseTo(1.5 + Math.sqrt(3) / 2, 12);
  expect(m.bbox_mm).toEqual([0, 0, 0, 1, 1, 1]);
  expect(meshStats(tet)).toMatchObject({ triangles: 4, vertices: 4, parts: 1 });
});

test('one flipped triangle: still watertight, not oriented', () => {
  const t = tet.triangles.slice();
  [t[0], t[1]] = [t[1], t[0]];
  expect(meshTopology({ positions: tet.positions, triangles: t })).toMatchObject({ watertight: true, oriented: false });
});

test('a missing triangle: three boundary edges, not watertight', () => {
  expect(meshTopology({ positions: tet.positions, triangles: tet.triangles.slice(0, 9) })).toMatchObject({ watertight: false, oriented: false, boundaryEdges: 3, nonManifoldEdges: 0 });
});

test('a fin on an edge (three triangles on one edge): non-manifold', () => {
  const positions = Float32Array.from([...P, 1, 1, 1]);
  const triangles = Uint32Array.from([...tet.triangles, 0, 1, 4]);
  expect(meshTopology({ positions, triangles })).toMatchObject({ watertight: false, nonManifoldEdges: 1 });
});

test('two tetrahedra sharing only a vertex: watertight, but a pinched vertex (and one part: they share it)', () => {
  const positions = Float32Array.from([...P, -1, 0, 0, 0, -1, 0, 0, 0, -1]);
  // a second tetrahedron on vertex 0 with vertices 4, 5, 6
  const triangles = Uint32Array.from([...tet.triangles, 0, 4, 5, 0, 6, 4, 0, 5, 6, 4, 6, 5]);
  const topo = meshTopology({ positions, triangles });
  expect(topo).toMatchObject({ watertight: true, vertexManifold: false, parts: 1 });
});

test('two separate tetrahedra: two parts, χ = 4, volumes add', () => {
  const positions = Float32Array.from([...P, ...P.map((v, i) => (i % 3 === 0 ? v + 5 : v))]);
  const triangles = Uint32Array.from([...tet.triangles, ...Array.from(tet.triangles, v => v + 4)]);
  const mesh = { positions, triangles };
  expect(meshTopology(mesh)).toMatchObject({ watertight: true, oriented: true, parts: 2, eulerCharacteristic: 4 });
  expect(meshMeasures(mesh).volume_mL * 1000).toBeCloseTo(2 / 6, 10);
});

test('an empty mesh', () => {
  const empty = { positions: new Float32Array(0), triangles: new Uint32Array(0) };
  expect(meshStats(empty)).toMatchObject({ triangles: 0, volume_mL: 0, area_mm2: 0, bbox_mm: [0, 0, 0, 0, 0, 0], parts: 0 });
});

test('solids and cavities: an outward surface is a solid, an inward one inside it a sealed cavity', () => {
  // a big outward tetrahedron (scaled 10×) and a small inward one inside it (a cavity)
  const outer = P.map(v => v * 10 - 1);
  const inner = P.map(v => v + 1);
  const positions = Float32Array.from([...outer, ...inner]);
  const inward = Array.from(tet.triangles, v => v + 4);
  for (let i = 0; i < inward.length; i += 3) [inward[i], inward[i + 1]] = [inward[i + 1], inward[i]];
  const triangles = Uint32Array.from([...tet.triangles, ...inward]);
  const s = meshStats({ positions, triangles });
  expect(s).toMatchObject({ parts: 2, solids: 1, cavities: 1, watertight: true, oriented: true });
  expect(s.volume_mL * 1000).toBeCloseTo(1000 / 6 - 1 / 6, 6);
  expect(meshParts({ positions, triangles }).volumesMl[1] * 1000).toBeCloseTo(-1 / 6, 9);
  expect(meshStats(tet)).toMatchObject({ solids: 1, cavities: 0 });
  expect(meshStats({ positions: new Float32Array(0), triangles: new Uint32Array(0) })).toMatchObject({ parts: 0, solids: 0, cavities: 0 });
});

test('edge counts over vertex ranges (for threads) add up to meshTopology, on closed, open and odd meshes', () => {
  let seed = 99;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const meshes: Mesh[] = [];
  for (let trial = 0; trial < 6; trial++) {
    const dims: [number, number, number] = [6, 5, 4];
    const voxels = new Uint8Array(120).map(() => (rand() < 0.5 ? 1 : 0));
    const closed = extractSurfaceVoxels({ dims, getSlice: k => voxels.subarray(k * 30, (k + 1) * 30) });
    meshes.push(closed);
    // Open it (drop triangles), flip some, duplicate some: boundary, unoriented, non-manifold edges.
    const t = Array.from(closed.triangles);
    const odd: number[] = [];
    for (let i = 0; i < t.length; i += 3) {
      const r = rand();
      if (r < 0.05) continue;
      if (r < 0.1) odd.push(t[i], t[i + 2], t[i + 1]);
      else if (r < 0.13) odd.push(t[i], t[i + 1], t[i + 2], t[i], t[i + 1], t[i + 2]);
      else odd.push(t[i], t[i + 1], t[i + 2]);
    }
    meshes.push({ positions: closed.positions, triangles: Uint32Array.from(odd) });
  }
  for (const mesh of meshes) {
    const topo = meshTopology(mesh);
    const nv = mesh.positions.length / 3;
    for (const cuts of [[], [Math.floor(nv / 2)], [1, Math.floor(nv / 3), nv - 1]]) {
      const b = [0, ...cuts, nv];
      const counts = joinEdgeCounts(b.slice(1).map((v1, i) => edgeCountsOf(mesh.triangles, b[i], v1)));
      expect(counts.boundaryEdges).toBe(topo.boundaryEdges);
      expect(counts.nonManifoldEdges).toBe(topo.nonManifoldEdges);
      const known = topologyFrom(counts);
      expect(known).toEqual({ watertight: topo.watertight, oriented: topo.oriented });
      expect(meshStats(mesh, known)).toEqual(meshStats(mesh));
    }
  }
});
