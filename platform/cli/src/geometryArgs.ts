// The GEOMETRY flags shared by `convert` and `mesh`, parsed exactly as DESIGN.md gives them:
//   --spacing <x>[,<y>] --slice-spacing <mm> [--origin x,y,z]
//   [--orientation axial|coronal|sagittal|<6 cosines>] [--reverse] [--crop x,y,w,h] [--downsample 1|2|4]
// Values are parsed and checked by @imagestack/core's geometry functions; there is no default
// spacing: a missing --spacing or --slice-spacing is an error.
import {
  checkGeometry,
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
          [--orientation axial|coronal|sagittal|<6 cosines>] [--reverse]
          [--crop x,y,w,h] [--downsample 1|2|4]
  --spacing        pixel spacing in mm: x (along a row), optionally y (down a column); one value = square pixels
  --slice-spacing  distance between slice centres in mm
  --origin         LPS position in mm of the first voxel of the first slice (after --reverse); default 0,0,0
  --orientation    slice plane (DICOM ImageOrientationPatient); default axial
  --reverse        reverse the slice order (the origin stays at the new first slice)
  --crop           keep x,y,width,height pixels of the original slices
  --downsample     average f×f pixel blocks in-plane (spacing × f)`;

/** What the GEOMETRY flags said. */
export interface GeometryArgs {
  /** The geometry of the original, full-resolution files as the user gave it. */
  geometry: StackGeometry;
  reverse: boolean;
  crop?: CropRect;
  downsample: DownsampleFactor;
}

const VALUE_FLAGS = ['--spacing', '--slice-spacing', '--origin', '--orientation', '--crop', '--downsample'] as const;
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
  return { geometry: { geometry, reverse, crop, downsample }, rest };
}
