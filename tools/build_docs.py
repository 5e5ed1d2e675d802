#!/usr/bin/env python
"""Build the docs site into `_docs/` from the notebooks, with no network and no Quarto.

nbdev renders its docs with Quarto, which cannot be installed everywhere this project is built. This script keeps
nbdev's part of the work: each notebook goes through the processors `nbdev_docs` uses (front matter from the title
cell, hidden cells and directives removed, `show_doc` cells executed, links to the API docs added), and is written to
`_proc/`. nbconvert then renders each processed notebook to HTML: it is already a dependency, renders exactly what the
notebook holds (prose, code, saved outputs and plots) and needs no site generator or theme. Maths becomes MathML on
the server (latex2mathml), so pages need no JavaScript and no CDN. Pages are listed in the order of `nbs/sidebar.yml`,
the sidebar nbdev's Quarto build uses too.

A notebook that fails to process stops the build with its name."""
import argparse, ast, html, importlib, json, os, re, shutil, sys, time
from pathlib import Path
import nbformat, yaml
from execnb.nbio import read_nb, write_nb
from fastcore.xtras import working_directory
from latex2mathml.converter import convert as tex_to_mathml
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, TagRemovePreprocessor
from nbdev.config import get_config
from nbdev.processors import FilterDefaults
from pygments.formatters import HtmlFormatter

class BuildError(Exception): pass

def sidebar_entries(nbs_path):
    "(notebook file, section or None) in the order of `sidebar.yml`; a `section:` entry groups the `contents` under it"
    def walk(items, section=None):
        for c in items:
            if isinstance(c, dict): yield from walk(c.get('contents', []), c.get('section'))
            else: yield nbs_path/c, section
    entries = list(walk(yaml.safe_load((nbs_path/'sidebar.yml').read_text())['website']['sidebar']['contents']))
    missing = [p.name for p, _ in entries if not p.exists()]
    if missing: raise BuildError(f"sidebar.yml lists notebooks that do not exist: {missing}")
    return entries

def sidebar_pages(nbs_path):
    "Notebook files in the order of `sidebar.yml`"
    return [p for p, _ in sidebar_entries(nbs_path)]

def nav_html(pages, current):
    "The sidebar's list of pages, a section's title above its first page, `current` marked"
    out, section = [], None
    for _, t, _, o, _, sec in pages:
        if sec != section and sec: out.append(f'<li class="section">{html.escape(sec)}</li>')
        section = sec
        active = ' class="active" aria-current="page"' if o == current else ''
        out.append(f'<li><a href="{o}"{active}>{html.escape(t)}</a></li>')
    return '\n'.join(out)

def process(fn, proc_dir):
    "The notebook `fn` after nbdev's docs processors, as an nbformat notebook (also written to `proc_dir`)"
    nb = read_nb(fn)
    os.environ['IN_TEST'] = '1'  # as nbdev's docs driver sets it
    try:
        with working_directory(fn.parent): FilterDefaults()(nb)
    except Exception as e: raise BuildError(f"{fn.name}: failed to process: {type(e).__name__}: {e}") from e
    finally: os.environ.pop('IN_TEST', None)
    out = proc_dir/fn.name
    write_nb(nb, out)
    return nbformat.read(out, as_version=4)

_CODE = re.compile(r'(```.*?```|`[^`\n]*`)', re.S)
_MATH = re.compile(r'\$\$(.+?)\$\$|\$([^$\n]+?)\$', re.S)

def _math_to_mathml(md):
    "Markdown `md` with `$...$` and `$$...$$` (outside code) replaced by MathML"
    def conv(m):
        tex, display = (m.group(1), 'block') if m.group(1) is not None else (m.group(2), 'inline')
        return tex_to_mathml(tex.strip(), display=display)
    parts = _CODE.split(md)
    return ''.join(p if i % 2 else _MATH.sub(conv, p) for i, p in enumerate(parts))

_HEAD_ID = re.compile(r'(<h[1-6] id=")([^"]+)(">.*?href="#)([^"]+)(")', re.S)

