#!/usr/bin/env python
"""Render README.md from nbs/index.ipynb without Quarto.

`nbdev_readme` needs Quarto, which cannot be installed everywhere this project is built. We run nbdev's own notebook
processors (the ones `nbdev_docs` uses: front matter, hidden cells and directives removed, `show_doc` executed) on
the index notebook, then nbconvert's Markdown exporter. `--check` fails, showing the difference, when README.md is
not what index.ipynb renders to."""
import argparse, difflib, os, sys, tempfile
from pathlib import Path
import nbformat, yaml
from nbconvert import MarkdownExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, TagRemovePreprocessor
from execnb.nbio import read_nb, write_nb
from nbdev.config import get_config
from nbdev.processors import FilterDefaults

class ReadmeProcs(FilterDefaults):
    "nbdev's processors, less `add_links`: a README read on a code host has no docs site beside it to link to"
    def base_procs(self): return [p for p in super().base_procs() if p.__name__ != 'add_links']

def render(nb_path):
    "Markdown for the notebook at `nb_path`, processed the nbdev way"
    nb = read_nb(nb_path)
    os.environ['IN_TEST'] = '1'  # as nbdev's docs driver does: show_doc cells run, tests are not re-run
    try: ReadmeProcs()(nb)
    finally: del os.environ['IN_TEST']
    with tempfile.TemporaryDirectory() as d:
        write_nb(nb, Path(d)/'index.ipynb')
        nb = nbformat.read(Path(d)/'index.ipynb', as_version=4)
    head, cells = '', []
    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.startswith('---'):
            fm = yaml.safe_load(c.source.strip().strip('-'))
            head = f"# {fm['title']}\n\n" + (f"> {fm['description']}\n\n" if fm.get('description') else '')
        elif not (c.cell_type == 'markdown' and c.source.startswith('<!-- WARNING')): cells.append(c)
    for c in cells:  # Quarto's `#| echo: false`: the output without the code (a shell command shown above it as text)
        if c.cell_type == 'code' and any(l.replace(' ', '') == '#|echo:false' for l in c.source.splitlines()):
            c.metadata.setdefault('tags', []).append('remove_input')
    nb.cells = cells
    exporter = MarkdownExporter(exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(CoalesceStreamsPreprocessor(), enabled=True)  # one block per cell's output
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    md = head + body.strip() + '\n'
    return '\n'.join(l.rstrip() for l in md.splitlines()) + '\n'

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='fail if README.md is out of date instead of writing it')
    args = p.parse_args()
    cfg = get_config()
    readme = cfg.config_path/'README.md'
    md = render(cfg.nbs_path/cfg.get('readme_nb', 'index.ipynb'))
    if args.check:
        old = readme.read_text(encoding='utf-8') if readme.exists() else ''
        if old != md:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), md.splitlines(True), 'README.md', 'rendered'))
            sys.exit("README.md is out of sync with nbs/index.ipynb: run `python tools/render_readme.py`")
        print("README.md is in sync with nbs/index.ipynb")
    else:
        readme.write_text(md, encoding='utf-8')
        print(f"wrote {readme}")

if __name__ == '__main__': main()
