import { ImageStackError } from '../errors';
import { checkGeometry, indexToPatientAffine, type StackGeometry } from '../geometry';
import { packedCaseTable } from './caseTable';
import { GrowableFloat32, GrowableUint32 } from './growable';
import { scanRows } from './scanKernel';
import type { Labelmap, Mesh, MeshFrame, SliceArray, SliceSource } from './types';
import type { WasmMemory } from '../wasm/assemble';

/** Something that can be cancelled: an AbortSignal, or any object with `aborted`. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export interface ExtractSurfaceOptions {
  /**
   * Inclusive range of voxel values that count as inside. Default [1, +∞): any non-zero value
   * (all segments merged). One segment of a labelmap: [label, label].
   */
  range?: [number, number];
  /** Called after each slice with the fraction done (0..1). */
  onProgress?: (fraction: number) => void;
  signal?: CancelSignal;
}

export interface PlaceMeshOptions {
  /** Output frame, default 'LPS' (DICOM patient coordinates). 'RAS' negates x and y. */
  frame?: MeshFrame;
}

/** One padded sample plane: 0/1 bytes plus, per row, the columns where the value changes. */
interface SamplePlane {
  /** (nx + 2) × (ny + 2) bytes; the one-voxel border is always 0 (outside). */
  bytes: Uint8Array;
  /**
   * Row r's transitions are trans[start[r] .. start[r + 1]): padded columns c with
   * bytes[c] ≠ bytes[c − 1], ascending. A row's value at column c is the parity of the number
   * of its transitions ≤ c. Every row starts and ends outside, so each row has an even count.
   */
  trans: Int32Array;
  start: Int32Array;
  any: boolean;
}

function newPlane(W: number, H: number): SamplePlane {
  return { bytes: new Uint8Array(W * H), trans: new Int32Array(W * H), start: new Int32Array(H + 1), any: false };
}

/**
 * Marching cubes on a binary mask read slice by slice, in voxel-index units: vertex (i, j, k) is
 * the centre of column i, row j, slice k. Memory beyond the output is two padded sample planes
 * and five plane-sized vertex-id arrays, whatever the number of slices.
 *
 * The volume is treated as surrounded by one voxel of outside, so a mask touching the edge of
 * the volume still closes. Vertices sit at edge midpoints (the mask is binary) and are shared
 * through edge-indexed id planes, so the output is welded. With the case table's consistent
 * ambiguity rule (see caseTable.ts) the result is closed, 2-manifold and oriented outward, with
 * one part per 6-connected component of the mask (and one more surface per enclosed cavity).
 *
 * Work after reading each slice is proportional to the surface, not the volume: each row keeps
 * its transition columns, and only cubes next to a transition or where the four rows of a cube
 * row disagree are visited (a cube whose eight corners agree has no surface).
 */
export function extractSurfaceVoxels(source: SliceSource, options: ExtractSurfaceOptions = {}): Mesh {
  const extractor = createSurfaceExtractor(source.dims, options);
  for (let k = 0; k < source.dims[2]; k++) {
    if (options.signal?.aborted) throw new ImageStackError('cancelled', 'mesh: cancelled');
    extractor.push(source.getSlice(k));
    options.onProgress?.((k + 1) / source.dims[2]);
  }
  return extractor.finish();
}

/**
 * Marching cubes fed one slice at a time, for callers that receive slices asynchronously (a
 * worker receiving labelmap slices posted one by one): `push` slices 0..nz−1 in order, then
 * `finish` returns the mesh in voxel-index units (see extractSurfaceVoxels). Holds two slices.
 */
export interface SurfaceExtractor {
  /** Adds the next slice (columns × rows values, columns fastest); it is not kept. */
  push(slice: SliceArray): void;
  /** Slices pushed so far. */
  readonly slicesPushed: number;
  /** After the last slice: closes the far side and returns the welded mesh. */
  finish(): Mesh;
}

export function createSurfaceExtractor(dims: [number, number, number], options: Pick<ExtractSurfaceOptions, 'range'> = {}): SurfaceExtractor {
  const nz = dims[2];
  const m = createMarcher(dims, options.range);
  let pushed = 0;
  let finished = false;
  m.plane(-1, null, false);
  return {
    push(slice: SliceArray): void {
      if (finished || pushed >= nz) throw new ImageStackError('mismatch', `mesh: more than ${nz} slices pushed`);
      m.plane(pushed, slice, false);
      pushed++;
    },
    get slicesPushed() {
      return pushed;
    },
    finish(): Mesh {
      if (pushed !== nz) throw new ImageStackError('mismatch', `mesh: ${pushed} of ${nz} slices pushed before finish`);
      if (!finished) m.plane(nz, null, false);
      finished = true;
      return { positions: m.pos.trimmed(), triangles: m.tri.trimmed() };
    },
  };
}

