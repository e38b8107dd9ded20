"""The LSTM layer of neurons, compiled: against a hand-written numpy LSTM and PyTorch.

One forward and backward pass (full backpropagation through time, mse over
every step) of an LSTM with 64 cells and a linear read-out, on a batch of
32 sequences of 50 steps (10 inputs, 10 outputs), timed three ways in one
run, interleaved, best of several repeats:

- ``compiled``: ``ns.Network.lstm(10, 64, 10).compile()``;
- ``hand``: the textbook numpy LSTM with BPTT, the four gates as one
  (batch, 4·64) product per step, the same weights;
- ``torch``: ``torch.nn.LSTM`` + ``nn.Linear`` in float64 on one thread.

The compiled network's outputs and gradients are checked equal to the hand
loop's before anything is timed. Target: compiled ≤ 1.5× hand.

Run: ``python benchmarks/bench_lstm.py [--quick]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import neurosim as ns
from neurosim.export.lstm import lstm_weights

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument(
    "--quick", action="store_true", help="fewer repeats (the test suite's)"
)
parser.add_argument("--cells", type=int, default=64)
args = parser.parse_args()
REPEATS = 2 if args.quick else 7
N_IN, CELLS, N_OUT, BATCH, STEPS = 10, args.cells, 10, 32, 50


def sigmoid(z):
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def hand_lstm(X, Y, W):
    """Forward and full BPTT of an LSTM + linear read-out, mse over every step."""
    w_ih, w_hh, b, w_y, b_y = W
    B, T, _ = X.shape
    H = w_hh.shape[1]
    Wx, Wh = w_ih.T, w_hh.T  # (I, 4H), (H, 4H)
    projected = (X.reshape(-1, X.shape[2]) @ Wx).reshape(B, T, 4 * H)
    inputs = projected.transpose(1, 0, 2) + b
    gates = np.empty((T, B, 4 * H))
    cs, tcs, hs = np.empty((T, B, H)), np.empty((T, B, H)), np.empty((T, B, H))
    h, c = np.zeros((B, H)), np.zeros((B, H))
    for t in range(T):
        z = inputs[t] + h @ Wh
        a = gates[t]
        a[:, : 2 * H] = sigmoid(z[:, : 2 * H])
        a[:, 2 * H : 3 * H] = np.tanh(z[:, 2 * H : 3 * H])
        a[:, 3 * H :] = sigmoid(z[:, 3 * H :])
        i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
        c = f * c + i * g
        cs[t] = c
        tcs[t] = np.tanh(c)
        h = hs[t] = o * tcs[t]
    out = hs @ w_y.T + b_y  # (T, B, K)
    target = Y.transpose(1, 0, 2)
    d_out = 2.0 * (out - target) / target.size
    dWy = d_out.reshape(-1, N_OUT).T @ hs.reshape(-1, H)
    dby = d_out.sum(axis=(0, 1))
    dH = d_out @ w_y
    dZ = np.empty((T, B, 4 * H))
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(T)):
        a = gates[t]
        i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
        dh = dH[t] + dh_next
        dc = dh * o * (1 - tcs[t] ** 2) + dc_next
        c_prev = cs[t - 1] if t else 0.0
        dz = dZ[t]
        dz[:, :H] = dc * g * i * (1 - i)
        dz[:, H : 2 * H] = dc * c_prev * f * (1 - f)
        dz[:, 2 * H : 3 * H] = dc * i * (1 - g * g)
        dz[:, 3 * H :] = dh * tcs[t] * o * (1 - o)
        dc_next = dc * f
        dh_next = dz @ Wh.T
    flat = dZ.reshape(-1, 4 * H)
    d_ih = flat.T @ X.transpose(1, 0, 2).reshape(-1, N_IN)
    h_prev = np.concatenate([np.zeros((1, B, H)), hs[:-1]]).reshape(-1, H)
    d_hh = flat.T @ h_prev
    return out.transpose(1, 0, 2), (d_ih, d_hh, flat.sum(axis=0), dWy, dby)


def best(function, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def torch_time(X, Y, W):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    w_ih, w_hh, b, w_y, b_y = W
    lstm = torch.nn.LSTM(N_IN, CELLS, batch_first=True, dtype=torch.float64)
    linear = torch.nn.Linear(CELLS, N_OUT, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(w_ih))
        lstm.weight_hh_l0.copy_(torch.tensor(w_hh))
        lstm.bias_ih_l0.copy_(torch.tensor(b))
        lstm.bias_hh_l0.zero_()
        linear.weight.copy_(torch.tensor(w_y))
        linear.bias.copy_(torch.tensor(b_y))
    x, y = torch.tensor(X), torch.tensor(Y)

    def run():
        lstm.zero_grad()
        linear.zero_grad()
        torch.nn.functional.mse_loss(linear(lstm(x)[0]), y).backward()

    return best(run)


print(f"load average {os.getloadavg()[0]:.2f} (2 cores)")
rng = np.random.default_rng(0)
X, Y = rng.normal(size=(BATCH, STEPS, N_IN)), rng.normal(size=(BATCH, STEPS, N_OUT))
net = ns.Network.lstm(N_IN, CELLS, N_OUT, seed=0)
arrays = lstm_weights(net, N_IN, CELLS, N_OUT)
W = tuple(
    arrays[k]
    for k in ("weight_ih", "weight_hh", "bias", "readout_weight", "readout_bias")
)
compiled = net.compile()
out, grads = hand_lstm(X, Y, W)
np.testing.assert_allclose(compiled.forward(X), out, rtol=1e-9, atol=1e-12)
compiled.backward(Y)
got = compiled.parameter_gradients()
# A few entries of every gradient, against the hand loop.
for k, part in enumerate("ifgo"):
    for j in (0, CELLS - 1):
        target = f"lstm1.{part}[{j}]"
        row = k * CELLS + j
        assert np.isclose(
            got[net.connection("x1", target).parameter], grads[0][row, 0], rtol=1e-8
        )
        assert np.isclose(
            got[net.connection("lstm1.h[1]", target).parameter],
            grads[1][row, 1],
            rtol=1e-8,
        )
        assert np.isclose(got[net[target].bias_parameter], grads[2][row], rtol=1e-8)


def neurosim():
    compiled.forward(X)
    compiled.backward(Y)


def hand():
    hand_lstm(X, Y, W)


timings = {"compiled": [], "hand": []}
for _ in range(REPEATS):
    timings["compiled"].append(best(neurosim, 1))
    timings["hand"].append(best(hand, 1))
ours, theirs = min(timings["compiled"]), min(timings["hand"])
torch_seconds = torch_time(X, Y, W)
print(
    f"LSTM {N_IN}-{CELLS}-{N_OUT}, {BATCH} sequences × {STEPS} steps, forward + backward: "
    f"compiled {1e3 * ours:.1f} ms, hand numpy {1e3 * theirs:.1f} ms → "
    f"{ours / theirs:.2f}× (target ≤ 1.5)"
    + (
        f"; torch.nn.LSTM float64 1 thread {1e3 * torch_seconds:.1f} ms "
        f"({ours / torch_seconds:.2f}× ours)"
        if torch_seconds
        else ""
    )
)
