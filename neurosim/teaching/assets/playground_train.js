// The live page's network and training: neurosim's fit, operation for operation.
  // ------------------------------------------------------------ the network

  // A network is { neurons: [{name, role, activation, bias, frozen}], connections:
  // [{source, target, weight, frozen}] } with sources and targets as neuron
  // indices; compile() orders it once per topology edit, into flat arrays.
  const SQUARED = "mse", SOFTMAX = "cross_entropy";

  // Network.layered(sizes, activation, output_activation, init="xavier_uniform", seed):
  // the same weights, drawn in the same order (source-major, layer by layer).
  function layeredNetwork(features, hidden, activation, outputs, outputActivation, seed) {
    const rng = new Generator(seed);
    const layers = [features.map((f) => ({ name: f, role: "input" }))];
    hidden.forEach((size, depth) => layers.push(Array.from({ length: size }, (_, j) =>
      ({ name: `h${depth + 1}_${j + 1}`, role: "hidden", activation, bias: 0 }))));
    layers.push(Array.from({ length: outputs }, (_, j) =>
      ({ name: `y${j + 1}`, role: "output", activation: outputActivation, bias: 0 })));
    const neurons = layers.flat(), connections = [];
    let start = 0;
    for (let l = 0; l + 1 < layers.length; l++) {
      const sources = layers[l].length, targets = layers[l + 1].length;
      const limit = Math.sqrt(6.0 / (sources + targets));
      for (let i = 0; i < sources; i++) {
        for (let j = 0; j < targets; j++) {
          connections.push({ source: start + i, target: start + sources + j,
                             weight: limit * (-1 + 2 * rng.random()) });
        }
      }
      start += sources;
    }
    return { neurons, connections };
  }

  // Levels (longest path from an input), a topological order, each neuron's
  // incoming and outgoing connections; null if the connections form a cycle.
  function compile(network) {
    const n = network.neurons.length, conns = network.connections;
    const incoming = Array.from({ length: n }, () => []), outgoing = Array.from({ length: n }, () => []);
    conns.forEach((c, k) => { incoming[c.target].push(k); outgoing[c.source].push(k); });
    const indegree = incoming.map((list) => list.length), level = new Array(n).fill(0);
    const order = [], ready = [];
    for (let i = 0; i < n; i++) if (indegree[i] === 0) ready.push(i);
    while (ready.length) {
      const i = ready.shift();
      order.push(i);
      for (const k of outgoing[i]) {
        const t = conns[k].target;
        level[t] = Math.max(level[t], level[i] + 1);
        if (--indegree[t] === 0) ready.push(t);
      }
    }
    if (order.length < n) return null;
    const inputs = [], outputs = [], computed = [];
    network.neurons.forEach((neuron, i) => {
      if (neuron.role === "input") inputs.push(i);
      if (neuron.role === "output") outputs.push(i);
    });
    for (const i of order) if (network.neurons[i].role !== "input") computed.push(i);
    const source = Int32Array.from(conns, (c) => c.source), target = Int32Array.from(conns, (c) => c.target);
    const fns = network.neurons.map((neuron) => neuron.role === "input" ? null : ACTIVATIONS[neuron.activation]);
    // The same lists flat, for the loops that run per sample: neuron i's
    // incoming connections are inConn[inStart[i] .. inStart[i + 1]), in the
    // order above (so every sum adds in the library's order), and so on.
    const flat = (lists, end) => {
      const start = new Int32Array(n + 1), conn = new Int32Array(conns.length), other = new Int32Array(conns.length);
      let p = 0;
      lists.forEach((list, i) => {
        start[i] = p;
        for (const k of list) { conn[p] = k; other[p] = end[k]; p += 1; }
      });
      start[n] = p;
      return [start, conn, other];
    };
    const [inStart, inConn, inSource] = flat(incoming, source);
    const [outStart, outConn, outTarget] = flat(outgoing, target);
    const outputIndex = new Int32Array(n).fill(-1);
    outputs.forEach((i, k) => { outputIndex[i] = k; });
    return { n, inputs, outputs, computed, incoming, outgoing, level, source, target, fns,
             f: fns.map((fn) => fn && fn[0]), df: fns.map((fn) => fn && fn[1]),
             order: Int32Array.from(computed), inputIndex: Int32Array.from(inputs), outputIndex,
             inStart, inConn, inSource, outStart, outConn, outTarget };
  }

  // ------------------------------------------------------------ one batch, as fit computes it

  function forward(plan, w, b, x, out, net) {  // one sample; x holds the input features
    const { inputIndex, order, inStart, inConn, inSource, f } = plan;
    for (let k = 0; k < inputIndex.length; k++) out[inputIndex[k]] = x[k];
    for (let c = 0; c < order.length; c++) {
      const i = order[c], end = inStart[i + 1];
      let z = b[i];
      for (let p = inStart[i]; p < end; p++) z = z + w[inConn[p]] * out[inSource[p]];
      net[i] = z;
      out[i] = f[i](z);
    }
  }

  // The loss of one batch and ∂L/∂output of each of its samples (losses.py):
  // mse is the mean over samples and outputs of (y − t)², cross_entropy the
  // mean over samples of −Σ t·log softmax(y).
  function batchLoss(loss, outs, targets, grads) {
    const B = outs.length, K = outs[0].length;
    let total = 0;
    if (loss === SQUARED) {
      const size = B * K;
      for (let s = 0; s < B; s++) {
        for (let k = 0; k < K; k++) {
          const d = outs[s][k] - targets[s][k];
          total += d * d;
          if (grads) grads[s][k] = (2.0 / size) * d;
        }
      }
      return total / size;
    }
    for (let s = 0; s < B; s++) {
      const o = outs[s], t = targets[s];
      let top = -Infinity;
      for (const v of o) if (v > top) top = v;
      let sum = 0, rowSum = 0;
      const e = o.map((v) => Math.exp(v - top));
      for (const v of e) sum += v;
      for (const v of t) rowSum += v;
      const logSum = Math.log(sum);
      for (let k = 0; k < K; k++) {
        total += t[k] * ((o[k] - top) - logSum);
        if (grads) grads[s][k] = ((e[k] / sum) * rowSum - t[k]) / B;
      }
    }
    return -total / B;
  }

  // One training step: forward over the batch, the loss, backward, the
  // weight penalty, the optimizer's update. Returns the batch's loss.
  function trainBatch(trainer, rows) {
    const { plan, w, b, gw, gb, delta } = trainer;
    const { n, order, inStart, inConn, inSource, outStart, outConn, outTarget, outputIndex, df } = plan;
    const B = rows.length, K = plan.outputs.length;
    // every sample's outputs and nets, kept for the backward pass, in one buffer
    if (!trainer.saved || trainer.saved.length < 2 * B * n) trainer.saved = new Float64Array(2 * B * n);
    const outs = [], targets = [], grads = [], saved = trainer.saved;
    for (let s = 0; s < B; s++) {
      const o = saved.subarray(2 * s * n, (2 * s + 1) * n), z = saved.subarray((2 * s + 1) * n, (2 * s + 2) * n);
      forward(plan, w, b, trainer.inputs[rows[s]], o, z);
      outs.push(plan.outputs.map((i) => o[i]));
      targets.push(trainer.targets[rows[s]]);
      grads.push(new Float64Array(K));
    }
    const value = batchLoss(trainer.loss, outs, targets, grads);
    gw.fill(0); gb.fill(0);
    for (let s = 0; s < B; s++) {
      const o = saved.subarray(2 * s * n, (2 * s + 1) * n), z = saved.subarray((2 * s + 1) * n, (2 * s + 2) * n);
      const g = grads[s];
      delta.fill(0);
      for (let c = order.length - 1; c >= 0; c--) {
        const i = order[c], at = outputIndex[i], inEnd = inStart[i + 1], outEnd = outStart[i + 1];
        let e = at >= 0 ? g[at] : 0;
        for (let p = outStart[i]; p < outEnd; p++) e = e + w[outConn[p]] * delta[outTarget[p]];
        const d = e * df[i](z[i]);
        delta[i] = d;
        for (let p = inStart[i]; p < inEnd; p++) gw[inConn[p]] += d * o[inSource[p]];
        gb[i] += d;
      }
    }
    const { l1, l2 } = trainer;
    if (l1 || l2) {
      for (let k = 0; k < w.length; k++) {
        if (!trainer.frozenW[k]) gw[k] = gw[k] + (l1 * Math.sign(w[k]) + l2 * w[k]);
      }
    }
    update(trainer, w, gw, trainer.frozenW, "w");
    update(trainer, b, gb, trainer.frozenB, "b", true);
    return value;
  }

  // optimizers.py: SGD, Momentum (0.9) and Adam (0.9, 0.999, 1e-8).
  function update(trainer, values, grads, frozen, key, last) {
    const opt = trainer.optimizer, lr = trainer.lr;
    if (key === "w") opt.t += 1;  // start_step(): once per training step
    if (opt.name === "sgd") {
      for (let k = 0; k < values.length; k++) if (!frozen[k]) values[k] = values[k] - lr * grads[k];
      return;
    }
    const state = opt.state[key] || (opt.state[key] = [new Float64Array(values.length), new Float64Array(values.length)]);
    const [m, v] = state;
    if (opt.name === "momentum") {
      for (let k = 0; k < values.length; k++) {
        if (frozen[k]) continue;
        const change = 0.9 * m[k] - lr * grads[k];
        m[k] = change;
        values[k] = values[k] + change;
      }
      return;
    }
    const c1 = 1.0 - 0.9 ** opt.t, c2 = 1.0 - 0.999 ** opt.t;
    for (let k = 0; k < values.length; k++) {
      if (frozen[k]) continue;
      const g = grads[k];
      m[k] = 0.9 * m[k] + (1.0 - 0.9) * g;
      v[k] = 0.999 * v[k] + (1.0 - 0.999) * g * g;
      values[k] = values[k] - lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + 1e-8);
    }
  }

  // One epoch of fit(batch_size, shuffle=True, seed): a permutation from the
  // run's generator, batches in its order; the loss is the batch losses'
  // mean weighted by batch size (computed before each update, as fit's).
  function trainEpoch(trainer) {
    const n = trainer.inputs.length, size = Math.min(trainer.batch, n);
    const order = trainer.rng.permutation(n);
    let total = 0;
    for (let start = 0; start < n; start += size) {
      const rows = order.slice(start, start + size);
      total += trainBatch(trainer, rows) * rows.length;
    }
    return total / n;
  }

  function evaluate(trainer, inputs, targets) {  // net.evaluate: the loss over a data set
    if (!inputs.length) return NaN;
    const { plan, w, b, out, net } = trainer, outs = [];
    for (const x of inputs) {
      forward(plan, w, b, x, out, net);
      outs.push(plan.outputs.map((i) => out[i]));
    }
    return batchLoss(trainer.loss, outs, targets, null);
  }