/**
 * The surface of slices k0..k1−1 of a stack as one slab of the whole extraction, so slabs can
 * be extracted in parallel (each by its own thread) and joined by `mergeSurfaceSlabs` into
 * exactly the mesh `extractSurfaceVoxels` gives: the same vertices and triangles in the same
 * order. A slab owns the cubes between slice k0−1 and k1−1 (and the padding beyond the first and
 * last slice of the stack); it reads slice k0−1 too, to number the vertices of that slice that
 * the slab before it made: those appear in `triangles` as 0xFFFFFFFF − i, the i-th vertex of
 * that slice (see mergeSurfaceSlabs).
 */
export interface SurfaceSlab {
  k0: number;
  k1: number;
  positions: Float32Array;
  triangles: Uint32Array;
  /** Id of the first vertex on slice k1−1's own (x and y) edges: the next slab's references start there. */
  lastSliceFirstVertex: number;
  /** How many vertices lie on slice k1−1's x and y edges (ids lastSliceFirstVertex onwards): the next slab's prime count. */
  lastSliceEdgeVertices: number;
  /** How many vertices of slice k0−1 (the slab before's) the triangles name as 0xFFFFFFFF − i. */
  primeVertices: number;
  /**
   * finish({ trim: false }) only: the WebAssembly memory `triangles` is the start of (zeros after
   * it), which the slab's analysis may take over and grow for its arrays (detaching `triangles`).
   */
  trianglesMemory?: WasmMemory;
}

/**
 * A slice given as 8-bit codes and a table saying which codes are inside: row j's nx codes start
 * at `bytes[rowStart[j]]`. An 8-bit paletted BMP's pixel rows as they are in the file, with the
 * palette and the threshold folded into `inside`, so the slice is never decoded to grey.
 */
export interface CodedSlice {
  bytes: Uint8Array;
  rowStart: Int32Array;
  /**
   * Bytes per pixel: 1, an 8-bit code; 3 or 4, blue, green, red (and a fourth byte, ignored), whose
   * grey value is the decoders' (19595 R + 38470 G + 7471 B + 32768) >>> 16 (see stack/grey.ts:
   * exactly R where R = G = B). Default 1.
   */
  step?: 1 | 3 | 4;
  /** 256 entries, 1 for a code (step 1) or grey value (step 3, 4) inside the surface, else 0. */
  inside: Uint8Array;
}

/** Extracts one slab (see SurfaceSlab); `getSlice` is asked for slices k0−1 (when k0 > 0) to k1−1, in order. */
export function extractSurfaceSlab(
  dims: [number, number, number],
  k0: number,
  k1: number,
  getSlice: (k: number) => SliceArray,
  options: Pick<ExtractSurfaceOptions, 'range' | 'signal'> = {},
): SurfaceSlab {
  const slab = createSlabExtractor(dims, k0, k1, options);
  for (let k = k0 ? k0 - 1 : 0; k < k1; k++) {
    if (options.signal?.aborted) throw new ImageStackError('cancelled', 'mesh: cancelled');
    slab.push(getSlice(k));
  }
  return slab.finish();
}

/**
 * A slab (see SurfaceSlab) fed one slice at a time: `push` slices k0−1 (when k0 > 0) to k1−1
 * in order, then `finish`. For a thread that decodes its slices itself.
 */
