import { ImageStackError } from '../../errors';
import type { Labelmap } from '../types';

/** Voxel neighbourhood: 6 (faces; what the surface extraction joins) or 26 (faces, edges, corners). */
export type Connectivity = 6 | 26;

export interface IslandOptions {
  /** Default 6: the same connectivity marching cubes uses, so "one island" is "one part". */
  connectivity?: Connectivity;
}

/** Neighbour offsets (di, dj, dk) of a connectivity. */
export function neighbourOffsets(connectivity: number): Array<[number, number, number]> {
  if (connectivity !== 6 && connectivity !== 18 && connectivity !== 26) {
    throw new ImageStackError('bad-argument', `connectivity must be 6 or 26, got ${connectivity}`);
  }
  const out: Array<[number, number, number]> = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const n = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (n === 0) continue;
        if (connectivity === 6 && n > 1) continue;
        if (connectivity === 18 && n > 2) continue;
        out.push([di, dj, dk]);
      }
  return out;
}

/**
 * Flood fill over voxels of `from`, rewriting them to `to`, from `seed`. Breadth-first with a
 * growable ring queue of voxel indices. Returns the number of voxels filled.
 */
export function floodFill(vox: Uint8Array, dims: [number, number, number], seeds: ArrayLike<number>, from: number, to: number, connectivity: number): number {
  const [nx, ny, nz] = dims;
  const offs = neighbourOffsets(connectivity);
  const plane = nx * ny;
  let cap = 1 << 16;
  let queue = new Int32Array(cap);
  let head = 0;
  let size = 0;
  const push = (v: number) => {
    if (size === cap) {
      const next = new Int32Array(cap * 2);
      for (let i = 0; i < size; i++) next[i] = queue[(head + i) & (cap - 1)];
      queue = next;
      head = 0;
      cap *= 2;
    }
    queue[(head + size) & (cap - 1)] = v;
    size++;
  };
  let filled = 0;
  for (let s = 0; s < seeds.length; s++) {
    const v = seeds[s];
    if (vox[v] !== from) continue;
    vox[v] = to;
    filled++;
    push(v);
  }
  while (size > 0) {
    const v = queue[head];
    head = (head + 1) & (cap - 1);
    size--;
    const k = (v / plane) | 0;
    const r = v - k * plane;
    const j = (r / nx) | 0;
    const i = r - j * nx;
    for (let o = 0; o < offs.length; o++) {
      const ii = i + offs[o][0];
      const jj = j + offs[o][1];
      const kk = k + offs[o][2];
      if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
      const w = ii + nx * jj + plane * kk;
      if (vox[w] !== from) continue;
      vox[w] = to;
      filled++;
      push(w);
    }
  }
  return filled;
}

interface Island {
  seed: number;
  voxels: number;
}

/** The islands (connected components) of a mask's non-zero voxels, with a seed and size each. */
export function findIslands(mask: Labelmap, options: IslandOptions = {}): { islands: Island[]; work: Uint8Array } {
  const connectivity = options.connectivity ?? 6;
  const work = new Uint8Array(mask.voxels.length);
  for (let i = 0; i < work.length; i++) work[i] = mask.voxels[i] ? 1 : 0;
  const islands: Island[] = [];
  const seed = new Int32Array(1);
  for (let v = 0; v < work.length; v++) {
    if (work[v] !== 1) continue;
    seed[0] = v;
    islands.push({ seed: v, voxels: floodFill(work, mask.dims, seed, 1, 2, connectivity) });
  }
  return { islands, work };
}

function keepIslands(mask: Labelmap, found: { islands: Island[]; work: Uint8Array }, keep: (island: Island) => boolean, options: IslandOptions): Labelmap {
  const { islands, work } = found;
  const seeds = Int32Array.from(islands.filter(keep).map(i => i.seed));
  floodFill(work, mask.dims, seeds, 2, 3, options.connectivity ?? 6);
  for (let i = 0; i < work.length; i++) work[i] = work[i] === 3 ? 1 : 0;
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels: work };
}

/** Keeps only the largest island (by voxel count); an empty mask stays empty. */
export function keepLargestIsland(mask: Labelmap, options: IslandOptions = {}): Labelmap {
  const found = findIslands(mask, options);
  let best: Island | undefined;
  for (const i of found.islands) if (!best || i.voxels > best.voxels) best = i;
  return keepIslands(mask, found, i => i === best, options);
}

/** Removes islands smaller than `minVolumeMl` millilitres (anisotropic voxel volume). */
export function removeSmallIslands(mask: Labelmap, minVolumeMl: number, options: IslandOptions = {}): Labelmap {
  if (!(minVolumeMl >= 0)) throw new ImageStackError('bad-argument', `minimum island volume must be ≥ 0 mL, got ${minVolumeMl}`);
  const voxelMl = (mask.spacingMm[0] * mask.spacingMm[1] * mask.spacingMm[2]) / 1000;
  return keepIslands(mask, findIslands(mask, options), i => i.voxels * voxelMl >= minVolumeMl, options);
}

/**
 * Fills cavities: background not connected to the outside of the volume. Background is flooded
 * from the volume's border with `connectivity` (default 6, which fills more: a cavity touching
 * the outside only through an edge or corner is filled).
 */
export function fillHoles(mask: Labelmap, options: IslandOptions = {}): Labelmap {
  const [nx, ny, nz] = mask.dims;
  const work = new Uint8Array(mask.voxels.length);
  for (let i = 0; i < work.length; i++) work[i] = mask.voxels[i] ? 1 : 0;
  const border: number[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (i > 0 && j > 0 && k > 0 && i < nx - 1 && j < ny - 1 && k < nz - 1) {
          i = nx - 2; // jump to the far side of the row
          continue;
        }
        const v = i + nx * (j + ny * k);
        if (work[v] === 0) border.push(v);
      }
  floodFill(work, mask.dims, border, 0, 2, options.connectivity ?? 6);
  for (let i = 0; i < work.length; i++) work[i] = work[i] === 2 ? 0 : 1;
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels: work };
}
