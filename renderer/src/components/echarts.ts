/**
 * ECharts, tree-shaken: only the charts/components these building blocks use, canvas renderer.
 *
 * Chart instances are large mutable objects with their own internal state; they must never be
 * made reactive (a Vue proxy around an ECharts instance breaks its internals and costs a lot).
 * createChart() therefore returns the instance wrapped in markRaw, and components keep it in a
 * plain `let` variable, not in ref()/reactive().
 */
import { markRaw } from 'vue';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { LineChart, ScatterChart, type LineSeriesOption, type ScatterSeriesOption } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ToolboxComponent,
  TooltipComponent,
  type DataZoomComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type ToolboxComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([
  LineChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  ToolboxComponent,
  LegendComponent,
  CanvasRenderer,
]);

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | DataZoomComponentOption
  | ToolboxComponentOption
  | LegendComponentOption
>;
export type { EChartsType };

export function createChart(el: HTMLElement): EChartsType {
  return markRaw(init(el, null, { renderer: 'canvas' }));
}

export interface ChartColors {
  fg: string;
  fgDim: string;
  border: string;
  grid: string;
  panel: string;
  accent: string;
  series: string[];
  batch: string;
  thresholds: string[];
  select: string;
  font: string;
}

/** Reads the theme's CSS variables (theme.css) so charts match the rest of the UI. */
export function chartColors(el: Element): ChartColors {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--pw-fg', '#e4e7eb'),
    fgDim: v('--pw-fg-dim', '#9aa3ad'),
    border: v('--pw-border', '#313741'),
    grid: v('--pw-grid-line', 'rgba(154,163,173,0.15)'),
    panel: v('--pw-raised', '#262b33'),
    accent: v('--pw-accent', '#4fa3e0'),
    series: [
      v('--pw-series-1', '#4fa3e0'),
      v('--pw-series-2', '#e0b24f'),
      v('--pw-series-3', '#b48ead'),
      v('--pw-series-4', '#4cc38a'),
    ],
    batch: v('--pw-series-batch', 'rgba(79,163,224,0.35)'),
    thresholds: [
      v('--pw-threshold-1', '#e5534b'),
      v('--pw-threshold-2', '#e0b24f'),
      v('--pw-threshold-3', '#9aa3ad'),
    ],
    select: v('--pw-select', '#ff6b6b'),
    font: v('--pw-font', 'system-ui, sans-serif'),
  };
}

/** Axis styling shared by all charts: dim labels, faint split lines, name in the middle. */
export function axisStyle(c: ChartColors, name: string) {
  return {
    name,
    nameLocation: 'middle' as const,
    nameTextStyle: { color: c.fgDim, fontSize: 11 },
    axisLine: { lineStyle: { color: c.border } },
    axisTick: { lineStyle: { color: c.border } },
    axisLabel: { color: c.fgDim, fontSize: 11 },
    splitLine: { lineStyle: { color: c.grid } },
  };
}

export function tooltipStyle(c: ChartColors) {
  return {
    backgroundColor: c.panel,
    borderColor: c.border,
    textStyle: { color: c.fg, fontSize: 12 },
  };
}

/** Observes the element's size and resizes the chart; returns a disposer. */
export function autoResize(el: HTMLElement, chart: EChartsType, after?: () => void): () => void {
  if (typeof ResizeObserver === 'undefined') return () => {};
  const ro = new ResizeObserver(() => {
    chart.resize();
    after?.();
  });
  ro.observe(el);
  return () => ro.disconnect();
}
