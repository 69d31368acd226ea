// `imagestack info <inputs…> [--json]`: what is in a folder of slices, before converting it.
import { formatBytes, type StackReport } from '@imagestack/core';
import { parseCrop, parseDownsample } from '@imagestack/core';
import { inspectStack } from '@imagestack/core/node';
import { UsageError, type CliIo, type Command } from '../io';

const USAGE = `usage: imagestack info <inputs…> [--json] [--reverse] [--crop x,y,w,h] [--downsample 1|2|4] [--workers n]
  <inputs…>      folders of slices, or slice files (BMP, PNG, JPEG, TIFF; multi-page TIFF = a stack)
  --json         one JSON object on stdout
  --reverse      reverse the natural order
  --crop, --downsample   as for convert: the memory estimate and coloured fraction follow them
  --workers n    decode threads (default: CPUs, at most 8)`;

interface InfoArgs {
  inputs: string[];
  json: boolean;
  reverse: boolean;
  crop?: string;
  downsample?: string;
  workers?: number;
}

function parseArgs(argv: string[]): InfoArgs {
  const a: InfoArgs = { inputs: [], json: false, reverse: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') a.json = true;
    else if (arg === '--reverse') a.reverse = true;
    else if (arg === '--crop') a.crop = value();
    else if (arg === '--downsample') a.downsample = value();
    else if (arg === '--workers') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--workers must be a whole number ≥ 0, got "${v}"`);
      a.workers = n;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else a.inputs.push(arg);
  }
  if (!a.inputs.length) throw new UsageError('give at least one folder or file');
  return a;
}

/** The `--json` object: DESIGN.md's contract first, then the rest of the report. */
export function infoJson(r: StackReport): Record<string, unknown> {
  return {
    files: r.files,
    width: r.width,
    height: r.height,
    bitDepth: r.bitDepth,
    format: r.format,
    order: r.order,
    skipped: r.skipped,
    gaps: r.gaps,
    duplicates: r.duplicates,
    colouredFraction: r.colouredFraction,
    memoryBytes: r.memoryBytes,
    slices: r.slices,
    columns: r.columns,
    rows: r.rows,
    details: r.details,
    colouredSlices: r.colouredSlices,
    crop: r.crop,
    downsample: r.downsample,
    reverse: r.reverse,
    folders: r.folders,
  };
}

function percent(f: number): string {
  if (f === 0) return '0 %';
  if (f < 0.0001) return '< 0.01 %';
  return `${(f * 100).toFixed(2)} %`;
}

export function infoText(r: StackReport): string {
  const lines: string[] = [];
  const order = r.order.length > 2 ? `${r.order[0]} … ${r.order[r.order.length - 1]}` : r.order.join(', ');
  lines.push(`${r.slices} slice${r.slices === 1 ? '' : 's'} from ${r.files} file${r.files === 1 ? '' : 's'} (${r.details.join('; ')})`);
  lines.push(`size:        ${r.width} × ${r.height}, ${r.bitDepth}-bit${r.columns !== r.width || r.rows !== r.height ? ` → ${r.columns} × ${r.rows} after crop/downsample` : ''}`);
  lines.push(`order:       ${order}${r.reverse ? ' (reversed)' : ''}`);
  if (r.folders.length > 1) {
    const shown = r.folders.slice(0, 5).map(f => f || '(top)').join(', ');
    lines.push(`folders:     ${r.folders.length} mixed (${shown}${r.folders.length > 5 ? ', …' : ''}): sorted folder by folder; check they are one series`);
  }
  lines.push(`memory:      ${formatBytes(r.memoryBytes)} as a grey volume`);
  lines.push(
    `colour:      ${percent(r.colouredFraction)} of pixels coloured, in ${r.colouredSlices} slice${r.colouredSlices === 1 ? '' : 's'}${r.colouredFraction > 0 ? ' (burned-in annotations? crop them away)' : ''}`,
  );
  if (r.gaps.length) {
    lines.push(`gaps:        ${r.gaps.length}`);
    for (const g of r.gaps.slice(0, 10)) lines.push(`  ${g.missingCount} missing between ${g.after} and ${g.before}`);
    if (r.gaps.length > 10) lines.push(`  … and ${r.gaps.length - 10} more`);
    lines.push('  convert and mesh need --gaps fill (keep each slice at its number) or --gaps continuous');
  } else lines.push('gaps:        none');
  if (r.duplicates.length) {
    lines.push(`duplicates:  ${r.duplicates.length}`);
    for (const d of r.duplicates.slice(0, 10)) lines.push(`  ${d.slice} = ${d.sameAs}`);
    if (r.duplicates.length > 10) lines.push(`  … and ${r.duplicates.length - 10} more`);
  } else lines.push('duplicates:  none');
  if (r.skipped.length) {
    lines.push(`skipped:     ${r.skipped.length}`);
    for (const s of r.skipped.slice(0, 10)) lines.push(`  ${s.name} (${s.reason})`);
    if (r.skipped.length > 10) lines.push(`  … and ${r.skipped.length - 10} more`);
  }
  return lines.join('\n') + '\n';
}

export const info: Command = {
  summary: 'describe a stack of slices: order, size, gaps, duplicates, colour, memory',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const a = parseArgs(argv);
    const report = await inspectStack(a.inputs, {
      reverse: a.reverse,
      crop: a.crop ? parseCrop(a.crop) : undefined,
      downsample: a.downsample ? parseDownsample(a.downsample) : undefined,
      workers: a.workers,
    });
    io.stdout(a.json ? JSON.stringify(infoJson(report)) + '\n' : infoText(report));
    return 0;
  },
};
