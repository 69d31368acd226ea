import {
  calibrateSpacing,
  captureWindow as checkedCaptureWindow,
  greyToHu,
  huStep,
  NAMED_CAPTURE_WINDOWS,
  formatPercent,
  formatSpacingMm,
  ImageStackError,
  parseCrop,
  tickCalibrationRecord,
  type CalibrationRecord,
  type CaptureWindow,
  type CaptureWindowName,
  type CropRect,
  type DownsampleFactor,
  type GapPolicy,
  type RulerTickFit,
  type SliceFlip,
  type SliceOrientation,
  type SliceRotation,
  type StackFileInfo,
  type ValueRange,
} from '@imagestack/core';
import { errorLine, type ShownError } from '../utils/errors';
import { EMPTY_GEOMETRY_FORM, type GeometryFormValues } from './geometryForm';
import type { PixelPoint } from '@imagestack/core';
import type { DrawnLine, PreviewTool } from './PreviewCanvas';
import type { PreviewSlice } from './previewSlice';
import type { SavedHandles } from '../persistence/fileHandles';
import { restoreOffer, type SessionRecord } from '../persistence/sessionRecord';
import { volumeFit, type VolumeFit, type VolumeLimits } from './volumeFit';
import type { StackPlan } from '@imagestack/core';

export type RulerName = 'ruler1' | 'ruler2';
export type CropText = { x: string; y: string; width: string; height: string };
/** A ruler line's end points as typed: x0, y0, x1, y1 (pixels of the capture). */
export type LineText = [string, string, string, string];
/** The overlay check's result, as the page keeps it (the mask is capture pixels, width × height). */
export interface OverlayFinding {
  mask: Uint8Array;
  width: number;
  height: number;
  fraction: number;
  boxes: CropRect[];
  crop: CropRect | null;
  /** How many slices were compared. */
  sampled: number;
}
/**
 * The window the screen captures were taken with, as the page keeps it: none (grey levels), a
 * named window (core's NAMED_CAPTURE_WINDOWS) or a level and width typed in HU.
 */
export interface CaptureWindowText {
  choice: 'none' | CaptureWindowName | 'custom';
  /** Level and width in HU as typed (a named window fills them in). */
  level: string;
  width: string;
}
export const NO_CAPTURE_WINDOW: CaptureWindowText = { choice: 'none', level: '', width: '' };

/**
 * The capture window the fields say, checked by core: none, the window, or what is wrong with
 * it (a half-typed level or width) and the sentence that explains the mapping.
 */
export function captureWindowOf(t: CaptureWindowText): { window?: CaptureWindow; problem?: string; explains?: string } {
  if (t.choice === 'none') return {};
  const level = Number(t.level);
  const width = Number(t.width);
  if (t.level.trim() === '' || t.width.trim() === '' || !Number.isFinite(level) || !Number.isFinite(width)) {
    return { problem: 'Type the capture window\'s level and width in HU (or choose "none")' };
  }
  try {
    const w = checkedCaptureWindow(level, width, t.choice === 'custom' ? undefined : t.choice);
    return {
      window: w,
      explains: `Grey 0 reads as ${+greyToHu(w, 0).toFixed(1)} HU, grey 255 as ${+greyToHu(w, 255).toFixed(1)} HU, ${+huStep(w).toFixed(2)} HU a grey level (approximate: values outside the window were clipped by the capture).`,
    };
  } catch (e) {
    if (e instanceof ImageStackError) return { problem: errorLine(e) };
    throw e;
  }
}

/** The preview's zoom: 1 (fit) to 8. */
export const ZOOM_STEPS = [1, 1.5, 2, 3, 4, 6, 8] as const;

/** The autosaved session the page offers to restore (persistence/). */
export interface RestoreState {
  record: SessionRecord;
  /** "Restore <description> (N slices, saved hh:mm)" */
  offer: string;
  /** offered: Restore / Discard; needFiles: the files must be picked again; restoring: decoding. */
  phase: 'offered' | 'needFiles' | 'restoring';
  /** Why the files are needed, how picked files differ, or why the restore failed. */
  line?: string;
  lineIsError?: boolean;
  progress?: { done: number; total: number };
}

