import { MODULE_NAMES } from './ids';
import { getCornerstone } from './utils/cornerstone';
import { enterStackVolumeRendering } from './volumeRendering/stackVolumePresets';

/**
 * Utility modules the mode calls: `volumeRendering.enter()` on mode entry makes the loaded
 * series' volume-rendering presets (from its histogram) OHIF's 3D menu's first choices and the
 * 3D layouts' default, and returns what to call on mode exit.
 */
export default function getUtilityModule({ servicesManager, extensionManager }: { servicesManager: any; extensionManager: any }) {
  return [
    {
      name: MODULE_NAMES.volumeRendering,
      exports: {
        enter(): { defaultPreset?: string; leave: () => void } {
          const { cornerstone } = getCornerstone(extensionManager);
          return enterStackVolumeRendering(servicesManager.services, cornerstone.CONSTANTS.VIEWPORT_PRESETS);
        },
      },
    },
  ];
}
