import { autosaveStatusText, createAutosaver, type AutosaveStatus } from './autosaver';

/** A hand-driven clock: timers fire only when the test advances time; idle callbacks run at once. */
function harness({ failFirst = false } = {}) {
  let t = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const statuses: AutosaveStatus[] = [];
  const saved: number[] = [];
  let state = 0;
  let fail = failFirst;
  let releaseSave: (() => void) | undefined;
  let holdSaves = false;
  const saver = createAutosaver<number>({
    build: async () => state,
    save: async r => {
      if (holdSaves) await new Promise<void>(ok => (releaseSave = ok));
      if (fail) {
        fail = false;
        throw Object.assign(new Error('not saved: the storage is full'), { name: 'QuotaExceededError' });
      }
      saved.push(r);
    },
    onStatus: s => statuses.push(s),
    delayMs: 1000,
    maxWaitMs: 3000,
    whenIdle: fn => fn(),
    setTimer: (fn, ms) => {
      const timer = { at: t + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimer: timer => {
      const i = timers.indexOf(timer as any);
      if (i >= 0) timers.splice(i, 1);
    },
    now: () => t,
  });
  const settle = () => new Promise(r => setImmediate(r));
  const advance = async (ms: number) => {
    t += ms;
    for (const timer of timers.filter(x => x.at <= t)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.fn();
    }
    await settle();
    await settle();
  };
  return {
    saver,
    statuses,
    saved,
    advance,
    settle,
    change: (v: number) => {
      state = v;
      saver.markDirty();
    },
    hold: () => (holdSaves = true),
    release: () => {
      holdSaves = false;
      releaseSave?.();
    },
  };
}

describe('autosaver', () => {
  it('saves once after a quiet moment, not on every change', async () => {
    const h = harness();
    h.change(1);
    await h.advance(500);
    h.change(2);
    await h.advance(500);
    h.change(3);
    expect(h.saver.dirty).toBe(true);
    await h.advance(999);
    expect(h.saved).toEqual([]);
    await h.advance(1);
    expect(h.saved).toEqual([3]);
    expect(h.saver.dirty).toBe(false);
    expect(h.statuses.at(-1)).toEqual({ state: 'saved', at: 2000 });
  });

  it('a stream of changes cannot put saving off past maxWaitMs', async () => {
    const h = harness();
    for (let i = 1; i <= 10; i++) {
      h.change(i);
      await h.advance(500);
    }
    // changes every 500 ms never leave 1000 ms of quiet, yet it saved at 3000 ms
    expect(h.saved[0]).toBe(6);
  });

  it('a change during a save is saved after it; the state is dirty until then', async () => {
    const h = harness();
    h.change(1);
    h.hold();
    await h.advance(1000); // the save of 1 is under way
    h.change(2);
    h.release();
    await h.settle();
    expect(h.saved).toEqual([1]);
    expect(h.saver.dirty).toBe(true);
    expect(h.statuses.at(-1)).toEqual({ state: 'pending' });
    await h.advance(1000);
    expect(h.saved).toEqual([1, 2]);
    expect(h.saver.dirty).toBe(false);
  });

  it('a failed save is reported with its line, stays dirty and is retried by flush', async () => {
    const h = harness({ failFirst: true });
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    h.change(1);
    await h.advance(1000);
    expect(h.saved).toEqual([]);
    expect(h.statuses.at(-1)).toEqual({ state: 'failed', line: 'not saved: the storage is full' });
    expect(h.saver.dirty).toBe(true);
    await h.saver.flush();
    expect(h.saved).toEqual([1]);
    expect(h.saver.dirty).toBe(false);
    err.mockRestore();
  });

  it('flush saves now; nothing to save is not a save', async () => {
    const h = harness();
    await h.saver.flush();
    expect(h.saved).toEqual([]);
    h.change(4);
    await h.saver.flush();
    expect(h.saved).toEqual([4]);
  });

  it('status lines', () => {
    const clock = () => '12:04';
    expect(autosaveStatusText({ state: 'saved', at: 0 }, clock)).toBe('Saved 12:04');
    expect(autosaveStatusText({ state: 'failed', line: 'x' }, clock)).toBe('Not saved: x');
  });
});
