"""Data loaders and helpers: digits, IDX files, MNIST folders, one-hot, splits."""

import gzip
import sys
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim import datasets

from .conftest import idx_bytes, write_fake_mnist

# ---------------------------------------------------------------- digits


def test_load_digits_scales_sklearns_0_to_16_pixels_to_0_to_1():
    X, y = datasets.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(X * 16, np.round(X * 16))  # whole 0..16 levels, divided by 16
    assert y.dtype.kind == "i" and sorted(set(y.tolist())) == list(range(10))


def test_load_digits_without_scikit_learn_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # import now fails
    with pytest.raises(
        ns.MissingDependencyError,
        match=r"'pip install scikit-learn'.*'pip install \"\.\[data\]\"'",
    ):
        datasets.load_digits()
    with pytest.raises(ImportError):  # still an ImportError for code that expects one
        datasets.load_digits()


# ---------------------------------------------------------------- IDX files

idx_arrays = st.sampled_from(["uint8", "int8", ">i2", ">i4", ">f4", ">f8"]).flatmap(
    lambda dtype: st.tuples(
        st.just(dtype), st.lists(st.integers(0, 4), min_size=1, max_size=3)
    )
)


@given(spec=idx_arrays, compressed=st.booleans())
def test_load_idx_reads_every_type_code_raw_and_gzipped(
    tmp_path_factory, spec, compressed
):
    dtype, shape = spec
    rng = np.random.default_rng(len(shape))
    values = rng.uniform(-100, 100, size=shape)
    array = (values if "f" in dtype else np.round(values) % 100).astype(dtype)
    data = idx_bytes(array)
    path = tmp_path_factory.mktemp("idx") / "data.idx"
    path.write_bytes(gzip.compress(data) if compressed else data)
    loaded = datasets.load_idx(path)
    assert loaded.shape == tuple(shape)
    assert loaded.dtype.isnative and loaded.dtype.kind == np.dtype(dtype).kind
    assert np.array_equal(loaded, array)


def test_load_idx_reads_bytes_written_by_hand(tmp_path):
    # type 0x0B (int16), 1 dimension of 2: 258 = 0x0102 and -2 = 0xFFFE, big-endian
    path = tmp_path / "hand.idx"
    path.write_bytes(bytes([0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE]))
    assert datasets.load_idx(path).tolist() == [258, -2]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"PK\x03\x04zipfile", "not an IDX file"),
        (bytes([0, 0, 0x07, 1, 0, 0, 0, 1, 5]), "not an IDX file"),  # unknown type code
        (bytes([0, 0, 0x08, 2, 0, 0, 0]), "ends inside its header"),
        (bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2]), "truncated"),  # 2 of 3 values
        (bytes([0, 0, 0x08, 1, 0, 0, 0, 1, 1, 2]), "has 10"),  # a trailing byte
        (b"\x1f\x8b\x08garbage", "cannot be decompressed"),
        (b"", "not an IDX file"),
    ],
)
def test_load_idx_rejects_malformed_files(tmp_path, data, match):
    path = tmp_path / "bad.idx"
    path.write_bytes(data)
    with pytest.raises(ns.FormatError, match=match):
        datasets.load_idx(path)


def test_load_idx_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(ns.DataNotFoundError, match="nowhere.idx"):
        datasets.load_idx(tmp_path / "nowhere.idx")


def test_load_idx_of_a_folder_is_the_same_clear_error_as_a_missing_file(tmp_path):
    with pytest.raises(ns.DataNotFoundError, match="no IDX file at .*directory"):
        datasets.load_idx(tmp_path)


def test_load_idx_turns_a_damaged_deflate_stream_into_a_format_error(tmp_path):
    stream = bytearray(gzip.compress(idx_bytes(np.arange(200, dtype=np.uint8))))
    # Damage the deflate data after the 10-byte gzip header: zlib.error, not OSError.
    stream[12:20] = bytes(b ^ 0xFF for b in stream[12:20])
    path = tmp_path / "damaged.gz"
    path.write_bytes(bytes(stream))
    with pytest.raises(ns.FormatError, match="cannot be decompressed"):
        datasets.load_idx(path)


@pytest.mark.parametrize("compressed", [False, True])
def test_load_idx_computes_sizes_without_wrapping_around(tmp_path, compressed):
    # 65536**4 wraps to 0 in int64: the 20-byte file must not pass for empty.
    data = bytes([0, 0, 0x08, 4]) + bytes([0, 1, 0, 0]) * 4
    path = tmp_path / "huge.idx"
    path.write_bytes(gzip.compress(data) if compressed else data)
    with pytest.raises(ns.FormatError, match=r"\(65536, 65536, 65536, 65536\)"):
        datasets.load_idx(path)