def _lower_heading_ids(body):
    "Heading ids in lower case, as Quarto writes them and nbdev's API links expect (`training.html#dataloader`)"
    return _HEAD_ID.sub(lambda m: m.group(1) + m.group(2).lower() + m.group(3) + m.group(4).lower() + m.group(5), body)

_DIRECTIVE = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
_QUARTO_LINK = re.compile(r'\[([^\]]+)\]\(([^)\s]+)\)\{target="_blank" style="([^"]*)"\}')

def _quarto_cell(c):
    "Apply the Quarto cell options nbdev leaves in the source (`echo`, `output`, `include`); False drops the cell"
    lines = c.source.splitlines()
    opts = {}
    while lines and (m := _DIRECTIVE.match(lines[0])): opts[m.group(1)] = m.group(2).lower(); lines.pop(0)
    if opts.get('include') == 'false': return False
    c.source = '\n'.join(lines)
    # a check that does not teach folds away (Quarto's `code-fold`); `#| code-fold: false` keeps one open
    fold = opts.get('code-fold', 'auto')
    if fold == 'true' or (fold == 'auto' and is_check(c)):
        c.metadata.setdefault('tags', []).append('fold_check')
        # folded code that makes an output (a figure's plotting) is named for what it is, not a check
        if c.get('outputs'): c.metadata['tags'].append('fold_code')
    if opts.get('echo') == 'false': c.metadata.setdefault('tags', []).append('remove_input')
    if opts.get('output') == 'false': c.outputs = []
    for o in c.get('outputs', []):  # show_doc writes Quarto's link attributes: make them HTML
        md = o.get('data', {}).get('text/markdown')
        if md: o['data']['text/markdown'] = _QUARTO_LINK.sub(r'<a href="\2" target="_blank" style="\3">\1</a>', md)
    return True

def _is_test(s):
    "An assert, a call of a `test_*` function, or a loop of them"
    if isinstance(s, ast.Assert): return True
    if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
        f = s.value.func
        return (f.id if isinstance(f, ast.Name) else getattr(f, 'attr', '')).startswith('test_')
    if isinstance(s, (ast.For, ast.With)): return all(_is_test(b) or isinstance(b, ast.Assign) for b in s.body)
    return False

def python_source(src):
    "A code cell's source as Python: its directives (`#|`), magics and shell lines blanked, line numbers kept"
    return '\n'.join('' if l.lstrip().startswith(('#|', '%', '!')) else l for l in src.splitlines())

def is_check(c):
    """A code cell that only checks, and shows nothing: its statements are asserts and `test_*` calls (and loops of
    them), with at most the assignments that set them up, and it has no output to read"""
    if c.get('outputs'): return False
    try: body = ast.parse(python_source(c['source'])).body
    except SyntaxError: return False
    return any(_is_test(b) for b in body) and all(_is_test(b) or isinstance(b, (ast.Assign, ast.AugAssign)) for b in body)

_FOLD = re.compile(r'<div class="cell [^"]*\bcelltag_fold_check\b[^"]*"[^>]*>\n(?=<div class="input">)')

def fold_checks(body):
    "Each code input of a cell tagged `fold_check` inside a closed `<details class=\"checks\">`"
    out, i = [], 0
    for m in _FOLD.finditer(body):
        start = m.end(); depth, j = 0, start
        for t in re.finditer(r'<div\b|</div>', body[start:]):
            depth += 1 if t.group(0) == '<div' else -1
            if depth == 0: j = start + t.end(); break
        seg = body[start:j]; n = seg[seg.find('<pre>'):seg.find('</pre>')].count('\n')
        what = ("Code" if 'celltag_fold_code' in m.group(0) else "Checks") + f" ({n} line{'s' if n != 1 else ''}"
        what += "; it made what follows)" if what.startswith("Code") else "; the test suite runs them)"
        out += [body[i:start], f'<details class="checks"><summary>{what}</summary>\n',
                body[start:j], '</details>']
        i = j
    return ''.join(out + [body[i:]])

