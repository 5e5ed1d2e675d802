#!/usr/bin/env python
"""How fast the default recipe reaches MNIST's 99.4%, how far an epoch is from this machine's peak, where the epoch's
time goes, and a peer: pytorch/examples' MNIST `Net`, fed the same tensors.

Sections (all by default; pick some with --parts):
- `to`: the default `cnn` recipe, and the default before it (eight epochs of shifts, no label smoothing, no TTA),
  trained per seed until the test accuracy reaches `--to` (checked after each epoch as `train` measures it, with TTA
  where the recipe tests with it; the check not counted): seconds and CPU-seconds of training.
- `roofline`: this machine's fp32 and bf16 matmul rates, measured here, against the FLOPs an epoch of the CNN does.
- `ops`: one epoch of the default under torch's profiler: convolutions forward and backward, batch norm, augmentation,
  optimiser, data, the rest (callbacks, Python).
- `peer`: pytorch/examples' MNIST `Net` with its recipe (Adadelta lr 1.0, StepLR 0.7, batches of 64, dropout) and the
  seed's raw MLP loop, beside `--arch cnn` and `--arch mlp`: CPU-seconds an epoch, test accuracy after 1 and 2 epochs.
- `scaling`: a fifth of an epoch of the CNN at batch sizes 64-2048 and 1 or 2 threads; `Classifier` throughput on
  10,000 images and the latency of one image, cold (first call) and warm.

    python bench/speed.py --to 0.994                 # every section (about 10 minutes on 2 cores)
    python bench/speed.py --parts to --seeds 0 1     # time-to-accuracy alone
"""
import argparse, math, os, platform, statistics, sys, time
from functools import partial
import torch, torch.nn as nn, torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode
from mnist_scratch.data import get_test_data, normalize
from mnist_scratch.conv import random_shifts
from mnist_scratch.learner import BatchTransformCB, Callback, CancelFitException
from mnist_scratch.recipes import (fit_recipe, get_recipe, recipe_learner, recipe_settings, register_recipe,
                                   resolve_precision)
from mnist_scratch.training import DataLoaders, Dataset, get_mnist_dls, set_seed
from mnist_scratch.inference import Classifier

# the default before this round: eight epochs of random shifts, no label smoothing (git show bf32bc0)
register_recipe('cnn-before', arch='cnn', replace=True, epochs=8, bs=256, lr=0.2, sched='one-cycle', wd=5e-4,
                precision='bf16', cbs=lambda: [BatchTransformCB(partial(random_shifts, p=2))])

def cpu_name():
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine()

class TestAccCB(Callback):
    "After each epoch: the test accuracy, outside the clock; stop the fit at `target`"
    order = 100
    def __init__(self, x, y, target=None): self.x, self.y, self.target, self.accs = x, y, target, []
    def before_fit(self, learn):
        self.wall, self.cpu, self.t, self.c, self.times = 0., 0., time.perf_counter(), time.process_time(), []
    def after_epoch(self, learn):
        self.wall += time.perf_counter() - self.t; self.cpu += time.process_time() - self.c
        # as `train` measures: with test-time augmentation where the recipe tests with it, in its precision
        s = learn.settings
        scores = Classifier(learn.model, 'cpu', learn.config).scores(self.x, s.tta, s.precision == 'bf16')
        acc = (scores.argmax(1) == self.y).float().mean().item()
        self.accs.append(acc); self.times.append((self.wall, self.cpu))
        learn.model.train()
        if self.target is not None and acc >= self.target: raise CancelFitException()
        self.t, self.c = time.perf_counter(), time.process_time()

def train(recipe, seed, target=None, epochs=None):
    "A fit of `recipe` (seed `seed`) with the test accuracy after every epoch: the learner and its `TestAccCB`"
    x, y = get_test_data()
    s = recipe_settings(recipe, seed=seed, epochs=epochs)
    set_seed(seed); dls, (mean, std) = get_mnist_dls(s.bs)
    learn = recipe_learner(recipe, dls, s, device='cpu', progress=False, log=lambda m: None)
    learn.config = dict(arch=get_recipe(recipe).arch, mean=mean, std=std, classes=[str(i) for i in range(10)])
    cb = TestAccCB(x, y, target)
    learn.cbs.append(cb); fit_recipe(learn)
    return learn, cb

