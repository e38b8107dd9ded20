// The page of one Hopfield recall.
  // ------------------------------------------------------------ the Hopfield recall page

  function hopfieldPage() {
    const [rows, cols] = data.shape;
    let current = 0;
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
    controls(go, () => current, () => data.steps.length, 120);
    for (const [key, value] of fragmentEntries(4)) {
      const v = finite(value);
      if (key === "step" && !Number.isNaN(v)) current = Math.floor(v);
    }
    render();
    window.neurosim = { current: () => current, go, state: () => stateAt(current), energy: () => E[current] };
  }