export function createSlabExtractor(dims: [number, number, number], k0: number, k1: number, options: Pick<ExtractSurfaceOptions, 'range'> = {}) {
  const nz = dims[2];
  if (!(Number.isInteger(k0) && Number.isInteger(k1) && 0 <= k0 && k0 < k1 && k1 <= nz)) {
    throw new ImageStackError('bad-argument', `mesh: slab ${k0}..${k1} is not inside 0..${nz}`);
  }
  const m = createMarcher(dims, options.range);
  if (k0 === 0) m.plane(-1, null, false);
  let next = k0 ? k0 - 1 : 0;
  let lastSliceFirstVertex = 0;
  let lastSliceEdgeVertices = 0;
  return {
    /** The slice the next push is taken to be. */
    get nextSlice() {
      return next;
    },
    push(slice: SliceArray | CodedSlice): void {
      if (next >= k1) throw new ImageStackError('mismatch', `mesh: slab ${k0}..${k1} got more slices than it covers`);
      if (next < k0) m.plane(next, slice, true);
      else {
        lastSliceFirstVertex = m.vertexCount();
        m.plane(next, slice, false);
        lastSliceEdgeVertices = m.planeEdgeVertices();
      }
      next++;
    },
    /**
     * The slab. `trim: false`: its arrays are views of the extractor's growing ones, not
     * exact-size copies (a caller that consumes them at once saves the copy and its fresh pages).
     */
    finish(options: { trim?: boolean } = {}): SurfaceSlab {
      if (next !== k1) throw new ImageStackError('mismatch', `mesh: slab ${k0}..${k1} finished after slice ${next - 1}`);
      if (k1 === nz) m.plane(nz, null, false);
      const trim = options.trim ?? true;
      const positions = trim ? m.pos.trimmed() : m.pos.data.subarray(0, m.pos.length);
      const triangles = trim ? m.tri.trimmed() : m.tri.data.subarray(0, m.tri.length);
      const trianglesMemory = trim ? null : m.tri.memory;
      return { k0, k1, positions, triangles, lastSliceFirstVertex, lastSliceEdgeVertices, primeVertices: m.primeCount(), ...(trianglesMemory ? { trianglesMemory } : {}) };
    },
  };
}

/** Joins slabs covering 0..nz in order (from extractSurfaceSlab) into the whole welded mesh. */
export function mergeSurfaceSlabs(slabs: readonly SurfaceSlab[]): Mesh {
  let nv = 0;
  let nt = 0;
  for (let s = 0; s < slabs.length; s++) {
    if (slabs[s].k0 !== (s ? slabs[s - 1].k1 : 0)) throw new ImageStackError('mismatch', `mesh: slab ${s} starts at slice ${slabs[s].k0}, not where the one before it ends`);
    nv += slabs[s].positions.length;
    nt += slabs[s].triangles.length;
  }
  const positions = new Float32Array(nv);
  const triangles = new Uint32Array(nt);
  let vOffset = 0;
  let tOffset = 0;
  let prevBase = 0; // global id of the previous slab's last-slice vertices
  for (const slab of slabs) {
    positions.set(slab.positions, vOffset);
    const t = slab.triangles;
    const base = vOffset / 3;
    for (let i = 0; i < t.length; i++) {
      const id = t[i];
      triangles[tOffset + i] = id >= 0x80000000 ? prevBase + (0xffffffff - id) : base + id;
    }
    prevBase = base + slab.lastSliceFirstVertex;
    vOffset += slab.positions.length;
    tOffset += t.length;
  }
  return { positions, triangles };
}

