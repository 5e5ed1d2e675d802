#!/usr/bin/env python
"""Benchmark: one training epoch of the seed's 784-50-10 MLP through mnist_scratch's DataLoader + SGD + fit, and
through its Learner with the callbacks the command line trains with, against the raw-loop limit and PyTorch's idioms. Same data, model, batch size (64), learning rate, loss and seed for all.

Every variant does the same work in an epoch: a shuffled training pass with plain SGD (lr 0.1), then a validation
pass (loss and accuracy, batches of 128). Variants run alternately (a b c d e f, a b c d e f, ...) after a warm-up, and
the table gives the median epoch time of N runs.

A second section times the CNN (`--arch cnn`, the command line's default) the same way: an epoch of the library's
Learner with the command line's callbacks (the recipe's wild share and label smoothing left out, so that both do the
same work) against a raw PyTorch loop over the same model, batches, shifts and
precision (the recipe's `auto`: bfloat16 autocast where the CPU multiplies in it, float32 elsewhere), and the achieved
GFLOP/s against this machine's measured matmul rate in that precision.

    python bench/bench.py            # default: tighter medians (a few minutes on 2 cores)
    python bench/bench.py --quick    # about a minute on 2 cores
    python bench/bench.py --no-cnn   # the MLP only
    python bench/bench.py --to 0.994 # time to 99.4% test accuracy, the default against the default before (speed.py)
"""
import argparse, os, platform, statistics, sys, tempfile, time
import torch
from torch.utils.data import DataLoader as TorchDataLoader, TensorDataset, BatchSampler as TorchBatchSampler, RandomSampler
from mnist_scratch.data import get_data
from mnist_scratch.model import get_model
from mnist_scratch.loss import cross_entropy, accuracy
from mnist_scratch.training import Dataset, SGD, CosineLR, Sampler, evaluate, fit, get_mnist_dls, set_seed, collate
from mnist_scratch.learner import get_learner
from mnist_scratch.schedule import ParamSchedCB, sched_cos

BS, LR = 64, 0.1
loss_func = cross_entropy

def bare_validate(model, xv, yv, bs):
    "Validation loss and accuracy by slicing the tensors (the limit's way)"
    model.eval(); tl = ta = 0.
    with torch.no_grad():
        for i in range(0, len(xv), bs):
            xb, yb = xv[i:i+bs], yv[i:i+bs]; pred = model(xb)
            tl += loss_func(pred, yb).item() * len(yb); ta += accuracy(pred, yb).item() * len(yb)
    return tl / len(xv), ta / len(xv)

def raw_epoch(model, d):
    "(a) The limit: index the tensors with a random permutation, update the parameters by hand"
    x, y, params = d['x'], d['y'], list(model.parameters())
    model.train()
    perm = torch.randperm(len(x), device=x.device)
    for i in range(0, len(x), BS):
        idx = perm[i:i+BS]
        loss = loss_func(model(x[idx]), y[idx])
        loss.backward()
        with torch.no_grad():
            for p in params: p.add_(p.grad, alpha=-LR); p.grad = None  # the cheapest update by hand: one in-place op
        loss.item()
    bare_validate(model, d['xv'], d['yv'], 2*BS)

def ours_epoch(model, d):
    "(b) mnist_scratch: DataLoader + SGD + fit, progress bar off"
    fit(1, model, loss_func, d['opt_ours'](model), *d['dls_ours'], device=d['device'], progress=False)

def torch_train_epoch(model, dl, vdl, opt, device):
    model.train()
    for xb, yb in dl:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_func(model(xb), yb); loss.backward(); opt.step(); opt.zero_grad(); loss.item()
    evaluate(model, vdl, loss_func, device)  # the library's validation pass, as fit runs it

def torch_epoch(model, d):
    "(c) idiomatic PyTorch: DataLoader(TensorDataset, shuffle=True) + torch.optim.SGD"
    torch_train_epoch(model, *d['dls_torch'], torch.optim.SGD(model.parameters(), lr=LR), d['device'])

