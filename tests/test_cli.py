"""The command line: `gradkit explain` (and `python -m gradkit explain`).

Oracles: torch.gradient / numpy.gradient for the numbers; the error cases
check the contract (non-zero exit, one line on stderr, no traceback).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from gradkit.cli import main

SEED = ["explain", "4", "1", "1", "16", "--coords", "-2", "-1", "1", "4"]
X = [-2.0, -1.0, 1.0, 4.0]
F = [4.0, 1.0, 1.0, 16.0]
TORCH_SEED = torch.gradient(torch.tensor(F), spacing=(torch.tensor(X),))[0].tolist()  # [-3, -2, 2, 5]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(*args, env_extra=None):
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "gradkit", *args], capture_output=True, text=True, env=env, timeout=120
    )


# ---------------------------------------------------------------------------
# The newcomer's command
# ---------------------------------------------------------------------------
def test_module_entry_point_seed_at_1():
    p = run_subprocess(*SEED, "--at", "1")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert out.startswith("f'(x[1]) ≈ -2: the first derivative at index 1, from 3 samples")
    assert "Scheme: central, 2nd-order accurate, non-uniform grid" in out
    assert "hl = x[1] - x[0] = -1 - (-2) = 1" in out
    assert "hr = x[2] - x[1] = 1 - (-1) = 2" in out
    assert "(1²·1 - 2²·4 + (2² - 1²)·1) / (1·2·3)" in out
    assert "= -12 / 6" in out
    assert "parabola" in out
    assert p.stderr == ""


def test_console_script():
    script = Path(sys.executable).with_name("gradkit")
    if not script.exists():
        pytest.skip("the gradkit console script is not installed next to this interpreter")
    p = subprocess.run([str(script), *SEED, "--at", "3", "--format", "json"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["result"] == pytest.approx(TORCH_SEED[3], rel=1e-14)


def test_subprocess_error_is_one_line():
    p = run_subprocess("explain", "4", "1", "x", "16")
    assert p.returncode != 0
    assert p.stdout == ""
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "'x'" in lines[0] and "not a number" in lines[0]


# ---------------------------------------------------------------------------
# Formats, in-process
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("at", [0, 1, 2, 3, -1])
def test_json_matches_torch(at, capsys):
    code, out, err = run(SEED + ["--at", str(at), "--format", "json"], capsys)
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["result"] == pytest.approx(TORCH_SEED[at], rel=1e-14)
    assert set(d) >= {"result", "weights", "offsets", "values", "scheme", "formula", "steps"}
    assert sum(w * v for w, v in zip(d["weights"], d["values"])) == pytest.approx(d["result"], rel=1e-12)
    assert len(d["offsets"]) == len(d["weights"]) == len(d["values"])


def test_markdown_and_latex(capsys):
    code, out, _ = run(SEED + ["--at", "1", "--format", "markdown"], capsys)
    assert code == 0
    assert out.startswith("**f'(x[1]) ≈ -2** — central")
    assert "| offset | index | x | f | weight | weight × f |" in out
    code, out, _ = run(SEED + ["--at", "1", "--format", "latex"], capsys)
    assert code == 0
    assert out.strip().startswith("\\begin{aligned}") and out.strip().endswith("\\end{aligned}")
    assert "h_l &= 1" in out


def test_all_points_plain_table(capsys):
    code, out, err = run(SEED + ["--plain"], capsys)  # --at all is the default
    assert code == 0 and err == ""
    rows = [line.split() for line in out.splitlines()]
    table = [r for r in rows if r and r[0] in {"0", "1", "2", "3"}]
    assert [r[0] for r in table] == ["0", "1", "2", "3"]
    results = [float(r[-1]) for r in table]
    np.testing.assert_allclose(results, TORCH_SEED, rtol=1e-14)
    assert "one-sided forward" in out and "one-sided backward" in out and "central" in out


def test_all_points_rich_table(capsys):
    pytest.importorskip("rich")
    code, out, _ = run(SEED + ["--at", "all"], capsys)
    assert code == 0
    assert "┃" in out or "|" in out  # a rich table
    for value in ("-3", "5", "2"):
        assert value in out
    assert "-1.9999999999999998" in out or "-2" in out


def test_all_points_json_and_markdown(capsys):
    code, out, _ = run(SEED + ["--format", "json"], capsys)
    assert code == 0
    points = json.loads(out)
    np.testing.assert_allclose([p["result"] for p in points], TORCH_SEED, rtol=1e-14)
    code, out, _ = run(SEED + ["--format", "markdown"], capsys)
    assert code == 0 and out.count("\n| ") == 5  # header + 4 points
    code, out, _ = run(SEED + ["--format", "latex"], capsys)
    assert code == 0 and "\\begin{tabular}" in out


def test_spacing_order_accuracy(capsys):
    vals = [str(v) for v in (np.arange(9.0) * 0.5) ** 3]
    code, out, _ = run(["explain", *vals, "--spacing", "0.5", "--order", "2", "--at", "4", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["result"] == pytest.approx(6 * 2.0, rel=1e-12)  # f'' = 6x at x = 2
    code, out, _ = run(["explain", *vals, "--spacing", "0.5", "--accuracy", "4", "--at", "0",
                        "--format", "json"], capsys)
    d = json.loads(out)
    assert len(d["offsets"]) == 5  # edge_order defaults to the accuracy
    assert d["result"] == pytest.approx(0.0, abs=1e-12)  # exact for a cubic: 3x**2 at x = 0
    code, out, _ = run(["explain", *vals, "--spacing", "0.5", "--edge-order", "2", "--at", "8",
                        "--format", "json"], capsys)
    d = json.loads(out)
    ref = np.gradient((np.arange(9.0) * 0.5) ** 3, 0.5, edge_order=2)
    assert d["result"] == pytest.approx(ref[8], rel=1e-12)


def test_periodic(capsys):
    f = np.sin(np.arange(8) * 2 * np.pi / 8)
    code, out, _ = run(["explain", *map(repr, f.tolist()), "--boundary", "periodic", "--at", "0",
                        "--spacing", repr(2 * np.pi / 8), "--format", "json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert d["indices"] == [7, 1]
    assert d["result"] == pytest.approx(np.sin(2 * np.pi / 8) / (2 * np.pi / 8), rel=1e-12)
    code, _, _ = run(["explain", "1", "2", "0", "--coords", "0", "1", "2.5", "--boundary", "periodic",
                      "--period", "4", "--at", "0"], capsys)
    assert code == 0


def test_negative_numbers_everywhere(capsys):
    code, out, err = run(["explain", "-3", "-1e-3", "2", "-.5", "--coords", "-2", "-1e0", "1", "4",
                          "--at", "-3", "--format", "json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["index"] == 1
    ref = np.gradient(np.array([-3, -1e-3, 2, -0.5]), np.array([-2.0, -1.0, 1.0, 4.0]))
    assert d["result"] == pytest.approx(ref[1], rel=1e-12)


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def test_files(tmp_path, capsys):
    csv = tmp_path / "f.csv"
    csv.write_text("f\n4\n1\n1\n16\n")
    code, out, _ = run(["explain", "--file", str(csv), "--coords", *map(str, X), "--at", "1", "--format", "json"],
                       capsys)
    assert code == 0 and json.loads(out)["result"] == pytest.approx(-2.0, rel=1e-14)
    table = tmp_path / "xf.csv"
    table.write_text("x,f\n-2,4\n-1,1\n1,1\n4,16\n")
    code, out, _ = run(["explain", "--file", str(table), "--xcol", "0", "--ycol", "1", "--at", "2",
                        "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["result"] == pytest.approx(TORCH_SEED[2], rel=1e-14)
    txt = tmp_path / "f.txt"
    txt.write_text("4 1 1 16\n")
    code, out, _ = run(["explain", "--file", str(txt), "--at", "0", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["result"] == -3.0
    grid = np.arange(20.0).reshape(4, 5) ** 2
    npy = tmp_path / "g.npy"
    np.save(npy, grid)
    code, out, _ = run(["explain", "--file", str(npy), "--axis", "1", "--at", "2,3", "--format", "json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert d["index"] == [2, 3] and d["axis"] == 1
    assert d["result"] == pytest.approx(np.gradient(grid, axis=1)[2, 3], rel=1e-14)


def test_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    import matplotlib.image as mpimg

    png = tmp_path / "seed.png"
    code, out, err = run(SEED + ["--at", "1", "--plot", str(png)], capsys)
    assert code == 0
    assert str(png) in err and "Traceback" not in err
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    img = mpimg.imread(png)
    assert img.ndim == 3 and 500 < img.shape[0] < 1500 and 800 < img.shape[1] < 2000
    assert img.std() > 0.05


# ---------------------------------------------------------------------------
# Errors: exit != 0, exactly one line on stderr, no traceback
# ---------------------------------------------------------------------------
ERRORS = {
    "non-numeric value": (["explain", "4", "1", "abc", "16"], "not a number"),
    "too few points": (["explain", "4"], "needs at least 2 samples"),
    "too few for accuracy": (["explain", "1", "2", "3", "--accuracy", "4"], "needs at least"),
    "mismatched coords": (["explain", "4", "1", "1", "16", "--coords", "1", "2", "3"], "--coords has 3 values"),
    "repeated coords": (["explain", "4", "1", "1", "16", "--coords", "1", "1", "2", "3"], "--coords must hold distinct"),
    "bad --at": (SEED + ["--at", "one"], "--at must be"),
    "--at out of range": (SEED + ["--at", "9"], "--at 9 is out of range: 4 samples, expected -4..3"),
    "--at wrong arity": (SEED + ["--at", "1,2"], "--at 1,2 gives 2 indices"),
    "no values": (["explain"], "no samples given"),
    "values and file": (["explain", "1", "2", "--file", "x.csv"], "not both"),
    "missing file": (["explain", "--file", "/nonexistent/dir/data.csv"], "cannot read"),
    "coords and spacing": (SEED + ["--spacing", "2"], "not allowed with"),
    "zero spacing": (["explain", "1", "2", "3", "--spacing", "0"], "non-zero"),
    "bad spacing": (["explain", "1", "2", "3", "--spacing", "wide"], "not a number"),
    "bad order": (SEED + ["--order", "x"], "invalid int value"),
    "negative order": (SEED + ["--order", "-1"], "non-negative"),
    "bad boundary": (SEED + ["--boundary", "reflect"], "invalid choice"),
    "unknown option": (SEED + ["--bogus"], "unknown option --bogus for gradkit explain"),
    "plot all": (SEED + ["--plot", "x.png"], "--plot draws one point"),
    "periodic needs period": (SEED + ["--boundary", "periodic"], "needs --period"),
    "no command": ([], "required"),
    "2-D without axis": (None, "--axis"),
    "bad column": (None, "--ycol 5 is out of range"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_are_one_clear_line(case, capsys, tmp_path):
    argv, expected = ERRORS[case]
    if case == "2-D without axis":
        np.save(tmp_path / "g.npy", np.zeros((3, 4)))
        argv = ["explain", "--file", str(tmp_path / "g.npy"), "--at", "1,1"]
    if case == "bad column":
        (tmp_path / "t.csv").write_text("1,2\n3,4\n5,6\n")
        argv = ["explain", "--file", str(tmp_path / "t.csv"), "--ycol", "5"]
    code, out, err = run(argv, capsys)
    assert_one_clear_line(code, out, err, expected)


def assert_one_clear_line(code, out, err, expected):
    """Bad input: exit 1 or 2 (never 3, the internal error), one line on stderr saying what is wrong."""
    assert code in (1, 2), (code, err)
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gradkit")
    assert expected in lines[0], lines[0]


def _npy_bytes(a):
    import io

    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


GOOD_NPY = _npy_bytes(np.arange(10.0))
BAD_FILES = {  # name: (file name, content, expected words)
    "empty .npy": ("e.npy", b"", "--file"),
    "not a .npy": ("t.npy", b"4 1 1 16\n", "is not a .npy file"),
    "truncated .npy header": ("h.npy", GOOD_NPY[:40], "corrupted .npy file"),
    "truncated .npy data": ("d.npy", GOOD_NPY[:-8], "corrupted .npy file"),
    "damaged .npy header": ("k.npy", GOOD_NPY.replace(b"(10,), }", b"(10,),  "), "corrupted .npy file"),
    "unparsable .npy header": ("p.npy", GOOD_NPY.replace(b"'descr':", b"'descr'="), "corrupted .npy file"),
    "magic only": ("m.npy", GOOD_NPY[:6], "corrupted .npy file"),
    "empty csv": ("e.csv", b"", "is empty: it holds no data lines"),
    "blank csv": ("b.csv", b"\n\n", "is empty: it holds no data lines"),
    "header-only csv": ("h.csv", b"x,f\n", "--file"),
    "non-numeric cell": ("n.csv", b"1,2\n3,x\n", "line 2, column 1 holds 'x', which is not a number"),
    "ragged csv": ("r.csv", b"1,2\n3\n", "line 2 has 1 cell, but the lines before it have 2"),
    "binary csv": ("z.csv", bytes(range(256)), "it is not UTF-8 text"),
    "string .npy": ("s.npy", _npy_bytes(np.array(["a", "b"])), "expected numbers"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_one_clear_line(case, capsys, tmp_path):
    """Empty, damaged and non-numeric files: a data error naming --file, never 'internal error'."""
    name, content, expected = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(["explain", "--file", str(path), "--at", "0"], capsys)
    assert_one_clear_line(code, out, err, expected)
    assert f"--file {str(path)!r}" in err


def test_ragged_csv_is_not_read_as_header(capsys, tmp_path):
    """A numeric first row is data: a bad later row must not make the first row a 'header'."""
    path = tmp_path / "r.txt"
    path.write_text("4 1\n1 16 9 25\n")  # was read as the samples 1 16 9 25, the first row dropped
    code, out, err = run(["explain", "--file", str(path), "--at", "0"], capsys)
    assert_one_clear_line(code, out, err, "line 2 has 4 cells, but the lines before it have 2")
    path = tmp_path / "r.csv"
    path.write_text("x,f\n0,1\n1,3\n2,9\n")  # a real header still works
    code, out, _ = run(["explain", "--file", str(path), "--xcol", "0", "--ycol", "1", "--at", "0",
                        "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["result"] == 2.0


FLAG_ERRORS = {  # the message names the command's flags, not the library's arguments
    "at": (["1", "2", "4", "--at", "7"], "--at 7 is out of range: 3 samples, expected -3..2"),
    "at negative": (["1", "2", "4", "--at", "-4"], "--at -4 is out of range: 3 samples, expected -3..2"),
    "at huge": (["1", "2", "4", "--at", "99999999999999999999"], "--at 99999999999999999999 is out of range"),
    "order": (["1", "2", "4", "--order", "-1"], "--order must be a non-negative integer"),
    "accuracy": (["1", "2", "4", "--accuracy", "0"], "--accuracy must be a positive integer"),
    "edge-order": (["1", "2", "4", "--edge-order", "0"], "--edge-order must be a positive integer"),
    "edge-order too big": (["1", "2", "--edge-order", "3"], "with --edge-order 3 needs at least 4 samples"),
    "default edge order": (["1", "2", "4", "--accuracy", "6", "--at", "0"], "(the --edge-order default)"),
    "spacing": (["1", "2", "4", "--spacing", "0"], "--spacing must be non-zero"),
    "spacing nan": (["1", "2", "4", "--spacing", "nan"], "--spacing must be finite"),
    "coords": (["1", "2", "4", "--coords", "0", "x", "2"], "--coords value at index 1 is 'x'"),
    "coords count": (["1", "2", "4", "--coords", "0", "1"], "--coords has 2 values but there are 3 samples"),
    "coords too many": (["1", "2", "4", "--coords", "0", "1", "2", "3"], "--coords has 4 values"),
    "period zero": (["1", "2", "4", "--boundary", "periodic", "--period", "0"], "--period must be non-zero"),
    "period unused": (["1", "2", "4", "--period", "3"], "--period is only used with --boundary periodic"),
    "period mismatch": (["1", "2", "4", "--boundary", "periodic", "--period", "5"], "--period 5.0 does not match"),
    "axis": (["1", "2", "4", "--axis", "3", "--at", "0"], "--axis 3 is out of range"),
    "too few": (["1", "--at", "0"], "there is 1 sample, but a derivative of order 1"),
    "periodic accuracy": (["1", "2", "--boundary", "periodic", "--accuracy", "4", "--at", "0"],
                          "with --accuracy 4 needs at least 5 samples"),
}


@pytest.mark.parametrize("case", sorted(FLAG_ERRORS))
def test_errors_name_the_flags(case, capsys):
    argv, expected = FLAG_ERRORS[case]
    code, out, err = run(["explain", *argv], capsys)
    assert_one_clear_line(code, out, err, expected)
    assert not re.search(r"\b(edge_order|period|axis|boundary)=", err)


def test_at_out_of_range_nd_and_same_columns(capsys, tmp_path):
    np.save(tmp_path / "g.npy", np.zeros((3, 4)))
    code, out, err = run(["explain", "--file", str(tmp_path / "g.npy"), "--axis", "1", "--at", "0,9"], capsys)
    assert_one_clear_line(code, out, err, "--at 0,9 is out of range: axis 1 has 4 samples, expected -4..3")
    (tmp_path / "t.csv").write_text("1,2\n3,4\n5,6\n")
    code, out, err = run(["explain", "--file", str(tmp_path / "t.csv"), "--xcol", "0", "--ycol", "0"], capsys)
    assert_one_clear_line(code, out, err, "--xcol 0 and --ycol 0 are the same column")


def test_subprocess_bad_npy_and_at(tmp_path):
    """The reported commands, end to end: exit 1 and one line, not exit 3 ('internal error')."""
    (tmp_path / "empty.npy").write_bytes(b"")
    for args in (["explain", "1", "2", "4", "--at", "7"], ["explain", "--file", str(tmp_path / "empty.npy")]):
        p = run_subprocess(*args)
        assert p.returncode == 1, p.stderr
        assert len(p.stderr.strip().splitlines()) == 1 and "internal error" not in p.stderr


def test_success_prints_nothing_on_stderr():
    """Overflow shows as inf/nan in the output, not as warnings on stderr: a
    subnormal uniform step gives the slope 1e320, beyond the range (inf is its
    correct rounding)."""
    p = run_subprocess("explain", "1", "2", "3", "--coords", "0", "1e-320", "2e-320", "--at", "1")
    assert p.returncode == 0 and p.stderr == "" and "inf" in p.stdout
    for argv in (["1e308", "-1e308", "1e308", "--at", "1"],):
        p = run_subprocess("explain", *argv)
        assert p.returncode == 0 and p.stderr == "" and p.stdout


def test_help_and_version(capsys):
    code, out, _ = run(["explain", "--help"], capsys)
    assert code == 0 and "--coords" in out and "--at" in out and "examples:" in out
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.startswith("gradkit ")


def test_demo_shows_explain(capsys, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import tempfile

    from gradkit import demo

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    demo.main()
    out, err = capsys.readouterr()
    assert "$ gradkit explain 4 1 1 16 --coords -2 -1 1 4 --at 1" in out
    assert "hl = x[1] - x[0] = -1 - (-2) = 1" in out
    png = tmp_path / "gradkit-demo" / "seed_explain.png"
    assert str(png) in out
    assert png.read_bytes()[:8] == PNG_SIGNATURE


# ---------------------------------------------------------------------------
# Findings of a new user (issue 15, item 2)
# ---------------------------------------------------------------------------
def test_plot_reports_the_file_it_wrote(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    bare = tmp_path / "point"  # no extension: matplotlib writes point.png
    code, _, err = run(SEED + ["--at", "1", "--plot", str(bare)], capsys)
    assert code == 0, err
    written = tmp_path / "point.png"
    assert err.strip() == f"plot written to {written}"
    assert written.read_bytes()[:8] == PNG_SIGNATURE and not bare.exists()


@pytest.mark.parametrize("target, expected", [
    ("DIR", "is a directory; give a file name"),
    ("DIR/missing/p.png", "does not exist"),
    ("DIR/p.xyz", "cannot draw .xyz files"),
])
def test_plot_refuses_what_it_cannot_write(target, expected, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = target.replace("DIR", str(tmp_path))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, out, err = run(SEED + ["--at", "1", "--plot", path], capsys)
    assert_one_clear_line(code, out, err, expected)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written, nothing else either


def test_rich_table_title_keeps_square_brackets(capsys):
    pytest.importorskip("rich")
    for order, title in ((1, "f'(x[i]) at every point"), (2, "f''(x[i]) at every point")):
        code, out, err = run(SEED + ["--order", str(order)] + (["--accuracy", "1"] if order == 2 else []), capsys)
        assert code == 0, err
        assert out.splitlines()[0].startswith(title), out.splitlines()[0]


@pytest.mark.parametrize("name, content, expected", [
    ("t.csv", "x,f\n0,1\n1,2\n2,zz\n3,4\n", "line 4, column 'f' (1) holds 'zz', which is not a number"),
    ("t.txt", "# units: s, K\nx f\n0 1\n1 oops\n", "line 4, column 'f' (1) holds 'oops', which is not a number"),
    ("t.csv", "0,1\n1,\n", "line 2, column 1 holds an empty cell"),
    ("t.csv", "x,f\n0,1\n1,2,3\n", "line 3 has 3 cells, but the lines before it have 2"),
])
def test_csv_errors_blame_the_bad_cell_not_the_header(name, content, expected, tmp_path, capsys):
    path = tmp_path / name
    path.write_text(content)
    code, out, err = run(["explain", "--file", str(path), "--xcol", "0", "--ycol", "1", "--at", "0"], capsys)
    assert_one_clear_line(code, out, err, expected)
    assert "header" not in err


def test_indexes_count_from_zero_in_every_message(capsys):
    """Sample positions are indexes counted from 0 everywhere, like --at: the
    bad value, repeated and non-finite coordinates, --at out of range."""
    cases = [
        (["explain", "1", "2", "abc"], "value at index 2 is 'abc'"),
        (["explain", "1", "2", "4", "--coords", "0", "1", "1"], "entries 1 and 2 are both 1.0"),
        (["explain", "1", "2", "4", "--coords", "0", "x", "2"], "--coords value at index 1 is 'x'"),
        (["explain", "1", "2", "4", "--coords", "0", "1", "nan"], "coordinate 2 is nan"),
        (["explain", "1", "2", "4", "--at", "3"], "expected -3..2"),
    ]
    for argv, expected in cases:
        code, out, err = run(argv, capsys)
        assert_one_clear_line(code, out, err, expected)


def test_periodic_refuses_edge_order_in_the_cli_and_the_api(capsys):
    code, out, err = run(SEED[:5] + ["--boundary", "periodic", "--edge-order", "2", "--at", "1"], capsys)
    assert_one_clear_line(code, out, err, "--edge-order 2 has no meaning with --boundary periodic")
    assert "edge_order" not in err
    f = np.arange(8.0) ** 2
    import gradkit

    for call in (
        lambda: gradkit.gradient(f, boundary="periodic", edge_order=2),
        lambda: gradkit.derivative(f, boundary="periodic", edge_order=2),
        lambda: gradkit.explain(f, 1, boundary="periodic", edge_order=2),
    ):
        with pytest.raises(ValueError, match="edge_order=2 has no meaning with boundary='periodic'"):
            call()


@pytest.mark.parametrize("command, argv", [
    ("explain", SEED + ["--bogus"]),
    ("explain", SEED + ["--bogus=3"]),
    ("compute", ["compute", "data.csv", "--bogus"]),
])
def test_unknown_flag_names_the_flag_and_the_subcommand(command, argv, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert_one_clear_line(code, out, err, f"gradkit {command}: error: unknown option --bogus for gradkit {command}")