def _inline_md(s):
    "`s` as HTML, with `code` spans (for the description line)"
    return re.sub(r'`([^`]+)`', r'<code>\1</code>', html.escape(s))

_HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)<a class="anchor-link" href="#[^"]+">(.*?)</h\1>', re.S)

def _unique_ids(body):
    """Heading ids made unique on the page: a symbol's heading (show_doc's, followed by its signature) keeps its id, as
    nbdev's API links expect; a section heading with the same text, or a second symbol whose name differs only in case
    (`relu` and `ReLU`), gets `-1` (then `-2`...) appended"""
    heads = list(_HEADING.finditer(body))
    symbol = {m.start() for m in heads if body.startswith('<div class="highlight"><pre>', m.end())}
    keeper = {}  # id -> the position of the heading that keeps it: its first symbol, else its first heading
    for m in heads:
        if m.group(2) not in keeper or (m.start() in symbol and keeper[m.group(2)] not in symbol): keeper[m.group(2)] = m.start()
    used = set(keeper)
    def fix(m):
        hid = m.group(2)
        if keeper[hid] != m.start():
            i = 1
            while f"{hid}-{i}" in used: i += 1
            hid = f"{hid}-{i}"; used.add(hid)
        return f'<h{m.group(1)} id="{hid}">{m.group(3)}<a class="anchor-link" href="#{hid}">{m.group(4)}</h{m.group(1)}>'
    return _HEADING.sub(fix, body)

def toc(body):
    "The page's table of contents: its sections (h2) and, under each, the headings (h3) in it"
    items, html_ = [], ['<nav class="toc" aria-label="on this page"><details id="toc-menu" open>'
                          '<summary>On this page</summary><ul>']
    for m in _HEADING.finditer(body):
        text = html.escape(re.sub(r'<[^>]+>', '', m.group(3)).strip())
        items.append((m.group(1), m.group(2), text))
    for level, hid, text in items:
        html_.append(f'<li class="toc-h{level}"><a href="#{hid}">{text}</a></li>')
    return '\n'.join(html_ + ['</ul></details></nav>']) if items else ''

def _text(fragment):
    "The words of an HTML fragment, as one line (no images: their data is not text)"
    fragment = re.sub(r'<(script|style)\b.*?</\1>', ' ', fragment, flags=re.S)
    # code as it reads: the highlighter's spans taken out without spaces, so `torch.no_grad` and
    # `x.amax(-1)` are found as typed
    fragment = re.sub(r'<(pre|code)\b.*?</\1>', lambda m: re.sub(r'<[^>]+>', '', m[0]), fragment, flags=re.S)
    return re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', ' ', fragment))).strip()

def search_entries(body, out_name, title):
    "Search entries of one page: its title and description, then each heading with all the text under it (prose, code, outputs)"
    entries = [dict(p=out_name, h='', t=title, x=_text(_HEADING.split(body)[0]))]
    parts = _HEADING.split(body)  # [before, level, id, text, rest, body, level, ...]
    for i in range(1, len(parts) - 4, 5):
        text = re.sub(r'<[^>]+>', '', parts[i + 2]).strip()
        entries.append(dict(p=out_name, h=parts[i + 1], t=f"{title}: {html.unescape(text)}", x=_text(parts[i + 4])))
    return entries

