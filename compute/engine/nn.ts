/**
 * Layer helpers on top of Graph + ParamStore: each declares its named parameters (Keras-style
 * initialisation) and returns the output tensor. Names nest with `scope`: `enc.0.conv1.w`.
 */
import type { Graph, Tensor } from './ir';
import { EngineError } from './ir';
import { type Init, type ParamStore, glorotFor } from './params';

export class Layers {
  constructor(
    readonly g: Graph,
    readonly params: ParamStore,
    readonly prefix = '',
  ) {}

  scope(name: string): Layers {
    return new Layers(this.g, this.params, `${this.prefix}${name}.`);
  }

  /** Declare (or reuse) a parameter in the store and the graph. */
  param(name: string, shape: readonly number[], init: Init): Tensor {
    const full = this.prefix + name;
    this.params.create(full, shape, init);
    return this.g.param(full, shape);
  }

  /** 3×3 (or k×k) same-padded conv with bias; weights Glorot-uniform, bias zero. */
  conv2d(name: string, x: Tensor, cout: number, { kernel = 3, bias = true } = {}): Tensor {
    const cin = x.shape[1];
    if (typeof cin !== 'number')
      throw new EngineError(`conv2d '${this.prefix}${name}': input channels must be static`);
    const s = this.scope(name);
    const wShape = [cout, cin, kernel, kernel];
    const w = s.param('w', wShape, glorotFor(wShape));
    return bias ? this.g.conv2d(x, w, s.param('b', [cout], { kind: 'zeros' })) : this.g.conv2d(x, w);
  }

  /** x (..., in) @ W (in, units) + b. */
  dense(name: string, x: Tensor, units: number, { bias = true } = {}): Tensor {
    const cin = x.shape[x.rank - 1];
    if (typeof cin !== 'number')
      throw new EngineError(`dense '${this.prefix}${name}': input features must be static`);
    const s = this.scope(name);
    const y = x.rank >= 2 ? x.matmul(s.param('w', [cin, units], glorotFor([cin, units]))) : x;
    return bias ? y.add(s.param('b', [units], { kind: 'zeros' })) : y;
  }
}
