import { calibrateSpacing, ImageStackError, parseCrop, type CropRect, type DownsampleFactor, type StackFileInfo } from '@imagestack/core';
import { errorLine, type ShownError } from '../utils/errors';
import { EMPTY_GEOMETRY_FORM, formatSpacing, type GeometryFormValues } from './geometryForm';
import type { DrawnLine, PreviewTool } from './PreviewCanvas';
import type { PreviewSlice } from './previewSlice';

export type RulerName = 'ruler1' | 'ruler2';
export type CropText = { x: string; y: string; width: string; height: string };

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
}

export type ImportAction =
  | { type: 'files'; files: File[]; unreadable?: Array<{ name: string; reason: string }>; folder?: string }
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
  | { type: 'status'; text: string };

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
};

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
    const x = formatSpacing(spacing.pixelSpacingXMm);
    const y = formatSpacing(spacing.pixelSpacingYMm);
    const px = Math.hypot(first.to[0] - first.from[0], first.to[1] - first.from[1]);
    return {
      ...s,
      form: { ...s.form, spacingX: x, spacingY: y },
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
        droppedFolder: a.folder,
        unreadable: a.unreadable ?? [],
        probing: a.files.length > 0,
        previousForm: hasGeometry(s.form) ? s.form : s.previousForm,
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
      return { ...s, downsample: a.value };
    case 'crop':
      return { ...s, crop: a.crop, cropText: cropTextOf(a.crop ?? { x: 0, y: 0, width: a.width, height: a.height }) };
    case 'cropText': {
      const cropText = { ...s.cropText, [a.key]: a.value };
      try {
        // core's parser (whole pixels, width and height ≥ 1); whether it fits the slices is
        // the plan's to say, with the numbers, where the page shows errors
        return { ...s, cropText, crop: parseCrop([cropText.x, cropText.y, cropText.width, cropText.height].join(',')) };
      } catch (e) {
        if (e instanceof ImageStackError) return { ...s, cropText }; // half-typed: not a crop yet
        throw e;
      }
    }
    case 'form':
      return { ...s, form: a.form };
    case 'usePreviousGeometry':
      return s.previousForm ? { ...s, form: s.previousForm, previousForm: undefined } : s;
    case 'tool':
      return { ...s, tool: a.tool };
    case 'line':
      return recalibrate({ ...s, lines: { ...s.lines, [a.which]: a.line } });
    case 'rulerMm':
      return recalibrate({ ...s, rulerMm: { ...s.rulerMm, [a.which]: a.value } });
    case 'clearLines':
      return { ...s, lines: {}, calibration: { text: '' } };
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
  }
}
