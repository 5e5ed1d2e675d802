#!/usr/bin/env python
"""Threads on a busy machine: training time per epoch of the MLP and the CNN with 1 and 2 intra-op threads, on an idle
machine and with other processes using the CPU (busy-loop processes started by this script, stopped at the end).

PyTorch's intra-op threads wait for each other at the end of every operation; when another process holds a core, a
thread that lost its core holds up all the others, and a small model's thousands of tiny operations an epoch each pay
that wait. This measures it, so that the command line's default (`--threads 1`) is a measured choice.

    python bench/threads.py            # the MLP and the CNN, idle and with 1 busy process
    python bench/threads.py --busy 2   # with 2 busy processes
"""
import argparse, os, subprocess, sys, time
import torch
from mnist_scratch.training import get_mnist_dls, set_seed
from mnist_scratch.model import get_model
from mnist_scratch.learner import get_learner
from mnist_scratch.recipes import recipe_learner

def epoch_time(arch, threads, n_batches):
    "Seconds per training epoch, extrapolated from `n_batches` training batches after 5 of warm-up"
    torch.set_num_threads(threads); set_seed(0)
    dls, _ = get_mnist_dls(64 if arch == 'mlp' else 256)
    learn = (get_learner(get_model(), dls, 0.03, device='cpu', progress=False, log=lambda s: None) if arch == 'mlp'
             else recipe_learner('cnn', dls, device='cpu', progress=False, log=lambda s: None))
    learn.opt = learn.opt_func(learn.model.parameters(), lr=learn.lr)
    learn.model.train(); it = iter(dls.train)
    def batch():
        xb, yb = next(it)
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=arch == 'cnn'): loss = learn.loss_func(learn.model(xb), yb)
        loss.backward(); learn.opt.step(); learn.opt.zero_grad(); loss.item()
    for _ in range(5): batch()
    t = time.perf_counter()
    for _ in range(n_batches): batch()
    return (time.perf_counter() - t) / n_batches * len(dls.train)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--busy', type=int, default=1, help='busy-loop processes for the busy runs (default 1)')
    args = p.parse_args()
    rows = []
    for state in ('idle', 'busy'):
        hogs = [subprocess.Popen([sys.executable, '-c', 'while True: pass']) for _ in range(args.busy if state == 'busy' else 0)]
        try:
            time.sleep(0.5)
            for arch, n in (('mlp', 300), ('cnn', 30)):
                for threads in (1, 2):
                    t = epoch_time(arch, threads, n)
                    rows.append((arch, state, threads, t))
                    print(f"  {arch} {state} {threads} thread(s): {t:.2f} s/epoch", file=sys.stderr, flush=True)
        finally:
            for h in hogs: h.kill()
    print(f"{os.cpu_count()} CPUs, torch {torch.__version__}; busy: {args.busy} busy-loop process(es) beside the measurement\n")
    print("| model | machine | 1 thread (s/epoch) | 2 threads (s/epoch) | 2 threads / 1 thread |\n|---|---|---:|---:|---:|")
    for arch in ('mlp', 'cnn'):
        for state in ('idle', 'busy'):
            t1, t2 = (t for a, s, th, t in rows if a == arch and s == state)
            print(f"| {arch} | {state} | {t1:.2f} | {t2:.2f} | {t2 / t1:.2f}x |")

if __name__ == '__main__': main()
