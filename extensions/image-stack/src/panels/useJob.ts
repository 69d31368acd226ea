import { useEffect, useRef, useState } from 'react';
import type { JobOptions } from '../mesh/runInWorker';

export interface JobProgress {
  fraction: number;
  step: string;
}

/**
 * Long work a panel starts and the user may cancel: progress while it runs, an AbortController
 * per run, and cancel on unmount or when the series changes (`resetKey`). The work itself is
 * a command; this only tracks it.
 */
export function useJob(resetKey: unknown) {
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), [resetKey]);
  async function run<T>(work: (options: JobOptions) => Promise<T>, firstStep = 'starting'): Promise<T> {
    const controller = new AbortController();
    abort.current = controller;
    setProgress({ fraction: 0, step: firstStep });
    try {
      return await work({ signal: controller.signal, onProgress: (fraction, step) => setProgress({ fraction, step }) });
    } finally {
      if (abort.current === controller) abort.current = null;
      setProgress(null);
    }
  }
  return { progress, running: progress !== null, run, cancel: () => abort.current?.abort() };
}
