import { ImageStackError } from '../src/errors';
import { packedCaseTable } from '../src/mesh/caseTable';
import type { ExtractSurfaceOptions } from '../src/mesh/extractSurface';
import { GrowableFloat32, GrowableUint32 } from '../src/mesh/growable';
import type { Mesh, SliceArray, SliceSource } from '../src/mesh/types';

const { offsets: CASE_OFFSETS, edges: CASE_EDGES } = packedCaseTable();

// The straightforward marching cubes (every cube visited) that extractSurfaceVoxels replaced with
// a transition-driven walk. Kept as the reference the tests compare the fast one against.

/**
 * Marching cubes on a binary mask read slice by slice, in voxel-index units: vertex (i, j, k) is
 * the centre of column i, row j, slice k. Memory beyond the output is two padded slices and five
 * slice-sized vertex-id planes, whatever the number of slices.
 *
 * The volume is treated as surrounded by one voxel of outside, so a mask touching the edge of
 * the volume still closes. Vertices sit at edge midpoints (the mask is binary) and are shared
 * through edge-indexed id planes, so the output is welded. With the case table's consistent
 * ambiguity rule (see caseTable.ts) the result is closed, 2-manifold and oriented outward, with
 * one part per 6-connected component of the mask (and one more surface per enclosed cavity).
 */
export function denseMarchingCubes(source: SliceSource, options: ExtractSurfaceOptions = {}): Mesh {
  const [nx, ny, nz] = source.dims;
  if (!(nx > 0 && ny > 0 && nz > 0)) throw new ImageStackError('empty', `mesh: labelmap has no voxels (${nx}×${ny}×${nz})`);
  const lo = options.range?.[0] ?? 1;
  const hi = options.range?.[1] ?? Infinity;
  const W = nx + 2;
  const H = ny + 2;
  const planeSize = W * H;
  let sampleA = new Uint8Array(planeSize);
  let sampleB = new Uint8Array(planeSize);
  let xA = new Int32Array(planeSize);
  let yA = new Int32Array(planeSize);
  let xB = new Int32Array(planeSize);
  let yB = new Int32Array(planeSize);
  const zAB = new Int32Array(planeSize);
  // Per padded row: does the row hold any inside voxel? Lets whole empty rows be skipped.
  let rowA = new Uint8Array(H);
  let rowB = new Uint8Array(H);
  let anyA = false;

  const pos = new GrowableFloat32();
  const tri = new GrowableUint32();
  let vertexCount = 0;

  for (let k = -1; k <= nz; k++) {
    if (options.signal?.aborted) throw new ImageStackError('cancelled', 'mesh: cancelled');
    // Fill plane B with sample plane k (zero outside the volume).
    rowB.fill(0);
    let anyB = false;
    if (k >= 0 && k < nz) {
      const slice = source.getSlice(k);
      if (slice.length < nx * ny) {
        throw new ImageStackError('mismatch', `mesh: slice ${k} has ${slice.length} voxels, expected ${nx}×${ny}`);
      }
      anyB = binarizeInto(slice, nx, ny, lo, hi, sampleB, rowB);
    } else {
      sampleB.fill(0);
    }

    // Vertices on x and y edges of plane B.
    if (anyB) {
      for (let pj = 1; pj < H - 1; pj++) {
        if (!rowB[pj] && !rowB[pj - 1] && !rowB[pj + 1]) continue;
        const row = pj * W;
        for (let pi = 0; pi < W; pi++) {
          const p = row + pi;
          const v = sampleB[p];
          if (pi < W - 1 && v !== sampleB[p + 1]) {
            pos.reserve(3);
            pos.data[pos.length++] = pi - 0.5;
            pos.data[pos.length++] = pj - 1;
            pos.data[pos.length++] = k;
            xB[p] = vertexCount++;
          }
          if (v !== sampleB[p + W]) {
            pos.reserve(3);
            pos.data[pos.length++] = pi - 1;
            pos.data[pos.length++] = pj - 0.5;
            pos.data[pos.length++] = k;
            yB[p] = vertexCount++;
          }
        }
      }
      // The y edges between padded row 0 and row 1 (row 0 is all outside).
      for (let pi = 0; pi < W; pi++) {
        if (sampleB[W + pi]) {
          pos.reserve(3);
          pos.data[pos.length++] = pi - 1;
          pos.data[pos.length++] = -0.5;
          pos.data[pos.length++] = k;
          yB[pi] = vertexCount++;
        }
      }
    }

    if (k > -1 && (anyA || anyB)) {
      // Vertices on z edges between plane A (k-1) and plane B (k).
      for (let pj = 1; pj < H - 1; pj++) {
        if (!rowA[pj] && !rowB[pj]) continue;
        const row = pj * W;
        for (let pi = 1; pi < W - 1; pi++) {
          const p = row + pi;
          if (sampleA[p] !== sampleB[p]) {
            pos.reserve(3);
            pos.data[pos.length++] = pi - 1;
            pos.data[pos.length++] = pj - 1;
            pos.data[pos.length++] = k - 0.5;
            zAB[p] = vertexCount++;
          }
        }
      }
      // Cubes between planes A and B.
      for (let cj = 0; cj < H - 1; cj++) {
        if (!rowA[cj] && !rowA[cj + 1] && !rowB[cj] && !rowB[cj + 1]) continue;
        const r0 = cj * W;
        const r1 = r0 + W;
        // Case bits: corner c = x + 2y + 4z. Seed the x = 1 bits with the x = 0 face of cube 0,
        // which the first shift moves into place.
        let cs = (sampleA[r0] << 1) | (sampleA[r1] << 3) | (sampleB[r0] << 5) | (sampleB[r1] << 7);
        for (let ci = 0; ci < W - 1; ci++) {
          const p = r0 + ci;
          cs =
            ((cs >> 1) & 0b01010101) |
            (sampleA[p + 1] << 1) |
            (sampleA[p + W + 1] << 3) |
            (sampleB[p + 1] << 5) |
            (sampleB[p + W + 1] << 7);
          if (cs === 0 || cs === 255) continue;
          const end = CASE_OFFSETS[cs + 1];
          let t = CASE_OFFSETS[cs];
          tri.reserve(end - t);
          const out = tri.data;
          let n = tri.length;
          for (; t < end; t++) {
            let id: number;
            switch (CASE_EDGES[t]) {
              case 0: id = xA[p]; break;
              case 1: id = xA[p + W]; break;
              case 2: id = xB[p]; break;
              case 3: id = xB[p + W]; break;
              case 4: id = yA[p]; break;
              case 5: id = yA[p + 1]; break;
              case 6: id = yB[p]; break;
              case 7: id = yB[p + 1]; break;
              case 8: id = zAB[p]; break;
              case 9: id = zAB[p + 1]; break;
              case 10: id = zAB[p + W]; break;
              default: id = zAB[p + W + 1]; break;
            }
            out[n++] = id;
          }
          tri.length = n;
        }
      }
    }

    // Plane B becomes plane A.
    [sampleA, sampleB] = [sampleB, sampleA];
    [xA, xB] = [xB, xA];
    [yA, yB] = [yB, yA];
    [rowA, rowB] = [rowB, rowA];
    anyA = anyB;
    if (k >= 0 && k < nz && options.onProgress) options.onProgress((k + 1) / nz);
  }
  return { positions: pos.trimmed(), triangles: tri.trimmed() };
}

