"""The ``gradkit`` command line.

``gradkit explain`` shows how each derivative value is computed from the
samples; for example::

    gradkit explain 4 1 1 16 --coords -2 -1 1 4 --at 1

Run ``gradkit explain --help`` for every option. Bad input prints one line
on standard error and exits with a non-zero status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, Sequence

import numpy as np

__all__ = ["main", "build_parser"]

#: Exit statuses: usage errors (argparse's convention) and bad data.
EXIT_USAGE = 2
EXIT_DATA = 1
EXIT_INTERNAL = 3


class CommandError(Exception):
    """An error to report as one line on stderr, with an exit status."""

    def __init__(self, message: str, status: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, raised instead of printed."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise CommandError(f"{self.prog}: error: {message}", EXIT_USAGE)


_EXAMPLES = """\
examples:
  gradkit explain 4 1 1 16 --coords -2 -1 1 4 --at 1
  gradkit explain 4 1 1 16 --coords -2 -1 1 4            (every point, as a table)
  gradkit explain 0 1 4 9 16 --spacing 0.5 --order 2 --at 2 --format latex
  gradkit explain --file data.csv --accuracy 4 --at 10 --plot point10.png
  gradkit explain --file grid.npy --axis 1 --at 3,5 --format json
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gradkit`` command.

    Returns
    -------
    argparse.ArgumentParser
    """
    from . import __version__

    parser = _Parser(
        prog="gradkit",
        description="gradkit: derivatives of sampled data, and how every number is computed.",
    )
    parser.add_argument("--version", action="version", version=f"gradkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    bench = sub.add_parser(
        "bench",
        help="time gradkit against numpy.gradient, torch.gradient, jax and a memory-copy floor",
        description="Time gradkit against numpy.gradient, torch.gradient, jax.jit(jnp.gradient), "
        "findiff and np.copyto of the same bytes, side by side in this process.",
    )
    bench.add_argument("--quick", action="store_true", help="10x smaller arrays (a smoke test)")
    bench.add_argument("--output-dir", metavar="DIR", help="also write results.json and results.md there")
    ex = sub.add_parser(
        "explain",
        help="show how the derivative at a point is computed from the samples",
        description=(
            "Show which samples, steps, weights and formula give the derivative at a point, "
            "exactly as gradkit.gradient (order 1) or gradkit.derivative computes it."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("values", nargs="*", metavar="F", help="the samples f (numbers), or use --file")
    ex.add_argument("--file", metavar="PATH", help="read the samples from a .csv, .txt or .npy file")
    ex.add_argument("--ycol", type=int, metavar="K", help="with --file: take the samples from column K")
    ex.add_argument(
        "--xcol", type=int, metavar="K", help="with --file: take the coordinates from column K"
    )
    grid = ex.add_mutually_exclusive_group()
    grid.add_argument("--coords", nargs="+", metavar="X", help="the coordinates of the samples")
    grid.add_argument("--spacing", metavar="H", help="the uniform step (default 1)")
    ex.add_argument(
        "--at",
        default="all",
        metavar="I",
        help="the point: an index (negative counts from the end), i,j,... for N-D data, "
        "or 'all' for a table of every point (default)",
    )
    ex.add_argument("--axis", type=int, default=None, help="the axis to differentiate along (N-D data)")
    ex.add_argument("--order", type=int, default=1, help="derivative order (default 1)")
    ex.add_argument("--accuracy", type=int, default=2, help="order of accuracy inside (default 2)")
    ex.add_argument(
        "--edge-order",
        type=int,
        default=None,
        help="order of accuracy at the edges (default: 1 for a first derivative at accuracy 2, "
        "else the accuracy)",
    )
    ex.add_argument("--boundary", choices=("one-sided", "periodic"), default="one-sided")
    ex.add_argument("--period", metavar="P", help="the period, for --boundary periodic on non-uniform coordinates")
    ex.add_argument(
        "--format", choices=("text", "markdown", "latex", "json"), default="text", help="output format"
    )
    ex.add_argument("--plot", metavar="PNG", help="also draw the point's stencil to this image file")
    ex.add_argument("--plain", action="store_true", help="plain text tables, even when rich is installed")
    from .cli_compute import add_parser as add_compute

    add_compute(sub)
    return parser


# ---------------------------------------------------------------------------
# Parsing values
# ---------------------------------------------------------------------------
def _protect_negative_numbers(argv: Sequence[str]) -> list[str]:
    """Let values like -1e-3 or -inf through argparse, which takes them for options.

    A leading space makes argparse see a positional value; float() ignores it.
    """
    out = []
    for tok in argv:
        if tok.startswith("-") and not tok.startswith("--") and len(tok) > 1:
            try:
                complex(tok.replace("i", "j") if tok.endswith("i") else tok)
            except ValueError:
                pass
            else:
                tok = " " + tok
        out.append(tok)
    return out


def _number(text: str, what: str) -> float | complex:
    s = text.strip()
    try:
        return float(s)
    except ValueError:
        pass
    try:
        c = complex(s)
    except ValueError:
        raise CommandError(f"{what} is {text.strip()!r}, which is not a number") from None
    return c


def _numbers(tokens: Sequence[str], what: str) -> np.ndarray:
    vals = [_number(t, f"{what} at index {k}" if len(tokens) > 1 else what) for k, t in enumerate(tokens)]
    if any(isinstance(v, complex) for v in vals):
        return np.array(vals, dtype=np.complex128)
    return np.array(vals, dtype=np.float64)


_NPY_MAGIC = b"\x93NUMPY"


def _load_npy(p: Path, path: str) -> np.ndarray:
    """A .npy file, or a CommandError saying what is wrong with it."""
    with open(p, "rb") as fh:
        head = fh.read(len(_NPY_MAGIC))
    if not head:
        raise CommandError(f"--file {path!r} is empty (0 bytes), expected a .npy array")
    if head != _NPY_MAGIC:
        raise CommandError(
            f"--file {path!r} is not a .npy file (it does not start with the .npy header); "
            "save arrays with numpy.save, or use a .csv/.txt file"
        )
    try:
        return np.load(p, allow_pickle=False)
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - EOFError, tokenize errors, ValueError, ...
        if isinstance(exc, EOFError):
            why = "it ends before its header or data do (truncated?)"
        elif isinstance(exc, ValueError) and str(exc).strip():
            why = " ".join(str(exc).split())
        else:  # e.g. tokenize.TokenError from a damaged header
            why = f"its header cannot be parsed ({type(exc).__name__})"
        raise CommandError(f"--file {path!r} is a corrupted .npy file: {why}") from None


def _load_text(path: str) -> np.ndarray:
    """A text table of numbers, read by the reader of ``gradkit compute``
    (:class:`gradkit._io.TextSource`): a header line or none, ``#`` comments,
    quoted fields; a bad cell is named by its line (counting from 1, as
    editors do) and its column (counting from 0, as ``--xcol``/``--ycol``)."""
    from . import _io

    suffix = Path(path).suffix.lower()
    fmt = {".csv": "csv", ".tsv": "tsv"}.get(suffix, "txt")
    try:
        src = _io.TextSource(path, fmt, flag="--file")
        try:
            parts = []
            for lineno, lines in src.chunks():
                block = src.parse(lines, lineno, None)
                if block.size and block.shape[1] != src.ncols:
                    first = src.header_line or src.first_line
                    raise _io.DataError(
                        f"--file {path!r}: line {lineno + _first_data(lines)} has {block.shape[1]} cells, but line "
                        f"{first} has {src.ncols}; every line needs the same number of columns"
                    )
                parts.append(block)
        finally:
            src.close()
    except _io.DataError as exc:
        raise CommandError(str(exc)) from None
    data = np.concatenate(parts) if parts else np.empty((0, src.ncols))
    if data.shape[0] == 0:
        raise CommandError(f"--file {path!r} has a header row but no rows of numbers")
    return data


def _first_data(lines: Sequence[str]) -> int:
    from ._io import _is_data

    return next((k for k, line in enumerate(lines) if _is_data(line)), 0)


def _load_file(path: str) -> np.ndarray:
    p = Path(path)
    try:
        if p.suffix.lower() == ".npy":
            data = _load_npy(p, path)
        else:
            data = _load_text(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CommandError(f"cannot read --file {path!r}: {reason}") from None
    data = np.asarray(data)
    if data.size == 0:
        raise CommandError(f"--file {path!r} holds no numbers")
    if data.ndim > 1 and 1 in data.shape:
        data = data.reshape(-1)
    if data.dtype.kind not in "iufc":
        raise CommandError(f"--file {path!r} holds {data.dtype} data, expected numbers")
    return data


def _columns(data: np.ndarray, args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray | None]:
    """The f column (and the x column) of a table read with --file."""
    if data.ndim != 2:
        raise CommandError(f"--xcol/--ycol need a table of columns, but --file holds {data.ndim}-D data")
    ncol = data.shape[1]
    for name in ("xcol", "ycol"):
        k = getattr(args, name)
        if k is not None and not -ncol <= k < ncol:
            raise CommandError(f"--{name} {k} is out of range: --file has {ncol} columns (0 to {ncol - 1})")
    ycol = args.ycol
    if ycol is None:
        rest = [k for k in range(ncol) if k != args.xcol % ncol]
        if len(rest) != 1:
            raise CommandError(f"--file has {ncol} columns: say which holds the samples with --ycol")
        ycol = rest[0]
    if args.xcol is not None and args.xcol % ncol == ycol % ncol:
        raise CommandError(f"--xcol {args.xcol} and --ycol {ycol} are the same column; give two different ones")
    coords = None if args.xcol is None else data[:, args.xcol]
    return data[:, ycol], coords


def _parse_at(text: str, ndim: int) -> str | int | tuple[int, ...]:
    s = text.strip()
    if s.lower() == "all":
        return "all"
    parts = [p.strip() for p in s.split(",")] if "," in s else [s]
    try:
        idx = tuple(int(p) for p in parts)
    except ValueError:
        raise CommandError(
            f"--at must be an index such as 1, 'all', or i,j,... for N-D data; got {text.strip()!r}",
            EXIT_USAGE,
        ) from None
    if ndim == 1 and len(idx) == 1:
        return idx[0]
    if len(idx) != ndim:
        raise CommandError(
            f"--at {text.strip()} gives {len(idx)} ind{'ex' if len(idx) == 1 else 'ices'}, but the data "
            f"are {ndim}-D; give one per dim, e.g. --at {','.join(['0'] * ndim)}",
            EXIT_USAGE,
        )
    return idx


def _check_at(at: int | tuple[int, ...], shape: tuple[int, ...], text: str) -> None:
    """--at within the data, or a CommandError that says the valid range."""
    idx = (at,) if isinstance(at, int) else at
    for k, (v, n) in enumerate(zip(idx, shape)):
        if not -n <= v < n:
            where = f"{n} sample{'s' if n != 1 else ''}" if len(shape) == 1 else f"axis {k} has {n} samples"
            raise CommandError(f"--at {text.strip()} is out of range: {where}, expected {-n}..{n - 1}")


_LIBRARY_NAMES = (  # the library's argument names -> the command's flags
    (r"\bedge_order=", "--edge-order "),
    (r"^edge_order\b", "--edge-order"),
    (r"^order\b", "--order"),
    (r"^accuracy\b", "--accuracy"),
    (r"\bwith accuracy (\d+)", r"with --accuracy \1"),
    (r"^axis=", "--axis "),
    (r"^period\b(?!=)", "--period"),
    (r"\bperiod=(?=\S)", "--period "),
    (r"\bperiod=", "--period"),
    (r"\bboundary='periodic'", "--boundary periodic"),
    (r"\bboundary=", "--boundary "),
    (r"\bedge_order\b", "--edge-order"),  # e.g. "leave edge_order out"
)


def _flag_names(line: str, args: argparse.Namespace | None) -> str:
    """A library message in the command's terms: --order for order=, and so on."""
    if args is None or getattr(args, "command", None) != "explain":
        return line
    if line.startswith("spacing "):
        if getattr(args, "_file_coords", False):
            flag = f"--xcol {args.xcol} (the coordinates)"
        elif args.coords is not None:
            flag = "--coords"
        else:
            flag = "--spacing"
        line = flag + line[len("spacing"):]
    if getattr(args, "edge_order", None) is None:  # not given: say it is the default
        line = re.sub(r"\bedge_order=(\S+)", r"edge order \1 (the --edge-order default)", line)
    for pattern, flag in _LIBRARY_NAMES:
        line = re.sub(pattern, flag, line)
    if getattr(args, "_ndim", None) == 1:  # "dim 0" says nothing about 1-D data
        line = re.sub(r"^dim 0 has (\d+) sample(s?), but", r"there \2 \1 sample\2, but", line)
        line = line.replace("there s ", "there are ").replace("there  ", "there is ")
        line = line.replace(" along it", "").replace(" along dim 0", "")
    else:
        line = re.sub(r"^dim (\d+) has", r"axis \1 has", line)
    return line


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def _table_rows(explanations) -> list[tuple[str, ...]]:
    from .explain._format import _fmt, _fmt_exact

    rows = []
    for e in explanations:
        d = e._detail
        rows.append(
            (
                str(d.position),
                _fmt(d.coordinate_at_point),
                "masked" if d.point_masked else _fmt(d.value_at_point),
                "(" + ", ".join(f"{o:+d}" if o else "0" for o in e.offsets) + ")",
                e.scheme,
                _fmt_exact(e.result),
            )
        )
    return rows


