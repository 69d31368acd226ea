import { STACK_PRESET_NAMES, volumePresetsFromHistogram, type StackVolumePresets, type VolumeRenderingPreset } from '@imagestack/core';
import type { LoadedSeries } from '../services/ImageStackService';
import { withThresholdBrushRange } from '../segmentation/thresholdBrushRange';
import { withLabelmapToolsFrom3D } from '../segmentation/labelmapTools';

/** OHIF's customization holding the segmentation toolbar's buttons (the threshold brush's range among them). */
export const SEGMENTATION_BUTTONS_CUSTOMIZATION = 'cornerstone.segmentationToolbarButtons';

/** OHIF's customization that lists the presets of its 3D rendering menu. */
export const VOLUME_RENDERING_CUSTOMIZATION = 'cornerstone.3dVolumeRendering';

/** OHIF's layouts with a 3D viewport (@ohif/extension-cornerstone hps), whose displayPreset names the 3D preset per modality. */
export const PROTOCOLS_WITH_3D = ['mprAnd3DVolumeViewport', 'only3D', 'primary3D', 'main3D', 'fourUp'] as const;

const OUR_NAMES = new Set<string>(Object.values(STACK_PRESET_NAMES));

/** The presets made for a loaded series from its histogram of stored values (0–255, or 0–65535). */
export function presetsForSeries(series: Pick<LoadedSeries, 'histogram' | 'stack'>): StackVolumePresets {
  return volumePresetsFromHistogram({ counts: series.histogram, min: 0, max: series.stack.bitsStored === 8 ? 255 : 65535 });
}

/**
 * Makes our presets known to Cornerstone by name: OHIF's menu, its setViewportPreset command
 * and a hanging protocol's displayPreset all look a name up in the host's
 * `CONSTANTS.VIEWPORT_PRESETS`. Ours replace the previous series' (same names); the host's own
 * stay as they are. Changes `viewportPresets` in place (it is the host's shared list).
 */
export function upsertViewportPresets(viewportPresets: VolumeRenderingPreset[], presets: readonly VolumeRenderingPreset[]): void {
  for (let i = viewportPresets.length - 1; i >= 0; i--) if (OUR_NAMES.has(viewportPresets[i].name)) viewportPresets.splice(i, 1);
  viewportPresets.push(...presets);
}

/** The menu's list: ours first, then the host's own (without any earlier copy of ours). */
export function menuPresets(presets: readonly VolumeRenderingPreset[], hostPresets: readonly VolumeRenderingPreset[]): VolumeRenderingPreset[] {
  return [...presets, ...hostPresets.filter(p => !OUR_NAMES.has(p.name))];
}

/**
 * A copy of a hanging protocol whose 3D viewports open CT (our series' modality) with `preset`
 * instead of OHIF's CT-Bone, which on 0–255 grey levels is an opaque red slab. Other modalities
 * and every other option are kept. Returns the protocol itself when it has no 3D viewport.
 */
export function withDefault3DPreset<P extends { stages?: any[] }>(protocol: P, preset: string): P {
  let changed = false;
  const stages = (protocol.stages ?? []).map(stage => ({
    ...stage,
    viewports: (stage.viewports ?? []).map((viewport: any) => ({
      ...viewport,
      displaySets: (viewport.displaySets ?? []).map((ds: any) => {
        if (!ds?.options?.displayPreset) return ds;
        changed = true;
        return { ...ds, options: { ...ds.options, displayPreset: { ...ds.options.displayPreset, CT: preset } } };
      }),
    })),
  }));
  return changed ? { ...protocol, stages } : protocol;
}

interface Services {
  imageStackService: { latest(): LoadedSeries | undefined };
  customizationService: { getCustomization(id: string): any; setGlobalCustomization(id: string, value: unknown): void };
  hangingProtocolService: { getProtocolById(id: string): any; addProtocol(id: string, protocol: unknown): void };
}

/**
 * The threshold brush's range on the series' own values: its lowest to highest value, starting
 * at the bright (bone) class, instead of OHIF's −1000…1000 HU with 50–600.
 */
export function thresholdBrushRangeFor(c: StackVolumePresets['classes']): { min: number; max: number; value: [number, number] } {
  const min = Math.floor(c.min);
  const max = Math.ceil(c.max);
  return { min, max, value: [Math.min(max, Math.ceil(c.tissueBone)), max] };
}

/**
 * On entering our mode with a loaded series: its presets in OHIF's 3D rendering menu (through
 * the `cornerstone.3dVolumeRendering` customization) and known to Cornerstone by name, the
 * 3D layouts opening with its default preset, and OHIF's threshold brush on its value range. Returns what undoes the layouts' change (the
 * presets stay listed; they are replaced when the next series loads).
 */
export function enterStackVolumeRendering(services: Services, viewportPresets: VolumeRenderingPreset[]): { defaultPreset?: string; leave: () => void } {
  const series = services.imageStackService.latest();
  if (!series) return { leave: () => undefined };
  const { presets, defaultPreset, classes } = presetsForSeries(series);
  upsertViewportPresets(viewportPresets, presets);
  // read when the mode registers its toolbar: so this runs before the base mode's onModeEnter
  services.customizationService.setGlobalCustomization(SEGMENTATION_BUTTONS_CUSTOMIZATION, {
    $apply: (buttons: any[]) => withLabelmapToolsFrom3D(withThresholdBrushRange(buttons, thresholdBrushRangeFor(classes))),
  });
  services.customizationService.setGlobalCustomization(VOLUME_RENDERING_CUSTOMIZATION, {
    volumeRenderingPresets: { $set: menuPresets(presets, viewportPresets) },
  });
  const originals: Array<[string, unknown]> = [];
  for (const id of PROTOCOLS_WITH_3D) {
    let protocol;
    try {
      protocol = services.hangingProtocolService.getProtocolById(id);
    } catch {
      continue; // not in this host build
    }
    const ours = protocol && withDefault3DPreset(protocol, defaultPreset);
    if (!ours || ours === protocol) continue;
    originals.push([id, protocol]);
    services.hangingProtocolService.addProtocol(id, ours);
  }
  return {
    defaultPreset,
    leave: () => {
      for (const [id, protocol] of originals) services.hangingProtocolService.addProtocol(id, protocol);
    },
  };
}
