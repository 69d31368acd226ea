import { errorLine } from '../utils/errors';

/** What the status line shows. */
export type AutosaveStatus =
  | { state: 'saved'; at: number }
  | { state: 'pending' }
  | { state: 'saving' }
  | { state: 'failed'; line: string };

export interface Autosaver {
  /** Something changed: save after a quiet moment, when the page is idle. */
  markDirty(): void;
  /** Saves now (if anything is unsaved) and resolves when it is written. */
  flush(): Promise<void>;
  /** True while a change is not yet written (what beforeunload asks about). */
  readonly dirty: boolean;
  dispose(): void;
}

export interface AutosaverOptions<R> {
  /** Reads the state as it is now into a record (may take a few idle slices for a big labelmap). */
  build(): Promise<R>;
  save(record: R): Promise<void>;
  onStatus(status: AutosaveStatus): void;
  /** Quiet time after the last change before saving (a brush stroke is many changes). */
  delayMs?: number;
  /** Longest wait after the first unsaved change: a stream of changes cannot put saving off forever. */
  maxWaitMs?: number;
  /** Runs `fn` when the page is idle (requestIdleCallback in the browser). */
  whenIdle?: (fn: () => void) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  now?: () => number;
}

const defaultIdle = (fn: () => void) => {
  const ric = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
  if (ric) ric(fn, { timeout: 5000 });
  else setTimeout(fn, 0);
};

/**
 * Debounced, idle-time saving off the hot path: changes only mark the state dirty; the record
 * is built and written after `delayMs` of quiet, in an idle callback, one save at a time. A
 * change during a save makes another save follow. A failed save leaves the state dirty, reports
 * its line (quota errors say the size needed) and is retried on the next change or flush.
 */
export function createAutosaver<R>(o: AutosaverOptions<R>): Autosaver {
  const delayMs = o.delayMs ?? 1500;
  const maxWaitMs = o.maxWaitMs ?? 6000;
  const whenIdle = o.whenIdle ?? defaultIdle;
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? (t => clearTimeout(t as ReturnType<typeof setTimeout>));
  const now = o.now ?? (() => Date.now());
  let version = 0;
  let savedVersion = 0;
  let timer: unknown;
  /** When the oldest unsaved change was made (undefined: nothing waiting). */
  let waitingSince: number | undefined;
  let running: Promise<void> | undefined;
  let disposed = false;

  const run = async (): Promise<void> => {
    if (disposed || savedVersion === version) return;
    if (running) {
      await running;
      return run();
    }
    const v = version;
    o.onStatus({ state: 'saving' });
    running = (async () => {
      try {
        await o.save(await o.build());
        savedVersion = Math.max(savedVersion, v);
        if (!disposed) o.onStatus(savedVersion === version ? { state: 'saved', at: now() } : { state: 'pending' });
      } catch (e) {
        console.error('[imagestack] autosave failed', e);
        if (!disposed) o.onStatus({ state: 'failed', line: errorLine(e) });
        throw e;
      }
    })();
    try {
      await running;
    } finally {
      running = undefined;
    }
    if (savedVersion !== version) schedule();
  };

  const schedule = () => {
    if (timer !== undefined) clearTimer(timer);
    const t = now();
    waitingSince ??= t;
    timer = setTimer(
      () => {
        timer = undefined;
        waitingSince = undefined;
        whenIdle(() => void run().catch(() => undefined));
      },
      Math.max(0, Math.min(delayMs, waitingSince + maxWaitMs - t)),
    );
  };

  return {
    markDirty() {
      if (disposed) return;
      version++;
      o.onStatus({ state: 'pending' });
      schedule();
    },
    async flush() {
      if (timer !== undefined) {
        clearTimer(timer);
        timer = undefined;
      }
      waitingSince = undefined;
      await run();
    },
    get dirty() {
      return savedVersion !== version;
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimer(timer);
    },
  };
}

/** The status line's text: "Saved 12:04", "Saving…", "Not saved: …". */
export function autosaveStatusText(s: AutosaveStatus, clock: (ms: number) => string): string {
  switch (s.state) {
    case 'saved':
      return `Saved ${clock(s.at)}`;
    case 'pending':
      return 'Unsaved changes';
    case 'saving':
      return 'Saving…';
    case 'failed':
      return `Not saved: ${s.line}`;
  }
}
