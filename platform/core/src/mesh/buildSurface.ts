import { ImageStackError } from '../errors';
import type { StackGeometry } from '../geometry';
import { decimateMesh } from './decimateMesh';
import { extractSurfaceVoxels, placeMesh, type CancelSignal } from './extractSurface';
import { meshStats, type KnownTopology, type MeshStats } from './meshStats';
import { smoothMesh, type SmoothMeshOptions } from './smoothMesh';
import { fillHolesSlices, largestIslandSlices, removeSmallIslandsSlices, type Connectivity } from './labelmap/islands';
import { growSlices, hollowSlices, shrinkSlices, type HollowSide } from './labelmap/morphology';
import type { Mesh, MeshFrame, SliceSource } from './types';

export interface BuildSurfaceOptions {
  /** Inclusive voxel value range counted as inside; default [1, +∞) (any segment). */
  range?: [number, number];
  /** Remove islands smaller than this many millilitres (6-connected), before the steps below. */
  minIslandMl?: number;
  /** Keep only the largest island (6-connected unless given), before filling holes. */
  largestIsland?: boolean | { connectivity: Connectivity };
  /** Fill cavities not connected to the outside (background 6-connected unless given). */
  fillHoles?: boolean | { connectivity: Connectivity };
  /** Grow (> 0) or shrink (< 0) the mask by this many millimetres, after the steps above. */
  marginMm?: number;
  /** Make a shell of this thickness (mm) inside or outside the surface, last of the mask steps. */
  hollow?: { thicknessMm: number; side: HollowSide };
  /** Windowed-sinc iterations; 0 or absent: no smoothing. */
  smoothIterations?: number;
  /** Smoothing pass band (see smoothMesh), default 0.1. */
  smoothPassBand?: number;
  /** Fraction of triangles to remove (see decimateMesh); 0 or absent: none. */
  decimate?: number;
  /** Output frame, default 'LPS'. */
  frame?: MeshFrame;
  /** Progress 0..1 over the whole build (extraction is the first 60 %). */
  onProgress?: (fraction: number, step: 'mask' | 'extract' | 'smooth' | 'decimate' | 'stats') => void;
  signal?: CancelSignal;
}

/** One step of the build as the sidecar records it. */
export interface SurfaceOperation {
  op: 'removeSmallIslands' | 'largestIsland' | 'fillHoles' | 'grow' | 'shrink' | 'hollow' | 'extract' | 'smooth' | 'decimate';
  [parameter: string]: unknown;
}

export interface SurfaceResult {
  mesh: Mesh;
  stats: MeshStats;
  operations: SurfaceOperation[];
}

/**
 * Labelmap (slice by slice) → closed surface in patient mm → smoothed → decimated → stats: the
 * whole export path the CLI and the viewer's worker both run.
 */
export function buildSurface(source: SliceSource, geometry: StackGeometry, options: BuildSurfaceOptions = {}): SurfaceResult {
  const progress = options.onProgress ?? (() => undefined);
  // Island and hole clean-up work on runs and hand on slices painted from them: no volume copy.
  const before: SurfaceOperation[] = [];
  let range = options.range ?? [1, Infinity];
  // Each mask step reads its source once when it is set up; report and allow cancelling between.
  const step = () => {
    if (options.signal?.aborted) throw new ImageStackError('cancelled', 'mesh: cancelled');
    progress(0, 'mask');
  };
  if (options.minIslandMl !== undefined && options.minIslandMl > 0) {
    step();
    const voxelMl = (geometry.pixelSpacingXMm * geometry.pixelSpacingYMm * geometry.sliceSpacingMm) / 1000;
    source = removeSmallIslandsSlices(source, Math.ceil(options.minIslandMl / voxelMl - 1e-9), { range });
    before.push({ op: 'removeSmallIslands', minVolumeMl: options.minIslandMl, connectivity: 6, range: rangeJson(range) });
    range = [1, 1];
  }
  if (options.largestIsland) {
    step();
    const connectivity = options.largestIsland === true ? 6 : options.largestIsland.connectivity;
    source = largestIslandSlices(source, { range, connectivity });
    before.push({ op: 'largestIsland', connectivity, range: rangeJson(range) });
    range = [1, 1];
  }
  if (options.fillHoles) {
    step();
    const connectivity = options.fillHoles === true ? 6 : options.fillHoles.connectivity;
    source = fillHolesSlices(source, { range, connectivity });
    before.push({ op: 'fillHoles', backgroundConnectivity: connectivity, range: rangeJson(range) });
    range = [1, 1];
  }
  const spacingMm: [number, number, number] = [geometry.pixelSpacingXMm, geometry.pixelSpacingYMm, geometry.sliceSpacingMm];
  if (options.marginMm) {
    step();
    const m = options.marginMm;
    source = m > 0 ? growSlices(source, spacingMm, m, { range }) : shrinkSlices(source, spacingMm, -m, { range });
    before.push({ op: m > 0 ? 'grow' : 'shrink', marginMm: Math.abs(m), range: rangeJson(range) });
    range = [1, 1];
  }
  if (options.hollow) {
    step();
    source = hollowSlices(source, spacingMm, options.hollow.thicknessMm, options.hollow.side, { range });
    before.push({ op: 'hollow', thicknessMm: options.hollow.thicknessMm, side: options.hollow.side, range: rangeJson(range) });
    range = [1, 1];
  }
  const voxelMesh = extractSurfaceVoxels(source, { range, signal: options.signal, onProgress: f => progress(0.6 * f, 'extract') });
  const result = finishSurface(voxelMesh, geometry, options);
  return { ...result, operations: [...before, ...result.operations] };
}