_HEADER = ("i", "x", "f", "offsets", "scheme", "result")


def _print_table(explanations, plain: bool) -> None:
    from .explain._format import _deriv_text

    order = explanations[0].order
    title = f"{_deriv_text(order, 'x[i]')} at every point ({len(explanations)} samples)"
    rows = _table_rows(explanations)
    rich_ok = False
    if not plain:
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:
            pass
        else:
            rich_ok = True
    if rich_ok:
        from rich.markup import escape

        # Square brackets are rich markup: f'(x[i]) would lose its [i].
        table = Table(title=escape(title), title_justify="left")
        for h in _HEADER:
            table.add_column(h, justify="left" if h in ("scheme", "offsets") else "right",
                             style="bold" if h == "result" else None)
        for r in rows:
            table.add_row(*(escape(c) for c in r))
        Console(file=sys.stdout, soft_wrap=False).print(table)
    else:
        widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(_HEADER)]
        print(title)
        left = {3, 4}
        fmt = lambda cells: "  ".join(  # noqa: E731
            c.ljust(w) if k in left else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()
        print(fmt(_HEADER))
        print("  ".join("-" * w for w in widths))
        for r in rows:
            print(fmt(r))
    print("Explain one point step by step with --at I (e.g. --at 1).")


def _markdown_table(explanations) -> str:
    from .explain._format import _deriv_text

    out = [f"**{_deriv_text(explanations[0].order, 'x[i]')} at every point**", ""]
    out.append("| " + " | ".join(_HEADER) + " |")
    out.append("|---:|---:|---:|:---|:---|---:|")
    for r in _table_rows(explanations):
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out) + "\n"


