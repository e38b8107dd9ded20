// The page's data, links, numbers as neurosim writes them, and the buttons.
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

