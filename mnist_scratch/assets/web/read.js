// read_ink's steps for a strip of several digits (light ink on black), as the Reading a number page
// writes them in Python: the ink's connected components from scratch, the pieces of one digit merged,
// digits that touch cut where the model is surest of both halves, in order along the line; each piece
// prepared as MNIST's digits (those of a tilted line turned upright) and read by the model.
(function () {
  'use strict';
  const ms = window.mnistScratch = window.mnistScratch || {};
  // 8-connected components of `mask` (W x H): the runs of each row, joined to the runs above they
  // touch by union-find; labels 1 to n in the order of their first run
  function label(mask, W, H) {
    const row = [], start = [], end = [], first = [0];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (!mask[y * W + x]) continue;
        if (x === 0 || !mask[y * W + x - 1]) { row.push(y); start.push(x); }
        if (x === W - 1 || !mask[y * W + x + 1]) end.push(x + 1);
      }
      first.push(row.length);
    }
    const parent = row.map((_, i) => i);
    const find = i => {
      while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
      return i;
    };
    for (let r = 1; r < H; r++) {
      let j = first[r - 1];
      for (let i = first[r]; i < first[r + 1]; i++) {
        while (j < first[r] && end[j] < start[i]) j++;  // runs above that end before it: done
        for (let k = j; k < first[r] && start[k] <= end[i]; k++) {
          const a = find(i), b = find(k);
          if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
        }
      }
    }
    const roots = [...new Set(row.map((_, i) => find(i)))].sort((a, b) => a - b);
    const num = new Map(roots.map((r, k) => [r, k + 1])), lab = new Int32Array(W * H);
    row.forEach((y, i) => {
      const n = num.get(find(i));
      for (let x = start[i]; x < end[i]; x++) lab[y * W + x] = n;
    });
    return [lab, roots.length];
  }
  // a piece: the pixels thought to be one digit, a mask (h x w) tight around them, top left at t, l
  function piece(t, l, h, w, mask) {
    let r0 = h, r1 = -1, c0 = w, c1 = -1;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (mask[y * w + x]) {
      r0 = Math.min(r0, y); r1 = Math.max(r1, y); c0 = Math.min(c0, x); c1 = Math.max(c1, x);
    }
    const nh = r1 - r0 + 1, nw = c1 - c0 + 1, m = new Uint8Array(nh * nw);
    for (let y = 0; y < nh; y++) for (let x = 0; x < nw; x++) m[y * nw + x] = mask[(r0 + y) * w + c0 + x];
    return {t: t + r0, l: l + c0, h: nh, w: nw, b: t + r0 + nh, r: l + c0 + nw, mask: m};
  }
  function centre(p) {
    let n = 0, sx = 0, sy = 0;
    for (let y = 0; y < p.h; y++) for (let x = 0; x < p.w; x++) if (p.mask[y * p.w + x]) { n++; sx += x; sy += y; }
    return [p.l + sx / n, p.t + sy / n];
  }
  function join(p, q) {
    const t = Math.min(p.t, q.t), l = Math.min(p.l, q.l);
    const h = Math.max(p.b, q.b) - t, w = Math.max(p.r, q.r) - l, m = new Uint8Array(h * w);
    for (const s of [p, q])
      for (let y = 0; y < s.h; y++) for (let x = 0; x < s.w; x++)
        if (s.mask[y * s.w + x]) m[(s.t - t + y) * w + s.l - l + x] = 1;
    return piece(t, l, h, w, m);
  }
  // the components as pieces, largest first, but specks (under `speck` of the largest)
  function components(mask, W, H, speck = 0.04) {
    const [lab, n] = label(mask, W, H);
    if (!n) return [];
    const area = new Array(n + 1).fill(0), box = [];
    for (let k = 0; k <= n; k++) box.push([H, -1, W, -1]);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const k = lab[y * W + x];
      if (!k) continue;
      area[k]++; const b = box[k];
      b[0] = Math.min(b[0], y); b[1] = Math.max(b[1], y); b[2] = Math.min(b[2], x); b[3] = Math.max(b[3], x);
    }
    const top = Math.max(...area.slice(1)), out = [];
    const order = [...Array(n).keys()].map(i => i + 1).sort((a, b) => area[b] - area[a] || a - b);
    for (const k of order) {
      if (area[k] < Math.max(4, speck * top)) break;
      const [t, b, l, r] = box[k], h = b - t + 1, w = r - l + 1, m = new Uint8Array(h * w);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = lab[(t + y) * W + l + x] === k;
      out.push(piece(t, l, h, w, m));
    }
    return out;
  }
  const median = v => {
    const s = [...v].sort((a, b) => a - b), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  // would p and q together still be as narrow as a digit (`wide` times as wide as tall)?
  const fits = (p, q, wide = 1.1) =>
    Math.max(p.r, q.r) - Math.min(p.l, q.l) <= wide * (Math.max(p.b, q.b) - Math.min(p.t, q.t));
  // pieces of one digit joined: stacked (sharing half the narrower's columns), or small
  function mergePieces(ps) {
    let out = [];
    for (const p of ps) {
      const i = out.findIndex(q => Math.min(p.r, q.r) - Math.max(p.l, q.l) >= 0.5 * Math.min(p.w, q.w) && fits(p, q));
      if (i >= 0) out[i] = join(out[i], p); else out.push(p);
    }
    const H = median(out.map(p => p.h));
    const small = out.filter(p => p.h < 0.6 * H).sort((a, b) => a.h - b.h);
    out = out.filter(p => p.h >= 0.6 * H);
    for (const f of small) {
      const gap = out.map(q => Math.max(q.l - f.r, f.l - q.r));  // negative: columns in common
      let best = -1;
      out.forEach((q, i) => {
        if (gap[i] < 0.15 * H && fits(f, q) && (best < 0 || gap[i] < gap[best])) best = i;
      });
      if (best >= 0) out[best] = join(out[best], f);
      else if (f.h >= 0.4 * H) out.push(f);  // smaller, and alone: not a digit
    }
    return out;
  }
  // p cut in two at up to k columns: its thinnest, then evenly spaced; the plausible halves
  function cuts(p, H, k = 24) {
    const ink = new Array(p.w).fill(0);
    for (let y = 0; y < p.h; y++) for (let x = 0; x < p.w; x++) ink[x] += p.mask[y * p.w + x];
    const m = Math.max(1, Math.floor(0.15 * p.h)), c = [];
    for (let x = m; x < p.w - m; x++) c.push(x);
    if (!c.length) return [];
    const half = Math.floor(k / 2), cols = new Set([...c].sort((a, b) => ink[a] - ink[b]).slice(0, half));
    const n = Math.min(c.length, half);
    for (let i = 0; i < n; i++) cols.add(c[ms.roundHalfEven(n > 1 ? i * (c.length - 1) / (n - 1) : 0)]);
    const out = [];
    for (const j of [...cols].sort((a, b) => a - b)) {
      const left = p.mask.slice(), right = p.mask.slice();
      for (let y = 0; y < p.h; y++) for (let x = 0; x < p.w; x++) (x >= j ? left : right)[y * p.w + x] = 0;
      if (!left.some(v => v) || !right.some(v => v)) continue;
      const halves = [piece(p.t, p.l, p.h, p.w, left), piece(p.t, p.l, p.h, p.w, right)];
      // a half must be at least a thin 1: 0.4 of the line tall, a tenth of it wide
      if (Math.min(...halves.map(x => x.h)) >= 0.4 * H && Math.min(...halves.map(x => x.w)) >= 0.1 * Math.max(p.h, H))
        out.push(halves);
    }
    return out;
  }
  // x (w x h) turned `angle` degrees anticlockwise on a canvas grown to hold it, sampled bilinearly: Pillow's
  // rotate(angle, BILINEAR, expand=True), step for step, as the Python reader turns a tilted line's digits
  function rotate(x, w, h, angle) {
    const r = -angle * Math.PI / 180, r15 = v => Math.round(v * 1e15) / 1e15;
    const [ca, sa] = [r15(Math.cos(r)), r15(Math.sin(r))];
    const to = (u, v, c, f) => [ca * u + sa * v + c, -sa * u + ca * v + f];  // output pixel -> input
    let [c, f] = to(-w / 2, -h / 2, 0, 0); c += w / 2; f += h / 2;
    const corners = [[0, 0], [w, 0], [w, h], [0, h]].map(([u, v]) => to(u, v, c, f));
    const span = k => Math.ceil(Math.max(...corners.map(q => q[k]))) - Math.floor(Math.min(...corners.map(q => q[k])));
    const nw = span(0), nh = span(1);
    [c, f] = to(-(nw - w) / 2, -(nh - h) / 2, c, f);
    const out = new Float64Array(nw * nh), cx = k => Math.min(Math.max(k, 0), w - 1);
    for (let y = 0; y < nh; y++) for (let i = 0; i < nw; i++) {
      let [u, v] = to(i + 0.5, y + 0.5, c, f);
      if (u < 0 || u >= w || v < 0 || v >= h) continue;  // outside the piece: background
      u -= 0.5; v -= 0.5;
      const x0 = Math.floor(u), y0 = Math.floor(v), dx = u - x0, dy = v - y0;
      const row = k => { const o = Math.min(Math.max(k, 0), h - 1) * w, p = x[o + cx(x0)];
                         return p + (x[o + cx(x0 + 1)] - p) * dx; };
      const v1 = row(y0), v2 = y0 + 1 < h ? row(y0 + 1) : v1;
      out[y * nw + i] = v1 + (v2 - v1) * dy;
    }
    return [out, nw, nh];
  }
  // piece p of ink a (W x H) as MNIST's digits: its own ink, and the soft edge of its strokes; upright
  function digitImage(a, W, H, p, angle = 0) {
    const t = Math.max(p.t - 1, 0), l = Math.max(p.l - 1, 0);
    const b = Math.min(p.b + 1, H), r = Math.min(p.r + 1, W), h = b - t, w = r - l;
    const m = new Uint8Array(h * w), x = new Float64Array(h * w);
    for (let y = 0; y < p.h; y++) for (let i = 0; i < p.w; i++) m[(p.t - t + y) * w + p.l - l + i] = p.mask[y * p.w + i];
    for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) {
      let near = 0;  // the mask's maximum over the 3x3 window, the edges repeated
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const v = Math.min(Math.max(y + dy, 0), h - 1), u = Math.min(Math.max(i + dx, 0), w - 1);
        near = near || m[v * w + u];
      }
      x[y * w + i] = near ? a[(t + y) * W + l + i] : 0;
    }
    return angle ? ms.fit(...rotate(x, w, h, angle)) : ms.fit(x, w, h);
  }
  const sure = pixels => Math.max(...ms.forward(pixels).probs);
  // pieces too wide for one digit cut where the model is surest of both halves
  function splitTouching(a, W, H, ps, LH, angle) {
    const out = [], todo = [...ps];
    while (todo.length) {
      const p = todo.pop(), wide = p.w / Math.max(p.h, 0.8 * LH);  // a digit is 0.75 as wide as tall
      const halves = wide > 0.8 ? cuts(p, LH, Math.floor(24 * Math.max(1, wide))) : [];
      if (!halves.length) { out.push(p); continue; }
      const whole = sure(digitImage(a, W, H, p, angle));
      const pair = halves.map(([u, v]) => Math.sqrt(sure(digitImage(a, W, H, u, angle))
                                                    * sure(digitImage(a, W, H, v, angle))));
      const best = pair.indexOf(Math.max(...pair)), s = pair[best];
      // split when wider than 1.1 digits and the halves read better; narrower: much better
      if ((wide > 1.1 && s > whole + 0.05) || (whole < 0.7 && s > whole + 0.2)) todo.push(...halves[best]);
      else out.push(p);
    }
    return out;
  }
  function tilt(ps) {  // the angle of the line through the pieces' centres, in degrees
    if (ps.length < 2) return 0;
    const c = ps.map(centre), mx = c.reduce((s, v) => s + v[0], 0) / c.length;
    const my = c.reduce((s, v) => s + v[1], 0) / c.length;
    let sxx = 0, sxy = 0;
    c.forEach(([x, y]) => { sxx += (x - mx) ** 2; sxy += (x - mx) * (y - my); });
    return sxx ? Math.atan(sxy / sxx) * 180 / Math.PI : 0;
  }
  // the number on a canvas (or ImageData): its digits in reading order, their boxes (fractions of
  // the image: left, top, right, bottom) and probabilities; null if nothing is drawn
  function read(img, thresh = 0.15) {
    const g = ms.gray(img);
    if (!g) return null;
    const [a, W, H] = g, mask = a.map(v => v > thresh);
    let ps = mergePieces(components(mask, W, H));
    if (!ps.length) return null;
    const LH = median(ps.map(p => p.h));
    let angle = tilt(ps);
    angle = Math.abs(angle) > 4 && Math.abs(angle) <= 30 ? angle : 0;  // level, or not a line
    const d = [Math.cos(angle * Math.PI / 180), Math.sin(angle * Math.PI / 180)];
    ps = splitTouching(a, W, H, ps, LH, angle).map(p => [p, centre(p)])
      .sort((u, v) => u[1][0] * d[0] + u[1][1] * d[1] - v[1][0] * d[0] - v[1][1] * d[1]).map(u => u[0]);
    const rs = ps.map(p => ms.forward(digitImage(a, W, H, p, angle)));
    const digits = rs.map(r => ms.info.classes[r.probs.indexOf(Math.max(...r.probs))]);
    return {number: digits.join(''), digits, confidences: rs.map(r => Math.max(...r.probs)),
            probabilities: rs.map(r => r.probs), boxes: ps.map(p => [p.l / W, p.t / H, p.r / W, p.b / H]), angle};
  }
  Object.assign(ms, {read, label, rotate});
})();
