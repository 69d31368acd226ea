/**
 * The marching-cubes case table, built (not typed in) from one topological rule so that every
 * cube agrees with its neighbours:
 *
 * - Corner c of a cube is at (c & 1, (c >> 1) & 1, (c >> 2) & 1) in voxel-index units, and case
 *   bit c is set when that corner is inside the mask.
 * - On a face whose corners alternate inside/outside (the ambiguous face), the inside corners are
 *   always cut off from each other: foreground is 6-connected, background 18-connected. Because
 *   the rule depends only on the face's own four corners, the two cubes sharing a face draw the
 *   same segments on it, so the surface is watertight by construction.
 * - Each closed loop of face segments becomes one polygon, fan-triangulated from a start vertex
 *   chosen so that no added diagonal lies on a cube face (a diagonal on a face could be drawn by
 *   the neighbouring cube too and be shared by four triangles).
 * - Segments are oriented so that every triangle winds counter-clockwise seen from outside
 *   (right-handed normals point from inside the mask to outside).
 *
 * Edges are numbered 0..11: 0–3 run along x, 4–7 along y, 8–11 along z; within each group the
 * number is (other-axis bits) as in EDGE_CORNERS below. `buildCaseTable` checks its own output
 * (every cut edge used, loops closed, no face diagonals) and throws if the rule were broken.
 */

/** The two corners of each of the 12 cube edges, lower corner first. */
export const EDGE_CORNERS: ReadonlyArray<readonly [number, number]> = [
  // along x: y,z = (0,0) (1,0) (0,1) (1,1)
  [0, 1], [2, 3], [4, 5], [6, 7],
  // along y: x,z = (0,0) (1,0) (0,1) (1,1)
  [0, 2], [1, 3], [4, 6], [5, 7],
  // along z: x,y = (0,0) (1,0) (0,1) (1,1)
  [0, 4], [1, 5], [2, 6], [3, 7],
];

/** Faces: outward normal axis/sign and the four corners in cyclic order. */
const FACES: ReadonlyArray<{ normal: [number, number, number]; corners: [number, number, number, number] }> = [
  { normal: [-1, 0, 0], corners: [0, 2, 6, 4] },
  { normal: [1, 0, 0], corners: [1, 3, 7, 5] },
  { normal: [0, -1, 0], corners: [0, 1, 5, 4] },
  { normal: [0, 1, 0], corners: [2, 3, 7, 6] },
  { normal: [0, 0, -1], corners: [0, 1, 3, 2] },
  { normal: [0, 0, 1], corners: [4, 5, 7, 6] },
];

function cornerPos(c: number): [number, number, number] {
  return [c & 1, (c >> 1) & 1, (c >> 2) & 1];
}

function edgeOf(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const e = EDGE_CORNERS.findIndex(([p, q]) => p === lo && q === hi);
  if (e < 0) throw new Error(`mesh/caseTable: corners ${a},${b} are not an edge`);
  return e;
}

function edgeMid(e: number): [number, number, number] {
  const [a, b] = EDGE_CORNERS[e];
  const p = cornerPos(a);
  const q = cornerPos(b);
  return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2];
}

function cross(a: number[], b: number[]): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Face index sets each edge belongs to (two per edge). */
function facesOfEdge(e: number): number[] {
  const [a, b] = EDGE_CORNERS[e];
  const out: number[] = [];
  FACES.forEach((f, i) => {
    if (f.corners.includes(a) && f.corners.includes(b)) out.push(i);
  });
  return out;
}

function edgesShareFace(e1: number, e2: number): boolean {
  const f1 = facesOfEdge(e1);
  return facesOfEdge(e2).some(f => f1.includes(f));
}

