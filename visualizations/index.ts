export { stateChartDot, chartColors, type StateChartHighlight } from './stateChartDot.js';
export { renderSvg } from './renderSvg.js';
export { sessionTimelineSvg, type SessionTimelineEntry } from './sessionTimelineSvg.js';
export { stateChartOf, type StateChart, type ChartState, type ChartTransition, type ChartTransitionKind, type ChartStateKind } from './stateChartModel.js';
export { dottedStatePath, stateValueLeafPaths } from './stateValuePaths.js';