SEARCH_JS = """
(function () {
  // The page list folds away on a narrow screen (a phone): it opens from its summary line.
  var menu = document.getElementById('pages-menu');
  if (menu && window.matchMedia('(max-width: 800px)').matches) menu.open = false;
  // so does the page's contents, below 1100 px, where they sit above the page
  var toc = document.getElementById('toc-menu');
  if (toc && window.matchMedia('(max-width: 1100px)').matches) toc.open = false;
  var box = document.getElementById('search'), out = document.getElementById('search-results');
  if (!box || !window.SEARCH_INDEX) return;
  function snippet(text, word) {  // a few words either side of the first hit
    var i = text.toLowerCase().indexOf(word), a = Math.max(0, i - 60), b = Math.min(text.length, i + word.length + 60);
    return (a > 0 ? '... ' : '') + text.slice(a, b) + (b < text.length ? ' ...' : '');
  }
  box.addEventListener('input', function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    out.innerHTML = '';
    if (!words.length) return;
    var hits = window.SEARCH_INDEX.filter(function (e) {
      var s = (e.t + ' ' + e.x).toLowerCase();
      return words.every(function (w) { return s.indexOf(w) >= 0; });
    });
    // headings that match first, then sections whose text does
    hits.sort(function (a, b) { return words.every(function (w) { return b.t.toLowerCase().indexOf(w) >= 0; })
                                     - words.every(function (w) { return a.t.toLowerCase().indexOf(w) >= 0; }); });
    hits.slice(0, 20).forEach(function (e) {
      var li = document.createElement('li'), a = document.createElement('a'), sm = document.createElement('small');
      a.href = e.p + (e.h ? '#' + e.h : ''); a.textContent = e.t;
      var phrase = words.join(' '), at = e.x.toLowerCase().indexOf(phrase) >= 0 ? phrase : words[0];
      sm.textContent = e.x.toLowerCase().indexOf(at) >= 0 ? snippet(e.x, at) : '';
      li.appendChild(a); li.appendChild(sm); out.appendChild(li);
    });
    if (!hits.length) { var li = document.createElement('li'); li.textContent = 'no match'; out.appendChild(li); }
  });
})();
"""

_SHOW_DOC = re.compile(r'^show_doc\(([\w.]+)\)\s*$', re.M)
_SIG = re.compile(r'\n```python\n(.*?)```\n', re.S)

def _show_doc_name(c):
    "The name a `show_doc` cell documents, or None"
    m = _SHOW_DOC.search(c.source) if c.cell_type == 'code' else None
    return m.group(1) if m else None

def _exported_source(c): return c.cell_type == 'code' and c.metadata.get('exported_source', False)

def _defined_at(src, name):
    "Where `src` defines `name` (the last part of a dotted name, as `@patch` methods are written), or None"
    m = re.search(rf'^(?:class|def) {re.escape(name.split(".")[-1])}\b', src, re.M)
    return m.start() if m else None

def _class_sig(md, obj):
    "show_doc's signature of a class written `class Name(Base)`, as the class is defined (show_doc writes `def Name(`)"
    if not isinstance(obj, type): return md
    bases = ', '.join(b.__name__ for b in obj.__bases__ if b is not object)
    def fix(m):
        sig = m.group(1)
        if re.match(r'def \w+\(\s*\*args, \*\*kwargs\s*\):', sig): sig = f"class {obj.__name__}({bases}):\n"  # nothing to show but the base
        else: sig = re.sub(r'^def ', 'class ', sig)
        return f"\n```python\n{sig}```\n"
    return _SIG.sub(fix, md, count=1)

def tidy_show_docs(cells, module):
    """show_doc's cells made to read well beside the code a page shows:
    - a symbol whose definition follows on the page (an `#| exports` cell) keeps only its heading and source link: the
      code right below is its signature and docstring, which would otherwise be printed twice;
    - several symbols defined in one cell get their headings in the order the cell defines them;
    - a class is written as a class (`class Learner`), not as show_doc's `def Learner(`."""
    mod = None
    try: mod = importlib.import_module(module) if module else None
    except Exception: pass
    cells, k = list(cells), 0
    while k < len(cells) - 1:  # a show_doc written after its code (nbdev moves only its own): its heading goes first
        if _exported_source(cells[k]) and (nm := _show_doc_name(cells[k + 1])) and \
           _defined_at(cells[k].source, nm) is not None:
            cells[k], cells[k + 1] = cells[k + 1], cells[k]
        k += 1
    out, i = [], 0
    while i < len(cells):
        j = i
        while j < len(cells) and _show_doc_name(cells[j]): j += 1
        run = cells[i:j]
        if not run: out.append(cells[i]); i += 1; continue
        src = cells[j] if j < len(cells) and _exported_source(cells[j]) else None
        for c in run:
            nm = _show_doc_name(c)
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if not md: continue
                if src is not None: md = md.split('\n```python\n', 1)[0]
                else:
                    obj = mod
                    for part in nm.split('.'): obj = getattr(obj, part, None)
                    md = _class_sig(md, obj)
                o['data']['text/markdown'] = md
        if src is not None:
            at = {id(c): _defined_at(src.source, _show_doc_name(c)) for c in run}
            run = sorted(run, key=lambda c: 1e9 if at[id(c)] is None else at[id(c)])
        out += run; i = j
    return out

