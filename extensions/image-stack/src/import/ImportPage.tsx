import React, { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Button, toast } from '@ohif/ui-next';
import {
  blobTargets,
  captureEdgeLetters,
  decodeSourcePage,
  describeGaps,
  describeSliceOrientation,
  detectOverlays,
  fitRulerTicks,
  hashPixels,
  relativeNames,
  lineLengthMm,
  formatBytes,
  ImageStackError,
  makeHeadPhantom,
  mirrorsCapture,
  ORIENTATION_PRESETS,
  overlaySampleIndices,
  planStack,
  probeTargets,
  sampleValueRange,
  sliceEdgeLetters,
  type DecodeSource,
  type Orientation6,
  type StackPlan,
} from '@imagestack/core';
import { ROUTE_NAME, SERVICE_NAME } from '../ids';
import { navigateTo, viewerPath } from '../utils/navigate';
import type { ImageStackService } from '../services/ImageStackService';
import { filesFromDataTransfer, stackTitle } from './collectFiles';
import { readGeometryForm } from './geometryForm';
import { loadStack, loadWarnings, startStreamingLoad } from './loadStack';
import GeometryFields from './GeometryFields';
import PreviewCanvas from './PreviewCanvas';
import { decodePreviewSlice, type PreviewSlice } from './previewSlice';
import { errorLine, shownError, type ShownError } from '../utils/errors';
import { captureWindowOf, chosenValueRange, importReducer, INITIAL_IMPORT, loadGate, type RulerName } from './importSession';
import { browserVolumeLimits } from './gpuLimits';
import CaptureWindowFields from './CaptureWindowFields';
import StackCheck from './StackCheck';
import Thumb from './Thumb';
import { BAD, Field, inputClass, WARN } from './ui';
import VolumeOptions from './VolumeOptions';
import RestoreBanner from './RestoreBanner';
import { canPickWithHandles, captureDropHandles, filesFromHandles, pickFolderWithHandle, type SavedHandles } from '../persistence/fileHandles';
import { filesSource, importRecord } from '../persistence/importRecord';
import { rebuildStack } from '../persistence/rebuildStack';
import { checkRecord, type SessionRecord, type SessionSource } from '../persistence/sessionRecord';
import { openSessionStore } from '../persistence/sessionStore';
import type { LoadedSeries } from '../services/ImageStackService';

/**
 * The landing page (route "/"): where a user brings a folder of slices, checks the stack,
 * gives its geometry and opens it in the viewer. Replaces OHIF's study list, which has
 * nothing to list without a PACS.
 */
