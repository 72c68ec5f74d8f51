/** Physical lengths for read-outs and scale bars: the neutral rule in compute/render/units.ts. */
export { formatLengthM, scaleBar, type ScaleBar } from '../../../compute/render/units';
