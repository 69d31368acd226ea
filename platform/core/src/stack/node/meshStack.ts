// Node only: a folder of slices → the thresholded surface, on every core, without assembling the
// volume: each mesh thread decodes and marches its own slab of slices (see meshThreads.ts).
import { ImageStackError } from '../../errors';
import { isIdentityOrientation } from '../../geometry/sliceOrientation';
import { sliceRequests } from '../assemble';
import { planStack, type StackPlan } from '../plan';
import { probeTargets } from '../probe';
import type { StackGeometry } from '../../geometry';
import type { Mesh, MeshFrame } from '../../mesh/types';
import { fileTargets, listInputs } from './listInputs';
import type { MeshThreads } from './meshThreads';
import type { ReadStackOptions } from './readStack';

export interface StackSurfaceOptions extends Pick<ReadStackOptions, 'reverse' | 'crop' | 'downsample' | 'orient' | 'gapPolicy' | 'signal' | 'maxPixels' | 'maxVolumeBytes' | 'onPlan'> {
  /** Inclusive grey range inside the surface; default [1, +∞). */
  range?: [number, number];
  /** Fraction of the slices marched (0..1). */
  onProgress?: (fraction: number) => void;
  /**
   * The mesh placed in patient mm (placeMesh with the geometry this gives for the plan, in
   * `frame`) as the threads assemble it; otherwise in voxel-index units.
   */
  place?: { geometry: (plan: StackPlan) => StackGeometry; frame?: MeshFrame };
}

/**
 * List, read headers, plan (natural order, reverse, crop, downsample, gaps: the same plan as
 * readStack; not for flipped/rotated slices or filled gaps), then extract the surface of the slices thresholded to `range` on `threads`: in
 * voxel-index units (or placed, see `place`), the same mesh as extractSurfaceVoxels on readStack's volume. Memory is the
 * mesh plus two slices per thread, whatever the number of slices.
 */
export async function extractStackSurface(paths: readonly string[], threads: MeshThreads, opts: StackSurfaceOptions = {}): Promise<{ mesh: Mesh; plan: StackPlan; dims: [number, number, number] }> {
  const { files, skipped } = await listInputs(paths);
  const plan = planStack(await probeTargets(await fileTargets(files), opts.maxPixels), opts);
  if (skipped.length) plan.skipped.unshift(...skipped);
  opts.onPlan?.(plan);
  // Flipped or rotated slices and interpolated gaps are made by readStack's decode step and
  // assembler; the threads read the files' rows as they are.
  if (!isIdentityOrientation(plan.orient) || plan.slices.some(s => s.fill)) {
    throw new ImageStackError('bad-argument', 'extractStackSurface: flipped/rotated slices and filled gaps need readStack (the whole volume)');
  }
  const dims: [number, number, number] = [plan.columns, plan.rows, plan.slices.length];
  const place = opts.place ? { geometry: opts.place.geometry(plan), frame: opts.place.frame } : undefined;
  const mesh = await threads.extract(dims, sliceRequests(plan, opts.maxPixels).map(r => ({ ...r, hash: false })), { range: opts.range, signal: opts.signal, onProgress: opts.onProgress, place });
  return { mesh, plan, dims };
}