@pytest.mark.parametrize("ndim", [0, 65, 255])
def test_load_idx_rejects_impossible_dimension_counts(tmp_path, ndim):
    path = tmp_path / "dims.idx"
    path.write_bytes(bytes([0, 0, 0x08, ndim]) + bytes([0, 0, 0, 1]) * ndim + b"\x07")
    with pytest.raises(ns.FormatError, match=f"declares {ndim} dimensions"):
        datasets.load_idx(path)


def test_reading_a_gzip_bomb_stays_within_the_declared_size(tmp_path):
    # About 1 MB on disk that inflates to 1 GB, behind a header declaring 3 bytes.
    path = tmp_path / "bomb.gz"
    header = bytes([0, 0, 0x08, 1, 0, 0, 0, 3])
    with gzip.open(path, "wb", compresslevel=9) as file:
        file.write(header)
        zeros = bytes(1 << 24)
        for _ in range(64):
            file.write(zeros)
    assert path.stat().st_size > 500_000
    tracemalloc.start()
    try:
        with pytest.raises(ns.FormatError, match="goes on beyond"):
            datasets.load_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20


@settings(max_examples=2000)
@given(data=st.data())
def test_damaged_idx_files_load_or_raise_format_error_only(tmp_path_factory, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    shape = tuple(int(n) for n in rng.integers(1, 5, size=rng.integers(1, 4)))
    valid = idx_bytes(rng.integers(0, 256, size=shape).astype(np.uint8))
    compressed = data.draw(st.booleans())
    raw = bytearray(gzip.compress(valid) if compressed else valid)
    for _ in range(data.draw(st.integers(1, 4))):
        damage = data.draw(st.sampled_from(["flip", "truncate", "append", "dims"]))
        if damage == "flip" and raw:
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(
                st.integers(0, 255)
            )
        elif damage == "truncate":
            del raw[data.draw(st.integers(0, len(raw))) :]
        elif damage == "append":
            raw += bytes(data.draw(st.integers(1, 64)))
        elif damage == "dims" and not compressed and len(raw) >= 8:
            raw[3] = data.draw(st.integers(0, 255))
            raw[4:8] = data.draw(st.binary(min_size=4, max_size=4))
    path = tmp_path_factory.mktemp("idx") / ("damaged.gz" if compressed else "damaged")
    path.write_bytes(bytes(raw))
    try:
        array = datasets.load_idx(path)
    except ns.FormatError:
        return
    if not compressed:
        assert 4 + 4 * array.ndim + array.nbytes == len(raw)


# ---------------------------------------------------------------- MNIST folders


@pytest.mark.parametrize("gz", [True, False])
def test_load_mnist_flattens_and_scales_the_four_files(tmp_path, gz):
    write_fake_mnist(tmp_path, n_train=12, n_test=5, gz=gz)
    (X_train, y_train), (X_test, y_test) = datasets.load_mnist(tmp_path)
    assert X_train.shape == (12, 784) and X_test.shape == (5, 784)
    assert y_train.shape == (12,) and y_test.dtype == np.int64
    raw = datasets.load_idx(next(tmp_path.glob("train-images*")))
    assert np.array_equal(X_train * 255.0, raw.reshape(12, -1))


def test_load_mnist_lists_the_missing_files(tmp_path):
    write_fake_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(ns.DataNotFoundError) as caught:
        datasets.load_mnist(tmp_path)
    message = str(caught.value)
    assert "t10k-labels-idx1-ubyte[.gz]" in message and "train-images" not in message


def test_load_mnist_refuses_images_and_labels_of_different_lengths(tmp_path):
    write_fake_mnist(tmp_path, gz=False)
    labels = np.zeros(7, dtype=np.uint8)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(labels))
    with pytest.raises(ns.FormatError, match="train images"):
        datasets.load_mnist(tmp_path)


# ---------------------------------------------------------------- one-hot and splits


def test_one_hot_puts_a_single_one_in_each_label_column():
    targets = datasets.one_hot([3, 0, 3], n_classes=5)
    assert targets.shape == (3, 5)
    assert targets.sum(axis=1).tolist() == [1.0, 1.0, 1.0]
    assert targets.argmax(axis=1).tolist() == [3, 0, 3]
    assert datasets.one_hot(np.array([1.0, 0.0])).tolist() == [[0.0, 1.0], [1.0, 0.0]]


@pytest.mark.parametrize(
    ("labels", "n_classes", "error", "match"),
    [
        ([0, -1], None, ns.DataError, ">= 0"),
        ([0.5, 1.0], None, ns.DataError, "whole class numbers"),
        (["a", "b"], None, ns.DataError, "whole class numbers"),
        ([[0, 1]], None, ns.ShapeError, "1-D"),
        ([0, 4], 3, ns.DataError, "n_classes=3"),
        ([0, 1], 0, ns.ParameterError, "n_classes"),
    ],
)
def test_one_hot_rejects_bad_labels(labels, n_classes, error, match):
    with pytest.raises(error, match=match):
        datasets.one_hot(labels, n_classes)