def torch_fast_epoch(model, d):
    "(d) PyTorch's fast idiom: a batch sampler fetching whole batches from the TensorDataset"
    torch_train_epoch(model, *d['dls_torch_fast'], torch.optim.SGD(model.parameters(), lr=LR), d['device'])

class CourseDataLoader:
    "(e) The course's from-scratch loader: items gathered one by one in Python, then stacked by `collate`"
    def __init__(self, ds, bs, shuffle=False): self.ds, self.bs, self.shuffle = ds, bs, shuffle
    def __len__(self): return -(-len(self.ds) // self.bs)
    def __iter__(self):
        idxs = list(Sampler(len(self.ds), self.shuffle))
        for i in range(0, len(idxs), self.bs): yield collate([self.ds[j] for j in idxs[i:i+self.bs]])

def course_epoch(model, d):
    "(e) the course's per-item DataLoader, with our SGD"
    torch_train_epoch(model, *d['dls_course'], SGD(model.parameters(), lr=LR), d['device'])

def learner_epoch(model, d):
    "(f) mnist_scratch Learner with the command line's callbacks: device, non-finite check, metrics, recorder"
    learn = d['learners'].get(id(model))
    if learn is None:
        learn = d['learners'][id(model)] = get_learner(model, d['dls'], lr=LR, device=d['device'], progress=False,
                                                       log=lambda s: None)
    learn.fit(1)

VARIANTS = dict(a=('raw loop (limit)', raw_epoch), b=('mnist_scratch fit', ours_epoch), c=('torch DataLoader', torch_epoch),
                d=('torch batch-sampler', torch_fast_epoch), e=('course per-item DataLoader', course_epoch),
                f=('mnist_scratch Learner', learner_epoch))

def setup(device):
    dls, _ = get_mnist_dls(BS, device=device)  # the library's one pipeline: normalised, on the device
    (x, y), (xv, yv) = (dls.train.dataset.x, dls.train.dataset.y), (dls.valid.dataset.x, dls.valid.dataset.y)
    # idiomatic PyTorch keeps the dataset on the CPU and moves each batch; the others hold it where they train
    xc, yc, xvc, yvc = x.cpu(), y.cpu(), xv.cpu(), yv.cpu()
    tds, tvds = TensorDataset(xc, yc), TensorDataset(xvc, yvc)
    return dict(x=x, y=y, xv=xv, yv=yv, device=device, learners={}, dls=dls,
                opt_ours=lambda model: SGD(model.parameters(), lr=LR),
                dls_ours=tuple(dls),
                dls_torch=(TorchDataLoader(tds, BS, shuffle=True), TorchDataLoader(tvds, 2*BS)),
                dls_torch_fast=(TorchDataLoader(tds, batch_size=None, sampler=TorchBatchSampler(RandomSampler(tds), BS, False)),
                                TorchDataLoader(tvds, batch_size=None, sampler=TorchBatchSampler(range(len(tvds)), 2*BS, False))),
                dls_course=(CourseDataLoader(Dataset(xc, yc), BS, shuffle=True), CourseDataLoader(Dataset(xvc, yvc), 2*BS)))

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

def time_variants(device, n_runs, keys):
    d = setup(device)
    set_seed(0)
    models = {k: get_model().to(device) for k in keys}
    times = {k: [] for k in keys}
    for r in range(n_runs + 1):  # run 0 is the warm-up
        for k in keys:
            sync(device); t = time.perf_counter()
            VARIANTS[k][1](models[k], d)
            sync(device); dt = time.perf_counter() - t
            if r: times[k].append(dt)
        print(f"  round {r}/{n_runs}" + (' (warm-up)' if not r else '') + ': ' +
              ' '.join(f"{k}={times[k][-1] if r else dt:.2f}s" for k in keys), file=sys.stderr, flush=True)
    return {k: statistics.median(v) for k, v in times.items()}

def table(med, device, n_runs):
    a, b = med['a'], med['b']
    rows = [f"| variant | median epoch (s) | / raw (a) | / mnist_scratch (b) |", "|---|---:|---:|---:|"]
    for k, v in med.items():
        rows.append(f"| ({k}) {VARIANTS[k][0]} | {v:.3f} | {v/a:.2f}x | {v/b:.2f}x |")
    return '\n'.join(rows)

def data_times():
    "Cold (empty cache) and warm get_data(), in seconds"
    old = os.environ.get('MNIST_SCRATCH_CACHE')
    with tempfile.TemporaryDirectory() as d:
        os.environ['MNIST_SCRATCH_CACHE'] = d
        t = time.perf_counter(); get_data(); cold = time.perf_counter() - t
        warm = min(_timed(get_data) for _ in range(3))
    if old is None: del os.environ['MNIST_SCRATCH_CACHE']
    else: os.environ['MNIST_SCRATCH_CACHE'] = old
    return cold, warm

def _timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t

def time_to_97(device, max_epochs=10):
    "Seconds of training (the library's defaults: SGD lr 0.03, momentum 0.9, cosine over 5 epochs) until valid acc >= 97%"
    set_seed(0)
    (train_dl, valid_dl), _ = get_mnist_dls(64, device=device)
    model = get_model(); opt = SGD(model.parameters(), lr=0.03, momentum=0.9)
    sched = CosineLR(opt, 5 * len(train_dl))
    total = 0.
    for ep in range(1, max_epochs + 1):
        h = fit(1, model, loss_func, opt, train_dl, valid_dl, device=device, progress=False, sched=sched)[0]
        total += h['seconds']
        if h['valid_acc'] >= 0.97: return total, ep, h['valid_acc']
    return float('nan'), max_epochs, h['valid_acc']

def learner_time_to_97(device, max_epochs=10):
    "The same, through the Learner (cosine schedule over 5 epochs, as `mnist_scratch train`)"
    set_seed(0)
    dls, _ = get_mnist_dls(64, device=device)
    from functools import partial
    learn = get_learner(get_model(), dls, lr=0.03, opt_func=partial(SGD, momentum=0.9), device=device, progress=False,
                        log=lambda s: None)
    cos, n = sched_cos(0.03, 0.), 5 * len(dls.train)
    sched = ParamSchedCB(lr=lambda t, _: cos(min(t, n), n))  # one schedule over 5 epochs, though fit runs an epoch at a time
    total = 0.
    for ep in range(1, max_epochs + 1):
        learn.fit(ep, cbs=[sched], start_epoch=ep - 1)
        h = learn.history[-1]; total += h['seconds']
        if h['valid_acc'] >= 0.97: return total, ep, h['valid_acc']
    return float('nan'), max_epochs, h['valid_acc']

def cnn_flops(model):
    "Multiply-adds of one image through `model`'s convolutions and linear layers, times 2: FLOPs of a forward pass"
    macs = []
    def hook(m, i, o):
        k = m.weight[0].numel()  # in_channels/groups x kh x kw (conv), or in_features (linear)
        macs.append(o[0].numel() * k)
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad(): model.eval()(torch.zeros(1, 784))
    for h in hs: h.remove()
    return 2 * sum(macs)

def matmul_gflops(n=1024, reps=20, dtype=torch.bfloat16):
    "This machine's `dtype` matmul rate (GFLOP/s) on one thread's worth of work as torch runs it"
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    for _ in range(3): a @ b
    t = time.perf_counter()
    for _ in range(reps): a @ b
    return 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9

def cnn_section(n_runs):
    "Median epoch of the CNN: the Learner (with its callbacks) vs a raw loop over the same model, batches and shifts"
    from mnist_scratch.conv import get_cnn, shift_batch
    from mnist_scratch.recipes import recipe_learner, recipe_settings
    from mnist_scratch.conv import bf16_pays
    bf16 = bf16_pays('cpu')  # what the recipe's precision 'auto' picks here; the raw loop does the same
    import torch.nn.functional as F
    dls, _ = get_mnist_dls(256)
    x, y = dls.train.dataset.x, dls.train.dataset.y
    xv, yv = dls.valid.dataset.x, dls.valid.dataset.y
    set_seed(0)
    # the default's CNN and callbacks with the raw loop's work: shifts alone (no wild share), no label smoothing
    from functools import partial
    from mnist_scratch.conv import random_shifts
    from mnist_scratch.learner import BatchTransformCB
    from mnist_scratch.recipes import register_recipe
    register_recipe('bench-cnn', arch='cnn', replace=True, bs=256, lr=0.05, wd=5e-4, precision='auto',
                    cbs=lambda: [BatchTransformCB(partial(random_shifts, p=2))])
    learn = recipe_learner('bench-cnn', dls, recipe_settings('bench-cnn'), device='cpu', progress=False,
                           log=lambda s: None)
    raw_model = get_cnn(); raw_opt = torch.optim.SGD(raw_model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    def raw():
        raw_model.train()
        for idx in torch.randperm(len(x)).split(256):
            xb, yb = x[idx], y[idx]
            d = torch.randint(-2, 3, (2, len(xb)))
            xb = shift_batch(xb, d[0], d[1], 2)
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16): loss = F.cross_entropy(raw_model(xb), yb)
            loss.backward(); raw_opt.step(); raw_opt.zero_grad(); loss.item()
        raw_model.eval()
        with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            for i in range(0, len(xv), 512): F.cross_entropy(raw_model(xv[i:i+512]), yv[i:i+512]).item()
    times = dict(raw=[], learner=[])
    for r in range(n_runs + 1):
        for k, f in (('raw', raw), ('learner', lambda: learn.fit(1))):
            t = time.perf_counter(); f(); dt = time.perf_counter() - t
            if r: times[k].append(dt)
        print(f"  cnn round {r}/{n_runs}" + (' (warm-up)' if not r else ''), file=sys.stderr, flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    flops = cnn_flops(get_cnn())
    work = 3 * flops * len(x) + flops * len(xv)  # training: forward + backward (about twice the forward); validation: forward
    prec = 'bf16' if bf16 else 'fp32'
    peak = matmul_gflops(dtype=torch.bfloat16 if bf16 else torch.float32)
    rows = [f"| variant | median epoch (s) | / raw | GFLOP/s | of {prec} matmul peak |", "|---|---:|---:|---:|---:|"]
    for k, name in (('raw', 'raw PyTorch loop'), ('learner', 'mnist_scratch Learner')):
        g = work / med[k] / 1e9
        rows.append(f"| {name} | {med[k]:.2f} | {med[k] / med['raw']:.2f}x | {g:.1f} | {g / peak:.0%} |")
    head = (f"### cpu: one CNN epoch (train 50,000 with shifts + validate 10,000), bs 256, {'bfloat16' if bf16 else 'float32'}, "
            f"{sum(p.numel() for p in get_cnn().parameters()):,} parameters, {flops / 1e6:.2f} MFLOP per image forward\n")
    tail = f"\nmeasured {prec} matmul rate (1024x1024, {torch.get_num_threads()} thread(s)): {peak:.0f} GFLOP/s\n"
    return head + '\n'.join(rows) + tail, med['learner'] / med['raw']

def cpu_name():
    "The processor's model name, from /proc/cpuinfo where there is one"
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine()

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--quick', action='store_true', help='fewer runs: under a minute on 2 cores')
    p.add_argument('--runs', type=int, default=None, help='timed runs of each variant (default 7, --quick 2)')
    p.add_argument('--loss', default='ours', choices=['ours', 'torch'],
                   help="loss for every variant: mnist_scratch's cross_entropy (default) or F.cross_entropy")
    p.add_argument('--no-cnn', action='store_true', help='skip the CNN section')
    p.add_argument('--device', default='cpu', help="'cpu' (default), 'cuda', or 'all': the CPU, then CUDA when available")
    p.add_argument('--threads', type=int, default=None,
                   help="intra-op CPU threads (default: the library's, OMP_NUM_THREADS or 1, as training uses; see bench/threads.py)")
    p.add_argument('--to', type=float, default=None,
                   help="instead: seconds and CPU-seconds to this test accuracy per seed (bench/speed.py's `to` part)")
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1], help='the seeds of --to (default 0 1)')
    args = p.parse_args()
    if args.to is not None:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import speed
        torch.set_num_threads(args.threads or 1)
        print(f"machine: {cpu_name()}, {os.cpu_count()} CPUs; torch {torch.__version__}; "
              f"{torch.get_num_threads()} thread(s)\n", flush=True)
        return print(speed.part_to(args.to, args.seeds))
    from mnist_scratch.learner import default_threads
    torch.set_num_threads(args.threads or default_threads())  # every variant, the raw loops too, with the threads training uses
    global loss_func
    if args.loss == 'torch': loss_func = torch.nn.functional.cross_entropy
    n_runs = args.runs or (2 if args.quick else 7)
    devices = ['cpu', 'cuda'] if args.device == 'all' else [args.device]
    devices = [torch.device(d) for d in devices if d != 'cuda' or torch.cuda.is_available()]
    cold, warm = data_times()
    out = [f"## mnist_scratch benchmark\n",
           f"machine: {cpu_name()} ({platform.machine()}), {os.cpu_count()} CPUs; python {platform.python_version()}; "
           f"torch {torch.__version__}; threads {torch.get_num_threads()}; N = {n_runs} runs a variant, median; "
           f"loss: {'F.cross_entropy' if args.loss == 'torch' else 'mnist_scratch cross_entropy'}\n",
           f"get_data(): cold {cold*1000:.0f} ms, warm {warm*1000:.0f} ms\n"]
    summary = []
    for device in devices:
        keys = list(VARIANTS)
        print(f"timing on {device}...", file=sys.stderr)
        med = time_variants(device, n_runs, keys)
        gpu = f" ({torch.cuda.get_device_name()})" if device.type == 'cuda' else ''
        out += [f"### {device}{gpu}: one epoch (train 50,000 + validate 10,000), bs {BS}\n", table(med, device, n_runs), '']
        secs, ep, acc = time_to_97(device)
        secs2, ep2, acc2 = learner_time_to_97(device)
        out.append(f"time to 97% validation accuracy on {device}: {secs:.1f} s of training with fit ({ep} epochs, {acc:.2%}), "
                   f"{secs2:.1f} s with the Learner ({ep2} epochs, {acc2:.2%})\n")
        summary.append((device, med))
    cnn_ratio = None
    if not args.no_cnn:
        print("timing the CNN...", file=sys.stderr)
        text, cnn_ratio = cnn_section(max(2, n_runs // 2))
        out.append(text)
    print('\n'.join(out))
    med = summary[0][1]
    if len(summary) > 1:
        for device, m in summary[1:]:
            print(f"- {device}: fit/raw = {m['b']/m['a']:.2f}x, learner/raw = {m['f']/m['a']:.2f}x, torch-DataLoader/fit = {m['c']/m['b']:.1f}x")
    print(f"- fit/raw = {med['b']/med['a']:.2f}x")
    print(f"- learner/raw = {med['f']/med['a']:.2f}x")
    if cnn_ratio is not None: print(f"- cnn learner/raw = {cnn_ratio:.2f}x")
    print(f"- torch-DataLoader/fit = {med['c']/med['b']:.1f}x")

if __name__ == '__main__': main()