/** Marching cubes state: two sample planes, their vertex-id planes, the output so far. */
function createMarcher(dims: [number, number, number], range: [number, number] | undefined) {
  const [nx, ny] = dims;
  if (!(nx > 0 && ny > 0 && dims[2] > 0)) throw new ImageStackError('empty', `mesh: labelmap has no voxels (${nx}×${ny}×${dims[2]})`);
  const lo = range?.[0] ?? 1;
  const hi = range?.[1] ?? Infinity;
  const { offsets: CASE_OFFSETS, edges: CASE_EDGES } = packedCaseTable();
  // 8-bit slices are thresholded through a table: one load instead of two compares.
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = v >= lo && v <= hi ? 1 : 0;
  let lutTable: PairTable | null = null;
  const lutPairs = () => (lutTable ??= pairTableFor(lut, null)).pairs;
  let codedTable: PairTable | null = null;
  const codedPairs = (inside: Uint8Array) => (codedTable = pairTableFor(inside, codedTable)).pairs;
  const W = nx + 2;
  const H = ny + 2;
  const planeSize = W * H;
  let A = newPlane(W, H);
  let B = newPlane(W, H);
  // The vertex ids on the cubes' edges, in one array so that a case's edge is one offset into
  // it (edgeAt below) rather than a branch per corner, five to a cell: x edges of planes A and
  // B, y edges of A and B, the z edge between them (ids[5p + slot]). Side by side, a cube's
  // twelve edges are in two places (its row and the next) instead of ten: on a 1500×1000 slice
  // the five planes span 30 MB, and apart each cube's ids missed the caches and the TLB.
  // A and B trade places each plane (`swapped`): plane A's x and y edges are slots
  // X + swapped and Y + swapped, plane B's the others.
  const SLOTS = 5;
  const X = 0, Y = 2, Z = 4;
  const ids = new Int32Array(SLOTS * planeSize);
  // edgeAt[s][t]: where in `ids`, less 5 × the cube's index p, case entry t's edge has its
  // vertex, with plane A's slots first (s = 0) or second (s = 1). Edges 0–3: x edges of A at p,
  // p + W, of B at p, p + W; 4–7: y edges of A at p, p + 1, of B at p, p + 1; 8–11: z edges at
  // p, p + 1, p + W, p + W + 1.
  const edgeAt = [0, 1].map(s => {
    const [xa, xb, ya, yb] = [X + s, X + (s ^ 1), Y + s, Y + (s ^ 1)];
    const row = SLOTS * W;
    const edge = [xa, xa + row, xb, xb + row, ya, ya + SLOTS, yb, yb + SLOTS, Z, Z + SLOTS, Z + row, Z + row + SLOTS];
    return Int32Array.from(CASE_EDGES, e => edge[e]);
  });
  let swapped = 0;
  // Scratch: disagreement ranges [from, to) of two rows, as pairs.
  const ranges = new Int32Array(W + 2);

  const pos = new GrowableFloat32();
  const tri = new GrowableUint32();
  let vertexCount = 0;
  // A priming plane (the slice before a slab) numbers its vertices −1, −2, … and stores none.
  let primeCount = 0;
  let priming = false;
  /** Room for `count` more vertices, which addVertex then writes without checking. */
  const room = (count: number) => {
    if (!priming) pos.reserve(3 * count);
  };
  const addVertex = (x: number, y: number, z: number): number => {
    if (priming) return -++primeCount;
    const d = pos.data;
    const n = pos.length;
    d[n] = x;
    d[n + 1] = y;
    d[n + 2] = z;
    pos.length = n + 3;
    return vertexCount++;
  };

  /** Processes sample plane k (−1 and nz are the zero padding; `slice` is null for them). */
  // Vertices on the x and y edges of the last plane processed.
  let edgeVertices = 0;
  const plane = (k: number, slice: SliceArray | CodedSlice | null, prime: boolean): void => {
    priming = prime;
    const planeFirst = vertexCount;
    if (slice && 'inside' in slice) {
      binarizeCodedInto(slice, nx, ny, codedPairs, B);
    } else if (slice) {
      if (slice.length < nx * ny) {
        throw new ImageStackError('mismatch', `mesh: slice ${k} has ${slice.length} voxels, expected ${nx}×${ny}`);
      }
      binarizeInto(slice, nx, ny, lo, hi, lut, lutPairs, B);
    } else {
      clearPlane(B);
    }
    const xB = X + (swapped ^ 1);
    const yB = Y + (swapped ^ 1);
    if (B.any) {
      // x edges of plane B: one per transition.
      room(B.start[H - 1] - B.start[1]);
      for (let pj = 1; pj < H - 1; pj++) {
        const row = pj * W;
        for (let t = B.start[pj], e = B.start[pj + 1]; t < e; t++) {
          const c = B.trans[t];
          ids[SLOTS * (row + c - 1) + xB] = addVertex(c - 1.5, pj - 1, k);
        }
      }
      // y edges of plane B: where rows pj and pj + 1 differ.
      for (let pj = 0; pj < H - 1; pj++) {
        const n = diffRanges(B, pj, B, pj + 1, ranges);
        if (n) room(ranges[n - 1] - ranges[0]);
        const row = pj * W;
        for (let r = 0; r < n; r += 2) {
          for (let pi = ranges[r]; pi < ranges[r + 1]; pi++) ids[SLOTS * (row + pi) + yB] = addVertex(pi - 1, pj - 0.5, k);
        }
      }
    }

    edgeVertices = prime ? primeCount : vertexCount - planeFirst;

    if (!prime && k > -1 && (A.any || B.any)) {
      // z edges between plane A (k − 1) and plane B (k): where the same row differs.
      for (let pj = 1; pj < H - 1; pj++) {
        const n = diffRanges(A, pj, B, pj, ranges);
        if (n) room(ranges[n - 1] - ranges[0]);
        const row = pj * W;
        for (let r = 0; r < n; r += 2) {
          for (let pi = ranges[r]; pi < ranges[r + 1]; pi++) ids[SLOTS * (row + pi) + Z] = addVertex(pi - 1, pj - 1, k - 0.5);
        }
      }
      // Cubes between planes A and B.
      const sa = A.bytes;
      const sb = B.bytes;
      for (let cj = 0; cj < H - 1; cj++) {
        const a0s = A.start[cj], a0e = A.start[cj + 1], a1e = A.start[cj + 2];
        const b0s = B.start[cj], b0e = B.start[cj + 1], b1e = B.start[cj + 2];
        if (a0s === a1e && b0s === b1e) continue; // all four rows empty
        // Walk the union of the four rows' transitions in column order; collect cube runs
        // [runFrom, runTo] (inclusive) and emit each merged run once.
        let ia0 = a0s, ia1 = a0e, ib0 = b0s, ib1 = b0e;
        let va0 = 0, va1 = 0, vb0 = 0, vb1 = 0;
        let runFrom = -2;
        let runTo = -2;
        const r0 = cj * W;
        while (true) {
          const ta0 = ia0 < a0e ? A.trans[ia0] : 0x7fffffff;
          const ta1 = ia1 < a1e ? A.trans[ia1] : 0x7fffffff;
          const tb0 = ib0 < b0e ? B.trans[ib0] : 0x7fffffff;
          const tb1 = ib1 < b1e ? B.trans[ib1] : 0x7fffffff;
          let u = ta0 < ta1 ? ta0 : ta1;
          const ub = tb0 < tb1 ? tb0 : tb1;
          if (ub < u) u = ub;
          if (u === 0x7fffffff) break;
          if (ta0 === u) { va0 ^= 1; ia0++; }
          if (ta1 === u) { va1 ^= 1; ia1++; }
          if (tb0 === u) { vb0 ^= 1; ib0++; }
          if (tb1 === u) { vb1 ^= 1; ib1++; }
          // The cube straddling the transition, and, if the rows now disagree, every cube up to
          // the next transition (whose straddling cube closes the range).
          let from = u - 1;
          let to = u - 1;
          if (!(va0 === va1 && va0 === vb0 && va0 === vb1)) {
            const na0 = ia0 < a0e ? A.trans[ia0] : 0x7fffffff;
            const na1 = ia1 < a1e ? A.trans[ia1] : 0x7fffffff;
            const nb0 = ib0 < b0e ? B.trans[ib0] : 0x7fffffff;
            const nb1 = ib1 < b1e ? B.trans[ib1] : 0x7fffffff;
            let next = na0 < na1 ? na0 : na1;
            const nb = nb0 < nb1 ? nb0 : nb1;
            if (nb < next) next = nb;
            to = next - 1;
          }
          if (from <= runTo + 1) {
            if (to > runTo) runTo = to;
          } else {
            if (runTo >= 0) emitCubes(r0 + runFrom, runTo - runFrom + 1);
            runFrom = from;
            runTo = to;
          }
        }
        if (runTo >= 0) emitCubes(r0 + runFrom, runTo - runFrom + 1);
      }

      // Declared here so it sees this plane pair's arrays; hoisted within the block.
      function emitCubes(p0: number, count: number): void {
        // Case bits: corner c = x + 2y + 4z. Seed the x = 1 bits with the x = 0 face of the
        // first cube, which the first shift moves into place.
        let cs = (sa[p0] << 1) | (sa[p0 + W] << 3) | (sb[p0] << 5) | (sb[p0 + W] << 7);
        const at = edgeAt[swapped];
        tri.reserve(15 * count); // at most five triangles a cube
        const out = tri.data;
        let n = tri.length;
        for (let p = p0, end = p0 + count; p < end; p++) {
          cs = ((cs >> 1) & 0b01010101) | (sa[p + 1] << 1) | (sa[p + W + 1] << 3) | (sb[p + 1] << 5) | (sb[p + W + 1] << 7);
          if (cs === 0 || cs === 255) continue;
          const q = SLOTS * p;
          for (let t = CASE_OFFSETS[cs], tEnd = CASE_OFFSETS[cs + 1]; t < tEnd; t++) out[n++] = ids[at[t] + q];
        }
        tri.length = n;
      }
    }

    // Plane B becomes plane A.
    [A, B] = [B, A];
    swapped ^= 1;
  };

  return { plane, pos, tri, vertexCount: () => vertexCount, primeCount: () => primeCount, planeEdgeVertices: () => edgeVertices };
}