/**
 * Everything the import page knows, in one value: the files and their headers, the volume's
 * options, the geometry form, the ruler calibration, the previews and the load. The page
 * renders it and dispatches actions; all of its rules are in `importReducer`, tested without a
 * browser.
 */
export interface ImportSession {
  /** Bumped by every new set of files: results of work started for older files are dropped. */
  generation: number;
  files: File[];
  /** The browser's handles of the files (a Chromium drop or folder picker), kept so a restore can read them again. */
  handles?: SavedHandles;
  /** The name of a folder dropped on its own (dropped files carry no folder path). */
  droppedFolder?: string;
  unreadable: Array<{ name: string; reason: string }>;
  infos: StackFileInfo[] | null;
  probing: boolean;
  probeError: ShownError | null;
  reverse: boolean;
  downsample: DownsampleFactor;
  crop?: CropRect;
  /** The crop fields as typed (a half-typed value is not yet a crop). */
  cropText: CropText;
  form: GeometryFormValues;
  /** The previous import's geometry, offered with one click for a new set of files, never applied silently. */
  previousForm?: GeometryFormValues;
  tool: PreviewTool;
  lines: Partial<Record<RulerName, DrawnLine>>;
  rulerMm: Record<RulerName, string>;
  calibration: { text: string; error?: boolean };
  previews: { first?: PreviewSlice; last?: PreviewSlice };
  /** The slice shown to crop and calibrate on (an index in the sorted order; null: the middle one). */
  previewIndex: number | null;
  preview?: PreviewSlice;
  progress: { done: number; total: number; startedMs: number } | null;
  loadError: ShownError | null;
  status: string;
  /** How a gapped stack is loaded: undefined until the user chooses (never silently continuous). */
  gapPolicy?: GapPolicy;
  /** Flip and turn of the slices (capture → viewer), previewed live. */
  orient: Required<SliceOrientation>;
  /** The preview's zoom (ZOOM_STEPS). */
  zoom: number;
  /** The ruler line ends as typed (kept apart from `lines`: a half-typed number is not a line yet). */
  lineText: Partial<Record<RulerName, LineText>>;
  /** The last tick fit of ruler line 1, and its line as it was when fitted. */
  ticks: { fit?: RulerTickFit; lengthMm?: number; text: string; error?: boolean };
  /** Where the spacing in the form came from (for the sidecar); cleared when the user retypes it. */
  calibrationRecord?: CalibrationRecord;
  overlays?: OverlayFinding;
  /** The window the captures were taken with (approximate HU), or none: grey levels. */
  captureWindow: CaptureWindowText;
  /** A saved session to offer, until it is restored or discarded. */
  restore: RestoreState | null;
  /**
   * Real-valued slices (float or 32-bit TIFF): the values measured on a sample of slices, and
   * the window mapped to the viewer's grey levels as typed (the percentiles until the user
   * types other numbers). See chosenValueRange.
   */
  values: { measured?: ValueRange; low: string; high: string };
  /** This browser's GPU texture limit and memory budget (asked once by the page); undefined: not yet known. */
  limits?: VolumeLimits;
  /** The user chose to load a volume over the limits anyway (cleared when the volume's size changes). */
  overLimits: boolean;
}

