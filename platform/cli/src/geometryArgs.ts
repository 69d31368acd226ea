// The GEOMETRY flags shared by `convert` and `mesh`, parsed as DESIGN.md gives them, plus the
// import's flip/rotation and what to do with gaps in the numbering:
//   --spacing <x>[,<y>] --slice-spacing <mm> [--origin x,y,z]
//   [--orientation axial|coronal|sagittal|<6 cosines>] [--flip rows|columns|both] [--rotate 90|180|270]
//   [--reverse] [--crop x,y,w,h] [--downsample 1|2|4] [--gaps fill|continuous]
// Values are parsed and checked by @imagestack/core's geometry functions; there is no default
// spacing: a missing --spacing or --slice-spacing is an error.
import {
  checkGeometry,
  deriveStackGeometry,
  describeGaps,
  describeSliceOrientation,
  mirrorsCapture,
  parseSliceFlip,
  parseSliceRotation,
  type GapPolicy,
  type GapRecord,
  type SliceOrientation,
  type StackPlan,
  type StackReport,
  isImageStackError,
  ImageStackError,
  ORIENTATION_PRESETS,
  parseCrop,
  parseDownsample,
  parseOrientation,
  parseOrigin,
  parsePixelSpacing,
  parseSliceSpacing,
  type CropRect,
  type DownsampleFactor,
  type StackGeometry,
} from '@imagestack/core';
import { UsageError } from './io';

export const GEOMETRY_USAGE = `GEOMETRY: --spacing <x>[,<y>] --slice-spacing <mm> [--origin x,y,z]
          [--orientation axial|coronal|sagittal|<6 cosines>] [--flip rows|columns|both]
          [--rotate 90|180|270] [--reverse] [--crop x,y,w,h] [--downsample 1|2|4]
          [--gaps fill|continuous]
  --spacing        pixel spacing in mm of the files as captured: x (along a row), optionally y
                   (down a column); one value = square pixels
  --slice-spacing  distance between slice centres in mm
  --origin         LPS position in mm of the top-left voxel of the first slice as shown (after
                   --flip/--rotate and --reverse, before --crop); default 0,0,0
  --orientation    slice plane of the slices as shown (DICOM ImageOrientationPatient); default axial
  --flip           rows: upside down; columns: left ↔ right; both. A single flip MIRRORS the
                   patient (use it only for a mirrored capture; upside down is --rotate 180)
  --rotate         turn each slice clockwise by 90, 180 or 270 degrees (after --flip); 90/270
                   swap columns and rows, and the x and y spacing
  --reverse        reverse the slice order (the origin stays at the new first slice)
  --crop           keep x,y,width,height pixels of the original slices (as captured)
  --downsample     average f×f pixel blocks in-plane (spacing × f)
  --gaps           required when the file numbering has gaps: fill (each missing slice is
                   interpolated from its neighbours at its numbered place) or continuous (stack
                   the files one spacing apart as if none were missing)`;

/** What the GEOMETRY flags said. */
export interface GeometryArgs {
  /** The geometry of the original, full-resolution files as the user gave it. */
  geometry: StackGeometry;
  reverse: boolean;
  crop?: CropRect;
  downsample: DownsampleFactor;
  /** Only when --flip or --rotate is given. */
  orient?: SliceOrientation;
  /** Only when --gaps is given. */
  gapPolicy?: GapPolicy;
}