def part_to(target, seeds):
    rows = ["| recipe | seed | epochs to target | test accuracy | training s | CPU s |", "|---|---:|---:|---:|---:|---:|"]
    got = {}
    for seed in seeds:
        for recipe in ('cnn-before', 'cnn'):  # interleaved: the same machine state for both
            _, cb = train(recipe, seed, target)
            hit = next((i for i, a in enumerate(cb.accs) if a >= target), None)
            k = hit if hit is not None else len(cb.accs) - 1
            got[recipe, seed] = cb.times[k][0] if hit is not None else math.nan
            rows.append(f"| {recipe} | {seed} | {k + 1 if hit is not None else 'not reached'} | {cb.accs[k]:.2%} "
                        f"| {cb.times[k][0]:.1f} | {cb.times[k][1]:.1f} |")
            print(f"  to {target}: {recipe} seed {seed} done", file=sys.stderr, flush=True)
    ratios = [got['cnn', s] / got['cnn-before', s] for s in seeds]
    return (f"### time to {target:.1%} test accuracy (training only, the checks not counted)\n" + '\n'.join(rows)
            + f"\n\nthe default / the default before: {', '.join(f'{r:.2f}x' for r in ratios)} (seeds {seeds})\n")

def matmul_rate(dtype, n=1024, reps=20):
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    for _ in range(3): a @ b
    t = time.perf_counter()
    for _ in range(reps): a @ b
    return 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9

def epoch_flops(recipe='cnn', bs=256):
    "FLOPs of one training epoch of `recipe` (forward and backward, as counted by torch) and of its validation"
    from mnist_scratch.recipes import build_recipe
    model, _ = build_recipe(recipe); xb, yb = torch.randn(bs, 784), torch.randint(0, 10, (bs,))
    with FlopCounterMode(display=False) as fc:
        with torch.autocast('cpu', dtype=torch.bfloat16): loss = F.cross_entropy(model(xb), yb)
        loss.backward()
    train = fc.get_total_flops()
    with FlopCounterMode(display=False) as fv, torch.no_grad(): model.eval()(xb)
    return train * 50_000 / bs, fv.get_total_flops() * 10_000 / bs

def part_roofline():
    fp32, bf16 = matmul_rate(torch.float32), matmul_rate(torch.bfloat16)
    learn, cb = train('cnn', 0, epochs=2)
    secs = statistics.median(h['seconds'] for h in learn.history)
    train_f, valid_f = epoch_flops()
    g = (train_f + valid_f) / secs / 1e9
    prec, peak = resolve_precision('auto', 'cpu'), dict(fp32=fp32, bf16=bf16)
    return (f"### roofline ({torch.get_num_threads()} thread(s))\n"
            f"matmul 1024x1024, measured here: fp32 {fp32:.0f} GFLOP/s, bf16 {bf16:.0f} GFLOP/s\n"
            f"an epoch of the default CNN: {(train_f + valid_f) / 1e9:.0f} GFLOP (torch's count: training forward and "
            f"backward, validation forward) in {secs:.1f} s: {g:.1f} GFLOP/s; the default trains in {prec} on this "
            f"CPU (precision 'auto': bf16 only where the CPU multiplies in it): {g / peak[prec]:.0%} of the {prec} peak\n")

def epoch_ops(recipe):
    "One epoch of `recipe` under torch's profiler: its seconds, those of each phase, those of the ops inside"
    from torch.profiler import profile, record_function, ProfilerActivity
    from mnist_scratch import learner as L
    s = recipe_settings(recipe); set_seed(0); dls, _ = get_mnist_dls(s.bs)
    learn = recipe_learner(recipe, dls, s, device='cpu', progress=False, log=lambda m: None)
    learn.fit(1)  # warm-up
    saved = {k: getattr(L.Learner, k) for k in ('predict', 'get_loss', 'backward', 'step', 'zero_grad')}
    names = dict(predict='forward', get_loss='forward', backward='backward', step='optimiser', zero_grad='optimiser')
    def wrap(k):
        f = saved[k]
        def g(self):
            with record_function(names[k] if self.training else 'validation'): f(self)
        return g
    tfm = next(cb for cb in learn.cbs if isinstance(cb, BatchTransformCB))
    aug = tfm.tfm
    def augment(x):
        with record_function('augmentation'): return aug(x)
    class Timed:
        "The training loader, each batch's fetch recorded as data"
        def __init__(self, dl): self.dl = dl
        def __len__(self): return len(self.dl)
        def __iter__(self):
            it = iter(self.dl)
            while True:
                with record_function('data'):
                    try: b = next(it)
                    except StopIteration: return
                yield b
    try:
        for k in saved: setattr(L.Learner, k, wrap(k))
        tfm.tfm, train_dl = augment, learn.dls.train; learn.dls.train = Timed(train_dl)
        t = time.perf_counter()
        with profile(activities=[ProfilerActivity.CPU]) as prof: learn.fit(1)
        total = time.perf_counter() - t
    finally:
        for k, f in saved.items(): setattr(L.Learner, k, f)
        tfm.tfm, learn.dls.train = aug, train_dl
    ev = {e.key: e.cpu_time_total / 1e6 for e in prof.key_averages()}
    pick = lambda *ks: sum(ev.get(k, 0.) for k in ks)
    phases = {p: pick(p) for p in ('data', 'augmentation', 'forward', 'backward', 'optimiser', 'validation')}
    inside = {'convolutions, forward (train and validation)': pick('aten::convolution'),
              'convolutions, backward': pick('aten::convolution_backward'),
              'batch norm, forward': pick('aten::native_batch_norm', 'aten::_native_batch_norm_legit'),
              'batch norm, backward': pick('aten::native_batch_norm_backward'),
              'precision casts (autocast)': pick('aten::_to_copy')}
    phases['the rest (callbacks, the loop, Python)'] = total - sum(phases.values())
    return total, phases, inside

