"""``gradkit compute``: differentiate the columns of a data file.

Reads a CSV/TSV/whitespace text table (or ``-``, standard input), a
``.npy``/``.npz`` file, or Parquet/Feather (with pyarrow), and writes the
table with one new column per ``--y``: its derivative along ``--x`` (or
with a uniform ``--spacing``), computed exactly as :func:`gradkit.derivative`
(or :func:`gradkit.smooth_derivative` with ``--smooth``) computes it on the
whole column. For example::

    gradkit compute data.csv --x time --y temp --accuracy 4 -o out.csv

Text input is read twice, in chunks: the first pass checks every number and
keeps the value columns in temporary files (the coordinates in memory, 8
bytes a row, which the arguments layer checks whole); the second
differentiates block by block with a halo of the stencil's reach
(:mod:`gradkit._stream`) and writes the input lines through with the new
cells appended. ``--smooth`` reads each value column whole (its window or
smoothing parameter is chosen from the whole column).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import sys
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from . import _io
from ._io import DataError
from ._stream import ColumnPlan, blocks
from .cli import EXIT_DATA, EXIT_USAGE, CommandError

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  gradkit compute data.csv                          (x is the first column, every other column is differentiated)
  gradkit compute data.csv --x time --y temp --y pressure -o rates.csv
  gradkit compute data.csv --x t --y v --order 2 --accuracy 4
  gradkit compute signal.npy --spacing 0.01 --boundary periodic -o dsignal.npy
  gradkit compute noisy.tsv --x 0 --y 1 --smooth savgol --window 21
  cat data.txt | gradkit compute - --x 0 --y 1 > out.txt
"""

