// Formulas typeset as MathML, from the formula strings the library writes.
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

