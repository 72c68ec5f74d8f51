/**
 * PNG output of 2-D maps and figures through the same colormaps and scaling the UI uses
 * (compute/render, pure TypeScript), encoded with fast-png.
 */
import { encode, decode } from 'fast-png';
import { renderToImageData } from '../render/image';
import type { ColormapName } from '../render/colormaps';
import { atomicWriteFileSync } from './atomicWrite';
import type { FigureImage } from '../render/figure';

export interface PngOptions {
  colormap: ColormapName;
  vmin?: number | null;
  vmax?: number | null;
  scale?: 'linear' | 'log' | 'sqrt';
}

export function encodeMapPng(
  values: ArrayLike<number>,
  width: number,
  height: number,
  o: PngOptions,
): Uint8Array {
  const rgba = renderToImageData(values, width, height, {
    colormap: o.colormap,
    scale: o.scale ?? 'linear',
    vmin: o.vmin ?? null,
    vmax: o.vmax ?? null,
    nanColor: [0, 0, 0, 255],
  });
  return encode({
    width,
    height,
    data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength),
    channels: 4,
    depth: 8,
  });
}

export function writeMapPng(
  path: string,
  values: ArrayLike<number>,
  width: number,
  height: number,
  o: PngOptions,
): void {
  atomicWriteFileSync(path, encodeMapPng(values, width, height, o));
}

/** A figure (compute/render/figure.ts: title, image, colour bar) as PNG bytes, RGBA. */
export function encodeFigurePng(f: FigureImage): Uint8Array {
  return encode({
    width: f.width,
    height: f.height,
    data: new Uint8Array(f.rgba.buffer, f.rgba.byteOffset, f.rgba.byteLength),
    channels: 4,
    depth: 8,
  });
}

export function writeFigurePng(path: string, f: FigureImage): void {
  atomicWriteFileSync(path, encodeFigurePng(f));
}

/** Decode (for tests and `inspect`). */
export function decodePng(bytes: Uint8Array): {
  width: number;
  height: number;
  data: Uint8Array | Uint16Array;
  channels: number;
} {
  const d = decode(bytes);
  return { width: d.width, height: d.height, data: d.data as Uint8Array, channels: d.channels };
}
