#!/usr/bin/env python
"""Execute notebooks in place, as `nbdev_test` runs them, saving their outputs for the docs.

Cells marked `#| notest` (long trainings whose saved output the page shows) are skipped and keep their saved output;
every other cell runs in order, in the notebook's folder, and its output replaces the saved one; `--all` runs the
`#| notest` cells too, `--also ID,ID` those of these cell ids. Run `nbdev_clean` afterwards.
Usage: `python tools/run_notebook.py [--all | --also ID,ID] nbs/07_recipes.ipynb [...]`."""
import os, re, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

def skip(cell, notest=True, also=()):
    "True for the cells `nbdev_test` skips: markdown, `#| notest` (unless not `notest`, or its id in `also`), and the closing `nbdev_export()`"
    return cell.cell_type != 'code' or 'nbdev_export(' in cell.source or (
        notest and cell.get('id') not in also and re.search(r'^#\|\s*notest\b', cell.source, re.M))

def run(fn, all_cells=False, also=()):
    fn = Path(fn).resolve()
    nb = read_nb(fn)
    os.environ.setdefault('MPLBACKEND', 'Agg')
    with working_directory(fn.parent): CaptureShell(fn).run_all(nb, exc_stop=True, preproc=lambda c: skip(c, not all_cells, also))
    write_nb(nb, fn)
    print(f"ran {fn.name}")

if __name__ == '__main__':
    args = sys.argv[1:]
    also = args[args.index('--also') + 1].split(',') if '--also' in args else []
    for f in args:
        if f.endswith('.ipynb'): run(f, '--all' in args, also)
