import { greyToHu, ImageStackError, voxelVolumeMl, type CaptureWindow, type StackGeometry, type VoxelArray } from '@imagestack/core';
import type { SegmentationHost } from './segmentationHost';
import { huText } from './thresholdRange';
import { recordStep, type WorkflowState } from './workflowState';

/** The series a threshold reads: its voxels (slice after slice) and geometry. */
export interface ThresholdSource {
  voxels: VoxelArray;
  columns: number;
  rows: number;
  slices: number;
  geometry: StackGeometry;
  /** The window the captures were taken with (the import's): the segment is then named and recorded in approximate HU too. */
  captureWindow?: CaptureWindow;
}

export interface ThresholdRequest {
  /** Inclusive range on the data's own scale (0–255 for 8-bit). */
  lower: number;
  upper: number;
  /** 'new': a new segment (the default); a number: that segment, which must then be `replace`d. */
  into?: 'new' | number;
  /** The user said yes to replacing the voxels of segment `into`. */
  replace?: boolean;
  /** Slices done of all; the loop also yields to the page about every 100 ms, so the progress is drawn. */
  onProgress?(done: number, total: number): void;
}

export interface ThresholdResult {
  segmentationId: string;
  segmentIndex: number;
  label: string;
  voxels: number;
  volume_mL: number;
}

/** The label a threshold gives its segment: the range, in the user's scale (approximate HU with a capture window). */
export const thresholdLabel = (lower: number, upper: number, w?: CaptureWindow) =>
  w ? `Threshold ${huText(w, lower, 'lower')}–${huText(w, upper, 'upper')} HU` : `Threshold ${lower}–${upper}`;

/**
 * Whole-volume threshold into a segment: voxels with lower ≤ value ≤ upper become the
 * segment, its voxels outside the range are cleared, other segments are left alone. A
 * threshold goes into a new segment named by its range unless the user picked an existing one
 * and said to replace it: a segment never silently becomes something its name does not say.
 * Our own per-slice loop, not Cornerstone's thresholdVolumeByRange (exclusive bounds, 30×
 * slower; DESIGN.md).
 */
export async function thresholdSeries(host: SegmentationHost, source: ThresholdSource, state: WorkflowState, req: ThresholdRequest): Promise<ThresholdResult> {
  const { lower, upper } = req;
  if (!Number.isFinite(lower) || !Number.isFinite(upper) || lower > upper) {
    throw new ImageStackError('bad-argument', `the threshold range ${lower}–${upper} is empty: the lower value must not be above the upper one`);
  }
  const label = thresholdLabel(lower, upper, source.captureWindow);
  let segmentationId = host.findLabelmap();
  let segmentIndex: number;
  if (!segmentationId) {
    if (typeof req.into === 'number') throw new ImageStackError('bad-argument', `there is no segment ${req.into} yet: threshold into a new segment`);
    segmentIndex = 1;
    segmentationId = await host.createLabelmap({ index: 1, label });
  } else if (typeof req.into === 'number') {
    segmentIndex = req.into;
    const existing = host.segments(segmentationId).find(s => s.index === segmentIndex);
    if (!existing) throw new ImageStackError('bad-argument', `there is no segment ${segmentIndex}: choose one from the list or a new segment`);
    if (!req.replace) {
      throw new ImageStackError('bad-argument', `segment ${segmentIndex} "${existing.label}" would be replaced: confirm replacing it, or threshold into a new segment`);
    }
    host.renameSegment(segmentationId, segmentIndex, label);
  } else {
    const used = host.segments(segmentationId).map(s => s.index);
    segmentIndex = used.length ? Math.max(...used) + 1 : 1;
    if (segmentIndex > 255) throw new ImageStackError('too-large', 'the labelmap holds 255 segments already: remove one first');
    host.addSegment(segmentationId, { index: segmentIndex, label });
  }
  host.setActiveSegment(segmentationId, segmentIndex);

  const slices = host.slices(segmentationId);
  const n = source.rows * source.columns;
  let count = 0;
  const modified: number[] = [];
  // a 2 GB stack's volume takes seconds: let the page draw the progress between slices
  let lastYield = performance.now();
  for (let k = 0; k < source.slices; k++) {
    if (req.onProgress && performance.now() - lastYield > 100) {
      req.onProgress(k, source.slices);
      await new Promise(r => setTimeout(r, 0));
      lastYield = performance.now();
    }
    const src = source.voxels.subarray(k * n, (k + 1) * n);
    const dst = slices[k];
    let changed = false;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v >= lower && v <= upper) {
        const d = dst[i];
        // other segments keep their voxels: a threshold only takes background and its own
        if (d === 0) {
          dst[i] = segmentIndex;
          changed = true;
        }
        if (dst[i] === segmentIndex) count++;
      } else if (dst[i] === segmentIndex) {
        dst[i] = 0;
        changed = true;
      }
    }
    if (changed) modified.push(k);
  }
  req.onProgress?.(source.slices, source.slices);
  host.dataModified(segmentationId, modified, segmentIndex);
  const volume_mL = count * voxelVolumeMl(source.geometry);
  const w = source.captureWindow;
  recordStep(state, segmentationId, segmentIndex, { op: 'threshold', lower, upper, ...(w ? { lowerHu: greyToHu(w, lower), upperHu: greyToHu(w, upper) } : {}), voxels: count, volume_mL });
  return { segmentationId, segmentIndex, label, voxels: count, volume_mL };
}
