/**
 * Engine benchmark: a PtychoPINN-shaped network (mirror of ../shared/bench-reference/
 * ptychopinn_ref.py: N=64, n_filters_scale 2, encoder 64/128/256 with max-pool, two decoders
 * 128/64 with nearest upsampling + the border branch, polar object, gridsize-1 physics with
 * DFT matmuls, Poisson NLL, Adam) trained by the gradient compiler on ONNX Runtime CPU,
 * next to the PyTorch reference run in the same session.
 *
 *   npx tsx bench/engine.ts [--threads 2] [--reps 10] [--no-torch] [--no-layers] [--quick]
 *
 * Writes bench/results/engine.json and engine.md. For C=4 the physics omits the bilinear
 * sub-pixel translation that the PyTorch reference applies for gridsize 2 (noted in the table).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { readFileSync, readdirSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import {
  CompiledGraph,
  Graph,
  type Tensor,
  DEFAULT_LOWERING,
  type FilterGradStrategy,
  Layers,
  adam,
  ParamStore,
  ORT_VERSION,
  type SessionOptions,
  compileInference,
  compileTrainStep,
} from '../compute/engine';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const THREADS = opt('threads', 2);
const REPS = opt('reps', flag('quick') ? 3 : 10);
const B = 16,
  N = 64,
  SC = 2,
  INFER_B = 64;

// ---------------------------------------------------------------- network (mirrors ptychopinn_ref.py)
export function ptychoNet(g: Graph, ps: ParamStore, C: number) {
  const nn = new Layers(g, ps);
  const convRelu = (name: string, x: Tensor, co: number) => nn.conv2d(name, x, co).relu();
  const convPool = (name: string, x: Tensor, co: number) =>
    convRelu(`${name}.1`, convRelu(`${name}.0`, x, co), co).maxpool2();
  const convUp = (name: string, x: Tensor, co: number) =>
    convRelu(`${name}.1`, convRelu(`${name}.0`, x, co), co).upsample2();
  const q = N / 4;
  const border = g.constant(
    Array.from({ length: N * N }, (_, i) => {
      const r = Math.floor(i / N),
        c = i % N;
      return r >= q && r < N - q && c >= q && c < N - q ? 0 : 1;
    }),
    [N, N],
  );
  const decoder = (name: string, f0: Tensor, act: (t: Tensor) => Tensor) => {
    let f = convUp(`${name}.base.0`, f0, 64 * SC);
    f = convUp(`${name}.base.1`, f, 32 * SC);
    const cf = 32 * SC;
    const x1 = act(nn.conv2d(`${name}.c1`, f.slice([1], [0], [cf - 4]), C)).pad([
      [0, 0],
      [0, 0],
      [q, q],
      [q, q],
    ]);
    const x2 = nn
      .conv2d(`${name}.c2`, convUp(`${name}.up2`, f.slice([1], [cf - 4], [cf]), (SC * 2048) / N), C)
      .swish()
      .mul(border);
    return x1.add(x2);
  };
  const logScale = new Layers(g, ps).param('log_scale', [], {
    kind: 'constant',
    value: Math.log(Math.sqrt(1e9) / (N / 2)),
  });
  const x = g.input('x', ['B', C, N, N]);
  let f = x.div(logScale.exp());
  f = convPool('enc.0', f, 32 * SC);
  f = convPool('enc.1', f, 64 * SC);
  f = convPool('enc.2', f, 128 * SC);
  const amp = decoder('amp', f, (t) => t.sigmoid());
  const phase = decoder('phase', f, (t) => t.tanh().mul(Math.PI));
  const re = amp.mul(phase.cos()),
    im = amp.mul(phase.sin());
  return { x, re, im, logScale };
}

/** Gridsize-1 physics: canvas normalisation (TF's +0.001), probe, |FFT2| with fftshift folded into DFT matrices, Poisson NLL. */
export function physicsLoss(g: Graph, net: ReturnType<typeof ptychoNet>) {
  const q = N / 4;
  const norm = g.constant(
    Array.from({ length: N * N }, (_, i) => {
      const r = Math.floor(i / N),
        c = i % N;
      return 1 / ((r >= q && r < N - q && c >= q && c < N - q ? 1 : 0) + 1e-3);
    }),
    [N, N],
  );
  const probe = g.constant(
    Array.from({ length: N * N }, (_, i) => {
      const y = Math.floor(i / N) - N / 2 + 0.5,
        x = (i % N) - N / 2 + 0.5;
      return x * x + y * y < (N / 4) ** 2 ? 0.25 : 0;
    }),
    [N, N],
  );
  const fr: number[] = [],
    fi: number[] = [];
  for (let k = 0; k < N; k++)
    for (let n = 0; n < N; n++) {
      const kk = (k + N / 2) % N; // fftshift: output row k is frequency (k + N/2) mod N
      fr.push(Math.cos((-2 * Math.PI * kk * n) / N));
      fi.push(Math.sin((-2 * Math.PI * kk * n) / N));
    }
  const Fr = g.constant(fr, [N, N]),
    Fi = g.constant(fi, [N, N]);
  const FrT = Fr.transpose([1, 0]),
    FiT = Fi.transpose([1, 0]);
  const pr = net.re.mul(norm).mul(probe),
    pi = net.im.mul(norm).mul(probe);
  const yr = Fr.matmul(pr).sub(Fi.matmul(pi)),
    yi = Fr.matmul(pi).add(Fi.matmul(pr));
  const zr = yr.matmul(FrT).sub(yi.matmul(FiT)),
    zi = yr.matmul(FiT).add(yi.matmul(FrT));
  const A = zr
    .square()
    .add(zi.square())
    .mul(1 / (N * N))
    .add(1e-12)
    .sqrt();
  const pred = A.mul(net.logScale.exp());
  const Ihat = pred.square(),
    I = net.x.square();
  return Ihat.sub(I.mul(Ihat.add(1e-12).log())).mean();
}

