#!/usr/bin/env python
"""Data-parallel training on one machine: epoch time with 1 and 2 processes (one thread each, gloo), for the MLP and
the CNN at a small and a large global batch, and the time of one all-reduce of each model's gradients.

Each configuration is a `torchrun --standalone` run of this same file in worker mode; rank 0 reports the median time of
a training step over a few dozen steps after a warm-up, extrapolated to an epoch of 50,000 images.

    python bench/distributed.py
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

def worker(arch, bs, steps, out):
    import torch, torch.distributed as dist
    from mnist_scratch.training import get_mnist_dls, set_seed
    from mnist_scratch.model import get_model
    from mnist_scratch.learner import CancelFitException, get_learner
    from mnist_scratch.recipes import recipe_learner
    from mnist_scratch.distributed import DDPCB, distribute_dls, init, is_main, world_size
    torch.set_num_threads(1)
    W = init(timeout=120)
    set_seed(0)
    dls, _ = get_mnist_dls(bs)
    dls = distribute_dls(dls) if W > 1 else dls
    kw = dict(device='cpu', progress=False, log=lambda s: None, cbs=[DDPCB()])
    learn = get_learner(get_model(), dls, 0.05, **kw) if arch == 'mlp' else recipe_learner('cnn', dls, **kw)
    times = []
    class Timer:
        order = 100
        def before_batch(self, learn): self.t = time.perf_counter()
        def after_batch(self, learn):
            if learn.training: times.append(time.perf_counter() - self.t)
            if len(times) >= steps: raise CancelFitException()
    learn.fit(1, cbs=[Timer()])
    step = statistics.median(times[5:])
    n = sum(p.numel() for p in learn.model.parameters())
    ar = float('nan')
    if W > 1:
        g = torch.zeros(n); ts = []
        for _ in range(30):
            dist.barrier(); t = time.perf_counter(); dist.all_reduce(g); ts.append(time.perf_counter() - t)
        ar = statistics.median(ts[5:])
    if is_main():
        json.dump(dict(step=step, epoch=step * (50_000 // bs), allreduce=ar, params=n), open(out, 'w'))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=40)
    args = p.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS='1', TORCH_DISABLE_SHARE_RDZV_TCP_STORE='1')
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for arch, batches in (('mlp', (64, 512)), ('cnn', (256, 1024))):
            for bs in batches:
                res = {}
                for nproc in (1, 2):
                    out = f"{d}/{arch}-{bs}-{nproc}.json"
                    subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--standalone', f'--nproc_per_node={nproc}',
                                    __file__, '--worker', arch, str(bs), str(args.steps), out], env=env, check=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    res[nproc] = json.load(open(out))
                    print(f"  {arch} bs {bs} x{nproc}: {res[nproc]['epoch']:.2f} s/epoch", file=sys.stderr, flush=True)
                rows.append((arch, bs, res))
    print("Data-parallel on one machine: 2 CPU cores, gloo, 1 thread per process.\n")
    print("| model | global batch | 1 process (s/epoch) | 2 processes (s/epoch) | speed-up | all-reduce of the gradients (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for arch, bs, res in rows:
        print(f"| {arch} ({res[1]['params']:,} parameters) | {bs} | {res[1]['epoch']:.2f} | {res[2]['epoch']:.2f} | "
              f"{res[1]['epoch'] / res[2]['epoch']:.2f}x | {res[2]['allreduce'] * 1000:.2f} |")

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--worker': worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else: main()
