#!/usr/bin/env python
"""Train the seed's MLP with mnist_scratch's defaults on CUDA (when there is a GPU) and on the CPU of the same
machine, and report the epoch times and accuracies: the check that `fit` runs on a GPU.

    python bench/cuda_fit.py [--epochs 5]
"""
import argparse, time, torch
from mnist_scratch.model import get_model
from mnist_scratch.loss import cross_entropy
from mnist_scratch.training import CosineLR, SGD, HEADER, fit, format_row, get_mnist_dls, set_seed

def run(device, epochs):
    set_seed(0)
    (train_dl, valid_dl), _ = get_mnist_dls(64, device=device)  # the whole dataset on the device: a batch is one gather there
    model = get_model(); opt = SGD(model.parameters(), lr=0.03, momentum=0.9)
    name = torch.cuda.get_device_name() if device == 'cuda' else 'cpu'
    print(f"\n{device} ({name}), torch {torch.__version__}, {torch.get_num_threads()} CPU threads"); print(HEADER)
    h = fit(epochs, model, cross_entropy, opt, train_dl, valid_dl, device=device, progress=False,
            sched=CosineLR(opt, epochs * len(train_dl)), log=lambda e: print(format_row(e), flush=True))
    assert next(model.parameters()).device.type == device
    secs = sorted(e['seconds'] for e in h[1:] or h)
    return secs[len(secs) // 2], h[-1]['valid_acc']

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=5)
    args = p.parse_args()
    res = {dev: run(dev, args.epochs) for dev in (['cuda'] if torch.cuda.is_available() else []) + ['cpu']}
    print()
    for dev, (t, acc) in res.items(): print(f"{dev}: median epoch {t:.2f} s (after the first), final valid accuracy {acc:.2%}")
    if not torch.cuda.is_available(): print("no CUDA GPU here: only the CPU was run")
