// prepare_image's steps for a drawing (light ink on black): find the ink, crop, fit into 20x20,
// centre by mass on 28x28.
(function () {
  'use strict';
  // area average: each output pixel the mean of the input it covers (anti-aliased)
  function resample(a, w, h, nw, nh) {
    function weights(n, m) {  // for each of m outputs, [first input, weights...] over n inputs
      const r = n / m, out = [];
      for (let i = 0; i < m; i++) {
        const lo = i * r, hi = (i + 1) * r, first = Math.floor(lo), ws = [];
        for (let j = first; j < Math.min(n, Math.ceil(hi)); j++)
          ws.push((Math.min(hi, j + 1) - Math.max(lo, j)) / r);
        out.push([first, ws]);
      }
      return out;
    }
    const wx = weights(w, nw), wy = weights(h, nh);
    const tmp = new Float64Array(h * nw), out = new Float64Array(nh * nw);
    for (let y = 0; y < h; y++)
      wx.forEach(([f, ws], i) => {
        let s = 0; ws.forEach((v, k) => { s += v * a[y * w + f + k]; }); tmp[y * nw + i] = s;
      });
    for (let x = 0; x < nw; x++)
      wy.forEach(([f, ws], i) => {
        let s = 0; ws.forEach((v, k) => { s += v * tmp[(f + k) * nw + x]; }); out[i * nw + x] = s;
      });
    return out;
  }
  // Python's round: halves to the even neighbour
  const roundHalfEven = v => {
    const r = Math.round(v);
    return Math.abs(v % 1) === 0.5 && r % 2 ? r - 1 : r;
  };
  function percentile(vals, q) {  // numpy's default: linear between the closest ranks
    const s = Float64Array.from(vals).sort(), pos = (q / 100) * (s.length - 1), i = Math.floor(pos);
    return i + 1 < s.length ? s[i] + (s[i + 1] - s[i]) * (pos - i) : s[i];
  }
  // ink `a` (W x H, 0 to 1) as MNIST's digits: cropped to the pixels above `t`, fit into 20x20,
  // centred by mass on 28x28, its ink stretched; null if no pixel is above `t`
  function fit(a, W, H, t = 0.35) {
    let r0 = H, r1 = -1, c0 = W, c1 = -1;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      if (a[y * W + x] > t) {
        r0 = Math.min(r0, y); r1 = Math.max(r1, y); c0 = Math.min(c0, x); c1 = Math.max(c1, x);
      }
    }
    if (r1 < 0) return null;
    const h = r1 - r0 + 1, w = c1 - c0 + 1, crop = new Float64Array(h * w);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) crop[y * w + x] = a[(r0 + y) * W + c0 + x];
    const s = 20 / Math.max(h, w);
    const nw = Math.max(1, roundHalfEven(w * s)), nh = Math.max(1, roundHalfEven(h * s));
    const box = resample(crop, w, h, nw, nh).map(v => Math.min(1, Math.max(0, v)));
    let m = 0, my = 0, mx = 0;
    for (let y = 0; y < nh; y++)
      for (let x = 0; x < nw; x++) { const v = box[y * nw + x]; m += v; my += y * v; mx += x * v; }
    const oy = Math.min(Math.max(roundHalfEven(14 - my / m), 0), 28 - nh);
    const ox = Math.min(Math.max(roundHalfEven(14 - mx / m), 0), 28 - nw);
    const out = new Float64Array(784);
    for (let y = 0; y < nh; y++)
      for (let x = 0; x < nw; x++) out[(oy + y) * 28 + ox + x] = box[y * nw + x];
    // stretch: the 75th percentile of the ink to full brightness
    const ink = Array.from(out).filter(v => v > 0.1);
    const p75 = ink.length ? percentile(ink, 75) : 1;
    return Array.from(out, v => Math.min(1, v / p75));
  }
  // a canvas (or an ImageData) as light ink on black, 0 to 1 (its brightest pixel 1): [a, W, H]
  function gray(img) {
    if (img.getContext) img = img.getContext('2d').getImageData(0, 0, img.width, img.height);
    const W = img.width, H = img.height, a = new Float64Array(W * H);
    let top = 0;
    for (let i = 0; i < W * H; i++) {
      a[i] = (img.data[4 * i] + img.data[4 * i + 1] + img.data[4 * i + 2]) / 765;
      top = Math.max(top, a[i]);
    }
    if (top < 0.08) return null;  // nothing drawn
    for (let i = 0; i < W * H; i++) a[i] /= top;
    return [a, W, H];
  }
  function prepare(img, t = 0.35) {
    // img: a canvas, or {width, height, data} with RGBA bytes (an ImageData);
    // returns 784 numbers in [0, 1], or null if blank
    const g = gray(img);
    return g && fit(g[0], g[1], g[2], t);
  }
  Object.assign(window.mnistScratch = window.mnistScratch || {}, {prepare, fit, gray, roundHalfEven});
})();