/**
 * The rest of buildSurface after extraction, for a mesh from `createSurfaceExtractor` (slices
 * pushed one at a time): place in patient mm, smooth, decimate, measure. `options.range` is only
 * recorded in the operations here.
 */
export function finishSurface(voxelMesh: Mesh, geometry: StackGeometry, options: BuildSurfaceOptions = {}): SurfaceResult {
  const steps = finishSteps(voxelMesh, geometry, options);
  let step = steps.next();
  while (!step.done) step = steps.next(step.value.kind === 'smooth' ? smoothMesh(step.value.mesh, step.value.options) : undefined);
  return step.value;
}

/** What a smoother is asked to do (smoothMesh, or Node's threaded one with the same result). */
export interface SmoothStep {
  kind: 'smooth';
  mesh: Mesh;
  options: SmoothMeshOptions;
}

/** The finished mesh's topology, if the caller can find it faster than meshStats (threads). */
interface TopologyStep {
  kind: 'topology';
  mesh: Mesh;
}

/**
 * finishSurface with the smoothing done by `smooth` (same options, same result as smoothMesh
 * expected), which may run elsewhere: Node's mesh threads.
 */
export async function finishSurfaceAsync(
  voxelMesh: Mesh,
  geometry: StackGeometry,
  options: BuildSurfaceOptions,
  helpers: { smooth: (step: SmoothStep) => Promise<Mesh>; topology?: (mesh: Mesh) => Promise<KnownTopology> },
): Promise<SurfaceResult> {
  const steps = finishSteps(voxelMesh, geometry, options);
  let step = steps.next();
  while (!step.done) {
    const s = step.value;
    step = steps.next(s.kind === 'smooth' ? await helpers.smooth(s) : helpers.topology ? await helpers.topology(s.mesh) : undefined);
  }
  return step.value;
}

/** The steps after extraction; yields once to have the mesh smoothed, when smoothing is asked for. */
function* finishSteps(voxelMesh: Mesh, geometry: StackGeometry, options: BuildSurfaceOptions): Generator<SmoothStep | TopologyStep, SurfaceResult, Mesh | KnownTopology | undefined> {
  const frame = options.frame ?? 'LPS';
  const range: [number, number] = options.range ?? [1, Infinity];
  const progress = options.onProgress ?? (() => undefined);
  const operations: SurfaceOperation[] = [];
  let mesh = placeMesh(voxelMesh, geometry, { frame });
  operations.push({ op: 'extract', method: 'marching cubes, edge midpoints, 6-connected foreground, 1-voxel zero pad', range: rangeJson(range), frame });
  const iterations = options.smoothIterations ?? 0;
  if (iterations > 0) {
    progress(0.6, 'smooth');
    const passBand = options.smoothPassBand ?? 0.1;
    mesh = (yield { kind: 'smooth', mesh, options: { iterations, passBand, signal: options.signal, onProgress: f => progress(0.6 + 0.15 * f, 'smooth') } }) as Mesh;
    operations.push({ op: 'smooth', method: 'windowed sinc', iterations, passBand });
  }
  const reduction = options.decimate ?? 0;
  if (reduction > 0) {
    progress(0.75, 'decimate');
    const before = mesh.triangles.length / 3;
    mesh = decimateMesh(mesh, { reduction, signal: options.signal, onProgress: f => progress(0.75 + 0.2 * f, 'decimate') });
    operations.push({ op: 'decimate', method: 'quadric edge collapse with link condition', reduction, trianglesBefore: before, trianglesAfter: mesh.triangles.length / 3 });
  }
  progress(0.95, 'stats');
  const known = (yield { kind: 'topology', mesh }) as KnownTopology | undefined;
  const stats = meshStats(mesh, known);
  progress(1, 'stats');
  return { mesh, stats, operations };
}

/** JSON has no Infinity: an open upper bound is written as null. */
function rangeJson(range: [number, number]): [number, number | null] {
  return [range[0], Number.isFinite(range[1]) ? range[1] : null];
}

/**
 * The segment numbers present in a labelmap (values 1–255 of 8-bit slices, or any non-zero
 * integer), ascending; one pass over the slices.
 */
export function labelsPresent(source: SliceSource): number[] {
  const seen = new Set<number>();
  const counts = new Uint8Array(256);
  for (let k = 0; k < source.dims[2]; k++) {
    const s = source.getSlice(k);
    if (s instanceof Uint8Array) {
      for (let i = 0; i < s.length; i++) counts[s[i]] = 1;
    } else {
      for (let i = 0; i < s.length; i++) if (s[i] !== 0) seen.add(s[i]);
    }
  }
  for (let v = 1; v < 256; v++) if (counts[v]) seen.add(v);
  return [...seen].sort((a, b) => a - b);
}

/**
 * One surface per segment: `buildSurface` with range [label, label] for each label (default:
 * every label present). Each label reads the slices once more; memory stays one mesh at a time
 * plus the results. For one merged surface of all segments call `buildSurface` (its default
 * range is every non-zero value).
 */
export function buildSurfacesByLabel(
  source: SliceSource,
  geometry: StackGeometry,
  options: Omit<BuildSurfaceOptions, 'range'> & { labels?: number[] } = {},
): Array<{ label: number } & SurfaceResult> {
  const labels = options.labels ?? labelsPresent(source);
  return labels.map(label => ({ label, ...buildSurface(source, geometry, { ...options, range: [label, label] }) }));
}