/** A value as the range fields show it: six significant digits, no trailing zeros. */
export function valueText(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/**
 * The window of real values the user chose (or the measured default), as numbers, or the reason
 * the fields are not a window yet. Undefined until a sample has been measured.
 */
export function chosenValueRange(s: Pick<ImportSession, 'values'>): { low: number; high: number } | { error: string } | undefined {
  if (!s.values.measured) return undefined;
  const low = s.values.low.trim() ? Number(s.values.low) : NaN;
  const high = s.values.high.trim() ? Number(s.values.high) : NaN;
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { error: 'Type two numbers: the values mapped to black and to white.' };
  if (!(high > low)) return { error: `The value mapped to white (${s.values.high.trim()}) must be larger than the one mapped to black (${s.values.low.trim()}).` };
  return { low, high };
}

export type ImportAction =
  | { type: 'files'; files: File[]; unreadable?: Array<{ name: string; reason: string }>; folder?: string; handles?: SavedHandles }
  | { type: 'probed'; generation: number; infos: StackFileInfo[] }
  | { type: 'probeFailed'; generation: number; error: ShownError }
  | { type: 'wholeSize'; width: number; height: number }
  | { type: 'reverse'; value: boolean }
  | { type: 'downsample'; value: DownsampleFactor }
  | { type: 'crop'; crop?: CropRect; width: number; height: number }
  | { type: 'cropText'; key: keyof CropText; value: string }
  | { type: 'form'; form: GeometryFormValues }
  | { type: 'usePreviousGeometry' }
  | { type: 'tool'; tool: PreviewTool }
  | { type: 'line'; which: RulerName; line: DrawnLine }
  | { type: 'rulerMm'; which: RulerName; value: string }
  | { type: 'clearLines' }
  | { type: 'previews'; generation: number; first: PreviewSlice; last: PreviewSlice }
  | { type: 'previewIndex'; index: number }
  | { type: 'preview'; generation: number; slice: PreviewSlice }
  | { type: 'loadStarted'; total: number; startedMs: number }
  | { type: 'loadProgress'; done: number; total: number }
  | { type: 'loadFailed'; error: ShownError }
  | { type: 'loadCancelled' }
  | { type: 'loaded' }
  | { type: 'status'; text: string }
  | { type: 'gapPolicy'; policy: GapPolicy }
  | { type: 'flipRows' }
  | { type: 'flipColumns' }
  | { type: 'rotate'; degrees?: 90 | -90 }
  | { type: 'zoom'; step: 1 | -1 }
  | { type: 'lineText'; which: RulerName; index: 0 | 1 | 2 | 3; value: string }
  | { type: 'nudge'; which: RulerName; end: 'from' | 'to'; dx: number; dy: number }
  | { type: 'ticksFitted'; fit: RulerTickFit; lengthMm: number }
  | { type: 'ticksFailed'; text: string }
  | { type: 'overlays'; generation: number; finding: OverlayFinding }
  | { type: 'acceptOverlayCrop' }
  | { type: 'captureWindow'; choice: CaptureWindowText['choice'] }
  | { type: 'captureWindowText'; key: 'level' | 'width'; value: string }
  | { type: 'savedSession'; record: SessionRecord }
  | { type: 'restoreNeedsFiles'; line: string }
  | { type: 'restoreStarted' }
  | { type: 'restoreProgress'; done: number; total: number }
  | { type: 'restoreFailed'; line: string }
  | { type: 'restoreDiscarded' }
  | { type: 'valueSample'; generation: number; range: ValueRange }
  | { type: 'valueRangeText'; key: 'low' | 'high'; value: string }
  | { type: 'valueRangeDefault' }
  | { type: 'limits'; limits: VolumeLimits }
  | { type: 'overLimits'; value: boolean };

const EMPTY_CROP_TEXT: CropText = { x: '', y: '', width: '', height: '' };

export const INITIAL_IMPORT: ImportSession = {
  generation: 0,
  files: [],
  unreadable: [],
  infos: null,
  probing: false,
  probeError: null,
  reverse: false,
  downsample: 1,
  cropText: EMPTY_CROP_TEXT,
  form: EMPTY_GEOMETRY_FORM,
  tool: 'ruler1',
  lines: {},
  rulerMm: { ruler1: '', ruler2: '' },
  calibration: { text: '' },
  previews: {},
  previewIndex: null,
  progress: null,
  loadError: null,
  status: '',
  orient: { flip: 'none', rotate: 0 },
  zoom: 1,
  lineText: {},
  ticks: { text: '' },
  captureWindow: NO_CAPTURE_WINDOW,
  restore: null,
  values: { low: '', high: '' },
  overLimits: false,
};

/** rows/columns flags ↔ SliceFlip. */
function toggleFlip(flip: SliceFlip, axis: 'rows' | 'columns'): SliceFlip {
  let rows = flip === 'rows' || flip === 'both';
  let columns = flip === 'columns' || flip === 'both';
  if (axis === 'rows') rows = !rows;
  else columns = !columns;
  return rows && columns ? 'both' : rows ? 'rows' : columns ? 'columns' : 'none';
}

/** A pixel coordinate as the line fields show it (two decimals, no trailing zeros). */
const coordText = (v: number) => String(Math.round(v * 100) / 100);
const lineTextOf = (l: DrawnLine): LineText => [coordText(l.from[0]), coordText(l.from[1]), coordText(l.to[0]), coordText(l.to[1])];

/** A line changed: its text follows, the tick fit of ruler 1 is stale, the spacing is recalibrated. */
function withLine(s: ImportSession, which: RulerName, line: DrawnLine, text?: LineText): ImportSession {
  return recalibrate({
    ...s,
    lines: { ...s.lines, [which]: line },
    lineText: { ...s.lineText, [which]: text ?? lineTextOf(line) },
    ticks: which === 'ruler1' ? { text: '' } : s.ticks,
  });
}

const hasGeometry = (f: GeometryFormValues) => !!(f.spacingX || f.spacingY || f.sliceSpacing || f.origin);
const cropTextOf = (c: CropRect): CropText => ({ x: String(c.x), y: String(c.y), width: String(c.width), height: String(c.height) });

/**
 * Ruler lines and lengths → spacing x and y, through core's calibrateSpacing (square pixels
 * from one line; two lines for non-square). Returns the session with the form and the
 * calibration line updated.
 */
function recalibrate(s: ImportSession): ImportSession {
  const first = s.lines.ruler1;
  const len1 = Number(s.rulerMm.ruler1);
  if (!first || !s.rulerMm.ruler1.trim() || !(len1 > 0)) {
    return { ...s, calibration: { text: first ? 'Type the length of the ruler line in mm.' : '' } };
  }
  const second = s.lines.ruler2 && Number(s.rulerMm.ruler2) > 0 ? { ...s.lines.ruler2, lengthMm: Number(s.rulerMm.ruler2) } : undefined;
  try {
    const spacing = calibrateSpacing({ ...first, lengthMm: len1 }, second);
    const x = formatSpacingMm(spacing.pixelSpacingXMm);
    const y = formatSpacingMm(spacing.pixelSpacingYMm);
    const px = Math.hypot(first.to[0] - first.from[0], first.to[1] - first.from[1]);
    const asRecord = (l: DrawnLine, lengthMm: number) => ({ x0: l.from[0], y0: l.from[1], x1: l.to[0], y1: l.to[1], lengthMm });
    return {
      ...s,
      form: { ...s.form, spacingX: x, spacingY: y },
      calibrationRecord: {
        method: second ? 'two-rulers' : 'one-ruler',
        lines: [asRecord(first, len1), ...(second ? [asRecord(second, second.lengthMm)] : [])],
      },
      calibration: {
        text: second
          ? `From two lines: x ${x} mm, y ${y} mm per pixel.`
          : `${len1} mm over ${px.toFixed(1)} pixels: ${x} mm per pixel (square pixels; draw a second line along the other axis if they are not).`,
      },
    };
  } catch (e) {
    return { ...s, calibration: { text: errorLine(e), error: true } };
  }
}

/** The import page's rules: every state change the page makes goes through here. */
export function importReducer(s: ImportSession, a: ImportAction): ImportSession {
  switch (a.type) {
    case 'files':
      // A new set of files starts a new import: nothing of the previous one carries over
      // silently (its geometry is offered, not applied: the new files may differ).
      return {
        ...INITIAL_IMPORT,
        generation: s.generation + 1,
        files: a.files,
        handles: a.handles,
        droppedFolder: a.folder,
        unreadable: a.unreadable ?? [],
        probing: a.files.length > 0,
        previousForm: hasGeometry(s.form) ? s.form : s.previousForm,
        // the saved session stays on offer until a new stack is loaded over it
        restore: s.restore,
        limits: s.limits,
      };
    case 'probed':
      return a.generation === s.generation ? { ...s, infos: a.infos, probing: false } : s;
    case 'probeFailed':
      return a.generation === s.generation ? { ...s, probeError: a.error, probing: false } : s;
    case 'wholeSize':
      return s.cropText.width ? s : { ...s, cropText: cropTextOf({ x: 0, y: 0, width: a.width, height: a.height }) };
    case 'reverse':
      return { ...s, reverse: a.value };
    case 'downsample':
      return { ...s, downsample: a.value, overLimits: false };
    case 'crop':
      return { ...s, crop: a.crop, cropText: cropTextOf(a.crop ?? { x: 0, y: 0, width: a.width, height: a.height }), overLimits: false };
    case 'cropText': {
      const cropText = { ...s.cropText, [a.key]: a.value };
      try {
        // core's parser (whole pixels, width and height ≥ 1); whether it fits the slices is
        // the plan's to say, with the numbers, where the page shows errors
        return { ...s, cropText, crop: parseCrop([cropText.x, cropText.y, cropText.width, cropText.height].join(',')), overLimits: false };
      } catch (e) {
        if (e instanceof ImageStackError) return { ...s, cropText }; // half-typed: not a crop yet
        throw e;
      }
    }
    case 'form': {
      // a spacing typed over a calibrated one is the user's own value ('typed' in the sidecar)
      const retyped = a.form.spacingX !== s.form.spacingX || a.form.spacingY !== s.form.spacingY;
      return { ...s, form: a.form, calibrationRecord: retyped ? undefined : s.calibrationRecord };
    }
    case 'usePreviousGeometry':
      return s.previousForm ? { ...s, form: s.previousForm, previousForm: undefined } : s;
    case 'tool':
      return { ...s, tool: a.tool };
    case 'line':
      return withLine(s, a.which, a.line);
    case 'rulerMm':
      return recalibrate({ ...s, rulerMm: { ...s.rulerMm, [a.which]: a.value } });
    case 'clearLines':
      return { ...s, lines: {}, lineText: {}, ticks: { text: '' }, calibration: { text: '' } };
    case 'previews':
      return a.generation === s.generation ? { ...s, previews: { first: a.first, last: a.last } } : s;
    case 'previewIndex':
      return { ...s, previewIndex: a.index };
    case 'preview':
      return a.generation === s.generation ? { ...s, preview: a.slice } : s;
    case 'loadStarted':
      return { ...s, loadError: null, status: '', progress: { done: 0, total: a.total, startedMs: a.startedMs } };
    case 'loadProgress':
      return s.progress ? { ...s, progress: { ...s.progress, done: a.done, total: a.total } } : s;
    case 'loadFailed':
      return { ...s, progress: null, loadError: a.error };
    case 'loadCancelled':
      return { ...s, progress: null, status: 'Loading cancelled: nothing was loaded.' };
    case 'loaded':
      return { ...s, progress: null };
    case 'status':
      return { ...s, status: a.text };
    case 'gapPolicy':
      return { ...s, gapPolicy: a.policy };
    case 'flipRows':
      return { ...s, orient: { ...s.orient, flip: toggleFlip(s.orient.flip, 'rows') } };
    case 'flipColumns':
      return { ...s, orient: { ...s.orient, flip: toggleFlip(s.orient.flip, 'columns') } };
    case 'rotate':
      return { ...s, orient: { ...s.orient, rotate: (((s.orient.rotate + (a.degrees ?? 90)) % 360) + 360) % 360 as SliceRotation } };
    case 'zoom': {
      const i = ZOOM_STEPS.findIndex(z => z >= s.zoom);
      const next = ZOOM_STEPS[Math.max(0, Math.min(ZOOM_STEPS.length - 1, (i < 0 ? ZOOM_STEPS.length - 1 : i) + a.step))];
      return next === s.zoom ? s : { ...s, zoom: next };
    }
    case 'lineText': {
      const text = [...(s.lineText[a.which] ?? ['', '', '', ''])] as LineText;
      text[a.index] = a.value;
      const v = text.map(t => (t.trim() ? Number(t) : NaN));
      if (!v.every(Number.isFinite)) return { ...s, lineText: { ...s.lineText, [a.which]: text } }; // half-typed
      return withLine(s, a.which, { from: [v[0], v[1]], to: [v[2], v[3]] }, text);
    }
    case 'nudge': {
      const l = s.lines[a.which];
      if (!l) return s;
      const p = l[a.end];
      const moved: PixelPoint = [Math.round((p[0] + a.dx) * 1000) / 1000, Math.round((p[1] + a.dy) * 1000) / 1000];
      return withLine(s, a.which, { ...l, [a.end]: moved });
    }
    case 'ticksFitted': {
      const { fit, lengthMm } = a;
      const x = formatSpacingMm(fit.spacingMm);
      return {
        ...s,
        form: { ...s.form, spacingX: x, spacingY: x },
        calibrationRecord: tickCalibrationRecord(fit, lengthMm),
        ticks: {
          fit,
          lengthMm,
          text:
            `${fit.ticks.length} ticks, ${fit.intervals} gaps: ${lengthMm} mm over ${fit.lengthPx.toFixed(2)} px (fitted), ` +
            `residual ${fit.residualPx.toFixed(2)} px: ${x} mm per pixel ± ${formatPercent(fit.uncertaintyPct)} %`,
        },
        calibration: { text: `From the ruler's ticks: ${x} mm per pixel (square pixels).` },
      };
    }
    case 'ticksFailed':
      return { ...s, ticks: { text: a.text, error: true } };
    case 'overlays':
      return a.generation === s.generation ? { ...s, overlays: a.finding } : s;
    case 'acceptOverlayCrop': {
      const c = s.overlays?.crop;
      return c ? { ...s, crop: c, cropText: cropTextOf(c), overLimits: false } : s;
    }
    case 'captureWindow': {
      if (a.choice === 'none') return { ...s, captureWindow: NO_CAPTURE_WINDOW };
      if (a.choice === 'custom') return { ...s, captureWindow: { ...s.captureWindow, choice: 'custom' } };
      const named = NAMED_CAPTURE_WINDOWS[a.choice];
      return { ...s, captureWindow: { choice: a.choice, level: String(named.level), width: String(named.width) } };
    }
    case 'captureWindowText': {
      // a named window edited is the user's own numbers: custom (a name would no longer be true)
      const t = { ...s.captureWindow, [a.key]: a.value };
      return { ...s, captureWindow: { ...t, choice: 'custom' } };
    }
    case 'savedSession':
      return { ...s, restore: { record: a.record, offer: restoreOffer(a.record), phase: 'offered' } };
    case 'restoreNeedsFiles':
      return s.restore ? { ...s, restore: { ...s.restore, phase: 'needFiles', line: a.line, lineIsError: false, progress: undefined } } : s;
    case 'restoreStarted':
      return s.restore ? { ...s, restore: { ...s.restore, phase: 'restoring', line: undefined, lineIsError: false } } : s;
    case 'restoreProgress':
      return s.restore?.phase === 'restoring' ? { ...s, restore: { ...s.restore, progress: { done: a.done, total: a.total } } } : s;
    case 'restoreFailed':
      // files can be picked again (other ones, or after a refused permission); the sample can only be retried
      return s.restore
        ? {
            ...s,
            restore: { ...s.restore, phase: s.restore.record.source.kind === 'files' ? 'needFiles' : 'offered', line: a.line, lineIsError: true, progress: undefined },
          }
        : s;
    case 'restoreDiscarded':
      return { ...s, restore: null };
    case 'valueSample':
      // the default window: the sample's percentiles (what the user typed for older files is dropped with them)
      return a.generation === s.generation ? { ...s, values: { measured: a.range, low: valueText(a.range.low), high: valueText(a.range.high) } } : s;
    case 'valueRangeText':
      return { ...s, values: { ...s.values, [a.key]: a.value } };
    case 'valueRangeDefault':
      return s.values.measured ? { ...s, values: { ...s.values, low: valueText(s.values.measured.low), high: valueText(s.values.measured.high) } } : s;
    case 'limits':
      return { ...s, limits: a.limits };
    case 'overLimits':
      return { ...s, overLimits: a.value };
  }
}

/**
 * Whether Load may start, as far as the volume's size goes: the planned volume against this
 * browser's limits (volumeFit). `blocked` is the reason shown beside the disabled Load button,
 * empty when it fits or the user chose to load it anyway.
 */
export function loadGate(s: Pick<ImportSession, 'limits' | 'overLimits'>, plan: StackPlan | undefined): { fit: VolumeFit | null; blocked: string } {
  if (!plan || !s.limits) return { fit: null, blocked: '' };
  const fit = volumeFit({ crop: plan.crop, downsample: plan.downsample, orient: plan.orient, slices: plan.slices.length, bitDepth: plan.bitDepth }, s.limits);
  if (!fit.problems.length || s.overLimits) return { fit, blocked: '' };
  const fix = fit.tooManySlices ? 'load fewer slices' : fit.downsample || fit.crop ? 'crop or downsample' : 'crop';
  return { fit, blocked: `Too large for this browser: ${fit.problems.map(p => p.text).join('; ')}. ${fix[0].toUpperCase()}${fix.slice(1)} (below), or tick "Load anyway"` };
}
