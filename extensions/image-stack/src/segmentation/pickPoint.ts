import { ImageStackError, type Point3 } from '@imagestack/core';
import { getCornerstone } from '../utils/cornerstone';
import type { HostContext } from './ohifHost';

/**
 * Waits for the user's next click in any 2D viewport (stack or MPR) and resolves with the
 * clicked point in patient coordinates (LPS, mm) — the world frame Cornerstone renders in. The
 * viewports show a crosshair cursor until then; Escape or the signal cancels (ImageStackError
 * 'cancelled'). The 3D view is left out: a click there hits no voxel.
 */
export function pickPointInViewports(ctx: HostContext, signal?: AbortSignal): Promise<Point3> {
  const { cornerstone, cornerstoneTools } = getCornerstone(ctx.extensionManager);
  const CLICK = cornerstoneTools.Enums.Events.MOUSE_CLICK;
  const elements: HTMLElement[] = (cornerstone.getEnabledElements?.() ?? [])
    .filter((e: any) => e.viewport && e.viewport.type !== 'volume3d')
    .map((e: any) => e.viewport.element);
  if (!elements.length) return Promise.reject(new ImageStackError('empty', 'no 2D view is open to click in: choose an MPR or stack layout'));
  return new Promise((resolve, reject) => {
    const cursors = elements.map(el => el.style.cursor);
    const finish = () => {
      elements.forEach((el, i) => {
        el.removeEventListener(CLICK, onClick as EventListener);
        el.style.cursor = cursors[i];
      });
      document.removeEventListener('keydown', onKey, true);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(new ImageStackError('cancelled', 'picking a point was cancelled'));
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onAbort();
    };
    const onClick = (e: CustomEvent) => {
      const world = e.detail?.currentPoints?.world;
      if (!world) return;
      finish();
      resolve([world[0], world[1], world[2]]);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    document.addEventListener('keydown', onKey, true);
    elements.forEach(el => {
      el.addEventListener(CLICK, onClick as EventListener);
      el.style.cursor = 'crosshair';
    });
  });
}
