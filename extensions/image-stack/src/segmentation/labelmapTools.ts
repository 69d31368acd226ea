import { COMMANDS_CONTEXT } from '../ids';

/**
 * OHIF's labelmap tools (its segmentation tab) as our mode offers them: the ones that cannot
 * work on our series are hidden, and the ones that paint in the 2D views can be chosen while the
 * 3D view is active, which then hands over to the last 2D view.
 *
 * Measured in the pinned host (OHIF 3.13.2) on the built-in sample (8-bit synthetic CT,
 * SwiftShader, tests/e2e/ohif-tools.spec.mjs covers every tool kept).
 */

/**
 * Tools of the host's segmentation tab hidden in our mode, with why. Brush, Eraser, Threshold,
 * Shapes and Segment Bidirectional stay (each has an e2e test on our series).
 */
export const HIDDEN_LABELMAP_TOOLS: Readonly<Record<string, string>> = {
  // "Labelmap Assist" (slice propagation) and "Marker Guided Labelmap" run SAM: the first use
  // fetches its ONNX weights from a model hub, which the page's Content-Security-Policy refuses
  // (slices and the page stay on our origin) and which an offline machine cannot reach. Nothing
  // is painted, and the button gives no hint why.
  LabelmapSlicePropagation: 'needs SAM model weights from a model hub at run time',
  MarkerLabelmap: 'needs SAM model weights from a model hub at run time',
  // "Click to Segment", the host's one-click GrowCut: OHIF enables it for PET only. Forced on
  // for our series, its hover probe rejects both sealed air pockets of the sample (a sinus
  // 16×12×12 mm and the airway) as "no proper region" and a click paints nothing.
  ClickSegment: 'PET only; its lesion probe finds no region on our series',
  // "Interpolate Labelmap" loads its ITK-wasm pipeline from a CDN at run time: refused by the
  // Content-Security-Policy, so the interpolation fails with a console warning and paints
  // nothing. (Serving @itk-wasm/morphological-contour-interpolation's pipeline from our origin
  // would make it work; not done yet.)
  InterpolateLabelmap: 'loads its ITK-wasm pipeline from a CDN at run time',
  // "Labelmap Edit with Contour": in the MPR layout OHIF keeps Crosshairs on (Shift+click), and
  // Cornerstone's contour-to-labelmap step then throws on the Crosshairs annotations
  // ("td.data.handles.points is not iterable"): the contour is drawn, the labelmap is not
  // changed. With Crosshairs off it paints; Crosshairs is worth more in MPR than this tool.
  LabelMapEditWithContour: 'fails on the Crosshairs annotations of the MPR layout',
};

/** Buttons that paint into (or measure) the labelmap in a 2D view. */
export const LABELMAP_TOOL_BUTTONS: readonly string[] = ['Brush', 'Eraser', 'Threshold', 'Shapes', 'SegmentBidirectional'];

/** Our evaluator: runs a button's own evaluators against the 2D view the tool will work in. */
export const LABELMAP_VIEWPORT_EVALUATOR = 'evaluate.imagestack.labelmapViewport';
/** Our command, run first by those buttons: makes that 2D view the active one. */
export const ACTIVATE_LABELMAP_VIEWPORT = 'imagestackActivateLabelmapViewport';

/** `cornerstone.segmentationToolbarSections` without the hidden tools. Input unchanged. */
export function withoutHiddenTools(sections: Record<string, string[]>): Record<string, string[]> {
  if (!sections || typeof sections !== 'object') return sections;
  const out: Record<string, string[]> = {};
  for (const [key, ids] of Object.entries(sections)) {
    out[key] = Array.isArray(ids) ? ids.filter(id => !(id in HIDDEN_LABELMAP_TOOLS)) : ids;
  }
  return out;
}

/**
 * `cornerstone.segmentationToolbarButtons` with the labelmap tools evaluated against the 2D
 * view they will paint in (OHIF evaluates them against the active view, and in the 3D view,
 * which shows no labelmap, disables them with "Create new segmentation to enable this tool")
 * and with our command first, which activates that view. The first command keeps the original
 * first command's options, so OHIF still reads the same tool name from it. Input unchanged.
 */
