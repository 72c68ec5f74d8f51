/**
 * File ▸ Open Dataset on a Ptychodus product or diffraction file alone: the core says which
 * partner is missing (error code), and dataset.open with `diffraction_file` opens the pair —
 * the same scan as the Ptychodus folder. The host accepts the new field and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { newSession } from '../../../compute/core/session';
import { openDataset } from '../../../compute/core/datasetHandlers';
import { CoreError } from '../../../compute/core/errors';
import { validateRequest } from '../../../electron/host/validate';

const golden = (f: string): string => fileURLToPath(new URL(`../formats/golden/${f}`, import.meta.url));
const product = golden('ptychodus/product-in.h5');
const diffraction = golden('ptychodus/diffraction.h5');

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    return (e as CoreError).code;
  }
  return 'opened';
}

describe('pairing a Ptychodus product with its diffraction file (dataset.open)', () => {
  it('names the missing partner by code, then opens the pair as the folder opens', async () => {
    expect(await codeOf(openDataset(newSession(), product))).toBe('needs-diffraction-file');
    expect(await codeOf(openDataset(newSession(), diffraction))).toBe('needs-product-file');
    const paired = await openDataset(newSession(), product, diffraction);
    const folder = await openDataset(newSession(), golden('ptychodus'));
    expect(paired.patterns).toBe(folder.patterns);
    expect(Array.from(paired.x)).toEqual(Array.from(folder.x));
    expect(paired.pixelSizeM).toBe(folder.pixelSizeM);
  });

  it('the host validator takes diffraction_file as a path and refuses other fields', () => {
    expect(validateRequest('dataset.open', { path: product, diffraction_file: diffraction }).params).toEqual({
      path: product,
      diffraction_file: diffraction,
    });
    expect(() => validateRequest('dataset.open', { path: product, diffraction: diffraction })).toThrow(
      /unexpected field 'diffraction'/,
    );
    expect(() => validateRequest('dataset.open', { path: product, diffraction_file: 3 })).toThrow(
      /diffraction_file/,
    );
  });
});
