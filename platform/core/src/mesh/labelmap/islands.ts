import { ImageStackError } from '../../errors';
import type { Labelmap } from '../types';
import { keptSlices, paintComponents, paintedSlices, runComponents, runComponentsOfSlices, type RunComponents } from './runs';
import type { SliceSource } from '../types';

/** Voxel neighbourhood: 6 (faces; what the surface extraction joins), 18 (+ edges) or 26 (+ corners). */
export type Connectivity = 6 | 18 | 26;

export interface IslandOptions {
  /** Default 6: the same connectivity marching cubes uses, so "one island" is "one part". */
  connectivity?: Connectivity;
}

function checkConnectivity(c: number | undefined): Connectivity {
  const v = c ?? 6;
  if (v !== 6 && v !== 18 && v !== 26) throw new ImageStackError('bad-argument', `connectivity must be 6, 18 or 26, got ${c}`);
  return v;
}

/** Island (connected component) sizes of a mask's non-zero voxels, in voxels, largest first. */
export function islandSizes(mask: Labelmap, options: IslandOptions = {}): number[] {
  const rc = runComponents(mask.voxels, mask.dims, true, checkConnectivity(options.connectivity));
  return Array.from(rc.size).sort((a, b) => b - a);
}

/** Keeps only the largest island (by voxel count); an empty mask stays empty. */
export function keepLargestIsland(mask: Labelmap, options: IslandOptions = {}): Labelmap {
  const rc = runComponents(mask.voxels, mask.dims, true, checkConnectivity(options.connectivity));
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels: paintComponents(rc, mask.dims, largestOnly(rc)) };
}

/** Removes islands smaller than `minVolumeMl` millilitres (anisotropic voxel volume). */
export function removeSmallIslands(mask: Labelmap, minVolumeMl: number, options: IslandOptions = {}): Labelmap {
  if (!(minVolumeMl >= 0)) throw new ImageStackError('bad-argument', `minimum island volume must be ≥ 0 mL, got ${minVolumeMl}`);
  const voxelMl = (mask.spacingMm[0] * mask.spacingMm[1] * mask.spacingMm[2]) / 1000;
  const rc = runComponents(mask.voxels, mask.dims, true, checkConnectivity(options.connectivity));
  const keep = new Uint8Array(rc.components);
  for (let c = 0; c < rc.components; c++) keep[c] = rc.size[c] * voxelMl >= minVolumeMl ? 1 : 0;
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels: paintComponents(rc, mask.dims, keep) };
}

/**
 * Fills cavities: background components that do not reach the border of the volume. Background
 * connectivity defaults to 6, which fills more: a cavity reaching the outside only through an
 * edge or corner is filled.
 */
export function fillHoles(mask: Labelmap, options: IslandOptions = {}): Labelmap {
  const rc = runComponents(mask.voxels, mask.dims, false, checkConnectivity(options.connectivity));
  const keep = new Uint8Array(rc.components);
  for (let c = 0; c < rc.components; c++) keep[c] = rc.touchesBorder[c] ? 0 : 1;
  const out = new Uint8Array(mask.voxels.length);
  for (let i = 0; i < out.length; i++) out[i] = mask.voxels[i] ? 1 : 0;
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels: paintComponents(rc, mask.dims, keep, out) };
}

/**
 * The largest island of the voxels whose value is in [lo, hi], straight from grey voxels (8- or
 * 16-bit): a 0/1 mask, with no thresholded copy of the volume in between.
 */
export function largestIslandInRange(voxels: ArrayLike<number>, dims: [number, number, number], range: [number, number], options: IslandOptions = {}): Uint8Array {
  const rc = runComponents(voxels, dims, true, checkConnectivity(options.connectivity), range);
  return paintComponents(rc, dims, largestOnly(rc));
}

/**
 * The largest island of the voxels in `range` (default: non-zero) of slices read one at a
 * time, returned as 0/1 slices generated on demand: largest island then surface, with no
 * volume-sized buffer anywhere: the source is read once, here; the result is painted from runs.
 */
export function largestIslandSlices(source: SliceSource, options: IslandOptions & { range?: [number, number] } = {}): SliceSource {
  const rc = runComponentsOfSlices(source, true, checkConnectivity(options.connectivity), options.range ?? [1, Infinity]);
  return keptSlices(rc, largestOnly(rc));
}

function largestOnly(rc: RunComponents): Uint8Array {
  const keep = new Uint8Array(rc.components);
  let best = -1;
  for (let c = 0; c < rc.components; c++) if (best < 0 || rc.size[c] > rc.size[best]) best = c;
  if (best >= 0) keep[best] = 1;
  return keep;
}

/**
 * Fill holes on slices read one at a time (each once): the mask's runs, then the background
 * components of the mask, painted back together slice by slice, holes filled. No volume-sized
 * buffer. `range` picks the mask from the source's values (default non-zero).
 */
export function fillHolesSlices(source: SliceSource, options: IslandOptions & { range?: [number, number] } = {}): SliceSource {
  const mask = runComponentsOfSlices(source, true, 6, options.range ?? [1, Infinity]);
  const all = new Uint8Array(mask.components).fill(1);
  const background = runComponentsOfSlices(keptSlices(mask, all), false, checkConnectivity(options.connectivity));
  const holes = new Uint8Array(background.components);
  for (let c = 0; c < background.components; c++) holes[c] = background.touchesBorder[c] ? 0 : 1;
  return paintedSlices(source.dims, [
    { rc: mask, keep: all },
    { rc: background, keep: holes },
  ]);
}

/**
 * Removes islands of fewer than `minVoxels` voxels from slices read one at a time; the rest is
 * painted back slice by slice (see largestIslandSlices).
 */
export function removeSmallIslandsSlices(source: SliceSource, minVoxels: number, options: IslandOptions & { range?: [number, number] } = {}): SliceSource {
  const rc = runComponentsOfSlices(source, true, checkConnectivity(options.connectivity), options.range ?? [1, Infinity]);
  const keep = new Uint8Array(rc.components);
  for (let c = 0; c < rc.components; c++) keep[c] = rc.size[c] >= minVoxels ? 1 : 0;
  return keptSlices(rc, keep);
}
