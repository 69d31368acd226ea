import { IDBFactory } from 'fake-indexeddb';
import { createSeriesUids, parseCaptureWindow } from '@imagestack/core';
import { importRecord } from './importRecord';
import { checkRecord, type SessionRecord } from './sessionRecord';
import { openSessionStore } from './sessionStore';

const series = {
  description: 'CT head',
  geometry: { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.5, sliceSpacingMm: 1, originMm: [0, 0, 0] as [number, number, number], orientation: [1, 0, 0, 0, 1, 0] as [number, number, number, number, number, number] },
  stack: { columns: 4, rows: 3, slices: 2, bitsStored: 8 as const, voxels: new Uint8Array(24), sliceNames: ['a', 'b'] },
  uids: createSeriesUids(2),
  identity: { description: 'CT head', date: new Date(1_700_000_000_000) },
  notes: [],
};

describe('importRecord', () => {
  it('keeps the capture window in the provenance, so a restored series reads in the same HU', async () => {
    const bone = parseCaptureWindow('bone');
    const record = importRecord({ ...series, provenance: { calibration: { method: 'typed' }, captureWindow: bone } }, { source: { kind: 'sample' }, plan: { reverse: false, downsample: 1 } }, 5);
    expect(record.provenance?.captureWindow).toEqual({ level: 300, width: 1500, name: 'bone' });
    // through IndexedDB (structured clone) and the restore's check, as the import page reads it back
    const store = openSessionStore(new IDBFactory());
    await store.save(record);
    const back = checkRecord(await store.load()).record as SessionRecord;
    expect(back.provenance?.captureWindow).toEqual(bone);
  });

  it('without one the record says nothing of HU', () => {
    const record = importRecord({ ...series, provenance: { calibration: { method: 'typed' } } }, { source: { kind: 'sample' }, plan: { reverse: false, downsample: 1 } }, 5);
    expect(record.provenance).toEqual({ calibration: { method: 'typed' } });
  });
});
