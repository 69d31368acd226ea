import type { SegmentationHost } from '../workflow/segmentationHost';
import { countRuns, decodeSliceRuns, encodeSliceRuns } from './labelmapRuns';
import type { SavedSegmentation } from './sessionRecord';

/**
 * The part of the workflow layer's SegmentationHost that saving and restoring need: per-slice
 * views of the labelmap in the series' slice order, its segments, and OHIF's way to create one.
 */
export type LabelmapPort = Pick<SegmentationHost, 'findLabelmap' | 'createLabelmap' | 'segments' | 'addSegment' | 'slices' | 'dataModified'>;

/** Lets the page breathe between batches of slices (an idle callback in the browser). */
export type Pause = () => Promise<void>;

const noPause: Pause = () => Promise.resolve();

/**
 * Reads the labelmap slice by slice into run lengths (no volume-sized copy), pausing every
 * `slicesPerPause` slices so a big labelmap never stalls the page. Undefined when there is no
 * labelmap or it has no segment.
 */
export async function captureSegmentation(
  port: LabelmapPort,
  { pause = noPause, slicesPerPause = 16 }: { pause?: Pause; slicesPerPause?: number } = {},
): Promise<(SavedSegmentation & { segmentationId: string }) | undefined> {
  const segmentationId = port.findLabelmap();
  if (!segmentationId) return undefined;
  const segments = port.segments(segmentationId);
  if (!segments.length) return undefined;
  const sliceRuns: Array<Uint8Array | null> = [];
  const voxelCounts: Record<number, number> = {};
  const slices = port.slices(segmentationId);
  for (let k = 0; k < slices.length; k++) {
    if (k && k % slicesPerPause === 0) await pause();
    const runs = encodeSliceRuns(slices[k]);
    sliceRuns.push(runs);
    for (const s of segments) voxelCounts[s.index] = (voxelCounts[s.index] ?? 0) + countRuns(runs, s.index);
  }
  return { segmentationId, label: 'ImageStack segmentation', segments, sliceRuns, voxelCounts };
}

/**
 * Puts a saved labelmap back: creates it OHIF's way (createLabelmapForDisplaySet, then a
 * representation per viewport: the port does that) with the saved segments, writes the voxels
 * slice by slice and tells the viewer which slices changed. Returns the new segmentation's id
 * and the voxels written per segment.
 */
export async function restoreSegmentation(
  port: LabelmapPort,
  saved: SavedSegmentation,
  { pause = noPause, slicesPerPause = 16 }: { pause?: Pause; slicesPerPause?: number } = {},
): Promise<{ segmentationId: string; voxelCounts: Record<number, number> }> {
  const [first, ...rest] = saved.segments;
  if (!first) throw new Error('the saved segmentation has no segment');
  const segmentationId = await port.createLabelmap(first);
  const existing = new Set(port.segments(segmentationId).map(s => s.index));
  for (const s of rest) if (!existing.has(s.index)) port.addSegment(segmentationId, s);
  const slices = port.slices(segmentationId);
  if (slices.length !== saved.sliceRuns.length) {
    throw new Error(`the saved segmentation has ${saved.sliceRuns.length} slices, the series ${slices.length}`);
  }
  const modified: number[] = [];
  const voxelCounts: Record<number, number> = {};
  for (let k = 0; k < slices.length; k++) {
    if (k && k % slicesPerPause === 0) await pause();
    const runs = saved.sliceRuns[k];
    decodeSliceRuns(runs, slices[k]);
    if (runs) {
      modified.push(k);
      for (const s of saved.segments) voxelCounts[s.index] = (voxelCounts[s.index] ?? 0) + countRuns(runs, s.index);
    }
  }
  for (const s of saved.segments) port.dataModified(segmentationId, modified, s.index);
  return { segmentationId, voxelCounts };
}

/**
 * The workflow state keys its history and undo by segmentation id, which a restore changes:
 * renames `oldId` to `newId` in it (a `history` keyed "<id>:<segment>" and entries carrying
 * `segmentationId`), leaving any other shape as it is.
 */
export function remapSegmentationId<T>(workflow: T, oldId: string, newId: string): T {
  if (!workflow || typeof workflow !== 'object' || Array.isArray(workflow) || oldId === newId) return workflow;
  const w = workflow as Record<string, unknown>;
  const out: Record<string, unknown> = { ...w };
  if (w.history && typeof w.history === 'object') {
    out.history = Object.fromEntries(
      Object.entries(w.history as Record<string, unknown>).map(([k, v]) => [k.startsWith(`${oldId}:`) ? `${newId}${k.slice(oldId.length)}` : k, v]),
    );
  }
  if (Array.isArray(w.undo)) {
    out.undo = w.undo.map(e => (e && typeof e === 'object' && (e as any).segmentationId === oldId ? { ...(e as object), segmentationId: newId } : e));
  }
  return out as T;
}