def _latex_table(explanations) -> str:
    out = ["\\begin{tabular}{rrrllr}", " & ".join(_HEADER) + " \\\\", "\\hline"]
    for r in _table_rows(explanations):
        out.append(" & ".join(c.replace("_", "\\_") for c in r) + " \\\\")
    out.append("\\end{tabular}")
    return "\n".join(out)


def _plot_target(path: str) -> str:
    """The file ``--plot PATH`` will write: PATH itself, or PATH.png when it
    has no extension (matplotlib's default format, said in the report);
    a directory, a missing folder or an unknown format is refused before
    anything is computed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise CommandError("--plot needs matplotlib: pip install 'gradkit[plot]'") from None
    p = Path(path)
    if p.is_dir() or path.endswith(("/", os.sep)):
        raise CommandError(
            f"--plot {path!r} is a directory; give a file name, e.g. --plot {str(p / 'point.png')!r}", EXIT_USAGE
        )
    if not p.parent.is_dir():
        raise CommandError(f"cannot write --plot {path!r}: folder {str(p.parent)!r} does not exist")
    if not p.suffix:
        return path + ".png"
    supported = Figure().canvas.get_supported_filetypes()
    if p.suffix[1:].lower() not in supported:
        raise CommandError(
            f"--plot {path!r}: cannot draw {p.suffix} files; name it .png, .pdf, .svg or another of "
            + ", ".join(sorted(supported)),
            EXIT_USAGE,
        )
    return path


def _save_plot(explanation, path: str) -> None:
    from matplotlib.figure import Figure
    fig = Figure(figsize=(7.5, 4.8), layout="constrained")
    ax = fig.add_subplot()
    explanation.plot(ax=ax)
    try:
        fig.savefig(path, dpi=150)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise CommandError(f"cannot write --plot {path!r}: {reason}") from None


# ---------------------------------------------------------------------------
# The explain command
# ---------------------------------------------------------------------------
def _run_explain(args: argparse.Namespace) -> int:
    from .explain import _explain_all, explain

    if args.file is not None and args.values:
        raise CommandError("give the samples as numbers or with --file, not both", EXIT_USAGE)
    if (args.xcol is not None or args.ycol is not None) and args.file is None:
        raise CommandError("--xcol and --ycol pick columns of --file; give --file too", EXIT_USAGE)
    file_coords = None
    if args.file is not None:
        f = _load_file(args.file)
        if args.xcol is not None or args.ycol is not None:
            f, file_coords = _columns(f, args)
        elif f.ndim == 2 and f.shape[1] == 2 and args.axis is None:
            raise CommandError(
                f"--file {args.file!r} has 2 columns; if they are x and f, add --xcol 0 --ycol 1 "
                "(or --axis to treat the table as 2-D data)",
                EXIT_USAGE,
            )
    elif args.values:
        f = _numbers(args.values, "value")
    else:
        raise CommandError(
            "no samples given: pass numbers (gradkit explain 4 1 1 16) or --file data.csv", EXIT_USAGE
        )
    if f.ndim == 0:
        f = f.reshape(1)
    args._ndim = f.ndim  # for the error messages
    args._file_coords = file_coords is not None
    axis = args.axis
    if axis is None and f.ndim > 1:
        raise CommandError(
            f"the data are {f.ndim}-D with shape {f.shape}; say along which axis with --axis", EXIT_USAGE
        )
    ax_index = 0 if axis is None else axis
    spacing: Any = 1
    if file_coords is not None:
        if args.coords is not None or args.spacing is not None:
            raise CommandError("--xcol gives the coordinates; drop --coords/--spacing", EXIT_USAGE)
        spacing = file_coords
    elif args.coords is not None:
        coords = _numbers(args.coords, "--coords value")
        if np.iscomplexobj(coords):
            raise CommandError("--coords must be real numbers")
        if -f.ndim <= ax_index < f.ndim and len(coords) != f.shape[ax_index]:
            raise CommandError(
                f"--coords has {len(coords)} values but there are {f.shape[ax_index]} samples"
                + (f" along axis {ax_index}" if f.ndim > 1 else "")
                + "; give one coordinate per sample"
            )
        spacing = coords
    elif args.spacing is not None:
        spacing = _number(args.spacing, "--spacing")
    period = None if args.period is None else _number(args.period, "--period")
    at = _parse_at(args.at, f.ndim)
    if at != "all":
        _check_at(at, f.shape, args.at)
    kw = dict(
        spacing=spacing,
        order=args.order,
        accuracy=args.accuracy,
        edge_order=args.edge_order,
        boundary=args.boundary,
        period=period,
    )
    if axis is not None:
        kw["axis"] = axis
    if at == "all":
        if f.ndim > 1:
            raise CommandError(
                "--at all shows a 1-D line; for N-D data give a point, e.g. --at "
                + ",".join(["0"] * f.ndim),
                EXIT_USAGE,
            )
        if args.plot:
            raise CommandError("--plot draws one point: add --at I (e.g. --at 1)", EXIT_USAGE)
        explanations = _explain_all(f, **kw)
        if args.format == "json":
            print(json.dumps([e.to_dict() for e in explanations], indent=2))
        elif args.format == "markdown":
            print(_markdown_table(explanations), end="")
        elif args.format == "latex":
            print(_latex_table(explanations))
        else:
            _print_table(explanations, args.plain)
        return 0
    plot = _plot_target(args.plot) if args.plot else None
    e = explain(f, at, **kw)
    if args.format == "json":
        print(json.dumps(e.to_dict(), indent=2))
    elif args.format == "markdown":
        print(e.to_markdown(), end="")
    elif args.format == "latex":
        print(e.to_latex())
    else:
        print(e)
    if plot:
        _save_plot(e, plot)
        print(f"plot written to {plot}", file=sys.stderr)
    return 0


def _unknown_argument(token: str, command: str) -> str:
    """The one line for an argument that ``gradkit COMMAND`` does not take."""
    if token.startswith("-") and len(token) > 1:
        flag = token.split("=", 1)[0]
        return (f"gradkit {command}: error: unknown option {flag} for gradkit {command} "
                f"(gradkit {command} --help lists its options)")
    return f"gradkit {command}: error: unexpected argument {token!r} (gradkit {command} --help shows the usage)"


def _clean(message: str) -> str:
    """One line; the library's 'explain: ' prefix dropped (the CLI names itself)."""
    line = " ".join(str(message).split())
    for prefix in ("explain: ", "gradient: ", "derivative: "):
        if line.startswith(prefix):
            line = line[len(prefix):]
    return line


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gradkit`` command and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 2 for a usage error, 1 for bad data, 3 for an internal
        error. Errors print one line on stderr.

    Examples
    --------
    >>> from gradkit.cli import main
    >>> main(["explain", "4", "1", "1", "16", "--coords", "-2", "-1", "1", "4", "--at", "3",
    ...       "--format", "json"])  # doctest: +ELLIPSIS
    {
      "index": 3,
    ...
    0
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    prog = "gradkit"
    args = None
    try:
        try:
            args, extra = parser.parse_known_args(_protect_negative_numbers(argv))
        except SystemExit as exc:  # --help and --version
            return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
        prog = f"gradkit {args.command}"
        if extra:
            raise CommandError(_unknown_argument(extra[0].strip(), args.command), EXIT_USAGE)
        if args.command == "explain":
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                # overflow and the like show as inf/nan in the output itself
                warnings.simplefilter("ignore", RuntimeWarning)
                return _run_explain(args)
        if args.command == "compute":
            from .cli_compute import run as run_compute

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return run_compute(args)
        if args.command == "bench":
            from .bench import main as bench_main

            return bench_main(
                (["--quick"] if args.quick else [])
                + (["--output-dir", args.output_dir] if args.output_dir else [])
            )
        raise CommandError(f"unknown command {args.command!r}", EXIT_USAGE)  # pragma: no cover
    except CommandError as exc:
        msg = str(exc)
        if not msg.startswith("gradkit"):
            msg = f"{prog}: error: {msg}"
        print(" ".join(msg.split()), file=sys.stderr)
        return exc.status
    except (TypeError, ValueError, IndexError, ArithmeticError) as exc:
        # The library's errors about the data and the arguments (IndexError: an index out of
        # range), in the command's terms.
        line = _flag_names(_clean(str(exc)), args)
        print(f"{prog}: error: {line}", file=sys.stderr)
        return EXIT_DATA
    except BrokenPipeError:  # pragma: no cover - e.g. `gradkit explain ... | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:  # pragma: no cover
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback on the command line
        if os.environ.get("GRADKIT_DEBUG"):
            raise
        print(
            f"{prog}: internal error: {type(exc).__name__}: {_clean(str(exc))} "
            "(please report it; set GRADKIT_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