def part_ops():
    got = {r: epoch_ops(r) for r in ('cnn-before', 'cnn')}
    cell = lambda r, k, part: f"{got[r][part][k]:.2f} | {got[r][part][k] / got[r][0]:.0%}"
    rows = [f"| part | {' | '.join(f'{r}: s | share' for r in got)} |", "|---|" + "---:|" * 2 * len(got),
            f"| the epoch | {' | '.join(f'{got[r][0]:.1f} | 100%' for r in got)} |"]
    rows += [f"| {k} | {' | '.join(cell(r, k, 1) for r in got)} |" for k in got['cnn'][1]]
    rows += ["| *within forward/backward/validation:* |" + " |" * 2 * len(got)]
    rows += [f"| {k} | {' | '.join(cell(r, k, 2) for r in got)} |" for k in got['cnn'][2]]
    precs = ', '.join(f"{r} in {resolve_precision(get_recipe(r).precision, 'cpu')}" for r in got)
    return (f"### one epoch under the profiler, the default before and the default ({precs}; the profiler adds "
            f"its own cost)\n" + '\n'.join(rows) + '\n')

class Net(nn.Module):
    "pytorch/examples' mnist/main.py `Net`, as written there"
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 32, 3, 1), nn.Conv2d(32, 64, 3, 1)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1, self.fc2 = nn.Linear(9216, 128), nn.Linear(128, 10)
    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        x = self.dropout1(torch.flatten(F.max_pool2d(x, 2), 1))
        return F.log_softmax(self.fc2(self.dropout2(F.relu(self.fc1(x)))), dim=1)

def peer_net(epochs=2):
    "pytorch/examples' recipe on the project's tensors: Adadelta lr 1.0, StepLR gamma 0.7, bs 64, test bs 1000"
    dls, _ = get_mnist_dls(64); x, y = dls.train.dataset.x, dls.train.dataset.y
    xt, yt = get_test_data()
    norm = lambda v: ((v - 0.1307) / 0.3081).view(-1, 1, 28, 28)  # its Normalize((0.1307,), (0.3081,))
    torch.manual_seed(1); model = Net()
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
    out = []
    for ep in range(epochs):
        c = time.process_time(); model.train()
        for idx in torch.randperm(len(x)).split(64):
            opt.zero_grad(); loss = F.nll_loss(model(norm(x[idx])), y[idx]); loss.backward(); opt.step()
        sched.step(); cpu = time.process_time() - c
        model.eval()
        with torch.no_grad():
            acc = sum((model(norm(xt[i:i + 1000])).argmax(1) == yt[i:i + 1000]).sum().item()
                      for i in range(0, len(xt), 1000)) / len(xt)
        out.append((cpu, acc))
    return out

def seed_mlp(epochs=2, bs=64, lr=0.5):
    "The seed's loop, as the post writes it: a list of layers, the loss by hand, SGD by hand"
    from mnist_scratch.model import get_model
    from mnist_scratch.loss import cross_entropy
    from mnist_scratch.data import get_data
    x, y, xv, yv = get_data()  # the pixels as the post loads them, in [0, 1], not normalised
    torch.manual_seed(0); model = get_model(); out = []
    for ep in range(epochs):
        c = time.process_time()
        for i in range(0, len(x), bs):
            loss = cross_entropy(model(x[i:i + bs]), y[i:i + bs]); loss.backward()
            with torch.no_grad():
                for p in model.parameters(): p -= p.grad * lr; p.grad.zero_()
        cpu = time.process_time() - c
        with torch.no_grad(): acc = (model(xv).argmax(1) == yv).float().mean().item()
        out.append((cpu, acc))
    return out