def page_parts(nb, name, module=None):
    "Title, description, output file name and HTML body of a processed notebook (`module`: its `default_exp`)"
    fm = next((c for c in nb.cells if c.cell_type == 'raw' and c.source.startswith('---')), None)
    if fm is None: raise BuildError(f"{name}: no title cell (`# Title` then `> description`)")
    meta = yaml.safe_load(fm.source.strip().strip('-'))
    cells = []
    for c in nb.cells:
        if c is fm or (c.cell_type == 'markdown' and c.source.startswith('<!-- WARNING')): continue
        if c.cell_type == 'markdown': c.source = _math_to_mathml(c.source)
        if c.cell_type == 'code' and 'code-summary: "Exported source"' in c.source: c.metadata['exported_source'] = True  # an `#| exports` cell
        if c.cell_type == 'code' and not _quarto_cell(c): continue
        cells.append(c)
    nb.cells = tidy_show_docs(cells, module and f"{get_config().lib_name}.{module}")
    exp = HTMLExporter(template_name='basic', exclude_input_prompt=True, exclude_output_prompt=True)
    exp.register_preprocessor(CoalesceStreamsPreprocessor(), enabled=True)
    exp.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    body, _ = exp.from_notebook_node(nb)
    return meta['title'], meta.get('description', ''), meta.get('output-file', Path(name).with_suffix('.html').name), _unique_ids(_lower_heading_ids(fold_checks(body)))

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site}</title>
<meta name="description" content="{desc_attr}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="site.css">
<link rel="stylesheet" href="styles.css">
</head>
<body>
<nav class="sidebar" aria-label="pages">
<a class="site-title" href="index.html">{site}</a>
<input id="search" type="search" placeholder="Search the docs" aria-label="search the docs" autocomplete="off">
<ul id="search-results"></ul>
<details id="pages-menu" open><summary>Pages</summary>
<ul class="pages">
{nav}
</ul>
</details>
</nav>
{toc}
<main>
<header><h1 class="title">{title}</h1><p class="description">{desc}</p>
<p class="source">This page is a notebook: <a href="nbs/{nb}" download>{nb}</a> (<a href="{git}/blob/{branch}/nbs/{nb}">on GitHub</a>); run it to see every output again.</p></header>
{body}
</main>
<script src="search_index.js"></script>
<script src="search.js"></script>
</body>
</html>
"""

SITE_CSS = """
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; color: #212529; }
.sidebar { position: fixed; top: 0; left: 0; bottom: 0; width: 15rem; padding: 1.2rem; overflow-y: auto;
           background: #f6f8fa; border-right: 1px solid #dee2e6; box-sizing: border-box; }
.sidebar .site-title { display: block; font-weight: 700; font-size: 1.2rem; margin-bottom: 1rem; color: #212529; text-decoration: none; }
.sidebar ul { list-style: none; padding: 0; margin: 0; }
#search { width: 100%; box-sizing: border-box; padding: .3rem .4rem; margin-bottom: .5rem; border: 1px solid #ced4da; border-radius: 4px; }
#search-results { margin-bottom: .8rem !important; font-size: .85rem; }
#search-results a { color: #0d6efd; text-decoration: none; display: block; padding: .15rem 0; }
.toc { position: fixed; top: 0; right: 0; bottom: 0; width: 12rem; padding: 1.2rem .8rem; overflow-y: auto; font-size: .82rem;
       border-left: 1px solid #dee2e6; box-sizing: border-box; background: white; }
.toc summary { font-weight: 600; margin: 0 0 .4rem; list-style: none; }
.toc summary::-webkit-details-marker { display: none; }
.toc ul { list-style: none; padding: 0; margin: 0; }
.toc li a { color: #495057; text-decoration: none; display: block; padding: .1rem 0; }
.toc li.toc-h3 { padding-left: .8rem; }
.toc li a:hover { color: #0d6efd; }
/* narrower than the three columns: the contents go above the page, folded behind "On this page" */
@media (max-width: 1100px) {
  .toc { position: static; width: auto; margin-left: 15rem; padding: .6rem 1.5rem 0; border-left: none; overflow: visible; }
  .toc summary { list-style: revert; cursor: pointer; color: #0d6efd; }
  .toc ul { columns: 2; border-bottom: 1px solid #dee2e6; padding-bottom: .5rem; }
}
.sidebar .pages li a { display: block; padding: .3rem .5rem; border-radius: 4px; color: #0d6efd; text-decoration: none; }
.sidebar .pages li a.active { background: #0d6efd; color: white; }
.sidebar .pages li.section { margin: .9rem 0 .2rem; padding: 0 .5rem; font-size: .8rem; font-weight: 600; text-transform: uppercase;
                          letter-spacing: .04em; color: #6c757d; }
main { margin-left: 15rem; margin-right: 12rem; padding: 1.5rem; max-width: 60rem; }  /* 100 columns of code at 1280 px */
@media (max-width: 1100px) { main { margin-right: 0; } }
h1.title { margin-bottom: .2rem; }
p.description { color: #6c757d; font-size: 1.1rem; margin-top: 0; }
p.source { color: #6c757d; font-size: .85rem; margin-top: -.5rem; }
/* code keeps its lines: a long one scrolls sideways inside its block, it never wraps back to column 0 */
pre { background: #f6f8fa; padding: .6rem .8rem; border-radius: 4px; font-size: .8rem; white-space: pre; overflow-x: auto; }
code { font-size: .9em; }
.jp-InputArea, .input_area, .highlight { background: #f6f8fa; }
.output_area pre, .jp-OutputArea pre { background: white; border-left: 3px solid #dee2e6; }
.output_png img, .output_area img { max-width: 100%; }
.anchor-link { visibility: hidden; margin-left: .3rem; text-decoration: none; }
h2:hover .anchor-link, h3:hover .anchor-link, h4:hover .anchor-link { visibility: visible; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #dee2e6; padding: .3rem .6rem; }
blockquote { color: #495057; border-left: 3px solid #dee2e6; margin-left: 0; padding-left: 1rem; }
math[display="block"] { display: block; margin: 1rem 0; font-size: 1.1rem; overflow-x: auto; }
.prompt { display: none; }
details.checks > summary { font-size: .8rem; color: #6c757d; cursor: pointer; margin: .3rem 0; }
#search-results small { display: block; color: #6c757d; font-size: .75rem; margin-bottom: .3rem; overflow-wrap: anywhere; }
#pages-menu > summary { display: none; }
main p, main li { overflow-wrap: break-word; }
.output_area, .output_subarea, .rendered_html { overflow-x: auto; }
/* a narrow screen (a phone, 420 px): the sidebar becomes a bar on top, its page list folded behind "Pages" */
@media (max-width: 800px) {
  .sidebar { position: static; width: auto; padding: .6rem .8rem; border-right: none; border-bottom: 1px solid #dee2e6; }
  .sidebar .site-title { display: inline-block; margin: 0 1rem .4rem 0; }
  #pages-menu > summary { display: list-item; cursor: pointer; color: #0d6efd; padding: .2rem 0; }
  main { margin: 0; padding: 1rem .9rem; max-width: none; }
  .toc { margin-left: 0; padding: .5rem .9rem 0; }
  .toc ul { columns: 1; }
}
"""

DOCS_MODEL = 'models/cnn'  # under nbs/: the default recipe, trained by `mnist_scratch train --out nbs/models/cnn`
PAD = 'class="mnist-pad"'      # a page holding this gets the drawing pad's scripts, and the model in `model/`

def add_pad(folder, nbs):
    "Write the docs model's web files into `folder`/model (the model runs in the page), as `mnist_scratch export` writes them"
    from mnist_scratch.model_files import model_file
    from mnist_scratch.web import model_spec, write_web
    src = nbs/DOCS_MODEL
    (folder/'model').mkdir()
    write_web(model_spec(src), folder/'model', model_file(src))

def _with_pad(page):
    "A page's HTML with the pad's style sheet and scripts, when it holds a pad"
    if PAD not in page: return page
    from mnist_scratch.web import SCRIPTS
    page = page.replace('<link rel="stylesheet" href="styles.css">', '<link rel="stylesheet" href="styles.css">\n<link rel="stylesheet" href="model/pad.css">')
    return page.replace('</body>', ''.join(f'<script src="model/{s}"></script>' for s in SCRIPTS) + '\n</body>')

def build(out=None, verbose=True):
    "Build the site; returns the list of pages written"
    t0 = time.perf_counter()
    cfg = get_config()
    nbs, root = cfg.nbs_path, cfg.config_path
    out = Path(out or root/cfg.doc_path)
    proc_dir = root/'_proc'
    shutil.rmtree(proc_dir, ignore_errors=True); proc_dir.mkdir()
    site_url = f"{cfg.doc_host}{cfg.doc_baseurl}/"
    pages = []
    for fn, section in sidebar_entries(nbs):
        if verbose: print(f"processing {fn.name}", flush=True)
        exp = re.search(r'#\|\s*default_exp\s+([\w.]+)', fn.read_text(encoding='utf-8'))
        title, desc, out_name, body = page_parts(process(fn, proc_dir), fn.name, exp and exp.group(1))
        pages.append((fn.name, title, desc, out_name, body.replace(site_url, ''), section))  # API links point into this site
    tmp = out.with_name(out.name + '.tmp')
    shutil.rmtree(tmp, ignore_errors=True); tmp.mkdir(parents=True)
    (tmp/'site.css').write_text(SITE_CSS + HtmlFormatter(style='default').get_style_defs('.highlight'))
    shutil.copy(nbs/'styles.css', tmp/'styles.css')
    index = [e for _, title, _, out_name, body, _ in pages for e in search_entries(body, out_name, title)]
    (tmp/'search_index.js').write_text('window.SEARCH_INDEX = ' + json.dumps(index) + ';\n', encoding='utf-8')
    (tmp/'search.js').write_text(SEARCH_JS, encoding='utf-8')
    if any(PAD in body for *_, body, _ in pages): add_pad(tmp, nbs)
    (tmp/'nbs').mkdir()
    for name, title, desc, out_name, body, _ in pages:
        shutil.copy(nbs/name, tmp/'nbs'/name)  # each page's notebook, to download and run
        nav = nav_html(pages, out_name)
        (tmp/out_name).write_text(_with_pad(PAGE.format(title=html.escape(title), site=html.escape(cfg.title), desc=_inline_md(desc),
                                              desc_attr=html.escape(desc, quote=True), nav=nav, body=body, toc=toc(body),
                                              nb=html.escape(name), git=html.escape(cfg.git_url), branch=html.escape(cfg.branch))), encoding='utf-8')
    shutil.rmtree(out, ignore_errors=True); tmp.rename(out)
    if verbose: print(f"built {len(pages)} pages into {out} in {time.perf_counter() - t0:.1f} s")
    return [p[3] for p in pages]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default=None, help='output folder (default: doc_path from settings.ini, _docs)')
    args = p.parse_args()
    try: build(args.out)
    except BuildError as e: sys.exit(f"docs build failed: {e}")

if __name__ == '__main__': main()