const VALUE_FLAGS = ['--spacing', '--slice-spacing', '--origin', '--orientation', '--crop', '--downsample', '--flip', '--rotate', '--gaps'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

/** Parses a flag's value with a core parser, naming the flag in any error. */
function parseValue<T>(flag: string, text: string, parse: (t: string) => T): T {
  try {
    return parse(text);
  } catch (e) {
    if (isImageStackError(e)) throw new ImageStackError(e.code, `${flag}: ${e.message}`);
    throw e;
  }
}

/**
 * Takes the GEOMETRY flags out of `argv` (as `--flag value` or `--flag=value`) and returns them
 * with the remaining arguments in order.
 * @param options.optional when true (e.g. DICOM input, whose files carry the geometry) and no
 *   geometry flag is given, `geometry` is undefined instead of an error
 */
export function parseGeometryArgs(argv: readonly string[], options: { optional: true }): { geometry?: GeometryArgs; rest: string[] };
export function parseGeometryArgs(argv: readonly string[], options?: { optional?: false }): { geometry: GeometryArgs; rest: string[] };
export function parseGeometryArgs(argv: readonly string[], options: { optional?: boolean } = {}): { geometry?: GeometryArgs; rest: string[] } {
  const values = new Map<ValueFlag, string>();
  let reverse = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--reverse') {
      if (eq > 0) throw new UsageError('--reverse takes no value');
      reverse = true;
    } else if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      const flag = name as ValueFlag;
      let value: string | undefined;
      if (eq > 0) value = arg.slice(eq + 1);
      else {
        value = argv[++i];
        // A value may start with "-" (a negative origin), but not be another flag.
        if (value === undefined || /^--[a-z]/.test(value)) throw new UsageError(`${flag} needs a value`);
      }
      if (values.has(flag)) throw new UsageError(`${flag} is given twice`);
      values.set(flag, value);
    } else {
      rest.push(arg);
    }
  }

  const anyGeometry = values.size > 0 || reverse;
  if (!anyGeometry && options.optional) return { rest };
  const spacingText = values.get('--spacing');
  const sliceText = values.get('--slice-spacing');
  if (spacingText === undefined) throw new UsageError('--spacing is required: pixel spacing in mm as x or x,y (there is no default)');
  if (sliceText === undefined) throw new UsageError('--slice-spacing is required: distance between slices in mm (there is no default)');

  const spacing = parseValue('--spacing', spacingText, parsePixelSpacing);
  const geometry: StackGeometry = {
    ...spacing,
    sliceSpacingMm: parseValue('--slice-spacing', sliceText, parseSliceSpacing),
    originMm: values.has('--origin') ? parseValue('--origin', values.get('--origin')!, parseOrigin) : [0, 0, 0],
    orientation: values.has('--orientation')
      ? parseValue('--orientation', values.get('--orientation')!, parseOrientation)
      : [...ORIENTATION_PRESETS.axial],
  };
  checkGeometry(geometry);
  const crop = values.has('--crop') ? parseValue('--crop', values.get('--crop')!, t => parseCrop(t)) : undefined;
  const downsample = values.has('--downsample') ? parseValue('--downsample', values.get('--downsample')!, parseDownsample) : 1;
  const result: GeometryArgs = { geometry, reverse, crop, downsample };
  if (values.has('--flip') || values.has('--rotate')) {
    result.orient = {
      flip: values.has('--flip') ? parseValue('--flip', values.get('--flip')!, parseSliceFlip) : 'none',
      rotate: values.has('--rotate') ? parseValue('--rotate', values.get('--rotate')!, parseSliceRotation) : 0,
    };
  }
  if (values.has('--gaps')) {
    const v = values.get('--gaps')!.trim().toLowerCase();
    if (v !== 'fill' && v !== 'continuous') {
      throw new UsageError(`--gaps must be fill (interpolate the missing slices at their places) or continuous, got "${values.get('--gaps')}"`);
    }
    result.gapPolicy = v;
  }
  return { geometry: result, rest };
}

/**
 * readStack's options from the GEOMETRY flags. A gapped stack without --gaps stops once the
 * headers are read, with one line naming the missing numbers and the flag to give.
 */
export function stackReadOptions(g: GeometryArgs) {
  return {
    reverse: g.reverse,
    crop: g.crop,
    downsample: g.downsample,
    orient: g.orient,
    gapPolicy: g.gapPolicy,
    onPlan(plan: StackPlan) {
      if (plan.gaps.length && !g.gapPolicy) {
        throw new ImageStackError(
          'bad-argument',
          `${describeGaps(plan.gaps)}: give --gaps fill to interpolate the missing slices at their numbered places, or --gaps continuous to stack the files as if none were missing`,
        );
      }
    },
  };
}

/** The geometry of the stack as read (after crop, downsample, flip/rotate), from the flags and the report's slice size. */
export function assembledGeometry(g: GeometryArgs, report: Pick<StackReport, 'width' | 'height'>): StackGeometry {
  return deriveStackGeometry(g.geometry, { ...g, width: report.width, height: report.height });
}

/** A warning line for stderr when the flip mirrors the patient; undefined otherwise. */
export function mirrorWarning(g: GeometryArgs): string | undefined {
  return g.orient && mirrorsCapture(g.orient) ? describeSliceOrientation(g.orient) : undefined;
}

/** What the sidecar records of the gaps, when there were any. */
export function gapRecord(g: GeometryArgs, report: Pick<StackReport, 'gaps' | 'filled'>): GapRecord | undefined {
  if (!report.gaps.length || !g.gapPolicy) return undefined;
  return { policy: g.gapPolicy, missing: report.gaps.reduce((n, x) => n + x.missingCount, 0), filled: report.filled.map(f => f.slice) };
}
