import { makeHeadPhantom, planStack, type StackFileInfo } from '@imagestack/core';
import { rebuildStack, type RebuildDeps } from './rebuildStack';
import { matchPickedFiles, restoreOffer, checkRecord, SESSION_RECORD_VERSION, type SessionRecord } from './sessionRecord';

type FakeFile = { name: string; size: number; hash: string };
const files: FakeFile[] = Array.from({ length: 4 }, (_, k) => ({ name: `IMG (${k + 1}).bmp`, size: 1000 + k, hash: `h${k}` }));

const header = { format: 'bmp', width: 8, height: 6, bitDepth: 8, channels: 3, pages: 1, details: 'BMP 24-bit' } as any;

function deps(over: Partial<RebuildDeps<FakeFile>> = {}) {
  const loaded: string[][] = [];
  const d: RebuildDeps<FakeFile> = {
    makeSample: () => makeHeadPhantom({ columns: 16, rows: 16, slices: 4 }),
    probe: async list => list.map((f): StackFileInfo => ({ name: f.name, size: f.size, source: f, header })),
    plan: planStack,
    hashFile: async f => f.hash,
    load: async plan => {
      loaded.push(plan.slices.map(s => s.name));
      return { stack: { columns: plan.columns, rows: plan.rows, slices: plan.slices.length } as any };
    },
    ...over,
  };
  return { d, loaded };
}

const filesRecord = (over: Partial<SessionRecord> = {}): SessionRecord =>
  ({
    version: SESSION_RECORD_VERSION,
    savedAt: new Date(2026, 0, 1, 12, 4).getTime(),
    description: 'IMG',
    source: { kind: 'files', files: files.map(f => ({ name: f.name, size: f.size, lastModified: 0 })), firstSlice: { name: 'IMG (4).bmp', hash: 'h3' } },
    plan: { reverse: true, downsample: 1, crop: { x: 1, y: 1, width: 6, height: 4 } },
    dims: { columns: 6, rows: 4, slices: 4 },
    uids: {} as any,
    geometry: {} as any,
    identity: {},
    notes: [],
    extra: {},
    ...over,
  }) as SessionRecord;

describe('rebuilding a saved stack', () => {
  it('the offer names the stack, its slices and when it was saved', () => {
    expect(restoreOffer(filesRecord())).toBe('Restore IMG (4 slices, saved 12:04)');
  });

  it('records of another version or shape are not offered', () => {
    expect(checkRecord(undefined).record).toBeUndefined();
    expect(checkRecord({ ...filesRecord(), version: 99 }).reason).toMatch(/another version/);
    expect(checkRecord({ version: SESSION_RECORD_VERSION }).reason).toMatch(/incomplete/);
    expect(checkRecord(filesRecord()).record).toBeDefined();
  });

  it('the same files, picked again in any order with extras, are planned with the saved options and decoded', async () => {
    const { d, loaded } = deps();
    const picked = [files[2], { name: 'notes.txt', size: 3, hash: '' }, files[0], files[3], files[1]];
    const stack = await rebuildStack(filesRecord(), picked, d);
    expect(stack).toMatchObject({ columns: 6, rows: 4, slices: 4 });
    // reverse was saved: the last file is the first slice
    expect(loaded).toEqual([['IMG (4).bmp', 'IMG (3).bmp', 'IMG (2).bmp', 'IMG (1).bmp']]);
  });

  it('a flipped, turned stack with a filled gap is planned again the same way', async () => {
    const { d, loaded } = deps();
    const gapped = [files[0], files[1], files[3]]; // IMG (3).bmp was missing
    const record = filesRecord({
      source: { kind: 'files', files: gapped.map(f => ({ name: f.name, size: f.size, lastModified: 0 })), firstSlice: { name: 'IMG (1).bmp', hash: 'h0' } },
      plan: { reverse: false, downsample: 1, crop: { x: 1, y: 1, width: 6, height: 4 }, orient: { flip: 'rows', rotate: 90 }, gapPolicy: 'fill' },
      dims: { columns: 4, rows: 6, slices: 4 },
    });
    const stack = await rebuildStack(record, gapped, d);
    // turned 90°: columns and rows swap; the missing number is a filled slice at its place
    expect(stack).toMatchObject({ columns: 4, rows: 6, slices: 4 });
    expect(loaded[0]).toHaveLength(4);
    expect(loaded[0][2]).toMatch(/IMG \(3\)/);
  });

  it('real-valued slices are decoded again through the saved value window, not a new measurement', async () => {
    const rescales: unknown[] = [];
    const float = { ...header, bitDepth: 32, channels: 1, sampleFormat: 'float', details: 'TIFF 32-bit float' };
    const { d } = deps({
      probe: async list => list.map((f): StackFileInfo => ({ name: f.name, size: f.size, source: f, header: float })),
      load: async plan => {
        rescales.push(plan.rescale);
        return { stack: { columns: plan.columns, rows: plan.rows, slices: plan.slices.length } as any };
      },
    });
    await rebuildStack(filesRecord({ plan: { reverse: true, downsample: 1, crop: { x: 1, y: 1, width: 6, height: 4 }, valueRange: { low: -1000, high: 64535 } } }), files, d);
    // 65,535 values over 16-bit grey levels: one value a level from −1000
    expect(rescales).toEqual([{ slope: 1, intercept: -1000 }]);
  });

  it('missing or resized files are named, and nothing is decoded', async () => {
    const { d, loaded } = deps();
    await expect(rebuildStack(filesRecord(), files.slice(0, 3), d)).rejects.toThrow(/1 of the 4 saved files are missing: IMG \(4\)\.bmp/);
    await expect(rebuildStack(filesRecord(), [...files.slice(0, 3), { ...files[3], size: 5 }], d)).rejects.toThrow(/1 differ in size: IMG \(4\)\.bmp \(5 bytes, was 1003\)/);
    expect(loaded).toEqual([]);
  });

  it('a first slice with the same name and size but other bytes is refused', async () => {
    const { d, loaded } = deps({ hashFile: async () => 'other' });
    await expect(rebuildStack(filesRecord(), files, d)).rejects.toThrow(/IMG \(4\)\.bmp has the same name and size but other contents/);
    expect(loaded).toEqual([]);
  });

  it('a plan of another size is refused before decoding', async () => {
    const { d } = deps();
    await expect(rebuildStack(filesRecord({ dims: { columns: 8, rows: 6, slices: 4 } }), files, d)).rejects.toThrow(/6 × 4 × 4 volume, the saved session was 8 × 6 × 4/);
  });

  it('the sample is generated again, no files needed', async () => {
    const { d } = deps();
    const stack = await rebuildStack(filesRecord({ source: { kind: 'sample' }, dims: { columns: 16, rows: 16, slices: 4 } }), undefined, d);
    expect(stack.slices).toBe(4);
    await expect(rebuildStack(filesRecord({ source: { kind: 'sample' } }), undefined, d)).rejects.toThrow(/sample phantom of this version differs/);
  });

  it('matching keeps the saved order and the first of two same-named files', () => {
    const m = matchPickedFiles([{ name: 'a', size: 1, lastModified: 0 }, { name: 'b', size: 2, lastModified: 0 }], [{ name: 'b', size: 2 }, { name: 'a', size: 1 }]);
    expect(m.files!.map(f => f.name)).toEqual(['a', 'b']);
  });
});
