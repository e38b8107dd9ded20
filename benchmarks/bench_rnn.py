"""Backpropagation through time: the compiled backend against hand-written numpy and PyTorch.

Each row times one forward and backward pass (full BPTT, mse over every
step) of the same network with the same weights three or four ways in one
run, interleaved, best of several repeats:

- ``compiled``: neurosim's compiled backend (``net.compile()``);
- ``hand``: a hand-written numpy BPTT of the same simple recurrent network
  (one hidden layer reading itself one step back), the textbook loop;
- ``torch``: ``torch.nn.RNN`` + ``nn.Linear`` in float64 on one thread;
- ``object``: neurosim neuron by neuron (the small network only), against a
  hand-written per-neuron pure-Python loop, per time step.

The networks: Elman's 1-8-1 (sigmoid, the context as delay-1 connections)
over a 3,000-bit stream, and a 10-100-10 tanh RNN on a batch of 32
sequences of 50 steps. The numbers are checked equal to the hand-written
baseline before anything is timed. Targets: compiled ≤ 1.3× hand; object ≥
0.4× the per-neuron loop.

Run: ``python benchmarks/bench_rnn.py [--quick]``
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument(
    "--quick", action="store_true", help="fewer repeats (the test suite's)"
)
args = parser.parse_args()
REPEATS = 2 if args.quick else 7


def sigmoid(z):
    return 0.5 + 0.5 * np.tanh(0.5 * z)


ACT = {
    "sigmoid": (sigmoid, lambda y: y * (1 - y)),
    "tanh": (np.tanh, lambda y: 1 - y * y),
    "identity": (lambda z: z, lambda y: np.ones_like(y)),
}


def weights_of(net, n_in, n_h, n_out):
    """The network's weights as the hand-written loop's matrices."""
    c = net.connection
    Wx = np.array(
        [[c(f"x{i + 1}", f"h{j + 1}").weight for j in range(n_h)] for i in range(n_in)]
    )
    Wh = np.array(
        [[c(f"h{i + 1}", f"h{j + 1}").weight for j in range(n_h)] for i in range(n_h)]
    )
    Wy = np.array(
        [[c(f"h{j + 1}", f"y{k + 1}").weight for k in range(n_out)] for j in range(n_h)]
    )
    bh = np.array([net[f"h{j + 1}"].bias for j in range(n_h)])
    by = np.array([net[f"y{k + 1}"].bias for k in range(n_out)])
    h0 = np.array([net[f"h{j + 1}"].initial_output for j in range(n_h)])
    return Wx, Wh, Wy, bh, by, h0


def hand_bptt(X, Y, W, hidden, output):
    """Forward and full BPTT of a simple recurrent network, mse over every step."""
    Wx, Wh, Wy, bh, by, h0 = W
    f, df = ACT[hidden]
    g, dg = ACT[output]
    B, T, _ = X.shape
    H = np.empty((T, B, len(bh)))
    h = np.broadcast_to(h0, (B, len(bh)))
    for t in range(T):
        h = f(X[:, t] @ Wx + h @ Wh + bh)
        H[t] = h
    out = g(H @ Wy + by)  # (T, B, n_out)
    target = Y.transpose(1, 0, 2)
    dout = 2.0 * (out - target) / target.size * dg(out)
    dWy = H.reshape(-1, H.shape[2]).T @ dout.reshape(-1, dout.shape[2])
    dby = dout.sum(axis=(0, 1))
    dH = dout @ Wy.T
    dWx, dWh, dbh = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(bh)
    carry = np.zeros((B, len(bh)))
    for t in reversed(range(T)):
        da = (dH[t] + carry) * df(H[t])
        dWx += X[:, t].T @ da
        dWh += (H[t - 1] if t else np.broadcast_to(h0, (B, len(bh)))).T @ da
        dbh += da.sum(axis=0)
        carry = da @ Wh.T
    return out.transpose(1, 0, 2), (dWx, dWh, dWy, dbh, dby)


def best(function, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def compiled_row(name, net, X, Y, hidden, output, sizes):
    cnet = net.compile()
    W = weights_of(net, *sizes)
    out, grads = hand_bptt(X, Y, W, hidden, output)
    np.testing.assert_allclose(cnet.forward(X), out, rtol=1e-9, atol=1e-12)
    cnet.backward(Y)
    got = cnet.parameter_gradients()
    c = net.connection
    dWh = grads[1]
    assert abs(got[c("h1", "h2").parameter] - dWh[0, 1]) < 1e-9 * max(1, abs(dWh[0, 1]))

    def neurosim():
        cnet.forward(X)
        cnet.backward(Y)

    def hand():
        hand_bptt(X, Y, W, hidden, output)

    timings = {"compiled": [], "hand": []}
    for _ in range(REPEATS):
        timings["compiled"].append(best(neurosim, 1))
        timings["hand"].append(best(hand, 1))
    row = {k: min(v) for k, v in timings.items()}
    torch_time = torch_row(X, Y, W, hidden, output)
    print(
        f"{name}: compiled {1e3 * row['compiled']:.1f} ms, hand numpy "
        f"{1e3 * row['hand']:.1f} ms → {row['compiled'] / row['hand']:.2f}× (target ≤ 1.3)"
        + (
            f"; torch.nn.RNN float64 1 thread {1e3 * torch_time:.1f} ms "
            f"({row['compiled'] / torch_time:.2f}× ours)"
            if torch_time
            else ""
        )
    )


def torch_row(X, Y, W, hidden, output):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    Wx, Wh, Wy, bh, by, _ = W  # nn.RNN starts from zeros, as Network.rnn
    nonlinearity = {"tanh": "tanh", "sigmoid": None}[hidden]
    if nonlinearity is None:
        return None  # nn.RNN has no sigmoid cell
    rnn = torch.nn.RNN(Wx.shape[0], Wx.shape[1], batch_first=True, dtype=torch.float64)
    linear = torch.nn.Linear(Wy.shape[0], Wy.shape[1], dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(Wx.T))
        rnn.weight_hh_l0.copy_(torch.tensor(Wh.T))
        rnn.bias_ih_l0.copy_(torch.tensor(bh))
        rnn.bias_hh_l0.zero_()
        linear.weight.copy_(torch.tensor(Wy.T))
        linear.bias.copy_(torch.tensor(by))
    x, y = torch.tensor(X), torch.tensor(Y)

    def run():
        rnn.zero_grad()
        linear.zero_grad()
        out = linear(rnn(x)[0])
        if output == "sigmoid":
            out = torch.sigmoid(out)
        torch.nn.functional.mse_loss(out, y).backward()

    return best(run)


def hand_neuron_step(state, x, target, w_in, w_rec, w_out, b_h, b_y):
    """One time step of a 1-n-1 sigmoid Elman net in lists: forward, the step's
    error, backward through this step (the past as given), as a learner writes it."""
    n = len(b_h)
    hidden = []
    for j in range(n):
        net = b_h[j] + w_in[j] * x
        for i in range(n):
            net += w_rec[i][j] * state[i]
        hidden.append(1.0 / (1.0 + math.exp(-net)))
    net = b_y
    for j in range(n):
        net += w_out[j] * hidden[j]
    y = 1.0 / (1.0 + math.exp(-net))
    d_y = 2.0 * (y - target) * y * (1.0 - y)
    grads = [d_y * h for h in hidden]
    d_h = [d_y * w_out[j] * hidden[j] * (1.0 - hidden[j]) for j in range(n)]
    rec = [[d_h[j] * state[i] for j in range(n)] for i in range(n)]
    return hidden, grads, rec


def object_row():
    """Neuron by neuron, per time step: forward and backward (truncation 1) of one step."""
    n, steps = 8, 300 if args.quick else 1000
    net = ns.Network.elman(1, n, 1, context_units=False, seed=0)
    net.truncation = 1
    bits = np.random.default_rng(0).integers(0, 2, steps + 1).astype(float)
    x, y = bits[:-1], bits[1:]
    c = net.connection
    w_in = [c("x1", f"h{j + 1}").weight for j in range(n)]
    w_rec = [[c(f"h{i + 1}", f"h{j + 1}").weight for j in range(n)] for i in range(n)]
    w_out = [c(f"h{j + 1}", "y1").weight for j in range(n)]
    b_h = [net[f"h{j + 1}"].bias for j in range(n)]

    def hand():
        state = [0.5] * n
        for t in range(steps):
            state, _, _ = hand_neuron_step(
                state, x[t], y[t], w_in, w_rec, w_out, b_h, 0.0
            )

    def neurosim():
        net.forward(x)
        net.backward(y)

    ours, theirs = [], []
    for _ in range(REPEATS):
        ours.append(best(neurosim, 1))
        theirs.append(best(hand, 1))
    ours, theirs = min(ours), min(theirs)
    print(
        f"object backend, Elman 1-{n}-1, forward and backward per step: "
        f"{1e6 * ours / steps:.0f} µs, hand per-neuron loop {1e6 * theirs / steps:.0f} µs "
        f"→ {theirs / ours:.2f}× its speed (target ≥ 0.4)"
    )


print(f"load average {os.getloadavg()[0]:.2f} (2 cores)")
bits = np.random.default_rng(0).integers(0, 2, 3001).astype(float)
elman = ns.Network.elman(1, 8, 1, context_units=False, seed=0)
compiled_row(
    "Elman 1-8-1, one 3,000-step stream",
    elman, bits[:-1].reshape(1, -1, 1), bits[1:].reshape(1, -1, 1),
    "sigmoid", "sigmoid", (1, 8, 1),
)  # fmt: skip
rng = np.random.default_rng(1)
rnn = ns.Network.rnn(10, 100, 10, seed=0)
compiled_row(
    "RNN 10-100-10, 32 sequences × 50 steps",
    rnn, rng.normal(size=(32, 50, 10)), rng.normal(size=(32, 50, 10)),
    "tanh", "identity", (10, 100, 10),
)  # fmt: skip
object_row()