def ours(recipe, epochs=2):
    "CPU-seconds an epoch and test accuracy after each of `epochs` of `recipe` (its schedule over that many)"
    learn, cb = train(recipe, 0, epochs=epochs)
    cpus = [cb.times[0][1]] + [b[1] - a[1] for a, b in zip(cb.times, cb.times[1:])]
    return list(zip(cpus, cb.accs))

def part_peer():
    rows = ["| model, recipe | parameters | CPU s epoch 1 | CPU s epoch 2 | accuracy after 1 | after 2 |",
            "|---|---:|---:|---:|---:|---:|"]
    from mnist_scratch.model import get_model
    from mnist_scratch.conv import get_cnn
    for name, n, res in [("pytorch/examples Net (Adadelta 1.0, StepLR 0.7, bs 64; test)", Net, peer_net()),
                         ("mnist_scratch `--arch cnn`, 2 epochs (test)", get_cnn, ours('cnn')),
                         ("the seed's raw MLP loop (SGD 0.5, bs 64; valid)", get_model, seed_mlp()),
                         ("mnist_scratch `--arch mlp`, 2 epochs (test)", get_model, ours('mlp'))]:
        p = sum(q.numel() for q in n().parameters())
        rows.append(f"| {name} | {p:,} | {res[0][0]:.1f} | {res[1][0]:.1f} | {res[0][1]:.2%} | {res[1][1]:.2%} |")
        print(f"  peer: {name} done", file=sys.stderr, flush=True)
    return "### a peer, fed the same tensors (one thread each)\n" + '\n'.join(rows) + '\n'

def part_scaling():
    from mnist_scratch.conv import get_cnn
    rows = ["| batch size | 1 thread: s an epoch | 2 threads: s an epoch |", "|---|---:|---:|"]
    n = 10_000  # a fifth of an epoch, scaled up
    for bs in (64, 128, 256, 512, 1024, 2048):
        cells = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            s = recipe_settings('cnn', bs=bs); set_seed(0); full, _ = get_mnist_dls(bs)
            tr, va = full.train.dataset, full.valid.dataset
            dls = DataLoaders.from_dsets(Dataset(tr.x[:n], tr.y[:n]), Dataset(va.x[:n // 5], va.y[:n // 5]), bs)
            learn = recipe_learner('cnn', dls, s, device='cpu', progress=False, log=lambda m: None)
            t = time.perf_counter(); learn.fit(1); cells.append((time.perf_counter() - t) * 50_000 / n)
        rows.append(f"| {bs} | {cells[0]:.1f} | {cells[1]:.1f} |")
        print(f"  scaling: bs {bs} done", file=sys.stderr, flush=True)
    torch.set_num_threads(1)
    x, _ = get_test_data()
    from mnist_scratch.model_files import save_model
    import tempfile, pathlib
    fn = pathlib.Path(tempfile.mkdtemp())/'m.safetensors'; m = get_cnn(); save_model(m, fn)
    t = time.perf_counter(); clf = Classifier(fn); clf.scores(x[:1]); cold = time.perf_counter() - t
    warm = statistics.median([(lambda t: (clf.scores(x[:1]), time.perf_counter() - t)[1])(time.perf_counter())
                              for _ in range(50)])
    t = time.perf_counter(); clf.scores(x); thr = len(x) / (time.perf_counter() - t)
    return ("### scaling (a fifth of an epoch, scaled to 50,000 images; the default's bs is 256)\n" + '\n'.join(rows)
            + f"\n\n`Classifier` (1 thread): {thr:,.0f} images/s on 10,000; one image: cold {cold * 1000:.0f} ms "
              f"(loading the file and the first call), warm {warm * 1000:.2f} ms\n")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--to', type=float, default=0.994, help='the test accuracy to reach (default 0.994)')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    p.add_argument('--parts', default='to,roofline,ops,peer,scaling')
    a = p.parse_args()
    torch.set_num_threads(1)
    print(f"## mnist_scratch speed\n\nmachine: {cpu_name()}, {os.cpu_count()} CPUs; torch {torch.__version__}; "
          f"1 thread unless said\n", flush=True)
    parts = dict(to=lambda: part_to(a.to, a.seeds), roofline=part_roofline, ops=part_ops, peer=part_peer,
                 scaling=part_scaling)
    for k in a.parts.split(','): print(parts[k](), flush=True)

if __name__ == '__main__': main()
