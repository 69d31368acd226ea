import { formatBytes, ImageStackError } from '@imagestack/core';
import type { SessionRecord } from './sessionRecord';

const DB_NAME = 'imagestack';
const DB_VERSION = 1;
const STORE = 'sessions';
/** One session per origin: a tab holds one stack at a time, and so does the saved session. */
const KEY = 'current';

/** The saved session in IndexedDB: read, written whole, discarded. */
export interface SessionStore {
  load(): Promise<unknown>;
  save(record: SessionRecord): Promise<void>;
  discard(): Promise<void>;
}

/** Bytes a record takes, roughly: its labelmap runs plus the rest as JSON (what quota errors report). */
export function recordBytes(r: SessionRecord): number {
  let bytes = 0;
  for (const s of r.segmentation?.sliceRuns ?? []) bytes += s ? s.length + 16 : 8;
  const { segmentation, source, ...rest } = r;
  const sourceJson = source.kind === 'files' ? { ...source, handles: undefined } : source;
  bytes += JSON.stringify({ ...rest, source: sourceJson, segments: segmentation?.segments }).length * 2;
  return bytes;
}

/** What the storage manager says is left (undefined where the browser has no estimate). */
async function freeBytes(): Promise<number | undefined> {
  try {
    const e = await (globalThis.navigator as Navigator | undefined)?.storage?.estimate?.();
    if (e?.quota === undefined) return undefined;
    return Math.max(0, e.quota - (e.usage ?? 0));
  } catch {
    return undefined;
  }
}

function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** A quota error as one line with the size needed and what is free: never swallowed. */
async function quotaError(record: SessionRecord): Promise<ImageStackError> {
  const free = await freeBytes();
  return new ImageStackError(
    'too-large',
    `not saved: the browser's storage for this site is full (the session needs about ${formatBytes(recordBytes(record))}${
      free === undefined ? '' : `, ${formatBytes(free)} are free`
    }); free some space or keep this tab open until the work is exported`,
  );
}

const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });

const done = (tx: IDBTransaction) =>
  new Promise<void>((ok, fail) => {
    tx.oncomplete = () => ok();
    tx.onerror = () => fail(tx.error);
    tx.onabort = () => fail(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

/** Opens (and creates on first use) the session store in `idb` (window.indexedDB; a fake in tests). */
export function openSessionStore(idb: IDBFactory = globalThis.indexedDB): SessionStore {
  let opened: Promise<IDBDatabase> | undefined;
  const db = () => {
    if (!idb) return Promise.reject(new ImageStackError('io', 'this browser has no IndexedDB: the session cannot be saved'));
    opened ??= new Promise<IDBDatabase>((ok, fail) => {
      const r = idb.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE);
      };
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
      r.onblocked = () => fail(new ImageStackError('io', 'the saved session is locked by another ImageStack tab: close it and reload'));
    });
    opened.catch(() => (opened = undefined));
    return opened;
  };
  return {
    async load() {
      const tx = (await db()).transaction(STORE, 'readonly');
      return request(tx.objectStore(STORE).get(KEY));
    },
    async save(record) {
      try {
        const tx = (await db()).transaction(STORE, 'readwrite');
        tx.objectStore(STORE).put(record, KEY);
        await done(tx);
      } catch (e) {
        if (isQuotaError(e)) throw await quotaError(record);
        throw e;
      }
    },
    async discard() {
      const tx = (await db()).transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(KEY);
      await done(tx);
    },
  };
}
