import React from 'react';
import { Button } from '@ohif/ui-next';
import type { JobProgress } from './useJob';

/** A running job: bar, percentage and step, and Cancel. `cy` prefixes the data-cy hooks. */
export default function ProgressRow({ progress, onCancel, cy }: { progress: JobProgress; onCancel: () => void; cy: string }) {
  return (
    <div className="flex items-center gap-2" data-cy={`${cy}-progress`}>
      <progress className="flex-1" max={1} value={progress.fraction} aria-label="progress" />
      <span className="w-28 text-xs">
        {Math.round(progress.fraction * 100)} % {progress.step}
      </span>
      <Button data-cy={`${cy}-cancel`} variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
    </div>
  );
}