export function withLabelmapToolsFrom3D(buttons: any[]): any[] {
  if (!Array.isArray(buttons)) return buttons;
  return buttons.map(button => {
    if (!LABELMAP_TOOL_BUTTONS.includes(button?.id) || !button.props) return button;
    const { evaluate, commands } = button.props;
    if (evaluate?.name === LABELMAP_VIEWPORT_EVALUATOR) return button; // applied already
    const list = commands === undefined ? [] : Array.isArray(commands) ? commands : [commands];
    const first = list[0];
    const activate = first && typeof first === 'object' && first.commandOptions ? { commandName: ACTIVATE_LABELMAP_VIEWPORT, commandOptions: first.commandOptions } : { commandName: ACTIVATE_LABELMAP_VIEWPORT };
    return {
      ...button,
      props: {
        ...button.props,
        evaluate: evaluate === undefined ? evaluate : { name: LABELMAP_VIEWPORT_EVALUATOR, evaluators: Array.isArray(evaluate) ? evaluate : [evaluate] },
        commands: [activate, ...list],
      },
    };
  });
}

/** What OHIF's toolbar does with several evaluators' results: merged, disabled if any is. */
export function mergeEvaluations(results: Array<Record<string, unknown> | undefined | null>): Record<string, unknown> {
  const present = results.filter(Boolean) as Array<Record<string, unknown>>;
  const merged = present.reduce((acc, r) => ({ ...acc, ...r }), {} as Record<string, unknown>);
  if (present.some(r => r.disabled)) merged.disabled = true;
  return merged;
}

export interface GridViewport {
  id: string;
  is3D: boolean;
}

/**
 * The view a labelmap tool works in: the active one unless it is a 3D view; then the last 2D
 * view that was active, else the grid's first 2D view, else the active one (nothing better).
 */
export function labelmapViewportId(viewports: readonly GridViewport[], activeId: string | undefined, last2D: string | undefined): string | undefined {
  const active = viewports.find(v => v.id === activeId);
  if (active && !active.is3D) return active.id;
  const twoD = viewports.filter(v => !v.is3D);
  return twoD.find(v => v.id === last2D)?.id ?? twoD[0]?.id ?? activeId;
}

interface Ctx {
  servicesManager: any;
  extensionManager: any;
  commandsManager: any;
}

/**
 * Registers the evaluator and the command above for the time our mode is entered, and keeps
 * track of the last active 2D view. Returns what undoes it (the evaluator then answers like the
 * buttons' own evaluators on the active view, the command does nothing).
 */
export function enterLabelmapToolsFrom3D({ servicesManager, extensionManager, commandsManager }: Ctx): () => void {
  const { viewportGridService, toolbarService } = servicesManager.services;
  let last2D: string | undefined;
  let entered = true;
  const gridViewports = (): GridViewport[] =>
    [...viewportGridService.getState().viewports.values()].map((v: any) => ({ id: v.viewportId ?? v.id, is3D: v.viewportOptions?.viewportType === 'volume3d' }));
  const remember = (id: string | undefined) => {
    if (id && gridViewports().some(v => v.id === id && !v.is3D)) last2D = id;
  };
  remember(viewportGridService.getActiveViewportId());
  const sub = viewportGridService.subscribe(viewportGridService.EVENTS.ACTIVE_VIEWPORT_ID_CHANGED, ({ viewportId }: { viewportId: string }) => remember(viewportId));
  const target = (activeId: string | undefined) => (entered ? labelmapViewportId(gridViewports(), activeId, last2D) : activeId);

  // the host's evaluators by name, as its toolbar registered them (from the toolbar modules)
  const evaluatorNamed = (name: string): ((args: any) => any) | undefined => {
    let found;
    for (const m of extensionManager.modules?.toolbarModule ?? []) for (const def of m.module ?? []) if (def?.name === name && def.evaluate) found = def.evaluate;
    return found;
  };
  toolbarService.registerEvaluateFunction(LABELMAP_VIEWPORT_EVALUATOR, ({ evaluators, viewportId, ...args }: any) =>
    mergeEvaluations(
      (evaluators as any[]).map(e => {
        const { name, ...options } = typeof e === 'string' ? { name: e } : e;
        return evaluatorNamed(name)?.({ ...args, ...options, viewportId: target(viewportId) });
      }),
    ),
  );
  commandsManager.registerCommand(COMMANDS_CONTEXT, ACTIVATE_LABELMAP_VIEWPORT, {
    commandFn: () => {
      const active = viewportGridService.getActiveViewportId();
      const id = target(active);
      if (id && id !== active) viewportGridService.setActiveViewportId(id);
    },
  });
  return () => {
    entered = false;
    sub.unsubscribe();
  };
}
