import { ImageStackError } from '../../errors';
import { indexToPatient, type StackGeometry } from '../../geometry';
import type { CancelSignal } from '../extractSurface';
import type { SliceSource, SpacingMm } from '../types';
import { componentAt, keepComponents, runComponents } from './islands';
import { checkWall, growRuns, hollowRuns, shrinkRuns, type HollowSide, type Work } from './morphology';
import { complementRuns, readRuns, runsSource, runsVoxelCount, unionRuns, type RowRuns } from './runs';
import { formatPointMm } from './voxelAtPoint';
import { voxelVolumeMl } from './voxelVolume';

export type { HollowSide } from './morphology';

/**
 * One refinement of a segment, as the viewer's Refine section and `imagestack mesh` flags give
 * it. Islands are 6-connected (what marching cubes joins: one island is one part).
 */
export type RefineStep =
  /** Keep only the island under `voxel` [column, row, slice]; `pointMm` (LPS), when given, is what messages and the sidecar name. */
  | { op: 'keepIslandAt'; voxel: [number, number, number]; pointMm?: [number, number, number] }
  | { op: 'largestIsland' }
  /** Remove islands smaller than `minMl` millilitres. */
  | { op: 'removeIslandsBelow'; minMl: number }
  /** 3d: fill background not connected to the edge of the volume; 2d: the same slice by slice in the slice plane (closes a lumen open at its ends). */
  | { op: 'fillHoles'; mode: '3d' | '2d' }
  /** Grow (> 0) or shrink (< 0) by `mm` along every axis (a ball in mm, an ellipsoid in voxels). */
  | { op: 'margin'; mm: number }
  /** A wall of `mm`: outside (the segment becomes the cavity), inside, or centred on the boundary. */
  | { op: 'hollow'; mm: number; side: HollowSide };

export interface RefineOptions {
  /** Inclusive value range counted as inside; default [1, ∞). */
  range?: [number, number];
  signal?: CancelSignal;
  /** 0..1: reading the source is the first half, the operation the second. */
  onProgress?: (fraction: number) => void;
}

/** A refined segment: 0/1 slices painted on demand (re-readable), and its volume. */
export interface RefinedSlices extends SliceSource {
  /** Volume of the result, mL. */
  volumeMl: number;
}

const DEFAULT_RANGE: [number, number] = [1, Infinity];

/**
 * Applies one step to the voxels of `source` in `range`; the output slices hold 0/1. The source
 * is read once, here (each slice in order); the work is on runs, the result is held as runs and
 * painted one slice at a time when read, so no volume-sized buffer is made. Chaining steps hands
 * the runs on without painting.
 */
export function refineSlices(source: SliceSource, geometry: StackGeometry, step: RefineStep, opts: RefineOptions = {}): RefinedSlices {
  const range = opts.range ?? DEFAULT_RANGE;
  const progress = opts.onProgress ?? (() => undefined);
  checkRefineStep(step, geometry);
  const runs = readRuns(source, range, { signal: opts.signal, onProgress: f => progress(f / 2) });
  if (opts.signal?.aborted) throw new ImageStackError('cancelled', 'cancelled');
  const out = applyStep(runs, source, geometry, step, range, { signal: opts.signal, onProgress: f => progress(0.5 + f / 2) });
  progress(1);
  const result = runsSource(out) as RefinedSlices;
  result.volumeMl = runsVoxelCount(out) * voxelVolumeMl(geometry);
  return result;
}

/** Island census for previews ("removes 12 pieces"): each 6-connected island's volume in mL, largest first. */
export function islandCensus(source: SliceSource, geometry: StackGeometry, opts: { range?: [number, number] } = {}): { volumesMl: number[] } {
  const components = runComponents(readRuns(source, opts.range ?? DEFAULT_RANGE));
  const voxelMl = voxelVolumeMl(geometry);
  return { volumesMl: Array.from(components.size, n => n * voxelMl).sort((a, b) => b - a) };
}

/** The step's parameters as the sidecar records them (JSON: no Infinity). */
export function refineStepRecord(step: RefineStep): { op: RefineStep['op']; [parameter: string]: unknown } {
  switch (step.op) {
    case 'keepIslandAt':
      return { op: step.op, voxel: step.voxel, ...(step.pointMm ? { pointMm: step.pointMm } : {}), connectivity: 6 };
    case 'largestIsland':
      return { op: step.op, connectivity: 6 };
    case 'removeIslandsBelow':
      return { op: step.op, minMl: step.minMl, connectivity: 6 };
    case 'fillHoles':
      return { op: step.op, mode: step.mode, backgroundConnectivity: step.mode === '3d' ? 6 : 4 };
    case 'margin':
      return { op: step.op, mm: step.mm };
    case 'hollow':
      return { op: step.op, mm: step.mm, side: step.side };
  }
}

