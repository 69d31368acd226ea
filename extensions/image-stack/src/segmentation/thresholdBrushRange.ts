/** OHIF's segmentation toolbar button whose options hold the threshold brush range. */
const THRESHOLD_BUTTON_ID = 'Threshold';
const RANGE_OPTION_ID = 'threshold-range';

/**
 * OHIF's threshold brush comes with a −1000…1000 slider defaulting to 50–600 (Hounsfield
 * units). Our series hold stored grey values, 0–255 for the screen captures and 8-bit exports
 * most users bring, so the slider is set to that scale. Returns new button definitions; the
 * input is not changed. Buttons or options that are not there are left alone.
 */
export function withThresholdBrushRange(buttons: any[], { min = 0, max = 255, value = [128, 255] as [number, number] } = {}): any[] {
  if (!Array.isArray(buttons)) return buttons;
  return buttons.map(button => {
    if (button?.id !== THRESHOLD_BUTTON_ID || !Array.isArray(button.props?.options)) return button;
    return {
      ...button,
      props: {
        ...button.props,
        options: button.props.options.map((option: any) => (option?.id === RANGE_OPTION_ID ? { ...option, min, max, step: 1, value: [...value] } : option)),
      },
    };
  });
}
