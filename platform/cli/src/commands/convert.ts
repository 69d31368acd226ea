// `imagestack convert <inputs…> GEOMETRY --out <dir> [--stow <dicomweb-url>] [--json]`:
// slices → a synthetic CT series, one Part-10 file per slice, optionally sent by STOW-RS.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  buildExportRecords,
  exportRescale,
  captureWindowLabel,
  captureWindowFromRescale,
  captureWindowRescale,
  ImageStackError,
  part10Files,
  stackFromPart10,
  stowInstances,
  type CaptureWindow,
  type Rescale,
  type SeriesIdentity,
  type StackGeometry,
  type StowInstance,
  type VoxelStack,
} from '@imagestack/core';
import { dicomInputs } from '../dicomInputs';
import { readStack } from '@imagestack/core/node';
import { assembledGeometry, GEOMETRY_USAGE, mirrorWarning, parseGeometryArgs, stackReadOptions, type GeometryArgs } from '../geometryArgs';
import { CAPTURE_WINDOW_USAGE, takeCaptureWindowArg } from '../captureWindowArg';
import { UsageError, writeFailed, type CliIo, type Command } from '../io';
import { partialSeries, writeSeriesFiles } from '../seriesFiles';
import { failureReport, printableUrl, type FileStowResult } from '../stowReport';

const USAGE = `usage: imagestack convert <inputs…> GEOMETRY --out <dir> [--stow <dicomweb-url>] [--capture-window <level>,<width>] [--json]
  <inputs…>  folders or files of BMP/PNG/JPEG/TIFF slices, or of a DICOM series (such as one
             convert wrote; then the geometry comes from the files and GEOMETRY is not given)
  --out      folder for the DICOM files (created; must not already hold IMG*.dcm files)
  --stow     also send the series to this DICOMweb root by STOW-RS, e.g. http://localhost:8042/dicom-web
             (a bearer token is read from IMAGESTACK_DICOMWEB_TOKEN)
  --json     print one JSON object: {"instances","out","seriesInstanceUID","stow":{"accepted","failed","stored","failures"}}
             (failures: [{"file","sopInstanceUID","reason"}]; the exit status is 1 when any instance
             was not confirmed stored by the server, after retries with backoff)
${CAPTURE_WINDOW_USAGE}
             With it the files store approximate HU through RescaleSlope/Intercept (RescaleType HU)
${GEOMETRY_USAGE}`;

/** The environment variable holding a DICOMweb bearer token. Its value is never printed. */
export const TOKEN_ENV = 'IMAGESTACK_DICOMWEB_TOKEN';

export interface ConvertOptions {
  out: string;
  /** DICOMweb root to STOW to. */
  stowUrl?: string;
  token?: string;
  identity?: SeriesIdentity;
  /** The window the captures were taken with: the files then say approximate HU. 8-bit stacks only. */
  captureWindow?: CaptureWindow;
  /** Without a capture window: what the stored values mean (a DICOM input's own rescale, kept). */
  rescale?: Rescale;
  signal?: AbortSignal;
  /** Fraction of the files written (and sent). */
  onProgress?: (fraction: number) => void;
  /** voxelHistogram(stack.voxels) when already counted (readStack's): spares a pass over the volume for the window. */
  histogram?: Float64Array;
}

export interface ConvertResult {
  instances: number;
  out: string;
  seriesInstanceUID: string;
  /** With --stow: what the server confirmed, instance by instance (StowResult with file names). */
  stow: FileStowResult | null;
  /** With a capture window: the window and the HU between two grey levels. */
  captureWindow?: CaptureWindow & { huStep: number };
}

const OUR_FILE = /^IMG\d+\.dcm$/;

