#!/usr/bin/env python
"""Execute notebooks in place, as `nbdev_test` runs them, saving their outputs for the docs.

Cells marked `#| notest` (long trainings whose saved output the page shows) are skipped and keep their saved output;
every other cell runs in order, in the notebook's folder, and its output replaces the saved one; `--all` runs the
`#| notest` cells too. Run `nbdev_clean` afterwards. Usage: `python tools/run_notebook.py [--all] nbs/07_recipes.ipynb [...]`."""
import os, re, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

def skip(cell, notest=True):
    "True for the cells `nbdev_test` skips: markdown, `#| notest` (unless not `notest`), and the closing `nbdev_export()`"
    return cell.cell_type != 'code' or 'nbdev_export(' in cell.source or (notest and re.search(r'^#\|\s*notest\b', cell.source, re.M))

def run(fn, all_cells=False):
    fn = Path(fn).resolve()
    nb = read_nb(fn)
    os.environ.setdefault('MPLBACKEND', 'Agg')
    with working_directory(fn.parent): CaptureShell(fn).run_all(nb, exc_stop=True, preproc=lambda c: skip(c, not all_cells))
    write_nb(nb, fn)
    print(f"ran {fn.name}")

if __name__ == '__main__':
    args = sys.argv[1:]
    for f in args:
        if f != '--all': run(f, '--all' in args)