// ---------------------------------------------------------------- timing helpers
async function median(fn: () => Promise<unknown>, reps: number, warm = 3): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}
async function minOf(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}
const la = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
const rand = (n: number, scale = 1) => {
  let s = 12345;
  return Float32Array.from(
    { length: n },
    () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * scale,
  );
};
const SPIN = args.includes('--spin'); // ORT thread spinning (off by default in the engine)
const sess = (): SessionOptions => ({ threads: THREADS, optimization: 'all', spin: SPIN });

interface NetResult {
  C: number;
  convParams: number;
  trainStepMs: number;
  trainSamplesPerS: number;
  forwardMs: number;
  inferBatch64Ms: number;
  inferPatternsPerS: number;
  opTimesMs?: Record<string, number>;
  load: string;
}

async function benchNet(C: number, profile: boolean): Promise<NetResult> {
  const ps = new ParamStore(0);
  const g = new Graph();
  const net = ptychoNet(g, ps, C);
  const loss = physicsLoss(g, net);
  const convParams = ps.count(/^(enc|amp|phase)\./);
  const s = Math.sqrt(1e9) / (N / 2);
  const X = rand(B * C * N * N, 0.2 * s);
  const ts = await compileTrainStep({
    loss,
    params: ps,
    optimizer: adam(),
    session: { ...sess(), fixedBatch: B },
  });
  const trainStepMs = await median(() => ts.step({ x: X }, 1e-3), REPS);
  const fwd = await compileInference({ loss }, ps, { ...sess(), fixedBatch: B, name: 'forward' });
  const forwardMs = await median(() => fwd.run({ x: X }), REPS);
  const inf = await compileInference({ re: net.re, im: net.im }, ps, {
    ...sess(),
    name: 'diffraction_to_obj',
  });
  const Xi = rand(INFER_B * C * N * N, 0.2 * s);
  const inferBatch64Ms = await median(() => inf.run({ x: Xi }), Math.max(3, Math.ceil(REPS / 2)), 2);
  let opTimesMs: Record<string, number> | undefined;
  if (profile) opTimesMs = await profileStep(loss, ps);
  await Promise.all([ts.release(), fwd.release(), inf.release()]);
  return {
    C,
    convParams,
    trainStepMs,
    trainSamplesPerS: (B / trainStepMs) * 1e3,
    forwardMs,
    inferBatch64Ms,
    inferPatternsPerS: (INFER_B / inferBatch64Ms) * 1e3,
    opTimesMs,
    load: la(),
  };
}

/**
 * PyTorch reference kept alive in a subprocess (same model/data/optimizer as ptychopinn_ref.py's
 * main) that times one train step or forward per request, so ours and theirs alternate step by step.
 */
