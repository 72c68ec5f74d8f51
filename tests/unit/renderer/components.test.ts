/**
 * Smoke test of the building blocks without a DOM: every SFC compiles (template + script setup)
 * and declares the props and events documented in renderer/src/components/README.md.
 */
import { describe, expect, it } from 'vitest';
import ColorBar from '../../../renderer/src/components/ColorBar.vue';
import ComplexImagePair from '../../../renderer/src/components/ComplexImagePair.vue';
import DiffractionViewer from '../../../renderer/src/components/DiffractionViewer.vue';
import FrcChart from '../../../renderer/src/components/FrcChart.vue';
import ImageCanvas from '../../../renderer/src/components/ImageCanvas.vue';
import LossChart from '../../../renderer/src/components/LossChart.vue';
import MetricsTable from '../../../renderer/src/components/MetricsTable.vue';
import ScanScatter from '../../../renderer/src/components/ScanScatter.vue';

type Declared = { props?: Record<string, unknown>; emits?: string[] | Record<string, unknown> };
const propNames = (c: unknown): string[] => Object.keys((c as Declared).props ?? {}).sort();
const emitNames = (c: unknown): string[] => {
  const e = (c as Declared).emits ?? [];
  return (Array.isArray(e) ? e : Object.keys(e)).sort();
};

describe('component contracts', () => {
  it('ImageCanvas', () => {
    expect(propNames(ImageCanvas)).toEqual(
      [
        'clipPercent',
        'colorbar',
        'colormap',
        'cursor',
        'data',
        'height',
        'pixelSizeM',
        'revision',
        'scale',
        'testid',
        'title',
        'units',
        'view',
        'vmax',
        'vmin',
        'width',
      ].sort(),
    );
    expect(emitNames(ImageCanvas)).toEqual(['hover', 'limits', 'view-change']);
  });

  it('ComplexImagePair', () => {
    expect(propNames(ComplexImagePair)).toEqual(
      [
        'amplitude',
        'amplitudeClipPercent',
        'amplitudeColormap',
        'height',
        'im',
        'linkViews',
        'phase',
        'phaseColormap',
        'phaseLimits',
        're',
        'revision',
        'pixelSizeM',
        'testid',
        'title',
        'vertical',
        'width',
      ].sort(),
    );
    expect(emitNames(ComplexImagePair)).toEqual(['hover']);
  });

  it('ColorBar', () => {
    expect(propNames(ColorBar)).toEqual(['colormap', 'scale', 'ticks', 'units', 'vmax', 'vmin']);
  });

  it('DiffractionViewer', () => {
    expect(propNames(DiffractionViewer)).toEqual(
      [
        'cursor',
        'datasetKey',
        'frame',
        'frameCount',
        'getFrame',
        'height',
        'initialColormap',
        'initialScale',
        'title',
        'units',
        'width',
      ].sort(),
    );
    expect(emitNames(DiffractionViewer)).toEqual(['hover', 'update:frame']);
  });

  it('ScanScatter', () => {
    expect(propNames(ScanScatter)).toEqual(['selected', 'showPath', 'title', 'units', 'x', 'y']);
    expect(emitNames(ScanScatter)).toEqual(['select']);
  });

  it('LossChart, FrcChart, MetricsTable', () => {
    expect(propNames(LossChart)).toEqual([
      'batches',
      'epochs',
      'logScale',
      'title',
      'totalEpochs',
      'unit',
      'yLabel',
    ]);
    expect(emitNames(LossChart)).toEqual(['update:logScale']);
    expect(propNames(FrcChart)).toEqual(['curves', 'frequencyPerPx', 'halfBit', 'pixelSizeM', 'title']);
    expect(propNames(MetricsTable)).toEqual([
      'amplitude',
      'note',
      'phase',
      'pixelSizeM',
      'resolutionNm',
      'title',
    ]);
  });
});
