"""`gradkit compute`: data files in, derivative columns out.

Oracles: gradkit.derivative / gradkit.smooth_derivative on the whole column
(the values read back must be equal, bit for bit) and numpy.gradient; the
error cases check the contract (non-zero exit, one line on stderr, no
traceback, the input file untouched, no output file left behind).
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

import gradkit
from gradkit.cli import main

RNG = np.random.default_rng(20240615)
N = 60
X = np.sort(RNG.uniform(0.0, 6.0, N))  # non-uniform, distinct
Y = np.sin(X) + 0.1 * X**2
Z = np.exp(-X)


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_csv(path: Path, header, columns, delimiter=",", fmt=repr) -> Path:
    lines = [] if header is None else [delimiter.join(header)]
    lines += [delimiter.join(fmt(v) for v in row) for row in zip(*[c.tolist() for c in columns])]
    path.write_text("\n".join(lines) + "\n")
    return path


def read_table(path_or_text, delimiter=",", header=True):
    text = Path(path_or_text).read_text() if isinstance(path_or_text, Path) else path_or_text
    lines = text.splitlines()
    names = lines[0].split(delimiter) if header else None
    data = np.loadtxt(lines[1:] if header else lines, delimiter=None if delimiter == " " else delimiter, ndmin=2,
                      quotechar='"', comments="#")
    return names, data


@pytest.fixture
def xy_csv(tmp_path):
    return write_csv(tmp_path / "data.csv", ["time", "temp", "rate"], [X, Y, Z])


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------
def test_csv_in_csv_out_equals_derivative(xy_csv, tmp_path, capsys):
    out = tmp_path / "out.csv"
    code, stdout, err = run(["compute", xy_csv, "--x", "time", "--y", "temp", "--y", "rate", "-o", out], capsys)
    assert code == 0, err
    assert stdout == "" and err == ""
    names, data = read_table(out)
    assert names == ["time", "temp", "rate", "temp_d1", "rate_d1"]
    assert_array_equal(data[:, 0], X)  # input cells written through unchanged
    assert_array_equal(data[:, 3], gradkit.derivative(Y, spacing=X))
    assert_array_equal(data[:, 4], gradkit.derivative(Z, spacing=X))


def test_defaults_first_column_is_x_and_every_other_is_differentiated(xy_csv, capsys):
    code, out, err = run(["compute", xy_csv], capsys)
    assert code == 0, err
    names, data = read_table(out)
    assert names[-2:] == ["temp_d1", "rate_d1"]
    assert_array_equal(data[:, 3], gradkit.derivative(Y, spacing=X))


def test_every_derivative_option_matches_the_library(xy_csv, capsys):
    code, out, err = run(["compute", xy_csv, "--x", "0", "--y", "1", "--order", "2", "--accuracy", "4",
                          "--edge-order", "3", "--suffix", "_second"], capsys)
    assert code == 0, err
    names, data = read_table(out)
    assert names[-1] == "temp_second"
    assert_array_equal(data[:, -1], gradkit.derivative(Y, 2, spacing=X, accuracy=4, edge_order=3))


def test_periodic_with_period(tmp_path, capsys):
    t = np.sort(RNG.uniform(0, 2 * np.pi, 40))
    f = np.cos(3 * t)
    path = write_csv(tmp_path / "p.csv", ["t", "f"], [t, f])
    code, out, err = run(["compute", path, "--boundary", "periodic", "--period", repr(2 * np.pi),
                          "--accuracy", "4"], capsys)
    assert code == 0, err
    _, data = read_table(out)
    assert_array_equal(data[:, -1], gradkit.derivative(f, spacing=t, accuracy=4, boundary="periodic",
                                                       period=2 * np.pi))


def test_uniform_spacing_without_x_matches_numpy_gradient(tmp_path, capsys):
    path = write_csv(tmp_path / "one.csv", ["v"], [Y])
    code, out, err = run(["compute", path, "--spacing", "0.25", "--edge-order", "1"], capsys)
    assert code == 0, err
    _, data = read_table(out)
    np.testing.assert_allclose(data[:, 1], np.gradient(Y, 0.25), rtol=1e-12, atol=0)
    assert_array_equal(data[:, 1], gradkit.derivative(Y, spacing=0.25, edge_order=1))


def test_tsv_whitespace_quotes_comments_and_no_header(tmp_path, capsys):
    rows = ["# measured on the bench", ""]
    rows += [f'"{a!r}"\t{b!r}  # ok' if k == 3 else f"{a!r}\t{b!r}" for k, (a, b) in enumerate(zip(X.tolist(), Y.tolist()))]
    path = tmp_path / "d.tsv"
    path.write_text("\n".join(rows) + "\n")
    code, out, err = run(["compute", path, "--x", "0", "--y", "1"], capsys)
    assert code == 0, err
    _, data = read_table(out, "\t", header=False)
    assert data.shape == (N, 3)
    assert_array_equal(data[:, 2], gradkit.derivative(Y, spacing=X))
    # whitespace-separated, output as CSV
    path2 = tmp_path / "d.txt"
    path2.write_text("\n".join(f"  {a!r}   {b!r}" for a, b in zip(X.tolist(), Y.tolist())) + "\n")
    code, out, err = run(["compute", path2, "--format", "csv"], capsys)
    assert code == 0, err
    _, data = read_table(out, ",", header=False)
    assert_array_equal(data[:, 2], gradkit.derivative(Y, spacing=X))


def test_delimiter_flag(tmp_path, capsys):
    path = write_csv(tmp_path / "semi.txt", ["x", "y"], [X, Y], delimiter=";")
    code, out, err = run(["compute", path, "--delimiter", ";"], capsys)
    assert code == 0, err
    names, data = read_table(out, " ")  # .txt input: whitespace output
    assert_array_equal(data[:, -1], gradkit.derivative(Y, spacing=X))


def test_standard_input_to_standard_output(monkeypatch, capsys):
    text = "x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(X.tolist(), Y.tolist()))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, out, err = run(["compute", "-", "--chunk-size", "7"], capsys)
    assert code == 0, err
    _, data = read_table(out)
    assert_array_equal(data[:, 2], gradkit.derivative(Y, spacing=X))


def test_module_entry_point(xy_csv):
    p = subprocess.run([sys.executable, "-m", "gradkit", "compute", str(xy_csv), "--y", "temp"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    _, data = read_table(p.stdout)
    assert_array_equal(data[:, -1], gradkit.derivative(Y, spacing=X))


def test_npy_column_and_table(tmp_path, capsys):
    np.save(tmp_path / "col.npy", Y)
    code, out, err = run(["compute", tmp_path / "col.npy", "--spacing", "0.5", "-o", tmp_path / "d.npy"], capsys)
    assert code == 0, err
    got = np.load(tmp_path / "d.npy")
    assert got.shape == (N, 2)
    assert_array_equal(got[:, 0], Y)
    assert_array_equal(got[:, 1], gradkit.derivative(Y, spacing=0.5))
    np.save(tmp_path / "tab.npy", np.column_stack([X, Y, Z]))
    code, out, err = run(["compute", tmp_path / "tab.npy", "--x", "0", "--y", "2", "--order", "2"], capsys)
    assert code == 0, err
    _, data = read_table(out, header=False)
    assert_array_equal(data[:, 3], gradkit.derivative(Z, 2, spacing=X))


def test_npz_columns_by_key_name_and_key_flag(tmp_path, capsys):
    np.savez(tmp_path / "d.npz", time=X, temp=Y)
    code, out, err = run(["compute", tmp_path / "d.npz", "--x", "time", "--y", "temp", "-o", tmp_path / "o.npz"],
                         capsys)
    assert code == 0, err
    with np.load(tmp_path / "o.npz") as z:
        assert z.files == ["time", "temp", "temp_d1"]
        assert_array_equal(z["temp_d1"], gradkit.derivative(Y, spacing=X))
    np.savez(tmp_path / "k.npz", table=np.column_stack([X, Y]), other=np.arange(3))
    code, out, err = run(["compute", tmp_path / "k.npz", "--key", "table", "--format", "tsv"], capsys)
    assert code == 0, err
    _, data = read_table(out, "\t", header=False)
    assert_array_equal(data[:, 2], gradkit.derivative(Y, spacing=X))


def test_csv_to_npz(xy_csv, tmp_path, capsys):
    code, out, err = run(["compute", xy_csv, "--y", "rate", "-o", tmp_path / "o.npz"], capsys)
    assert code == 0, err
    with np.load(tmp_path / "o.npz") as z:
        assert z.files == ["time", "temp", "rate", "rate_d1"]
        assert_array_equal(z["time"], X)
        assert_array_equal(z["rate_d1"], gradkit.derivative(Z, spacing=X))


@pytest.mark.parametrize("fmt", ["parquet", "feather"])
def test_parquet_and_feather(fmt, tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    path = tmp_path / f"d.{fmt}"
    table = pa.table({"time": X, "temp": Y, "label": [f"s{k}" for k in range(N)]})
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    else:
        import pyarrow.feather as feather

        feather.write_feather(table, path)
    out = tmp_path / f"o.{fmt}"
    code, _, err = run(["compute", path, "--x", "time", "--y", "temp", "-o", out], capsys)
    assert code == 0, err
    import pyarrow.parquet as pq
    import pyarrow.feather as feather

    back = pq.read_table(out) if fmt == "parquet" else feather.read_table(out)
    assert back.column_names == ["time", "temp", "label", "temp_d1"]
    assert_array_equal(back.column("temp_d1").to_numpy(), gradkit.derivative(Y, spacing=X))
    code, stdout, err = run(["compute", path, "--x", "time", "--y", "temp"], capsys)
    assert code == 0, err
    assert stdout.splitlines()[1].split(",")[2] == "s0"


@pytest.mark.parametrize(
    "method, flags, params",
    [
        ("savgol", ["--window", "9", "--degree", "3"], {"window": 9, "degree": 3}),
        ("savgol", [], {}),
        ("spline", ["--lam", "0.01"], {"lam": 0.01}),
        ("tv", ["--alpha", "0.001"], {"alpha": 0.001}),
    ],
)
def test_smooth_methods_match_smooth_derivative(method, flags, params, xy_csv, capsys):
    code, out, err = run(["compute", xy_csv, "--y", "temp", "--smooth", method, *flags, "--chunk-size", "7"],
                         capsys)
    assert code == 0, err
    _, data = read_table(out)
    assert_array_equal(data[:, -1], gradkit.smooth_derivative(Y, spacing=X, method=method, **params))


# ---------------------------------------------------------------------------
# Streaming: the same bits for any chunk size
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "flags, kwargs",
    [
        ([], {}),
        (["--order", "2", "--accuracy", "4"], {"order": 2, "accuracy": 4}),
        (["--accuracy", "6", "--edge-order", "2"], {"accuracy": 6, "edge_order": 2}),
        (["--boundary", "periodic", "--period", "7.0", "--accuracy", "4"],
         {"boundary": "periodic", "period": 7.0, "accuracy": 4}),
        (["--order", "3", "--accuracy", "2"], {"order": 3}),
    ],
)
@pytest.mark.parametrize("uniform", [False, True])
def test_streaming_is_bit_identical_for_any_chunk_size(flags, kwargs, uniform, tmp_path, capsys):
    x = np.arange(N) * 0.1 if uniform else X
    kw = dict(kwargs)
    if uniform and "period" in kw:
        kw["period"] = N * 0.1
        flags = [f if f != "7.0" else repr(N * 0.1) for f in flags]
    order = kw.pop("order", 1)
    expected = gradkit.derivative(Y, order, spacing=x, **kw)
    path = write_csv(tmp_path / "s.csv", ["x", "y"], [x, Y])
    for size in (1, 3, 7, 50):
        code, out, err = run(["compute", path, *flags, "--chunk-size", size], capsys)
        assert code == 0, err
        _, data = read_table(out)
        assert_array_equal(data[:, 2], expected, err_msg=f"--chunk-size {size}")


def test_progress_bar_forced_does_not_change_the_output(xy_csv, tmp_path, capsys):
    out = tmp_path / "o.csv"
    code, _, err = run(["compute", xy_csv, "--progress", "--chunk-size", "5", "-o", out], capsys)
    assert code == 0, err
    _, data = read_table(out)
    assert_array_equal(data[:, 3], gradkit.derivative(Y, spacing=X))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(2, 40),
    order=st.integers(0, 3),
    accuracy=st.integers(1, 6),
    uniform=st.booleans(),
    chunk=st.integers(1, 45),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_random_columns(n, order, accuracy, uniform, chunk, seed, tmp_path_factory):
    rng = np.random.default_rng(seed)
    x = np.arange(n) * 0.5 - 3.0 if uniform else np.sort(rng.uniform(-5, 5, n))
    if not uniform and np.any(np.diff(x) == 0):
        return
    y = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4)
    path = write_csv(tmp_path_factory.mktemp("p") / "r.csv", ["x", "y"], [x, y])
    try:
        expected = gradkit.derivative(y, order, spacing=x, accuracy=accuracy)
    except ValueError:
        expected = None
    buf_out, buf_err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = buf_out, buf_err
    try:
        code = main(["compute", str(path), "--order", str(order), "--accuracy", str(accuracy),
                     "--chunk-size", str(chunk)])
    finally:
        sys.stdout, sys.stderr = old
    if expected is None:
        assert code == 1
        assert len(buf_err.getvalue().splitlines()) == 1 and "Traceback" not in buf_err.getvalue()
        return
    assert code == 0, buf_err.getvalue()
    _, data = read_table(buf_out.getvalue())
    assert_array_equal(data[:, 2], expected)


# ---------------------------------------------------------------------------
# Every bad input: one line, non-zero exit, no traceback
# ---------------------------------------------------------------------------
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path
    files = {
        "good": write_csv(d / "good.csv", ["time", "temp"], [X, Y]),
        "bad_cell": d / "bad.csv",
        "empty_cell": d / "emptycell.csv",
        "repeat": write_csv(d / "rep.csv", ["time", "temp"], [np.array([0.0, 1.0, 2.0, 1.0, 4.0]), np.ones(5)]),
        "empty": d / "empty.csv",
        "comments": d / "comments.csv",
        "header_only": d / "hdr.csv",
        "short_row": d / "short.csv",
        "binary": d / "blob.csv",
        "bad_npy": d / "bad.npy",
        "npz": d / "z.npz",
        "npz_ragged": d / "ragged.npz",
        "complex_npy": d / "c.npy",
        "cube_npy": d / "cube.npy",
        "dup_header": d / "dup.csv",
        "nan_x": d / "nanx.csv",
    }
    files["bad_cell"].write_text("time,temp\n0,1\n1,2\n2,oops\n3,4\n")
    files["empty_cell"].write_text("time,temp\n0,1\n1,\n2,3\n")
    files["empty"].write_text("")
    files["comments"].write_text("# only\n\n# comments\n")
    files["header_only"].write_text("time,temp\n")
    files["short_row"].write_text("time,temp\n0,1\n1\n2,3\n")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    files["bad_npy"].write_bytes(b"\x93NUMPY\x01\x00garbage")
    np.savez(files["npz"], time=X, temp=Y)
    np.savez(files["npz_ragged"], a=np.arange(3.0), b=np.arange(4.0))
    np.save(files["complex_npy"], Y + 1j)
    np.save(files["cube_npy"], np.zeros((2, 3, 4)))
    files["dup_header"].write_text("a,a\n1,2\n3,4\n")
    files["nan_x"].write_text("x,y\n0,1\n1,2\nnan,3\n3,4\n")
    return files


ERRORS = {
    "missing column": (["good", "--y", "pressure"], "--y 'pressure' is not a column; the columns are 'time', 'temp'"),
    "index out of range": (["good", "--x", "7"], "--x 7 is out of range: the input has 2 columns (0 to 1)"),
    "non-numeric cell": (["bad_cell"], "line 4, column 'temp' (1) holds 'oops', which is not a number"),
    "empty cell": (["empty_cell"], "line 3, column 'temp' (1) holds an empty cell"),
    "short row": (["short_row"], "line 3 has 1 cell, but column 'temp' (1) is needed"),
    "repeated coordinates": (["repeat"], "--x 'time' repeats the coordinate 1.0 (line 3 and line 5)"),
    "non-finite coordinate": (["nan_x"], "--x 'x' must be finite, but it is nan at line 4"),
    "empty file": (["empty"], "is empty: it holds no data lines"),
    "only comments": (["comments"], "is empty: it holds no data lines"),
    "header only": (["header_only"], "has a header row but no data rows"),
    "duplicate header": (["dup_header"], "names two columns 'a'"),
    "binary as text": (["binary"], "not UTF-8 text"),
    "corrupt npy": (["bad_npy"], "is not a readable .npy/.npz file"),
    "complex npy": (["complex_npy", "--spacing", "1"], "holds complex values"),
    "3-D npy": (["cube_npy"], "is 3-D with shape (2, 3, 4)"),
    "missing file": (["@nope.csv"], "No such file or directory"),
    "npz missing key": (["npz", "--key", "table"], "--key 'table' is not in"),
    "npz ragged": (["npz_ragged"], "its arrays have different lengths"),
    "key on text": (["good", "--key", "a"], "--key picks an array of a .npz file"),
    "order negative": (["good", "--order", "-1"], "--order must be a non-negative integer, got -1"),
    "order not int": (["good", "--order", "two"], "argument --order: invalid int value: 'two'"),
    "accuracy zero": (["good", "--accuracy", "0"], "--accuracy must be a positive integer"),
    "edge order zero": (["good", "--edge-order", "0"], "--edge-order must be a positive integer"),
    "periodic edge order": (["good", "--boundary", "periodic", "--period", "9", "--edge-order", "2"],
                            "--edge-order 2 has no meaning with --boundary periodic"),
    "period without periodic": (["good", "--period", "9"], "--period is only used with --boundary periodic"),
    "periodic needs period": (["good", "--boundary", "periodic"], "--boundary periodic with coordinates"),
    "period not a number": (["good", "--boundary", "periodic", "--period", "abc"], "--period must be a number"),
    "too few rows": (["good", "--order", "40", "--accuracy", "30"], "the input has 60 rows, but"),
    "bad boundary": (["good", "--boundary", "wrap"], "argument --boundary: invalid choice: 'wrap'"),
    "zero spacing": (["good", "--y", "temp", "--spacing", "0", "--x", "time"], "--x or a uniform --spacing, not both"),
    "zero step": (["good", "--y", "temp", "--spacing", "0"], "--spacing must be non-zero"),
    "chunk size": (["good", "--chunk-size", "0"], "--chunk-size must be a positive number of rows"),
    "window without savgol": (["good", "--window", "5"], "--window is a parameter of --smooth savgol"),
    "even window": (["good", "--smooth", "savgol", "--window", "4"], "--window must be odd"),
    "accuracy with smooth": (["good", "--smooth", "savgol", "--accuracy", "4"], "--accuracy sets a finite-difference"),
    "tv order": (["good", "--smooth", "tv", "--order", "2"], "--smooth tv gives first derivatives only"),
    "unknown flag": (["good", "--bogus"], "unknown option --bogus for gradkit compute"),
    "output is input": (["good", "-o", "@good.csv"], "is the input file"),
    "binary to stdout": (["good", "--format", "npy"], "--format npy is binary: give --output FILE"),
    "unknown output extension": (["good", "-o", "@out.xlsx"], "cannot tell the format from the extension"),
    "output folder missing": (["good", "-o", "@missing/out.csv"], "does not exist"),
    "same column twice": (["good", "--y", "temp", "--y", "1"], "--y temp is given twice"),
    "y is x": (["good", "--x", "time", "--y", "time"], "--y time is also --x"),
    "suffix clash": (["good", "--y", "temp", "--suffix", ""], "already a column"),
}


@pytest.mark.parametrize("argv, expected", list(ERRORS.values()), ids=list(ERRORS))
def test_errors_are_one_clear_line(argv, expected, tmp_path, capsys):
    files = _files(tmp_path)
    before = {name: _digest(p) for name, p in files.items() if p.exists()}
    args = []
    for a in argv:
        if a in files:
            args.append(files[a])
        elif a.startswith("@"):
            args.append(tmp_path / a[1:])
        else:
            args.append(a)
    code, out, err = run(["compute", *args], capsys)
    assert code in (1, 2), (code, err)
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gradkit compute: error: "), lines[0]
    assert expected in lines[0], lines[0]
    # Python argument names never show through
    assert "edge_order" not in lines[0] and "boundary=" not in lines[0] and "derivative:" not in lines[0]
    assert before == {name: _digest(p) for name, p in files.items() if p.exists()}  # inputs untouched
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []


def test_a_failed_run_leaves_no_output(tmp_path, capsys):
    files = _files(tmp_path)
    out = tmp_path / "o.csv"
    code, _, err = run(["compute", files["bad_cell"], "-o", out], capsys)
    assert code == 1 and "oops" in err
    assert not out.exists()
    assert list(tmp_path.glob(".o.csv*")) == []


def test_headerless_names_and_indexes(tmp_path, capsys):
    path = write_csv(tmp_path / "nh.csv", None, [X, Y])
    code, out, err = run(["compute", path, "--y", "temp"], capsys)
    assert code == 1
    assert "no header row, so pick columns by index (0 to 1)" in err
    code, out, err = run(["compute", path, "--y", "-1"], capsys)
    assert code == 0, err
    _, data = read_table(out, header=False)
    assert_array_equal(data[:, 2], gradkit.derivative(Y, spacing=X))


@pytest.mark.parametrize("sep", [" ", "\t", ","])
def test_standard_input_layout_is_sniffed_and_kept(sep, monkeypatch, capsys):
    text = "".join(f"{a!r}{sep}{b!r}\n" for a, b in zip(X.tolist(), Y.tolist()))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, out, err = run(["compute", "-", "--x", "0", "--y", "1"], capsys)
    assert code == 0, err
    assert out.splitlines()[0].count(sep) == 2
    _, data = read_table(out, sep, header=False)
    assert_array_equal(data[:, 2], gradkit.derivative(Y, spacing=X))