/**
 * Columns where row ra of plane P and row rb of plane Q differ, as [from, to) pairs written to
 * `out`; returns the number of values written (2 per range).
 */
function diffRanges(P: SamplePlane, ra: number, Q: SamplePlane, rb: number, out: Int32Array): number {
  let i = P.start[ra];
  const ie = P.start[ra + 1];
  let j = Q.start[rb];
  const je = Q.start[rb + 1];
  let va = 0;
  let vb = 0;
  let n = 0;
  while (i < ie || j < je) {
    const ta = i < ie ? P.trans[i] : 0x7fffffff;
    const tb = j < je ? Q.trans[j] : 0x7fffffff;
    const u = ta < tb ? ta : tb;
    const was = va !== vb;
    if (ta === u) { va ^= 1; i++; }
    if (tb === u) { vb ^= 1; j++; }
    const now = va !== vb;
    if (now && !was) out[n++] = u;
    else if (!now && was) out[n++] = u;
  }
  return n;
}

function clearPlane(p: SamplePlane): void {
  p.bytes.fill(0);
  p.start.fill(0);
  p.any = false;
}

/**
 * Two 8-bit codes at once: entry (second << 8) | first is inside[first] | inside[second] << 1,
 * the codes as a little-endian 16-bit word holds them. Built for one `inside` table and reused
 * while the slices' tables stay the same (a stack's files share one palette).
 */
