"""The ONNX side of the export (imports onnx: reached only through neurosim.export)."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .plan import Plan

__all__ = ["IR_VERSION", "OPSET", "build"]

IR_VERSION = 8  # pinned: onnx's default stamps the newest, which older runtimes reject
OPSET = 17


class _Graph:
    """Nodes and constants, each named once."""

    def __init__(self) -> None:
        self.nodes, self.constants, self.count = [], [], 0

    def name(self, stem: str) -> str:
        self.count += 1
        return f"{stem}_{self.count}"

    def constant(self, value, dtype=np.float32) -> str:
        name = self.name("c")
        self.constants.append(
            numpy_helper.from_array(np.asarray(value, dtype=dtype), name)
        )
        return name

    def op(self, kind: str, *inputs: str, **attributes) -> str:
        out = self.name(kind.lower())
        self.nodes.append(helper.make_node(kind, list(inputs), [out], **attributes))
        return out

    def activation(self, name: str, x: str) -> str:
        if name == "identity":
            return self.op("Identity", x)
        if name in ("sigmoid", "tanh", "relu"):
            return self.op(
                {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}[name], x
            )
        if name in ("bipolar_sigmoid", "bipolar_sigmoid2"):  # scale · (2σ − 1)
            scale = 2.0 if name == "bipolar_sigmoid" else 4.0
            return self.op(
                "Sub",
                self.op("Mul", self.op("Sigmoid", x), self.constant(scale)),
                self.constant(scale / 2),
            )
        if name == "leaky_relu":
            return self.op("LeakyRelu", x, alpha=0.01)
        if name == "softplus":  # max(z, 0) + log(1 + e^−|z|): no overflow in float32
            tail = self.op("Exp", self.op("Neg", self.op("Abs", x)))
            return self.op(
                "Add",
                self.op("Relu", x),
                self.op("Log", self.op("Add", tail, self.constant(1.0))),
            )
        # step: 1 where z >= 0
        return self.op(
            "Cast",
            self.op("GreaterOrEqual", x, self.constant(0.0)),
            to=TensorProto.FLOAT,
        )


def build(the_plan: Plan, name: str) -> onnx.ModelProto:
    """The network as an ONNX model: input ``x`` (batch, inputs), output ``y`` (batch, outputs), float32."""
    graph = _Graph()
    values = "x"
    for level in the_plan.levels:
        weights = the_plan.values[level.weight_index]
        net = graph.op(
            "Add",
            graph.op("MatMul", values, graph.constant(weights)),
            graph.constant(the_plan.values[level.bias_index]),
        )
        outs = []
        for activation, start, stop in level.groups:
            part = graph.op(
                "Slice", net, graph.constant([start], np.int64), graph.constant([stop], np.int64),
                graph.constant([1], np.int64),
            )  # fmt: skip
            outs.append(graph.activation(activation, part))
        for _, activation, sources, indices, bias, aggregation in level.pools:
            chosen = graph.op(
                "Gather", values, graph.constant(sources, np.int64), axis=1
            )
            weighted = graph.op("Mul", chosen, graph.constant(the_plan.values[indices]))
            reduce = "ReduceProd" if aggregation == "product" else "ReduceMax"
            best = graph.op(reduce, weighted, axes=[1], keepdims=1)
            outs.append(
                graph.activation(
                    activation,
                    graph.op("Add", best, graph.constant([the_plan.values[bias]])),
                )
            )
        values = graph.op("Concat", values, *outs, axis=1)
    graph.nodes.append(
        helper.make_node(
            "Gather",
            [values, graph.constant(the_plan.outputs, np.int64)],
            ["y"],
            axis=1,
        )
    )
    model = helper.make_model(
        helper.make_graph(
            graph.nodes,
            name,
            [
                helper.make_tensor_value_info(
                    "x", TensorProto.FLOAT, ["batch", len(the_plan.inputs)]
                )
            ],
            [
                helper.make_tensor_value_info(
                    "y", TensorProto.FLOAT, ["batch", len(the_plan.outputs)]
                )
            ],
            graph.constants,
        ),
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="neurosim",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model