export default function ImportPage({ servicesManager }: { servicesManager: any }) {
  const service: ImageStackService = servicesManager.services[SERVICE_NAME];
  const [session, dispatch] = useReducer(importReducer, INITIAL_IMPORT);
  const { files, droppedFolder, unreadable, infos, probing, probeError, reverse, downsample, crop, cropText, form, tool, lines, rulerMm, calibration, previews, previewIndex, preview, progress, loadError, status } = session;
  const { gapPolicy, orient, zoom, lineText, ticks, overlays, values } = session;
  // Real-valued slices: the window mapped to grey levels (the sample's percentiles until the user types others).
  const valueChoice = chosenValueRange(session);
  const valueRange = valueChoice && 'low' in valueChoice ? valueChoice : undefined;
  const fileInputRef = useRef<HTMLInputElement>(null);
  // this browser's GPU texture limit and memory budget, asked once per page
  useEffect(() => dispatch({ type: 'limits', limits: browserVolumeLimits() }), []);
  const folderInputRef = useRef<HTMLInputElement>(null);
  const [dragOver, setDragOver] = useState(false);
  const lost = new URLSearchParams(window.location.search).has('lost');
  const abortRef = useRef<AbortController | null>(null);
  const store = useMemo(() => openSessionStore(), []);

  useEffect(() => {
    document.title = 'ImageStack — import';
  }, []);

  // An autosaved session (after a reload or a crash) is offered, unless it is the stack this tab already holds.
  useEffect(() => {
    let live = true;
    store.load().then(
      saved => {
        const { record } = checkRecord(saved);
        if (!live || !record) return;
        if (service.latest()?.seriesInstanceUID === record.uids.seriesInstanceUID) return;
        dispatch({ type: 'savedSession', record });
      },
      e => console.error('[imagestack] the saved session could not be read', e),
    );
    return () => {
      live = false;
    };
  }, [store, service]);

  /** The first record of a new session (its inputs); a failure is said, and the stack opens all the same. */
  const rememberImport = useCallback(
    async (series: LoadedSeries, source: SessionSource | Promise<SessionSource>, planOptions: SessionRecord['plan'], formValues?: typeof form) => {
      try {
        await store.save(importRecord(series, { source: await source, plan: planOptions, form: formValues }));
      } catch (e) {
        const line = `Autosave is off for this stack: ${errorLine(e)}`;
        console.error(`[imagestack] ${line}`, e);
        try {
          (toast?.error ?? toast)?.(line);
        } catch {
          // no toast host: the console line stands
        }
      }
    },
    [store],
  );

  const restoreSession = async (picked?: File[]) => {
    const r = session.restore;
    if (!r || r.phase === 'restoring') return;
    const { record } = r;
    let files = picked;
    if (record.source.kind === 'files' && !files) {
      const again = record.source.files.some(f => f.relativePath) || record.source.handles?.kind === 'directory' ? 'folder' : 'files';
      if (!record.source.handles) {
        dispatch({
          type: 'restoreNeedsFiles',
          line: `The browser cannot read the slices again by itself: pick the same ${again} again (checked by names, sizes and the first slice's contents).`,
        });
        return;
      }
      // from the Restore click: the browser may ask the user to allow reading the files again
      const got = await filesFromHandles(record.source.handles as SavedHandles);
      if (!got.files) {
        dispatch({ type: 'restoreNeedsFiles', line: `${got.reason}: pick the same ${again} again.` });
        return;
      }
      files = got.files;
    }
    dispatch({ type: 'restoreStarted' });
    try {
      const stack = await rebuildStack(
        record,
        files,
        {
          makeSample: makeHeadPhantom,
          probe: list => probeTargets(blobTargets(list)),
          plan: planStack,
          hashFile: async f => hashPixels(new Uint8Array(await f.arrayBuffer())),
          load: (p, onProgress) => loadStack(p, { onProgress }),
        },
        (done, total) => dispatch({ type: 'restoreProgress', done, total }),
      );
      const series = service.addStack(stack, record.geometry, record.description, record.notes, {
        restored: { uids: record.uids, identity: record.identity },
        provenance: record.provenance,
      });
      dispatch({ type: 'restoreDiscarded' });
      navigateTo(viewerPath(ROUTE_NAME, series.studyInstanceUID));
    } catch (e) {
      dispatch({ type: 'restoreFailed', line: errorLine(e) });
    }
  };

  const discardSession = async () => {
    try {
      await store.discard();
    } catch (e) {
      console.error('[imagestack] the saved session could not be discarded', e);
    }
    dispatch({ type: 'restoreDiscarded' });
  };

  const openSample = useCallback(() => {
    dispatch({ type: 'status', text: 'Generating the sample head phantom…' });
    // let the status paint before the (short) synchronous generation
    setTimeout(() => {
      const p = makeHeadPhantom();
      const series = service.addStack(p.stack, p.geometry, p.description);
      // generated: a restore makes it again, nothing of it needs saving but that it was the sample
      void rememberImport(series, { kind: 'sample' }, { reverse: false, downsample: 1 }).then(() =>
        navigateTo(viewerPath(ROUTE_NAME, series.studyInstanceUID)),
      );
    }, 0);
  }, [service, rememberImport]);

  /** A new set of files: a new import (the reducer forgets the old one); read their headers (the first 64 KiB of each). */
  const takeFiles = useCallback((list: File[], skippedEntries: Array<{ name: string; reason: string }> = [], folder?: string, handles?: SavedHandles) => {
    dispatch({ type: 'files', files: list, unreadable: skippedEntries, folder, handles });
  }, []);
  const generation = session.generation;
  useEffect(() => {
    if (!files.length) return;
    probeTargets(blobTargets(files)).then(
      probed => dispatch({ type: 'probed', generation, infos: probed }),
      e => dispatch({ type: 'probeFailed', generation, error: shownError(e) }),
    );
  }, [files, generation]);

  // The stack as the files are (no crop, no downsample, no memory limit): order, size, preview.
  const base = useMemo((): { plan?: StackPlan; error?: ShownError } => {
    if (!infos) return {};
    try {
      return { plan: planStack(infos, { reverse, maxVolumeBytes: Number.POSITIVE_INFINITY, valueRange }) };
    } catch (e) {
      return { error: shownError(e) };
    }
  }, [infos, reverse, valueRange?.low, valueRange?.high]);
  // Previews of real-valued slices wait for their value window (they are shown through it).
  const viewable = base.plan && (!base.plan.values || base.plan.rescale) ? base.plan : undefined;

  // Real-valued slices (float or 32-bit TIFF): measure their values on a few slices, here, once
  // per set of files; the 0.1–99.9 percentiles become the default window.
  const needsSample = !!base.plan?.values && !values.measured;
  useEffect(() => {
    const p = base.plan;
    if (!p || !needsSample) return;
    sampleValueRange(p, s => decodeSourcePage(s.source as DecodeSource, s.page, s.file)).then(
      range => dispatch({ type: 'valueSample', generation, range }),
      e => dispatch({ type: 'probeFailed', generation, error: shownError(e) }),
    );
    // not on base.plan: it changes with every keystroke in the window fields, the sample does not
  }, [needsSample, generation]);

  // The volume that will be built: with the crop and downsample, checked against the memory limit.
  const planned = useMemo((): { plan?: StackPlan; error?: ShownError } => {
    if (!infos || !base.plan) return {};
    try {
      return { plan: planStack(infos, { reverse, crop, downsample, orient, gapPolicy, valueRange }) };
    } catch (e) {
      return { error: shownError(e) };
    }
  }, [infos, base.plan, reverse, crop, downsample, orient, gapPolicy, valueRange?.low, valueRange?.high]);
  const plan = planned.plan;
  const wholeWidth = base.plan?.width ?? 0;
  const wholeHeight = base.plan?.height ?? 0;

  useEffect(() => {
    if (base.plan) dispatch({ type: 'wholeSize', width: base.plan.width, height: base.plan.height });
  }, [base.plan]);

  // Decode the first and last slices of the sorted order for the check, and one slice to crop
  // and calibrate on (the middle one, where the anatomy usually is, unless the user picks
  // another); no other slice is decoded before loading.
  const firstSlice = base.plan?.slices[0];
  const lastSlice = base.plan?.slices.at(-1);
  useEffect(() => {
    const p = viewable;
    if (!p || !firstSlice || !lastSlice) return;
    (async () => {
      try {
        const first = await decodePreviewSlice(p, firstSlice);
        const last = lastSlice === firstSlice ? first : await decodePreviewSlice(p, lastSlice);
        dispatch({ type: 'previews', generation, first, last });
      } catch (e) {
        dispatch({ type: 'probeFailed', generation, error: shownError(e) });
      }
    })();
  }, [viewable, firstSlice, lastSlice, generation]);
  // The overlay check: a few slices spread over the stack, decoded here once per set of files
  // (burned-in text, rulers and frames are the pixels that do not change between them).
  useEffect(() => {
    const p = viewable;
    if (!p || p.slices.length < 2) return;
    let stale = false;
    (async () => {
      try {
        const greys: Uint8Array[] = [];
        for (const i of overlaySampleIndices(p.slices.length, 4)) {
          if (stale) return;
          greys.push((await decodePreviewSlice(p, p.slices[i])).grey);
        }
        const d = detectOverlays(greys, p.width, p.height);
        if (!stale) {
          dispatch({
            type: 'overlays',
            generation,
            finding: { mask: d.mask, width: d.width, height: d.height, fraction: d.fraction, boxes: d.boxes, crop: d.crop, sampled: greys.length },
          });
        }
      } catch (e) {
        // the check is advice: a slice that cannot be decoded is reported by the previews and the load
        console.warn(`[imagestack] overlay check: ${errorLine(e)}`);
      }
    })();
    return () => {
      stale = true;
    };
  }, [viewable, generation]);
  const sliceCount = base.plan?.slices.length ?? 0;
  const shownIndex = Math.min(previewIndex ?? Math.floor((sliceCount - 1) / 2), Math.max(0, sliceCount - 1));
  const shownSlice = base.plan?.slices[shownIndex];
  useEffect(() => {
    const p = viewable;
    if (!p || !shownSlice) return;
    // a short pause, so dragging the slider decodes only where it stops
    const timer = setTimeout(async () => {
      try {
        dispatch({ type: 'preview', generation, slice: await decodePreviewSlice(p, shownSlice) });
      } catch (e) {
        dispatch({ type: 'probeFailed', generation, error: shownError(e) });
      }
    }, 60);
    return () => clearTimeout(timer);
  }, [viewable, shownSlice, generation]);

  const geometry = useMemo(() => readGeometryForm(form, plan), [form, plan]);
  const capture = captureWindowOf(session.captureWindow);

  const onLoad = async () => {
    if (!plan || !geometry.stackGeometry) return;
    const ac = new AbortController();
    abortRef.current = ac;
    dispatch({ type: 'loadStarted', total: plan.slices.length, startedMs: performance.now() });
    // one re-render per frame at most, not one per slice
    let frame = 0;
    let latest = { done: 0, total: plan.slices.length };
    let onPage = true;
    const onProgress = (done: number, total: number) => {
      latest = { done, total };
      if (frame || !onPage) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        if (abortRef.current === ac) dispatch({ type: 'loadProgress', ...latest });
      });
    };
    // Streamed: the viewer opens once the middle slice and a spread sample are in (their
    // histogram is its first window); the rest decode while it opens, the viewer's image loader
    // waiting on each slice, the workflow panel showing the progress.
    const load = startStreamingLoad(plan, { signal: ac.signal, onProgress });
    let firstHistogram: Float64Array;
    try {
      firstHistogram = await load.opened;
    } catch (e) {
      abortRef.current = null;
      if (e instanceof ImageStackError && e.code === 'cancelled') dispatch({ type: 'loadCancelled' });
      else dispatch({ type: 'loadFailed', error: shownError(e) });
      return;
    }
    abortRef.current = null;
    onPage = false;
    dispatch({ type: 'loaded' });
    const filled = plan.slices.filter(s => s.fill).map(s => s.name);
    const provenance = {
      calibration: session.calibrationRecord ?? { method: 'typed' as const },
      orientation: plan.orient,
      // autosaved with the provenance (importRecord) and so restored with it
      ...(capture.window ? { captureWindow: capture.window } : {}),
      ...(plan.gaps.length && plan.gapPolicy ? { gaps: { policy: plan.gapPolicy, missing: plan.gaps.reduce((n, g) => n + g.missingCount, 0), filled } } : {}),
    };
    const done = load.done.then(r => ({ ...r, notes: loadWarnings(r.report) }));
    const series = service.addStack(load.stack, geometry.stackGeometry, stackTitle(files, droppedFolder), [], {
      provenance,
      histogram: firstHistogram,
      sliceRanges: load.sliceRanges,
      streaming: { ...load, done },
    });
    // what the load found worth knowing, once it has seen every slice
    void done.then(
      ({ notes }) => {
        for (const w of notes) {
          try {
            (toast?.warning ?? toast)?.(w);
          } catch {
            console.warn(`[imagestack] ${w}`);
          }
        }
      },
      () => undefined, // the workflow panel says why the load stopped
    );
    const usedRange = plan.valueRange && { low: plan.valueRange.low, high: plan.valueRange.high };
    await rememberImport(series, filesSource(files, plan, droppedFolder, session.handles), { reverse, crop, downsample, orient, gapPolicy, ...(usedRange ? { valueRange: usedRange } : {}) }, form);
    navigateTo(viewerPath(ROUTE_NAME, series.studyInstanceUID));
  };

  const onDrop = async (e: React.DragEvent) => {
    e.preventDefault();
    setDragOver(false);
    if (progress) return;
    // before any await: the DataTransfer is emptied when this handler returns
    const handles = captureDropHandles(e.dataTransfer);
    const { files: dropped, unreadable: bad, folder } = await filesFromDataTransfer(e.dataTransfer);
    takeFiles(
      dropped,
      bad.map(name => ({ name, reason: 'could not be read' })),
      folder,
      await handles.catch(() => undefined),
    );
  };

  const error = probeError || base.error || planned.error || loadError;
  const loading = !!progress;
  const gapped = !!base.plan?.gaps.length;
  const missingCount = base.plan?.gaps.reduce((n, g) => n + g.missingCount, 0) ?? 0;
  /** What each gap choice makes of the stack: its slices, and its depth once the slice spacing is known. */
  const depthOf = (n: number) => {
    const z = Number(form.sliceSpacing);
    return `: ${n} slices${z > 0 ? `, ${(n * z).toFixed(1)} mm deep` : ''}`;
  };

  // a capture window maps 8-bit grey levels; a 16-bit or real-valued stack has its own values
  const captureProblem = capture.problem ?? (capture.window && plan && plan.bitDepth !== 8 ? `A capture window maps 8-bit grey levels to HU; this stack is ${plan.bitDepth}-bit: choose "none"` : undefined);
  // real-valued slices: loaded only through a value window (measured, or typed and valid)
  const valuesPending = !!plan?.values && !plan.rescale;
  // the estimate is the decision: a volume over the GPU's texture limit or the memory budget waits for a crop, a downsample or "Load anyway"
  const gate = loadGate(session, plan);
  const canLoad = !!plan && !!geometry.stackGeometry && !error && !loading && (!gapped || !!gapPolicy) && !captureProblem && !valuesPending && !gate.blocked;
  const loadHint = loading
    ? ''
    : !files.length
      ? 'Add the slices first'
      : probing
        ? 'Reading the file headers…'
        : error
          ? 'Fix the error above first'
          : valuesPending
            ? valueChoice && 'error' in valueChoice
              ? valueChoice.error
              : 'Measuring the values of a few slices…'
            : gate.blocked || (geometry.missing ?? (gapped && !gapPolicy ? 'Choose how to treat the missing slices' : (captureProblem ?? '')));
  const edgeLetters = sliceEdgeLetters([...ORIENTATION_PRESETS[form.orientation]] as Orientation6);
  const mirrored = mirrorsCapture(orient);
  const captureLetters = captureEdgeLetters([...ORIENTATION_PRESETS[form.orientation]] as Orientation6, orient);
  const onZoom = useCallback((step: 1 | -1) => dispatch({ type: 'zoom', step }), []);
  const detectTicks = () => {
    const l = lines.ruler1;
    const mm = Number(rulerMm.ruler1);
    if (!preview || !l) {
      dispatch({ type: 'ticksFailed', text: 'Draw or type the ruler line first.' });
      return;
    }
    if (!(mm > 0)) {
      dispatch({ type: 'ticksFailed', text: 'Type the length of the ruler line in mm first.' });
      return;
    }
    try {
      const fit = fitRulerTicks(preview.grey, preview.width, preview.height, { x0: l.from[0], y0: l.from[1], x1: l.to[0], y1: l.to[1] }, mm);
      dispatch({ type: 'ticksFitted', fit, lengthMm: mm });
    } catch (e) {
      dispatch({ type: 'ticksFailed', text: errorLine(e) });
    }
  };
  const lineFields = (which: RulerName) => (
    <div className="flex flex-wrap items-end gap-2" data-cy={`imagestack-${which}-coordinates`}>
      {(['x0', 'y0', 'x1', 'y1'] as const).map((k, i) => (
        <Field key={k} label={`${which === 'ruler1' ? 'Ruler' : 'Second line'} ${k} (px)`}>
          <input
            data-cy={`imagestack-${which}-${k}`}
            className={`${inputClass} w-20`}
            inputMode="decimal"
            value={lineText[which]?.[i] ?? ''}
            onChange={e => dispatch({ type: 'lineText', which, index: i as 0 | 1 | 2 | 3, value: e.target.value })}
          />
        </Field>
      ))}
    </div>
  );
  const skipped = [...unreadable, ...(base.plan?.skipped ?? [])];
  /** Leave the file an error is about out of the stack (the user's choice, never automatic). */
  const leaveOut = (e: ShownError) => {
    const names = relativeNames(files); // what errors name files by (see blobTargets)
    const keep = files.filter((_, i) => names[i] !== e.file);
    const reason = e.line.startsWith(`${e.file}: `) ? e.line.slice(e.file!.length + 2) : e.line;
    takeFiles(keep, [...unreadable, { name: e.file!, reason: `left out: ${reason}` }], droppedFolder);
  };
  const canLeaveOut = !!error?.file && !loading && relativeNames(files).includes(error.file) && files.length > 1;
  const coloured = [previews.first, previews.last].filter((p): p is PreviewSlice => !!p && p.colouredPixels > 0);
  const rulerNeeded = tool !== 'crop';

  return (
    <div
      data-cy="imagestack-import"
      className="bg-background text-foreground flex h-full w-full flex-col overflow-auto"
      onDragOver={e => {
        e.preventDefault();
        setDragOver(true);
      }}
      onDragLeave={e => {
        if (e.currentTarget === e.target) setDragOver(false);
      }}
      onDrop={onDrop}
    >
      <header className="border-input flex items-center gap-4 border-b px-6 py-3">
        <span className="text-primary text-xl">ImageStack</span>
        <span className="text-muted-foreground text-sm">Image slices to a scaled DICOM series and 3D model</span>
      </header>
      <main className="mx-auto flex w-full flex-col gap-4 p-6" style={{ maxWidth: 1280 }}>
        {session.restore && (
          <RestoreBanner restore={session.restore} onAccept={() => void restoreSession()} onDiscard={() => void discardSession()} onPick={files => void restoreSession(files)} />
        )}
        {lost && !session.restore && (
          <div data-cy="imagestack-lost" className="rounded border p-3 text-sm" style={{ borderColor: '#ca8a04' }}>
            The stack you had open was held in this tab only and is gone after a reload. Drop the files again.
          </div>
        )}
        <section
          data-cy="imagestack-dropzone"
          className={`flex flex-col items-center gap-3 rounded border-2 border-dashed p-6 ${dragOver ? 'border-primary bg-primary/10' : 'border-input'}`}
        >
          <div className="text-lg">Drop a folder or files of BMP, PNG, JPEG or TIFF slices</div>
          <div className="text-muted-foreground text-xs">Read in this browser tab only: nothing is uploaded.</div>
          <div className="flex gap-3">
            <Button data-cy="imagestack-choose-files" variant="secondary" disabled={loading} onClick={() => fileInputRef.current?.click()}>
              Choose files
            </Button>
            <Button
              data-cy="imagestack-choose-folder"
              variant="secondary"
              disabled={loading}
              onClick={() => {
                // Chromium's folder picker gives a handle that survives a reload (autosave reads
                // the slices again through it); elsewhere, and if it fails, the plain input
                if (!canPickWithHandles()) {
                  folderInputRef.current?.click();
                  return;
                }
                pickFolderWithHandle().then(
                  picked => picked && takeFiles(picked.files, [], picked.folder, picked.handles),
                  err => {
                    console.warn('[imagestack] the folder picker failed; using the file input', err);
                    folderInputRef.current?.click();
                  },
                );
              }}
            >
              Choose a folder
            </Button>
            {/* the real pickers, opened by the buttons (a hidden input is never reached with Tab) */}
            <input
              ref={fileInputRef}
              data-cy="imagestack-file-input"
              type="file"
              multiple
              tabIndex={-1}
              aria-hidden="true"
              disabled={loading}
              className="hidden"
              onChange={e => {
                takeFiles(Array.from(e.currentTarget.files ?? []));
                e.currentTarget.value = '';
              }}
            />
            <input
              ref={folderInputRef}
              data-cy="imagestack-folder-input"
              type="file"
              multiple
              tabIndex={-1}
              aria-hidden="true"
              disabled={loading}
              className="hidden"
              {...({ webkitdirectory: '', directory: '' } as any)}
              onChange={e => {
                takeFiles(Array.from(e.currentTarget.files ?? []));
                e.currentTarget.value = '';
              }}
            />
          </div>
          {files.length > 0 && (
            <div className="text-muted-foreground text-sm" data-cy="imagestack-file-count">
              {files.length} file{files.length === 1 ? '' : 's'} ({formatBytes(files.reduce((s, f) => s + f.size, 0))}){probing ? ' — reading headers…' : ''}
            </div>
          )}
        </section>

        {error && (
          <div className="flex items-center gap-3">
            <div
              data-cy="imagestack-error"
              role="alert"
              className
="min-w-0 flex-1 truncate rounded border px-3 py-2 text-sm"
              style={{ ...BAD, borderColor: '#b91c1c', background: 'rgba(127, 29, 29, 0.35)' }}
              title={error.line}
            >
              {error.line}
            </div>
            {canLeaveOut && (
              <Button data-cy="imagestack-leave-out" variant="secondary" onClick={() => leaveOut(error)}>
                Leave out {error.file}
              </Button>
            )}
          </div>
        )}

        {base.plan && (
          <div style={{ display: 'grid', gridTemplateColumns: 'auto minmax(340px, 1fr)', gap: 24, alignItems: 'start' }}>
            {/* left: the first slice, to crop and to calibrate on */}
            <section className="flex flex-col gap-2">
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <span className="text-muted-foreground">Draw on the slice:</span>
                {(
                  [
                    ['crop', 'Crop rectangle', 'imagestack-tool-crop'],
                    ['ruler1', 'Ruler line', 'imagestack-tool-ruler'],
                    ['ruler2', 'Second ruler line', 'imagestack-tool-ruler2'],
                  ] as const
                ).map(([t, label, cy]) => (
                  <button
                    key={t}
                    type="button"
                    data-cy={cy}
                    aria-pressed={tool === t}
                    className={`rounded border px-2 py-1 ${tool === t ? 'border-primary text-primary' : 'border-input text-foreground'}`}
                    onClick={() => dispatch({ type: 'tool', tool: t })}
                  >
                    {label}
                  </button>
                ))}
                <span className="text-muted-foreground ml-2">Zoom:</span>
                <button
                  type="button"
                  data-cy="imagestack-zoom-out"
                  aria-label="Zoom out"
                  disabled={zoom <= 1}
                  className="border-input rounded border px-2 py-1"
                  onClick={() => dispatch({ type: 'zoom', step: -1 })}
                >
                  −
                </button>
                <span data-cy="imagestack-zoom" aria-live="polite" className="w-8 text-center">
                  {zoom}×
                </span>
                <button
                  type="button"
                  data-cy="imagestack-zoom-in"
                  aria-label="Zoom in"
                  disabled={zoom >= 8}
                  className="border-input rounded border px-2 py-1"
                  onClick={() => dispatch({ type: 'zoom', step: 1 })}
                >
                  +
                </button>
              </div>
              <div className="flex flex-wrap items-center gap-2 text-sm" data-cy="imagestack-orientation-controls">
                <span className="text-muted-foreground">Turn the slices:</span>
                <button
                  type="button"
                  data-cy="imagestack-flip-rows"
                  aria-pressed={orient.flip === 'rows' || orient.flip === 'both'}
                  className={`rounded border px-2 py-1 ${orient.flip === 'rows' || orient.flip === 'both' ? 'border-primary text-primary' : 'border-input'}`}
                  onClick={() => dispatch({ type: 'flipRows' })}
                >
                  Flip rows (upside down)
                </button>
                <button
                  type="button"
                  data-cy="imagestack-flip-columns"
                  aria-pressed={orient.flip === 'columns' || orient.flip === 'both'}
                  className={`rounded border px-2 py-1 ${orient.flip === 'columns' || orient.flip === 'both' ? 'border-primary text-primary' : 'border-input'}`}
                  onClick={() => dispatch({ type: 'flipColumns' })}
                >
                  Flip columns (left ↔ right)
                </button>
                <button type="button" data-cy="imagestack-rotate" className={`rounded border px-2 py-1 ${orient.rotate ? 'border-primary text-primary' : 'border-input'}`} onClick={() => dispatch({ type: 'rotate' })}>
                  Rotate 90° clockwise{orient.rotate ? ` (now ${orient.rotate}°)` : ''}
                </button>
              </div>
              <div data-cy="imagestack-orientation-description" aria-live="polite" className="text-xs" style={{ maxWidth: 640, ...(mirrored ? WARN : {}) }}>
                {describeSliceOrientation(orient)} The letters at the edges are those the viewer will show ({form.orientation}).
              </div>
              <div data-cy="imagestack-capture-letters" className="text-muted-foreground text-xs" style={{ maxWidth: 640 }}>
                On the capture as it was: top {captureLetters.top}, bottom {captureLetters.bottom}, left {captureLetters.left}, right {captureLetters.right} (match them to letters burned into it).
              </div>
              {preview ? (
                <PreviewCanvas
                  slice={preview}
                  orient={orient}
                  crop={crop ?? { x: 0, y: 0, width: base.plan.width, height: base.plan.height }}
                  lines={lines}
                  tool={tool}
                  onCrop={c => dispatch({ type: 'crop', crop: c, width: wholeWidth, height: wholeHeight })}
                  onLine={(which, line) => dispatch({ type: 'line', which, line })}
                  onNudge={(which, end, dx, dy) => dispatch({ type: 'nudge', which, end, dx, dy })}
                  zoom={zoom}
                  onZoom={onZoom}
                  letters={edgeLetters}
                  overlayMask={overlays && overlays.fraction > 0 && overlays.width === preview.width ? overlays.mask : undefined}
                />
              ) : (
                <div className="text-muted-foreground text-sm">Decoding the first slice…</div>
              )}
              {preview && (
                <div className="flex items-center gap-3 text-xs" style={{ maxWidth: 640 }}>
                  <input
                    data-cy="imagestack-preview-slice"
                    type="range"
                    min={0}
                    max={sliceCount - 1}
                    value={shownIndex}
                    onChange={e => dispatch({ type: 'previewIndex', index: Number(e.target.value) })}
                    style={{ flex: 1 }}
                    aria-label="Slice shown"
                  />
                  <span className="text-muted-foreground whitespace-nowrap" data-cy="imagestack-preview-name">
                    {shownIndex + 1} / {sliceCount}: {preview.name}
                  </span>
                </div>
              )}
              {preview && (
                <div className="text-muted-foreground text-xs">
                  {tool === 'crop' ? 'Drag a rectangle around what to keep (the same crop applies to every slice).' : 'Drag along the burned-in ruler, then type its length.'}
                </div>
              )}
              {rulerNeeded && (
                <div className="flex flex-wrap items-end gap-3" data-cy="imagestack-calibration">
                  <Field label="Ruler line length (mm)">
                    <input
                      data-cy="imagestack-ruler-length"
                      className={`${inputClass} w-28`}
                      inputMode="decimal"
                      placeholder={lines.ruler1 ? 'e.g. 50' : 'draw a line first'}
                      value={rulerMm.ruler1}
                      onChange={e => dispatch({ type: 'rulerMm', which: 'ruler1', value: e.target.value })}
                    />
                  </Field>
                  {lines.ruler2 && (
                    <Field label="Second line length (mm)">
                      <input
                        data-cy="imagestack-ruler2-length"
                        className={`${inputClass} w-28`}
                        inputMode="decimal"
                        value={rulerMm.ruler2}
                        onChange={e => dispatch({ type: 'rulerMm', which: 'ruler2', value: e.target.value })}
                      />
                    </Field>
                  )}
                  <Button data-cy="imagestack-detect-ticks" variant="secondary" disabled={!lines.ruler1 || !preview} onClick={detectTicks}>
                    Detect ticks
                  </Button>
                  {(lines.ruler1 || lines.ruler2) && (
                    <button
                      type="button"
                      className="text-muted-foreground h-8 text-sm underline"
                      onClick={() => dispatch({ type: 'clearLines' })}
                    >
                      Clear lines
                    </button>
                  )}
                </div>
              )}
              {rulerNeeded && lineFields('ruler1')}
              {rulerNeeded && (tool === 'ruler2' || lines.ruler2) && lineFields('ruler2')}
              {ticks.text && (
                <div data-cy="imagestack-ticks-result" aria-live="polite" className="text-sm" style={{ maxWidth: 640, ...(ticks.error ? BAD : {}) }}>
                  {ticks.text}
                </div>
              )}
              {calibration.text && (
                <div
                  data-cy="imagestack-calibration-result"
                  aria-live="polite"
                  className={`text-sm ${calibration.error ? '' : 'text-muted-foreground'}`}
                  style={{ maxWidth: 640, ...(calibration.error ? BAD : {}) }}
                >
                  {calibration.text}
                </div>
              )}
              {(lines.ruler1 || lines.ruler2) && (
                <div data-cy="imagestack-line-lengths" className="text-muted-foreground text-xs" style={{ maxWidth: 640 }}>
                  {(['ruler1', 'ruler2'] as const)
                    .filter(k => lines[k])
                    .map(k => {
                      const l = lines[k]!;
                      const px = Math.hypot(l.to[0] - l.from[0], l.to[1] - l.from[1]);
                      const sx = Number(form.spacingX);
                      const sy = Number(form.spacingY);
                      const mm = sx > 0 && sy > 0 ? ` = ${lineLengthMm(l.from, l.to, sx, sy).toFixed(1)} mm` : '';
                      return `${k === 'ruler1' ? 'Ruler line' : 'second line'} ${px.toFixed(1)} px${mm}`;
                    })
                    .join('; ')}
                  {Number(form.spacingX) > 0 && Number(form.spacingY) > 0 ? ' at the spacing entered' : ''}
                </div>
              )}
              <div className="flex gap-4">
                {previews.first && <Thumb slice={previews.first} label="First" cy="imagestack-thumb-first" />}
                {previews.last && <Thumb slice={previews.last} label="Last" cy="imagestack-thumb-last" />}
              </div>
            </section>

            {/* right: the check, the volume's options, the geometry, load */}
            <section className="flex flex-col gap-4">
              <StackCheck
                plan={plan ?? base.plan}
                base={base.plan}
                skipped={skipped}
                coloured={coloured}
                overlays={overlays}
                onAcceptOverlayCrop={() => dispatch({ type: 'acceptOverlayCrop' })}
                values={values}
                valueError={valueChoice && 'error' in valueChoice ? valueChoice.error : undefined}
                onValueText={(key, value) => dispatch({ type: 'valueRangeText', key, value })}
                onValueDefault={() => dispatch({ type: 'valueRangeDefault' })}
                fit={gate.fit}
                limits={session.limits}
              />

              <VolumeOptions
                cropText={cropText}
                onCropText={(key, value) => dispatch({ type: 'cropText', key, value })}
                onWholeSlice={() => dispatch({ type: 'crop', crop: undefined, width: wholeWidth, height: wholeHeight })}
                downsample={downsample}
                onDownsample={value => dispatch({ type: 'downsample', value })}
                reverse={reverse}
                onReverse={value => dispatch({ type: 'reverse', value })}
                fit={gate.fit}
                onCrop={c => dispatch({ type: 'crop', crop: c, width: wholeWidth, height: wholeHeight })}
                overLimits={session.overLimits}
                onOverLimits={value => dispatch({ type: 'overLimits', value })}
              />

              <CaptureWindowFields
                value={session.captureWindow}
                onChoice={choice => dispatch({ type: 'captureWindow', choice })}
                onText={(key, value) => dispatch({ type: 'captureWindowText', key, value })}
              />

              {session.previousForm && (
                <div data-cy="imagestack-previous-geometry" className="flex items-center gap-2 text-sm">
                  <span className="text-muted-foreground">
                    The last stack had spacing {session.previousForm.spacingX || '?'} × {session.previousForm.spacingY || '?'} mm, slices {session.previousForm.sliceSpacing || '?'} mm.
                  </span>
                  <Button data-cy="imagestack-use-previous-geometry" variant="secondary" onClick={() => dispatch({ type: 'usePreviousGeometry' })}>
                    Use the same geometry
                  </Button>
                </div>
              )}
              <GeometryFields form={form} onChange={f => dispatch({ type: 'form', form: f })} state={geometry} />

              {gapped && (
                <fieldset data-cy="imagestack-gap-choice" className="border-input flex flex-col gap-1 rounded border p-3 text-sm" style={gapPolicy ? undefined : { borderColor: '#ca8a04' }}>
                  <legend className="px-1">Missing slices: {describeGaps(base.plan.gaps)}</legend>
                  <label className="flex items-center gap-2">
                    <input data-cy="imagestack-gap-fill" type="radio" name="imagestack-gaps" checked={gapPolicy === 'fill'} onChange={() => dispatch({ type: 'gapPolicy', policy: 'fill' })} />
                    Keep every slice at its numbered position and fill each missing one (interpolated from its neighbours, marked as filled){depthOf(sliceCount + missingCount)}
                  </label>
                  <label className="flex items-center gap-2">
                    <input data-cy="imagestack-gap-continuous" type="radio" name="imagestack-gaps" checked={gapPolicy === 'continuous'} onChange={() => dispatch({ type: 'gapPolicy', policy: 'continuous' })} />
                    Treat the stack as continuous (the slices after a gap move up: the volume is shallower){depthOf(sliceCount)}
                  </label>
                </fieldset>
              )}
              <div className="flex flex-col gap-2">
                <div className="flex items-center gap-3">
                  <Button data-cy="imagestack-load" disabled={!canLoad} onClick={onLoad} title={loadHint || 'Decode the slices and open them in the viewer'}>
                    Load {plan ? `${plan.slices.length} slices` : ''}
                  </Button>
                  {loading && (
                    <Button data-cy="imagestack-load-cancel" variant="secondary" onClick={() => abortRef.current?.abort()}>
                      Cancel
                    </Button>
                  )}
                  {loadHint && (
                    <span data-cy="imagestack-load-missing" aria-live="polite" className="text-sm" style={WARN}>
                      {loadHint}
                    </span>
                  )}
                </div>
                {progress && (
                  <div className="flex items-center gap-2 text-sm">
                    <progress data-cy="imagestack-load-progress" className="h-2 w-full" max={progress.total} value={progress.done} />
                    <span className="text-muted-foreground whitespace-nowrap">
                      {progress.done} / {progress.total}
                      {progress.done > 0 && progress.done < progress.total && performance.now() - progress.startedMs > 1500
                        ? `, about ${Math.ceil(((performance.now() - progress.startedMs) / progress.done) * (progress.total - progress.done) / 1000)} s left`
                        : ''}
                    </span>
                  </div>
                )}
              </div>
            </section>
          </div>
        )}

        <section className="border-input flex items-center gap-3 border-t pt-4">
          <Button data-cy="imagestack-load-sample" onClick={openSample} variant="secondary">
            Load sample
          </Button>
          <span className="text-muted-foreground text-sm">
            A generated head phantom (192 × 240 × 150, 0.9 × 0.8 × 1.3 mm) with an airway, a skull and a burned-in 50 mm ruler.
          </span>
        </section>
        {status && (
          <div data-cy="imagestack-status" role="status" className="text-sm">

            {status}
          </div>
        )}
      </main>
    </div>
  );
}
