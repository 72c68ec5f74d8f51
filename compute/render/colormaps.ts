/**
 * Colormaps as 256-entry RGBA lookup tables (LUTs).
 *
 * Sources (all computed here, nothing is loaded at run time):
 * - viridis, magma, inferno, cividis: matplotlib's published 256-entry tables (`_cm_listed.py`;
 *   viridis/magma/inferno by van der Walt & Smith, CC0; cividis by Nuñez, Anderton & Renslow 2018),
 *   sampled every 8th entry plus the last (33 anchors, stored as 8-bit sRGB hex) and linearly
 *   interpolated in sRGB. Checked against the full tables: max error 2/255 per channel (5/255 for
 *   cividis at its knee near entry 22, where red leaves 0), mean ≈ 0.2/255.
 * - gray: linear ramp.
 * - twilight: a twilight-like cyclic map built here in OKLab (Ottosson 2020) from
 *   θ ∈ [0, 2π): lightness L = 0.61 + 0.31·cos θ, chroma 0.13·|sin θ| (so the lightest and the
 *   darkest points are both neutral), hue blue → violet on the first half-turn and magenta → orange
 *   on the second. Cyclic by construction: entry 256 would equal entry 0, so phases −π and +π get
 *   (nearly) the same colour. The LUT is rotated half a turn (like matplotlib's `twilight_shifted`)
 *   so that, with the usual phase range (−π, π], phase 0 is the light neutral grey, |phase| → π
 *   the dark one, positive phase cool (blue) and negative phase warm (red): a flat background is
 *   quiet and the sign of a phase excursion is read from its hue.
 * - hsv: the classic HSV hue wheel (S = V = 1), cyclic; not perceptually uniform but familiar
 *   (Ptychodus' default for phase).
 */

export type ColormapName = 'viridis' | 'magma' | 'inferno' | 'cividis' | 'gray' | 'twilight' | 'hsv';

export const COLORMAP_NAMES: readonly ColormapName[] = [
  'viridis',
  'magma',
  'inferno',
  'cividis',
  'gray',
  'twilight',
  'hsv',
];
export const SEQUENTIAL_COLORMAPS: readonly ColormapName[] = [
  'viridis',
  'magma',
  'inferno',
  'cividis',
  'gray',
];
export const CYCLIC_COLORMAPS: readonly ColormapName[] = ['twilight', 'hsv'];

export const LUT_SIZE = 256;

export function isCyclic(name: ColormapName): boolean {
  return CYCLIC_COLORMAPS.includes(name);
}

export function isColormapName(name: string): name is ColormapName {
  return (COLORMAP_NAMES as readonly string[]).includes(name);
}

/** matplotlib table entries 0, 8, 16, …, 248, 255 as 8-bit sRGB hex. */
const ANCHORS: Record<'viridis' | 'magma' | 'inferno' | 'cividis', string> = {
  viridis:
    '440154470d6048186a482374472d7b4537814240863e49893b528b375b8d33638d2f6b8e2c728e297a8e26828e23898e21918c1f988b' +
    '1fa08822a78528ae8032b67a3fbc734ec36b5ec96270cf5784d44b98d83eaddc30c2df23d8e219ece51bfde725',
  magma:
    '0000040303120a0822130d341d114729115a36106b440f7651127c5d177f6a1c81762181832681902a819c2e7faa337db73779c43c75' +
    'd0416fdc4869e75263ef5d5ef56b5cf9795dfc8961fd9869fea772feb67cfec488fed395fde2a3fcf0b2fcfdbf',
  inferno:
    '0000040403120b0724150b37210c4a2f0a5b3d09654a0c6b57106e64156e71196e7d1e6d8a226a972766a32c61b0315bbc3754c73e4c' +
    'd24644db503be45a31eb6628f1731df68013f98e09fb9d07fcac11fbbc21f9cb35f5db4cf2ea69f3f68afcffa4',
  cividis:
    '00224e00285b002e6a0533711a386f273e6e32436d3b496c434e6c4b546c535a6d5a5f6e61656f686a716f70737676767d7c78848279' +
    '8c8878938e789b9476a39a74aba072b4a76fbcae6cc4b468cdbb63d5c25edec958e7d150f0d846f9e03afee838',
};

/** LUT entry index of the k-th anchor (every 8th entry, the last one at 255). */
function anchorIndex(k: number, count: number): number {
  return k === count - 1 ? LUT_SIZE - 1 : k * 8;
}

function lutFromAnchors(hex: string): Uint8ClampedArray {
  const count = hex.length / 6;
  const rgb: number[][] = [];
  for (let k = 0; k < count; k++) {
    rgb.push([0, 2, 4].map((o) => parseInt(hex.slice(k * 6 + o, k * 6 + o + 2), 16)));
  }
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  let k = 0;
  for (let i = 0; i < LUT_SIZE; i++) {
    while (k < count - 2 && anchorIndex(k + 1, count) <= i) k++;
    const i0 = anchorIndex(k, count);
    const i1 = anchorIndex(k + 1, count);
    const f = (i - i0) / (i1 - i0);
    for (let c = 0; c < 3; c++)
      lut[i * 4 + c] = Math.round(rgb[k]![c]! + f * (rgb[k + 1]![c]! - rgb[k]![c]!));
    lut[i * 4 + 3] = 255;
  }
  return lut;
}

