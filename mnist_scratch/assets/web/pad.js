// A drawing pad on every `.mnist-pad` element: draw a digit, watch what the model sees, every layer
// and its answer.
(function () {
  'use strict';
  const ms = window.mnistScratch || {};
  function el(tag, cls, parent, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    if (parent) parent.appendChild(e); return e;
  }
  // matplotlib's viridis at 17 evenly spaced points, between them linear: the colours of the docs' figures
  const VIRIDIS = [[68, 1, 84], [72, 24, 106], [71, 45, 123], [66, 64, 134], [59, 82, 139], [51, 99, 141],
    [44, 114, 142], [38, 130, 142], [33, 145, 140], [31, 160, 136], [40, 174, 128], [63, 188, 115],
    [94, 201, 98], [132, 212, 75], [173, 220, 48], [216, 226, 25], [253, 231, 37]];
  function colour(v) {  // v in [0, 1] -> [r, g, b]
    const x = Math.min(Math.max(v, 0), 1) * (VIRIDIS.length - 1);
    const i = Math.min(Math.floor(x), VIRIDIS.length - 2), f = x - i;
    return VIRIDIS[i].map((c, j) => Math.round(c + f * (VIRIDIS[i + 1][j] - c)));
  }
  ms.colour = colour;
  // `n` maps of h x w in a grid, on one colour scale: 0 to the layer's largest activation (returned)
  function paint(canvas, maps, n, h, w, cols, tile) {
    const rows = Math.ceil(n / cols), ctx = canvas.getContext('2d');
    canvas.width = cols * (tile + 1) - 1; canvas.height = rows * (tile + 1) - 1;
    ctx.fillStyle = '#dee2e6'; ctx.fillRect(0, 0, canvas.width, canvas.height);
    const img = ctx.createImageData(w, h), scratch = document.createElement('canvas');
    scratch.width = w; scratch.height = h;
    let top = 0;
    for (let i = 0; i < n * h * w; i++) top = Math.max(top, maps[i]);
    for (let m = 0; m < n; m++) {
      for (let i = 0; i < h * w; i++) {
        img.data.set([...colour(top > 0 ? maps[m * h * w + i] / top : 0), 255], 4 * i);
      }
      scratch.getContext('2d').putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(scratch, (m % cols) * (tile + 1), Math.floor(m / cols) * (tile + 1),
                    tile, tile);
    }
    return top;
  }
  // the colour bar of a layer's maps: 0 at the left, the layer's largest activation at the right
  function legend(box) {
    const row = el('div', 'mp-legend', box);
    el('span', '', row, '0');
    const bar = el('canvas', '', row); bar.width = 128; bar.height = 1;
    const img = bar.getContext('2d').createImageData(128, 1);
    for (let i = 0; i < 128; i++) img.data.set([...colour(i / 127), 255], 4 * i);
    bar.getContext('2d').putImageData(img, 0, 0);
    return el('span', 'mp-top', row);
  }
  // white strokes of the pen (mouse, finger) on the black canvas `pad`; `update` at most once a
  // frame while drawing; an `mnist-stroke` event on `root` when a stroke ends. Returns a clear function.
  function pen(pad, root, update) {
    const ctx = pad.getContext('2d');
    let drawing = false, last = null, queued = false;
    function at(e) {  // the pointer, in the canvas's pixels
      const b = pad.getBoundingClientRect();
      return [(e.clientX - b.left) * pad.width / b.width, (e.clientY - b.top) * pad.height / b.height];
    }
    pad.addEventListener('pointerdown', e => {
      drawing = true; last = at(e); pad.setPointerCapture(e.pointerId);
    });
    pad.addEventListener('pointermove', e => {
      if (!drawing) return;
      const p = at(e);
      ctx.strokeStyle = 'white'; ctx.lineWidth = 20; ctx.lineCap = ctx.lineJoin = 'round';
      ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke(); last = p;
      if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; update(); }); }
    });
    ['pointerup', 'pointercancel'].forEach(t => pad.addEventListener(t, () => {
      if (drawing) root.dispatchEvent(new CustomEvent('mnist-stroke', {detail: {canvas: pad}}));
      drawing = false;
    }));
    return () => { ctx.fillStyle = 'black'; ctx.fillRect(0, 0, pad.width, pad.height); };
  }
  // a strip to write a number on (`data-mode="number"`): the boxes found and the number follow the pen
  function mountStrip(root) {
    root.innerHTML = '';
    const wrap = el('div', 'mp-strip-wrap', root);
    const pad = el('canvas', 'mp-strip', wrap), boxes = el('canvas', 'mp-boxes', wrap);
    pad.width = boxes.width = 840; pad.height = boxes.height = 280;
    pad.setAttribute('aria-label', 'drawing strip: write a number');
    // its own class names: a page may hold a pad for one digit beside it
    const clear = el('button', 'mp-strip-clear', root, 'Clear');
    el('div', 'mp-label', root, 'the model reads');
    const said = el('div', 'mp-number', root), each = el('div', 'mp-digits', root);
    const bx = boxes.getContext('2d');
    const blank = pen(pad, root, update);
    function reset() {
      blank(); bx.clearRect(0, 0, 840, 280); said.textContent = '\u2013'; each.textContent = ''; ms.last = null;
    }
    function update() {
      const r = ms.read(pad);
      bx.clearRect(0, 0, 840, 280);
      if (!r) return;
      bx.strokeStyle = '#0d6efd'; bx.lineWidth = 3; bx.fillStyle = '#0d6efd'; bx.font = '20px sans-serif';
      r.boxes.forEach(([l, t, rt, b], i) => {
        bx.strokeRect(l * 840 - 3, t * 280 - 3, (rt - l) * 840 + 6, (b - t) * 280 + 6);
        bx.fillText(r.digits[i], l * 840 - 2, Math.max(20, t * 280 - 8));
      });
      said.textContent = r.number;
      each.textContent = r.digits.map((d, i) => `${d}: ${(100 * r.confidences[i]).toFixed(1)}%`).join(', ');
      ms.last = r;
      root.dispatchEvent(new CustomEvent('mnist-read', {detail: r}));
    }
    clear.addEventListener('click', reset);
    reset();
    return {pad, update, reset};
  }
  function mount(root) {
    root.innerHTML = '';
    const top = el('div', 'mp-row', root), left = el('div', 'mp-col', top);
    const pad = el('canvas', 'mp-pad', left);
    pad.width = pad.height = 280; pad.setAttribute('aria-label', 'drawing pad');
    const clear = el('button', 'mp-clear', left, 'Clear');
    const mid = el('div', 'mp-col', top);
    el('div', 'mp-label', mid, 'what the model sees (28x28)');
    const seen = el('canvas', 'mp-seen', mid); seen.width = seen.height = 28;
    el('div', 'mp-label', mid, 'the model says');
    const said = el('div', 'mp-prediction', mid, '\u2013'), bars = el('div', 'mp-bars', mid);
    const rows = ms.info.classes.map(c => {
      const r = el('div', 'mp-bar', bars);
      el('span', '', r, c);
      return el('div', '', r);
    });
    const maps = el('div', 'mp-maps', root), layers = [];
    const info = el('p', 'mp-info', root, `${ms.info.arch} model, ${ms.info.layers.length} layers` +
      (ms.info.test_accuracy != null
        ? `, ${(100 * ms.info.test_accuracy).toFixed(2)}% on MNIST's test set` : '') +
      ', running in this page');
    const blank = pen(pad, root, update);
    function reset() {
      blank();
      seen.getContext('2d').fillRect(0, 0, 28, 28); said.textContent = '\u2013';
      rows.forEach(b => { b.style.width = '0'; });
      maps.innerHTML = ''; layers.length = 0; ms.last = null;
    }
    function update() {
      const pixels = ms.prepare(pad);
      if (!pixels) return;
      const r = ms.forward(pixels), best = r.probs.indexOf(Math.max(...r.probs));
      const img = seen.getContext('2d').createImageData(28, 28);
      pixels.forEach((v, i) => {
        const g = Math.round(v * 255);
        img.data.set([g, g, g, 255], 4 * i);
      });
      seen.getContext('2d').putImageData(img, 0, 0);
      said.textContent = ms.info.classes[best];
      r.probs.forEach((p, i) => {
        rows[i].style.width = rows[i].title = (p * 100).toFixed(1) + '%';
      });
      const shown = r.activations.filter(a => a.type === 'relu' && a.shape.length === 3);
      shown.forEach((a, k) => {
        if (!layers[k]) {
          const box = el('div', 'mp-layer', maps);
          const [n, h, w] = a.shape;
          el('div', 'mp-label', box, `layer ${k + 1}: ${n} feature maps of ${h}x${w}`);
          layers[k] = el('canvas', 'mp-map', box); layers[k].top = legend(box);
        }
        const [n, h, w] = a.shape, cols = 16;
        const top = paint(layers[k], a.data, n, h, w, cols, h >= 14 ? 26 : h >= 7 ? 20 : 14);
        layers[k].top.textContent = `${top.toFixed(2)} (the layer's largest activation)`;
      });
      ms.last = {digit: ms.info.classes[best], probs: r.probs, logits: r.logits, pixels};
      root.dispatchEvent(new CustomEvent('mnist-drawn', {detail: ms.last}));
    }
    clear.addEventListener('click', reset);
    reset();
    return {pad, update, reset};
  }
  function start() {
    document.querySelectorAll('.mnist-pad').forEach(root => {
      if (ms && ms.forward) (root.dataset.mode === 'number' ? mountStrip : mount)(root);
      else root.textContent = 'This model cannot run in the page: '
        + (window.MNIST_SCRATCH_UNSUPPORTED || 'no model.js was loaded');
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
