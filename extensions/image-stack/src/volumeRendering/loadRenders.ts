import type { ImageStackService } from '../services/ImageStackService';

/**
 * How often the viewports showing one of our volumes re-render while it streams in, at most.
 *
 * Cornerstone re-renders every viewport of a loading volume each time another 2 % of its frames
 * arrive (its `autoRenderOnLoad`): 50 renders of every viewport per load. Our frames come from
 * memory, not a network, so the whole volume streams in within seconds and most of those
 * renders are never seen, while each one makes the GPU (SwiftShader, where there is none) ray-cast
 * every viewport and the page wait for it (drawImage). Measured on the capture scenario at half
 * size (165 slices of 1500 × 1000, `SCENARIO_SLICES=165`), two rounds alternating: from the
 * viewer opening to the volume ready 2.5–3.1 s with Cornerstone's renders, 1.6–1.9 s with these;
 * the first slice shows as soon as before. Every 500 ms instead of 250 (the 2 GB captures, three
 * alternating pairs, 2026-12-04): the volume ready as soon (3.7–4.3 s either way), the renderer's
 * peak 1.33–1.36× the grey volume above its baseline against 1.47–1.50×.
 */
export const LOAD_RENDER_INTERVAL_MS = 500;

/**
 * The rule: whether a volume's viewports render now, given when they last rendered during this
 * load (−∞ for never) and whether the load has just completed. The first frames render at
 * once (the user sees the first slice as soon as it is there), the last always.
 */
export function shouldRenderWhileLoading(nowMs: number, lastRenderMs: number, completed: boolean): boolean {
  return completed || nowMs - lastRenderMs >= LOAD_RENDER_INTERVAL_MS;
}

/**
 * For each of our volumes put in Cornerstone's cache: its own 2 % re-renders off, ours on
 * (shouldRenderWhileLoading). Other volumes keep Cornerstone's behaviour. Returns the function
 * that removes the listeners (onModeExit).
 */
export function throttleLoadRenders(cornerstone: any, service: ImageStackService, now: () => number = () => performance.now()): () => void {
  const E = cornerstone.Enums.Events;
  const ours = new Map<string, { lastRenderMs: number }>();
  // what Cornerstone's own re-render does (utilities/autoLoad): each viewport showing the volume
  const render = (volumeId: string) => {
    for (const viewport of cornerstone.utilities.getViewportsWithVolumeId(volumeId)) viewport.render();
  };
  const onAdded = (e: any) => {
    const volume = e.detail?.volume?.volume;
    const first = volume?.imageIds?.[0];
    if (!volume || !first || !service.resolveImageId(first) || !('autoRenderOnLoad' in volume)) return;
    volume.autoRenderOnLoad = false;
    ours.set(volume.volumeId, { lastRenderMs: -Infinity });
  };
  const onModified = (e: any) => {
    const { volumeId, framesProcessed, numberOfFrames } = e.detail ?? {};
    const state = ours.get(volumeId);
    if (!state) return;
    const t = now();
    if (!shouldRenderWhileLoading(t, state.lastRenderMs, framesProcessed === numberOfFrames)) return;
    state.lastRenderMs = t;
    render(volumeId);
  };
  const onCompleted = (e: any) => {
    const volumeId = e.detail?.volumeId;
    if (!ours.has(volumeId)) return;
    ours.delete(volumeId);
    render(volumeId);
  };
  cornerstone.eventTarget.addEventListener(E.VOLUME_CACHE_VOLUME_ADDED, onAdded);
  cornerstone.eventTarget.addEventListener(E.IMAGE_VOLUME_MODIFIED, onModified);
  cornerstone.eventTarget.addEventListener(E.IMAGE_VOLUME_LOADING_COMPLETED, onCompleted);
  return () => {
    cornerstone.eventTarget.removeEventListener(E.VOLUME_CACHE_VOLUME_ADDED, onAdded);
    cornerstone.eventTarget.removeEventListener(E.IMAGE_VOLUME_MODIFIED, onModified);
    cornerstone.eventTarget.removeEventListener(E.IMAGE_VOLUME_LOADING_COMPLETED, onCompleted);
    ours.clear();
  };
}
