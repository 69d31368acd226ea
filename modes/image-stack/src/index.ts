import { IDS, MODE_ID, OHIF_IDS } from '@imagestack/extension-image-stack/ids';
import { modeConfiguration as ourConfiguration } from './modeConfiguration';

/**
 * The ImageStack mode: OHIF's own segmentation mode (compiled into the host viewer; its
 * labelmap tools, toolbar and segmentation panel work on our series as they are), extended
 * through its documented modeFactory/immutability-helper hook with our route name, our
 * workflow panel first on the right, and our hanging protocol. On entry, the loaded series'
 * volume-rendering presets join OHIF's 3D menu and become the 3D layouts' default, and the
 * threshold brush takes its value range; on exit the layouts get OHIF's default back.
 */
const mode = {
  id: MODE_ID,
  async modeFactory({ modeConfiguration, loadModules }: { modeConfiguration?: any; loadModules: (ids: string[]) => Promise<any[]> }) {
    const [segmentationMode] = await loadModules([OHIF_IDS.segmentationMode]);
    const base = segmentationMode.modeFactory.call(segmentationMode, {
      modeConfiguration: { ...ourConfiguration, ...(modeConfiguration ?? {}) },
    });
    return withVolumeRendering(base);
  },
};

/**
 * `base` with our series' presets entered before its onModeEnter (which registers the toolbar,
 * whose threshold brush range they set) and left after its onModeExit.
 */
export function withVolumeRendering<M extends { onModeEnter?: (args: any) => unknown; onModeExit?: (args: any) => unknown }>(base: M): M {
  let leave: (() => void) | undefined;
  return {
    ...base,
    onModeEnter(args: any) {
      const entry = args.extensionManager.getModuleEntry(IDS.volumeRendering);
      leave = entry?.exports.enter().leave;
      return base.onModeEnter?.call(this, args);
    },
    onModeExit(args: any) {
      const result = base.onModeExit?.call(this, args);
      leave?.();
      leave = undefined;
      return result;
    },
  };
}

export default mode;
