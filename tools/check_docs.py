#!/usr/bin/env python
"""Check the built docs site (`_docs/`) in a real browser: Debian's Chromium, headless, driven by Playwright.

Each page is loaded twice, from `file://` and from a static server on the loopback address. On each: the title and
description headings, the navigation sidebar with every page, every image loaded, no console errors, no failed
requests, and nothing that nbdev hides (directives, front matter, hidden cells) visible as text. The lesson is on the
page: every function and class its notebook exports shows its whole body (except the `PLUMBING` below, each with its
reason); code blocks keep their lines (they scroll, never wrap to column 0), no line of code is longer than
`CODE_WIDTH` and at 1280 px none scrolls; no saved output shows a path of the build
machine or a warning; every lesson page has a "Try it" section, shows at most `MAX_CODE_LINES` lines of code and, of
its code blocks shown, at most `MAX_CHECK_SHARE` bare checks (the rest folded); the search finds words of the prose. At
420 px wide no page scrolls sideways and the page list folds away. The lesson pages hold at least `MIN_FIGURES`
pictures. On a page with the drawing pad, the model runs in the page: its file is the site's own, its logits are
PyTorch's (1e-4), a 1 and a 7 drawn with the mouse are read, each convolution shows its feature maps with a colour
bar, in the figures' colours (viridis), the pad adds under 1 MB, and nothing is fetched from outside the site; a
strip that reads numbers reads one written on it as the Python reader reads the same strip. Every
internal link must resolve to an existing page and anchor. Screenshots are saved to `_docs_check/` (look at them)."""
import argparse, functools, http.server, re, sys, threading
from pathlib import Path
from html.parser import HTMLParser
from playwright.sync_api import sync_playwright
from build_docs import is_check, python_source  # the rule that folds a cell of bare checks away
from check_serve import DIGITS, draw, write  # a 1 and a 7, drawn (or written on a strip) as on the server's page

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']
HIDDEN = ['#| export', '#| hide', '#| default_exp', 'default_exp', 'output-file:', '<!-- WARNING', 'nbdev_export()', 'notest']

# What each page teaches is derived from its notebook: every function and class defined in an exported cell
# (`#| export` or `#| exports`) must show its whole body on the rendered page, except the plumbing named here, each
# with the reason it is not part of the lesson. This is the one list of code a reader is not shown.
PLUMBING = {
    '_to_tensors': "turns numpy arrays into tensors; the Data page shows the tensors it makes",
    'show_digits': "a matplotlib grid of digits; the page shows the pictures it draws",
    '_layers': "lists a model's layers for summary",
    '_n_params': "counts parameters for summary",
    '_check_targets': "the errors for targets of the wrong type, length or range, tested on the page",
    'set_seed': "seeds Python, numpy and torch",
    'default_device': "picks CUDA when it is available, else the CPU",
    '_model_device': "the device of a model's first parameter",
    '_check_placement': "the error message when the model and the data are on different devices, tested on the page",
    'format_row': "formats one line of the metrics table",
    'normalized_ds': "the Dataset of normalised MNIST that get_mnist_dls wraps",
    'get_mnist_dls': "MNIST's four tensors put into DataLoaders with get_dls",
    'plot_history': "a matplotlib plot of the losses, shown on the page",
    'CLIError': "the exception a command raises to print one line and exit with its status",
    '_check': "raises CLIError when a condition fails",
    '_new_run_dir': "names a new run folder under runs/ from the date and time",
    '_check_out': "refuses an --out folder that exists or cannot be written, removes killed runs' leftovers; tested on the page",
    '_run_dir': "names the run folder and checks it on the main process, for every process",
    '_Parser': "argparse's parser printing one line on a usage error",
    '_recipe_defaults': "the defaults of every recipe, for --help",
    '_timed_protocol': "the HTTP protocol class with a header time limit, tested on the page",
    '_where': "says who can connect to the address the server listens on",
    'serve': "starts the HTTP server; the page runs it",
    '_ArrayUnpickler': "the restricted unpickler for mnist.pkl.gz, tested on the page",
    '_fetch': "the HTTP download, never called in tests (no network)",
    '_digit_ink': "crops and scales a test digit for the development set of numbers",
    'compose': "sets digit images side by side for the development set; the page shows the numbers it makes",
    '_photo': "the development set's photo look (light, blur, noise); the page shows the photos it makes",
    'number_image': "writes one number of the development set; the page describes it and shows what it makes",
    'number_dev_set': "the development set of numbers, tested and shown on the page",
}

