/**
 * Pan/zoom geometry of an image view, independent of the DOM so it can be unit tested.
 *
 * screen = image · scale + (tx, ty), in CSS pixels relative to the viewport's top-left corner;
 * image coordinates are continuous, pixel (col, row) covers [col, col+1) × [row, row+1), so the
 * pixel under a point is (floor(x), floor(y)) — x = column, y = row (DESIGN §8).
 */

export interface ViewTransform {
  scale: number;
  tx: number;
  ty: number;
}

export interface ZoomLimits {
  minScale: number;
  maxScale: number;
}

/** Largest scale that shows the whole image, centred. */
export function fitTransform(imageW: number, imageH: number, viewW: number, viewH: number): ViewTransform {
  if (!(imageW > 0 && imageH > 0 && viewW > 0 && viewH > 0)) return { scale: 1, tx: 0, ty: 0 };
  const scale = Math.min(viewW / imageW, viewH / imageH);
  return { scale, tx: (viewW - imageW * scale) / 2, ty: (viewH - imageH * scale) / 2 };
}

/** Zoom limits relative to the fit scale: out to 1/2 of fit, in to 64 screen px per image px. */
export function zoomLimits(fitScale: number): ZoomLimits {
  return { minScale: fitScale / 2, maxScale: Math.max(64, fitScale * 4) };
}

/** Zooms by `factor` keeping the image point under screen point (sx, sy) fixed. */
export function zoomAt(
  t: ViewTransform,
  factor: number,
  sx: number,
  sy: number,
  limits?: ZoomLimits,
): ViewTransform {
  let scale = t.scale * factor;
  if (limits) scale = Math.min(limits.maxScale, Math.max(limits.minScale, scale));
  const f = scale / t.scale;
  return { scale, tx: sx - (sx - t.tx) * f, ty: sy - (sy - t.ty) * f };
}

/** Wheel delta (pixels, as from WheelEvent with deltaMode 0) → zoom factor; 100 px ≈ ×1.25 like Ptychodus' notch. */
export function wheelFactor(deltaY: number): number {
  return Math.pow(1.25, -deltaY / 100);
}

export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  return { scale: t.scale, tx: t.tx + dx, ty: t.ty + dy };
}

export function screenToImage(t: ViewTransform, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - t.tx) / t.scale, y: (sy - t.ty) / t.scale };
}

export function imageToScreen(t: ViewTransform, x: number, y: number): { sx: number; sy: number } {
  return { sx: x * t.scale + t.tx, sy: y * t.scale + t.ty };
}

/** Integer pixel under a screen point, or null outside the image. */
export function pixelAt(
  t: ViewTransform,
  sx: number,
  sy: number,
  imageW: number,
  imageH: number,
): { x: number; y: number } | null {
  const p = screenToImage(t, sx, sy);
  const x = Math.floor(p.x);
  const y = Math.floor(p.y);
  return x >= 0 && y >= 0 && x < imageW && y < imageH ? { x, y } : null;
}

/** CSS transform string for an element whose top-left is the image origin. */
export function cssTransform(t: ViewTransform): string {
  return `translate(${t.tx}px, ${t.ty}px) scale(${t.scale})`;
}
