import type { CalibrationRecord, CaptureWindow, GapRecord, SeriesIdentity, SeriesUids, SliceOrientation, StackGeometry, VoiWindow, VoxelArray, VoxelStack } from '@imagestack/core';
import { createSeriesUids, ImageStackError, sliceView, stackHistogram, windowFromHistogram } from '@imagestack/core';
import { errorLine } from '../utils/errors';
import { IMAGE_LOADER_SCHEME, SERVICE_NAME } from '../ids';
import { buildViewerInstances, type ViewerInstance } from './viewerInstances';
import { createWorkflowState, type WorkflowState } from '../workflow/workflowState';

/** A stack the user loaded in this tab, as the viewer sees it: one synthetic CT series. */
export interface LoadedSeries {
  /** Short key used in image ids (imagestack:<key>/<k>). */
  key: string;
  stack: VoxelStack;
  geometry: StackGeometry;
  description: string;
  /** What the import found worth knowing (duplicate slices, coloured overlays), in the user's words. */
  notes: string[];
  /** How the import got its scale, turn and gaps: what the sidecar of every export records. */
  provenance: ImportProvenance;
  /** Made once per import: the viewer, the zip and the PACS copy share them. */
  uids: SeriesUids;
  /** Window centre/width from the data (1st–99th percentile), shared by viewer and export. */
  window: VoiWindow;
  identity: SeriesIdentity;
  /** Count of each stored value (256 bins for 8-bit, 65536 for 16-bit): threshold UI and window. */
  histogram: Float64Array;
  /** Each slice's [min, max] (2k, 2k + 1) when the decode found them (loadStack): the image loader reports them without a pass over the slice. */
  sliceRanges?: Int32Array;
  /**
   * While the slices are still decoding (a streamed load: the viewer opened on the first ones):
   * the image loader waits on each slice, and nothing reads the whole volume (the workflow
   * commands refuse, the panel shows the progress) until the load is done and this is gone.
   * `error`: the load failed or was cancelled; the volume stays incomplete and unusable.
   */
  loading?: SeriesLoading;
  /**
   * What the workflow panel's sections were showing (inputs, last results), kept here because
   * OHIF unmounts a panel when another tab is shown.
   */
  panelState: Record<string, unknown>;
  /** What the workflow did to this series' segments (their history for sidecars, undo). */
  workflow: WorkflowState;
  /** The last exported surface: what 3D views show for this series (segmentation/oneSurface3D.ts). */
  lastSurface?: { stl: Uint8Array; fileName: string; segmentationId: string; segmentIndex?: number; triangles: number };
  /** The naturalized DICOM records the viewer's metadata store holds, one per slice. */
  instances: ViewerInstance[];
  studyInstanceUID: string;
  seriesInstanceUID: string;
  imageIds: string[];
}

/** See LoadedSeries.provenance (the sample phantom has none). */
export interface ImportProvenance {
  calibration?: CalibrationRecord;
  orientation?: SliceOrientation;
  gaps?: GapRecord;
  /**
   * The window the screen captures were taken with, as the user gave it on the import page:
   * thresholds and histograms read in approximate HU, the sidecar records both, the exported
   * DICOM says HU through RescaleSlope/Intercept. The viewer's volume stays 8-bit grey levels.
   */
  captureWindow?: CaptureWindow;
}

/** What addStack takes beside the stack itself. */
export interface AddStackOptions {
  /** The import's calibration, orientation and gaps (the sidecar records them). */
  provenance?: ImportProvenance;
  /** [autosave] a restored session keeps its series' UIDs and date (persistence/). */
  restored?: { uids: SeriesUids; identity: SeriesIdentity };
  /** voxelHistogram(stack.voxels) when the decode already counted it (loadStack); otherwise counted here. */
  histogram?: Float64Array;
  /** Each slice's [min, max] from the same decode (loadStack's sliceRanges). */
  sliceRanges?: Int32Array;
  /**
   * The slices are still decoding: `histogram` is then the first slices' (the viewer's first
   * window); when `done` resolves the series takes the whole volume's histogram, window and
   * ranges and its notes (finishLoading). Until then the series has `loading`.
   */
  streaming?: StreamingSource;
}

/** A streamed load as a series sees it (import/loadStack.ts startStreamingLoad). */
export interface SeriesLoading {
  sliceReady(k: number): Promise<void>;
  progress(): { done: number; total: number };
  cancel(): void;
  error?: unknown;
}

/** What a streamed load gives addStack: its slices as they arrive, and the end of the load. */
export interface StreamingSource extends Omit<SeriesLoading, 'error'> {
  done: Promise<{ histogram: Float64Array; sliceRanges: Int32Array; notes: string[] }>;
}

/**
 * Why the whole volume cannot be used yet: the slices are still decoding, or the load stopped
 * (then what stopped it, and what to do). The workflow commands throw it; the panel shows it.
 */
export function stillLoading(loading: SeriesLoading): ImageStackError {
  if (loading.error !== undefined) {
    const cancelled = loading.error instanceof ImageStackError && loading.error.code === 'cancelled';
    return new ImageStackError(
      cancelled ? 'cancelled' : 'corrupt',
      `${cancelled ? 'loading the slices was cancelled' : `the slices did not all load (${errorLine(loading.error)})`}: this volume is incomplete; load the stack again from the import page`,
    );
  }
  const { done, total } = loading.progress();
  return new ImageStackError('empty', `the slices are still loading (${done} of ${total}): thresholding, refining and export start when all are in`);
}

type Listener = (series: LoadedSeries) => void;

/**
 * Holds the stacks loaded in this browser tab, once: the voxels live in one typed volume, each
 * Cornerstone image is a view into it. Registered as an OHIF service so the import page, the
 * data source, the image loader and the panels all reach the same instance.
 */
