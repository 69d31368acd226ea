import { DATA_SOURCE_NAME, IDS, SERVICE_NAME } from '../ids';
import { findSeriesDisplaySet, ohifSegmentationHost, viewportsShowing, type HostContext } from '../segmentation/ohifHost';
import type { ImageStackService, LoadedSeries } from '../services/ImageStackService';
import { getCornerstone } from '../utils/cornerstone';
import { errorLine } from '../utils/errors';
import { autosaveStatusText, createAutosaver, type Autosaver, type AutosaveStatus } from './autosaver';
import type { WorkflowState } from '../workflow/workflowState';
import { captureSegmentation, remapSegmentationId, restoreSegmentation, type Pause } from './segmentationSnapshot';
import { checkRecord, savedClock, type SessionRecord } from './sessionRecord';
import { openSessionStore, type SessionStore } from './sessionStore';

/** One idle slice of the page (requestIdleCallback), so reading a big labelmap never stalls it. */
export const idlePause: Pause = () =>
  new Promise(resolve => {
    const ric = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
    if (ric) ric(() => resolve(), { timeout: 200 });
    else setTimeout(resolve, 0);
  });

const isWorkflowState = (w: unknown): w is WorkflowState =>
  !!w && typeof w === 'object' && typeof (w as WorkflowState).history === 'object' && Array.isArray((w as WorkflowState).undo);

/** Resolves when `ready()` holds, checked a few times a second; rejects after `timeoutMs` or when `stopped()`. */
function until(ready: () => boolean, { timeoutMs, stopped }: { timeoutMs: number; stopped: () => boolean }): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (stopped()) return reject(new Error('left the viewer'));
      let ok = false;
      try {
        ok = ready();
      } catch {
        ok = false;
      }
      if (ok) return resolve();
      if (Date.now() - t0 > timeoutMs) return reject(new Error(`the viewer did not show the series within ${Math.round(timeoutMs / 1000)} s`));
      setTimeout(check, 250);
    };
    check();
  });
}

/** The series is shown in its 2D viewports (their images loaded): a labelmap can be made on it. */
function seriesShown(ctx: HostContext, series: LoadedSeries): boolean {
  const ds = findSeriesDisplaySet(ctx, series);
  if (!ds) return false;
  const ids = viewportsShowing(ctx, ds.displaySetInstanceUID);
  if (!ids.length) return false;
  const { cornerstone } = getCornerstone(ctx.extensionManager);
  const engine = cornerstone.getRenderingEngines?.()[0];
  return ids.every(id => {
    const vp = engine?.getViewport(id);
    if (!vp) return false;
    return vp.type === 'stack' ? !!vp.getCurrentImageId?.() : !!vp.getDefaultActor?.() && !!vp.getImageData?.();
  });
}

/** The status line in the viewer (data-cy imagestack-autosave-status), outside OHIF's panels so it shows whichever tab is open. */
function statusLine(): { set(s: AutosaveStatus | { state: 'restoring' } | { state: 'restoreFailed'; line: string }): void; remove(): void } {
  const el = document.createElement('div');
  el.setAttribute('data-cy', 'imagestack-autosave-status');
  el.setAttribute('role', 'status');
  Object.assign(el.style, {
    position: 'fixed',
    left: '8px',
    bottom: '6px',
    zIndex: '50',
    font: '12px sans-serif',
    color: '#9ca3af',
    background: 'rgba(0,0,0,0.55)',
    padding: '2px 6px',
    borderRadius: '4px',
    pointerEvents: 'none',
    maxWidth: '60vw',
  } satisfies Partial<CSSStyleDeclaration>);
  document.body.appendChild(el);
  return {
    set(s) {
      const bad = s.state === 'failed' || s.state === 'restoreFailed';
      el.style.color = bad ? '#f87171' : '#9ca3af';
      // when the last save was written (ms): a test's render signal, not shown
      if (s.state === 'saved') el.setAttribute('data-saved-at', String(s.at));
      el.setAttribute('data-state', s.state);
      el.textContent =
        s.state === 'restoring' ? 'Restoring the saved segmentation…' : s.state === 'restoreFailed' ? `Not restored: ${s.line}` : autosaveStatusText(s, savedClock);
    },
    remove: () => el.remove(),
  };
}

/**
 * Keeps the session of the stack open in the viewer: puts a saved labelmap back after a
 * restore, then saves the labelmap and the workflow state as the user works (debounced, at idle
 * time), shows when it last saved, and asks before the page is left with unsaved work.
 * Started on mode enter (index.tsx), its stop function run on mode exit (ImageStackService.whileInMode).
 */
