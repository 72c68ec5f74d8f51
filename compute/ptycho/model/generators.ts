/**
 * The generator registry (PtychoPINN's `model.architecture`): the network that maps the scaled
 * diffraction amplitudes `(B, C, N, N)` to the object's amplitude and phase patches. Every
 * generator keeps the CNN's output contract — amplitude via amp_activation and phase via π·tanh,
 * C channels when object_big, the decoder_last centre/border conventions — so the physics,
 * the overlap constraint, the exported `diffraction_to_obj` (NHWC I/O) and stitching do not
 * depend on which one is used.
 */
import { Graph, type Tensor } from '../../engine';
import { countParams, NetworkBuilder, type ParamDecl } from './network';
import { OperatorGenerator } from './operator';
import { BackProjectionUNet } from './backprojection';
import type { ProbeArrays } from './pinn';
import type { Architecture, PinnModelSpec } from './spec';

export interface Generator {
  /** Parameters the generator declared (names, shapes, initialisers), in creation order. */
  readonly decls: ParamDecl[];
  /**
   * `x (B, C, N, N)` (amplitudes / intensity scale) → `amp`, `phase (B, C', N, N)`; `shifts
   * (B, C, 2)` the patches' coords_relative when gridsize > 1 (generators may ignore them).
   */
  objectHeads(x: Tensor, shifts?: Tensor | null): { amp: Tensor; phase: Tensor };
}

const REGISTRY: Record<Architecture, (g: Graph, spec: PinnModelSpec, probe?: ProbeArrays) => Generator> = {
  cnn: (g, spec) => new NetworkBuilder(g, spec),
  fno: (g, spec) => new OperatorGenerator(g, spec, 'fno'),
  ffno: (g, spec) => new OperatorGenerator(g, spec, 'ffno'),
  bpunet: (g, spec, probe) => new BackProjectionUNet(g, spec, probe),
};

/**
 * @param probe the (normalised) probe of the training graph: generators that use the physics in
 *   front of the network (bpunet) keep it as a frozen parameter; absent when the graph is rebuilt
 *   for export (the saved value is baked in).
 */
export function makeGenerator(g: Graph, spec: PinnModelSpec, probe?: ProbeArrays): Generator {
  const arch = spec.architecture ?? 'cnn';
  const make = REGISTRY[arch];
  if (!make)
    throw new Error(
      `architecture must be one of ${Object.keys(REGISTRY).join(', ')}, got ${JSON.stringify(arch)}`,
    );
  return make(g, spec, probe);
}

/**
 * Size and forward cost of a generator per sample: parameter count and FLOPs of its matmuls and
 * convolutions (2 per multiply–add; elementwise ops, a few % of the total, not counted).
 */
export function generatorCost(spec: PinnModelSpec): { params: number; flops: number } {
  const g = new Graph();
  const C = spec.gridsize * spec.gridsize;
  const gen = makeGenerator(g, spec);
  gen.objectHeads(g.input('x', ['B', C, spec.N, spec.N]), C > 1 ? g.input('offsets', ['B', C, 2]) : null);
  const numel = (t: Tensor) => t.shape.reduce<number>((p, d) => p * (d === 'B' ? 1 : d), 1);
  let flops = 0;
  for (const t of g.nodes) {
    if (t.op === 'matmul') flops += 2 * numel(t) * (t.inputs[0]!.shape.at(-1) as number);
    else if (t.op === 'conv2d')
      flops += 2 * numel(t) * (t.inputs[1]!.shape[1] as number) * t.attrs.kernel! ** 2;
  }
  return { params: countParams(gen.decls), flops };
}