@given(n=st.integers(2, 50), fraction=st.floats(0.01, 0.99), seed=st.integers(0, 100))
def test_train_test_split_partitions_the_rows(n, fraction, seed):
    X = np.arange(2 * n).reshape(n, 2)
    y = np.arange(n)
    if not 0 < int(np.ceil(fraction * n)) < n:
        with pytest.raises(ns.ParameterError, match="at least one sample"):
            datasets.train_test_split(X, y, test_size=fraction, seed=seed)
        return
    X_train, _, y_train, y_test = datasets.train_test_split(
        X, y, test_size=fraction, seed=seed
    )
    assert len(y_test) == int(np.ceil(fraction * n))
    assert sorted([*y_train.tolist(), *y_test.tolist()]) == list(range(n))
    assert np.array_equal(X_train[:, 0], 2 * y_train)  # rows stay together
    again = datasets.train_test_split(X, y, test_size=fraction, seed=seed)
    assert np.array_equal(again[3], y_test)


def test_train_test_split_shuffles_with_its_seed_only():
    y = np.arange(100)
    state = np.random.get_state()[1].copy()
    first = datasets.train_test_split(y, test_size=10, seed=1)[1]
    second = datasets.train_test_split(y, test_size=10, seed=2)[1]
    assert not np.array_equal(first, second)
    assert np.array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize(
    ("arrays", "test_size", "error"),
    [
        ((np.zeros((3, 2)), np.zeros(4)), 0.5, ns.ShapeError),
        ((np.zeros(4),), 1.5, ns.ParameterError),
        ((np.zeros(4),), 4, ns.ParameterError),
        ((np.zeros(4),), True, ns.ParameterError),
        ((), 0.5, ns.ParameterError),
    ],
)
def test_train_test_split_rejects_bad_arguments(arrays, test_size, error):
    with pytest.raises(error):
        datasets.train_test_split(*arrays, test_size=test_size)


# ---------------------------------------------------------------- the toy sets


@pytest.mark.parametrize("n", [2, 7, 100])
def test_moons_and_circles_without_noise_are_scikit_learns(n):
    from sklearn.datasets import make_circles, make_moons

    for ours, theirs in (
        (ns.datasets.moons(n, shuffle=False), make_moons(n, shuffle=False)),
        (ns.datasets.circles(n, factor=0.3, shuffle=False), make_circles(n, factor=0.3, shuffle=False)),
    ):  # fmt: skip
        np.testing.assert_array_equal(ours[0], theirs[0])
        np.testing.assert_array_equal(ours[1], theirs[1])


@pytest.mark.parametrize("make", ["moons", "circles", "spirals", "blobs"])
def test_toy_sets_are_seeded_shuffled_and_noisy_as_asked(make):
    generate = getattr(ns.datasets, make)
    state = np.random.get_state()[1].copy()
    a, b = generate(60, seed=3), generate(60, seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], generate(60, seed=4)[0])
    assert np.array_equal(
        np.random.get_state()[1], state
    )  # numpy's global state untouched
    assert a[0].shape == (60, 2) and a[1].dtype.kind == "i"
    assert np.bincount(a[1]).tolist() == ([20, 20, 20] if make == "blobs" else [30, 30])


def test_noise_is_gaussian_with_the_standard_deviation_asked():
    clean, _ = ns.datasets.moons(20_000, shuffle=False)
    noisy, _ = ns.datasets.moons(20_000, noise=0.3, seed=0, shuffle=False)
    assert np.std(noisy - clean) == pytest.approx(0.3, rel=0.02)


def test_spirals_follow_the_playgrounds_formula():
    X, _ = ns.datasets.spirals(8, shuffle=False)
    i = np.arange(4)
    r, t = 5 * i / 4, 1.75 * 2 * np.pi * i / 4
    np.testing.assert_allclose(
        X[:4], np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-15
    )
    np.testing.assert_allclose(
        X[4:],
        np.column_stack([r * np.sin(t + np.pi), r * np.cos(t + np.pi)]),
        atol=1e-15,
    )


def test_a_network_learns_the_moons():
    X, y = ns.datasets.moons(200, noise=0.1, seed=0)
    net = ns.Network.layered(
        [2, 8, 2], activation="tanh", output_activation="identity", seed=0
    )
    net.fit(
        X,
        y,
        loss="cross_entropy",
        epochs=200,
        lr=0.1,
        batch_size=10,
        seed=0,
        backend="vectorized",
    )
    assert net.score(X, y) > 0.95


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: ns.datasets.moons(1), "n_samples"),
        (lambda: ns.datasets.moons(10, noise=-1), "noise must be >= 0"),
        (lambda: ns.datasets.circles(10, factor=1.5), "factor"),
        (lambda: ns.datasets.blobs(10, centers=[]), "centers"),
    ],
)
def test_toy_sets_refuse_bad_settings(call, words):
    with pytest.raises(ns.NeurosimError, match=words):
        call()
