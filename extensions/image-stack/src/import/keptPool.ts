import { ImageStackError, type DecodePool } from '@imagestack/core';

/**
 * The tab's decode pool, kept between loads: the first load starts it, and every load after it
 * finds its workers already started (spawned, modules loaded), instead of spawning and tearing
 * them down inside each load.
 *
 * After each load the used workers are replaced by fresh ones, started at once and idle until
 * the next load: a worker that read a stack holds the files it read as garbage (an idle worker's
 * V8 does not collect it; measured 56 MB on 120 slices of 1920 × 1080, about 150 MB on the 2 GB
 * stack), and ending the worker is the only way a page can give that memory back. A run that
 * failed for any reason but a slice's own error or a cancel (a worker died) is replaced the same way.
 */
export function keptPool(make: () => DecodePool) {
  let pool: DecodePool | null = null;
  let busy = 0;
  return {
    get(): DecodePool {
      return (pool ??= make());
    },
    /** Runs `job` on the kept pool; when no other job is using it, its workers are then replaced by fresh ones. */
    async use<T>(job: (pool: DecodePool) => Promise<T>): Promise<T> {
      const p = this.get();
      busy++;
      try {
        return await job(p);
      } catch (e) {
        if (!(e instanceof ImageStackError) && pool === p) {
          // the pool may be broken: its other jobs fail too
          p.close();
          pool = null;
        }
        throw e;
      } finally {
        busy--;
        if (!busy && pool === p) {
          p.close();
          pool = make();
        }
      }
    },
    /** Stops the workers (the next use starts new ones). */
    close(): void {
      pool?.close();
      pool = null;
    },
  };
}
