// The page of one training step.
  // ------------------------------------------------------------ the network page

  function networkPage() {
    const editable = data.editable;
    const state = {
      x: data.x.slice(), t: data.target.slice(), lr: data.lr,
      w: conns.map((c) => c.weight), b: dict(),
    };
    for (const n of data.neurons) if (n.role !== "input") state.b[n.name] = n.bias;
    let result = null, current = 0;

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
    controls(go, () => current, () => steps().length - 1, 900);

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