/** Writes slice into the padded 0/1 plane; returns whether any voxel is inside. */
function binarizeInto(slice: SliceArray, nx: number, ny: number, lo: number, hi: number, plane: Uint8Array, rows: Uint8Array): boolean {
  const W = nx + 2;
  let any = false;
  plane.fill(0, 0, W);
  plane.fill(0, (ny + 1) * W);
  // "≥ lo" with 0 < lo ≤ 1 is "≠ 0" only for unsigned integers (Int16 can be negative).
  const anyNonZero = lo <= 1 && lo > 0 && hi === Infinity && (slice instanceof Uint8Array || slice instanceof Uint16Array);
  for (let j = 0; j < ny; j++) {
    const src = j * nx;
    const dst = (j + 1) * W + 1;
    plane[dst - 1] = 0;
    plane[dst + nx] = 0;
    let rowAny = 0;
    if (anyNonZero) {
      for (let i = 0; i < nx; i++) {
        const b = slice[src + i] !== 0 ? 1 : 0;
        plane[dst + i] = b;
        rowAny |= b;
      }
    } else {
      for (let i = 0; i < nx; i++) {
        const v = slice[src + i];
        const b = v >= lo && v <= hi ? 1 : 0;
        plane[dst + i] = b;
        rowAny |= b;
      }
    }
    if (rowAny) {
      rows[j + 1] = 1;
      any = true;
    }
  }
  return any;
}

