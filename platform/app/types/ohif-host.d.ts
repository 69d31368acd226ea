// Typings for the host-provided modules. The published @ohif packages ship no usable .d.ts
// for a runtime plugin, so these are deliberately loose: the shapes we rely on are checked by
// the browser tests against the real viewer.
declare const anyExport: any;
export default anyExport;
export const DicomMetadataStore: any;
export const IWebApiDataSource: any;
export const classes: any;
export const utils: any;
export const Button: any;
export const Input: any;
export const Label: any;
export const Icons: any;
export const PanelSection: any;
export const Switch: any;
export const toast: any;
