// neurosim's step-by-step pages. Everything the page needs is in this file and in
// the JSON block #neurosim-data written by neurosim.teaching.page: no request leaves
// the page. The arithmetic below repeats neurosim's (neuron.py, losses.py,
// activations.py, teaching/__init__.py) operation for operation, so the numbers and
// the formula strings are the library's.
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("neurosim-data").textContent);
  // Every map keyed by a name is prototype-free: a neuron may be called
  // "__proto__", "constructor" or "toString" and still be just a name.
  const dict = (entries) => Object.assign(Object.create(null), entries || {});

  // The link's fragment as [key, value] pairs. Whatever does not decode is
  // skipped, and at most `limit` entries are read, so no link can stop the page.
  function fragmentEntries(limit) {
    const entries = [];
    for (const part of location.hash.slice(1).split("&", limit)) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      try {
        entries.push([decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1))]);
      } catch (error) {  // a malformed % escape
        continue;
      }
    }
    return entries;
  }
  function finite(text) {  // a number, or NaN for anything else ("", "abc", "Infinity")
    const v = text.trim() === "" ? NaN : Number(text);
    return Number.isFinite(v) ? v : NaN;
  }
  // Where the page cannot change its own address (a sandboxed iframe in
  // Jupyter, whose origin is null), the link simply stays as it is.
  let linkWritable = true;
  function setFragment(text) {
    if (!linkWritable) return;
    try {
      history.replaceState(null, "", "#" + text);
    } catch (error) {
      linkWritable = false;
    }
  }

  // ------------------------------------------------------------ numbers as neurosim writes them

  function g6(v) {  // Python's f"{v:.6g}"
    const [mantissa, exp] = v.toExponential(5).split("e");
    const e = parseInt(exp, 10);
    if (e < -4 || e >= 6) {
      const m = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
      return m + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
    }
    const fixed = v.toFixed(Math.max(0, 5 - e));
    return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
  }
  function number(v) {  // teaching.number
    v = v + 0.0;
    if (Object.is(v, -0)) v = 0;
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toFixed(1);
    return g6(v);
  }
  function factor(v) {
    const text = number(v);
    return text.startsWith("-") ? "(" + text + ")" : text;
  }

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
    relu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
    leaky_relu: [(z) => (z > 0 ? z : 0.01 * z), (z) => (z > 0 ? 1 : 0.01)],
    softplus: [(z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), sigmoid],
    step: [(z) => (z >= 0 ? 1 : 0), () => 0],
  });
  // How each activation is written and the losses' thresholds: the library's
  // own, sent in the page's data (this file holds arithmetic only).
  const SYMBOLS = dict(data.symbols);
  const LOG_FLOOR = data.log_floor, BCE_EPS = data.bce_eps;

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
    for (const [name, incoming] of data.evaluation_order) {
      for (const c of incoming) {
        const label = `w(${conns[c].source}→${conns[c].target})`;
        steps.push(updateStep(label, state.w[c], grad[c], conns[c].frozen, state.lr, c));
        if (!conns[c].frozen) after.w[c] = state.w[c] - state.lr * grad[c];
      }
      const frozen = neuronsByName[name].bias_frozen;
      steps.push(updateStep(`b(${name})`, state.b[name], biasGrad[name], frozen, state.lr, name));
      if (!frozen) after.b[name] = state.b[name] - state.lr * biasGrad[name];
    }
    return { steps, net, out, delta, grad, loss, after };
  }
  function updateStep(label, value, gradient, frozen, lr, target) {
    if (frozen) {
      return { phase: "update", kind: "update", target, value,
               formula: `${label}: frozen, stays ${number(value)}` };
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

  // ------------------------------------------------------------ formulas as MathML

  const MATH = "http://www.w3.org/1998/Math/MathML";
  function el(tag, text) {
    const node = document.createElementNS(MATH, tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function sub(base, index) {
    const node = el("msub");
    node.append(el("mi", base), index);
    return node;
  }
  function subscriptOf(inside) {  // "a→b" or "h1"
    if (!inside.includes("→")) return el("mi", inside);
    const row = el("mrow");
    const [a, b] = inside.split("→");
    row.append(el("mi", a), el("mo", "→"), el("mi", b));
    return row;
  }
  const TOKEN = /∂L\/∂(?:w|b|out)\([^)]*\)|(?:net|out|δ|w|b)\([^)]*\)|\d+(?:\.\d+)?(?:e[+-]\d+)?|nan|inf|[A-Za-zσ_]+|'|²|½|→|\S/g;
  function mathml(formula) {
    const math = el("math");
    math.setAttribute("display", "block");
    const row = el("mrow");
    for (const token of formula.match(TOKEN) || []) {
      let node;
      const named = /^(net|out|δ|w|b)\(([^)]*)\)$/.exec(token);
      const partial = /^∂L\/∂(w|b|out)\(([^)]*)\)$/.exec(token);
      if (partial) {
        node = el("mfrac");
        const top = el("mrow"); top.append(el("mo", "∂"), el("mi", "L"));
        const bottom = el("mrow"); bottom.append(el("mo", "∂"), sub(partial[1], subscriptOf(partial[2])));
        node.append(top, bottom);
      } else if (named) {
        node = sub(named[1], subscriptOf(named[2]));
      } else if (token === "²" && row.lastChild) {
        node = el("msup"); node.append(row.lastChild, el("mn", "2"));
      } else if (token === "½") {
        node = el("mfrac"); node.append(el("mn", "1"), el("mn", "2"));
      } else if (/^\d/.test(token) || token === "nan" || token === "inf") {
        node = el("mn", token);
      } else if (/^[A-Za-zσ_]+$/.test(token)) {
        node = el("mi", token);
      } else {
        node = el("mo", { "-": "−", "·": "·", "'": "′" }[token] || token);
      }
      row.append(node);
    }
    math.append(row);
    return math;
  }

  // ------------------------------------------------------------ the network page

  function networkPage() {
    const editable = data.editable;
    const state = {
      x: data.x.slice(), t: data.target.slice(), lr: data.lr,
      w: conns.map((c) => c.weight), b: dict(),
    };
    for (const n of data.neurons) if (n.role !== "input") state.b[n.name] = n.bias;
    let result = null, current = 0, timer = null;

    function steps() { return result ? result.steps : data.steps; }

    // the fragment: #step=7&lr=0.3&x=1,0&t=1&w:x1>h1_1=0.3&b:h1_1=0.1
    // (each key and value URI-encoded; anything that does not parse is ignored)
    const connectionIndex = new Map(conns.map((c, k) => [`${c.source}>${c.target}`, k]));
    function readVector(text, into) {
      text.split(",", into.length).forEach((s, k) => {
        const v = finite(s);
        if (!Number.isNaN(v)) into[k] = v;
      });
    }
    function readFragment() {
      const limit = 8 + conns.length + data.neurons.length;
      for (const [key, value] of fragmentEntries(limit)) {
        const v = finite(value);
        if (key === "step") { if (!Number.isNaN(v)) current = Math.max(0, Math.floor(v)); }
        else if (key === "lr") { if (v > 0) state.lr = v; }
        else if (key === "x") readVector(value, state.x);
        else if (key === "t") readVector(value, state.t);
        else if (key.startsWith("w:")) {
          const k = connectionIndex.get(key.slice(2));
          if (k !== undefined && !Number.isNaN(v)) state.w[k] = v;
        } else if (key.startsWith("b:") && key.slice(2) in state.b && !Number.isNaN(v)) {
          state.b[key.slice(2)] = v;
        }
      }
    }
    function writeFragment() {
      const parts = [["step", current]];
      if (state.lr !== data.lr) parts.push(["lr", state.lr]);
      if (state.x.some((v, k) => v !== data.x[k])) parts.push(["x", state.x.join(",")]);
      if (state.t.some((v, k) => v !== data.target[k])) parts.push(["t", state.t.join(",")]);
      conns.forEach((c, k) => { if (state.w[k] !== c.weight) parts.push([`w:${c.source}>${c.target}`, state.w[k]]); });
      for (const n of data.neurons) {
        if (n.role !== "input" && state.b[n.name] !== n.bias) parts.push([`b:${n.name}`, state.b[n.name]]);
      }
      // Encoded part by part (a name may hold "&" or "="), keeping ":", ">" and "," readable.
      const encode = (text) => encodeURIComponent(String(text))
        .replace(/%3A/g, ":").replace(/%3E/g, ">").replace(/%2C/g, ",");
      setFragment(parts.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&"));
    }

    function recompute() {
      if (!editable) return;
      result = compute(state);
      result.lossAfter = lossOf(result.after);
    }

    // --- drawing
    const svg = document.getElementById("network");
    const SVG = "http://www.w3.org/2000/svg";
    const xs = data.neurons.map((n) => n.x), ys = data.neurons.map((n) => n.y);
    const span = (v) => Math.max(...v) - Math.min(...v) || 1;
    const W = 760, H = Math.max(300, Math.min(620, 160 * span(ys) / span(xs) * 3 + 160));
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const px = (n) => 70 + (n.x - Math.min(...xs)) / span(xs) * (W - 180);
    const py = (n) => 50 + (n.y - Math.min(...ys)) / span(ys) * (H - 100);
    // Large networks are drawn as draw_network draws them: thin edges without
    // labels above MANY_EDGES connections, no neuron labels above MANY_NEURONS.
    const MANY_EDGES = 150, MANY_NEURONS = 40;
    const manyEdges = conns.length > MANY_EDGES, manyNeurons = data.neurons.length > MANY_NEURONS;
    if (manyEdges) svg.classList.add("many-edges");
    const radius = manyNeurons ? 6 : 24;
    const edgeNodes = [], edgeLabels = [], nodeGroups = dict();
    conns.forEach((c, k) => {
      const a = neuronsByName[c.source], b = neuronsByName[c.target];
      const [x1, y1, x2, y2] = [px(a), py(a), px(b), py(b)];
      const skip = (b.level - a.level) > 1;
      const mx = (x1 + x2) / 2, my = (y1 + y2) / 2 - (skip ? 0.25 * Math.abs(x2 - x1) : 0);
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", skip ? `M${x1},${y1} Q${mx},${my - 0.25 * Math.abs(x2 - x1)} ${x2},${y2}`
        : `M${x1},${y1} L${x2},${y2}`);
      path.setAttribute("class", "edge");
      path.dataset.index = k;
      svg.append(path);
      const label = document.createElementNS(SVG, "text");
      if (!manyEdges) {
        label.setAttribute("x", x1 + (x2 - x1) * 0.3);
        label.setAttribute("y", y1 + (y2 - y1) * 0.3 - (skip ? 0.3 * Math.abs(x2 - x1) * 0.5 : 4));
        label.setAttribute("class", "edge-label");
        svg.append(label);
      }
      edgeNodes.push(path); edgeLabels.push(label);
    });
    for (const n of data.neurons) {
      const g = document.createElementNS(SVG, "g");
      g.setAttribute("class", `node ${n.role}`);
      g.setAttribute("transform", `translate(${px(n)},${py(n)})`);
      g.dataset.name = n.name;
      const circle = document.createElementNS(SVG, "circle");
      circle.setAttribute("r", radius);
      const name = document.createElementNS(SVG, "text");
      name.setAttribute("class", "name"); name.setAttribute("text-anchor", "middle");
      name.setAttribute("y", 4); name.textContent = n.name.length > 8 ? n.name.slice(0, 7) + "…" : n.name;
      const title = document.createElementNS(SVG, "title");
      title.textContent = n.name;
      g.append(title);
      // The numbers sit under the circle, where no rim crosses them.
      const value = document.createElementNS(SVG, "text");
      value.setAttribute("class", "value"); value.setAttribute("text-anchor", "middle");
      value.setAttribute("y", radius + 13);
      const deltaText = document.createElementNS(SVG, "text");
      deltaText.setAttribute("class", "delta"); deltaText.setAttribute("text-anchor", "middle");
      deltaText.setAttribute("y", radius + 26);
      if (manyNeurons) g.append(circle); else g.append(circle, name, value, deltaText);
      svg.append(g);
      nodeGroups[n.name] = { g, value, delta: deltaText };
    }

    // --- the step list, the formula, the controls
    const list = document.getElementById("steps");
    const formula = document.getElementById("formula");
    const position = document.getElementById("position");

    function renderList() {
      // room for the widest step number ("100." and up)
      list.style.paddingLeft = `${String(steps().length).length + 2.5}ch`;
      list.replaceChildren(...steps().map((s, k) => {
        const li = document.createElement("li");
        li.textContent = s.formula;
        li.className = s.phase;
        li.addEventListener("click", () => go(k));
        return li;
      }));
    }
    // Where each (kind, target) first appears: what is known at step k is a lookup.
    let firstIndex = null, indexedSteps = null;
    function known(kind, target, upto) {
      const all = steps();
      if (indexedSteps !== all) {
        firstIndex = new Map();
        all.forEach((s, k) => {
          const key = s.kind + "|" + JSON.stringify(s.target);
          if (!firstIndex.has(key)) firstIndex.set(key, k);
        });
        indexedSteps = all;
      }
      const k = firstIndex.get(kind + "|" + JSON.stringify(target));
      return k !== undefined && k <= upto ? all[k] : null;
    }
    function render() {
      const all = steps();
      current = Math.min(Math.max(current, 0), all.length - 1);
      const step = all[current];
      [...list.children].forEach((li, k) => {
        li.classList.toggle("current", k === current);
        li.classList.toggle("future", k > current);
      });
      const shown = list.children[current];
      requestAnimationFrame(() => keepVisible(list, shown));  // after the layout
      formula.replaceChildren(mathml(step.formula));
      const text = document.createElement("div");
      text.className = "text"; text.textContent = step.formula;
      formula.append(text);
      position.textContent = `step ${current + 1} of ${all.length} (${step.phase})`;
      for (const n of data.neurons) {
        const node = nodeGroups[n.name];
        node.g.classList.toggle("current", step.target === n.name && step.kind !== "update"
          || step.kind === "update" && step.target === n.name);
        if (n.role === "input") { node.value.textContent = number(state.x[data.inputs.indexOf(n.name)]); continue; }
        const o = known("output", n.name, current), z = known("net", n.name, current);
        node.value.textContent = o ? `out ${number(o.value)}` : z ? `net ${number(z.value)}` : "";
        const d = known("delta", n.name, current);
        node.delta.textContent = d ? `δ ${number(d.value)}` : "";
      }
      conns.forEach((c, k) => {
        const isCurrent = (Array.isArray(step.target) && step.target[0] === c.source && step.target[1] === c.target)
          || (step.kind === "update" && step.target === k);
        edgeNodes[k].classList.toggle("current", isCurrent);
        const g = known("weight_grad", [c.source, c.target], current);
        const u = known("update", k, current);
        const label = edgeLabels[k];
        label.classList.toggle("grad", !!g && !u);
        label.classList.toggle("new", !!u);
        label.textContent = u ? `w ${number(u.value)}` : g ? `w ${number(state.w[k])}  ∂ ${number(g.value)}`
          : `w ${number(state.w[k])}`;
      });
      const loss = known("loss", null, current);
      const after = result ? result.lossAfter : data.loss_after;
      document.getElementById("loss").textContent = loss
        ? `loss ${number(loss.value)}` + (current >= all.length - 1 ? ` → after the step ${number(after)}` : "")
        : "loss: not yet computed";
      if (editable) writeFragment();
    }
    function go(k) { current = k; render(); }
    document.getElementById("prev").onclick = () => go(current - 1);
    document.getElementById("next").onclick = () => go(current + 1);
    document.getElementById("reset").onclick = () => { stop(); go(0); };
    function stop() { if (timer) clearInterval(timer); timer = null; document.getElementById("play").textContent = "Play"; }
    document.getElementById("play").onclick = () => {
      if (timer) return stop();
      document.getElementById("play").textContent = "Pause";
      timer = setInterval(() => { if (current >= steps().length - 1) stop(); else go(current + 1); }, 900);
    };
    document.addEventListener("keydown", (event) => {
      if (event.target.tagName === "INPUT") return;
      if (event.key === "ArrowRight") go(current + 1);
      else if (event.key === "ArrowLeft") go(current - 1);
      else if (event.key === "Home") go(0);
      else if (event.key === "End") go(steps().length - 1);
      else return;
      event.preventDefault();
    });

    // --- editing
    const editor = document.getElementById("editor");
    // An edit that cannot be used is marked and explained, never silently dropped:
    // the numbers stay those of the last valid value until it is corrected.
    function field(label, value, onChange, check) {
      const row = document.createElement("tr");
      const name = document.createElement("td"); name.textContent = label;
      const cell = document.createElement("td");
      const input = document.createElement("input");
      input.type = "number"; input.step = "any"; input.value = value; input.disabled = !editable;
      input.dataset.label = label;
      const why = document.createElement("span");
      why.className = "why";
      input.addEventListener("change", () => {
        const v = finite(input.value);
        const problem = Number.isNaN(v) ? "not a finite number" : check ? check(v) : null;
        input.classList.toggle("invalid", !!problem);
        input.setAttribute("aria-invalid", problem ? "true" : "false");
        input.setCustomValidity(problem || "");
        why.textContent = problem ? `${problem}: ignored` : "";
        if (problem) return;
        onChange(v); recompute(); renderList(); render();
      });
      cell.append(input, why); row.append(name, cell);
      return row;
    }
    function renderEditor() {
      const rows = [];
      data.inputs.forEach((name, k) => rows.push(field(`x: ${name}`, state.x[k], (v) => { state.x[k] = v; })));
      data.outputs.forEach((name, k) => rows.push(field(`target: ${name}`, state.t[k], (v) => { state.t[k] = v; })));
      rows.push(field("learning rate", state.lr, (v) => { state.lr = v; },
        (v) => (v > 0 ? null : "the learning rate must be positive")));
      conns.forEach((c, k) => rows.push(field(`w(${c.source}→${c.target})`, state.w[k], (v) => { state.w[k] = v; })));
      for (const n of data.neurons) {
        if (n.role !== "input") rows.push(field(`b(${n.name})`, state.b[n.name], (v) => { state.b[n.name] = v; }));
      }
      editor.replaceChildren(...rows);
    }

    function networkJSON() {  // the edited network as neurosim JSON, for ns.load
      const doc = JSON.parse(JSON.stringify(data.document));
      const weights = dict();
      conns.forEach((c, k) => { weights[c.source + "\u0000" + c.target] = state.w[k]; });
      for (const c of doc.connections) {
        const key = c.source + "\u0000" + c.target;
        if (key in weights) c.weight = weights[key];
      }
      for (const n of doc.neurons) if (n.name in state.b) n.bias = state.b[n.name];
      return JSON.stringify(doc, null, 1);
    }
    document.getElementById("download").onclick = () => {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([networkJSON()], { type: "application/json" }));
      link.download = "network.json";
      link.click();
      URL.revokeObjectURL(link.href);
    };

    readFragment();
    recompute();
    renderEditor();
    renderList();
    render();
    // A link pasted into the same tab changes only the fragment: read it again.
    window.addEventListener("hashchange", () => {
      state.x = data.x.slice(); state.t = data.target.slice(); state.lr = data.lr;
      state.w = conns.map((c) => c.weight);
      for (const n of data.neurons) if (n.role !== "input") state.b[n.name] = n.bias;
      current = 0;
      readFragment(); recompute(); renderEditor(); renderList(); render();
    });
    window.neurosim = {
      steps: () => steps().map((s) => ({ ...s })),
      lossAfter: () => (result ? result.lossAfter : data.loss_after),
      current: () => current, go, networkJSON, state: () => JSON.parse(JSON.stringify(state)),
      number,
    };
  }

  // ------------------------------------------------------------ the Hopfield recall page

  function hopfieldPage() {
    const [rows, cols] = data.shape;
    let current = 0, timer = null;
    const grid = document.getElementById("grid");
    grid.style.gridTemplateColumns = `repeat(${cols}, 22px)`;
    const cells = [];
    for (let k = 0; k < rows * cols; k++) {
      const cell = document.createElement("div"); cell.className = "cell"; cell.title = data.names[k];
      grid.append(cell); cells.push(cell);
    }
    const svg = document.getElementById("energy");
    const SVG = "http://www.w3.org/2000/svg";
    const E = data.energy, W = 600, H = 160;
    const low = Math.min(...E), high = Math.max(...E), spanE = high - low || 1;
    const ex = (k) => 40 + k / Math.max(1, E.length - 1) * (W - 60);
    const ey = (v) => 15 + (high - v) / spanE * (H - 40);
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", E.map((v, k) => `${ex(k)},${ey(v)}`).join(" "));
    const marker = document.createElementNS(SVG, "circle"); marker.setAttribute("r", 4);
    function label(text, x, y, anchor, rotate) {
      const node = document.createElementNS(SVG, "text");
      node.setAttribute("x", x); node.setAttribute("y", y);
      node.setAttribute("text-anchor", anchor); node.setAttribute("class", "axis");
      if (rotate) node.setAttribute("transform", `rotate(-90 ${x} ${y})`);
      node.textContent = text;
      return node;
    }
    // The axes: energy (its highest and lowest value) against the update number.
    svg.append(
      label("energy", 12, (H - 25) / 2, "middle", true),
      label(number(high), 36, ey(high) + 4, "end"), label(number(low), 36, ey(low) + 4, "end"),
      label("0", ex(0), H - 8, "middle"),
      label(`update ${E.length - 1}`, ex(E.length - 1), H - 8, "end"),
      line, marker);
    const state = data.probe.slice();
    const list = document.getElementById("steps");
    list.replaceChildren(...data.steps.map((s, k) => {
      const li = document.createElement("li");
      li.textContent = s.formula; li.className = s.changed ? "update" : "forward";
      li.addEventListener("click", () => go(k + 1));
      return li;
    }));
    function stateAt(k) {  // after the first k updates
      const s = data.probe.slice();
      for (let j = 0; j < k; j++) s[data.steps[j].unit] = data.steps[j].after;
      return s;
    }
    function render() {
      current = Math.min(Math.max(current, 0), data.steps.length);
      const s = stateAt(current);
      const step = current > 0 ? data.steps[current - 1] : null;
      cells.forEach((cell, k) => {
        cell.classList.toggle("on", s[k] > 0);
        cell.classList.toggle("current", !!step && step.unit === k);
        cell.classList.toggle("changed", !!step && step.unit === k && step.changed);
      });
      [...list.children].forEach((li, k) => {
        li.classList.toggle("current", k === current - 1);
        li.classList.toggle("future", k >= current);
      });
      if (step) keepVisible(list, list.children[current - 1]);
      marker.setAttribute("cx", ex(current)); marker.setAttribute("cy", ey(E[current]));
      document.getElementById("formula").textContent = step ? step.formula
        : `the probe, energy ${number(E[0])}`;
      document.getElementById("position").textContent =
        `update ${current} of ${data.steps.length}, energy ${number(E[current])}`;
      setFragment(`step=${current}`);
    }
    function go(k) { current = k; render(); }
    document.getElementById("prev").onclick = () => go(current - 1);
    document.getElementById("next").onclick = () => go(current + 1);
    document.getElementById("reset").onclick = () => { stop(); go(0); };
    function stop() { if (timer) clearInterval(timer); timer = null; document.getElementById("play").textContent = "Play"; }
    document.getElementById("play").onclick = () => {
      if (timer) return stop();
      document.getElementById("play").textContent = "Pause";
      timer = setInterval(() => { if (current >= data.steps.length) stop(); else go(current + 1); }, 120);
    };
    document.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight") go(current + 1);
      else if (event.key === "ArrowLeft") go(current - 1);
      else return;
      event.preventDefault();
    });
    for (const [key, value] of fragmentEntries(4)) {
      const v = finite(value);
      if (key === "step" && !Number.isNaN(v)) current = Math.floor(v);
    }
    render();
    window.neurosim = { current: () => current, go, state: () => stateAt(current), energy: () => E[current] };
  }

  if (data.kind === "network") networkPage(); else hopfieldPage();
})();
