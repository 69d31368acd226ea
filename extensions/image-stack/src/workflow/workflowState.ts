import type { RefineStep } from '@imagestack/core';
import { createFitState, type FitState } from './fitState';

/** One thing done to a segment, as its sidecar records it. */
export type SegmentStep =
  /** lower/upper: the inclusive grey range; with a capture window also their approximate HU. */
  | { op: 'threshold'; lower: number; upper: number; lowerHu?: number; upperHu?: number; voxels: number; volume_mL: number }
  | (RefineStep & { volumeBefore_mL: number; volume_mL: number });

/** The last refine operations, newest last, each able to put the segment back as it was. */
export interface UndoEntry {
  segmentationId: string;
  segmentIndex: number;
  /** What the panel says it undoes ("Undo hollow 2 mm outside"). */
  label: string;
  /** The segment's voxels before the operation, 8 a byte (see mesh/bitMask.ts). */
  before: Uint8Array;
  volumeBefore_mL: number;
}

/**
 * What the workflow has done on one loaded series: kept on the series (OHIF unmounts panels
 * when another tab shows), read by the export's sidecar and by undo.
 */
export interface WorkflowState {
  /** Steps per segment, keyed `${segmentationId}:${segmentIndex}`. */
  history: Record<string, SegmentStep[]>;
  undo: UndoEntry[];
  /** The device fit: devices, their placements, the anatomy segment, the last measurement. */
  fit: FitState;
}

/** How many refine operations can be undone (each keeps one packed mask: 1/8 of the volume). */
export const UNDO_DEPTH = 5;

export function createWorkflowState(): WorkflowState {
  return { history: {}, undo: [], fit: createFitState() };
}

const key = (segmentationId: string, segmentIndex: number) => `${segmentationId}:${segmentIndex}`;

export function segmentHistory(state: WorkflowState, segmentationId: string, segmentIndex: number): SegmentStep[] {
  return state.history[key(segmentationId, segmentIndex)] ?? [];
}

/** A threshold starts a segment's history afresh: what came before no longer describes it. */
export function recordStep(state: WorkflowState, segmentationId: string, segmentIndex: number, step: SegmentStep): void {
  const k = key(segmentationId, segmentIndex);
  state.history[k] = step.op === 'threshold' ? [step] : [...(state.history[k] ?? []), step];
}

export function pushUndo(state: WorkflowState, entry: UndoEntry): void {
  state.undo.push(entry);
  if (state.undo.length > UNDO_DEPTH) state.undo.shift();
}