export interface PairTable {
  inside: Uint8Array;
  pairs: Uint8Array;
}

export function pairTableFor(inside: Uint8Array, cached: PairTable | null): PairTable {
  if (cached) {
    let same = true;
    for (let v = 0; v < 256 && same; v++) same = cached.inside[v] === inside[v];
    if (same) return cached;
  }
  const pairs = cached?.pairs ?? new Uint8Array(65536);
  for (let hi = 0; hi < 256; hi++) {
    const h = inside[hi] << 1;
    for (let lo = 0; lo < 256; lo++) pairs[(hi << 8) | lo] = inside[lo] | h;
  }
  return { inside: inside.slice(0, 256), pairs };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The transitions of one row of nx 8-bit codes at src[s0 ..] (inside[code] is 1 inside), as
 * padded columns appended to trans from index n; returns the new n. Two codes per step
 * through the pair table where the bytes allow a 16-bit read: rows are mostly long runs, so
 * most steps are one load, one table load and one compare. Where WebAssembly runs and the
 * table is one interval of codes, scanRows (scanKernel.ts) does this work; this loop is the
 * fallback and its test's reference.
 */
export function scanRow8(src: Uint8Array, src16: Uint16Array | null, s0: number, nx: number, inside: Uint8Array, pairs: Uint8Array, trans: Int32Array, n: number): number {
  let prev = 0;
  let i = 0;
  if (src16) {
    const abs = src.byteOffset + s0;
    if (abs & 1) {
      if (inside[src[s0]]) {
        trans[n++] = 1;
        prev = 1;
      }
      i = 1;
    }
    const end = i + ((nx - i) & ~1);
    for (let w = (abs + i) >> 1; i < end; i += 2, w++) {
      const q = pairs[src16[w]];
      if (q !== prev * 3) {
        if ((q & 1) !== prev) {
          trans[n++] = i + 1;
          prev ^= 1;
        }
        if (q >> 1 !== prev) {
          trans[n++] = i + 2;
          prev ^= 1;
        }
      }
    }
  }
  for (; i < nx; i++) {
    if (inside[src[s0 + i]] !== prev) {
      trans[n++] = i + 1;
      prev ^= 1;
    }
  }
  if (prev) trans[n++] = nx + 1;
  return n;
}

/**
 * scanRow8 for a row of 24-bit blue, green, red pixels starting at a multiple of 4 bytes
 * (src32 views the same buffer): four pixels from three 32-bit loads, each pixel's grey the
 * decoders' (see CodedSlice), then the rest one pixel at a time. Where WebAssembly runs,
 * scanRows (scanKernel.ts) does this work; this loop is the fallback and its test's reference.
 */
export function scanRow24(src: Uint8Array, src32: Uint32Array, s0: number, nx: number, inside: Uint8Array, trans: Int32Array, n: number): number {
  let prev = 0;
  let i = 0;
  const end = nx & ~3;
  for (let q = (src.byteOffset + s0) >> 2; i < end; i += 4, q += 3) {
    const w0 = src32[q], w1 = src32[q + 1], w2 = src32[q + 2];
    // Four grey pixels a, b, c, d (equal channels, what a CT capture mostly is) are the bytes
    // a a a b | b b c c | c d d d, and their grey values are themselves (the weights sum to
    // 65536): three compares instead of twelve multiplies (about a third less time a pixel).
    const a = w0 & 255, b = w0 >>> 24, c = w1 >>> 24, d = w2 >>> 24;
    const m =
      w0 === ((a * 0x10101) | (b << 24)) >>> 0 && w1 === ((b * 0x101) | (c * 0x1010000)) >>> 0 && w2 === (c | (d * 0x1010100)) >>> 0
        ? inside[a] | (inside[b] << 1) | (inside[c] << 2) | (inside[d] << 3)
        : inside[(7471 * a + 38470 * ((w0 >>> 8) & 255) + 19595 * ((w0 >>> 16) & 255) + 32768) >>> 16] |
          (inside[(7471 * b + 38470 * (w1 & 255) + 19595 * ((w1 >>> 8) & 255) + 32768) >>> 16] << 1) |
          (inside[(7471 * ((w1 >>> 16) & 255) + 38470 * c + 19595 * (w2 & 255) + 32768) >>> 16] << 2) |
          (inside[(7471 * ((w2 >>> 8) & 255) + 38470 * ((w2 >>> 16) & 255) + 19595 * d + 32768) >>> 16] << 3);
    if (m !== prev * 15) {
      for (let k = 0; k < 4; k++) {
        if (((m >> k) & 1) !== prev) {
          trans[n++] = i + k + 1;
          prev ^= 1;
        }
      }
    }
  }
  for (let o = s0 + 3 * i; i < nx; i++, o += 3) {
    if (inside[(7471 * src[o] + 38470 * src[o + 1] + 19595 * src[o + 2] + 32768) >>> 16] !== prev) {
      trans[n++] = i + 1;
      prev ^= 1;
    }
  }
  if (prev) trans[n++] = nx + 1;
  return n;
}

/** A 16-bit view of the bytes' buffer for scanRow8, when the platform is little-endian. */
export function words(src: Uint8Array): Uint16Array | null {
  return LITTLE_ENDIAN && src.length >= 2 ? new Uint16Array(src.buffer, 0, src.buffer.byteLength >> 1) : null;
}

/** Sets the plane's 0/1 bytes from its rows' transitions (runs filled natively, not byte by byte). */
function fillFromTransitions(plane: SamplePlane, W: number, ny: number): void {
  const { bytes, trans, start } = plane;
  bytes.fill(0);
  for (let pj = 1; pj <= ny; pj++) {
    const row = pj * W;
    for (let t = start[pj], e = start[pj + 1]; t < e; t += 2) bytes.fill(1, row + trans[t], row + trans[t + 1]);
  }
}

/** Writes a slice into the padded 0/1 plane and records each row's transitions. */
function binarizeInto(slice: SliceArray, nx: number, ny: number, lo: number, hi: number, lut: Uint8Array, pairs: () => Uint8Array, plane: SamplePlane): void {
  const W = nx + 2;
  const trans = plane.trans;
  const start = plane.start;
  start[0] = 0;
  start[1] = 0;
  let n = 0;
  if (slice instanceof Uint8Array) {
    const src16 = words(slice);
    const table = pairs();
    for (let j = 0; j < ny; j++) {
      n = scanRow8(slice, src16, j * nx, nx, lut, table, trans, n);
      start[j + 2] = n;
    }
  } else {
    // "≥ lo" with 0 < lo ≤ 1 is "≠ 0" only for unsigned integers (Int16 can be negative).
    const anyNonZero = lo <= 1 && lo > 0 && hi === Infinity && slice instanceof Uint16Array;
    for (let j = 0; j < ny; j++) {
      const src = j * nx;
      let prev = 0;
      if (anyNonZero) {
        for (let i = 0; i < nx; i++) {
          const b = slice[src + i] !== 0 ? 1 : 0;
          if (b !== prev) {
            trans[n++] = i + 1;
            prev = b;
          }
        }
      } else {
        for (let i = 0; i < nx; i++) {
          const v = slice[src + i];
          const b = v >= lo && v <= hi ? 1 : 0;
          if (b !== prev) {
            trans[n++] = i + 1;
            prev = b;
          }
        }
      }
      if (prev) trans[n++] = nx + 1;
      start[j + 2] = n;
    }
  }
  start[ny + 2] = n; // the bottom padding row has none
  plane.any = n > 0;
  fillFromTransitions(plane, W, ny);
}

/** binarizeInto for a CodedSlice: its codes read where they are, no grey slice in between. */
function binarizeCodedInto(slice: CodedSlice, nx: number, ny: number, pairs: (inside: Uint8Array) => Uint8Array, plane: SamplePlane): void {
  const { bytes: src, rowStart, inside } = slice;
  const step = slice.step ?? 1;
  const W = nx + 2;
  const trans = plane.trans;
  const start = plane.start;
  start[0] = 0;
  start[1] = 0;
  let n = 0;
  const src16 = step === 1 ? words(src) : null;
  const src32 = step === 3 && LITTLE_ENDIAN && src.buffer.byteLength >= 4 ? new Uint32Array(src.buffer, 0, src.buffer.byteLength >> 2) : null;
  for (let j = 0; j < ny; j++) {
    const s0 = rowStart[j];
    if (s0 < 0 || s0 + step * nx > src.length) throw new ImageStackError('corrupt', `mesh: row ${j} of a coded slice is outside its bytes`);
  }
  // 8- and 24-bit rows through the WebAssembly loops where they run (scanKernel.ts), else below
  const done = step === 1 || step === 3 ? scanRows(step, src, rowStart, ny, nx, inside, trans, start, 0) : null;
  const table = done === null && step === 1 ? pairs(inside) : null;
  if (done !== null) n = done;
  else for (let j = 0; j < ny; j++) {
    const s0 = rowStart[j];
    if (table) n = scanRow8(src, src16, s0, nx, inside, table, trans, n);
    else if (step === 3 && src32 && ((src.byteOffset + s0) & 3) === 0) n = scanRow24(src, src32, s0, nx, inside, trans, n);
    else {
      let prev = 0;
      for (let i = 0, o = s0; i < nx; i++, o += step) {
        const b = inside[(7471 * src[o] + 38470 * src[o + 1] + 19595 * src[o + 2] + 32768) >>> 16];
        if (b !== prev) {
          trans[n++] = i + 1;
          prev = b;
        }
      }
      if (prev) trans[n++] = nx + 1;
    }
    start[j + 2] = n;
  }
  start[ny + 2] = n;
  plane.any = n > 0;
  fillFromTransitions(plane, W, ny);
}

/**
 * Moves a mesh from voxel-index units to patient millimetres through the stack geometry (the
 * same affine that places the DICOM slices), in the requested frame. Triangles stay
 * outward-facing: RAS negates two axes (a rotation), and a left-handed index→patient affine
 * would have its winding reversed here.
 */
export function placeMesh(mesh: Mesh, geometry: StackGeometry, options: PlaceMeshOptions = {}): Mesh {
  const frame = options.frame ?? 'LPS';
  if (frame !== 'LPS' && frame !== 'RAS') throw new ImageStackError('bad-argument', `mesh: frame must be LPS or RAS, got ${String(frame)}`);
  const m = indexToPatientAffine(checkGeometry(geometry));
  const s = frame === 'RAS' ? -1 : 1;
  const src = mesh.positions;
  const out = new Float32Array(src.length);
  for (let v = 0; v < src.length; v += 3) {
    const i = src[v];
    const j = src[v + 1];
    const k = src[v + 2];
    out[v] = s * (m[0] * i + m[1] * j + m[2] * k + m[3]);
    out[v + 1] = s * (m[4] * i + m[5] * j + m[6] * k + m[7]);
    out[v + 2] = m[8] * i + m[9] * j + m[10] * k + m[11];
  }
  const det =
    m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
  let triangles = mesh.triangles;
  if (det < 0) {
    triangles = triangles.slice();
    for (let t = 0; t < triangles.length; t += 3) {
      const a = triangles[t + 1];
      triangles[t + 1] = triangles[t + 2];
      triangles[t + 2] = a;
    }
  }
  return { positions: out, triangles };
}

/** Marching cubes straight to patient millimetres: `extractSurfaceVoxels` then `placeMesh`. */
export function extractSurface(source: SliceSource, geometry: StackGeometry, options: ExtractSurfaceOptions & PlaceMeshOptions = {}): Mesh {
  return placeMesh(extractSurfaceVoxels(source, options), geometry, options);
}

/** A SliceSource over a labelmap held whole in memory (no copy). */
export function labelmapSource(labelmap: Pick<Labelmap, 'dims' | 'voxels'>): SliceSource {
  const [nx, ny, nz] = labelmap.dims;
  if (labelmap.voxels.length !== nx * ny * nz) {
    throw new ImageStackError('mismatch', `mesh: labelmap has ${labelmap.voxels.length} voxels, dims say ${nx}×${ny}×${nz}`);
  }
  const n = nx * ny;
  return { dims: labelmap.dims, getSlice: k => labelmap.voxels.subarray(k * n, (k + 1) * n) };
}
