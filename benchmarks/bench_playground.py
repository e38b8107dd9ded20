"""How fast the live training page trains while it draws, in headless Chromium.

The page of a 2-8-8-1 tanh network on Playground's circle (500 points, 250 of
them training, batches of 10) is written and opened in Debian's Chromium, then:

- **Play**: the page's own loop, one epoch per animation frame with every heat
  map (a 50 × 50 grid through the network, a thumbnail per neuron, the output,
  the loss chart) redrawn each frame: epochs per second over a few seconds of
  playing (target: ≥ 30; the browser's frame rate, 60 here, is the ceiling).
- **Training alone**: ``trainEpochs`` with no drawing between epochs, against a
  hand-written JavaScript loop doing the same arithmetic (the same network,
  data, order and updates in plain Float64Arrays, and, as the page, the
  training and test loss after each epoch), run in the same page: the ratio
  is what the page's generality (any DAG, any activation, three optimizers,
  the penalty, the divergence check) costs.
- **One frame's drawing**: ``render()`` alone, in milliseconds.

and the page's size (target: under 300 KB). The same is measured for the
largest network the page builds (7 features, 6 hidden layers of 8: 384
connections). Before timing, the page's and the hand-written loop's last
losses are checked against ``fit``'s. The load average is printed: the
machines are shared.

Run: ``python benchmarks/bench_playground.py [--quick]`` (needs selenium,
chromium and chromedriver, as the browser tests do).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import neurosim as ns

# The baseline: a 2-8-8-1 tanh network trained by mini-batch SGD on squared
# error, written out by hand. It reads the page's first weights and training
# points, so its losses can be checked against the page's before it is timed.
HAND_WRITTEN = """
const [sizes, W, B, X, T, testX, testT, order, epochs, lr, batch] = arguments;
const L = sizes.length - 1;
const w = W.map((m) => Float64Array.from(m)), b = B.map((v) => Float64Array.from(v));
const gw = w.map((m) => new Float64Array(m.length)), gb = b.map((v) => new Float64Array(v.length));
const out = sizes.map((n) => new Float64Array(n)), delta = sizes.map((n) => new Float64Array(n));
function forward(x) {
  for (let i = 0; i < sizes[0]; i++) out[0][i] = x[i];
  for (let l = 0; l < L; l++) {
    const n = sizes[l], m = sizes[l + 1], a = out[l], z = out[l + 1], wl = w[l];
    for (let j = 0; j < m; j++) {
      let net = b[l][j];
      for (let i = 0; i < n; i++) net += wl[i * m + j] * a[i];
      z[j] = Math.tanh(net);
    }
  }
  return out[L][0];
}
function loss(X, T) {  // the mean squared error over a data set, as the page shows each epoch
  let total = 0;
  for (let r = 0; r < X.length; r++) { const e = forward(X[r]) - T[r]; total += e * e; }
  return total / X.length;
}
let last = 0, trainLoss = 0, testLoss = 0;
const started = performance.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  const rows = order[epoch % order.length];
  let total = 0;
  for (let s = 0; s < rows.length; s += batch) {
    const end = Math.min(s + batch, rows.length), size = end - s;
    for (let l = 0; l < L; l++) { gw[l].fill(0); gb[l].fill(0); }
    for (let r = s; r < end; r++) {
      const row = rows[r], y = forward(X[row]), e = y - T[row];
      total += e * e;
      delta[L][0] = 2 * e * (1 - y * y);
      for (let l = L - 1; l >= 0; l--) {
        const n = sizes[l], m = sizes[l + 1], a = out[l], d = delta[l + 1], wl = w[l];
        for (let j = 0; j < m; j++) {
          gb[l][j] += d[j];
          for (let i = 0; i < n; i++) gw[l][i * m + j] += d[j] * a[i];
        }
        if (l > 0) for (let i = 0; i < n; i++) {
          let sum = 0;
          for (let j = 0; j < m; j++) sum += wl[i * m + j] * d[j];
          delta[l][i] = sum * (1 - a[i] * a[i]);
        }
      }
    }
    for (let l = 0; l < L; l++) {
      for (let k = 0; k < w[l].length; k++) w[l][k] -= lr * gw[l][k] / size;
      for (let k = 0; k < b[l].length; k++) b[l][k] -= lr * gb[l][k] / size;
    }
  }
  last = total / rows.length;
  trainLoss = loss(X, T); testLoss = loss(testX, testT);
}
return [performance.now() - started, last, trainLoss, testLoss];
"""


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--window-size=1300,1000"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(
        service=Service(shutil.which("chromedriver")), options=options
    )


def python_start(net, features):
    """The page's first weights by layer (row-major i·m + j) and its training data."""
    X, Y = ns.datasets.playground("circle", 500, noise=0, seed=0)
    F = ns.datasets.playground_features(X, features)
    levels = net.levels
    W, B = [], []
    for before, after in itertools.pairwise(levels):
        W.append([net.connection(a, b).weight for a in before for b in after])
        B.append([net[b].bias for b in after])
    return W, B, F[:250], Y[:250, 0], F[250:], Y[250:, 0]


