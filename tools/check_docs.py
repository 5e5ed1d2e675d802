#!/usr/bin/env python
"""Check the built docs site (`_docs/`) in a real browser: Debian's Chromium, headless, driven by Playwright.

Each page is loaded twice, from `file://` and from a static server on the loopback address. On each: the title and
description headings, the navigation sidebar with every page, every image loaded, no console errors, no failed
requests, and nothing that nbdev hides (directives, front matter, hidden cells) visible as text. Every internal link
must resolve to an existing page and anchor. Screenshots of the index and of the training page are saved to
`_docs_check/` (look at them)."""
import argparse, functools, http.server, importlib, inspect, re, sys, threading
from pathlib import Path
from html.parser import HTMLParser
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']
HIDDEN = ['#| export', '#| hide', '#| default_exp', 'default_exp', 'output-file:', '<!-- WARNING', 'nbdev_export()', 'notest']

# The lessons: each piece a page teaches must show its whole body on the page (module -> names).
LESSONS = {
    'loss': ['logsumexp', 'log_softmax', 'nll', 'cross_entropy', 'accuracy'],
    'model': ['lin', 'relu', 'Module', 'Linear', 'ReLU', 'Sequential'],
    'training': ['Optimizer', 'SGD', 'Dataset', 'Sampler', 'BatchSampler', 'DataLoader', 'evaluate', 'fit'],
    'data': ['get_data', 'prepare_image', '_window', '_background', '_otsu', '_levels', '_ink', '_fit_box', '_centre_by_mass', '_stretch'],
    'files': ['atomic_path'],
    'conv': ['im2col', 'conv2d', 'BatchNorm2d', 'conv_block', 'get_cnn', 'shift_batch', 'random_shifts', 'BatchShiftCB', 'affine_grid',
             'random_affine', 'dilate', 'erode', 'gaussian_blur', 'random_stroke', 'random_blur', 'random_lowres', 'random_contrast',
             'wild_augment', 'BF16CB', 'predict_tta'],
    'wild': ['lowres', 'pen', 'blurred', 'grey_paper', 'phone_photo', 'small_off_centre', 'tilted', 'font_digit', 'foreign_dev_set',
             'load_image_folder'],
    'distributed': ['init', 'all_sum', 'DistributedSampler', 'distribute_dls', 'DDPCB', 'CheckpointCB'],
    'serve': ['Predictor', 'make_app'],
    'interpret': ['confusion_matrix', 'most_confused', 'top_losses'],
    'learner': ['Callback', 'run_cbs', 'Learner', 'default_threads', 'DeviceCB', 'BatchTransformCB', 'MetricsCB', 'ParamSchedCB', 'sched_one_cycle',
                'Adam', 'GradAccumCB', 'LRFinderCB', 'Hook', 'Hooks', 'ActivationStats'],
    'recipes': ['Recipe', 'register_recipe', 'get_recipe', 'recipe_settings', 'build_recipe', 'recipe_learner', 'fit_recipe',
                'train_recipe', 'Classifier'],
    'model_files': ['register_arch', 'build_arch', 'save_model', 'load_model', 'load_state'],
}
PAGE_MODULE = {'model_files': 'model'}  # a page whose code is exported into another page's module

def _lines(text): return {l.strip() for l in text.splitlines() if l.strip()}

def missing_bodies(page_text, module, names):
    "The names of `module` whose source lines do not all appear in `page_text` (the page as a reader sees it)"
    have, mod = _lines(page_text), importlib.import_module(f'mnist_scratch.{PAGE_MODULE.get(module, module)}')
    return [n for n in names if not _lines(inspect.getsource(getattr(mod, n))) <= have]

class _Ids(HTMLParser):
    "The ids and the hrefs of one page"
    def __init__(self): super().__init__(); self.ids, self.hrefs = set(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if tag == 'a' and a.get('href'): self.hrefs.append(a['href'])

def check_links(site):
    "Every relative link of every page points to an existing page and, if it has one, an existing anchor"
    pages = {}
    for p in site.glob('*.html'):
        parser = _Ids(); parser.feed(p.read_text(encoding='utf-8')); pages[p.name] = parser
    bad = []
    for name, parser in pages.items():
        for href in parser.hrefs:
            if re.match(r'^[a-z]+:', href): continue  # external (none expected) or mailto
            target, _, frag = href.partition('#')
            target = target or name
            if target not in pages: bad.append(f"{name}: link to missing page {href}")
            elif frag and frag not in pages[target].ids: bad.append(f"{name}: link to missing anchor {href}")
    return bad, len(pages)

def check_page(page, url, titles, expect_title):
    "Problems found on the page at `url`"
    errors, failed = [], []
    page.on('console', lambda m: errors.append(m.text) if m.type == 'error' else None)
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.on('requestfailed', lambda r: failed.append(r.url))
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
    module = url.rsplit('/', 1)[-1].removesuffix('.html')
    if module in LESSONS:
        probs += [f"the lesson's code of {n} is not shown" for n in missing_bodies(text, module, LESSONS[module])]
    probs += [f"hidden text visible: {h!r}" for h in HIDDEN if h in text]
    probs += [f"directive visible: {l!r}" for l in text.splitlines() if l.strip().startswith('#|')]
    if '{target=' in text: probs.append("Quarto link attributes visible as text")
    if '`' in page.locator('p.description').inner_text(): probs.append("markdown visible in the description")
    if page.locator('#search').count():  # the offline search finds a symbol and links to it
        page.fill('#search', 'cross_entropy')
        if page.locator('#search-results a').count() == 0: probs.append("search finds nothing for cross_entropy")
    probs += [f"console error: {e}" for e in errors] + [f"request failed: {u}" for u in failed]
    return probs, len(imgs)

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
    # the body check itself must catch a page that loses a body: drop fit's last line from a page that has it
    src = inspect.getsource(importlib.import_module('mnist_scratch.training').fit)
    assert missing_bodies(src, 'training', ['fit']) == [], "the body check misses a body that is there"
    assert missing_bodies(src.rsplit('\n', 2)[0], 'training', ['fit']) == ['fit'], "the body check misses a lost body"
    pages = re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', (site/'index.html').read_text(encoding='utf-8'))
    titles = [t for _, t in pages]
    handler = functools.partial(_QuietHandler, directory=str(site))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}/"
    n_imgs = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for origin in (site.as_uri() + '/', base):
            for href, title in pages:
                page = browser.new_page(viewport={'width': 1280, 'height': 900})
                probs, n = check_page(page, origin + href, titles, title)
                n_imgs += n
                bad += [f"{origin}{href}: {pr}" for pr in probs]
                if origin == base and href in ('index.html', 'training.html', 'learner.html', 'interpret.html', 'data.html', 'wild.html', 'conv.html', 'recipes.html'):
                    page.screenshot(path=str(shots/f"{Path(href).stem}.png"), full_page=href == 'index.html')
                page.close()
        browser.close()
    srv.shutdown()
    for b in bad: print("FAIL", b)
    print(f"checked {len(pages)} pages x 2 origins ({n_pages} files), {n_imgs} images; screenshots in {shots}/")
    if bad: sys.exit(f"docs check failed: {len(bad)} problems")
    print("docs check passed")

if __name__ == '__main__': main()
