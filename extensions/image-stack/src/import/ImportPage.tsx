import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, toast } from '@ohif/ui-next';
import {
  blobTargets,
  relativeNames,
  calibrateSpacing,
  lineLengthMm,
  formatBytes,
  ImageStackError,
  makeHeadPhantom,
  planStack,
  probeTargets,
  type CropRect,
  type DownsampleFactor,
  type StackFileInfo,
  type StackPlan,
  type StackReport,
  type VoxelStack,
} from '@imagestack/core';
import { ROUTE_NAME, SERVICE_NAME } from '../ids';
import { navigateTo, viewerPath } from '../utils/navigate';
import type { ImageStackService } from '../services/ImageStackService';
import { filesFromDataTransfer, stackTitle } from './collectFiles';
import { EMPTY_GEOMETRY_FORM, formatSpacing, readGeometryForm, type GeometryFormValues } from './geometryForm';
import { loadStack } from './loadStack';
import GeometryFields from './GeometryFields';
import PreviewCanvas, { type DrawnLine, type PreviewTool } from './PreviewCanvas';
import { decodePreviewSlice, type PreviewSlice } from './previewSlice';
import { errorLine, shownError, type ShownError } from './shownError';
import StackCheck from './StackCheck';
import Thumb from './Thumb';
import { BAD, Field, inputClass, WARN } from './ui';
import VolumeOptions from './VolumeOptions';

/**
 * The landing page (route "/"): where a user brings a folder of slices, checks the stack,
 * gives its geometry and opens it in the viewer. Replaces OHIF's study list, which has
 * nothing to list without a PACS.
 */
