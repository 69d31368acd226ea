// Stands in for the host-provided @ohif/core and @ohif/ui-next in Node unit tests. Only
// plain data and pure functions of ours are unit-tested; anything that needs the real host
// is covered by the browser tests in tests/e2e against the real viewer.
'use strict';
const React = require('react');
const component = name => {
  const C = props => React.createElement('div', { 'data-stub': name }, props.children);
  C.displayName = name;
  return C;
};
const PanelSection = component('PanelSection');
PanelSection.Header = component('PanelSection.Header');
PanelSection.Content = component('PanelSection.Content');
module.exports = {
  __esModule: true,
  default: { classes: {} },
  DicomMetadataStore: {},
  IWebApiDataSource: { create: impl => impl },
  classes: {},
  utils: {},
  Button: component('Button'),
  Input: component('Input'),
  Label: component('Label'),
  Icons: {},
  PanelSection,
  Switch: component('Switch'),
  toast: () => undefined,
};
