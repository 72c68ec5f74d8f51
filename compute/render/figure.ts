/**
 * Publication figures as RGBA bitmaps: an image with a title and a colour bar (ticks, unit),
 * drawn with the same colormaps, scales and tick rules as the UI, enlarged by an integer factor
 * (nearest neighbour, so pixels stay pixels). Pixels without data (outside the scan) are
 * transparent. Several figures tile into one (`tileFigures`). Pure: no Node, no DOM.
 */
import { getColormap, type ColormapName } from './colormaps';
import { renderWithLimits } from './image';
import { type ScaleKind } from './scale';
import { colorbarTicks } from './ticks';
import { drawText, textWidth, GLYPH_HEIGHT } from './font';
import { scaleBar } from './units';

export interface FigurePanel {
  title: string;
  values: ArrayLike<number>;
  width: number;
  height: number;
  colormap: ColormapName;
  scale?: ScaleKind;
  vmin?: number | null;
  vmax?: number | null;
  /** Colour bar label: the unit of the values ('rad', 'a.u.'). */
  unit: string;
  /**
   * Coverage per pixel (patch counts, illumination): below 1 % of its maximum there is no data
   * (drawn transparent, left out of the colour limits).
   */
  mask?: ArrayLike<number> | null;
  /** Object pixel size in metres: draws a scale bar (a round 1-2-5 length) under the image. */
  pixelSizeM?: number | null;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FigureImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  /** Where the image and the colour bar were drawn (absent on tiled figures). */
  layout?: { image: Box; bar: Box; zoom: number; scaleBar?: Box & { label: string; lengthM: number } };
}

export interface FigureLayout {
  /** The figure is at least this wide (px). Default 600. */
  minWidth?: number;
  /** The image's longer side is enlarged towards this many px (integer factor ≥ 1). Default 512. */
  imageSize?: number;
}

type Rgba = readonly [number, number, number, number];
const WHITE: Rgba = [255, 255, 255, 255];
const INK: Rgba = [25, 25, 25, 255];
const GREY: Rgba = [110, 110, 110, 255];
const TEXT = 2; // font scale: 10×16 px characters
const M = 16; // margin
const BAR_W = 18;

function fill(img: FigureImage, x: number, y: number, w: number, h: number, c: Rgba): void {
  for (let r = Math.max(0, y); r < Math.min(img.height, y + h); r++)
    for (let q = Math.max(0, x); q < Math.min(img.width, x + w); q++)
      img.rgba.set(c, (r * img.width + q) * 4);
}

/** The integer enlargement that brings the longer side of w×h closest to `target`. */
export function zoomFactor(w: number, h: number, target = 512): number {
  return Math.max(1, Math.round(target / Math.max(w, h, 1)));
}

