import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { ImageStackError } from '@imagestack/core';
import { encodeSliceRuns } from './labelmapRuns';
import { SESSION_RECORD_VERSION, type SessionRecord } from './sessionRecord';
import { openSessionStore, recordBytes } from './sessionStore';

const record = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  version: SESSION_RECORD_VERSION,
  savedAt: 1_700_000_000_000,
  description: 'stack',
  source: { kind: 'sample' },
  plan: { reverse: false, downsample: 1 },
  geometry: { pixelSpacingXMm: 0.9, pixelSpacingYMm: 0.8, sliceSpacingMm: 1.3, originMm: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0] },
  dims: { columns: 4, rows: 2, slices: 2 },
  uids: { studyInstanceUID: '2.25.1', seriesInstanceUID: '2.25.2', frameOfReferenceUID: '2.25.3', sopInstanceUIDs: ['2.25.4', '2.25.5'] },
  identity: { description: 'stack', date: new Date(1_700_000_000_000) },
  notes: [],
  segmentation: { label: 'ImageStack segmentation', segments: [{ index: 1, label: 'Skull' }], sliceRuns: [null, encodeSliceRuns([0, 1, 1, 0, 0, 0, 1, 1])], voxelCounts: { 1: 4 } },
  extra: { device: { placed: true } },
  ...over,
});

describe('session store (IndexedDB)', () => {
  it('nothing saved reads undefined; a saved record reads back whole (typed arrays and dates too); discard clears it', async () => {
    const store = openSessionStore(new IDBFactory());
    expect(await store.load()).toBeUndefined();
    const r = record();
    await store.save(r);
    const back = (await store.load()) as SessionRecord;
    expect(back).toEqual(r);
    expect(back.segmentation!.sliceRuns[1]).toBeInstanceOf(Uint8Array);
    // (jest's realms: a cloned Date is another realm's Date)
    expect(Object.prototype.toString.call(back.identity.date)).toBe('[object Date]');
    expect(+back.identity.date!).toBe(1_700_000_000_000);
    await store.save(record({ description: 'second' }));
    expect(((await store.load()) as SessionRecord).description).toBe('second');
    await store.discard();
    expect(await store.load()).toBeUndefined();
  });

  it('a quota error is an ImageStackError naming the size needed, never swallowed', async () => {
    const idb = new IDBFactory();
    const store = openSessionStore(idb);
    await store.save(record());
    // the browser's answer when the origin's quota is used up
    const put = jest.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    });
    const big = record({ segmentation: { label: 's', segments: [{ index: 1, label: 'x' }], sliceRuns: [new Uint8Array(3 * 1024 * 1024)], voxelCounts: {} } });
    const err = await store.save(big).catch(e => e);
    put.mockRestore();
    expect(err).toBeInstanceOf(ImageStackError);
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/storage for this site is full \(the session needs about 3\.\d+ MiB/);
    expect(recordBytes(big)).toBeGreaterThan(3 * 1024 * 1024);
  });

  it('without IndexedDB it says so', async () => {
    await expect(openSessionStore(undefined as unknown as IDBFactory).load()).rejects.toThrow(/no IndexedDB/);
  });
});