function lutFromFunction(f: (t: number) => [number, number, number]): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const [r, g, b] = f(i / (LUT_SIZE - 1));
    lut[i * 4] = Math.round(r);
    lut[i * 4 + 1] = Math.round(g);
    lut[i * 4 + 2] = Math.round(b);
    lut[i * 4 + 3] = 255;
  }
  return lut;
}

/** Linear-light channel → 8-bit sRGB (IEC 61966-2-1 transfer curve), clipped to the gamut. */
function encodeSrgb(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055);
}

/** OKLab (L, a, b) → 8-bit sRGB, Ottosson's published matrices. */
export function oklabToSrgb(L: number, a: number, b: number): [number, number, number] {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    encodeSrgb(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    encodeSrgb(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    encodeSrgb(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}

/** Twilight-like cyclic map; t ∈ [0, 1] ↔ θ = 2π·t·255/256 so that entry 256 would wrap to 0. */
function twilight(t: number): [number, number, number] {
  const theta = 2 * Math.PI * t * ((LUT_SIZE - 1) / LUT_SIZE);
  const L = 0.61 + 0.31 * Math.cos(theta);
  const C = 0.13 * Math.abs(Math.sin(theta));
  // First half-turn blue (240°) → violet (300°); second half magenta (350°) → orange (400° = 40°).
  const hueDeg = theta <= Math.PI ? 240 + 60 * (theta / Math.PI) : 350 + 50 * ((theta - Math.PI) / Math.PI);
  const h = (hueDeg * Math.PI) / 180;
  return oklabToSrgb(L, C * Math.cos(h), C * Math.sin(h));
}

function hsvWheel(t: number): [number, number, number] {
  const h = 6 * t * ((LUT_SIZE - 1) / LUT_SIZE);
  const channel = (n: number): number => {
    const k = (n + h) % 6;
    return 255 * (1 - Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [channel(5), channel(3), channel(1)];
}

const cache = new Map<ColormapName, Uint8ClampedArray>();

function build(name: ColormapName): Uint8ClampedArray {
  switch (name) {
    case 'viridis':
    case 'magma':
    case 'inferno':
    case 'cividis':
      return lutFromAnchors(ANCHORS[name]);
    case 'gray':
      return lutFromFunction((t) => [255 * t, 255 * t, 255 * t]);
    case 'twilight': {
      // Shift by half a turn so that LUT index 0 (phase −π) and 255 (phase ≈ +π) are the light
      // neutral point and phase 0 (index 128) is the dark neutral point.
      const base = lutFromFunction(twilight);
      const lut = new Uint8ClampedArray(LUT_SIZE * 4);
      for (let i = 0; i < LUT_SIZE; i++)
        lut.set(base.subarray(((i + 128) % LUT_SIZE) * 4, ((i + 128) % LUT_SIZE) * 4 + 4), i * 4);
      return lut;
    }
    case 'hsv':
      return lutFromFunction(hsvWheel);
  }
}

/**
 * The 256-entry RGBA LUT (1024 bytes, alpha = 255) of a colormap. Built once and cached; treat the
 * returned array as read-only.
 */
export function getColormap(name: ColormapName): Uint8ClampedArray {
  let lut = cache.get(name);
  if (!lut) {
    lut = build(name);
    cache.set(name, lut);
  }
  return lut;
}

const packedCache = new Map<ColormapName, Uint32Array>();

/** True on little-endian hosts (all current browsers/Electron targets); packed colours depend on it. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;

/** Packs r, g, b, a bytes into one 32-bit word in the host's byte order (for Uint32Array views of RGBA). */
export function packRgba(r: number, g: number, b: number, a: number): number {
  return LITTLE_ENDIAN
    ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** The LUT as 256 packed RGBA words, so a renderer writes one 32-bit word per pixel. */
export function getPackedColormap(name: ColormapName): Uint32Array {
  let packed = packedCache.get(name);
  if (!packed) {
    const lut = getColormap(name);
    packed = new Uint32Array(LUT_SIZE);
    for (let i = 0; i < LUT_SIZE; i++)
      packed[i] = packRgba(lut[i * 4]!, lut[i * 4 + 1]!, lut[i * 4 + 2]!, lut[i * 4 + 3]!);
    packedCache.set(name, packed);
  }
  return packed;
}

/** CIE L* (0–100) of an 8-bit sRGB colour (D65). Used to check perceptual monotonicity. */
export function srgbLightness(r: number, g: number, b: number): number {
  const lin = (c: number): number => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  const Y = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return Y > 216 / 24389 ? 116 * Math.cbrt(Y) - 16 : (24389 / 27) * Y;
}

/** CSS colour string of LUT entry i. */
export function lutCss(name: ColormapName, i: number): string {
  const lut = getColormap(name);
  const j = Math.max(0, Math.min(LUT_SIZE - 1, Math.round(i))) * 4;
  return `rgb(${lut[j]}, ${lut[j + 1]}, ${lut[j + 2]})`;
}

/** A CSS `linear-gradient(...)` approximating the map with `stops` stops (for small swatches). */
export function colormapGradientCss(name: ColormapName, direction = 'to right', stops = 16): string {
  const parts: string[] = [];
  for (let s = 0; s < stops; s++) {
    const t = s / (stops - 1);
    parts.push(`${lutCss(name, t * (LUT_SIZE - 1))} ${(t * 100).toFixed(1)}%`);
  }
  return `linear-gradient(${direction}, ${parts.join(', ')})`;
}
