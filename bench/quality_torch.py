#!/usr/bin/env python3
"""Train the PyTorch peer of PtychoPINN (../shared/bench-reference/ptychopinn_ref.py, imported,
not copied) on arrays prepared by bench/quality.ts, with the same recipe as ours: Adam 1e-3
(eps 1e-7), batch 16, seeded shuffles, last 5 % held out, ReduceLROnPlateau(val, x0.5,
patience 2, min 1e-4), EarlyStopping(train loss, patience 3). Every `every` epochs it saves the
object patches it predicts for the test groups (the reassembled group patch, like
diffraction_to_obj), so that bench/quality.ts scores both implementations with one metric.

    /usr/bin/python3 bench/quality_torch.py IN.npz OUT.npz --s 1 --gridsize 1 --epochs 16 --every 2 [--seconds 300]
"""
import argparse, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'bench-reference'))
from ptychopinn_ref import PtychoPINN, poisson_nll  # noqa: E402


def group_patch(m, x, offsets):
    """The group's object patch on the canvas (centre N x N), as PtychoPINN's diffraction_to_obj."""
    O = m.obj(x)
    B, C, N = O.shape[0], m.C, m.N
    if C == 1:
        return O[:, 0]
    p = (m.M - N) // 2
    Op = F.pad(torch.view_as_real(O).permute(0, 1, 4, 2, 3), (p, p, p, p)).reshape(B * C * 2, m.M, m.M)
    mk = F.pad(m.centermask, (p, p, p, p)).expand(B * C, m.M, m.M)
    d = (-offsets).reshape(B * C, 2)
    Op = m.translate(Op, d.repeat_interleave(2, 0))
    mk = m.translate(mk, d)
    canvas = Op.reshape(B, C, 2, m.M, m.M).sum(1) / (mk.reshape(B, C, m.M, m.M).sum(1)[:, None] + 1e-3)
    c = canvas[:, :, p:p + N, p:p + N]
    return torch.complex(c[:, 0], c[:, 1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('inp'); ap.add_argument('out')
    ap.add_argument('--s', type=int, default=1); ap.add_argument('--gridsize', type=int, default=1)
    ap.add_argument('--epochs', type=int, default=16); ap.add_argument('--every', type=int, default=2)
    ap.add_argument('--batch', type=int, default=16); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--seconds', type=float, default=0, help='stop after the epoch that crosses this many training seconds (0: no budget)')
    a = ap.parse_args()
    torch.manual_seed(a.seed); torch.set_num_threads(a.threads)
    z = np.load(a.inp)
    X = torch.from_numpy(z['X'])               # (B, C, N, N)  s*X, input and target
    off = torch.from_numpy(z['offsets'])       # (B, C, 2)     coords_relative (x, y)
    probe = torch.complex(torch.from_numpy(z['probe_re']), torch.from_numpy(z['probe_im']))
    tX, toff = torch.from_numpy(z['test_X']), torch.from_numpy(z['test_offsets'])
    s0 = float(z['intensity_scale'])
    N = X.shape[-1]
    m = PtychoPINN(N, a.s, a.gridsize)
    with torch.no_grad():
        m.log_scale.fill_(math.log(s0))
    B = X.shape[0]
    nval = int(B * 0.05) if B >= 20 else 0
    ntr = B - nval
    opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='min', factor=0.5, patience=2, min_lr=1e-4, threshold=1e-4, threshold_mode='abs')
    g = torch.Generator().manual_seed(a.seed)
    saved, log = {}, []
    best, wait, t0 = math.inf, 0, time.perf_counter()
    for ep in range(1, a.epochs + 1):
        m.train()
        perm = torch.randperm(ntr, generator=g)
        tot, n = 0.0, 0
        for i in range(0, ntr, a.batch):
            idx = perm[i:i + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = poisson_nll(m(X[idx], off[idx], probe), X[idx])
            loss.backward(); opt.step()
            tot += loss.item() * len(idx); n += len(idx)
        train_loss = tot / n
        with torch.no_grad():
            val = poisson_nll(m(X[ntr:], off[ntr:], probe), X[ntr:]).item() if nval else train_loss
        sched.step(val)
        lr = opt.param_groups[0]['lr']
        log.append((ep, time.perf_counter() - t0, train_loss, val, lr))
        print(f'torch epoch {ep} {time.perf_counter() - t0:.0f}s loss {train_loss:.4f} val {val:.4f} lr {lr:g}', flush=True)
        if ep % a.every == 0 or ep == a.epochs:
            with torch.no_grad():
                P = torch.cat([group_patch(m, tX[i:i + 64], toff[i:i + 64]) for i in range(0, tX.shape[0], 64)])
            saved[f'pred_re_{ep}'] = P.real.numpy().astype(np.float32)
            saved[f'pred_im_{ep}'] = P.imag.numpy().astype(np.float32)
        if a.seconds > 0 and time.perf_counter() - t0 >= a.seconds:
            if f'pred_re_{ep}' not in saved:
                with torch.no_grad():
                    P = torch.cat([group_patch(m, tX[i:i + 64], toff[i:i + 64]) for i in range(0, tX.shape[0], 64)])
                saved[f'pred_re_{ep}'] = P.real.numpy().astype(np.float32)
                saved[f'pred_im_{ep}'] = P.imag.numpy().astype(np.float32)
            break
        if train_loss < best:
            best, wait = train_loss, 0
        else:
            wait += 1
            if wait >= 3:
                print(f'torch early stopping at epoch {ep}', flush=True)
                if f'pred_re_{ep}' not in saved:
                    with torch.no_grad():
                        P = torch.cat([group_patch(m, tX[i:i + 64], toff[i:i + 64]) for i in range(0, tX.shape[0], 64)])
                    saved[f'pred_re_{ep}'] = P.real.numpy().astype(np.float32)
                    saved[f'pred_im_{ep}'] = P.imag.numpy().astype(np.float32)
                break
    np.savez(a.out, log=np.array(log, dtype=np.float64), torch_version=np.array(torch.__version__), **saved)


if __name__ == '__main__':
    main()
