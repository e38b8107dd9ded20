// The live page: its controls, its pictures, its link, its downloads.
  // ------------------------------------------------------------ the page

  function playgroundPage() {
    const $ = (id) => document.getElementById(id);
    const DOMAIN = 6, GRID = 50;  // the input plane [-6, 6]², sampled GRID × GRID
    const defaults = data.settings;
    const S = JSON.parse(JSON.stringify(defaults));  // the settings: what the link holds
    const given = data.network;  // a network opened from Python, with its weights
    let network = null, plan = null, trainer = null, points = [], playing = false;
    let selected = null, hovered = null, probe = null, message = "";

    // ---------------------------------------------------------- data
    const isRegression = () => data.regression.includes(S.dataset) && !S.points;
    function labels() {  // the classes of a classification, in order
      const seen = [...new Set(points.map((p) => p[2]))].sort((a, b) => a - b);
      return seen.length >= 2 ? seen : [-1, 1];
    }
    function makePoints() {
      points = S.points ? S.points.map((p) => p.slice())
        : playgroundData(S.dataset, data.n_points, S.noise, S.data_seed);
    }
    function split() {
      const nTrain = Math.floor(points.length * S.ratio / 100);
      return [points.slice(0, nTrain), points.slice(nTrain)];
    }
    const featuresOf = (p) => S.features.map((f) => FEATURES[f](p[0], p[1]));
    function targetOf(p, classes) {
      if (S.loss === SQUARED) return [p[2]];
      return classes.map((c) => (c === p[2] ? 1.0 : 0.0));
    }

    // ---------------------------------------------------------- the network
    function outputsWanted() { return S.loss === SQUARED ? 1 : labels().length; }
    function buildNetwork() {
      const K = outputsWanted();
      const fromPython = given && !S.rebuilt;
      if (fromPython) {
        network = JSON.parse(JSON.stringify(given));
      } else {
        const outAct = S.loss === SOFTMAX ? "identity" : isRegression() ? "identity" : "tanh";
        network = layeredNetwork(S.features, S.hidden, S.activation, K, outAct, S.seed);
      }
      const index = dict();
      network.neurons.forEach((n, i) => { index[n.name] = i; });
      for (const [name, act] of Object.entries(S.acts)) {
        if (name in index && network.neurons[index[name]].role !== "input" && act in ACTIVATIONS) {
          network.neurons[index[name]].activation = act;
        }
      }
      const key = (c) => network.neurons[c.source].name + ">" + network.neurons[c.target].name;
      const removed = new Set(S.removed);
      network.connections = network.connections.filter((c) => !removed.has(key(c)));
      for (const link of S.added) {
        const [a, b] = splitLink(link);
        if (!(a in index) || !(b in index)) continue;
        const c = { source: index[a], target: index[b], weight: 0.0 };
        if (network.neurons[c.target].role === "input" || network.connections.some((d) => key(d) === link)) continue;
        network.connections.push(c);
        if (!compile(network)) network.connections.pop();  // never a cycle
      }
      plan = compile(network);
    }
    function splitLink(link) {  // "a>b": names may hold ">" too; the last one splits
      const at = link.lastIndexOf(">");
      return [link.slice(0, at), link.slice(at + 1)];
    }

    function reset() {
      stop();
      makePoints();
      if (isRegression()) S.loss = SQUARED;  // a softmax needs classes
      const kept = selectionKey();
      buildNetwork();
      hovered = null; selected = findSelection(kept);
      const [train, test] = split(), classes = labels();
      const n = plan.n, m = network.connections.length;
      trainer = {
        plan, loss: S.loss, batch: S.batch, lr: S.lr,
        l1: S.regularization === "l1" ? S.reg_rate : 0, l2: S.regularization === "l2" ? S.reg_rate : 0,
        w: Float64Array.from(network.connections, (c) => c.weight),
        b: Float64Array.from(network.neurons, (x) => (x.role === "input" ? 0 : x.bias)),
        frozenW: network.connections.map((c) => !!c.frozen),
        frozenB: network.neurons.map((x) => x.role === "input" || !!x.bias_frozen),
        gw: new Float64Array(m), gb: new Float64Array(n), out: new Float64Array(n),
        net: new Float64Array(n), delta: new Float64Array(n),
        inputs: train.map(featuresOf), targets: train.map((p) => targetOf(p, classes)),
        testInputs: test.map(featuresOf), testTargets: test.map((p) => targetOf(p, classes)),
        optimizer: { name: S.optimizer, t: 0, state: {} },
        rng: new Generator(S.seed), order: null, cursor: 0, total: 0,
        epoch: 0, history: [], epochLosses: [], diverged: null,
      };
      trainer.start = { w: trainer.w.slice(), b: trainer.b.slice() };
      message = "";
      record();
      showSelection();
      if (!selected) $("inspect").textContent = "";
    }
    function record() {  // the losses after the last update, for the numbers and the chart
      trainer.trainLoss = evaluate(trainer, trainer.inputs, trainer.targets);
      trainer.testLoss = evaluate(trainer, trainer.testInputs, trainer.testTargets);
      trainer.history.push([trainer.trainLoss, trainer.testLoss]);
    }

    // One batch of fit's schedule; an epoch ends when its permutation is used up.
    function oneBatch() {
      const t = trainer, n = t.inputs.length;
      if (!n) { report("there are no training points: raise the ratio of training data or add points"); return false; }
      if (t.cursor === 0) {
        t.order = t.rng.permutation(n); t.total = 0;
        t.start = { w: t.w.slice(), b: t.b.slice(), optimizer: JSON.stringify(optimizerCopy()) };
      }
      const size = Math.min(t.batch, n);
      const rows = t.order.slice(t.cursor, t.cursor + size);
      const value = trainBatch(t, rows);
      t.total += value * rows.length;
      t.cursor += rows.length;
      if (!Number.isFinite(value) || !t.w.every(Number.isFinite) || !t.b.every(Number.isFinite)) {
        return diverge(Number.isFinite(value) ? "the weights became NaN or infinite" : `the training loss became ${value}`);
      }
      if (t.cursor >= n) {
        t.cursor = 0; t.epoch += 1;
        t.epochLosses.push(t.total / n);
        record();
        if (!Number.isFinite(t.trainLoss)) return diverge(`the outputs give a loss of ${t.trainLoss}`);
      }
      return true;
    }
    function optimizerCopy() {
      const o = trainer.optimizer, state = {};
      for (const k of Object.keys(o.state)) state[k] = o.state[k].map((a) => Array.from(a));
      return { t: o.t, state };
    }
    function diverge(what) {
      const t = trainer, epoch = t.epoch + 1;
      t.w.set(t.start.w); t.b.set(t.start.b);
      const saved = JSON.parse(t.start.optimizer);
      t.optimizer.t = saved.t;
      t.optimizer.state = {};
      for (const k of Object.keys(saved.state)) t.optimizer.state[k] = saved.state[k].map((a) => Float64Array.from(a));
      t.cursor = 0;
      stop();
      t.diverged = what;
      report(`Training diverged in epoch ${epoch}: ${what}. The weights are back where they ` +
        `were when epoch ${epoch} began, and training has stopped. The learning rate ${S.lr} ` +
        "is too large for this network and data: choose a smaller one" +
        (S.optimizer === "sgd" ? ", or Adam" : "") + ", then press Play.");
      return false;
    }
    function report(text) { message = text; $("status").textContent = text; }

    // ---------------------------------------------------------- pictures
    const COLORS = [[245, 147, 34], [8, 119, 189], [46, 160, 67], [196, 43, 140], [120, 90, 200], [120, 120, 120]];
    const MID = [232, 234, 235];
    function shade(v) {  // Playground's scale: orange −1, grey 0, blue +1
      const t = Math.max(-1, Math.min(1, v)), end = t < 0 ? COLORS[0] : COLORS[1], a = Math.abs(t);
      return [0, 1, 2].map((k) => MID[k] + (end[k] - MID[k]) * a);
    }
    function shadeInto(px, at, v) {  // shade(v) written into an image's pixel, every frame
      const t = v < -1 ? -1 : v > 1 ? 1 : v, end = t < 0 ? COLORS[0] : COLORS[1], a = t < 0 ? -t : t;
      px[at] = MID[0] + (end[0] - MID[0]) * a;
      px[at + 1] = MID[1] + (end[1] - MID[1]) * a;
      px[at + 2] = MID[2] + (end[2] - MID[2]) * a;
      px[at + 3] = 255;
    }
    function classColor(k) { return COLORS[k % COLORS.length]; }
    let gridValues = [];  // per neuron, its output over the plane
    function sampleGrid() {
      const n = plan.n, out = new Float64Array(n), net = new Float64Array(n);
      if (gridValues.length !== n) gridValues = Array.from({ length: n }, () => new Float64Array(GRID * GRID));
      const x = new Float64Array(S.features.length), features = S.features.map((f) => FEATURES[f]);
      for (let r = 0; r < GRID; r++) {
        const x2 = DOMAIN - (r + 0.5) * (2 * DOMAIN / GRID);
        for (let c = 0; c < GRID; c++) {
          const x1 = -DOMAIN + (c + 0.5) * (2 * DOMAIN / GRID);
          for (let k = 0; k < features.length; k++) x[k] = features[k](x1, x2);
          forward(plan, trainer.w, trainer.b, x, out, net);
          const at = r * GRID + c;
          for (let i = 0; i < n; i++) gridValues[i][at] = out[i];
        }
      }
    }
    const scratch = document.createElement("canvas");
    scratch.width = scratch.height = GRID;
    const scratchCtx = scratch.getContext("2d");
    const image = scratchCtx.createImageData(GRID, GRID);
    function paint(ctx, size, values, discrete) {
      const px = image.data;
      for (let k = 0; k < GRID * GRID; k++) shadeInto(px, 4 * k, discrete ? Math.sign(values[k]) : values[k]);
      scratchCtx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = !discrete;
      ctx.drawImage(scratch, 0, 0, GRID, GRID, 0, 0, size, size);
    }
    function paintClasses(ctx, size, discrete) {  // softmax: the likeliest class, by its probability
      const px = image.data, K = plan.outputs.length;
      for (let k = 0; k < GRID * GRID; k++) {
        let best = 0, top = -Infinity, sum = 0;
        for (let j = 0; j < K; j++) { const v = gridValues[plan.outputs[j]][k]; if (v > top) { top = v; best = j; } }
        for (let j = 0; j < K; j++) sum += Math.exp(gridValues[plan.outputs[j]][k] - top);
        const p = discrete ? 1 : 1 / sum, color = classColor(best);
        const a = Math.max(0, (p - 1 / K) / (1 - 1 / K));
        for (let q = 0; q < 3; q++) px[4 * k + q] = MID[q] + (color[q] - MID[q]) * a;
        px[4 * k + 3] = 255;
      }
      scratchCtx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = !discrete;
      ctx.drawImage(scratch, 0, 0, GRID, GRID, 0, 0, size, size);
    }
    const toPixel = (v, size) => (v + DOMAIN) / (2 * DOMAIN) * size;
    function pointColor(p, classes) {
      if (S.loss === SOFTMAX) return classColor(classes.indexOf(p[2]));
      return shade(p[2]);
    }
    function drawOutput() {
      const canvas = $("output"), ctx = canvas.getContext("2d"), size = canvas.width;
      if (S.loss === SOFTMAX) paintClasses(ctx, size, S.discretize);
      else paint(ctx, size, gridValues[plan.outputs[0]], S.discretize);
      const [train, test] = split(), classes = labels();
      const dots = [[train, "#ffffff"], ...(S.show_test ? [[test, "#000000"]] : [])];
      for (const [list, stroke] of dots) {
        for (const p of list) {
          const [r, g, b] = pointColor(p, classes);
          ctx.beginPath();
          ctx.arc(toPixel(p[0], size), size - toPixel(p[1], size), 3.2, 0, 2 * Math.PI);
          ctx.fillStyle = `rgb(${r},${g},${b})`; ctx.fill();
          ctx.strokeStyle = stroke; ctx.lineWidth = 1; ctx.stroke();
        }
      }
    }

    // The network: features on the left, one column per level, a thumbnail
    // per neuron, connections coloured by sign and as thick as their weight.
    const NODE = 34;
    let boxes = [];
    function layout() {
      const canvas = $("network"), columns = Math.max(...plan.level) + 1;
      const perLevel = new Array(columns).fill(0), place = [];
      network.neurons.forEach((_, i) => { place[i] = perLevel[plan.level[i]]++; });
      const tallest = Math.max(...perLevel);
      const width = canvas.parentElement.clientWidth || 520;
      const height = Math.max(160, tallest * (NODE + 16) + 30);
      canvas.width = width; canvas.height = height;
      const gap = columns > 1 ? (width - 90 - NODE) / (columns - 1) : 0;
      boxes = network.neurons.map((_, i) => {
        const level = plan.level[i], count = perLevel[level];
        const y = 15 + (height - 30) * (place[i] + 0.5) / count - NODE / 2;
        return { x: 70 + level * gap, y, i };
      });
    }
    function curve(k) {
      const c = network.connections[k], a = boxes[c.source], b = boxes[c.target];
      const x1 = a.x + NODE, y1 = a.y + NODE / 2, x2 = b.x, y2 = b.y + NODE / 2;
      const skip = plan.level[c.target] - plan.level[c.source] > 1;
      const bend = skip ? -28 - 6 * (plan.level[c.target] - plan.level[c.source]) : 0;
      return [x1, y1, (x1 + x2) / 2, (y1 + y2) / 2 + bend, x2, y2];
    }
    function drawNetwork() {
      const canvas = $("network"), ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      network.connections.forEach((c, k) => {
        const [x1, y1, cx, cy, x2, y2] = curve(k), w = trainer.w[k];
        const [r, g, b] = w < 0 ? COLORS[0] : COLORS[1];
        ctx.strokeStyle = `rgba(${r},${g},${b},${hovered && hovered.kind === "connection" && hovered.k === k ? 1 : 0.75})`;
        ctx.lineWidth = Math.min(8, 0.6 + 2.2 * Math.abs(w));
        ctx.beginPath(); ctx.moveTo(x1, y1); ctx.quadraticCurveTo(cx, cy, x2, y2); ctx.stroke();
      });
      ctx.font = "11px system-ui, sans-serif";
      for (const box of boxes) {
        const neuron = network.neurons[box.i];
        ctx.save(); ctx.translate(box.x, box.y);
        paint(ctx, NODE, gridValues[box.i], false);
        ctx.restore();
        const on = (selected && selected.kind === "neuron" && selected.i === box.i)
          || (hovered && hovered.kind === "neuron" && hovered.i === box.i);
        ctx.strokeStyle = on ? "#d9480f" : "#5c6677"; ctx.lineWidth = on ? 3 : 1;
        ctx.strokeRect(box.x, box.y, NODE, NODE);
        ctx.fillStyle = "#1d2330";
        // an input is labelled by the feature it takes (a Python network may call it x3)
        const label = neuron.role === "input"
          ? (FEATURE_LABELS[S.features[plan.inputs.indexOf(box.i)]] || neuron.name) : neuron.name;
        ctx.textAlign = neuron.role === "input" ? "right" : "center";
        if (neuron.role === "input") ctx.fillText(label, box.x - 4, box.y + NODE / 2 + 4);
        else ctx.fillText(label, box.x + NODE / 2, box.y + NODE + 11);
      }
    }
    function drawChart() {
      const canvas = $("loss-chart"), ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
      ctx.clearRect(0, 0, W, H);
      const h = trainer.history, top = Math.max(1e-12, ...h.flat().filter(Number.isFinite));
      for (const [k, color] of [[1, "#9aa3b2"], [0, "#1d2330"]]) {
        ctx.strokeStyle = color; ctx.lineWidth = 1.5; ctx.beginPath();
        h.forEach((row, j) => {
          const x = h.length > 1 ? j / (h.length - 1) * (W - 2) + 1 : 1;
          const y = H - 2 - (Number.isFinite(row[k]) ? row[k] / top : 0) * (H - 4);
          if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        });
        ctx.stroke();
      }
    }
    let laidOut = null;
    function render() {
      if (laidOut !== plan) { layout(); laidOut = plan; }
      sampleGrid();
      drawNetwork();
      drawOutput();
      drawChart();
      $("epoch").textContent = String(trainer.epoch).padStart(6, "0");
      $("train-loss").textContent = trainer.trainLoss.toFixed(3);
      $("test-loss").textContent = Number.isNaN(trainer.testLoss) ? "–" : trainer.testLoss.toFixed(3);
      $("status").textContent = message;
      if (hovered || selected) inspect(hovered || selected);
    }

    // ---------------------------------------------------------- formulas with the numbers
    // For one point (the first of the next batch, or the one under the
    // pointer on the output): the step page's formulas, as a batch of one.
    function probePoint() {
      if (probe) return probe;
      const t = trainer, n = t.inputs.length;
      if (!n) return null;
      const [train] = split();
      const r = t.cursor === 0 ? peekOrder()[0] : t.order[t.cursor];
      return train[r];
    }
    function peekOrder() {  // the next epoch's permutation, without drawing it
      const copy = Object.create(Generator.prototype);
      Object.assign(copy, trainer.rng);
      return copy.permutation(trainer.inputs.length);
    }
    function nextBatchRows() {
      const t = trainer, n = t.inputs.length, size = Math.min(t.batch, n);
      const order = t.cursor === 0 ? peekOrder() : t.order;
      return order.slice(t.cursor, t.cursor + size);
    }
    function sampleDetails(p) {  // forward and backward on one point, as one batch
      const t = trainer, n = plan.n, out = new Float64Array(n), net = new Float64Array(n);
      const x = featuresOf(p), target = targetOf(p, labels());
      forward(plan, t.w, t.b, x, out, net);
      const outs = [plan.outputs.map((i) => out[i])], grads = [new Float64Array(outs[0].length)];
      const loss = batchLoss(t.loss, outs, [target], grads);
      const delta = new Float64Array(n), error = new Float64Array(n);
      plan.outputs.forEach((i, k) => { error[i] = grads[0][k]; });
      for (let c = plan.computed.length - 1; c >= 0; c--) {
        const i = plan.computed[c];
        let e = error[i];
        for (const k of plan.outgoing[i]) e = e + t.w[k] * delta[plan.target[k]];
        delta[i] = e * plan.fns[i][1](net[i]);
      }
      return { x, target, out, net, delta, loss, error };
    }
    const nameOf = (i) => network.neurons[i].name;
    function inspect(item) {
      const p = probePoint(), box = $("inspect");
      if (!p) { box.textContent = ""; return; }
      const d = sampleDetails(p), t = trainer, lines = [];
      lines.push(`For the point (${number(p[0])}, ${number(p[1])}), target ${d.target.map(number).join(", ")}:`);
      if (item.kind === "neuron") {
        const i = item.i, neuron = network.neurons[i];
        if (neuron.role === "input") {
          lines.push(`out(${neuron.name}) = ${FEATURE_LABELS[S.features[plan.inputs.indexOf(i)]] || neuron.name} = ${number(d.out[i])}`);
        } else {
          const terms = plan.incoming[i].map((k) => `${factor(t.w[k])}·${factor(d.out[plan.source[k]])}`);
          lines.push(`net(${neuron.name}) = ${[...terms, factor(t.b[i])].join(" + ")} = ${number(d.net[i])}`);
          const symbol = SYMBOLS[neuron.activation] || neuron.activation;
          lines.push(`out(${neuron.name}) = ${neuron.activation === "identity" ? `net(${neuron.name})` : `${symbol}(${number(d.net[i])})`} = ${number(d.out[i])}`);
          const parts = [], values = [];
          if (plan.outputs.includes(i)) { parts.push(`∂L/∂out(${neuron.name})`); values.push(factor(d.error[i])); }
          for (const k of plan.outgoing[i]) {
            parts.push(`w(${neuron.name}→${nameOf(plan.target[k])})·δ(${nameOf(plan.target[k])})`);
            values.push(`${factor(t.w[k])}·${factor(d.delta[plan.target[k]])}`);
          }
          const group = (items) => (items.length === 0 ? "0" : items.length === 1 ? items[0] : "[" + items.join(" + ") + "]");
          const slope = plan.fns[i][1](d.net[i]);
          lines.push(`δ(${neuron.name}) = ${group(parts)} · ${neuron.activation === "identity" ? "f" : symbol}'(net(${neuron.name})) = ${group(values)}·${factor(slope)} = ${number(d.delta[i])}`);
          lines.push(`∂L/∂b(${neuron.name}) = δ(${neuron.name}) = ${number(d.delta[i])}`);
        }
      } else {
        const k = item.k, a = nameOf(plan.source[k]), b = nameOf(plan.target[k]);
        const g = d.delta[plan.target[k]] * d.out[plan.source[k]];
        lines.push(`w(${a}→${b}) = ${number(t.w[k])}`);
        lines.push(`∂L/∂w(${a}→${b}) = δ(${b})·out(${a}) = ${factor(d.delta[plan.target[k]])}·${factor(d.out[plan.source[k]])} = ${number(g)}`);
        const l1 = t.l1, l2 = t.l2;
        const penalty = l1 ? ` + ${number(l1)}·sign(w)` : l2 ? ` + ${number(l2)}·w` : "";
        const total = g + (l1 * Math.sign(t.w[k]) + l2 * t.w[k]);
        if (S.optimizer === "sgd") {
          lines.push(`one SGD step on this point: w − ${number(t.lr)}·(∂L/∂w${penalty}) = ${number(t.w[k])} - ${number(t.lr)}·${factor(total)} = ${number(t.w[k] - t.lr * total)}`);
        } else {
          lines.push(`gradient${penalty ? " with the penalty" : ""} on this point: ${number(total)} (the ${S.optimizer === "adam" ? "Adam" : "Momentum"} step also uses its running averages)`);
        }
      }
      lines.push(`L = ${number(d.loss)} (${S.loss === SQUARED ? "squared error" : "cross-entropy"})`);
      box.replaceChildren(...lines.map((line) => { const div = document.createElement("div"); div.textContent = line; return div; }));
    }
    function hit(event) {
      const canvas = $("network"), rect = canvas.getBoundingClientRect();
      const mx = (event.clientX - rect.left) * canvas.width / rect.width;
      const my = (event.clientY - rect.top) * canvas.height / rect.height;
      for (const box of boxes) {
        if (mx >= box.x && mx <= box.x + NODE && my >= box.y && my <= box.y + NODE) return { kind: "neuron", i: box.i };
      }
      let best = null, bestDistance = 6;
      network.connections.forEach((_, k) => {
        const [x1, y1, cx, cy, x2, y2] = curve(k);
        for (let s = 0; s <= 24; s++) {
          const u = s / 24, v = 1 - u;
          const x = v * v * x1 + 2 * u * v * cx + u * u * x2, y = v * v * y1 + 2 * u * v * cy + u * u * y2;
          const dist = Math.hypot(x - mx, y - my);
          if (dist < bestDistance) { bestDistance = dist; best = { kind: "connection", k }; }
        }
      });
      return best;
    }

    // ---------------------------------------------------------- playing
    let frame = null;
    // One epoch per frame, every picture redrawn. The link is written once a
    // second while playing (browsers throttle or refuse faster history
    // updates: Chrome past 200 in 10 s, Safari past 100 in 30 s) and on Pause.
    let linkWritten = 0;
    function loop(now) {
      if (!playing) return;
      const target = trainer.epoch + 1;
      while (playing && trainer.epoch < target) if (!oneBatch()) break;
      render();
      if (!playing || now - linkWritten > 1000) { linkWritten = now; writeFragment(); }
      frame = requestAnimationFrame(loop);
    }
    function play() {
      if (playing) return;
      playing = true; $("play").textContent = "Pause"; $("play").setAttribute("aria-pressed", "true");
      frame = requestAnimationFrame(loop);
    }
    function stop() {
      const was = playing;
      playing = false;
      if (frame) cancelAnimationFrame(frame);
      frame = null;
      $("play").textContent = "Play"; $("play").setAttribute("aria-pressed", "false");
      if (was) writeFragment();
    }
    function trainEpochs(count) {  // for a link's epoch count and for tests: no drawing between
      const goal = trainer.epoch + count;
      while (trainer.epoch < goal) if (!oneBatch()) return false;
      return true;
    }

    // ---------------------------------------------------------- the link
    // #dataset=xor&noise=10&ratio=50&batch=10&lr=0.03&act=tanh&reg=l2&rate=0.001
    // &opt=adam&loss=mse&features=x1,x2&hidden=4,2&seed=0&data=0&test=1&discrete=0
    // &a:h1_1=relu&del=x1>h1_1&add=x1>y1&points=x,y,label;...&epoch=100
    const encode = (text) => encodeURIComponent(String(text))
      .replace(/%3A/g, ":").replace(/%3E/g, ">").replace(/%2C/g, ",").replace(/%3B/g, ";");
    function writeFragment() {
      const parts = [["dataset", S.dataset], ["noise", S.noise], ["ratio", S.ratio], ["batch", S.batch],
        ["lr", S.lr], ["act", S.activation], ["reg", S.regularization], ["rate", S.reg_rate],
        ["opt", S.optimizer], ["loss", S.loss], ["features", S.features.join(",")],
        ["hidden", S.hidden.join(",")], ["seed", S.seed], ["data", S.data_seed],
        ["test", S.show_test ? 1 : 0], ["discrete", S.discretize ? 1 : 0]];
      if (S.rebuilt) parts.push(["rebuilt", 1]);
      for (const [name, act] of Object.entries(S.acts)) parts.push([`a:${name}`, act]);
      for (const link of S.removed) parts.push(["del", link]);
      for (const link of S.added) parts.push(["add", link]);
      if (S.points) parts.push(["points", S.points.map((p) => p.join(",")).join(";")]);
      parts.push(["epoch", trainer ? trainer.epoch : 0]);
      setFragment(parts.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&"));
    }
    const choose = (value, allowed, fallback) => (allowed.includes(value) ? value : fallback);
    const whole = (text, low, high, fallback) => {
      const v = finite(text);
      return Number.isInteger(v) && v >= low && v <= high ? v : fallback;
    };
    function readFragment() {
      let epoch = 0;
      const acts = dict(), removed = [], added = [];
      for (const [key, value] of fragmentEntries(64 + 4 * data.limits.links)) {
        if (key === "dataset") S.dataset = choose(value, [...data.classification, ...data.regression], S.dataset);
        else if (key === "noise") S.noise = whole(value, 0, 50, S.noise);
        else if (key === "ratio") S.ratio = whole(value, 10, 90, S.ratio);
        else if (key === "batch") S.batch = whole(value, 1, 30, S.batch);
        else if (key === "lr") { const v = finite(value); if (v > 0) S.lr = v; }
        else if (key === "act") S.activation = choose(value, data.activations, S.activation);
        else if (key === "reg") S.regularization = choose(value, ["none", "l1", "l2"], S.regularization);
        else if (key === "rate") { const v = finite(value); if (v >= 0) S.reg_rate = v; }
        else if (key === "opt") S.optimizer = choose(value, ["sgd", "momentum", "adam"], S.optimizer);
        else if (key === "loss") S.loss = choose(value, [SQUARED, SOFTMAX], S.loss);
        else if (key === "features") {
          const list = value.split(",", 8).filter((f) => f in FEATURES);
          if (list.length) S.features = [...new Set(list)];
        } else if (key === "hidden") {
          const sizes = value === "" ? [] : value.split(",", 7).map((v) => whole(v, 1, 8, NaN));
          if (sizes.length <= 6 && !sizes.some(Number.isNaN)) S.hidden = sizes;
        } else if (key === "seed") S.seed = whole(value, 0, 2 ** 32, S.seed);
        else if (key === "data") S.data_seed = whole(value, 0, 2 ** 32, S.data_seed);
        else if (key === "test") S.show_test = value === "1";
        else if (key === "discrete") S.discretize = value === "1";
        else if (key === "rebuilt") S.rebuilt = value === "1";
        else if (key.startsWith("a:")) { if (data.activations.includes(value)) acts[key.slice(2)] = value; }
        else if (key === "del") removed.push(value);
        else if (key === "add") added.push(value);
        else if (key === "points") S.points = parsePoints(value.replace(/;/g, "\n"), true).points || S.points;
        else if (key === "epoch") epoch = whole(value, 0, data.limits.epochs, 0);
      }
      S.acts = acts; S.removed = removed.slice(0, data.limits.links); S.added = added.slice(0, data.limits.links);
      if (given && !S.rebuilt) {  // a network from Python keeps its inputs and outputs
        S.features = defaults.features.slice(); S.loss = defaults.loss;
      }
      return epoch;
    }

    // ---------------------------------------------------------- own data
    // "x1,x2,label" rows (a header line is skipped); labels are class
    // numbers for a classification, values in [-1, 1] for a regression.
    function parsePoints(text, quiet) {
      const rows = [], problems = [];
      text.split(/\r?\n/).forEach((line, k) => {
        if (!line.trim() || rows.length >= data.limits.points) return;
        const cells = line.split(/[,;\t]/).map((c) => finite(c));
        if (cells.length < 3 || cells.slice(0, 3).some(Number.isNaN)) {
          if (k > 0 || rows.length) problems.push(k + 1);
          return;
        }
        rows.push(cells.slice(0, 3));
      });
      if (rows.length < 2) {
        if (!quiet) report("Your data needs at least two rows of three numbers: x1, x2, label (or target).");
        return {};
      }
      if (!quiet && problems.length) {
        report(`Used ${rows.length} points; skipped line(s) ${problems.slice(0, 8).join(", ")}` +
          `${problems.length > 8 ? ", …" : ""}: each needs three numbers.`);
      }
      return { points: rows };
    }
    function useOwnData(text) {
      const { points: rows } = parsePoints(text, false);
      if (!rows) return;
      S.points = rows; S.acts = dict(); S.removed = []; S.added = [];
      const note = message;
      restart();
      report(note || `Using your ${rows.length} points.`);
    }

    // ---------------------------------------------------------- the controls
    function option(select, value, text) {
      const o = document.createElement("option");
      o.value = String(value); o.textContent = text; select.append(o);
    }
    function fillControls() {
      for (const v of data.learning_rates) option($("lr"), v, String(v));
      for (const v of data.regularization_rates) option($("reg-rate"), v, String(v));
      for (const a of data.activations) option($("activation"), a, a);
      for (const a of data.activations) option($("neuron-activation"), a, a);
      const sets = $("datasets");
      for (const name of [...data.classification, ...data.regression]) {
        const button = document.createElement("button");
        button.type = "button"; button.dataset.dataset = name; button.title = name.replace("_", " ");
        const thumb = document.createElement("canvas");
        thumb.width = thumb.height = 44;
        const ctx = thumb.getContext("2d"), pts = playgroundData(name, 120, 0, 0);
        ctx.fillStyle = "#f4f5f7"; ctx.fillRect(0, 0, 44, 44);
        for (const p of pts) {
          const [r, g, b] = shade(p[2]);
          ctx.fillStyle = `rgb(${r},${g},${b})`;
          ctx.fillRect(toPixel(p[0], 44) - 1, 44 - toPixel(p[1], 44) - 1, 2.5, 2.5);
        }
        const label = document.createElement("span"); label.textContent = name.replace("_", "-");
        button.append(thumb, label);
        button.onclick = () => { S.dataset = name; S.points = null; restart(); };
        sets.append(button);
      }
      const features = $("features");
      for (const f of Object.keys(FEATURES)) {
        const label = document.createElement("label"), box = document.createElement("input");
        box.type = "checkbox"; box.value = f; box.dataset.feature = f;
        box.onchange = () => {
          const list = Object.keys(FEATURES).filter((g) => (g === f ? box.checked : S.features.includes(g)));
          if (!list.length) { box.checked = true; report("Keep at least one input feature."); return; }
          S.features = list; rebuild();
        };
        label.append(box, " " + FEATURE_LABELS[f]);
        features.append(label);
      }
    }
    function rebuild() {  // the controls' network replaces a network opened from Python
      S.rebuilt = true; S.acts = dict(); S.removed = []; S.added = [];
      restart();
    }
    function restart() { reset(); syncControls(); render(); writeFragment(); }
    function syncControls() {
      $("lr").value = String(S.lr);
      if ($("lr").value !== String(S.lr)) { option($("lr"), S.lr, String(S.lr)); $("lr").value = String(S.lr); }
      $("reg-rate").value = String(S.reg_rate);
      if ($("reg-rate").value !== String(S.reg_rate)) { option($("reg-rate"), S.reg_rate, String(S.reg_rate)); $("reg-rate").value = String(S.reg_rate); }
      $("activation").value = S.activation;
      $("regularization").value = S.regularization;
      $("optimizer").value = S.optimizer;
      $("loss").value = S.loss;
      $("noise").value = S.noise; $("noise-value").textContent = S.noise;
      $("ratio").value = S.ratio; $("ratio-value").textContent = S.ratio + "%";
      $("batch").value = S.batch; $("batch-value").textContent = S.batch;
      $("seed").value = S.seed;
      $("show-test").checked = S.show_test; $("discretize").checked = S.discretize;
      $("problem").textContent = isRegression() ? "regression" : S.loss === SOFTMAX ? `classification, ${labels().length} classes` : "classification";
      for (const b of document.querySelectorAll("#datasets button")) {
        b.classList.toggle("chosen", !S.points && b.dataset.dataset === S.dataset);
      }
      for (const box of document.querySelectorAll("#features input")) box.checked = S.features.includes(box.value);
      $("layer-count").textContent = `${S.hidden.length} hidden layer${S.hidden.length === 1 ? "" : "s"}: ${S.hidden.join("-") || "none"}`;
      const layers = $("layers");
      layers.replaceChildren(...S.hidden.map((size, l) => {
        const span = document.createElement("span"); span.className = "layer";
        const minus = document.createElement("button"), plus = document.createElement("button");
        minus.textContent = "−"; plus.textContent = "+";
        minus.title = `one neuron fewer in layer ${l + 1}`; plus.title = `one neuron more in layer ${l + 1}`;
        minus.dataset.layer = plus.dataset.layer = l;
        minus.className = "neuron-remove"; plus.className = "neuron-add";
        minus.disabled = size <= 1; plus.disabled = size >= 8;
        minus.onclick = () => { S.hidden[l] -= 1; rebuild(); };
        plus.onclick = () => { S.hidden[l] += 1; rebuild(); };
        span.append(minus, ` ${size} `, plus);
        return span;
      }));
      $("layer-add").disabled = S.hidden.length >= 6; $("layer-remove").disabled = S.hidden.length === 0;
      const classes = labels(), addClass = $("add-class"), previous = addClass.value;
      addClass.replaceChildren();
      if (isRegression()) { for (const v of [-1, -0.5, 0, 0.5, 1]) option(addClass, v, `target ${v}`); }
      else {
        for (const c of classes) option(addClass, c, `class ${c}`);
        option(addClass, Math.max(...classes) + 1, `a new class ${Math.max(...classes) + 1}`);
      }
      if ([...addClass.options].some((o) => o.value === previous)) addClass.value = previous;
      const names = network.neurons.map((x) => x.name);
      for (const id of ["connect-source", "connect-target"]) {
        const select = $(id), keep = select.value;
        select.replaceChildren();
        for (const name of names) option(select, name, name);
        if (names.includes(keep)) select.value = keep;
      }
      $("python").textContent = pythonCode();
    }
    function bindControls() {
      $("play").onclick = () => (playing ? stop() : play());
      $("step").onclick = () => { stop(); oneBatch(); render(); writeFragment(); };
      $("reset").onclick = () => { reset(); render(); writeFragment(); };
      $("regenerate").onclick = () => { S.data_seed += 1; S.points = null; restart(); };
      const keep = (fn) => () => { fn(); trainerSettings(); syncControls(); render(); writeFragment(); };
      $("lr").onchange = keep(() => { S.lr = Number($("lr").value); });
      $("regularization").onchange = keep(() => { S.regularization = $("regularization").value; });
      $("reg-rate").onchange = keep(() => { S.reg_rate = Number($("reg-rate").value); });
      $("optimizer").onchange = keep(() => { S.optimizer = $("optimizer").value; trainer.optimizer = { name: S.optimizer, t: 0, state: {} }; });
      $("batch").oninput = keep(() => { S.batch = Number($("batch").value); });
      $("activation").onchange = () => { S.activation = $("activation").value; rebuild(); };
      $("loss").onchange = () => { S.loss = $("loss").value; rebuild(); };
      $("noise").oninput = () => { S.noise = Number($("noise").value); restart(); };
      $("ratio").oninput = () => { S.ratio = Number($("ratio").value); restart(); };
      $("seed").onchange = () => { const v = whole($("seed").value, 0, 2 ** 32, S.seed); S.seed = v; restart(); };
      $("show-test").onchange = () => { S.show_test = $("show-test").checked; render(); writeFragment(); };
      $("discretize").onchange = () => { S.discretize = $("discretize").checked; render(); writeFragment(); };
      $("layer-add").onclick = () => { if (S.hidden.length < 6) { S.hidden.push(S.hidden.length ? S.hidden[S.hidden.length - 1] : 4); rebuild(); } };
      $("layer-remove").onclick = () => { if (S.hidden.length) { S.hidden.pop(); rebuild(); } };
      $("csv-load").onclick = () => useOwnData($("csv").value);
      $("csv-file").onchange = () => {
        const file = $("csv-file").files[0];
        if (!file) return;
        if (file.size > data.limits.csv_bytes) { report(`That file holds ${file.size} bytes; the page reads up to ${data.limits.csv_bytes}.`); return; }
        file.text().then((text) => { $("csv").value = text; useOwnData(text); });
      };
      $("output").onclick = (event) => {
        if (!$("add-points").checked) return;
        const canvas = $("output"), rect = canvas.getBoundingClientRect();
        const x = (event.clientX - rect.left) / rect.width * 2 * DOMAIN - DOMAIN;
        const y = DOMAIN - (event.clientY - rect.top) / rect.height * 2 * DOMAIN;
        if (!S.points) S.points = points.map((p) => p.slice());
        if (S.points.length >= data.limits.points) { report(`The page holds up to ${data.limits.points} points.`); return; }
        // A new point joins the training data: it goes first, so the split keeps it there.
        S.points.unshift([x, y, Number($("add-class").value)]);
        restart();
      };
      $("output").onmousemove = (event) => {
        const canvas = $("output"), rect = canvas.getBoundingClientRect();
        const x = (event.clientX - rect.left) / rect.width * 2 * DOMAIN - DOMAIN;
        const y = DOMAIN - (event.clientY - rect.top) / rect.height * 2 * DOMAIN;
        probe = [x, y, isRegression() ? 0 : labels()[labels().length - 1]];
        if (hovered || selected) inspect(hovered || selected);
      };
      $("output").onmouseleave = () => { probe = null; };
      const canvas = $("network");
      canvas.onmousemove = (event) => { hovered = hit(event); canvas.style.cursor = hovered ? "pointer" : ""; drawNetwork(); if (hovered) inspect(hovered); };
      canvas.onmouseleave = () => { hovered = null; drawNetwork(); if (selected) inspect(selected); };
      canvas.onclick = (event) => { selected = hit(event); select(selected); };
      $("neuron-activation").onchange = () => {
        if (!selected || selected.kind !== "neuron") return;
        const neuron = network.neurons[selected.i];
        if (neuron.role === "input") return;
        S.acts[neuron.name] = $("neuron-activation").value;
        restart();  // the neuron stays selected
      };
      $("connect").onclick = () => {
        const a = $("connect-source").value, b = $("connect-target").value, link = `${a}>${b}`;
        const before = network.connections.length;
        if (S.removed.includes(link)) S.removed = S.removed.filter((l) => l !== link);
        else S.added.push(link);
        restart();
        if (network.connections.length === before) {
          S.added = S.added.filter((l) => l !== link);
          report(`${a} → ${b} cannot be added: ${a === b ? "a neuron cannot feed itself"
            : network.neurons.find((x) => x.name === b).role === "input" ? "an input takes no connections"
            : "it exists already or would make a cycle (the page trains feed-forward networks)"}.`);
        } else report(`Connected ${a} → ${b} (a new connection starts at weight 0).`);
      };
      $("disconnect").onclick = () => {
        if (!selected || selected.kind !== "connection") { report("Click a connection in the network first."); return; }
        const c = network.connections[selected.k], link = `${nameOf(c.source)}>${nameOf(c.target)}`;
        if (S.added.includes(link)) S.added = S.added.filter((l) => l !== link); else S.removed.push(link);
        selected = null;
        restart();
        report(`Removed ${link.replace(">", " → ")}.`);
      };
      $("download").onclick = () => save(networkJSON(), "network.json", "application/json");
      $("step-page").onclick = () => {
        const html = stepPageHTML();
        if (!html) return;
        const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
        if (!window.open(url, "_blank")) save(html, "step.html", "text/html");
      };
      // A link pasted into the same tab changes only the fragment: read it again.
      window.addEventListener("hashchange", start);
      window.addEventListener("resize", () => { laidOut = null; render(); });
    }
    function select(item) {
      selected = item;
      showSelection();
      if (item) inspect(item); else $("inspect").textContent = "";
      drawNetwork();
    }
    function showSelection() {  // the edit controls follow the selection: blank and disabled without one
      const item = selected, edit = $("selection");
      const neuron = item && item.kind === "neuron" ? network.neurons[item.i] : null;
      const editable = neuron !== null && neuron.role !== "input";
      $("neuron-activation").disabled = !editable;
      $("neuron-activation").value = editable ? neuron.activation : "";
      $("disconnect").disabled = !(item && item.kind === "connection");
      edit.textContent = !item ? "Click a neuron or a connection to inspect and edit it."
        : item.kind === "neuron" ? `Neuron ${nameOf(item.i)}`
        : `Connection ${nameOf(plan.source[item.k])} → ${nameOf(plan.target[item.k])}`;
    }
    // A rebuilt network numbers its neurons and connections afresh: the
    // selection is carried over by name, and dropped if it is gone.
    function selectionKey() {
      if (!selected) return null;
      return selected.kind === "neuron" ? [nameOf(selected.i)]
        : [nameOf(plan.source[selected.k]), nameOf(plan.target[selected.k])];
    }
    function findSelection(key) {
      if (!key) return null;
      if (key.length === 1) {
        const i = network.neurons.findIndex((x) => x.name === key[0]);
        return i >= 0 ? { kind: "neuron", i } : null;
      }
      const k = network.connections.findIndex((c) => nameOf(c.source) === key[0] && nameOf(c.target) === key[1]);
      return k >= 0 ? { kind: "connection", k } : null;
    }
    function trainerSettings() {
      trainer.lr = S.lr; trainer.batch = S.batch;
      trainer.l1 = S.regularization === "l1" ? S.reg_rate : 0;
      trainer.l2 = S.regularization === "l2" ? S.reg_rate : 0;
    }
    function save(text, name, type) {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], { type }));
      link.download = name; link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    }

    // ---------------------------------------------------------- neurosim's files and pages
    function networkDocument() {
      const base = given && !S.rebuilt ? given.document : null;
      const oldNeurons = dict(), oldConnections = dict();
      if (base) {
        for (const n of base.neurons) oldNeurons[n.name] = n;
        for (const c of base.connections) oldConnections[c.source + "\u0000" + c.target] = c;
      }
      return {
        format: "neurosim", version: 4, kind: "Network",
        settings: base ? base.settings : { init: "xavier_uniform" },
        neurons: network.neurons.map((n, i) => {
          const entry = { ...(oldNeurons[n.name] || {}), name: n.name, role: n.role };
          if (n.role !== "input") { entry.activation = n.activation; entry.bias = trainer.b[i]; }
          return entry;
        }),
        connections: network.connections.map((c, k) => {
          const source = nameOf(c.source), target = nameOf(c.target);
          return { ...(oldConnections[source + "\u0000" + target] || {}), source, target, weight: trainer.w[k] };
        }),
      };
    }
    function networkJSON() { return JSON.stringify(networkDocument(), null, 1); }
    function stepPageHTML() {  // the step page of the next batch's first sample
      const rows = nextBatchRows();
      if (!rows.length) { report("There is no training point to step on."); return null; }
      const [train] = split(), p = train[rows[0]];
      const names = network.neurons.map((n) => n.name), conns = network.connections;
      const perLevel = dict();
      const doc = networkDocument();
      const stepData = {
        kind: "network", title: `one training step of the playground's network`,
        editable: true, readonly_reason: null,
        inputs: plan.inputs.map(nameOf), outputs: plan.outputs.map(nameOf),
        neurons: network.neurons.map((n, i) => {
          const level = plan.level[i];
          perLevel[level] = (perLevel[level] || 0) + 1;
          return { name: n.name, role: n.role, activation: n.role === "input" ? null : n.activation,
                   bias: n.role === "input" ? null : trainer.b[i], bias_frozen: !!n.bias_frozen,
                   x: level, y: perLevel[level], level };
        }),
        connections: conns.map((c, k) => ({ source: names[c.source], target: names[c.target],
                                            weight: trainer.w[k], frozen: !!c.frozen, delay: 0 })),
        evaluation_order: plan.computed.map((i) => [names[i], plan.incoming[i]]),
        backward_order: plan.computed.slice().reverse().map((i) => [names[i], plan.incoming[i], plan.outgoing[i]]),
        x: featuresOf(p), target: targetOf(p, labels()), loss: S.loss, lr: S.lr,
        l1: trainer.l1, l2: trainer.l2,
        steps: [], loss_after: 0, document: doc,
        symbols: data.symbols, log_floor: data.log_floor, bce_eps: data.bce_eps,
      };
      const payload = JSON.stringify(stepData).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
      return data.step_page[0] + payload + data.step_page[1];
    }
    function pythonCode() {  // the same run in Python, when the controls built it
      const reg = S.regularization === "none" ? "" : `, ${S.regularization}=${S.reg_rate}`;
      const edited = Object.keys(S.acts).length || S.removed.length || S.added.length || (given && !S.rebuilt) || S.points;
      const sizes = [S.features.length, ...S.hidden, outputsWanted()];
      const outAct = S.loss === SOFTMAX || isRegression() ? "identity" : "tanh";
      return [
        "import numpy as np",
        "import neurosim as ns",
        edited ? "net = ns.load(\"network.json\")  # Download the network before you train it, for its start"
          : `net = ns.Network.layered(${JSON.stringify(sizes)}, activation="${S.activation}", output_activation="${outAct}", init="xavier_uniform", seed=${S.seed})`,
        S.points ? "# your points: X (n, 2) and their labels, in the page's order"
          : `X, Y = ns.datasets.playground("${S.dataset}", ${data.n_points}, noise=${S.noise}, seed=${S.data_seed})`,
        `n_train = len(X) * ${S.ratio} // 100`,
        `F = ns.datasets.playground_features(X, ${JSON.stringify(S.features)})`,
        S.loss === SOFTMAX ? "T = ns.datasets.one_hot(np.unique(Y.ravel(), return_inverse=True)[1])  # classes in order" : "T = Y",
        `history = net.fit(F[:n_train], T[:n_train], epochs=${trainer.epoch || 100}, loss="${S.loss}", optimizer="${S.optimizer}", lr=${S.lr}, batch_size=${S.batch}, seed=${S.seed}${reg})`,
      ].join("\n");
    }

    // ---------------------------------------------------------- start
    function start() {
      Object.assign(S, JSON.parse(JSON.stringify(defaults)));
      S.acts = dict(); S.removed = []; S.added = [];
      const epochs = readFragment();
      reset();
      if (epochs) trainEpochs(epochs);
      syncControls(); render();
      writeFragment();
    }
    fillControls();
    bindControls();
    start();
    window.neurosim = {
      settings: () => JSON.parse(JSON.stringify(S)),
      points: () => points.map((p) => p.slice()),
      trainEpochs: (n) => { const ok = trainEpochs(n); render(); writeFragment(); return ok; },
      oneBatch: () => { const ok = oneBatch(); render(); return ok; },
      losses: () => ({ train: trainer.trainLoss, test: trainer.testLoss, epochs: trainer.epochLosses.slice(),
                       epoch: trainer.epoch, cursor: trainer.cursor,
                       counts: [trainer.inputs.length, trainer.testInputs.length] }),
      // where each neuron and the middle of each connection are drawn, in CSS pixels of the canvas
      places: () => {
        const canvas = $("network"), scale = canvas.clientWidth / canvas.width;
        return {
          neurons: boxes.map((b) => [nameOf(b.i), (b.x + NODE / 2) * scale, (b.y + NODE / 2) * scale]),
          connections: network.connections.map((c, k) => {
            const [x1, y1, cx, cy, x2, y2] = curve(k);
            return [nameOf(c.source), nameOf(c.target), (x1 / 4 + cx / 2 + x2 / 4) * scale, (y1 / 4 + cy / 2 + y2 / 4) * scale];
          }),
        };
      },
      nextSample: () => { const p = probePoint(); return p && { point: p, x: featuresOf(p), target: targetOf(p, labels()) }; },
      weights: () => ({ w: Array.from(trainer.w), b: Array.from(trainer.b) }),
      networkJSON, stepPageHTML, status: () => message, playing: () => playing, render,
      numpy: { random: (seed, n) => { const g = new Generator(seed); return Array.from({ length: n }, () => g.random()); },
               permutation: (seed, n) => new Generator(seed).permutation(n) },
      data: (name, n, noise, seed) => playgroundData(name, n, noise, seed),
      activations: () => Object.keys(ACTIVATIONS),
      activation: (name, zs) => [zs.map(ACTIVATIONS[name][0]), zs.map(ACTIVATIONS[name][1])],
    };
  }