const TORCH_DRIVER_PY = `
import sys, time, math, torch
sys.path.insert(0, '/work/shared/bench-reference')
from ptychopinn_ref import PtychoPINN, poisson_nll
torch.manual_seed(0); torch.set_num_threads(int(sys.argv[1])); gs = int(sys.argv[2]); B = 16; N = 64; C = gs * gs
m = PtychoPINN(N, 2, gs); s = math.sqrt(1e9) / (N / 2)
with torch.no_grad(): m.log_scale.fill_(math.log(s))
yy, xx = torch.meshgrid(torch.arange(N) - N / 2 + 0.5, torch.arange(N) - N / 2 + 0.5, indexing='ij')
probe = ((xx ** 2 + yy ** 2) < (N / 4) ** 2).to(torch.complex64) * 0.25
X = torch.rand(B, C, N, N) * 0.2 * s
off = (torch.rand(B, C, 2) - 0.5) * 4 if C > 1 else torch.zeros(B, C, 2)
opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)
def step():
    opt.zero_grad(set_to_none=True); loss = poisson_nll(m(X, off, probe), X); loss.backward(); opt.step()
def fwd():
    with torch.no_grad(): poisson_nll(m(X, off, probe), X)
print('ready', torch.__version__, flush=True)
for line in sys.stdin:
    fn = step if line.strip() == 'step' else fwd
    t = time.perf_counter(); fn(); print((time.perf_counter() - t) * 1e3, flush=True)
`;

interface PairResult {
  C: number;
  pairs: number;
  oursTrainMs: number;
  torchTrainMs: number;
  /** Median over pairs of (torch ms / ours ms) = ours samples/s ÷ torch samples/s. */
  trainRatio: number;
  oursForwardMs: number;
  torchForwardMs: number;
  forwardRatio: number;
  /** Best (least disturbed) step of each side: the usual estimator of intrinsic cost on a noisy machine. */
  oursTrainMinMs: number;
  torchTrainMinMs: number;
  oursForwardMinMs: number;
  torchForwardMinMs: number;
  torchVersion: string;
  loadBefore: string;
  load: string;
}

