import { ImageStackError, meshSidecar, type MeshFrame, type MeshSidecarInput, type MeshStats, type RefineStep, type StackGeometry } from '@imagestack/core';
import type { JobOptions, JobRunner } from '../mesh/runInWorker';
import { fileNameFrom } from '../utils/download';
import { targetSegment } from './refineSegment';
import type { SegmentationHost } from './segmentationHost';
import { packSegments } from './segmentMask';
import { segmentHistory, type WorkflowState } from './workflowState';

export interface ExportSeries {
  dims: [number, number, number];
  geometry: StackGeometry;
  /** The series description: the start of every file name. */
  description: string;
  sliceNames: string[];
  /** The import's calibration, orientation, gaps and capture window, recorded in the sidecar as given. */
  provenance?: Pick<MeshSidecarInput, 'calibration' | 'orientation' | 'gaps' | 'captureWindow'>;
}

export interface ExportOptions {
  /** A segment index, or 'all' (every segment merged); default the active segment. */
  segment?: number | 'all';
  largestIsland?: boolean;
  smoothIterations?: number;
  decimate?: number;
  frame?: MeshFrame;
  format?: 'binary' | 'ascii';
}

export interface ExportedSurface {
  stl: Uint8Array;
  stats: MeshStats;
  fileName: string;
  /** The JSON sidecar's text, and its file name. */
  sidecar: string;
  sidecarName: string;
  /** What was exported, in the user's words: "2: Threshold 0–40" or "all segments". */
  segmentLabel: string;
  segmentationId: string;
  /** The segment exported (undefined for all segments): stats on screen belong to it. */
  segmentIndex?: number;
  frame: MeshFrame;
}

/**
 * Segment → closed surface in mm → STL bytes, stats and sidecar: the file name, sidecar and
 * stats always describe the segment exported (its current label, as renamed in OHIF's list,
 * and every step that made it). Built in the worker; nothing is saved here.
 */
export async function exportSurface(host: SegmentationHost, series: ExportSeries, state: WorkflowState, options: ExportOptions, run: JobRunner, jobOptions: JobOptions = {}): Promise<ExportedSurface> {
  const frame = options.frame ?? 'LPS';
  const format = options.format ?? 'binary';
  const all = options.segment === 'all';
  let segmentationId: string;
  let segmentIndex: number | undefined;
  let segmentLabel: string;
  if (all) {
    const id = host.findLabelmap();
    if (!id || !host.segments(id).length) throw new ImageStackError('empty', 'there is no segment yet: threshold the volume or draw with the segmentation tools first');
    segmentationId = id;
    segmentLabel = 'all segments';
  } else {
    const t = targetSegment(host, options.segment as number | undefined);
    segmentationId = t.segmentationId;
    segmentIndex = t.segmentIndex;
    segmentLabel = t.label;
  }
  const [lo, hi] = segmentIndex === undefined ? [1, 255] : [segmentIndex, segmentIndex];
  const { packed, voxels } = packSegments(host.slices(segmentationId), series.dims[0] * series.dims[1], lo, hi);
  if (!voxels) throw new ImageStackError('empty', `${segmentIndex === undefined ? 'the segmentation' : `segment ${segmentIndex} "${segmentLabel}"`} is empty: nothing to export`);
  const refine: RefineStep[] = options.largestIsland ? [{ op: 'largestIsland' }] : [];
  const built = await run(
    { kind: 'mesh', dims: series.dims, geometry: series.geometry, packed, refine, smoothIterations: options.smoothIterations ?? 0, decimate: options.decimate ?? 0, frame, format },
    jobOptions,
  );
  const base = fileNameFrom(`${series.description} - ${segmentLabel}`, '');
  const fileName = `${base}.stl`;
  const names = series.sliceNames;
  const history = segmentIndex === undefined ? [] : segmentHistory(state, segmentationId, segmentIndex);
  // the threshold that made the segment (a threshold starts its history), in grey levels; with a
  // capture window the sidecar adds its approximate HU
  const made = history[0]?.op === 'threshold' ? history[0] : undefined;
  const sidecar = meshSidecar({
    files: [fileName],
    inputs: names.length > 2 ? [names[0], '…', names.at(-1)!] : names,
    geometry: series.geometry,
    dims: series.dims,
    ...series.provenance,
    ...(made ? { threshold: [made.lower, made.upper] as [number, number] } : {}),
    operations: [
      { op: 'segment', segment: segmentIndex ?? 'all', label: segmentLabel },
      ...history,
      ...built.operations,
    ],
    stats: built.stats,
    frame,
  });
  return { stl: built.stl, stats: built.stats, fileName, sidecar: JSON.stringify(sidecar, null, 2), sidecarName: `${base}.json`, segmentLabel: segmentIndex === undefined ? segmentLabel : `${segmentIndex}: ${segmentLabel}`, segmentationId, segmentIndex, frame };
}