async function prepareOut(out: string): Promise<void> {
  try {
    await mkdir(out, { recursive: true });
    const existing = (await readdir(out)).filter(name => OUR_FILE.test(name));
    if (existing.length > 0) {
      throw new ImageStackError('io', `already holds ${existing.length} DICOM file(s) (${existing[0]}…); choose an empty folder so two series do not mix`, out);
    }
  } catch (e) {
    if (e instanceof ImageStackError) throw e;
    throw new ImageStackError('io', `cannot create or read the output folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, out);
  }
}

/**
 * The core of `convert` once the voxels are in memory: records ('export'), one Part-10 file per
 * slice written to `out`, and, with `stowUrl`, each file sent by STOW-RS as it is written (one
 * pass; every file is written even when the server refuses some).
 * @param geometry the geometry of the stack as assembled (after crop / downsample)
 */
export async function convertStack(stack: VoxelStack, geometry: StackGeometry, options: ConvertOptions): Promise<ConvertResult> {
  const out = resolve(options.out);
  // core's one rule for what the files' values mean (the viewer's zip and PACS copy use it too)
  const rescale = exportRescale(stack, options);
  await prepareOut(out);
  const records = buildExportRecords(stack, geometry, { identity: options.identity, rescale, histogram: options.histogram });

  const result = (stow: ConvertResult['stow']): ConvertResult => ({
    instances: stack.slices,
    out,
    seriesInstanceUID: records[0].SeriesInstanceUID,
    stow,
    ...(options.captureWindow ? { captureWindow: { ...options.captureWindow, huStep: rescale!.slope } } : {}),
  });

  if (!options.stowUrl) {
    await writeSeriesFiles(stack, records, out, { signal: options.signal, onProgress: (written, total) => options.onProgress?.(written / total) });
    return result(null);
  }

  // With --stow each file's bytes are sent as well: one buffer per file, written then sent.
  const fileOf = new Map<string, string>();
  async function* writeEach(): AsyncGenerator<StowInstance> {
    let written = 0;
    for (const file of part10Files(stack, records)) {
      if (options.signal?.aborted) throw partialSeries(written, stack.slices, out);
      const path = join(out, file.fileName);
      try {
        await writeFile(path, file.bytes);
      } catch (e) {
        throw writeFailed(e, path);
      }
      options.onProgress?.(++written / stack.slices);
      fileOf.set(file.sopInstanceUID, file.fileName);
      yield file;
    }
  }

  const sent = await stowInstances(options.stowUrl, writeEach(), { token: options.token, total: stack.slices, signal: options.signal });
  return result({ ...sent, failures: sent.failures.map(f => ({ file: fileOf.get(f.sopInstanceUID) ?? '', ...f })) });
}

async function readSlices(inputs: string[], g: GeometryArgs, io: CliIo): Promise<{ stack: VoxelStack; geometry: StackGeometry; histogram: Float64Array }> {
  const { stack, report, histogram } = await readStack(inputs, {
    ...stackReadOptions(g),
    signal: io.signal,
    onProgress: (done, total) => io.progress?.('reading slices', done / total),
  });
  return { stack, geometry: assembledGeometry(g, report), histogram };
}

function parseConvertArgs(argv: string[]) {
  const { captureWindow, rest: notWindow } = takeCaptureWindowArg(argv);
  const { geometry, rest } = parseGeometryArgs(notWindow, { optional: true });
  const inputs: string[] = [];
  let out: string | undefined;
  let stowUrl: string | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--out') out = value();
    else if (name === '--stow') stowUrl = value();
    else if (name === '--json') json = true;
    else if (name.startsWith('-')) throw new UsageError(`unknown option ${name}`);
    else inputs.push(arg);
  }
  if (inputs.length === 0) throw new UsageError('give at least one folder or file of slices');
  if (!out) throw new UsageError('--out <dir> is required');
  return { geometry, inputs, out, stowUrl, json, captureWindow, notWindow };
}

export const convert: Command = {
  summary: 'slices → a DICOM CT series (files, optionally sent by STOW-RS)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseConvertArgs(argv);
    let stack: VoxelStack;
    let geometry: StackGeometry;
    let identity: SeriesIdentity;
    let rescale: Rescale | undefined;
    let histogram: Float64Array | undefined;
    let captureWindow = args.captureWindow;
    const dicom = await dicomInputs(args.inputs);
    if (dicom) {
      if (args.geometry) throw new UsageError('the inputs are a DICOM series, whose files give the geometry: leave out the GEOMETRY flags');
      const series = stackFromPart10(await Promise.all(dicom.map(async path => ({ name: basename(path), bytes: new Uint8Array(await readFile(path)) }))));
      ({ stack, geometry, identity, rescale } = series);
      // a series convert wrote with a capture window keeps it (and says so)
      captureWindow ??= captureWindowFromRescale(rescale);
    } else {
      // Image slices: the GEOMETRY flags are required (this throws the usage error saying which).
      const g = args.geometry ?? parseGeometryArgs(args.notWindow).geometry;
      const warning = mirrorWarning(g);
      if (warning) io.stderr(`imagestack convert: ${warning}\n`);
      ({ stack, geometry, histogram } = await readSlices(args.inputs, g, io));
      identity = { description: basename(resolve(args.inputs[0])) };
      // real-valued slices (float or 32-bit TIFF) were mapped into 16-bit voxels: exportRescale
      // keeps the source's values through RescaleSlope/Intercept (their unit unknown here)
    }
    const token = io.env[TOKEN_ENV] || undefined;
    const result = await convertStack(stack, geometry, {
      out: args.out,
      stowUrl: args.stowUrl,
      token,
      identity,
      captureWindow,
      rescale,
      histogram,
      signal: io.signal,
      onProgress: f => io.progress?.(args.stowUrl ? 'writing and sending' : 'writing files', f),
    });

    if (args.json) {
      io.stdout(JSON.stringify(result) + '\n');
    } else {
      io.stdout(`wrote ${result.instances} DICOM files to ${result.out} (series ${result.seriesInstanceUID})\n`);
      if (captureWindow) {
        const r = captureWindowRescale(captureWindow);
        io.stdout(`values are approximate HU from the capture window ${captureWindowLabel(captureWindow)}: HU = grey × ${+r.slope.toPrecision(6)} + ${r.intercept} (a step of ${+r.slope.toPrecision(6)} HU)\n`);
      }
      if (result.stow) io.stdout(`sent to ${printableUrl(args.stowUrl!)}: ${result.stow.accepted} accepted, ${result.stow.failed} failed\n`);
    }
    if (result.stow && result.stow.failed > 0) {
      const note = `every file is in ${result.out}; ${result.stow.accepted} were stored; \`imagestack send <those files> --stow …\` sends just them again`;
      io.stderr(failureReport('convert', result.instances, result.stow, printableUrl(args.stowUrl!), note));
      return 1;
    }
    return 0;
  },
};