def lesson_defs(nb_path):
    "(name, source) of each function and class defined at the top of the exported cells of the notebook `nb_path`"
    import ast, json
    out = []
    for c in json.loads(Path(nb_path).read_text(encoding='utf-8'))['cells']:
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        if c['cell_type'] != 'code' or not re.match(r'#\|\s*exports?\b', src): continue
        code = python_source(src)
        for node in ast.parse(code).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                out.append((node.name, '\n'.join(code.splitlines()[start - 1:node.end_lineno])))
    return out

def _lines(text): return {l.strip() for l in text.splitlines() if l.strip()}

def missing_bodies(page_text, defs):
    "The names in `defs` ((name, source) pairs) whose source lines do not all appear in `page_text`"
    have = _lines(page_text)
    return [n for n, src in defs if n not in PLUMBING and not _lines(src) <= have]

class _Ids(HTMLParser):
    "The ids and the hrefs of one page"
    def __init__(self): super().__init__(); self.ids, self.hrefs = set(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if tag == 'a' and a.get('href'): self.hrefs.append(a['href'])

def check_links(site):
    "Every relative link of every page points to an existing page (or notebook) and, if it has one, an existing anchor"
    pages = {}
    for p in site.glob('*.html'):
        parser = _Ids(); parser.feed(p.read_text(encoding='utf-8')); pages[p.name] = parser
    bad = []
    for name, parser in pages.items():
        for href in parser.hrefs:
            if re.match(r'^[a-z]+:', href): continue  # external (none expected) or mailto
            target, _, frag = href.partition('#')
            target = target or name
            if target.startswith('nbs/') and (site/target).is_file(): continue  # the page's notebook
            if target not in pages: bad.append(f"{name}: link to missing page {href}")
            elif frag and frag not in pages[target].ids: bad.append(f"{name}: link to missing anchor {href}")
    return bad, len(pages)

LEAK = re.compile(r'(?:/work/|/tmp/|/root/|/home/|/Users/)\S*|\S*site-packages\S*')
WARNING = re.compile(r'\b\w*Warning: [^\n]{0,60}')
CODE_WIDTH = 100  # characters a line of code may take: the column at 1280 px holds this many (styles.css)
# a symbol, two phrases that only the prose holds, and calls in code as typed
SEARCHES = ['cross_entropy', 'gzip bomb', 'kaiming', 'torch.no_grad', 'x.amax(-1)']

def check_page(page, url, titles, expect_title, defs=(), lesson=False, site=None, shot=None):
    "Problems found on the page at `url`"
    errors, failed = [], []
    page.on('console', lambda m: errors.append(m.text) if m.type == 'error' else None)
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.on('requestfailed', lambda r: failed.append(r.url))
    requests = []; page.on('request', lambda r: requests.append(r.url))
    resp = page.goto(url, wait_until='load')
    probs = []
    if resp is not None and resp.status >= 400: probs.append(f"HTTP {resp.status}")
    if page.locator('h1.title').inner_text().strip() != expect_title: probs.append(f"title is not {expect_title!r}")
    if not page.locator('p.description').inner_text().strip(): probs.append("no description")
    nav = [t.strip() for t in page.locator('nav.sidebar ul.pages li a').all_inner_texts()]
    if nav != titles: probs.append(f"navigation {nav} != {titles}")
    if page.locator('nav.sidebar a.active').count() != 1: probs.append("navigation does not mark the current page")
    if page.locator('main h2').count() == 0: probs.append("no section headings")
    imgs = page.evaluate("Array.from(document.images).map(i => [i.complete && i.naturalWidth > 0, i.src.slice(0, 40)])")
    probs += [f"image not loaded: {src}" for ok, src in imgs if not ok]
    text = page.locator('main').inner_text()
    ids = page.evaluate("Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
    probs += [f"id used twice: {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if page.locator('main h2').count() > 1 and page.locator('nav.toc li').count() < page.locator('main h2').count():
        probs.append("no table of contents")
    elif page.locator('nav.toc').count() and not page.locator('nav.toc summary').is_visible():
        probs.append(f"the page's contents are not reachable at {page.viewport_size['width']} px")
    probs += [f"the lesson's code of {n} is not shown" for n in missing_bodies(text, defs)]
    pres = page.evaluate("Array.from(document.querySelectorAll('main pre')).filter(p => getComputedStyle(p).whiteSpace != 'pre').length")
    if pres: probs.append(f"{pres} code blocks wrap their lines (white-space is not pre)")
    # code (not outputs): no line over CODE_WIDTH characters, and at 1280 px no block that scrolls sideways
    long, wide = page.evaluate("""w => { const code = Array.from(document.querySelectorAll('main pre'))
        .filter(p => !p.closest('.output_area'));
        return [code.flatMap(p => p.textContent.split('\\n')).filter(l => l.length > w),  // folded ones too
                code.filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent.slice(0, 50))]; }""", CODE_WIDTH)
    if long: probs.append(f"{len(long)} code lines longer than {CODE_WIDTH} characters, as {long[0][:70]!r}")
    if wide and page.viewport_size['width'] >= 1280:  # the column is sized for CODE_WIDTH characters there
        probs.append(f"{len(wide)} code blocks scroll sideways at {page.viewport_size['width']} px, as {wide[0]!r}")
    outputs = '\n'.join(page.locator('main .output_area').all_inner_texts())
    probs += [f"saved output shows a path of the build machine: {m!r}" for m in sorted(set(LEAK.findall(text)))]
    probs += [f"saved output shows a warning: {m!r}" for m in sorted(set(WARNING.findall(outputs)))]
    heads = [h.strip() for h in page.locator('main h2').all_inner_texts()]
    if lesson and not any(h.lower().startswith('try it') for h in heads): probs.append("no 'Try it' section")
    stats = lesson_stats(page) if lesson else None
    if stats and stats['code lines'] > MAX_CODE_LINES:
        probs.append(f"{stats['code lines']} lines of code shown, more than {MAX_CODE_LINES}: split the page")
    if stats and stats['checks shown'] > stats['code cells'] * MAX_CHECK_SHARE:
        probs.append(f"{stats['checks shown']} of the {stats['code cells']} code blocks shown are bare checks, more than "
                     f"{MAX_CHECK_SHARE:.0%}: fold them (`#| code-fold: true`)")
    probs += [f"hidden text visible: {h!r}" for h in HIDDEN if h in text]
    probs += [f"directive visible: {l!r}" for l in text.splitlines() if l.strip().startswith('#|')]
    if '{target=' in text: probs.append("Quarto link attributes visible as text")
    if '`' in page.locator('p.description').inner_text(): probs.append("markdown visible in the description")
    if page.locator('#search').count():  # the offline search finds words anywhere in the text and links to them
        for q in SEARCHES:
            page.fill('#search', q)
            if page.locator('#search-results a').count() == 0: probs.append(f"search finds nothing for {q!r}")
        page.fill('#search', '')
    if page.locator('.mnist-pad[data-mode="number"]').count(): probs += check_strip(page, site, url)
    elif page.locator('.mnist-pad').count(): probs += check_pad(page, site, url, shot)
    outside = [u for u in requests if not u.startswith(url.rsplit('/', 1)[0]) and not u.startswith('data:')]
    probs += [f"console error: {e}" for e in errors] + [f"request failed: {u}" for u in failed]
    probs += [f"fetched from outside the site: {u}" for u in outside]
    return probs, len(page.locator('main img').all()), stats

MAX_CODE_LINES = 450   # lines of code a lesson page shows (folded checks aside); course22p2's longest notebooks are near it
MAX_CHECK_SHARE = 0.25  # of a lesson page's code blocks shown, the share that may be bare checks

def lesson_stats(page):
    "What a reader meets on a lesson page: prose words, code blocks and lines shown, bare checks shown and folded, figures"
    cells = page.evaluate("""() => Array.from(document.querySelectorAll('main div.cell')).filter(c => c.querySelector('.input'))
        .map(c => [c.querySelector('.input').innerText, !!c.querySelector('.input').closest('details.checks'),
                   !!c.querySelector('.output_area')])""")
    shown = [(src, out) for src, folded, out in cells if not folded]
    prose = ' '.join(page.locator('main .text_cell_render').all_inner_texts())
    return {'prose words': len(prose.split()), 'code cells': len(shown),
            'code lines': sum(len(src.strip().splitlines()) for src, _ in shown),
            'checks shown': sum(is_check({'source': src, 'outputs': [1] if out else []}) for src, out in shown),
            'checks folded': sum(folded for _, folded, _ in cells), 'figures': len(page.locator('main img').all())}

PAGE_WEIGHT = 1_000_000  # bytes the pad may add to a page (its scripts, the model, the style sheet)

def check_pad(page, site, url, shot=None):
    "Problems of the drawing pad on the page: the model it runs is the site's model file, computed as PyTorch does, and reads a drawn digit"
    import torch
    from mnist_scratch.model_files import load_model
    from mnist_scratch.data import get_test_data, normalize
    import mnist_scratch.recipes  # the architectures
    probs = []
    if not page.evaluate("typeof window.mnistScratch === 'object' && typeof window.mnistScratch.forward === 'function'"):
        return ["the pad's page has no window.mnistScratch.forward"]
    fn = _site_model(page, site, url)
    if fn is None: return [f"the pad's model file {page.evaluate('window.mnistScratch.info.model')} is not in the site"]
    net, cfg = load_model(fn)
    x, y = get_test_data(); x = x[:20]
    js = torch.tensor(page.evaluate("xs => xs.map(x => window.mnistScratch.forward(x).logits)", x.tolist()))
    diff = (js - net(normalize(x, cfg['mean'], cfg['std'])).detach()).abs().max().item()
    if diff > 1e-4: probs.append(f"the pad's logits differ from PyTorch's by {diff:.1e}")
    for digit, strokes in DIGITS.items():
        draw(page, strokes)
        page.wait_for_function("window.mnistScratch.last !== null", timeout=30_000)
        said = page.inner_text('.mp-prediction')
        if said != digit: probs.append(f"drew a {digit} on the pad, it says {said!r}")
        if page.locator('.mp-map').count() != sum(1 for L in page.evaluate("window.mnistScratch.info.layers") if L['type'] == 'conv'):
            probs.append("the pad does not show a row of feature maps for each convolution")
        if page.locator('.mp-layer').count() != page.locator('.mp-layer .mp-legend').count():
            probs.append("a row of feature maps has no colour bar")
    # the maps' colours are the figures' (matplotlib's viridis), within 5 of 255
    import matplotlib
    vs = [i / 20 for i in range(21)]
    js = page.evaluate("vs => vs.map(v => window.mnistScratch.colour(v))", vs)
    off = max(abs(a - 255 * b) for v, c in zip(vs, js) for a, b in zip(c, matplotlib.colormaps['viridis'](v)[:3]))
    if off > 5: probs.append(f"the pad's colours differ from matplotlib's viridis by {off:.0f} of 255")
    if shot: page.locator('.mnist-pad').screenshot(path=shot)
    weight = sum(f.stat().st_size for f in (site/'model').iterdir() if f.suffix in ('.js', '.css'))
    if weight > PAGE_WEIGHT: probs.append(f"the pad adds {weight:,} bytes to the page, more than {PAGE_WEIGHT:,}")
    return probs

def _site_model(page, site, url):
    "The file of the model the page's pad runs, if it is the site's own"
    model_url = page.evaluate("window.mnistScratch.info.model")
    here = url.rsplit('/', 1)[0] + '/'
    fn = site/model_url[len(here):] if model_url.startswith(here) else None
    return fn if fn is not None and fn.is_file() else None

def check_strip(page, site, url, number='171'):
    """Problems of a pad that reads numbers (`data-mode="number"`): `number` written on it with the mouse is read, and
    read as the Python reader (`Classifier.read`, the classifier's cuts) reads a PNG of the same strip: digits and boxes"""
    import base64
    from mnist_scratch.inference import Classifier
    import mnist_scratch.numbers  # Classifier.read
    if not page.evaluate("typeof window.mnistScratch === 'object' && typeof window.mnistScratch.read === 'function'"):
        return ["the strip's page has no window.mnistScratch.read"]
    fn = _site_model(page, site, url)
    if fn is None: return ["the strip's model file is not in the site"]
    page.locator('.mp-strip').scroll_into_view_if_needed()
    write(page, number)
    page.wait_for_function("window.mnistScratch.last !== null", timeout=30_000)
    js = page.evaluate("window.mnistScratch.last")
    probs = []
    if js['number'] != number: probs.append(f"wrote {number} on the strip, it reads {js['number']!r}")
    if page.locator('.mnist-pad .mp-number').inner_text() != js['number']: probs.append("the strip does not show its number")
    png = base64.b64decode(page.evaluate("document.querySelector('.mp-strip').toDataURL('image/png')").split(',')[1])
    py = Classifier(fn).read(png, judge=False)
    if py['number'] != js['number'] or len(py['boxes']) != len(js['boxes']) or max(
            abs(a - b) for u, v in zip(py['boxes'], js['boxes']) for a, b in zip(u, v)) > 1.5 / 840:
        probs.append(f"the strip reads {js['number']} at {js['boxes']}, Python {py['number']} at {py['boxes']}")
    return probs

NARROW = 420
MIN_FIGURES = 35  # pictures across the lesson pages, wherever a lesson is a shape or a curve

def check_narrow(page, url, shot=None):
    "Problems of the page at `url` on a phone-sized screen: nothing scrolls sideways, the page list folds away and opens"
    page.goto(url, wait_until='load')
    if shot: page.screenshot(path=shot)
    probs = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW: probs.append(f"at {NARROW} px the page is {width} px wide (it scrolls sideways)")
    if page.locator('nav.sidebar ul.pages').is_visible(): probs.append(f"at {NARROW} px the page list is not folded")
    page.locator('#pages-menu > summary').click()
    if not page.locator('nav.sidebar ul.pages').is_visible(): probs.append(f"at {NARROW} px the page list does not open")
    return probs

def notebook_pages(nbs='nbs'):
    "page file name -> its notebook (nbdev's names: `05_learner.ipynb` -> `learner.html`)"
    return {re.sub(r'^\d+[a-z]?_', '', p.stem) + '.html': p for p in Path(nbs).glob('*.ipynb') if not p.name.startswith('_')}

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--site', default='_docs'); p.add_argument('--shots', default='_docs_check')
    p.add_argument('--chromium', default='/usr/bin/chromium')
    args = p.parse_args()
    site, shots = Path(args.site).resolve(), Path(args.shots)
    if not (site/'index.html').exists(): sys.exit(f"{site}: no index.html; run tools/build_docs.py first")
    shots.mkdir(exist_ok=True)
    bad, n_pages = check_links(site)
    nb_of = notebook_pages()
    defs = {page: lesson_defs(nb) for page, nb in nb_of.items()}
    everything = {n for d in defs.values() for n, _ in d}
    bad += [f"PLUMBING names {n}, which no notebook exports" for n in PLUMBING if n not in everything]
    # the body check itself must catch a page that loses a body: drop a line of _train_epoch's
    loop = [d for d in defs['training.html'] if d[0] == '_train_epoch']
    assert loop and missing_bodies(loop[0][1], loop) == [], "the body check misses a body that is there"
    assert missing_bodies(loop[0][1].rsplit('\n', 2)[0], loop) == ['_train_epoch'], "the body check misses a lost body"
    # and the fold rule must tell a bare check from code that teaches or shows something
    assert is_check({'source': "i = xs.index(max(xs))\nfor a, b in zip(p, q): test_near(a, b)\nassert i > 0", 'outputs': []})
    assert not any(is_check({'source': src, 'outputs': out}) for src, out in [
        ("def f(x): return x\ntest_eq(f(1), 1)", []), ("learn.fit(1)\nassert learn.history", []),
        ("test_eq(1, 1)", [1]), ("x = 1", [])]), "the fold rule folds code that is not a bare check"
    pages = re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', (site/'index.html').read_text(encoding='utf-8'))
    titles = [t for _, t in pages]
    handler = functools.partial(_QuietHandler, directory=str(site))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}/"
    n_imgs, figures, table = 0, 0, []
    html_index = (site/'index.html').read_text(encoding='utf-8')
    nav = html_index.split('<ul class="pages">', 1)[1].split('</ul>', 1)[0]
    # the last section is the tool's, under the hood; the pages before it are the course
    hood = nav.rsplit('<li class="section">', 1)[1] if '<li class="section">' in nav else ''
    lessons = [h for h, _ in pages if h != 'index.html' and f'href="{h}"' not in hood]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for origin in (site.as_uri() + '/', base):
            for href, title in pages:
                page = browser.new_page(viewport={'width': 1280, 'height': 900})
                shot = str(shots/f"{Path(href).stem}-pad.png") if origin == base and href == 'conv.html' else None
                probs, n, stats = check_page(page, origin + href, titles, title, defs.get(href, ()), href in lessons, site, shot)
                n_imgs += n
                if origin == base and stats: table.append((href, stats))
                if origin == base and href in lessons: figures += n
                bad += [f"{origin}{href}: {pr}" for pr in probs]
                if origin == base and href in ('index.html', 'training.html', 'learner.html', 'schedule.html', 'hooks.html', 'interpret.html', 'data.html', 'wild.html', 'conv.html', 'recipes.html'):
                    page.screenshot(path=str(shots/f"{Path(href).stem}.png"), full_page=href == 'index.html')
                if origin == base and href == 'training.html':  # the loop itself, as the page teaches it
                    page.locator('#_train_epoch').scroll_into_view_if_needed(); page.screenshot(path=str(shots/'training-loop.png'))
                page.close()
                if origin == base:
                    page = browser.new_page(viewport={'width': NARROW, 'height': 800})
                    shot = str(shots/f"{Path(href).stem}-{NARROW}.png") if href in ('index.html', 'training.html', 'conv.html') else None
                    bad += [f"{origin}{href}: {pr}" for pr in check_narrow(page, origin + href, shot)]
                    page.close()
        browser.close()
    if figures < MIN_FIGURES: bad.append(f"{figures} figures across the {len(lessons)} lesson pages; at least {MIN_FIGURES} are expected")
    srv.shutdown()
    if table:  # what a reader meets on each lesson page
        keys = list(table[0][1])
        print(f"{'lesson page':<18}" + ''.join(f"{k:>15}" for k in keys))
        for href, st in table: print(f"{href:<18}" + ''.join(f"{st[k]:>15}" for k in keys))
    for b in bad: print("FAIL", b)
    print(f"checked {len(pages)} pages x 2 origins and at {NARROW} px ({n_pages} files), {n_imgs} images, "
          f"{figures} figures on {len(lessons)} lesson pages; screenshots in {shots}/")
    if bad: sys.exit(f"docs check failed: {len(bad)} problems")
    print("docs check passed")

if __name__ == '__main__': main()
