/** zod schemas of a safetensors header (https://huggingface.co/docs/safetensors), used by checkSafetensors. */
import { z } from 'zod';

const offset = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

export const safetensorsHeaderSchema = z.record(z.string(), z.unknown());

export const safetensorsMetadataSchema = z.record(z.string(), z.string().max(1_000_000));

export const safetensorsEntrySchema = z.strictObject({
  dtype: z.string().max(20),
  shape: z.array(z.int().min(0).max(Number.MAX_SAFE_INTEGER)).max(16),
  data_offsets: z.tuple([offset, offset]),
});
