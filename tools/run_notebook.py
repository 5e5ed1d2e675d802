#!/usr/bin/env python
"""Execute notebooks in place, as `nbdev_test` runs them, saving their outputs for the docs.

Cells marked `#| notest` (long trainings whose saved output the page shows) are skipped and keep their saved output;
every other cell runs in order, in the notebook's folder, and its output replaces the saved one. Run `nbdev_clean`
afterwards. Usage: `python tools/run_notebook.py nbs/07_recipes.ipynb [...]`."""
import os, re, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

def skip(cell):
    "True for the cells `nbdev_test` skips: markdown, `#| notest`, and the closing `nbdev_export()`"
    return cell.cell_type != 'code' or 'nbdev_export(' in cell.source or re.search(r'^#\|\s*notest\b', cell.source, re.M)

def run(fn):
    fn = Path(fn).resolve()
    nb = read_nb(fn)
    os.environ.setdefault('MPLBACKEND', 'Agg')
    with working_directory(fn.parent): CaptureShell(fn).run_all(nb, exc_stop=True, preproc=skip)
    write_nb(nb, fn)
    print(f"ran {fn.name}")

if __name__ == '__main__':
    for f in sys.argv[1:]: run(f)
