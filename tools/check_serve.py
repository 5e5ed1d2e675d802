#!/usr/bin/env python
"""Try `mnist_scratch serve` as a person would, in a real browser (Debian's Chromium, headless, through Playwright).

Starts the app on the loopback address, draws a 1 and then a 7 with the mouse on the page's drawing pad, and checks
that the server's answer (`#prediction`) and the page's own (the pad's JavaScript, `window.mnistScratch.last`) both
show each digit, that the prepared 28x28 image and the pad's feature maps appear, that the strip below reads a 1 and
a 7 written side by side as 17, that Clear resets the prediction and the image, and that the page logged no console error and made no failed request. A screenshot of the 7 is saved.

    python tools/check_serve.py --model runs/RUN
"""
import argparse, socket, sys, threading, time
from pathlib import Path
import uvicorn
from playwright.sync_api import sync_playwright
from mnist_scratch.serve import make_app

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync']
DIGITS = {  # strokes in canvas pixels (280 x 280), as a person draws them
    '1': [[(150, 40), (145, 240)]],
    '7': [[(70, 60), (210, 60), (120, 235)]],
}
SEEN = "(() => { const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data;"
SEEN += " let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s; })()"

def draw(page, strokes):
    "Clear the page's pad, then draw `strokes` on it with the mouse (each a list of points on the 280x280 canvas)"
    page.click('.mp-clear'); box = page.locator('.mp-pad').bounding_box()
    for stroke in strokes:
        page.mouse.move(box['x'] + stroke[0][0], box['y'] + stroke[0][1]); page.mouse.down()
        for x, y in stroke[1:]: page.mouse.move(box['x'] + x, box['y'] + y, steps=12)
        page.mouse.up()

def write(page, number):
    "Clear the page's strip, then write `number` on it with the mouse: the digits' strokes side by side, 230 canvas pixels apart"
    page.click('.mp-strip-clear'); box = page.locator('.mp-strip').bounding_box(); k = box['width'] / 840
    for i, d in enumerate(number):
        for stroke in DIGITS[d]:
            pts = [(box['x'] + (x - 20 + 230 * i) * k, box['y'] + y * k) for x, y in stroke]
            page.mouse.move(*pts[0]); page.mouse.down()
            for pt in pts[1:]: page.mouse.move(*pt, steps=12)
            page.mouse.up()

def wait_for(page, f, timeout=10):
    "Poll `f(page)` until it is true or `timeout` seconds pass (Playwright's wait_for_function needs eval, which the page's CSP forbids)"
    t = time.time()
    while time.time() - t < timeout:
        if f(page): return True
        time.sleep(0.1)
    return False

def free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model', required=True, help='a run folder written by mnist_scratch train')
    p.add_argument('--shots', default='_docs_check'); p.add_argument('--chromium', default='/usr/bin/chromium')
    args = p.parse_args()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(args.model), host='127.0.0.1', port=port, log_level='warning'))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started: time.sleep(0.05)
    problems, errors, failed = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={'width': 1000, 'height': 1000})
        page.on('console', lambda m: errors.append(m.text) if m.type == 'error' else None)
        page.on('pageerror', lambda e: errors.append(str(e)))
        page.on('requestfailed', lambda r: failed.append(r.url))
        page.goto(f'http://127.0.0.1:{port}/')
        if not wait_for(page, lambda p: p.inner_text('#info').startswith('model '), 60): problems.append("the page did not load the model's info")
        if not wait_for(page, lambda p: p.locator('.mp-pad').count() == 1, 30): problems.append("the page has no drawing pad")
        for digit, strokes in DIGITS.items():
            draw(page, strokes)
            if not wait_for(page, lambda p: p.inner_text('#prediction') == digit, 30):
                problems.append(f"drew a {digit}, the page says {page.inner_text('#prediction')!r}")
            if page.evaluate(SEEN) == 0: problems.append(f"drew a {digit}: the prepared image is empty")
            here = page.evaluate("window.mnistScratch.last && window.mnistScratch.last.digit")
            if here != digit: problems.append(f"drew a {digit}, the pad's JavaScript says {here!r}")
            if page.locator('.mp-map').count() == 0: problems.append(f"drew a {digit}: the pad shows no feature maps")
            print(f"drew a {digit}: the server says {page.inner_text('#prediction')}, the page says {here}")
        # the strip below reads a number in the page: a 1 and a 7 side by side
        write(page, '17')
        if not wait_for(page, lambda p: p.inner_text('.mp-number') == '17', 30):
            problems.append(f"wrote 17 on the strip, it reads {page.inner_text('.mp-number')!r}")
        print(f"wrote 17 on the strip: the page reads {page.inner_text('.mp-number')}")
        Path(args.shots).mkdir(exist_ok=True)
        page.screenshot(path=str(Path(args.shots)/'serve.png'), full_page=True)
        page.click('.mp-clear')
        if page.inner_text('#prediction') != '\u2013': problems.append("Clear did not reset the prediction")
        if page.evaluate(SEEN) != 0: problems.append("Clear did not reset the prepared image")
        browser.close()
    server.should_exit = True
    problems += [f"console error: {e}" for e in errors] + [f"request failed: {u}" for u in failed]
    for pr in problems: print("FAIL", pr)
    if problems: sys.exit(f"serve check failed: {len(problems)} problems")
    print(f"serve check passed; screenshot in {args.shots}/serve.png")

if __name__ == '__main__': main()