async function interleaved(C: number, pairs: number): Promise<PairResult | undefined> {
  const py = spawn('/usr/bin/python3', ['-c', TORCH_DRIVER_PY, String(THREADS), String(C === 1 ? 1 : 2)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: py.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error('PyTorch driver exited');
    return r.value as string;
  };
  const loadBefore = la();
  try {
    const hello = await next();
    const torchCall = async (cmd: string) => {
      py.stdin!.write(`${cmd}\n`);
      return Number(await next());
    };
    const ps = new ParamStore(0);
    const g = new Graph();
    const net = ptychoNet(g, ps, C);
    const loss = physicsLoss(g, net);
    const X = rand(B * C * N * N, (0.2 * Math.sqrt(1e9)) / (N / 2));
    const fwd = await compileInference({ loss }, ps, { ...sess(), fixedBatch: B, name: 'forward' });
    const ts = await compileTrainStep({
      loss,
      params: ps,
      optimizer: adam(),
      session: { ...sess(), fixedBatch: B },
    });
    const time = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    const run = async (ours: () => Promise<unknown>, cmd: string) => {
      for (let i = 0; i < 3; i++) {
        await ours();
        await torchCall(cmd);
      }
      const o: number[] = [],
        t: number[] = [],
        r: number[] = [];
      for (let i = 0; i < pairs; i++) {
        o.push(await time(ours));
        t.push(await torchCall(cmd));
        r.push(t.at(-1)! / o.at(-1)!);
      }
      return { o: med(o), t: med(t), r: med(r), oMin: Math.min(...o), tMin: Math.min(...t) };
    };
    const tr = await run(() => ts.step({ x: X }, 1e-3), 'step');
    const fw = await run(() => fwd.run({ x: X }), 'forward');
    await Promise.all([ts.release(), fwd.release()]);
    return {
      C,
      pairs,
      oursTrainMs: tr.o,
      torchTrainMs: tr.t,
      trainRatio: tr.r,
      oursForwardMs: fw.o,
      torchForwardMs: fw.t,
      forwardRatio: fw.r,
      oursTrainMinMs: tr.oMin,
      torchTrainMinMs: tr.tMin,
      oursForwardMinMs: fw.oMin,
      torchForwardMinMs: fw.tMin,
      torchVersion: hello.split(' ')[1] ?? '?',
      loadBefore,
      load: la(),
    };
  } catch (e) {
    console.error(`interleaved PyTorch comparison failed: ${(e as Error).message}`);
    return undefined;
  } finally {
    py.stdin!.end();
    py.kill();
  }
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? NaN;

/** conv2d weight-gradient lowering of the profiled step (`--profile-only --filter-grad …`). */
let profileFilterGrad: FilterGradStrategy = DEFAULT_LOWERING.filterGrad;

/** Per-op-type time inside the real train-step graph (ORT profiler), ms per step. */
async function profileStep(loss: Tensor, ps: ParamStore): Promise<Record<string, number>> {
  // the train graph was already extended by compileTrainStep; rebuild a fresh one
  void loss;
  const g = new Graph();
  const p2 = new ParamStore(0);
  const net = ptychoNet(g, p2, 1);
  for (const n of ps.names()) if (p2.has(n)) p2.set(n, ps.get(n).slice());
  const prefix = `/tmp/engine_profile_${process.pid}`;
  const ts = await compileTrainStep({
    loss: physicsLoss(g, net),
    params: p2,
    optimizer: adam(),
    session: { ...sess(), fixedBatch: B, profilePrefix: prefix },
    lowering: { filterGrad: profileFilterGrad },
  });
  const X = rand(B * N * N, (0.2 * Math.sqrt(1e9)) / (N / 2));
  const steps = 4;
  for (let i = 0; i < steps; i++) await ts.step({ x: X }, 1e-3);
  ts.compiled.session.endProfiling();
  const file =
    readdirSync('.').find((f) => f.startsWith(`engine_profile_${process.pid}`)) ??
    readdirSync('/tmp')
      .map((f) => `/tmp/${f}`)
      .find((f) => f.startsWith(prefix));
  const out: Record<string, number> = {};
  if (!file) return out;
  const events = JSON.parse(readFileSync(file, 'utf8')) as {
    cat: string;
    name: string;
    dur: number;
    args?: { op_name?: string; input_type_shape?: unknown };
  }[];
  if (flag('top')) {
    const byNode = new Map<string, { ms: number; op: string; shapes: string }>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const k = e.name.replace(/_kernel_time$/, '');
      const cur = byNode.get(k) ?? {
        ms: 0,
        op: e.args?.op_name ?? '?',
        shapes: JSON.stringify(e.args?.input_type_shape ?? []).replace(/"float"|:|\{|\}/g, ''),
      };
      cur.ms += e.dur / 1e3 / 4;
      byNode.set(k, cur);
    }
    for (const [k, v] of [...byNode].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40))
      console.log(v.ms.toFixed(1).padStart(7), v.op.padEnd(14), k.padEnd(28), v.shapes.slice(0, 110));
  }
  unlinkSync(file);
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
    // the node name says which IR op it came from: <OnnxOp>_<k>_<sub>; group by ONNX op type
    out[e.args.op_name] = (out[e.args.op_name] ?? 0) + e.dur / 1e3 / steps;
  }
  await ts.release();
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

// ---------------------------------------------------------------- per-layer conv pieces in isolation
interface LayerRow {
  layer: string;
  ci: number;
  co: number;
  hw: number;
  count: number;
  fwdMs: number;
  dxMs: number;
  dwIm2colMs: number;
  dwGemmMs: number;
  /** What the 'auto' lowering picks for this shape. */
  dwAuto: 'im2col' | 'gemm';
  torchFwdMs?: number;
  torchFwdBwdMs?: number;
}

async function timeGraph(
  build: (g: Graph) => Record<string, Tensor>,
  feeds: Record<string, Float32Array>,
  filterGrad: FilterGradStrategy = DEFAULT_LOWERING.filterGrad,
): Promise<number> {
  const g = new Graph();
  const cg = await CompiledGraph.create(build(g), { ...sess(), fixedBatch: B, filterGrad });
  const t = await minOf(() => cg.run(feeds), Math.max(5, REPS));
  await cg.release();
  return t;
}

async function convPieces(ci: number, co: number, hw: number): Promise<Omit<LayerRow, 'layer' | 'count'>> {
  const x = rand(B * ci * hw * hw),
    w = rand(co * ci * 9, 0.1),
    b = rand(co),
    dy = rand(B * co * hw * hw);
  const fwdMs = await timeGraph(
    (g) => ({
      y: g.conv2d(g.input('x', ['B', ci, hw, hw]), g.input('w', [co, ci, 3, 3]), g.input('b', [co])),
    }),
    { x, w, b },
  );
  // dX: conv of dY with flipped, channel-swapped weights (what the conv2d VJP emits)
  const dxMs = await timeGraph(
    (g) => ({
      dx: g.conv2d(
        g.input('dy', ['B', co, hw, hw]),
        g.flip(g.input('w', [co, ci, 3, 3]).transpose([1, 0, 2, 3]), [2, 3]),
      ),
    }),
    { dy, w },
  );
  const dw = (s: FilterGradStrategy) =>
    timeGraph(
      (g) => ({
        dw: g.apply('conv2dFilterGrad', [g.input('x', ['B', ci, hw, hw]), g.input('dy', ['B', co, hw, hw])], {
          kernel: 3,
        }),
      }),
      { x, dy },
      s,
    );
  return {
    ci,
    co,
    hw,
    fwdMs,
    dxMs,
    dwIm2colMs: await dw('im2col'),
    dwGemmMs: await dw('gemm'),
    dwAuto: hw * hw <= 256 ? 'gemm' : 'im2col',
  };
}