/** Oriented face segments [fromEdge, toEdge] of one case. */
function faceSegments(caseIndex: number): Array<[number, number]> {
  const inside = (c: number) => ((caseIndex >> c) & 1) === 1;
  const segments: Array<[number, number]> = [];
  for (const face of FACES) {
    const c = face.corners;
    const cut: number[] = [];
    for (let s = 0; s < 4; s++) if (inside(c[s]) !== inside(c[(s + 1) % 4])) cut.push(s);
    const pairs: Array<[number, number]> = [];
    if (cut.length === 2) {
      pairs.push([cut[0], cut[1]]);
    } else if (cut.length === 4) {
      // Ambiguous face: cut off each inside corner with the two face edges that meet at it.
      for (let s = 0; s < 4; s++) {
        if (inside(c[s])) pairs.push([(s + 3) % 4, s]); // side s-1 ends at corner s; side s starts there
      }
    }
    for (const [s1, s2] of pairs) {
      const e1 = edgeOf(c[s1], c[(s1 + 1) % 4]);
      const e2 = edgeOf(c[s2], c[(s2 + 1) % 4]);
      // Orientation: travel t = d_out × n_face, where d_out points (in the face) from the
      // inside region to the outside one; the edge direction outside−inside of e1 has a positive
      // component along d_out, which fixes the sign (see the derivation in the file header).
      const [a, b] = EDGE_CORNERS[e1];
      const pa = cornerPos(a);
      const pb = cornerPos(b);
      const outMinusIn = inside(a) ? [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]] : [pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]];
      const t = cross(outMinusIn, face.normal);
      const m1 = edgeMid(e1);
      const m2 = edgeMid(e2);
      const along = dot([m2[0] - m1[0], m2[1] - m1[1], m2[2] - m1[2]], t);
      segments.push(along > 0 ? [e1, e2] : [e2, e1]);
    }
  }
  return segments;
}

/**
 * For each of the 256 cases, the triangles as a flat list of edge numbers (3 per triangle),
 * counter-clockwise seen from outside.
 */
export function buildCaseTable(): number[][] {
  const table: number[][] = [];
  for (let cs = 0; cs < 256; cs++) {
    const segs = faceSegments(cs);
    const next = new Map<number, number>();
    for (const [from, to] of segs) {
      if (next.has(from)) throw new Error(`mesh/caseTable: case ${cs}: edge ${from} starts two segments`);
      next.set(from, to);
    }
    const tris: number[] = [];
    const used = new Set<number>();
    for (const [start] of segs) {
      if (used.has(start)) continue;
      const loop: number[] = [];
      let e = start;
      do {
        loop.push(e);
        used.add(e);
        const n = next.get(e);
        if (n === undefined) throw new Error(`mesh/caseTable: case ${cs}: loop open at edge ${e}`);
        e = n;
      } while (e !== start);
      tris.push(...triangulateLoop(loop, cs));
    }
    table.push(tris);
  }
  return table;
}

function triangulateLoop(loop: number[], cs: number): number[] {
  const n = loop.length;
  if (n < 3) throw new Error(`mesh/caseTable: case ${cs}: loop of ${n}`);
  for (let s = 0; s < n; s++) {
    let ok = true;
    for (let d = 2; d < n - 1 && ok; d++) {
      if (edgesShareFace(loop[s], loop[(s + d) % n])) ok = false;
    }
    if (!ok) continue;
    const tris: number[] = [];
    for (let d = 1; d < n - 1; d++) tris.push(loop[s], loop[(s + d) % n], loop[(s + d + 1) % n]);
    return tris;
  }
  throw new Error(`mesh/caseTable: case ${cs}: no fan start avoids a face diagonal for loop ${loop.join(',')}`);
}

/**
 * The table packed for the extraction loop: triangles of case c are edge numbers
 * edges[offsets[c] .. offsets[c + 1]). Built on first use (a process that never marches, such
 * as the command line's main thread while its mesh threads march, does not build it).
 */
let packed: { offsets: Uint16Array; edges: Uint8Array } | undefined;
export function packedCaseTable(): { offsets: Uint16Array; edges: Uint8Array } {
  if (packed) return packed;
  const table = buildCaseTable();
  const offsets = new Uint16Array(257);
  for (let c = 0; c < 256; c++) offsets[c + 1] = offsets[c] + table[c].length;
  const edges = new Uint8Array(offsets[256]);
  for (let c = 0; c < 256; c++) edges.set(table[c], offsets[c]);
  return (packed = { offsets, edges });
}
