import { ImageStackError, type DecodePool } from '@imagestack/core';

/**
 * One decode pool kept for the tab: the workers (and their loaded decoders, the JPEG
 * WebAssembly) are started by the first load and reused by every later one, instead of being
 * spawned and torn down per load. A run that fails for any reason but a slice's own error or a
 * cancel (a worker died, the pool closed) drops the pool, so the next load starts a fresh one.
 */
export function keptPool(make: () => DecodePool) {
  let pool: DecodePool | null = null;
  return {
    get(): DecodePool {
      return (pool ??= make());
    },
    /** Runs `job` on the kept pool; a failure that may have broken the pool drops it. */
    async use<T>(job: (pool: DecodePool) => Promise<T>): Promise<T> {
      const p = this.get();
      try {
        return await job(p);
      } catch (e) {
        if (!(e instanceof ImageStackError) && pool === p) {
          p.close();
          pool = null;
        }
        throw e;
      }
    },
    /** Stops the workers (the next use starts new ones). */
    close(): void {
      pool?.close();
      pool = null;
    },
  };
}