# The network, then the largest the page builds (seven features, six
# hidden layers of eight): (features, hidden layers).
SIZES = [
    (["x1", "x2"], [8, 8]),
    (["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"], [8] * 6),
]


def measure(driver, folder, features, hidden, epochs, seconds) -> dict:
    """Open the page of one network; time training alone, the hand-written loop, Play."""
    page = ns.playground(
        dataset="circle", hidden=hidden, features=features, seed=0, data_seed=0
    )
    path = folder / "playground.html"
    page.save(path)
    sizes = [len(features), *hidden, 1]
    net = ns.Network.layered(sizes, activation="tanh", init="xavier_uniform", seed=0)
    W, B, F, T, testF, testT = python_start(net, features)
    # fit's order of the training rows, epoch by epoch (the page draws the same)
    rng = np.random.default_rng(0)
    order = [rng.permutation(250).tolist() for _ in range(epochs)]
    history = net.fit(F, T[:, None], epochs=epochs, lr=0.03, batch_size=10, seed=0)

    driver.get(path.as_uri())
    run = driver.execute_script
    # Training alone: the page, then the hand-written loop, from the same start.
    start = time.perf_counter()
    run(f"neurosim.trainEpochs({epochs})")
    page_seconds = time.perf_counter() - start
    page_loss = run("return neurosim.losses().epochs.at(-1)")
    hand_ms, hand_loss, *_ = run(
        HAND_WRITTEN, sizes, W, B, F.tolist(), T.tolist(), testF.tolist(),
        testT.tolist(), order, epochs, 0.03, 10,
    )  # fmt: skip
    # The three runs did the same arithmetic: their last losses agree.
    for name, loss in (("page", page_loss), ("hand-written", hand_loss)):
        if abs(loss - history.loss[-1]) > 1e-9:
            raise SystemExit(f"{name} loss {loss!r} != fit's {history.loss[-1]!r}")
    # One frame's drawing, then Play.
    run("neurosim.render()")
    render_ms = run(
        "const t = performance.now(); for (let i = 0; i < 20; i++) neurosim.render();"
        " return (performance.now() - t) / 20"
    )
    run("document.getElementById('reset').click()")
    run("document.getElementById('play').click()")
    time.sleep(0.5)
    first = run("return [neurosim.losses().epoch, performance.now()]")
    time.sleep(seconds)
    last = run("return [neurosim.losses().epoch, performance.now()]")
    run("document.getElementById('play').click()")
    return {
        "network": "-".join(map(str, sizes)),
        "connections": len(net.connections),
        "size": len(str(page).encode()),
        "playing": (last[0] - first[0]) / ((last[1] - first[1]) / 1000),
        "render_ms": render_ms,
        "page": epochs / page_seconds,
        "hand": epochs / (hand_ms / 1000),
        "loss": (page_loss, hand_loss, history.loss[-1]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    args = parser.parse_args()
    seconds, epochs = (1.0, 20) if args.quick else (5.0, 300)

    folder = Path(tempfile.mkdtemp())
    driver = browser()
    try:
        rows = [measure(driver, folder, *size, epochs, seconds) for size in SIZES]
    finally:
        driver.quit()
        shutil.rmtree(folder)
    print(f"load average {os.getloadavg()[0]:.2f}; 250 training points, batches of 10")
    print(f"{'network':>18} {'conns':>5} {'page KB':>7} {'playing':>12} {'frame':>8} "
          f"{'train alone':>14} {'hand-written':>14} {'ratio':>6}")  # fmt: skip
    for row in rows:
        print(f"{row['network']:>18} {row['connections']:5d} {row['size'] / 1000:7.0f} "
              f"{row['playing']:6.1f} ep/s {row['render_ms']:5.1f} ms "
              f"{row['page']:8.0f} ep/s {row['hand']:8.0f} ep/s "
              f"{row['hand'] / row['page']:5.1f}x")  # fmt: skip
    target = rows[0]
    print(f"2-8-8-1 playing with every picture redrawn: {target['playing']:.1f} epochs/s "
          f"(target >= 30); page {target['size'] / 1000:.0f} KB (target < 300 KB)")  # fmt: skip
    page_loss, hand_loss, fit_loss = target["loss"]
    print(f"2-8-8-1 loss after {epochs} epochs: page {page_loss:.12f}, hand-written "
          f"{hand_loss:.12f}, fit {fit_loss:.12f}")  # fmt: skip


if __name__ == "__main__":
    main()
