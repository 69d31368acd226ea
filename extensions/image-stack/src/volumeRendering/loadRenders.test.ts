import { LOAD_RENDER_INTERVAL_MS, shouldRenderWhileLoading, throttleLoadRenders } from './loadRenders';

/** A Cornerstone stand-in: an event target, the three event names, and viewports that count renders. */
function fakeCornerstone() {
  const target = new EventTarget();
  const renders: string[] = [];
  const viewports = [{ id: 'axial', render: () => renders.push('axial') }, { id: 'sagittal', render: () => renders.push('sagittal') }];
  const cs = {
    Enums: { Events: { VOLUME_CACHE_VOLUME_ADDED: 'added', IMAGE_VOLUME_MODIFIED: 'modified', IMAGE_VOLUME_LOADING_COMPLETED: 'completed' } },
    eventTarget: target,
    utilities: { getViewportsWithVolumeId: (id: string) => (id === 'ours' || id === 'theirs' ? viewports : []) },
  };
  const fire = (type: string, detail: unknown) => target.dispatchEvent(Object.assign(new Event(type), { detail }));
  return { cs, renders, fire };
}

const service = { resolveImageId: (id: string) => (id.startsWith('imagestack:') ? { sliceIndex: 0 } : undefined) } as any;

test('the rule: the first frames and the last render at once, others at most every interval', () => {
  expect(shouldRenderWhileLoading(0, -Infinity, false)).toBe(true);
  expect(shouldRenderWhileLoading(100, 0, false)).toBe(false);
  expect(shouldRenderWhileLoading(LOAD_RENDER_INTERVAL_MS, 0, false)).toBe(true);
  expect(shouldRenderWhileLoading(1, 0, true)).toBe(true);
});

test("our volume: Cornerstone's own re-renders off, ours throttled, one at completion; others untouched", () => {
  const { cs, renders, fire } = fakeCornerstone();
  let t = 0;
  const stop = throttleLoadRenders(cs, service, () => t);
  const volume = { volumeId: 'ours', imageIds: ['imagestack:1', 'imagestack:2'], autoRenderOnLoad: true };
  const theirs = { volumeId: 'theirs', imageIds: ['wadors:1'], autoRenderOnLoad: true };
  fire('added', { volume: { volume } });
  fire('added', { volume: { volume: theirs } });
  expect(volume.autoRenderOnLoad).toBe(false);
  expect(theirs.autoRenderOnLoad).toBe(true);

  // 100 frames, one every 10 ms: renders at 0 and 500 ms, and at the last frame
  expect(LOAD_RENDER_INTERVAL_MS).toBe(500);
  for (let f = 1; f <= 100; f++, t += 10) fire('modified', { volumeId: 'ours', framesProcessed: f, numberOfFrames: 100 });
  expect(renders.length / 2).toBe(3);
  // frames of another volume render nothing here (Cornerstone does that)
  fire('modified', { volumeId: 'theirs', framesProcessed: 1, numberOfFrames: 2 });
  expect(renders.length / 2).toBe(3);
  fire('completed', { volumeId: 'ours' });
  expect(renders.length / 2).toBe(4);
  // done: a later modification of the volume (a segmentation, say) is Cornerstone's again
  fire('modified', { volumeId: 'ours', framesProcessed: 100, numberOfFrames: 100 });
  expect(renders.length / 2).toBe(4);

  stop();
  fire('added', { volume: { volume: { volumeId: 'ours', imageIds: ['imagestack:1'], autoRenderOnLoad: true } } });
  fire('modified', { volumeId: 'ours', framesProcessed: 1, numberOfFrames: 2 });
  expect(renders.length / 2).toBe(4);
});
