/**
 * The compute core's request handlers: one function per protocol method. The dispatcher
 * (server.ts) owns transport and error mapping; handlers only compute.
 */
import type { CoreInfo, MethodName, ParamsOf, ResultOf } from '../protocol';
import type { CoreSession, Emit } from './session';
import { datasetFrame, openDataset } from './datasetHandlers';
import { cancelTraining, openModel, saveCurrentModel, startTraining } from './lifecycleHandlers';
import {
  cancelReconstruction,
  compareReconstructions,
  exportReconstruction,
  runReconstruction,
} from './reconHandlers';

export interface CoreContext {
  info: CoreInfo;
  session: CoreSession;
  emit: Emit;
}

export type Handler<M extends MethodName> = (
  params: ParamsOf<M>,
  ctx: CoreContext,
) => Promise<ResultOf<M>> | ResultOf<M>;
export type HandlerTable = { [M in MethodName]?: Handler<M> };

export const handlers: HandlerTable = {
  'core.info': (_p, ctx) => ctx.info,
  'core.ping': (p) => ({ echo: p.echo, atMs: Date.now() }),
  'dataset.open': (p, ctx) => openDataset(ctx.session, p.path, p.diffraction_file),
  'dataset.frame': (p, ctx) => datasetFrame(ctx.session, p.index),
  'train.start': (p, ctx) => startTraining(ctx.session, ctx.emit, p),
  'train.cancel': (_p, ctx) => cancelTraining(ctx.session),
  'model.save': (p, ctx) => saveCurrentModel(ctx.session, p.path),
  'model.open': (p, ctx) => openModel(ctx.session, p.path),
  'recon.run': (p, ctx) => runReconstruction(ctx.session, ctx.emit, p),
  'recon.cancel': (_p, ctx) => cancelReconstruction(ctx.session),
  'recon.compare': (_p, ctx) => compareReconstructions(ctx.session),
  'recon.export': (p, ctx) => exportReconstruction(ctx.session, p.path, p.format),
};