export default function ImportPage({ servicesManager }: { servicesManager: any }) {
  const service: ImageStackService = servicesManager.services[SERVICE_NAME];
  const [status, setStatus] = useState<string>('');
  const lost = new URLSearchParams(window.location.search).has('lost');

  // The files stay File objects: only headers are read here, pixels in the decode workers.
  const [files, setFiles] = useState<File[]>([]);
  /** The name of a folder dropped on its own (dropped files carry no folder path). */
  const [droppedFolder, setDroppedFolder] = useState<string | undefined>(undefined);
  const [infos, setInfos] = useState<StackFileInfo[] | null>(null);
  const [unreadable, setUnreadable] = useState<Array<{ name: string; reason: string }>>([]);
  const [probeError, setProbeError] = useState<ShownError | null>(null);
  const [probing, setProbing] = useState(false);
  const [dragOver, setDragOver] = useState(false);

  const [reverse, setReverse] = useState(false);
  const [downsample, setDownsample] = useState<DownsampleFactor>(1);
  const [crop, setCrop] = useState<CropRect | undefined>(undefined);
  const [cropText, setCropText] = useState({ x: '', y: '', width: '', height: '' });

  const [form, setForm] = useState<GeometryFormValues>(EMPTY_GEOMETRY_FORM);
  const [tool, setTool] = useState<PreviewTool>('ruler1');
  const [lines, setLines] = useState<Partial<Record<'ruler1' | 'ruler2', DrawnLine>>>({});
  const [rulerMm, setRulerMm] = useState({ ruler1: '', ruler2: '' });
  const [calibration, setCalibration] = useState<{ text: string; error?: boolean }>({ text: '' });

  const [previews, setPreviews] = useState<{ first?: PreviewSlice; last?: PreviewSlice }>({});
  /** The slice shown to crop and calibrate on (an index in the sorted order; default the middle one). */
  const [previewIndex, setPreviewIndex] = useState<number | null>(null);
  const [preview, setPreview] = useState<PreviewSlice | undefined>(undefined);
  const [progress, setProgress] = useState<{ done: number; total: number; startedMs: number } | null>(null);
  const [loadError, setLoadError] = useState<ShownError | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const generation = useRef(0);

  useEffect(() => {
    document.title = 'ImageStack — import';
  }, []);

  const openSample = useCallback(() => {
    setStatus('Generating the sample head phantom…');
    // let the status paint before the (short) synchronous generation
    setTimeout(() => {
      const p = makeHeadPhantom();
      const series = service.addStack(p.stack, p.geometry, p.description);
      navigateTo(viewerPath(ROUTE_NAME, series.studyInstanceUID));
    }, 0);
  }, [service]);

  /** A new set of files: read their headers (the first 64 KiB of each), forget everything else. */
  const takeFiles = useCallback(async (list: File[], skippedEntries: Array<{ name: string; reason: string }> = [], folder?: string) => {
    const gen = ++generation.current;
    setFiles(list);
    setDroppedFolder(folder);
    setUnreadable(skippedEntries);
    setInfos(null);
    setProbeError(null);
    setLoadError(null);
    setStatus('');
    setPreviews({});
    setPreview(undefined);
    setPreviewIndex(null);
    setCrop(undefined);
    setCropText({ x: '', y: '', width: '', height: '' });
    setLines({});
    setCalibration({ text: '' });
    if (!list.length) return;
    setProbing(true);
    try {
      const probed = await probeTargets(blobTargets(list));
      if (gen === generation.current) setInfos(probed);
    } catch (e) {
      if (gen === generation.current) setProbeError(shownError(e));
    } finally {
      if (gen === generation.current) setProbing(false);
    }
  }, []);

  // The stack as the files are (no crop, no downsample, no memory limit): order, size, preview.
  const base = useMemo((): { plan?: StackPlan; error?: ShownError } => {
    if (!infos) return {};
    try {
      return { plan: planStack(infos, { reverse, maxVolumeBytes: Number.POSITIVE_INFINITY }) };
    } catch (e) {
      return { error: shownError(e) };
    }
  }, [infos, reverse]);

  // The volume that will be built: with the crop and downsample, checked against the memory limit.
  const planned = useMemo((): { plan?: StackPlan; error?: ShownError } => {
    if (!infos || !base.plan) return {};
    try {
      return { plan: planStack(infos, { reverse, crop, downsample }) };
    } catch (e) {
      return { error: shownError(e) };
    }
  }, [infos, base.plan, reverse, crop, downsample]);
  const plan = planned.plan;

  useEffect(() => {
    if (!base.plan) return;
    setCropText(t => (t.width ? t : { x: '0', y: '0', width: String(base.plan!.width), height: String(base.plan!.height) }));
  }, [base.plan]);

  // Decode the first and last slices of the sorted order for the check, and one slice to crop
  // and calibrate on (the middle one, where the anatomy usually is, unless the user picks
  // another); no other slice is decoded before loading.
  const firstSlice = base.plan?.slices[0];
  const lastSlice = base.plan?.slices.at(-1);
  useEffect(() => {
    const p = base.plan;
    if (!p || !firstSlice || !lastSlice) return;
    let live = true;
    (async () => {
      try {
        const first = await decodePreviewSlice(p, firstSlice);
        const last = lastSlice === firstSlice ? first : await decodePreviewSlice(p, lastSlice);
        if (live) setPreviews({ first, last });
      } catch (e) {
        if (live) setProbeError(shownError(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [base.plan, firstSlice, lastSlice]);
  const sliceCount = base.plan?.slices.length ?? 0;
  const shownIndex = Math.min(previewIndex ?? Math.floor((sliceCount - 1) / 2), Math.max(0, sliceCount - 1));
  const shownSlice = base.plan?.slices[shownIndex];
  useEffect(() => {
    const p = base.plan;
    if (!p || !shownSlice) return;
    let live = true;
    // a short pause, so dragging the slider decodes only where it stops
    const timer = setTimeout(async () => {
      try {
        const s = await decodePreviewSlice(p, shownSlice);
        if (live) setPreview(s);
      } catch (e) {
        if (live) setProbeError(shownError(e));
      }
    }, 60);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [base.plan, shownSlice]);

  const geometry = useMemo(() => readGeometryForm(form, plan), [form, plan]);

  const applyCrop = (c: CropRect | undefined) => {
    setCrop(c);
    const b = base.plan;
    const shown = c ?? (b ? { x: 0, y: 0, width: b.width, height: b.height } : undefined);
    if (shown) setCropText({ x: String(shown.x), y: String(shown.y), width: String(shown.width), height: String(shown.height) });
  };
  const editCrop = (key: keyof typeof cropText, value: string) => {
    const next = { ...cropText, [key]: value };
    setCropText(next);
    const n = [next.x, next.y, next.width, next.height].map(v => (/^\s*\d+\s*$/.test(v) ? Number(v) : NaN));
    if (n.every(Number.isInteger)) setCrop({ x: n[0], y: n[1], width: n[2], height: n[3] });
  };

  /** Ruler lines and lengths → spacing x and y (square pixels from one line; two lines for non-square). */
  const recalibrate = (ls: typeof lines, mm: typeof rulerMm) => {
    const first = ls.ruler1;
    const len1 = Number(mm.ruler1);
    if (!first || !mm.ruler1.trim() || !(len1 > 0)) {
      setCalibration({ text: first ? 'Type the length of the ruler line in mm.' : '' });
      return;
    }
    const second = ls.ruler2 && Number(mm.ruler2) > 0 ? { ...ls.ruler2, lengthMm: Number(mm.ruler2) } : undefined;
    try {
      const s = calibrateSpacing({ ...first, lengthMm: len1 }, second);
      setForm(f => ({ ...f, spacingX: formatSpacing(s.pixelSpacingXMm), spacingY: formatSpacing(s.pixelSpacingYMm) }));
      const px = Math.hypot(first.to[0] - first.from[0], first.to[1] - first.from[1]);
      setCalibration({
        text: second
          ? `From two lines: x ${formatSpacing(s.pixelSpacingXMm)} mm, y ${formatSpacing(s.pixelSpacingYMm)} mm per pixel.`
          : `${len1} mm over ${px.toFixed(1)} pixels: ${formatSpacing(s.pixelSpacingXMm)} mm per pixel (square pixels; draw a second line along the other axis if they are not).`,
      });
    } catch (e) {
      setCalibration({ text: errorLine(e), error: true });
    }
  };

  const onLoad = async () => {
    if (!plan || !geometry.stackGeometry) return;
    const ac = new AbortController();
    abortRef.current = ac;
    setLoadError(null);
    setStatus('');
    const startedMs = performance.now();
    setProgress({ done: 0, total: plan.slices.length, startedMs });
    let result: { stack: VoxelStack; report: StackReport };
    try {
      // one re-render per frame at most, not one per slice
      let frame = 0;
      let latest = { done: 0, total: plan.slices.length, startedMs };
      const onProgress = (done: number, total: number) => {
        latest = { done, total, startedMs };
        if (frame) return;
        frame = requestAnimationFrame(() => {
          frame = 0;
          if (abortRef.current === ac) setProgress(latest);
        });
      };
      result = await loadStack(plan, { signal: ac.signal, onProgress });
    } catch (e) {
      setProgress(null);
      abortRef.current = null;
      if (e instanceof ImageStackError && e.code === 'cancelled') setStatus('Loading cancelled: nothing was loaded.');
      else setLoadError(shownError(e));
      return;
    }
    abortRef.current = null;
    const { stack, report } = result;
    const warnings: string[] = [];
    if (report.duplicates.length) {
      const d = report.duplicates[0];
      warnings.push(`${report.duplicates.length} duplicate slice(s): ${d.slice} is identical to ${d.sameAs}${report.duplicates.length > 1 ? ', …' : ''}`);
    }
    if (report.colouredSlices) {
      warnings.push(`${report.colouredSlices} slice(s) have coloured pixels (${(report.colouredFraction * 100).toFixed(2)} %): overlays are converted to grey`);
    }
    const series = service.addStack(stack, geometry.stackGeometry, stackTitle(files, droppedFolder), warnings);
    for (const w of warnings) {
      try {
        (toast?.warning ?? toast)?.(w);
      } catch {
        console.warn(`[imagestack] ${w}`);
      }
    }
    navigateTo(viewerPath(ROUTE_NAME, series.studyInstanceUID));
  };

  const onDrop = async (e: React.DragEvent) => {
    e.preventDefault();
    setDragOver(false);
    if (progress) return;
    const { files: dropped, unreadable: bad, folder } = await filesFromDataTransfer(e.dataTransfer);
    takeFiles(
      dropped,
      bad.map(name => ({ name, reason: 'could not be read' })),
      folder,
    );
  };

  const error = probeError || base.error || planned.error || loadError;
  const loading = !!progress;
  const canLoad = !!plan && !!geometry.stackGeometry && !error && !loading;
  const loadHint = loading
    ? ''
    : !files.length
      ? 'Add the slices first'
      : probing
        ? 'Reading the file headers…'
        : error
          ? 'Fix the error above first'
          : (geometry.missing ?? '');
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
        {lost && (
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
            <label className="cursor-pointer">
              <span className="text-primary underline">Choose files</span>
              <input
                data-cy="imagestack-file-input"
                type="file"
                multiple
                disabled={loading}
                className="hidden"
                onChange={e => {
                  takeFiles(Array.from(e.currentTarget.files ?? []));
                  e.currentTarget.value = '';
                }}
              />
            </label>
            <label className="cursor-pointer">
              <span className="text-primary underline">Choose a folder</span>
              <input
                data-cy="imagestack-folder-input"
                type="file"
                multiple
                disabled={loading}
                className="hidden"
                {...({ webkitdirectory: '', directory: '' } as any)}
                onChange={e => {
                  takeFiles(Array.from(e.currentTarget.files ?? []));
                  e.currentTarget.value = '';
                }}
              />
            </label>
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
              className="min-w-0 flex-1 truncate rounded border px-3 py-2 text-sm"
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
                    onClick={() => setTool(t)}
                  >
                    {label}
                  </button>
                ))}
              </div>
              {preview ? (
                <PreviewCanvas
                  slice={preview}
                  crop={crop ?? { x: 0, y: 0, width: base.plan.width, height: base.plan.height }}
                  lines={lines}
                  tool={tool}
                  onCrop={c => applyCrop(c)}
                  onLine={(which, line) => {
                    const next = { ...lines, [which]: line };
                    setLines(next);
                    recalibrate(next, rulerMm);
                  }}
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
                    onChange={e => setPreviewIndex(Number(e.target.value))}
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
                      onChange={e => {
                        const next = { ...rulerMm, ruler1: e.target.value };
                        setRulerMm(next);
                        recalibrate(lines, next);
                      }}
                    />
                  </Field>
                  {lines.ruler2 && (
                    <Field label="Second line length (mm)">
                      <input
                        data-cy="imagestack-ruler2-length"
                        className={`${inputClass} w-28`}
                        inputMode="decimal"
                        value={rulerMm.ruler2}
                        onChange={e => {
                          const next = { ...rulerMm, ruler2: e.target.value };
                          setRulerMm(next);
                          recalibrate(lines, next);
                        }}
                      />
                    </Field>
                  )}
                  {(lines.ruler1 || lines.ruler2) && (
                    <button
                      type="button"
                      className="text-muted-foreground h-8 text-sm underline"
                      onClick={() => {
                        setLines({});
                        setCalibration({ text: '' });
                      }}
                    >
                      Clear lines
                    </button>
                  )}
                </div>
              )}
              {calibration.text && (
                <div
                  data-cy="imagestack-calibration-result"
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
              <StackCheck plan={plan ?? base.plan} base={base.plan} skipped={skipped} coloured={coloured} />

              <VolumeOptions
                cropText={cropText}
                onCropText={editCrop}
                onWholeSlice={() => applyCrop(undefined)}
                downsample={downsample}
                onDownsample={setDownsample}
                reverse={reverse}
                onReverse={setReverse}
              />

              <GeometryFields form={form} onChange={setForm} state={geometry} />

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
                    <span data-cy="imagestack-load-missing" className="text-sm" style={WARN}>
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
          <div data-cy="imagestack-status" className="text-sm">
            {status}
          </div>
        )}
      </main>
    </div>
  );
}