export function renderFigure(p: FigurePanel, layout: FigureLayout = {}): FigureImage {
  const { width: w, height: h } = p;
  const k = zoomFactor(w, h, layout.imageSize ?? 512);
  let values: ArrayLike<number> = p.values;
  if (p.mask) {
    const v = new Float32Array(w * h);
    let peak = 0;
    for (let i = 0; i < w * h; i++) if (p.mask[i]! > peak) peak = p.mask[i]!;
    const floor = peak * 0.01;
    for (let i = 0; i < w * h; i++) v[i] = p.mask[i]! > floor ? p.values[i]! : NaN;
    values = v;
  }
  const kind = p.scale ?? 'linear';
  const { rgba: src, limits } = renderWithLimits(values, w, h, {
    colormap: p.colormap,
    scale: kind,
    vmin: p.vmin ?? null,
    vmax: p.vmax ?? null,
    nanColor: [0, 0, 0, 0],
  });
  const ticks = colorbarTicks(kind, limits.vmin, limits.vmax, 6);
  const labelW = Math.max(textWidth(p.unit, TEXT), ...ticks.map((t) => textWidth(t.label, TEXT)));

  const lineH = GLYPH_HEIGHT * TEXT;
  const imgX = M;
  const imgY = M + lineH + 12;
  const imgW = w * k;
  const imgH = h * k;
  const barX = imgX + imgW + 16;
  const barH = Math.max(imgH, 240); // wide images: the bar keeps room for its ticks
  const width = Math.max(
    layout.minWidth ?? 600,
    barX + BAR_W + 11 + labelW + M,
    M + textWidth(p.title, TEXT) + M,
  );
  // scale bar: at most a quarter of the image wide, under its lower left corner
  const sb = p.pixelSizeM ? scaleBar(p.pixelSizeM, k, imgW / 4) : null;
  const sbY = imgY + imgH + 10;
  const height = Math.max(imgY + barH + 8 + lineH + M, sb ? sbY + lineH + M : 0);
  const img: FigureImage = {
    width,
    height,
    rgba: new Uint8ClampedArray(width * height * 4),
    layout: {
      image: { x: imgX, y: imgY, width: imgW, height: imgH },
      bar: { x: barX, y: imgY, width: BAR_W, height: barH },
      zoom: k,
    },
  };
  if (sb)
    img.layout!.scaleBar = {
      x: imgX,
      y: sbY + lineH / 2 - 2,
      width: Math.max(1, Math.round(sb.lengthPx)),
      height: 4,
      label: sb.label,
      lengthM: sb.lengthM,
    };
  fill(img, 0, 0, width, height, WHITE);

  drawText(img.rgba, width, height, p.title, M, M, INK, TEXT);
  // the image, enlarged; no-data pixels stay transparent
  for (let r = 0; r < imgH; r++) {
    const sr = Math.floor(r / k);
    for (let q = 0; q < imgW; q++)
      img.rgba.set(
        src.subarray((sr * w + Math.floor(q / k)) * 4, (sr * w + Math.floor(q / k)) * 4 + 4),
        ((imgY + r) * width + imgX + q) * 4,
      );
  }
  // colour bar: top = vmax, in the scale's spacing, framed, ticks and labels on its right
  const lut = getColormap(p.colormap);
  for (let r = 0; r < barH; r++) {
    const t = barH > 1 ? 1 - r / (barH - 1) : 1;
    const i = Math.round(t * 255) * 4;
    fill(img, barX, imgY + r, BAR_W, 1, [lut[i]!, lut[i + 1]!, lut[i + 2]!, 255]);
  }
  fill(img, barX - 1, imgY - 1, BAR_W + 2, 1, GREY);
  fill(img, barX - 1, imgY + barH, BAR_W + 2, 1, GREY);
  fill(img, barX - 1, imgY - 1, 1, barH + 2, GREY);
  fill(img, barX + BAR_W, imgY - 1, 1, barH + 2, GREY);
  for (const t of ticks) {
    const y = imgY + Math.round((1 - t.position) * (barH - 1));
    fill(img, barX + BAR_W, y, 6, 1, INK);
    drawText(
      img.rgba,
      width,
      height,
      t.label,
      barX + BAR_W + 11,
      Math.min(Math.max(y - lineH / 2 + 1, imgY - 4), imgY + barH - lineH + 4),
      INK,
      TEXT,
    );
  }
  drawText(img.rgba, width, height, p.unit, barX, imgY + barH + 8, GREY, TEXT);
  const sbBox = img.layout!.scaleBar;
  if (sbBox) {
    fill(img, sbBox.x, sbBox.y, sbBox.width, sbBox.height, INK);
    fill(img, sbBox.x, sbBox.y - 3, 1, sbBox.height + 6, INK);
    fill(img, sbBox.x + sbBox.width - 1, sbBox.y - 3, 1, sbBox.height + 6, INK);
    drawText(img.rgba, width, height, sbBox.label, sbBox.x + sbBox.width + 8, sbY, INK, TEXT);
  }
  return img;
}

/** Figures side by side in rows of `columns`, on white, each cell as large as the largest figure. */
export function tileFigures(figs: readonly FigureImage[], columns: number): FigureImage {
  const cw = Math.max(...figs.map((f) => f.width));
  const ch = Math.max(...figs.map((f) => f.height));
  const cols = Math.max(1, Math.min(columns, figs.length));
  const rows = Math.ceil(figs.length / cols);
  const out: FigureImage = {
    width: cw * cols,
    height: ch * rows,
    rgba: new Uint8ClampedArray(cw * cols * ch * rows * 4),
  };
  fill(out, 0, 0, out.width, out.height, WHITE);
  figs.forEach((f, n) => {
    const x0 = (n % cols) * cw;
    const y0 = Math.floor(n / cols) * ch;
    for (let r = 0; r < f.height; r++)
      out.rgba.set(f.rgba.subarray(r * f.width * 4, (r + 1) * f.width * 4), ((y0 + r) * out.width + x0) * 4);
  });
  return out;
}
