import { ImageStackError, voxelAtPointMm, type Point3, type RefineStep } from '@imagestack/core';
import { COMMANDS, COMMANDS_CONTEXT, SERVICE_NAME } from './ids';
import { previewSurfaceIn3D } from './mesh/previewSurface';
import { runInWorker, type JobOptions } from './mesh/runInWorker';
import { ohifSegmentationHost, type HostContext } from './segmentation/ohifHost';
import { pickPointInViewports } from './segmentation/pickPoint';
import type { ImageStackService, LoadedSeries } from './services/ImageStackService';
import { downloadBytes } from './utils/download';
import { exportSurface, type ExportOptions } from './workflow/exportSurface';
import { refineSegment, segmentPieces, undoRefine } from './workflow/refineSegment';
import { thresholdSeries, type ThresholdRequest } from './workflow/thresholdSeries';

const dimsOf = (s: LoadedSeries): [number, number, number] => [s.stack.columns, s.stack.rows, s.stack.slices];

/**
 * The workflow as OHIF commands: each action is a few lines over a plain workflow function
 * (workflow/*, tested in jest with an in-memory SegmentationHost), so the panel, a toolbar
 * button, a hotkey and the browser tests all run the same thing the same way. Actions work on
 * the stack loaded in this tab, return data, and throw ImageStackError with a sentence a user
 * can act on.
 */
export default function getCommandsModule({ servicesManager, extensionManager }: HostContext) {
  const ctx: HostContext = { servicesManager, extensionManager };
  const loaded = (): LoadedSeries => {
    const series = (servicesManager.services[SERVICE_NAME] as ImageStackService).latest();
    if (!series) throw new ImageStackError('empty', 'no image stack is loaded in this tab: import one on the start page first');
    return series;
  };
  const host = (s: LoadedSeries) => ohifSegmentationHost(ctx, s);
  const target = (s: LoadedSeries) => ({ dims: dimsOf(s), geometry: s.geometry });

  const actions = {
    /**
     * Whole-volume threshold, inclusive range on the data's scale, into a new segment named by
     * its range (or into segment `into`, only with `replace: true`). Returns the segment, its
     * voxel count and volume (mL).
     */
    [COMMANDS.threshold]: (req: ThresholdRequest) => {
      const s = loaded();
      return thresholdSeries(host(s), { voxels: s.stack.voxels, columns: s.stack.columns, rows: s.stack.rows, slices: s.stack.slices, geometry: s.geometry }, s.workflow, req);
    },
    /** One refine step on a segment (default: the active one), off the main thread; undoable. Returns volumes before and after (mL). */
    [COMMANDS.refine]: ({ step, segmentIndex, signal, onProgress }: { step: RefineStep; segmentIndex?: number } & JobOptions) => {
      const s = loaded();
      return refineSegment(host(s), target(s), s.workflow, { step, segmentIndex }, runInWorker, { signal, onProgress });
    },
    /** Keeps only the 6-connected piece under a point (LPS mm), e.g. the airway and not the air outside the body. */
    [COMMANDS.keepIslandAtPoint]: ({ pointMm, segmentIndex, signal, onProgress }: { pointMm: Point3; segmentIndex?: number } & JobOptions) => {
      const s = loaded();
      const voxel = voxelAtPointMm(s.geometry, dimsOf(s), pointMm);
      return refineSegment(host(s), target(s), s.workflow, { step: { op: 'keepIslandAt', voxel, pointMm }, segmentIndex }, runInWorker, { signal, onProgress });
    },
    /** Resolves with the next point clicked in a 2D viewport (LPS mm); Escape or `signal` cancels. */
    [COMMANDS.pickPoint]: ({ signal }: { signal?: AbortSignal } = {}) => pickPointInViewports(ctx, signal),
    /** Undoes the last refine step. */
    [COMMANDS.undoRefine]: () => {
      const s = loaded();
      return undoRefine(host(s), target(s), s.workflow);
    },
    /** The volumes (mL, largest first) of a segment's pieces: how many a removal would take. */
    [COMMANDS.segmentPieces]: ({ segmentIndex, signal }: { segmentIndex?: number; signal?: AbortSignal } = {}) => {
      const s = loaded();
      return segmentPieces(host(s), target(s), { segmentIndex }, runInWorker, { signal });
    },
    /**
     * Builds the surface of a segment, downloads the .stl, and shows it in an open 3D view
     * (LPS only: the viewer's world is LPS). Returns stats, file names, sidecar and how many 3D
     * views show it.
     */
    [COMMANDS.exportSurface]: async ({ signal, onProgress, ...options }: ExportOptions & JobOptions) => {
      const s = loaded();
      const exported = await exportSurface(
        host(s),
        { dims: dimsOf(s), geometry: s.geometry, description: s.description, sliceNames: s.stack.sliceNames, provenance: s.provenance },
        s.workflow,
        options,
        runInWorker,
        { signal, onProgress },
      );
      downloadBytes(exported.stl, exported.fileName, 'model/stl');
      if (exported.frame === 'LPS') {
        s.lastSurface = { stl: exported.stl, fileName: exported.fileName, segmentationId: exported.segmentationId, segmentIndex: exported.segmentIndex, triangles: exported.stats.triangles };
      }
      // the preview is a convenience: a failure there must not hide the saved file's stats
      const previewed =
        exported.frame === 'LPS'
          ? await previewSurfaceIn3D(extensionManager, exported.stl, exported.fileName).catch(e => {
              console.warn('[imagestack] 3D preview failed', e);
              return 0;
            })
          : 0;
      return { ...exported, previewed };
    },
  };

  const definitions = Object.fromEntries(Object.entries(actions).map(([name, commandFn]) => [name, { commandFn }]));
  return { actions, definitions, defaultContext: COMMANDS_CONTEXT };
}
