// neurosim's arithmetic, operation for operation: activations, losses, one step.
  // ------------------------------------------------------------ activations and losses

  function sigmoid(z) {
    if (z >= 0) return 1 / (1 + Math.exp(-z));
    const e = Math.exp(z);
    return e / (1 + e);
  }
  const ACTIVATIONS = dict({
    identity: [(z) => z, () => 1.0],
    sigmoid: [sigmoid, (z) => { const s = sigmoid(z); return s * (1 - s); }],
    tanh: [Math.tanh, (z) => { const t = Math.tanh(z); return 1 - t * t; }],
    bipolar_sigmoid: [(z) => 2 * sigmoid(z) - 1, (z) => { const s = sigmoid(z); return 2 * (s * (1 - s)); }],
    bipolar_sigmoid2: [(z) => 4 * sigmoid(z) - 2, (z) => { const s = sigmoid(z); return 4 * (s * (1 - s)); }],
    relu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
    leaky_relu: [(z) => (z > 0 ? z : 0.01 * z), (z) => (z > 0 ? 1 : 0.01)],
    softplus: [(z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), sigmoid],
    step: [(z) => (z >= 0 ? 1 : 0), () => 0],
  });
  // How each activation is written and the losses' thresholds: the library's
  // own, sent in the page's data (this file holds arithmetic only).
  const SYMBOLS = dict(data.symbols);
  const LOG_FLOOR = data.log_floor, BCE_EPS = data.bce_eps;

  // The buttons and keys of both pages: Previous, Next, Play/Pause, Reset,
  // ← and →, Home and End (keys typed into an input field are left alone).
  function controls(go, current, last, interval) {
    const play = document.getElementById("play");
    let timer = null;
    function stop() { if (timer) clearInterval(timer); timer = null; play.textContent = "Play"; }
    document.getElementById("prev").onclick = () => go(current() - 1);
    document.getElementById("next").onclick = () => go(current() + 1);
    document.getElementById("reset").onclick = () => { stop(); go(0); };
    play.onclick = () => {
      if (timer) return stop();
      play.textContent = "Pause";
      timer = setInterval(() => { if (current() >= last()) stop(); else go(current() + 1); }, interval);
    };
    document.addEventListener("keydown", (event) => {
      if (event.target.tagName === "INPUT") return;
      if (event.key === "ArrowRight") go(current() + 1);
      else if (event.key === "ArrowLeft") go(current() - 1);
      else if (event.key === "Home") go(0);
      else if (event.key === "End") go(last());
      else return;
      event.preventDefault();
    });
  }

  function sum(values) { let s = 0; for (const v of values) s += v; return s; }
  function keepVisible(list, item) {  // scroll the list, never the page
    if (item.offsetTop < list.scrollTop) list.scrollTop = item.offsetTop;
    else if (item.offsetTop + item.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = item.offsetTop + item.offsetHeight - list.clientHeight;
    }
  }

  function lossValue(name, outs, targets) {
    const n = outs.length;
    if (name === "mse" || name === "sse") {
      const sq = outs.map((o, k) => (o - targets[k]) * (o - targets[k]));
      return name === "mse" ? sum(sq) / n : 0.5 * sum(sq) / 1;
    }
    if (name === "bce") {
      const terms = outs.map((o, k) => targets[k] * Math.max(Math.log(o), LOG_FLOOR)
        + (1 - targets[k]) * Math.max(Math.log(1 - o), LOG_FLOOR));
      return -sum(terms) / n;
    }
    const top = Math.max(...outs);  // cross_entropy on logits
    const shifted = outs.map((o) => o - top);
    const logTotal = Math.log(sum(shifted.map(Math.exp)));
    return -sum(shifted.map((s, k) => targets[k] * (s - logTotal))) / 1;
  }
  function lossGradient(name, outs, targets) {
    const n = outs.length;
    if (name === "mse") return outs.map((o, k) => (2.0 / n) * (o - targets[k]));
    if (name === "sse") return outs.map((o, k) => (o - targets[k]) / 1);
    if (name === "bce") {
      return outs.map((o, k) => (o - targets[k]) / Math.max(o * (1 - o), BCE_EPS) / n);
    }
    const top = Math.max(...outs);
    const e = outs.map((o) => Math.exp(o - top));
    const total = sum(e), rowSum = sum(targets);
    return e.map((v, k) => ((v / total) * rowSum - targets[k]) / 1);
  }
  function softmax(outs) {
    const top = Math.max(...outs);
    const e = outs.map((o) => Math.exp(o - top));
    const total = sum(e);
    return e.map((v) => v / total);
  }
  function lossText(name, outs, targets) {
    const n = outs.length;
    if (name === "mse" || name === "sse") {
      const squares = outs.map((y, k) => `(${number(y)} - ${number(targets[k])})²`).join(" + ");
      return name === "mse" ? `[${squares}] / ${n}` : `½·[${squares}]`;
    }
    if (name === "bce") {
      const terms = outs.map((y, k) => `${number(targets[k])}·log(${number(y)}) + ` +
        `(1 - ${number(targets[k])})·log(1 - ${number(y)})`).join(" + ");
      return `-[${terms}] / ${n}`;
    }
    const p = softmax(outs);
    const terms = p.map((q, k) => `${number(targets[k])}·log(${number(q)})`).join(" + ");
    return `-[${terms}], with p = softmax(net) = [${p.map(number).join(", ")}]`;
  }

  // ------------------------------------------------------------ one training step

  const conns = data.connections || [];
  const neuronsByName = dict();
  for (const n of data.neurons || []) neuronsByName[n.name] = n;

  function compute(state) {
    const out = dict(), net = dict(), delta = dict(), grad = dict(), biasGrad = dict();
    const steps = [];
    data.inputs.forEach((name, k) => { out[name] = state.x[k]; });
    for (const [name, incoming] of data.evaluation_order) {
      const neuron = neuronsByName[name];
      const [fn] = ACTIVATIONS[neuron.activation];
      let z = state.b[name];
      for (const c of incoming) z = z + state.w[c] * out[conns[c].source];
      net[name] = z;
      out[name] = fn(z);
      const terms = incoming.map((c) => `${factor(state.w[c])}·${number(out[conns[c].source])}`);
      const text = terms.length ? [...terms, factor(state.b[name])].join(" + ") : number(state.b[name]);
      steps.push({ phase: "forward", kind: "net", target: name, value: z,
                   formula: `net(${name}) = ${text} = ${number(z)}` });
      const applied = neuron.activation === "identity" ? `net(${name})`
        : `${SYMBOLS[neuron.activation] || neuron.activation}(${number(z)})`;
      steps.push({ phase: "forward", kind: "output", target: name, value: out[name],
                   formula: `out(${name}) = ${applied} = ${number(out[name])}` });
    }
    const outs = data.outputs.map((n) => out[n]);
    const loss = lossValue(data.loss, outs, state.t);
    steps.push({ phase: "backward", kind: "loss", target: null, value: loss,
                 formula: `L = ${lossText(data.loss, outs, state.t)} = ${number(loss)}` });
    const outputGrad = dict();
    lossGradient(data.loss, outs, state.t).forEach((g, k) => { outputGrad[data.outputs[k]] = g; });
    for (const [name, incoming, outgoing] of data.backward_order) {
      const neuron = neuronsByName[name];
      const [, derivative] = ACTIVATIONS[neuron.activation];
      let error = name in outputGrad ? outputGrad[name] : 0.0;
      const parts = [], values = [];
      if (name in outputGrad) { parts.push(`∂L/∂out(${name})`); values.push(factor(outputGrad[name])); }
      for (const c of outgoing) {
        const target = conns[c].target;
        error = error + state.w[c] * delta[target];
        parts.push(`w(${name}→${target})·δ(${target})`);
        values.push(`${factor(state.w[c])}·${factor(delta[target])}`);
      }
      const slope = derivative(net[name]);
      delta[name] = error * slope;
      const grouped = (items) => (items.length === 0 ? "0" : items.length === 1 ? items[0]
        : "[" + items.join(" + ") + "]");
      const symbol = neuron.activation === "identity" ? "f"
        : SYMBOLS[neuron.activation] || neuron.activation;
      steps.push({ phase: "backward", kind: "delta", target: name, value: delta[name],
        formula: `δ(${name}) = ${grouped(parts)} · ${symbol}'(net(${name})) = ` +
                 `${grouped(values)}·${number(slope)} = ${number(delta[name])}` });
      for (const c of incoming) {
        const source = conns[c].source;
        grad[c] = delta[name] * out[source];
        steps.push({ phase: "backward", kind: "weight_grad", target: [source, name], value: grad[c],
          formula: `∂L/∂w(${source}→${name}) = δ(${name})·out(${source}) = ` +
                   `${factor(delta[name])}·${number(out[source])} = ${number(grad[c])}` });
      }
      biasGrad[name] = delta[name];
      steps.push({ phase: "backward", kind: "bias_grad", target: name, value: delta[name],
        formula: `∂L/∂b(${name}) = δ(${name}) = ${number(delta[name])}` });
    }
    const after = { x: state.x, t: state.t, w: state.w.slice(), b: dict(state.b) };
    const l1 = data.l1 || 0, l2 = data.l2 || 0;  // fit(l1=, l2=): weights only
    for (const [name, incoming] of data.evaluation_order) {
      for (const c of incoming) {
        const label = `w(${conns[c].source}→${conns[c].target})`;
        const step = updateStep(label, state.w[c], grad[c], conns[c].frozen, state.lr, c, l1, l2);
        steps.push(step);
        if (!conns[c].frozen) after.w[c] = step.value;
      }
      const frozen = neuronsByName[name].bias_frozen;
      steps.push(updateStep(`b(${name})`, state.b[name], biasGrad[name], frozen, state.lr, name));
      if (!frozen) after.b[name] = state.b[name] - state.lr * biasGrad[name];
    }
    return { steps, net, out, delta, grad, loss, after };
  }
  function updateStep(label, value, gradient, frozen, lr, target, l1 = 0, l2 = 0) {
    if (frozen) {
      return { phase: "update", kind: "update", target, value,
               formula: `${label}: frozen, stays ${number(value)}` };
    }
    if (l1 || l2) {  // optimizers.penalty_gradient: l1·sign(w) + l2·w, sign(0) = 0
      const sign = (value > 0) - (value < 0);
      const next = value - lr * (gradient + (l1 * sign + l2 * value));
      const terms = [...(l1 ? [`${number(l1)}·sign(${number(value)})`] : []),
                     ...(l2 ? [`${number(l2)}·${factor(value)}`] : [])];
      return { phase: "update", kind: "update", target, value: next,
               formula: `${label}: ${number(value)} - ${number(lr)}·(${number(gradient)} + ${terms.join(" + ")}) = ${number(next)}` };
    }
    const next = value - lr * gradient;
    return { phase: "update", kind: "update", target, value: next,
             formula: `${label}: ${number(value)} - ${number(lr)}·${factor(gradient)} = ${number(next)}` };
  }
  function lossOf(state) {  // the forward pass alone, for the loss after the step
    const out = dict();
    data.inputs.forEach((name, k) => { out[name] = state.x[k]; });
    for (const [name, incoming] of data.evaluation_order) {
      let z = state.b[name];
      for (const c of incoming) z = z + state.w[c] * out[conns[c].source];
      out[name] = ACTIVATIONS[neuronsByName[name].activation][0](z);
    }
    return lossValue(data.loss, data.outputs.map((n) => out[n]), state.t);
  }

