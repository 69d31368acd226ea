import { useEffect, useState } from 'react';

/**
 * Re-renders when OHIF's segmentations change (added, renamed, painted, removed). Returns two
 * counters: `any` for every change, `data` only when voxels change or a segmentation goes — what
 * makes stats of an exported surface stale (OHIF also sends "modified" when it merely updates its
 * own cached statistics).
 */
export function useSegmentationVersion(servicesManager: any): { any: number; data: number } {
  const [version, setVersion] = useState({ any: 0, data: 0 });
  useEffect(() => {
    const { segmentationService } = servicesManager.services;
    const E = segmentationService.EVENTS;
    const bump = (data: boolean) => () => setVersion(v => ({ any: v.any + 1, data: v.data + (data ? 1 : 0) }));
    const subs = [
      [E.SEGMENTATION_ADDED, false],
      [E.SEGMENTATION_MODIFIED, false],
      [E.SEGMENTATION_DATA_MODIFIED, true],
      [E.SEGMENTATION_REMOVED, true],
    ]
      .filter(([ev]) => !!ev)
      .map(([ev, data]) => segmentationService.subscribe(ev as string, bump(data as boolean)));
    return () => subs.forEach((s: any) => s.unsubscribe());
  }, [servicesManager]);
  return version;
}