export class ImageStackService {
  static REGISTRATION = {
    name: SERVICE_NAME,
    altName: 'ImageStackService',
    create: () => new ImageStackService(),
  };

  private readonly seriesByKey = new Map<string, LoadedSeries>();
  private readonly listeners = new Set<Listener>();
  private counter = 0;
  /** What onModeExit undoes (hooks the extension set on the host at onModeEnter). */
  private modeCleanups: Array<() => void> = [];

  /**
   * Adds a stack as a new synthetic study and returns it. The previous stack is let go: a tab
   * holds one stack at a time (a 2 GB seed stack is about 0.7 GB of voxels; two would not fit).
   */
  addStack(stack: VoxelStack, geometry: StackGeometry, description: string, notes: string[] = [], options: AddStackOptions = {}): LoadedSeries {
    const { provenance = {}, restored } = options;
    // a stack still streaming in is let go too: its decode stops instead of taking the cores from this one
    for (const s of this.seriesByKey.values()) if (s.loading && s.loading.error === undefined) s.loading.cancel();
    this.seriesByKey.clear();
    const key = `s${++this.counter}${Date.now().toString(36)}`;
    const imageIds = Array.from({ length: stack.slices }, (_, k) => `${IMAGE_LOADER_SCHEME}:${key}/${k}`);
    const uids = restored?.uids ?? createSeriesUids(stack.slices);
    const { streaming } = options;
    // a streamed load's first window comes from the slices decoded so far; the whole volume's replaces it when the load ends
    const histogram = streaming && options.histogram ? options.histogram : stackHistogram(stack, options.histogram);
    const window = windowFromHistogram(histogram);
    // dated once: every record built later (viewer, zip, PACS) carries the import's date
    const identity: SeriesIdentity = restored?.identity ?? { description, date: new Date() };
    const instances = buildViewerInstances({ stack, geometry, uids, window, identity, imageIds });
    const series: LoadedSeries = {
      key,
      stack,
      geometry,
      description,
      notes,
      provenance,
      uids,
      window,
      identity,
      histogram,
      ...(options.sliceRanges?.length === 2 * stack.slices ? { sliceRanges: options.sliceRanges } : {}),
      ...(streaming ? { loading: { sliceReady: k => streaming.sliceReady(k), progress: () => streaming.progress(), cancel: () => streaming.cancel() } } : {}),
      panelState: {},
      workflow: createWorkflowState(),
      instances,
      studyInstanceUID: instances[0].StudyInstanceUID,
      seriesInstanceUID: instances[0].SeriesInstanceUID,
      imageIds,
    };
    this.seriesByKey.set(key, series);
    for (const l of this.listeners) l(series);
    if (streaming) {
      streaming.done.then(
        result => this.finishLoading(series, result),
        error => {
          series.loading!.error = error;
          for (const l of this.listeners) l(series);
        },
      );
    }
    return series;
  }

  /**
   * A streamed load ended: the series takes the whole volume's histogram, window (its records
   * too: what the viewer's metadata and every export read) and slice ranges, and the load's notes.
   */
  private finishLoading(series: LoadedSeries, result: { histogram: Float64Array; sliceRanges: Int32Array; notes: string[] }): void {
    const histogram = stackHistogram(series.stack, result.histogram);
    const window = windowFromHistogram(histogram);
    series.histogram = histogram;
    series.window = window;
    // the same records' window, in place: OHIF's metadata store holds these objects
    const rebuilt = buildViewerInstances({ ...series, window });
    series.instances.forEach((record, k) => {
      record.WindowCenter = rebuilt[k].WindowCenter;
      record.WindowWidth = rebuilt[k].WindowWidth;
    });
    series.sliceRanges = result.sliceRanges;
    series.notes.push(...result.notes);
    delete series.loading;
    for (const l of this.listeners) l(series);
  }

  getByStudy(studyInstanceUID: string): LoadedSeries | undefined {
    for (const s of this.seriesByKey.values()) if (s.studyInstanceUID === studyInstanceUID) return s;
    return undefined;
  }

  /** The series and slice index an image id of ours points at, or undefined for a foreign id. */
  resolveImageId(imageId: string): { series: LoadedSeries; sliceIndex: number } | undefined {
    const m = /^([a-z]+):([^/]+)\/(\d+)$/.exec(imageId);
    if (!m || m[1] !== IMAGE_LOADER_SCHEME) return undefined;
    const series = this.seriesByKey.get(m[2]);
    const sliceIndex = Number(m[3]);
    if (!series || sliceIndex >= series.stack.slices) return undefined;
    return { series, sliceIndex };
  }

  /** Slice voxels for an image id (a view into the stack's volume, no copy). */
  getSliceVoxels(imageId: string): VoxelArray | undefined {
    const r = this.resolveImageId(imageId);
    return r && sliceView(r.series.stack, r.sliceIndex);
  }

  /** The most recently loaded series. */
  latest(): LoadedSeries | undefined {
    return [...this.seriesByKey.values()].at(-1);
  }

  private readonly workflowListeners = new Set<() => void>();

  /** Says the workflow state changed outside the labelmap (a device placed, added, removed): unsaved work. */
  workflowChanged(): void {
    for (const l of this.workflowListeners) l();
  }

  onWorkflowChanged(listener: () => void): () => void {
    this.workflowListeners.add(listener);
    return () => this.workflowListeners.delete(listener);
  }

  /** Keeps `cleanup` until the mode is left (onModeEnter and onModeExit mirror each other). */
  whileInMode(cleanup: () => void): void {
    this.modeCleanups.push(cleanup);
  }

  leaveMode(): void {
    for (const cleanup of this.modeCleanups.splice(0)) cleanup();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
