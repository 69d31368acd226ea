import { useState } from 'react';
import type { LoadedSeries } from '../services/ImageStackService';

/**
 * useState whose value lives on the loaded series, so it survives OHIF unmounting the panel
 * when the user (or OHIF's segmentation tab switch) shows another tab.
 */
export function usePanelState<T>(series: LoadedSeries, key: string, initial: T | (() => T)): [T, (v: T) => void] {
  const has = key in series.panelState;
  const [value, setValue] = useState<T>(() => {
    if (has) return series.panelState[key] as T;
    const v = typeof initial === 'function' ? (initial as () => T)() : initial;
    series.panelState[key] = v;
    return v;
  });
  return [
    value,
    (v: T) => {
      series.panelState[key] = v;
      setValue(v);
    },
  ];
}