/** The distinct conv shapes of the C=1 network (two decoders share shapes → count 2). */
const LAYERS: Omit<LayerRow, 'fwdMs' | 'dxMs' | 'dwIm2colMs' | 'dwGemmMs' | 'dwAuto'>[] = [
  { layer: 'enc.0.0', ci: 1, co: 64, hw: 64, count: 1 },
  { layer: 'enc.0.1', ci: 64, co: 64, hw: 64, count: 1 },
  { layer: 'enc.1.0', ci: 64, co: 128, hw: 32, count: 1 },
  { layer: 'enc.1.1', ci: 128, co: 128, hw: 32, count: 1 },
  { layer: 'enc.2.0', ci: 128, co: 256, hw: 16, count: 1 },
  { layer: 'enc.2.1', ci: 256, co: 256, hw: 16, count: 1 },
  { layer: 'dec.base.0.0', ci: 256, co: 128, hw: 8, count: 2 },
  { layer: 'dec.base.0.1', ci: 128, co: 128, hw: 8, count: 2 },
  { layer: 'dec.base.1.0', ci: 128, co: 64, hw: 16, count: 2 },
  { layer: 'dec.base.1.1', ci: 64, co: 64, hw: 16, count: 2 },
  { layer: 'dec.c1', ci: 60, co: 1, hw: 32, count: 2 },
  { layer: 'dec.up2.0', ci: 4, co: 64, hw: 32, count: 2 },
  { layer: 'dec.up2.1', ci: 64, co: 64, hw: 32, count: 2 },
  { layer: 'dec.c2', ci: 64, co: 1, hw: 64, count: 2 },
];