_SMOOTH_PARAMS = {"window": "savgol", "degree": "savgol", "width": "savgol", "lam": "spline", "alpha": "tv"}


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``compute`` subcommand to ``gradkit``'s subparsers.

    Parameters
    ----------
    sub : argparse._SubParsersAction

    Returns
    -------
    argparse.ArgumentParser
    """
    p = sub.add_parser(
        "compute",
        help="differentiate the columns of a data file (CSV, TSV, text, .npy, .npz, Parquet, Feather)",
        description=(
            "Write the derivative of each --y column along --x as new columns, exactly as gradkit.derivative "
            "(or gradkit.smooth_derivative with --smooth) computes them on the whole column. Large text files "
            "are streamed in chunks."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="INPUT", help="the data file, or - for standard input (text)")
    cols = p.add_argument_group("columns")
    cols.add_argument("--x", metavar="COL", help="the coordinate column, by name or index (default: the first "
                      "column when there are two or more and --spacing is not given)")
    cols.add_argument("--y", metavar="COL", action="append", help="a column to differentiate, by name or index "
                      "(repeat for several; default: every column but --x)")
    cols.add_argument("--spacing", metavar="H", help="a uniform step instead of --x (default 1)")
    d = p.add_argument_group("derivative (gradkit.derivative)")
    d.add_argument("--order", type=int, default=1, help="derivative order (default 1)")
    d.add_argument("--accuracy", type=int, default=None, help="order of accuracy inside (default 2)")
    d.add_argument("--edge-order", type=int, default=None, help="order of accuracy at the edges (default: --accuracy)")
    d.add_argument("--boundary", choices=("one-sided", "periodic"), default="one-sided")
    d.add_argument("--period", metavar="P", help="the period, for --boundary periodic on non-uniform coordinates")
    s = p.add_argument_group("smoothing (gradkit.smooth_derivative; reads each column whole)")
    s.add_argument("--smooth", choices=("savgol", "spline", "tv"), help="differentiate noisy data with this method")
    s.add_argument("--window", type=int, metavar="N", help="savgol: window in samples (odd; default chosen by GCV)")
    s.add_argument("--degree", type=int, metavar="D", help="savgol: polynomial degree")
    s.add_argument("--width", metavar="W", help="savgol: window in coordinate units")
    s.add_argument("--lam", metavar="L", help="spline: smoothing parameter (default: GCV)")
    s.add_argument("--alpha", metavar="A", help="tv: regularisation (default: discrepancy principle)")
    io_ = p.add_argument_group("input and output")
    io_.add_argument("-o", "--output", metavar="PATH", help="write here (default: standard output, as text)")
    io_.add_argument("--format", choices=_io.FORMATS, help="output format (default: from --output's extension, "
                     "else the input's text format)")
    io_.add_argument("--input-format", choices=_io.FORMATS, help="input format (default: from the extension, "
                     "else from the first bytes)")
    io_.add_argument("--delimiter", metavar="D", help="text field separator (default: from the format; "
                     "'\\t' or tab for a tab, whitespace for runs of blanks)")
    hdr = io_.add_mutually_exclusive_group()
    hdr.add_argument("--header", dest="header", action="store_true", default=None,
                     help="the first line names the columns (default: when it is not all numbers)")
    hdr.add_argument("--no-header", dest="header", action="store_false", help="the first line is data")
    io_.add_argument("--key", metavar="KEY", help=".npz: the array holding the table (default: each array is a column)")
    io_.add_argument("--suffix", default="_d{order}", help="new column name = column name + this; {order} is the "
                     "derivative order (default _d{order})")
    io_.add_argument("--chunk-size", type=int, default=1 << 16, metavar="ROWS",
                     help="rows per block when streaming (default 65536)")
    prog = io_.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None,
                      help="show a progress bar (default: on a terminal, for large inputs)")
    prog.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    return p


# ---------------------------------------------------------------------------
# Flag checks
# ---------------------------------------------------------------------------
def _float_flag(text: str | None, flag: str) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise CommandError(f"{flag} must be a number, got {text!r}", EXIT_USAGE) from None


def _check_flags(args: argparse.Namespace) -> None:
    if args.chunk_size < 1:
        raise CommandError(f"--chunk-size must be a positive number of rows, got {args.chunk_size}", EXIT_USAGE)
    if args.x is not None and args.spacing is not None:
        raise CommandError("give the coordinates with --x or a uniform --spacing, not both", EXIT_USAGE)
    for name, method in _SMOOTH_PARAMS.items():
        if getattr(args, name) is not None and args.smooth != method:
            raise CommandError(f"--{name} is a parameter of --smooth {method}"
                               + (f", not of --smooth {args.smooth}" if args.smooth else ""), EXIT_USAGE)
    if args.smooth is not None:
        for flag, value in (("--accuracy", args.accuracy), ("--edge-order", args.edge_order)):
            if value is not None:
                raise CommandError(f"{flag} sets a finite-difference stencil; --smooth {args.smooth} does not use "
                                   "one (savgol takes --window and --degree)", EXIT_USAGE)
        if args.smooth != "savgol" and (args.boundary != "one-sided" or args.period is not None):
            raise CommandError(f"--boundary and --period are not options of --smooth {args.smooth} "
                               "(only of plain derivatives and --smooth savgol)", EXIT_USAGE)
    if "{" in args.suffix:
        try:
            args.suffix.format(order=args.order)
        except (KeyError, IndexError, ValueError):
            raise CommandError(f"--suffix {args.suffix!r}: the only field is {{order}}", EXIT_USAGE) from None


# ---------------------------------------------------------------------------
# The library's messages in the command's terms
# ---------------------------------------------------------------------------
_FLAG_WORDS = (
    (r"^(?:smooth_)?derivative: ", ""),
    (r"\bmethod='(\w+)'", r"--smooth \1"),
    (r"\bboundary='periodic'", "--boundary periodic"),
    (r"\bboundary=", "--boundary "),
    (r"\bedge_order=(?=\S)", "--edge-order "),
    (r"\bedge_order\b", "--edge-order"),
    (r"\border=(?=\S)", "--order "),
    (r"^order\b", "--order"),
    (r"\baccuracy=(?=\S)", "--accuracy "),
    (r"^accuracy\b", "--accuracy"),
    (r"\bperiod=(?=\S)", "--period "),
    (r"\bperiod=", "--period"),
    (r"^period\b", "--period"),
    (r"^(window|degree|width|lam|alpha)\b", r"--\1"),
    (r"\bgive (window|width) \((\w+)\) or (window|width)", r"give --\1 (\2) or --\3"),
    (r" along dim 0\b", ""),
    (r"\bdim 0\b", "the column"),
    (r"\bsamples along it\b", "rows"),
)


class _Context:
    """What the messages need to know: how the grid was given, how rows map to lines."""

    def __init__(self, x_flag: str | None, line_of: Callable[[Sequence[int]], list[str]]) -> None:
        self.x_flag = x_flag
        self.line_of = line_of

    def translate(self, message: str) -> str:
        line = " ".join(str(message).split())
        for pattern, repl in _FLAG_WORDS:
            line = re.sub(pattern, repl, line)
        grid = self.x_flag or "--spacing"
        m = re.match(r"^spacing must hold distinct coordinates, but entries (\d+) and (\d+) are both (\S+)$", line)
        if m:
            where = self.line_of([int(m.group(1)), int(m.group(2))])
            return f"{grid} repeats the coordinate {m.group(3)} ({where[0]} and {where[1]}); coordinates must be distinct"
        m = re.match(r"^spacing must be finite, but coordinate (\d+) is (\S+)$", line)
        if m:
            (where,) = self.line_of([int(m.group(1))])
            return f"{grid} must be finite, but it is {m.group(2)} at {where}"
        line = re.sub(r"^the column has (\d+) samples?, but", r"the input has \1 rows, but", line)
        line = re.sub(r"^spacing\b", grid, line)
        line = re.sub(r"\bthe coordinates( along the column)?\b", f"the coordinates ({grid})", line, count=1)
        return line


# ---------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------
def _pick(spec: str, names: Sequence[str], has_header: bool, flag: str) -> int:
    if has_header and spec in names:
        return list(names).index(spec)
    count = len(names)
    try:
        k = int(spec)
    except ValueError:
        if has_header:
            shown = ", ".join(map(repr, names[:12])) + (", ..." if count > 12 else "")
            raise CommandError(f"{flag} {spec!r} is not a column; the columns are {shown} "
                               f"(or give an index, 0 to {count - 1})") from None
        raise CommandError(f"{flag} {spec!r}: the input has no header row, so pick columns by index "
                           f"(0 to {count - 1})") from None
    if not -count <= k < count:
        raise CommandError(f"{flag} {k} is out of range: the input has {count} column{'s' if count != 1 else ''} "
                           f"(0 to {count - 1})")
    return k % count


def _choose_columns(args: argparse.Namespace, names: Sequence[str], has_header: bool) -> tuple[int | None, list[int]]:
    count = len(names)
    xk = None if args.x is None else _pick(args.x, names, has_header, "--x")
    if xk is None and args.spacing is None and count >= 2:
        xk = 0
    if args.y:
        ys = [_pick(y, names, has_header, "--y") for y in args.y]
    else:
        ys = [k for k in range(count) if k != xk]
        if not ys:
            raise CommandError("there is no column to differentiate: the input has one column and it is --x")
    for k in ys:
        if k == xk:
            raise CommandError(f"--y {names[k] if has_header else k} is also --x; give a different column")
    dup = [k for k, c in itertools.groupby(sorted(ys)) if len(list(c)) > 1]
    if dup:
        raise CommandError(f"--y {names[dup[0]] if has_header else dup[0]} is given twice")
    return xk, ys


def _new_names(args: argparse.Namespace, names: Sequence[str], ys: Sequence[int]) -> list[str]:
    suffix = args.suffix.format(order=args.order) if "{" in args.suffix else args.suffix
    new = [f"{names[k]}{suffix}" for k in ys]
    taken = set(names)
    for name in new:
        if name in taken:
            raise CommandError(f"--suffix {args.suffix!r} names the new column {name!r}, which is already a "
                               "column; choose another --suffix", EXIT_USAGE)
    return new


# ---------------------------------------------------------------------------
# The derivative of one column, block by block
# ---------------------------------------------------------------------------
def _smooth_params(args: argparse.Namespace) -> dict:
    params: dict = {}
    if args.smooth == "savgol":
        if args.window is not None:
            params["window"] = args.window
        if args.degree is not None:
            params["degree"] = args.degree
        if args.width is not None:
            params["width"] = _float_flag(args.width, "--width")
        if args.boundary != "one-sided":
            params["boundary"] = args.boundary
        if args.period is not None:
            params["period"] = _float_flag(args.period, "--period")
    elif args.smooth == "spline" and args.lam is not None:
        params["lam"] = _float_flag(args.lam, "--lam")
    elif args.smooth == "tv" and args.alpha is not None:
        params["alpha"] = _float_flag(args.alpha, "--alpha")
    return params


Block = Callable[[int, int], np.ndarray]


def _derivatives(args: argparse.Namespace, n: int, spacing: Any, columns: Sequence[Callable[[int, int], np.ndarray]],
                 whole: Callable[[int], np.ndarray]) -> list[Block]:
    """One ``block(first, stop)`` per value column: the derivative at those rows."""
    if args.smooth is None:
        plan = ColumnPlan(n, spacing, order=args.order, accuracy=2 if args.accuracy is None else args.accuracy,
                          edge_order=args.edge_order, boundary=args.boundary,
                          period=_float_flag(args.period, "--period"))
        return [lambda a, b, read=read: plan.block(read, a, b) for read in columns]
    from .smooth import smooth_derivative

    out = []
    params = _smooth_params(args)
    for k in range(len(columns)):
        d = smooth_derivative(whole(k), args.order, spacing=spacing, method=args.smooth, **params)
        out.append(lambda a, b, d=d: d[a:b])
    return out


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------
#: Text inputs at least this large (bytes) show a progress bar on a terminal.
PROGRESS_BYTES = 32 << 20


class _Progress:
    """A rich progress bar on standard error, or nothing."""

    def __init__(self, enabled: bool) -> None:
        self._bar = None
        if enabled:
            try:
                from rich.console import Console
                from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
            except ImportError:
                return
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                                 TimeRemainingColumn(), console=Console(file=sys.stderr), transient=True)

    def __enter__(self) -> "_Progress":
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()

    def task(self, description: str, total: float | None) -> Callable[[float], None]:
        """A function that sets how much of ``total`` is done."""
        if self._bar is None:
            return lambda done: None
        bar = self._bar
        tid = bar.add_task(description, total=total)
        return lambda done: bar.update(tid, completed=done)


def _progress_wanted(args: argparse.Namespace, size: int | None) -> bool:
    if args.progress is not None:
        return args.progress
    if not sys.stderr.isatty():
        return False
    return size is None or size >= PROGRESS_BYTES


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def _output_format(args: argparse.Namespace, input_format: str) -> str:
    if args.format is not None:
        return args.format
    if args.output is not None and args.output != "-":
        guessed = _io.guess_format(args.output, "--output") if os.path.splitext(args.output)[1] else None
        if guessed is not None and os.path.splitext(args.output)[1].lower() in (
            ".csv", ".tsv", ".tab", ".txt", ".dat", ".npy", ".npz", ".parquet", ".pq", ".feather", ".arrow"
        ):
            return guessed
        raise CommandError(f"--output {args.output!r}: cannot tell the format from the extension; name it .csv, "
                           ".tsv, .txt, .npy, .npz, .parquet or .feather, or give --format", EXIT_USAGE)
    return input_format if input_format in _io.TEXT_FORMATS else "csv"


@contextlib.contextmanager
def _text_stream(args: argparse.Namespace) -> Iterator[Any]:
    if args.output is None or args.output == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with _io.atomic_output(args.output) as tmp:
        try:
            fh = open(tmp, "w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise DataError(f"cannot write --output {args.output!r}: {exc.strerror or exc}") from None
        with fh:
            yield fh


def _check_paths(args: argparse.Namespace, fmt: str) -> None:
    if fmt in _io.BINARY_FORMATS and (args.output is None or args.output == "-"):
        raise CommandError(f"--format {fmt} is binary: give --output FILE (standard output takes text formats)",
                           EXIT_USAGE)
    if args.output not in (None, "-") and args.input != "-":
        try:
            same = os.path.exists(args.output) and os.path.samefile(args.output, args.input)
        except OSError:
            same = False
        if same:
            raise CommandError(f"--output {args.output!r} is the input file; gradkit never overwrites its input, "
                               "give another path", EXIT_USAGE)


def _delimiter_of(fmt: str) -> str | None:
    return {"csv": ",", "tsv": "\t", "txt": None}[fmt]


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    """Run ``gradkit compute`` with parsed arguments.

    Parameters
    ----------
    args : argparse.Namespace
        From the parser of :func:`add_parser`.

    Returns
    -------
    int
        The exit status (0).

    Raises
    ------
    CommandError
        For every bad input, with a one-line message.
    """
    _check_flags(args)
    in_fmt = args.input_format or _io.guess_format(args.input, "INPUT")
    out_fmt = _output_format(args, in_fmt)
    _check_paths(args, out_fmt)
    if args.delimiter is not None and in_fmt in _io.BINARY_FORMATS:
        raise CommandError(f"--delimiter is for text input, but INPUT is {in_fmt}", EXIT_USAGE)
    try:
        with np.errstate(all="ignore"):
            if in_fmt in _io.TEXT_FORMATS:
                _run_text(args, in_fmt, out_fmt)
            else:
                _run_binary(args, in_fmt, out_fmt)
    except DataError as exc:
        raise CommandError(str(exc), EXIT_DATA) from None
    return 0


def _spacing(args: argparse.Namespace) -> float:
    h = _float_flag(args.spacing, "--spacing")
    return 1.0 if h is None else h


def _library(ctx: _Context, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except (ValueError, TypeError) as exc:
        raise CommandError(ctx.translate(str(exc)), EXIT_DATA) from None


def _run_text(args: argparse.Namespace, in_fmt: str, out_fmt: str) -> None:
    if args.key is not None:
        raise CommandError(f"--key picks an array of a .npz file, but INPUT is {in_fmt} text", EXIT_USAGE)
    sniff = args.input == "-" and args.input_format is None
    src = _io.TextSource(args.input, "auto" if sniff else in_fmt, args.delimiter, args.header, flag="INPUT")
    try:
        if sniff and args.format is None and args.output in (None, "-"):
            out_fmt = src.fmt  # standard output in the input's own layout
        xk, ys = _choose_columns(args, src.names, src.has_header)
        new = _new_names(args, src.names, ys)
        binary_out = out_fmt in _io.BINARY_FORMATS
        wanted = list(range(src.ncols)) if binary_out else sorted({*([] if xk is None else [xk]), *ys})
        slot = {k: j for j, k in enumerate(wanted)}
        store = _io.ColumnStore(len(wanted))
        try:
            with _Progress(_progress_wanted(args, src.size)) as progress:
                done = progress.task("reading", src.size)
                for lineno, lines in src.chunks():
                    store.append(src.parse(lines, lineno, wanted))
                    pos = src.position()
                    if pos is not None:
                        done(pos)
                n = store.n
                if n == 0:
                    raise DataError(f"INPUT {src._shown()} has a header row but no data rows")
                x_flag = None if xk is None else f"--x {src.names[xk]!r}" if src.has_header else f"--x {xk}"
                ctx = _Context(x_flag, lambda rows: _lines_of(src, rows))
                spacing = _spacing(args) if xk is None else store.column(slot[xk])
                readers = [lambda a, b, j=slot[k]: store.read(j, a, b) for k in ys]
                derivs = _library(ctx, lambda: _derivatives(args, n, spacing, readers,
                                                            lambda i: store.column(slot[ys[i]])))
                del spacing
                if binary_out:
                    names = list(src.names) + new
                    cols = [store.column(j) for j in range(len(wanted))]
                    cols += [np.concatenate([d(a, b) for a, b in blocks(n, args.chunk_size)]) for d in derivs]
                    with _io.atomic_output(args.output) as tmp:
                        _io.write_binary(tmp, out_fmt, names, cols)
                    return
                wrote = progress.task("writing", n)
                with _text_stream(args) as fh:
                    _write_text(fh, src, out_fmt, new, derivs, n, args.chunk_size, wrote)
        finally:
            store.close()
    finally:
        src.close()


def _lines_of(src: _io.TextSource, rows: Sequence[int]) -> list[str]:
    """``line L`` of each data row (0-based) of ``src``, found by reading it again."""
    want = {r: None for r in rows}
    row = 0
    last = max(rows)
    for lineno, lines in src.chunks():
        for k, line in enumerate(lines):
            if _io._is_data(line):
                if row in want:
                    want[row] = lineno + k
                row += 1
                if row > last:
                    return [f"line {want[r]}" for r in rows]
    return [f"row {r}" for r in rows]  # pragma: no cover - rows come from this very file


def _write_text(fh: Any, src: _io.TextSource, out_fmt: str, new: Sequence[str], derivs: Sequence[Block], n: int,
                chunk: int, wrote: Callable[[float], None]) -> None:
    delim = _delimiter_of(out_fmt)
    writer = _io.TextWriter(fh, delim)
    passthrough = src.dialect.delimiter == delim and src.dialect.delimiter is not None or (
        src.dialect.delimiter is None and delim is None)
    if src.has_header:
        writer.header(list(src.names) + list(new))
    sep = writer.delimiter
    lines = _io.LineTaker(src.data_lines())
    for first, stop in blocks(n, chunk):
        raw = lines.take(stop - first)
        cells = [_io.format_values(d(first, stop)) for d in derivs]
        if passthrough:
            extra = [sep.join(row) for row in zip(*cells)] if len(cells) > 1 else cells[0]
            writer.lines(list(map(str.__add__, raw, map(sep.__add__, extra))))
        else:
            for line, *vals in zip(raw, *cells):
                writer.row([c.strip() for c in src.dialect.split(line)] + vals)
        wrote(stop)


def _run_binary(args: argparse.Namespace, in_fmt: str, out_fmt: str) -> None:
    table = _io.read_binary(args.input, in_fmt, args.key, "INPUT")
    xk, ys = _choose_columns(args, table.names, table.has_header)
    new = _new_names(args, table.names, ys)
    n = table.n
    x_flag = None if xk is None else f"--x {table.names[xk]!r}" if table.has_header else f"--x {xk}"
    ctx = _Context(x_flag, lambda rows: [f"row {r}" for r in rows])
    spacing = _spacing(args) if xk is None else table.values(xk, "--x")
    values = [table.values(k, "--y") for k in ys]
    readers = [lambda a, b, v=v: v[a:b] for v in values]
    derivs = _library(ctx, lambda: _derivatives(args, n, spacing, readers, lambda i: np.asarray(values[i])))
    if out_fmt in _io.BINARY_FORMATS:
        cols = list(table.columns) + [np.concatenate([d(a, b) for a, b in blocks(n, args.chunk_size)]) for d in derivs]
        for name, col in zip(table.names, table.columns):
            if out_fmt in ("npy", "npz") and col.dtype.kind not in "iufb":
                raise DataError(f"column {name!r} holds {col.dtype} values, which --format {out_fmt} cannot store; "
                                "write csv, parquet or feather")
        if out_fmt == "npy":
            cols = [np.asarray(c, dtype=np.float64) for c in cols]
        with _io.atomic_output(args.output) as tmp:
            _io.write_binary(tmp, out_fmt, list(table.names) + new, cols)
        return
    delim = _delimiter_of(out_fmt)
    plain = all(table.numeric(k) for k in range(len(table.names)))
    show = args.progress if args.progress is not None else sys.stderr.isatty() and n >= 1_000_000
    with _Progress(show) as progress:
        wrote = progress.task("writing", n)
        with _text_stream(args) as fh:
            writer = _io.TextWriter(fh, delim)
            if table.has_header:
                writer.header(list(table.names) + new)
            for first, stop in blocks(n, args.chunk_size):
                cells = [_cells(col[first:stop]) for col in table.columns]
                cells += [_io.format_values(d(first, stop)) for d in derivs]
                if plain:
                    writer.lines([writer.delimiter.join(row) for row in zip(*cells)])
                else:
                    for row in zip(*cells):
                        writer.row(row)
                wrote(stop)


def _cells(values: np.ndarray) -> list[str]:
    if values.dtype.kind == "f":
        return _io.format_values(np.asarray(values, dtype=np.float64))
    return [str(v) for v in values.tolist()]
