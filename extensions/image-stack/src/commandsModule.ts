import { ImageStackError, voxelAtPointMm, type Point3, type RefineStep, type TubeParameters } from '@imagestack/core';
import { DeviceDisplay } from './fit/deviceDisplay';
import { DeviceDrag } from './fit/deviceDrag';
import { workerFitBackend } from './fit/workerFitBackend';
import { COMMANDS, COMMANDS_CONTEXT, SERVICE_NAME } from './ids';
import { previewSurfaceIn3D } from './mesh/previewSurface';
import { runInWorker, type JobOptions } from './mesh/runInWorker';
import { ohifSegmentationHost, type HostContext } from './segmentation/ohifHost';
import { pickPointInViewports } from './segmentation/pickPoint';
import { stillLoading, type ImageStackService, type LoadedSeries } from './services/ImageStackService';
import { downloadBytes, fileNameFrom } from './utils/download';
import {
  createFitRuntime,
  deviceCentreMm,
  deviceMesh,
  findDevice,
  fitAddTube,
  fitAnatomyStatus,
  fitLoadDevice,
  fitMeasure,
  fitPlaceDevice,
  fitRemoveDevice,
  fitReport,
  fitSetAnatomy,
  fitUpdateAnatomy,
  type FitRuntime,
  type Placement,
} from './workflow/deviceFit';
import type { FitDevice } from './workflow/fitState';
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
  const service = servicesManager.services[SERVICE_NAME] as ImageStackService;
  const loaded = (): LoadedSeries => {
    const series = service.latest();
    if (!series) throw new ImageStackError('empty', 'no image stack is loaded in this tab: import one on the start page first');
    if (series.loading) throw stillLoading(series.loading);
    return series;
  };
  const host = (s: LoadedSeries) => ohifSegmentationHost(ctx, s);
  const target = (s: LoadedSeries) => ({ dims: dimsOf(s), geometry: s.geometry });

  // The device fit: one persistent worker per loaded series (it holds the prepared meshes), and
  // the devices drawn in the viewports. A new series lets both go.
  let fit: { seriesKey: string; runtime: FitRuntime } | undefined;
  let display: DeviceDisplay | undefined;
  let drag: DeviceDrag | undefined;
  const fitRuntime = (s: LoadedSeries): FitRuntime => {
    if (fit?.seriesKey !== s.key) {
      fit?.runtime.backend.dispose();
      fit = { seriesKey: s.key, runtime: createFitRuntime(workerFitBackend()) };
    }
    return fit.runtime;
  };
  /** Draws the series' devices (and the last closest point, if it is of the active device's placement). */
  const showFit = (s: LoadedSeries) => {
    const state = s.workflow.fit;
    const runtime = fitRuntime(s);
    display ??= new DeviceDisplay(extensionManager);
    const active = state.devices.find(d => d.id === state.activeDeviceId);
    const last = state.last;
    const current = active && last && last.deviceId === active.id && last.transform.every((v, i) => v === active.transform[i]);
    display.show(
      state.devices.map(d => {
        const dist = runtime.distances;
        const coloured = dist && dist.deviceId === d.id && dist.transform.every((v, i) => v === d.transform[i]);
        return { id: d.id, mesh: deviceMesh(runtime, d), transform: d.transform, active: d.id === state.activeDeviceId, vertexDistanceMm: coloured ? dist.vertexMm : undefined };
      }),
      current ? last.closestPointMm : undefined,
    );
    drag?.attach();
  };
  /** A device as commands return it: without its file's bytes. */
  const deviceInfo = (d: FitDevice) => ({ id: d.id, name: d.name, transform: [...d.transform], source: d.source.kind === 'tube' ? d.source : { kind: 'file' as const, fileName: d.source.fileName } });

  /** The fit's state changed: redraw the devices, and tell the autosave (placements are not in the labelmap). */
  const fitChanged = (s: LoadedSeries) => {
    showFit(s);
    service.workflowChanged();
  };

  const actions = {
    /**
     * Whole-volume threshold, inclusive range on the data's scale, into a new segment named by
     * its range (or into segment `into`, only with `replace: true`). Returns the segment, its
     * voxel count and volume (mL).
     */
    [COMMANDS.threshold]: (req: ThresholdRequest) => {
      const s = loaded();
      return thresholdSeries(host(s), { voxels: s.stack.voxels, columns: s.stack.columns, rows: s.stack.rows, slices: s.stack.slices, geometry: s.geometry, captureWindow: s.provenance.captureWindow }, s.workflow, req);
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
    /**
     * Makes a segment (default the active one) the anatomy devices are measured against: meshed
     * as Export STL meshes it (`smoothIterations`, default 20), nothing downloaded, prepared once
     * in the fit worker. Returns the segment, its triangles, volume (mL) and whether it is closed.
     */
    [COMMANDS.fitSetAnatomy]: async ({ segmentIndex, smoothIterations }: { segmentIndex?: number; smoothIterations?: number } = {}) => {
      const s = loaded();
      const anatomy = await fitSetAnatomy(host(s), target(s), s.workflow.fit, fitRuntime(s), { segmentIndex, smoothIterations });
      fitChanged(s);
      return anatomy;
    },
    /**
     * Whether the anatomy is still its segment's voxels: 'current', 'changed' (refined or painted
     * since "Use this segment": the numbers are of the old surface), 'gone', or 'none'.
     */
    [COMMANDS.fitAnatomyStatus]: () => {
      const s = loaded();
      return fitAnatomyStatus(host(s), target(s), s.workflow.fit);
    },
    /** Makes the anatomy again from its segment as it is now (same segment and smoothing). Returns the anatomy. */
    [COMMANDS.fitUpdateAnatomy]: async () => {
      const s = loaded();
      const anatomy = await fitUpdateAnatomy(host(s), target(s), s.workflow.fit, fitRuntime(s));
      fitChanged(s);
      return anatomy;
    },
    /**
     * "Move device" in the 3D views: `enabled` with `onDrag(placement)` (a nudge, to run through
     * placeDevice as the panel's nudges do) and `onEnd()`; a press on the active device drags
     * it (Shift turns, Ctrl rolls), elsewhere the camera's. Returns whether on and in how many 3D views.
     */
    [COMMANDS.fitDragMode]: ({ enabled, onDrag, onEnd }: { enabled: boolean; onDrag?: (p: Placement) => void; onEnd?: () => void }) => {
      drag ??= new DeviceDrag(extensionManager);
      if (!enabled || !onDrag) return drag.set(undefined);
      return drag.set({
        device: () => {
          const s = service.latest();
          const d = s?.workflow.fit.devices.find(x => x.id === s.workflow.fit.activeDeviceId);
          if (!s || !d) return undefined;
          const runtime = fitRuntime(s);
          return { mesh: deviceMesh(runtime, d), transform: d.transform, centreMm: deviceCentreMm(runtime, d) };
        },
        onDrag,
        onEnd: () => onEnd?.(),
      });
    },
    /** Adds a parametric tube (mm, degrees; core generateTube's frame: tip at the origin along +z) as the active device. */
    [COMMANDS.addTube]: ({ params, transform }: { params: TubeParameters; transform?: number[] }) => {
      const s = loaded();
      const device = fitAddTube(s.workflow.fit, fitRuntime(s), params, transform);
      fitChanged(s);
      return deviceInfo(device);
    },
    /** Adds a device from STL (binary or ASCII) or OBJ bytes, in mm, as the active device. */
    [COMMANDS.loadDevice]: ({ fileName, bytes, transform }: { fileName: string; bytes: Uint8Array; transform?: number[] }) => {
      const s = loaded();
      const device = fitLoadDevice(s.workflow.fit, fitRuntime(s), { fileName, bytes }, transform);
      fitChanged(s);
      return deviceInfo(device);
    },
    /** Removes a device (default the active one). */
    [COMMANDS.removeDevice]: async ({ deviceId }: { deviceId?: string } = {}) => {
      const s = loaded();
      await fitRemoveDevice(s.workflow.fit, fitRuntime(s), deviceId);
      fitChanged(s);
    },
    /** Makes a device the active one (the one placed, measured and reported). */
    [COMMANDS.chooseDevice]: ({ deviceId }: { deviceId: string }) => {
      const s = loaded();
      s.workflow.fit.activeDeviceId = findDevice(s.workflow.fit, deviceId).id;
      showFit(s);
      return deviceInfo(findDevice(s.workflow.fit));
    },
    /**
     * Places a device (default the active one): `{ transform }` (16 numbers or their text, a
     * row-major 4×4, mm LPS), `{ positionMm, axis, rollDeg? }`, or a nudge `{ translateMm?,
     * rotate?: { axis, deg } }` (turning about the device's tip). Returns the new transform.
     */
    [COMMANDS.placeDevice]: (placement: Placement & { deviceId?: string }) => {
      const s = loaded();
      const transform = fitPlaceDevice(s.workflow.fit, placement);
      fitChanged(s);
      return transform;
    },
    /**
     * Measures the active device where it is: minimum clearance (mm) and where, interference (mL)
     * and the slices it spans, inside or not. `fast`: no interference volume (while nudging).
     */
    [COMMANDS.measureFit]: async ({ deviceId, fast }: { deviceId?: string; fast?: boolean } = {}) => {
      const s = loaded();
      const r = await fitMeasure(host(s), target(s), s.workflow.fit, fitRuntime(s), { deviceId, fast });
      showFit(s);
      return r;
    },
    /** Draws the series' devices in the views again (e.g. after a saved session was restored). */
    [COMMANDS.showDevices]: () => showFit(loaded()),
    /** Moves the 2D views to a point (default: the last closest point). Returns how many views moved. */
    [COMMANDS.fitJump]: ({ pointMm }: { pointMm?: Point3 } = {}) => {
      const s = loaded();
      const p = pointMm ?? s.workflow.fit.last?.closestPointMm;
      if (!p) throw new ImageStackError('empty', 'measure the device first: there is no closest point yet');
      display ??= new DeviceDisplay(extensionManager);
      return display.jumpTo(p);
    },
    /**
     * Downloads the fit report of the active device's last full measurement (JSON: numbers,
     * transform, device parameters, anatomy segment, the series' geometry), with PNG snapshots
     * of the slice through the closest point and of the 3D view when one is open. Returns the
     * report and the names of the files saved.
     */
    [COMMANDS.fitReport]: async () => {
      const s = loaded();
      const report = fitReport({ ...target(s), description: s.description }, s.workflow.fit);
      const base = fileNameFrom(`${s.description} - fit ${report.device.name}`, '');
      const files = [`${base}.json`];
      downloadBytes(JSON.stringify(report, null, 2), files[0], 'application/json');
      display ??= new DeviceDisplay(extensionManager);
      // the worst slice: the 2D views moved to the closest point, once they have rendered there
      display.jumpTo(report.result.closest_point_mm);
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      for (const [kind, suffix] of [['2d', 'closest slice'], ['3d', '3D']] as const) {
        const png = display.snapshot(kind);
        if (!png) continue;
        const name = `${base} - ${suffix}.png`;
        const bytes = Uint8Array.from(atob(png.slice(png.indexOf(',') + 1)), c => c.charCodeAt(0));
        downloadBytes(bytes, name, 'image/png');
        files.push(name);
      }
      return { report, files };
    },
  };

  const definitions = Object.fromEntries(Object.entries(actions).map(([name, commandFn]) => [name, { commandFn }]));
  return { actions, definitions, defaultContext: COMMANDS_CONTEXT };
}
