import { ImageStackError, type StackFileInfo, type StackGeometry, type StackPlan, type StackPlanOptions, type VoxelStack } from '@imagestack/core';
import { matchPickedFiles, type SessionRecord } from './sessionRecord';

/** What rebuilding needs from the import's machinery (the real ones in the page, fakes in tests). */
export interface RebuildDeps<F extends { name: string; size: number }> {
  makeSample(): { stack: VoxelStack; geometry: StackGeometry };
  probe(files: F[]): Promise<StackFileInfo[]>;
  plan(infos: StackFileInfo[], options: StackPlanOptions): StackPlan;
  /** core's hashPixels of a file's bytes. */
  hashFile(file: F): Promise<string>;
  load(plan: StackPlan, onProgress?: (done: number, total: number) => void): Promise<{ stack: VoxelStack }>;
}

const sameDims = (r: SessionRecord, columns: number, rows: number, slices: number) =>
  r.dims.columns === columns && r.dims.rows === rows && r.dims.slices === slices;

/**
 * Builds the saved session's volume again: the sample is generated, files are checked against
 * the saved ones (names and sizes, then the first slice's hash), planned with the saved options
 * and decoded. Throws ImageStackError 'mismatch' with one line when the files are not the saved
 * ones, before anything is decoded.
 */
export async function rebuildStack<F extends { name: string; size: number }>(
  record: SessionRecord,
  files: F[] | undefined,
  deps: RebuildDeps<F>,
  onProgress?: (done: number, total: number) => void,
): Promise<VoxelStack> {
  if (record.source.kind === 'sample') {
    const { stack } = deps.makeSample();
    if (!sameDims(record, stack.columns, stack.rows, stack.slices)) {
      throw new ImageStackError('mismatch', 'the sample phantom of this version differs from the saved one: the session cannot be restored');
    }
    return stack;
  }
  const source = record.source;
  if (!files) throw new ImageStackError('empty', 'pick the files of the saved session again');
  const matched = matchPickedFiles(source.files, files);
  if (!matched.files) throw new ImageStackError('mismatch', matched.difference!);
  const infos = await deps.probe(matched.files);
  const { reverse, crop, downsample, orient, gapPolicy, valueRange } = record.plan;
  const plan = deps.plan(infos, { reverse, crop, downsample, orient, gapPolicy, valueRange });
  const first = plan.slices[0];
  const firstFile = matched.files.find(f => f.name === first?.file);
  if (!first || first.name !== source.firstSlice.name || !firstFile) {
    throw new ImageStackError('mismatch', `These are not the files of the saved session: its first slice was ${source.firstSlice.name}, now ${first?.name ?? 'none'}.`);
  }
  if ((await deps.hashFile(firstFile)) !== source.firstSlice.hash) {
    throw new ImageStackError('mismatch', `These are not the files of the saved session: ${first.name} has the same name and size but other contents.`);
  }
  if (!sameDims(record, plan.columns, plan.rows, plan.slices.length)) {
    throw new ImageStackError(
      'mismatch',
      `These files make a ${plan.columns} × ${plan.rows} × ${plan.slices.length} volume, the saved session was ${record.dims.columns} × ${record.dims.rows} × ${record.dims.slices}.`,
    );
  }
  const { stack } = await deps.load(plan, onProgress);
  return stack;
}