function spacingOf(g: StackGeometry): SpacingMm {
  return [g.pixelSpacingXMm, g.pixelSpacingYMm, g.sliceSpacingMm];
}

/**
 * Refuses a step refineSlices would refuse before reading anything (a bad number, an unknown
 * mode or side, a wall thinner than the voxels): ImageStackError('bad-argument'). For forms and
 * command lines that check what the user typed before the work starts.
 */
export function checkRefineStep(step: RefineStep, geometry: StackGeometry): void {
  const bad = (reason: string) => new ImageStackError('bad-argument', reason);
  switch (step?.op) {
    case 'keepIslandAt':
      if (!Array.isArray(step.voxel) || step.voxel.length !== 3 || step.voxel.some(v => !Number.isInteger(v))) throw bad(`keep island at: the voxel must be three whole numbers column,row,slice, got ${String(step.voxel)}`);
      return;
    case 'largestIsland':
      return;
    case 'removeIslandsBelow':
      if (!(typeof step.minMl === 'number' && Number.isFinite(step.minMl) && step.minMl >= 0)) throw bad(`remove islands below: the volume must be a number of mL ≥ 0, got ${step.minMl}`);
      return;
    case 'fillHoles':
      if (step.mode !== '3d' && step.mode !== '2d') throw bad(`fill holes: the mode must be 3d or 2d, got ${String(step.mode)}`);
      return;
    case 'margin':
      if (!(typeof step.mm === 'number' && Number.isFinite(step.mm))) throw bad(`margin: must be a number of millimetres (negative shrinks), got ${step.mm}`);
      return;
    case 'hollow':
      if (!(typeof step.mm === 'number' && Number.isFinite(step.mm) && step.mm > 0)) throw bad(`hollow: the wall must be a number of millimetres > 0, got ${step.mm}`);
      checkWall(spacingOf(geometry), step.mm, step.side);
      return;
    default:
      throw bad(`unknown refine step ${JSON.stringify((step as { op?: unknown })?.op)}`);
  }
}

function applyStep(runs: RowRuns, source: SliceSource, geometry: StackGeometry, step: RefineStep, range: [number, number], work: Work): RowRuns {
  const spacing = spacingOf(geometry);
  switch (step.op) {
    case 'keepIslandAt': {
      const [i, j, k] = step.voxel;
      const [nx, ny, nz] = runs.dims;
      const pointMm = step.pointMm ?? indexToPatient(geometry, step.voxel);
      if (!(i >= 0 && i < nx && j >= 0 && j < ny && k >= 0 && k < nz)) {
        throw new ImageStackError('bad-argument', `the point ${formatPointMm(pointMm)} mm (voxel ${i},${j},${k}) is outside the ${nx}×${ny}×${nz} volume`);
      }
      const components = runComponents(runs);
      const c = componentAt(runs, components, step.voxel);
      if (c < 0) {
        const value = source.getSlice(k)[i + nx * j];
        // a 0/1 mask (the default range, or a refined segment) needs no range in the message
        const binary = range[0] === 1 && (range[1] === 1 || range[1] === Infinity);
        const within = Number.isFinite(range[1]) ? `${range[0]}–${range[1]}` : `${range[0]} and above`;
        throw new ImageStackError('bad-argument', `the point ${formatPointMm(pointMm)} mm is not in the segment (value ${value}${binary ? '' : `; the segment is ${within}`})`);
      }
      const keep = new Uint8Array(components.count);
      keep[c] = 1;
      return keepComponents(runs, components, keep);
    }
    case 'largestIsland': {
      const components = runComponents(runs);
      const keep = new Uint8Array(components.count);
      let best = -1;
      for (let c = 0; c < components.count; c++) if (best < 0 || components.size[c] > components.size[best]) best = c;
      if (best >= 0) keep[best] = 1;
      return keepComponents(runs, components, keep);
    }
    case 'removeIslandsBelow': {
      // compared in whole voxels, so an island of exactly minMl stays despite rounding
      const minVoxels = Math.ceil(step.minMl / voxelVolumeMl(geometry) - 1e-9);
      const components = runComponents(runs);
      const keep = new Uint8Array(components.count);
      for (let c = 0; c < components.count; c++) keep[c] = components.size[c] >= minVoxels ? 1 : 0;
      return keepComponents(runs, components, keep);
    }
    case 'fillHoles': {
      const background = complementRuns(runs);
      const components = runComponents(background, { planar: step.mode === '2d' });
      const holes = new Uint8Array(components.count);
      for (let c = 0; c < components.count; c++) holes[c] = components.touchesBorder[c] ? 0 : 1;
      return unionRuns(runs, keepComponents(background, components, holes));
    }
    case 'margin':
      return step.mm >= 0 ? growRuns(runs, spacing, step.mm, work) : shrinkRuns(runs, spacing, -step.mm, work);
    case 'hollow':
      return hollowRuns(runs, spacing, step.mm, step.side, work);
  }
}
