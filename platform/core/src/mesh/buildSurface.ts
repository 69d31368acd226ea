import { ImageStackError, isImageStackError } from '../errors';
import type { StackGeometry } from '../geometry';
import { decimateMesh } from './decimateMesh';
import { extractSurfaceVoxels, placeMesh, type CancelSignal } from './extractSurface';
import { meshStats, type KnownTopology, type MeshStats } from './meshStats';
import { smoothMesh, type SmoothMeshOptions } from './smoothMesh';
import { refineSlices, refineStepRecord, type RefineStep } from './labelmap/refine';
import type { Mesh, MeshFrame, SliceSource } from './types';

export interface BuildSurfaceOptions {
  /** Inclusive voxel value range counted as inside; default [1, +∞) (any segment). */
  range?: [number, number];
  /**
   * Refinements of the segment, applied in order before extraction (see refineSlices); each is
   * recorded in the operations with its parameters and the volume after it.
   */
  refine?: RefineStep[];
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
  op: RefineStep['op'] | 'extract' | 'smooth' | 'decimate';
  [parameter: string]: unknown;
}

export interface SurfaceResult {
  mesh: Mesh;
  stats: MeshStats;
  operations: SurfaceOperation[];
}

/**
 * A refine step that could not be applied to these voxels (a point not in the segment): which
 * step (its index in `refine`), so the caller can name it as the user gave it (the CLI, its
 * flag) without reading the sentence back. The reason is the step's own.
 */
export class RefineStepError extends ImageStackError {
  constructor(
    readonly step: number,
    cause: ImageStackError,
  ) {
    super(cause.code, cause.reason, cause.file);
  }
}

/**
 * Labelmap (slice by slice) → closed surface in patient mm → smoothed → decimated → stats: the
 * whole export path the CLI and the viewer's worker both run.
 */
export function buildSurface(source: SliceSource, geometry: StackGeometry, options: BuildSurfaceOptions = {}): SurfaceResult {
  const progress = options.onProgress ?? (() => undefined);
  // Each refine step reads its source once, as runs, and hands on slices painted from runs: no
  // volume-sized mask. Report and allow cancelling between steps.
  const before: SurfaceOperation[] = [];
  let range = options.range ?? [1, Infinity];
  for (const [index, step] of (options.refine ?? []).entries()) {
    if (options.signal?.aborted) throw new ImageStackError('cancelled', 'mesh: cancelled');
    progress(0, 'mask');
    let refined;
    try {
      refined = refineSlices(source, geometry, step, { range, signal: options.signal });
    } catch (e) {
      throw isImageStackError(e) && e.code !== 'cancelled' ? new RefineStepError(index, e) : e;
    }
    before.push({ ...refineStepRecord(step), range: rangeJson(range), volumeAfter_mL: refined.volumeMl });
    source = refined;
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
  while (!step.done) step = steps.next(step.value.kind === 'smooth' ? smoothMesh(step.value.mesh, step.value.options) : meshStats(step.value.mesh));
  return step.value;
}

/** What a smoother is asked to do (smoothMesh, or Node's threaded one with the same result). */
export interface SmoothStep {
  kind: 'smooth';
  mesh: Mesh;
  options: SmoothMeshOptions;
}

/** The finished mesh's stats, if the caller can find them faster than meshStats (threads). */
interface StatsStep {
  kind: 'stats';
  mesh: Mesh;
}

/**
 * finishSurface with the smoothing done by `smooth` (same options, same result as smoothMesh
 * expected), which may run elsewhere: Node's mesh threads; `stats` may give the finished
 * mesh's meshStats (or `topology` its watertight and oriented) the same way. `placed`: the
 * mesh is already placeMesh's result for this geometry and options.frame (the threads place it
 * while they assemble it).
 */
export async function finishSurfaceAsync(
  voxelMesh: Mesh,
  geometry: StackGeometry,
  options: BuildSurfaceOptions,
  helpers: { placed?: boolean; smooth: (step: SmoothStep) => Promise<Mesh>; stats?: (mesh: Mesh) => Promise<MeshStats>; topology?: (mesh: Mesh) => Promise<KnownTopology> },
): Promise<SurfaceResult> {
  const steps = finishSteps(voxelMesh, geometry, options, helpers.placed ?? false);
  let step = steps.next();
  while (!step.done) {
    const s = step.value;
    if (s.kind === 'smooth') step = steps.next(await helpers.smooth(s));
    else if (helpers.stats) step = steps.next(await helpers.stats(s.mesh));
    else step = steps.next(meshStats(s.mesh, helpers.topology ? await helpers.topology(s.mesh) : undefined));
  }
  return step.value;
}

/** The steps after extraction; yields to have the mesh smoothed, when smoothing is asked for, and measured. */
function* finishSteps(voxelMesh: Mesh, geometry: StackGeometry, options: BuildSurfaceOptions, placed = false): Generator<SmoothStep | StatsStep, SurfaceResult, Mesh | MeshStats> {
  const frame = options.frame ?? 'LPS';
  const range: [number, number] = options.range ?? [1, Infinity];
  const progress = options.onProgress ?? (() => undefined);
  const operations: SurfaceOperation[] = [];
  let mesh = placed ? voxelMesh : placeMesh(voxelMesh, geometry, { frame });
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
  const stats = (yield { kind: 'stats', mesh }) as MeshStats;
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
