// mnist_scratch's forward pass in the browser: runs a model written by `export_web`, no dependency.
(function () {
  'use strict';
  function floats(b64) {  // base64 of little-endian float32s -> Float32Array
    const bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Float32Array(bytes.buffer);
  }
  // each layer: (input {shape, data}, layer) -> output; data in float64, shape [C, H, W] or [N]
  const LAYERS = {
    reshape: (x, L) => ({shape: L.shape, data: x.data}),
    flatten: (x) => ({shape: [x.data.length], data: x.data}),
    relu: (x) => ({shape: x.shape, data: x.data.map(v => (v > 0 ? v : 0))}),
    conv: (x, L) => {
      const [C, H, W] = x.shape, k = L.kernel, s = L.stride, p = L.padding, w = L.w, inp = x.data;
      const oh = Math.floor((H + 2 * p - k) / s) + 1, ow = Math.floor((W + 2 * p - k) / s) + 1;
      const out = new Float64Array(L.out * oh * ow);
      for (let o = 0; o < L.out; o++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++) {
            let sum = L.b ? L.b[o] : 0;
            for (let c = 0; c < C; c++)
              for (let ki = 0; ki < k; ki++) {
                const y = i * s - p + ki;
                if (y < 0 || y >= H) continue;
                const wrow = ((o * C + c) * k + ki) * k, xrow = (c * H + y) * W;
                for (let kj = 0; kj < k; kj++) {
                  const xx = j * s - p + kj;
                  if (xx >= 0 && xx < W) sum += w[wrow + kj] * inp[xrow + xx];
                }
              }
            out[(o * oh + i) * ow + j] = sum;
          }
      return {shape: [L.out, oh, ow], data: out};
    },
    // max or average over k x k windows at `stride`; k = 0: the whole map (global average)
    pool: (x, L) => {
      const [C, H, W] = x.shape, k = L.kernel || H, kw = L.kernel || W, s = L.stride || k;
      const oh = Math.floor((H - k) / s) + 1, ow = Math.floor((W - kw) / s) + 1;
      const out = new Float64Array(C * oh * ow);
      for (let c = 0; c < C; c++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++) {
            let acc = L.op === 'max' ? -Infinity : 0;
            for (let a = 0; a < k; a++)
              for (let b = 0; b < kw; b++) {
                const v = x.data[(c * H + i * s + a) * W + j * s + b];
                acc = L.op === 'max' ? Math.max(acc, v) : acc + v;
              }
            out[(c * oh + i) * ow + j] = L.op === 'max' ? acc : acc / (k * kw);
          }
      return {shape: [C, oh, ow], data: out};
    },
    linear: (x, L) => {
      const n = L.in, out = new Float64Array(L.out);
      if (x.data.length !== n)
        throw new Error(`linear layer ${L.name}: expects ${n} inputs, got ${x.data.length}`);
      for (let o = 0; o < L.out; o++) {
        let sum = L.b[o];
        for (let i = 0; i < n; i++) sum += L.w[o * n + i] * x.data[i];
        out[o] = sum;
      }
      return {shape: [L.out], data: out};
    },
  };
  function softmax(z) {
    const m = Math.max(...z), e = z.map(v => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
    return e.map(v => v / s);
  }
  function load(model) {
    const layers = model.layers.map(L => Object.assign({}, L, L.weight ? {w: floats(L.weight)} : {},
                                                       L.bias ? {b: floats(L.bias)} : {}));
    const here = document.currentScript && document.currentScript.src;
    const info = {format: model.format, arch: model.arch, config: model.config,
                  classes: model.classes, test_accuracy: model.test_accuracy,
                  layers: model.layers.map(({weight, bias, ...rest}) => rest),
                  model: here ? new URL(model.model_file, here).href : model.model_file};
    function forward(pixels) {
      if (!pixels || pixels.length !== 784) {
        const got = pixels && pixels.length;
        throw new Error(`forward: pixels must be 784 numbers in [0, 1], got ${got}`);
      }
      let x = {shape: [784], data: Float64Array.from(pixels, v => (v - model.mean) / model.std)};
      if (x.data.some(v => !Number.isFinite(v)))
        throw new Error('forward: pixels must be finite numbers in [0, 1]');
      const activations = [];
      for (const L of layers) {
        x = LAYERS[L.type](x, L);
        activations.push({name: L.name, type: L.type, shape: x.shape,
                          data: Float32Array.from(x.data)});
      }
      const logits = Array.from(x.data);
      return {logits, probs: softmax(logits), activations};
    }
    return {forward, info};
  }
  const api = window.mnistScratch = window.mnistScratch || {};
  if (window.MNIST_SCRATCH_MODEL) Object.assign(api, load(window.MNIST_SCRATCH_MODEL));
  api.load = load;
})();
