/**
 * PNG output of 2-D maps through the same colormaps and scaling the UI uses
 * (renderer/src/render, pure TypeScript), encoded with fast-png.
 */
import { encode, decode } from 'fast-png';
import { renderToImageData } from '../render/image';
import type { ColormapName } from '../render/colormaps';
import { atomicWriteFileSync } from './atomicWrite';

export interface PngOptions {
  colormap: ColormapName;
  vmin?: number | null;
  vmax?: number | null;
  scale?: 'linear' | 'log' | 'sqrt';
}

export function encodeMapPng(values: ArrayLike<number>, width: number, height: number, o: PngOptions): Uint8Array {
  const rgba = renderToImageData(values, width, height, { colormap: o.colormap, scale: o.scale ?? 'linear', vmin: o.vmin ?? null, vmax: o.vmax ?? null, nanColor: [0, 0, 0, 255] });
  return encode({ width, height, data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength), channels: 4, depth: 8 });
}

export function writeMapPng(path: string, values: ArrayLike<number>, width: number, height: number, o: PngOptions): void {
  atomicWriteFileSync(path, encodeMapPng(values, width, height, o));
}

/** Side-by-side panels (same height) with a gap, e.g. ground truth | reconstruction. */
export function encodePanelsPng(panels: { values: ArrayLike<number>; width: number; height: number; opts: PngOptions }[], gap = 4): Uint8Array {
  const height = Math.max(...panels.map((p) => p.height));
  const width = panels.reduce((s, p) => s + p.width, 0) + gap * (panels.length - 1);
  const out = new Uint8Array(width * height * 4).fill(255);
  let x0 = 0;
  for (const p of panels) {
    const rgba = renderToImageData(p.values, p.width, p.height, { colormap: p.opts.colormap, scale: p.opts.scale ?? 'linear', vmin: p.opts.vmin ?? null, vmax: p.opts.vmax ?? null, nanColor: [0, 0, 0, 255] });
    for (let r = 0; r < p.height; r++) out.set(rgba.subarray(r * p.width * 4, (r + 1) * p.width * 4), (r * width + x0) * 4);
    x0 += p.width + gap;
  }
  return encode({ width, height, data: out, channels: 4, depth: 8 });
}

/** Decode (for tests and `inspect`). */
export function decodePng(bytes: Uint8Array): { width: number; height: number; data: Uint8Array | Uint16Array; channels: number } {
  const d = decode(bytes);
  return { width: d.width, height: d.height, data: d.data as Uint8Array, channels: d.channels };
}
