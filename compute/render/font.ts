/**
 * A compact 5×8 bitmap font (ASCII 32–126 and the few symbols figure labels use: − × · π φ µ ° ²
 * … ₀), drawn by hand for this project, for titles and tick labels in figure PNGs. Each glyph is
 * 8 base-32 digits, one per row from the top (row 8 is the descender), bit 4 = leftmost column.
 * Characters it lacks are drawn as '?'.
 */

const CHARS =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~−×·πφµ°²…₀';
const DATA =
  '0000000044444040aaa00000aavavaa04fke5u40op248j30cik8lid044800000248884208422248004lel400044v4400' +
  '00000c48000v000000000cc001248g00ehjlphe04c4444e0eh1248v0v2421he026aiv220vgu11he068guhhe0v1248880' +
  'ehhehhe0ehhf12c00cc0cc000cc0c480248g842000v0v00084212480eh124040eh1dlle0ehhhvhh0uhhuhhu0ehggghe0' +
  'sihhhis0vgguggv0vgguggg0ehgnhhf0hhhvhhh0e44444e072222ic0hikokih0ggggggv0hrllhhh0hhpljhh0ehhhhhe0' +
  'uhhuggg0ehhhlid0uhhukih0fgge11u0v4444440hhhhhhe0hhhhha40hhhllla0hha4ahh0hhha4440v1248gv0e88888e0' +
  '0g842100e22222e04ah00000000000v08420000000e1fhf0ggmphhu000egghe011djhhf000ehvge0698s888000fhhf1e' +
  'ggmphhh040c444e0206222icggikoki0c44444e000qllhh000mphhh000ehhhe000uhhugg00fhhf1100mpggg000fge1u0' +
  '88s8896000hhhjd000hhha4000hhlla000ha4ah000hhhf1e00v248v0244844204444444084424480008l2000000v0000' +
  '0ha4ah00000cc00000vaaa9004elle4400hhhrlgcic00000c24e0000000000l00000ciic';

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 8;
/** Horizontal advance per character, in font pixels (one blank column). */
export const GLYPH_ADVANCE = 6;

const index = new Map<string, number>();
Array.from(CHARS).forEach((c, i) => index.set(c, i));

/** The 8 row bit-masks of a character (bit 4 = leftmost column). */
export function glyphRows(ch: string): number[] {
  const i = index.get(ch) ?? index.get('?')!;
  return Array.from(DATA.slice(i * 8, i * 8 + 8), (d) => parseInt(d, 32));
}

/** Width in output pixels of `text` drawn at integer `scale`. */
export function textWidth(text: string, scale = 1): number {
  const n = Array.from(text).length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale;
}

/** Draws `text` into an RGBA buffer with its top-left corner at (x, y); clipped to the buffer. */
export function drawText(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  text: string,
  x: number,
  y: number,
  color: readonly [number, number, number, number],
  scale = 1,
): void {
  let cx = Math.round(x);
  const top = Math.round(y);
  for (const ch of Array.from(text)) {
    const rows = glyphRows(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      const bits = rows[r]!;
      if (!bits) continue;
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - c)))) continue;
        for (let dy = 0; dy < scale; dy++) {
          const py = top + r * scale + dy;
          if (py < 0 || py >= height) continue;
          for (let dx = 0; dx < scale; dx++) {
            const px = cx + c * scale + dx;
            if (px < 0 || px >= width) continue;
            rgba.set(color, (py * width + px) * 4);
          }
        }
      }
    }
    cx += GLYPH_ADVANCE * scale;
  }
}