/** The same conv shapes in PyTorch (fwd, and fwd+bwd incl. dX, dW, db), min of reps, same threads. */
const TORCH_LAYERS_PY = `
import sys, time, json, torch, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1])); B = 16
def t(fn, reps):
    fn(); best = 1e9
    for _ in range(reps):
        s = time.perf_counter(); fn(); best = min(best, time.perf_counter() - s)
    return best * 1e3
out = []
for ci, co, hw in json.loads(sys.argv[2]):
    x = torch.rand(B, ci, hw, hw, requires_grad=(ci > 1)); w = torch.rand(co, ci, 3, 3, requires_grad=True); b = torch.rand(co, requires_grad=True)
    g = torch.rand(B, co, hw, hw)
    def fwd():
        with torch.no_grad(): F.conv2d(x, w, b, padding=1)
    def fb():
        y = F.conv2d(x, w, b, padding=1); y.backward(g)
    out.append({'fwd': t(fwd, int(sys.argv[3])), 'fwdbwd': t(fb, int(sys.argv[3]))})
print(json.dumps(out))
`;
function torchLayers(shapes: [number, number, number][]): { fwd: number; fwdbwd: number }[] | undefined {
  try {
    const raw = execFileSync(
      '/usr/bin/python3',
      ['-c', TORCH_LAYERS_PY, String(THREADS), JSON.stringify(shapes), String(Math.max(5, REPS))],
      { encoding: 'utf8', timeout: 900_000 },
    );
    return JSON.parse(raw.trim().split('\n').at(-1)!);
  } catch (e) {
    console.error(`PyTorch layer timing failed: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

// ---------------------------------------------------------------- PyTorch reference
interface TorchResult {
  gridsize: number;
  raw: string;
  trainStepMs: number;
  trainSamplesPerS: number;
  forwardMs: number;
  inferBatch64Ms: number;
  inferPatternsPerS: number;
  convParams: number;
  version: string;
  load: string;
}
function runTorch(gridsize: number): TorchResult | undefined {
  try {
    const raw = execFileSync(
      '/usr/bin/python3',
      [
        '/work/shared/bench-reference/ptychopinn_ref.py',
        '--gridsize',
        String(gridsize),
        '--threads',
        String(THREADS),
        '--reps',
        String(REPS),
      ],
      {
        encoding: 'utf8',
        timeout: 900_000,
      },
    );
    const num = (k: string) =>
      Number((raw.match(new RegExp(`${k}=([\\d.,]+)`))?.[1] ?? 'NaN').replace(/,/g, ''));
    return {
      gridsize,
      raw: raw.trim(),
      trainStepMs: num('train_step_ms'),
      trainSamplesPerS: num('train_samples_per_s'),
      forwardMs: num('forward_ms'),
      inferBatch64Ms: num('infer_batch64_ms'),
      inferPatternsPerS: num('infer_patterns_per_s'),
      convParams: num('conv_params'),
      version: raw.match(/torch (\S+)/)?.[1] ?? '?',
      load: la(),
    };
  } catch (e) {
    console.error(`PyTorch reference failed: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

// ---------------------------------------------------------------- main
const isMain = import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
if (isMain) await main();

async function main(): Promise<void> {
  const cpuModel =
    readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? '?';
  const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/flags\s*:\s*(.*)/)?.[1] ?? '';
  const machine = {
    cpu: cpuModel,
    cores: cpus().length,
    avx512: /avx512f/.test(flags),
    ort: ORT_VERSION,
    node: process.version,
    date: new Date().toISOString(),
    threads: THREADS,
    batch: B,
    loadAtStart: la(),
  };
  console.log(machine);
  if (flag('layers-only')) args.push('--no-profile', '--rounds', '0');
  if (flag('profile-only')) {
    // quick look at where a train step goes: `--profile-only [--filter-grad gemm|bmm]`
    const fgi = args.indexOf('--filter-grad');
    if (fgi >= 0) profileFilterGrad = args[fgi + 1] as FilterGradStrategy;
    const ps = new ParamStore(0);
    ptychoNet(new Graph(), ps, 1);
    const t0 = performance.now();
    const ops = await profileStep(null as never, ps);
    console.log(`profiled 4 steps in ${((performance.now() - t0) / 1e3).toFixed(1)} s, load ${la()}`);
    let tot = 0;
    for (const [k, v] of Object.entries(ops)) {
      tot += v;
      console.log(k.padEnd(24), v.toFixed(1));
    }
    console.log('total'.padEnd(24), tot.toFixed(1));
    return;
  }

  const results: {
    machine: typeof machine;
    pairs: PairResult[];
    ours: NetResult[];
    torch: TorchResult[];
    layers: LayerRow[];
    filterGrad: FilterGradStrategy;
  } = {
    machine,
    pairs: [],
    ours: [],
    torch: [],
    layers: [],
    filterGrad: DEFAULT_LOWERING.filterGrad,
  };
  // ours and torch alternate, C=1 for ROUNDS rounds then C=4 once: ratios come from neighbouring runs
  const CS = args.includes('--c') ? [opt('c', 1)] : [1, 4];
  const ROUNDS = opt('rounds', 1);
  if (!flag('no-torch') && !flag('layers-only')) {
    for (const C of CS) {
      const r = await interleaved(C, opt('pairs', 15));
      if (r) {
        results.pairs.push(r);
        console.log('interleaved:', r);
      }
    }
  }
  for (const C of flag('layers-only') ? [] : CS) {
    for (let round = 0; round < (C === 1 ? ROUNDS : 1); round++) {
      const r = await benchNet(C, C === 1 && round === 0 && !flag('no-profile'));
      console.log(`ours C=${C}:`, { ...r, opTimesMs: undefined });
      results.ours.push(r);
      if (!flag('no-torch')) {
        const t = runTorch(C === 1 ? 1 : 2);
        if (t) {
          console.log(`torch gridsize=${t.gridsize}:`, t.raw, `load ${t.load}`);
          results.torch.push(t);
        }
      }
    }
  }
  if (!flag('no-layers')) {
    for (const l of LAYERS) {
      const r: LayerRow = { ...l, ...(await convPieces(l.ci, l.co, l.hw)) };
      results.layers.push(r);
    }
    const tl = flag('no-torch') ? undefined : torchLayers(LAYERS.map((l) => [l.ci, l.co, l.hw]));
    tl?.forEach((t, i) => Object.assign(results.layers[i]!, { torchFwdMs: t.fwd, torchFwdBwdMs: t.fwdbwd }));
    for (const r of results.layers) console.log(r);
  }

  // ---------------------------------------------------------------- report
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/engine.json', JSON.stringify(results, null, 2) + '\n');
  const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
  const lines: string[] = [];
  lines.push('# Engine benchmark: PtychoPINN-shaped training on ONNX Runtime CPU vs PyTorch', '');
  lines.push(`Generated by \`npx tsx bench/engine.ts\` on ${machine.date}.`, '');
  lines.push(
    `Machine: ${machine.cpu}, ${machine.cores} cores${machine.avx512 ? ' (AVX-512)' : ''}; onnxruntime-node ${machine.ort}, Node ${machine.node}; intra-op threads ${THREADS}${SPIN ? ' (spinning)' : ' (no spinning)'}, graph optimisation 'all', batch ${B}. Load average at start: ${machine.loadAtStart}.`,
    '',
  );
  if (results.pairs.length) {
    lines.push(
      '### Headline: interleaved A/B (one of ours, one PyTorch step, alternating; PyTorch kept alive in a subprocess)',
      '',
    );
    lines.push(
      "The machine is shared with other engineers' jobs, so each of our steps is paired with the PyTorch step right after it and the ratio is the median over pairs.",
      '',
    );
    lines.push(
      'Medians are what a user on this busy machine gets; the best (minimum) step of each side is the usual estimate of the intrinsic cost, closest to an idle machine.',
      '',
    );
    lines.push(
      '| input C | pairs | ours train step median / best (ms) | torch train step median / best (ms) | **train ratio ours/torch (samples/s): median of pairs / best vs best** | ours forward median / best (ms) | torch forward median / best (ms) | forward ratio (median / best) | load before → after |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const p of results.pairs)
      lines.push(
        `| ${p.C}${p.C === 4 ? ' ¹' : ''} | ${p.pairs} | ${f1(p.oursTrainMs)} / ${f1(p.oursTrainMinMs)} | ${f1(p.torchTrainMs)} / ${f1(p.torchTrainMinMs)} | **${p.trainRatio.toFixed(2)} / ${(p.torchTrainMinMs / p.oursTrainMinMs).toFixed(2)}** | ${f1(p.oursForwardMs)} / ${f1(p.oursForwardMinMs)} | ${f1(p.torchForwardMs)} / ${f1(p.torchForwardMinMs)} | ${p.forwardRatio.toFixed(2)} / ${(p.torchForwardMinMs / p.oursForwardMinMs).toFixed(2)} | ${p.loadBefore} → ${p.load} |`,
      );
    lines.push('', '### Separate runs (ours, then `ptychopinn_ref.py` as shipped), incl. inference', '');
  }
  lines.push(
    '| input C | conv params | ours train step (ms) | ours samples/s | torch train step (ms) | torch samples/s | **ratio ours/torch** | ours forward (ms) | torch forward (ms) | ours infer b64 (patterns/s) | torch infer b64 (patterns/s) | load (ours / torch) |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  results.ours.forEach((o, i) => {
    const t = results.torch[i];
    lines.push(
      `| ${o.C}${o.C === 4 ? ' ¹' : ''} | ${o.convParams.toLocaleString('en-US')} | ${f1(o.trainStepMs)} | ${f1(o.trainSamplesPerS)} | ${t ? f1(t.trainStepMs) : '–'} | ${t ? f1(t.trainSamplesPerS) : '–'} | **${t ? (o.trainSamplesPerS / t.trainSamplesPerS).toFixed(2) : '–'}** | ${f1(o.forwardMs)} | ${t ? f1(t.forwardMs) : '–'} | ${f1(o.inferPatternsPerS)} | ${t ? f1(t.inferPatternsPerS) : '–'} | ${o.load} / ${t?.load ?? '–'} |`,
    );
  });
  lines.push('');
  const ratios = (C: number, k: 'trainSamplesPerS' | 'inferPatternsPerS') =>
    results.ours
      .map((o, i) => [o, results.torch[i]] as const)
      .filter(([o, t]) => o.C === C && t)
      .map(([o, t]) => o[k] / t![k]);
  const fwdRatios = results.ours
    .map((o, i) => [o, results.torch[i]] as const)
    .filter(([o, t]) => o.C === 1 && t)
    .map(([o, t]) => t!.forwardMs / o.forwardMs);
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? NaN;
  if (ratios(1, 'trainSamplesPerS').length) {
    lines.push(
      `**C=1 train-step ratio ours/PyTorch (samples/s): ${ratios(1, 'trainSamplesPerS')
        .map((r) => r.toFixed(2))
        .join(
          ', ',
        )} per round → ${med(ratios(1, 'trainSamplesPerS')).toFixed(2)}** (lower median). Forward: ${med(fwdRatios).toFixed(2)}; inference batch 64: ${med(ratios(1, 'inferPatternsPerS')).toFixed(2)}.`,
      '',
    );
  }
  lines.push(
    '¹ C=4: our physics omits the bilinear sub-pixel translation that the PyTorch reference (gridsize 2) applies; the network is the same.',
    '',
  );
  if (results.torch.length)
    lines.push(
      `PyTorch ${results.torch[0]!.version} (Debian python3-torch), \`ptychopinn_ref.py --threads ${THREADS} --reps ${REPS}\`, run right after ours in the same session.`,
      '',
    );
  lines.push(
    "Forward = the training graph's loss without gradients (weights baked as initializers). Inference = network + complex object (`diffraction_to_obj` without the canvas), batch 64.",
    '',
  );
  const o1 = results.ours[0];
  if (o1?.opTimesMs) {
    const total = Object.values(o1.opTimesMs).reduce((a, b) => a + b, 0);
    lines.push('## Where the train step goes (ORT profiler, C=1, ms per step by ONNX op type)', '');
    lines.push('| op | ms/step | share |', '|---|---|---|');
    for (const [k, v] of Object.entries(o1.opTimesMs).slice(0, 16))
      lines.push(`| ${k} | ${v.toFixed(1)} | ${((100 * v) / total).toFixed(0)}% |`);
    lines.push(`| (sum of kernels) | ${total.toFixed(1)} | |`, '');
  }
  if (results.layers.length) {
    lines.push('## Conv pieces in isolation (B=16, 3×3, weights as inputs, ms)', '');
    lines.push(
      'Minimum over the repetitions (less sensitive to other processes than the median). dX = Conv with flipped, channel-swapped weights. dW "im2col" = depthwise one-hot Conv unfolding the side with fewer channels + one batched MatMul + sum over the batch; "gemm" = one GEMM per kernel tap over (batch·pixels) after a batch↔channel transpose. `auto` (the default lowering) uses gemm for H·W ≤ 256. The first layer needs no dX.',
      '',
    );
    lines.push(
      '| layer | Ci→Co @ HW | × | fwd | dX | dW im2col | dW gemm | ours fwd+dX+dW (auto) | torch fwd | torch fwd+bwd | ratio torch/ours |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    let tot = 0,
      ttot = 0;
    for (const r of results.layers) {
      const dw = r.dwAuto === 'gemm' ? r.dwGemmMs : r.dwIm2colMs;
      const one = r.fwdMs + (r.layer === 'enc.0.0' ? 0 : r.dxMs) + dw;
      const sum = one * r.count;
      tot += sum;
      ttot += (r.torchFwdBwdMs ?? NaN) * r.count;
      lines.push(
        `| ${r.layer} | ${r.ci}→${r.co} @ ${r.hw}² | ${r.count} | ${f1(r.fwdMs)} | ${r.layer === 'enc.0.0' ? '(none)' : f1(r.dxMs)} | ${f1(r.dwIm2colMs)}${r.dwAuto === 'im2col' ? '*' : ''} | ${f1(r.dwGemmMs)}${r.dwAuto === 'gemm' ? '*' : ''} | ${f1(one)} | ${f1(r.torchFwdMs ?? NaN)} | ${f1(r.torchFwdBwdMs ?? NaN)} | ${r.torchFwdBwdMs ? (r.torchFwdBwdMs / one).toFixed(2) : '–'} |`,
      );
    }
    lines.push(
      `| **all convs (× count)** | | | | | | | **${f1(tot)}** | | **${f1(ttot)}** | **${(ttot / tot).toFixed(2)}** |`,
      '',
    );
    if (o1)
      lines.push(
        `Convolution pieces measured in isolation add up to ${f1(tot)} ms (ours) vs ${f1(ttot)} ms (PyTorch fwd+bwd); the full train step above took ${f1(o1.trainStepMs)} ms. Isolated pieces carry their own noise (other jobs on the machine) and miss in-graph effects (fusions, shared buffers); the ORT profile above is the in-graph split.`,
        '',
      );
  }
  writeFileSync('bench/results/engine.md', lines.join('\n'));
  console.log(lines.join('\n'));
}
