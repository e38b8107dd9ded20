"""The ``neurosim`` command: demos, and a look inside saved networks.

::

    neurosim demo [xor|trace|hopfield|digits] [--out DIR] [--html PAGE] [--quick]
    neurosim info FILE
    neurosim draw FILE -o PICTURE.png
    neurosim explain FILE --input X... --target T... [--loss L] [--lr R] [-o PAGE.html]
    neurosim playground -o PAGE.html [--dataset D] [--hidden 4 2] [--network FILE] ...

``neurosim demo`` with no name runs the XOR demo: offline, in seconds. Errors
are reported as one line on stderr with a non-zero exit status, never as a
traceback (``neurosim --traceback ...`` shows it, for a bug report). Also available as ``python -m neurosim``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from . import __version__
from .errors import NeurosimError, ParameterError
from .io import load
from .memory import HopfieldNetwork, corrupt
from .network import Network
from .som import SOM

__all__ = ["main"]

DEMOS = ("xor", "trace", "hopfield", "digits")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    >>> main(["demo", "trace", "--quick"])  # doctest: +ELLIPSIS
    One training step of Network(2 inputs, 2 hidden, 2 outputs; ...
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (NeurosimError, OSError) as error:
        if args.traceback:
            raise
        print(f"neurosim: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("neurosim: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        # The last resort: a bug of ours must still read as one line.
        if args.traceback:
            raise
        print(
            f"neurosim: internal error: {type(error).__name__}: {error}. This is a bug; "
            "please report it with the command you ran (add --traceback to see where "
            "it happened).",
            file=sys.stderr,
        )
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurosim",
        description="A neuron-level neural-network simulator: demos and saved networks.",
    )
    parser.add_argument(
        "--version", action="version", version=f"neurosim {__version__}"
    )
    parser.add_argument(
        "--traceback",
        action="store_true",
        help="on an error, show Python's traceback instead of one line",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="run a demo that tells its story (and draws it with --out)",
        description="Run a self-contained demo. Without a name: xor.",
    )
    demo.add_argument(
        "name",
        nargs="?",
        default="xor",
        choices=DEMOS,
        help="xor: a 2-4-1 network learns XOR; trace: one backprop step with every number; "
        "hopfield: letters recalled from noise; digits: a softmax classifier "
        "(needs scikit-learn)",
    )
    demo.add_argument("--out", metavar="DIR", help="write the demo's pictures to DIR")
    demo.add_argument("--quick", action="store_true", help="a shorter run")
    demo.add_argument(
        "--html",
        metavar="PAGE",
        help="trace and hopfield: also write the step-by-step web page to PAGE "
        "(one self-contained file to open in a browser)",
    )
    demo.set_defaults(run=_run_demo)

    info = commands.add_parser(
        "info",
        help="summarise a saved network",
        description="Summarise a saved network.",
    )
    info.add_argument("file", help="a file written by neurosim.save")
    info.set_defaults(run=_run_info)

    draw = commands.add_parser(
        "draw",
        help="draw a saved network to a picture",
        description="Draw a saved network.",
    )
    draw.add_argument("file", help="a file written by neurosim.save")
    draw.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PICTURE",
        help="e.g. net.png or net.svg",
    )
    draw.set_defaults(run=_run_draw)

    explain = commands.add_parser(
        "explain",
        usage="neurosim explain FILE --input X... --target T... [--loss L] [--lr R] [-o PAGE]",
        help="explain one training step of a saved network (text, or a web page)",
        description="One training step of a saved network on one sample: forward pass, "
        "loss, backward pass and update, every number shown.",
    )
    explain.add_argument("file", help="a network file written by neurosim.save")
    explain.add_argument(
        "--input", nargs="+", type=float, required=True, metavar="X", help="the sample"
    )
    explain.add_argument(
        "--target", nargs="+", type=float, required=True, metavar="T", help="its target"
    )
    explain.add_argument("--loss", default="mse", help="mse, sse, bce or cross_entropy")
    explain.add_argument("--lr", type=float, default=0.1, help="the learning rate")
    explain.add_argument(
        "-o",
        "--output",
        metavar="PAGE",
        help="write the web page to PAGE (e.g. step.html) instead of printing text",
    )
    explain.set_defaults(run=_run_explain)

    live = commands.add_parser(
        "playground",
        help="write the live training page (TensorFlow Playground's controls)",
        description="Write the live training page: one self-contained HTML file in "
        "which a network trains while you watch, with neurosim's numbers.",
    )
    live.add_argument(
        "-o", "--output", required=True, metavar="PAGE", help="e.g. live.html"
    )
    live.add_argument("--network", metavar="FILE", help="open this saved network")
    live.add_argument("--dataset", default="circle", help="circle, xor, gaussian, spiral, "
                      "plane or multi_gaussian")  # fmt: skip
    live.add_argument("--noise", type=int, default=0, help="0 to 50")
    live.add_argument("--hidden", type=int, nargs="*", default=[4, 2], metavar="N",
                      help="neurons per hidden layer (0 to 6 layers)")  # fmt: skip
    live.add_argument("--activation", default="tanh")
    live.add_argument("--lr", type=float, default=0.03, help="the learning rate")
    live.add_argument("--optimizer", default="sgd", help="sgd, momentum or adam")
    live.add_argument("--batch-size", type=int, default=10, help="1 to 30")
    live.add_argument(
        "--seed", type=int, default=0, help="the weights' and shuffling's seed"
    )
    live.set_defaults(run=_run_playground)
    return parser


# ---------------------------------------------------------------- info and draw


def _run_info(args) -> int:
    model = load(args.file)
    if isinstance(model, HopfieldNetwork):
        print(model)
        print(
            f"{len(model.patterns)} stored patterns; weights in [{model.weights.min():.4g}, {model.weights.max():.4g}]"
        )
    elif isinstance(model, Network):
        print(model.summary())
    elif isinstance(model, SOM):
        print(model)
        print(
            f"{model.rows * model.cols} units on a networkx grid of "
            f"{model.graph.number_of_edges()} edges; weights in "
            f"[{model.weights.min():.4g}, {model.weights.max():.4g}]"
        )
    else:
        print(model)
        print(f"weights in [{model.weights.min():.4g}, {model.weights.max():.4g}]")
    return 0


def _run_explain(args) -> int:
    model = load(args.file)
    if not isinstance(model, Network):
        raise ParameterError(
            f"explain needs a feed-forward Network file; {args.file} holds {model!r}"
        )
    if args.output is None:
        print(model.explain(args.input, args.target, loss=args.loss, lr=args.lr))
        return 0
    page = model.explain(
        args.input, args.target, loss=args.loss, lr=args.lr, format="html"
    )
    page.save(args.output)
    print(f"wrote {args.output} ({page.steps} steps); open it in a browser")
    return 0


def _run_playground(args) -> int:
    from .teaching.playground import playground

    net = None
    if args.network:
        net = load(args.network)
        if not isinstance(net, Network):
            raise ParameterError(
                f"the live page trains a feed-forward Network; {args.network} holds {net!r}"
            )
    page = playground(
        net, dataset=args.dataset, noise=args.noise, hidden=args.hidden,
        activation=args.activation, lr=args.lr, optimizer=args.optimizer,
        batch_size=args.batch_size, seed=args.seed,
    )  # fmt: skip
    page.save(args.output)
    print(f"wrote {args.output} ({page.title}); open it in a browser")
    return 0


def _run_draw(args) -> int:
    from . import plotting

    plotting.check_picture_format(args.output)
    model = load(args.file)
    if isinstance(model, HopfieldNetwork):
        figure = plotting.plot_weights(model).figure
    elif isinstance(model, SOM):
        figure = plotting.plot_som(model).figure
    else:
        figure = plotting.draw_network(model).figure
    plotting.save_figure(figure, args.output, dpi=120, bbox_inches="tight")
    print(f"wrote {args.output}")
    return 0


# ---------------------------------------------------------------- demos


def _run_demo(args) -> int:
    if args.html and args.name not in ("trace", "hopfield"):
        raise ParameterError(
            f"--html writes the page of the trace or hopfield demo, not of {args.name!r}"
        )
    demo = {"xor": _xor, "trace": _trace, "hopfield": _hopfield, "digits": _digits}[
        args.name
    ]
    demo(args)
    if args.out:
        print(f"pictures written to {args.out}/")
    return 0


def _xor(args) -> None:
    from .datasets import xor

    print("XOR: output 1 when exactly one input is 1. No single neuron can learn it;")
    print("a 2-4-1 network of sigmoid neurons learns it by online backpropagation.\n")
    X, Y = xor()
    net = Network.layered([2, 4, 1], activation="sigmoid", seed=0)
    print(net)
    epochs = 1000 if args.quick else 3000
    history = net.fit(X, Y, epochs=epochs, lr=0.5, loss="mse", batch_size=1, seed=0)
    for epoch in (0, epochs // 10, epochs // 2, epochs - 1):
        print(f"  epoch {epoch + 1:5d}  loss {history.loss[epoch]:.5f}")
    print("\n  x1 x2  target  prediction")
    for x, y, p in zip(X, Y, net.predict(X)):
        print(f"  {x[0]:2.0f} {x[1]:2.0f}  {y[0]:6.0f}  {p[0]:10.4f}")
    print("\nnext: neurosim demo trace (every number of one backprop step)")
    if args.out:
        from . import plotting

        plotting.save_figure(
            plotting.draw_network(net).figure, f"{args.out}/xor_network.png", dpi=100
        )
        regions = plotting.plot_decision_boundary(net, X, Y).figure
        plotting.save_figure(regions, f"{args.out}/xor_regions.png", dpi=100)


def _trace(args) -> None:
    from .datasets import mazur_example

    net, x, target = mazur_example()
    print(net.explain(x, target, loss="sse", lr=0.5))
    # Mazur keeps the biases fixed and repeats the step 10,000 times.
    net, x, target = mazur_example()
    net.freeze(biases=True)
    steps = 1_000 if args.quick else 10_000
    history = net.fit(
        np.array([x]),
        np.array([target]),
        epochs=steps,
        lr=0.5,
        loss="sse",
        shuffle=False,
    )
    if args.quick:
        print(
            f"\nWith the biases frozen, as in Mazur's example, the 1,000th step starts "
            f"from an error of {history.loss[-1]:.10f} (the full demo runs Mazur's "
            "10,000 steps)."
        )
    else:
        print(
            f"\nWith the biases frozen, as in Mazur's example, the 10,000th step starts "
            f"from an error of {history.loss[-1]:.10f} (Mazur: 0.0000351085)."
        )
    if args.html:
        page = mazur_example()[0].explain(x, target, loss="sse", lr=0.5, format="html")
        page.save(args.html)
        print(f"\nwrote {args.html}: the step to click through in a browser")
    if args.out:
        from . import plotting

        anim = plotting.animate_trace(mazur_example()[0], x, target, loss="sse")
        plotting.save_animation(anim, f"{args.out}/backprop_trace.gif", fps=1.5)


def _hopfield(args) -> None:
    from .datasets import glyphs

    letters = glyphs("AEHT" if args.quick else "ACEHLTXZ")
    patterns = np.array([picture.ravel() for picture in letters.values()])
    hop = HopfieldNetwork(100)
    hop.store(patterns, rule="pseudoinverse")
    print(f"{hop}: {', '.join(letters)} as 10x10 pictures\n")
    for k, (name, pattern) in enumerate(zip(letters, patterns)):
        probe = corrupt(pattern, 0.25, seed=k)
        result = hop.recall(probe, seed=k, record_states=bool(args.out))
        found = next(
            (n for n, p in zip(letters, patterns) if np.array_equal(result.state, p)),
            None,
        )
        verdict = f"recalled {found}" if found else "a spurious state"
        print(
            f"{name} with 25% of its pixels flipped -> {verdict} in {result.sweeps} sweeps"
        )
        if k == 0:
            for left, right in zip(_rows(probe), _rows(result.state)):
                print(f"    {left}    {right}")
        if k == 0 and args.html:
            from .teaching.page import recall_page

            recall_page(hop, probe, shape=(10, 10), seed=k).save(args.html)
            print(f"    (wrote {args.html}: this recall, update by update)")
        if args.out and k == 0:
            from . import plotting

            plotting.save_figure(
                plotting.plot_recall(result, (10, 10)),
                f"{args.out}/hopfield_recall.png",
                dpi=80,
            )


def _rows(state: np.ndarray) -> list[str]:
    return [
        "".join("#" if v > 0 else "." for v in row) for row in state.reshape(10, 10)
    ]


def _digits(args) -> None:
    from .datasets import load_digits, one_hot, train_test_split

    X, labels = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        X, labels, test_size=0.2, seed=0
    )
    net = Network.layered(
        [64, 32, 10], activation="relu", output_activation="identity", seed=0
    )
    print(f"{len(X_train)} training and {len(X_test)} test images of 8x8 digits")
    print(net)
    from .optimizers import Adam

    history = net.fit(
        X_train,
        one_hot(y_train, 10),
        epochs=15 if args.quick else 40,
        loss="cross_entropy",
        optimizer=Adam(lr=0.003),
        batch_size=32,
        seed=0,
        backend="vectorized",
    )
    accuracy = float((net.compile().predict(X_test).argmax(axis=1) == y_test).mean())
    print(
        f"trained {history.epochs} epochs with the vectorised backend; test accuracy {accuracy:.4f}"
    )
    if args.out:
        from . import plotting

        axes = plotting.plot_history(history, log=True)
        plotting.save_figure(axes[0].figure, f"{args.out}/digits_history.png", dpi=80)
