import { ImageStackError, voxelVolumeMl, type RefineStep, type StackGeometry } from '@imagestack/core';
import type { JobOptions, JobRunner } from '../mesh/runInWorker';
import type { SegmentationHost } from './segmentationHost';
import { packSegments, writeSegment } from './segmentMask';
import { pushUndo, recordStep, segmentHistory, type WorkflowState } from './workflowState';

/** The series a refine step works on. */
export interface RefineTarget {
  dims: [number, number, number];
  geometry: StackGeometry;
}

export interface RefineResult {
  segmentationId: string;
  segmentIndex: number;
  label: string;
  volumeBefore_mL: number;
  volume_mL: number;
  voxels: number;
}

/** The step in the user's words, for the panel and its undo button. */
export function describeStep(step: RefineStep): string {
  // exhaustive over RefineStep's ops: a new op fails to compile here until it has words
  switch (step.op) {
    case 'keepIslandAt':
      return step.pointMm ? `keep the piece at ${step.pointMm.map(v => v.toFixed(1)).join(', ')} mm` : `keep the piece at voxel ${step.voxel.join(', ')}`;
    case 'largestIsland':
      return 'keep the largest piece';
    case 'removeIslandsBelow':
      return `remove pieces below ${step.minMl} mL`;
    case 'fillHoles':
      return step.mode === '3d' ? 'fill holes (3D)' : 'fill holes slice by slice';
    case 'margin':
      return step.mm > 0 ? `grow by ${step.mm} mm` : `shrink by ${-step.mm} mm`;
    case 'hollow':
      return `hollow, ${step.mm} mm wall ${step.side === 'centre' ? 'centred on the boundary' : step.side}`;
  }
}

/**
 * The segment a refine step or an export works on: the one asked for, else the one OHIF's
 * segmentation panel has active (whatever painted it: our threshold, OHIF's brush or any
 * other tool).
 */
export function targetSegment(host: SegmentationHost, segmentIndex?: number): { segmentationId: string; segmentIndex: number; label: string } {
  const segmentationId = host.findLabelmap();
  if (!segmentationId) throw new ImageStackError('empty', 'there is no segment yet: threshold the volume or draw with the segmentation tools first');
  const segments = host.segments(segmentationId);
  const index = segmentIndex ?? host.activeSegment(segmentationId) ?? segments[0]?.index;
  const segment = segments.find(s => s.index === index);
  if (!segment) throw new ImageStackError('bad-argument', `there is no segment ${index}: choose one from the list`);
  return { segmentationId, segmentIndex: segment.index, label: segment.label };
}

/**
 * One refine operation on a segment, off the main thread: the segment is packed 8 voxels a
 * byte (no volume-sized copy), refined by core in the worker, and written back slice by slice;
 * the mask from before is kept so the operation can be undone.
 */
export async function refineSegment(
  host: SegmentationHost,
  target: RefineTarget,
  state: WorkflowState,
  req: { step: RefineStep; segmentIndex?: number },
  run: JobRunner,
  options: JobOptions = {},
): Promise<RefineResult> {
  const { segmentationId, segmentIndex, label } = targetSegment(host, req.segmentIndex);
  const perSlice = target.dims[0] * target.dims[1];
  const voxelMl = voxelVolumeMl(target.geometry);
  const { packed, voxels: before } = packSegments(host.slices(segmentationId), perSlice, segmentIndex, segmentIndex);
  if (!before) throw new ImageStackError('empty', `segment ${segmentIndex} "${label}" is empty: nothing to refine`);
  const kept = packed.slice(); // the worker takes `packed`; undo keeps this one
  const done = await run({ kind: 'refine', dims: target.dims, geometry: target.geometry, packed, step: req.step }, options);
  // the labelmap is read again: the user may have painted while the worker ran
  const { voxels, modified } = writeSegment(host.slices(segmentationId), perSlice, segmentIndex, done.packed);
  host.dataModified(segmentationId, modified, segmentIndex);
  const volumeBefore_mL = before * voxelMl;
  const volume_mL = voxels * voxelMl;
  pushUndo(state, { segmentationId, segmentIndex, label: describeStep(req.step), before: kept, volumeBefore_mL });
  recordStep(state, segmentationId, segmentIndex, { ...req.step, volumeBefore_mL, volume_mL });
  return { segmentationId, segmentIndex, label, volumeBefore_mL, volume_mL, voxels };
}

/** Puts back the segment as it was before the last refine operation. */
export function undoRefine(host: SegmentationHost, target: RefineTarget, state: WorkflowState): { segmentIndex: number; undid: string; volume_mL: number } {
  const entry = state.undo.pop();
  if (!entry) throw new ImageStackError('empty', 'there is nothing to undo');
  const perSlice = target.dims[0] * target.dims[1];
  const { voxels, modified } = writeSegment(host.slices(entry.segmentationId), perSlice, entry.segmentIndex, entry.before);
  host.dataModified(entry.segmentationId, modified, entry.segmentIndex);
  segmentHistory(state, entry.segmentationId, entry.segmentIndex).pop();
  return { segmentIndex: entry.segmentIndex, undid: entry.label, volume_mL: voxels * voxelVolumeMl(target.geometry) };
}

/** The volumes (mL, largest first) of a segment's 6-connected pieces, for the removal preview. */
export async function segmentPieces(host: SegmentationHost, target: RefineTarget, req: { segmentIndex?: number }, run: JobRunner, options: JobOptions = {}): Promise<{ segmentIndex: number; volumesMl: number[] }> {
  const { segmentationId, segmentIndex } = targetSegment(host, req.segmentIndex);
  const { packed } = packSegments(host.slices(segmentationId), target.dims[0] * target.dims[1], segmentIndex, segmentIndex);
  const done = await run({ kind: 'census', dims: target.dims, geometry: target.geometry, packed }, options);
  return { segmentIndex, volumesMl: done.volumesMl };
}