export function startSessionKeeper(ctx: HostContext, store: SessionStore = openSessionStore()): () => void {
  const service: ImageStackService = ctx.servicesManager.services[SERVICE_NAME];
  const series = service?.latest();
  if (!series) return () => undefined;
  // only the viewer of this tab's stack: not a study opened from the PACS (another data source)
  const query = new URLSearchParams(window.location.search);
  const source = query.get('dataSources');
  if (source && source !== DATA_SOURCE_NAME) return () => undefined;
  if (!query.getAll('StudyInstanceUIDs').some(v => v.split(',').includes(series.studyInstanceUID))) return () => undefined;
  let stopped = false;
  let autosaver: Autosaver | undefined;
  const status = statusLine();
  const unsubscribers: Array<() => void> = [];
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!autosaver?.dirty) return;
    e.preventDefault();
    e.returnValue = '';
  };
  window.addEventListener('beforeunload', onBeforeUnload);

  (async () => {
    const loaded = checkRecord(await store.load());
    const base: SessionRecord | undefined = loaded.record?.uids.seriesInstanceUID === series.seriesInstanceUID ? loaded.record : undefined;
    if (!base) {
      status.set({ state: 'failed', line: 'the import was not saved, so neither is this session' });
      return;
    }
    // the workflow layer's host: OHIF's way to create a labelmap (2D viewports only), per-slice voxels
    const port = ohifSegmentationHost(ctx, series);
    if (base.segmentation && !port.findLabelmap()) {
      status.set({ state: 'restoring' });
      try {
        await until(() => seriesShown(ctx, series), { timeoutMs: 180_000, stopped: () => stopped });
        const { segmentationId } = await restoreSegmentation(port, base.segmentation, { pause: idlePause });
        // OHIF shows its segmentation tab when a labelmap is added: back to ours, as after a first threshold
        setTimeout(() => ctx.servicesManager.services.panelService?.activatePanel?.(IDS.workflowPanel, true), 0);
        const oldId = base.segmentation.segmentationId;
        // the steps per segment (sidecars) and undo come back with it, under the new segmentation's id
        if (isWorkflowState(base.workflow)) series.workflow = oldId ? remapSegmentationId(base.workflow, oldId, segmentationId) : base.workflow;
      } catch (e) {
        if (stopped) return;
        console.error('[imagestack] restoring the segmentation failed', e);
        // the saved record stays as it was: nothing is overwritten by an empty labelmap
        status.set({ state: 'restoreFailed', line: errorLine(e) });
        return;
      }
    }
    if (stopped) return;
    /** The segmentation as last saved: kept when the labelmap vanishes without the user removing it (the viewer tearing down). */
    let lastSaved = base.segmentation;
    let removedByUser = false;
    autosaver = createAutosaver<SessionRecord>({
      build: async () => {
        const seg = await captureSegmentation(port, { pause: idlePause });
        const segmentation = seg ?? (removedByUser ? undefined : lastSaved);
        // the steps per segment, not the undo masks (up to five eighths of a volume: 0.4 GB for the
        // seed stack, too much to clone on every save); after a restore there is nothing to undo
        const workflow: WorkflowState = { ...series.workflow, undo: [] };
        return { ...base, savedAt: Date.now(), segmentation, workflow, extra: base.extra ?? {} };
      },
      save: async r => {
        await store.save(r);
        lastSaved = r.segmentation;
      },
      onStatus: s => status.set(s),
    });
    status.set({ state: 'saved', at: base.savedAt });
    const { segmentationService } = ctx.servicesManager.services;
    const E = segmentationService.EVENTS ?? {};
    // SEGMENTATION_MODIFIED also fires for what is not saved (visibility, statistics, rendering):
    // only a change of the segments themselves (added, removed, renamed) is unsaved work
    const segmentsSignature = () => {
      const id = port.findLabelmap();
      return id ? JSON.stringify(port.segments(id)) : '';
    };
    let lastSignature = segmentsSignature();
    const changed = () => {
      lastSignature = segmentsSignature();
      autosaver?.markDirty();
    };
    for (const ev of [E.SEGMENTATION_ADDED, E.SEGMENTATION_DATA_MODIFIED].filter(Boolean)) {
      const sub = segmentationService.subscribe(ev, changed);
      unsubscribers.push(() => sub.unsubscribe());
    }
    if (E.SEGMENTATION_REMOVED) {
      const sub = segmentationService.subscribe(E.SEGMENTATION_REMOVED, () => {
        // while the viewer is open a removal is the user's; on mode exit we have stopped listening
        if (!port.findLabelmap()) removedByUser = true;
        changed();
      });
      unsubscribers.push(() => sub.unsubscribe());
    }
    if (E.SEGMENTATION_MODIFIED) {
      const sub = segmentationService.subscribe(E.SEGMENTATION_MODIFIED, () => {
        const now = segmentsSignature();
        if (now === lastSignature) return;
        lastSignature = now;
        autosaver?.markDirty();
      });
      unsubscribers.push(() => sub.unsubscribe());
    }
    // device placements and other workflow state kept beside the labelmap
    unsubscribers.push(service.onWorkflowChanged(() => autosaver?.markDirty()));
    // brush strokes and our own writes: Cornerstone's event (OHIF's service may not relay every one)
    const { cornerstone, cornerstoneTools } = getCornerstone(ctx.extensionManager);
    const dataModified = cornerstoneTools.Enums?.Events?.SEGMENTATION_DATA_MODIFIED;
    if (dataModified && cornerstone.eventTarget) {
      const onData = () => changed();
      cornerstone.eventTarget.addEventListener(dataModified, onData);
      unsubscribers.push(() => cornerstone.eventTarget.removeEventListener(dataModified, onData));
    }
  })().catch(e => {
    console.error('[imagestack] autosave could not start', e);
    status.set({ state: 'failed', line: errorLine(e) });
  });

  return () => {
    stopped = true;
    // Not flushed here: on mode exit OHIF may already have torn the segmentations down. A change
    // is written 1.5 s after it is made, and beforeunload guards a reload or close meanwhile.
    autosaver?.dispose();
    for (const u of unsubscribers) u();
    window.removeEventListener('beforeunload', onBeforeUnload);
    status.remove();
  };
}
