"""Readers and writers of data files for ``gradkit compute``.

Text tables (CSV, TSV, whitespace-separated; a header row or none; ``#``
comments; quoted fields; ``-`` for standard input) are read in chunks of
lines (:class:`TextSource`); ``.npy``, ``.npz`` and, when pyarrow is
installed, Parquet and Feather files are read whole (:func:`read_binary`).
Every problem is a :class:`DataError` whose message is one line that names
the flag, the line and the column concerned, in the command's terms.

Positions in messages: lines of a text file count from 1 (as editors and
``grep -n`` show them); columns and rows picked by index count from 0, like
``--x 0`` and NumPy indexing.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Sequence

import numpy as np

__all__ = [
    "DataError",
    "TEXT_FORMATS",
    "BINARY_FORMATS",
    "FORMATS",
    "guess_format",
    "Dialect",
    "TextSource",
    "ColumnStore",
    "LineTaker",
    "read_binary",
    "Table",
    "format_values",
    "TextWriter",
    "write_binary",
    "atomic_output",
]

TEXT_FORMATS = ("csv", "tsv", "txt")
BINARY_FORMATS = ("npy", "npz", "parquet", "feather")
FORMATS = TEXT_FORMATS + BINARY_FORMATS

_EXTENSIONS = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "txt", ".dat": "txt", ".npy": "npy", ".npz": "npz",
    ".parquet": "parquet", ".pq": "parquet", ".feather": "feather", ".arrow": "feather",
}
_MAGIC = ((b"\x93NUMPY", "npy"), (b"PK\x03\x04", "npz"), (b"PAR1", "parquet"), (b"ARROW1", "feather"))
_DELIMITERS = {"csv": ",", "tsv": "\t", "txt": None}


class DataError(Exception):
    """A problem with the input or output data, reported as one line."""


def guess_format(path: str, flag: str) -> str:
    """The format of ``path`` from its extension, else from its first bytes.

    Parameters
    ----------
    path : str
        A file name, or ``-`` (standard input: text).
    flag : str
        The flag that named the file, for messages.

    Returns
    -------
    str
        One of :data:`FORMATS`.
    """
    if path == "-":
        return "csv"
    fmt = _EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is not None:
        return fmt
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return "csv"  # the open for reading says what is wrong
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return "csv"


def _open_error(path: str, flag: str, exc: OSError) -> DataError:
    reason = exc.strerror or str(exc)
    return DataError(f"cannot read {flag} {path!r}: {reason}")


# ---------------------------------------------------------------------------
# Text tables
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Dialect:
    """How a text table is laid out.

    Attributes
    ----------
    delimiter : str or None
        The field separator; None for runs of whitespace.
    quotechar : str
        Fields may be quoted with this character.
    """

    delimiter: str | None
    quotechar: str = '"'

    def split(self, line: str) -> list[str]:
        """The cells of one line (quotes removed, surrounding blanks kept
        for a delimiter, dropped for whitespace)."""
        if self.delimiter is None:
            if self.quotechar in line:
                return next(csv.reader([line.strip()], delimiter=" ", quotechar=self.quotechar,
                                       skipinitialspace=True))
            return line.split()
        if self.quotechar in line:
            return next(csv.reader([line], delimiter=self.delimiter, quotechar=self.quotechar))
        return line.split(self.delimiter)


def _is_data(line: str) -> bool:
    s = line.strip()
    return bool(s) and s[0] != "#"


def _strip_comment(line: str) -> str:
    """``line`` without its newline, trailing blanks and a trailing ``#`` comment."""
    if "#" in line:
        line = line.split("#", 1)[0]
    return line.rstrip()


def _number_or_none(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


class TextSource:
    """A text table read in chunks of lines.

    Parameters
    ----------
    path : str
        The file, or ``-`` for standard input (spooled to a temporary file
        on the first pass, so that the second pass can read it again).
    fmt : str
        ``"csv"``, ``"tsv"`` or ``"txt"`` (the default delimiter), or
        ``"auto"``: a tab, else a comma, else whitespace, as the first data
        line has it (standard input).
    delimiter : str, optional
        Overrides the format's delimiter (``"\\t"`` for a tab, ``" "`` or
        ``"whitespace"`` for runs of blanks).
    header : bool, optional
        Whether the first line that is not a comment names the columns
        (default: when any of its cells is not a number).
    flag : str
        How the command names the input, for messages.
    """

    def __init__(self, path: str, fmt: str, delimiter: str | None = None, header: bool | None = None,
                 flag: str = "INPUT") -> None:
        self.path = path
        self.flag = flag
        self._spool: IO[str] | None = None
        self.fmt = fmt
        self._sniff = delimiter is None and fmt == "auto"
        if delimiter is None:
            delim = _DELIMITERS.get(fmt)
        elif delimiter in (" ", "whitespace", "space"):
            delim = None
        else:
            delim = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        self.dialect = Dialect(delim)
        self._first_pass_done = False
        self._stream: IO[str] | None = None
        self.size: int | None = None
        self.header_line = 0  # line number of the header (0: none)
        self.first_line = 1  # line number of the first line after the header
        self.names: list[str] = []
        self.ncols = 0
        self.has_header = False
        self._pending: list[str] = []  # lines read while looking for the header
        self._open()
        self._read_header(header)

    # -- opening ----------------------------------------------------------
    def _open(self) -> None:
        if self.path == "-":
            self._stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline=None) \
                if hasattr(sys.stdin, "buffer") else sys.stdin
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", prefix="gradkit-stdin-")
            return
        try:
            self._stream = open(self.path, encoding="utf-8", newline=None)
            self.size = os.fstat(self._stream.fileno()).st_size
        except IsADirectoryError:
            raise DataError(f"cannot read {self.flag} {self.path!r}: it is a directory") from None
        except OSError as exc:
            raise _open_error(self.path, self.flag, exc) from None

    def _readlines(self, fh: IO[str], hint: int) -> list[str]:
        try:
            lines = fh.readlines(hint)
        except UnicodeDecodeError as exc:
            raise DataError(
                f"cannot read {self.flag} {self.path!r}: it is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
                "give a CSV/TSV/text, .npy, .npz, Parquet or Feather file"
            ) from None
        if "\x00" in "".join(lines[:1]):
            raise DataError(
                f"cannot read {self.flag} {self.path!r}: it holds binary data, not text; give a CSV/TSV/text, "
                ".npy, .npz, Parquet or Feather file"
            )
        return lines

    def _read_header(self, header: bool | None) -> None:
        assert self._stream is not None
        lineno = 0
        while True:
            lines = self._readlines(self._stream, 1 << 16)
            if not lines:
                break
            if self._spool is not None:
                self._spool.writelines(lines)
            for k, line in enumerate(lines):
                lineno += 1
                if _is_data(line):
                    self._classify(line, lineno, header)
                    rest = lines[k + 1 :] if self.has_header else lines[k:]
                    self.first_line = lineno + 1 if self.has_header else lineno
                    self._pending = rest
                    return
        raise DataError(f"{self.flag} {self.path!r} is empty: it holds no data lines")

    def _classify(self, line: str, lineno: int, header: bool | None) -> None:
        if self._sniff:  # standard input: the first line says how it is separated
            self.fmt = "tsv" if "\t" in line else "csv" if "," in line else "txt"
            self.dialect = Dialect(_DELIMITERS[self.fmt])
        cells = [c.strip() for c in self.dialect.split(_strip_comment(line))]
        if header is None:
            header = any(_number_or_none(c) is None for c in cells)
        self.ncols = len(cells)
        if header:
            self.has_header = True
            self.header_line = lineno
            self.names = cells
            seen: dict[str, int] = {}
            for k, name in enumerate(cells):
                if name in seen:
                    raise DataError(
                        f"{self.flag} {self.path!r}: the header (line {lineno}) names two columns {name!r} "
                        f"(columns {seen[name]} and {k}); give the columns distinct names"
                    )
                seen[name] = k
        else:
            self.names = [str(k) for k in range(len(cells))]

    # -- reading ----------------------------------------------------------
    def chunks(self, hint: int = 1 << 22) -> Iterator[tuple[int, list[str]]]:
        """The data lines after the header, in chunks of about ``hint``
        characters: ``(line number of the chunk's first line, lines)``,
        the lines as read (comments and blank lines included)."""
        lineno = self.first_line
        if not self._first_pass_done:
            assert self._stream is not None
            lines, self._pending = self._pending, []
            while True:
                if lines:
                    yield lineno, lines
                    lineno += len(lines)
                lines = self._readlines(self._stream, hint)
                if not lines:
                    break
                if self._spool is not None:
                    self._spool.writelines(lines)
            self._first_pass_done = True
            return
        # Later passes: the file (or the spooled standard input) again.
        fh = self._reopen()
        try:
            for _ in range(self.first_line - 1):
                fh.readline()
            while True:
                lines = self._readlines(fh, hint)
                if not lines:
                    break
                yield lineno, lines
                lineno += len(lines)
        finally:
            if fh is not self._spool:
                fh.close()

    def _reopen(self) -> IO[str]:
        if self._spool is not None:
            self._spool.seek(0)
            return self._spool
        try:
            return open(self.path, encoding="utf-8", newline=None)
        except OSError as exc:
            raise _open_error(self.path, self.flag, exc) from None

    def position(self) -> int | None:
        """How many bytes of the file the first pass has read (None for standard input)."""
        if self._stream is None or self._spool is not None:
            return None
        try:
            return self._stream.buffer.tell()  # type: ignore[attr-defined]
        except (AttributeError, OSError, ValueError):
            return None

    def close(self) -> None:
        if self._stream is not None and self.path != "-":
            self._stream.close()
        if self._spool is not None:
            self._spool.close()

    # -- parsing ------------------------------------------------------------
    def parse(self, lines: list[str], lineno: int, columns: Sequence[int] | None) -> np.ndarray:
        """The numbers of ``columns`` in the data lines of ``lines``, shape
        ``(rows, len(columns))`` float64 (``columns=None``: every column; the
        lines must then all have as many cells).

        Raises
        ------
        DataError
            Naming the line and column of the first cell that is not a number,
            or the first line with too few cells.
        """
        data = [ln for ln in lines if ln[:1] not in " \t\r\n#" or _is_data(ln)] if lines else lines
        if not data:
            return np.empty((0, self.ncols if columns is None else len(columns)))
        try:
            return np.loadtxt(data, delimiter=self.dialect.delimiter, comments="#",
                              usecols=None if columns is None else list(columns),
                              quotechar=self.dialect.quotechar, ndmin=2, dtype=np.float64)
        except ValueError:
            self._locate(lines, lineno, columns)
            raise  # pragma: no cover - _locate always finds the cell

    def _locate(self, lines: list[str], lineno: int, columns: Sequence[int] | None) -> None:
        """Raise the DataError that names the first bad cell of ``lines``."""
        width = None
        for k, line in enumerate(lines):
            if not _is_data(line):
                continue
            cells = self.dialect.split(_strip_comment(line))
            if columns is None:
                if width is None:
                    width = len(cells)
                elif len(cells) != width:
                    raise DataError(
                        f"{self.flag} {self._shown()}: line {lineno + k} has {len(cells)} "
                        f"cell{'s' if len(cells) != 1 else ''}, but the lines before it have {width}; "
                        "every line needs the same number of columns"
                    )
            for c in range(len(cells)) if columns is None else columns:
                if c >= len(cells):
                    raise DataError(
                        f"{self.flag} {self._shown()}: line {lineno + k} has {len(cells)} "
                        f"cell{'s' if len(cells) != 1 else ''}, but column {self.column_name(c)} is needed"
                    )
                if _number_or_none(cells[c]) is None:
                    cell = cells[c].strip()
                    what = "an empty cell" if not cell else f"{cell!r}, which is not a number"
                    raise DataError(
                        f"{self.flag} {self._shown()}: line {lineno + k}, column {self.column_name(c)} holds {what}"
                    )
        raise DataError(f"{self.flag} {self._shown()}: cannot read lines {lineno} to {lineno + len(lines) - 1}")

    def _shown(self) -> str:
        return "(standard input)" if self.path == "-" else repr(self.path)

    def column_name(self, k: int) -> str:
        """How messages name column ``k``: ``'temp' (column 2)`` or ``2``."""
        return f"{self.names[k]!r} ({k})" if self.has_header else str(k)

    def data_lines(self, hint: int = 1 << 22) -> Iterator[list[str]]:
        """The data lines of a later pass, in chunks of about ``hint``
        characters, each line without its newline, trailing blanks and comment."""
        for _, lines in self.chunks(hint):
            text = "".join(lines)
            if "#" in text or "\n\n" in text or "\n " in text or "\n\t" in text or text[:1] in (" ", "\t", "\n"):
                yield [_strip_comment(ln) if "#" in ln else ln.rstrip("\n")
                       for ln in lines if ln[:1] not in " \t\r\n#" or _is_data(ln)]
            else:  # no comment, blank or indented line: split at C speed
                yield (text[:-1] if text.endswith("\n") else text).split("\n")


class LineTaker:
    """Take the lines of chunked lists ``k`` at a time (any ``k``, in time
    proportional to the lines taken)."""

    def __init__(self, chunks: Iterator[list[str]]) -> None:
        self._chunks = chunks
        self._buf: list[str] = []
        self._pos = 0

    def take(self, k: int) -> list[str]:
        while len(self._buf) - self._pos < k:
            more = next(self._chunks, None)
            if more is None:
                break
            self._buf = self._buf[self._pos :] + more
            self._pos = 0
        out = self._buf[self._pos : self._pos + k]
        self._pos += len(out)
        return out


class ColumnStore:
    """Numeric columns parsed on the first pass, kept in temporary files
    (float64, 8 bytes a value), read back in windows: bounded memory."""

    def __init__(self, count: int) -> None:
        self._files = [tempfile.TemporaryFile(prefix="gradkit-column-") for _ in range(count)]
        self.n = 0

    def append(self, block: np.ndarray) -> None:
        """Append the rows of ``block``, shape ``(rows, count)``."""
        for k, fh in enumerate(self._files):
            fh.write(np.ascontiguousarray(block[:, k]).tobytes())
        self.n += block.shape[0]

    def read(self, k: int, start: int, stop: int) -> np.ndarray:
        """Values ``start:stop`` of column ``k`` (a new float64 array)."""
        count = max(stop - start, 0)
        out = np.empty(count)
        if count:
            fh = self._files[k]
            fh.flush()
            got = os.preadv(fh.fileno(), [memoryview(out).cast("B")], start * 8) if hasattr(os, "preadv") \
                else _read_at(fh, out, start)
            assert got == out.nbytes
        return out

    def column(self, k: int) -> np.ndarray:
        """Column ``k`` whole."""
        return self.read(k, 0, self.n)

    def close(self) -> None:
        for fh in self._files:
            fh.close()


def _read_at(fh, out: np.ndarray, start: int) -> int:  # pragma: no cover - platforms without preadv
    fh.seek(start * 8)
    return fh.readinto(memoryview(out).cast("B"))


# ---------------------------------------------------------------------------
# Binary files
# ---------------------------------------------------------------------------
@dataclass
class Table:
    """Columns held in memory: names and float64 (or memory-mapped) arrays."""

    names: list[str]
    columns: list[np.ndarray]
    has_header: bool = True

    @property
    def n(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def column_name(self, k: int) -> str:
        return f"{self.names[k]!r} ({k})" if self.has_header else str(k)

    def values(self, k: int, flag: str) -> np.ndarray:
        """Column ``k`` as float64 numbers, or a DataError naming ``flag``."""
        return _numeric(self.columns[k], f"{flag} column {self.column_name(k)}")

    def numeric(self, k: int) -> bool:
        return self.columns[k].dtype.kind in "iuf"


def _numeric(a: np.ndarray, what: str) -> np.ndarray:
    if a.dtype.kind not in "iuf":
        kind = "complex" if a.dtype.kind == "c" else str(a.dtype)
        raise DataError(f"{what} holds {kind} values; gradkit compute takes real numbers")
    # A plain ndarray (not np.memmap): gradkit's compiled kernel takes exactly
    # ndarray, and its other kernel may round differently.
    return np.asarray(a) if a.dtype == np.float64 else np.asarray(a, dtype=np.float64)


def _table_of_array(a: np.ndarray, what: str) -> Table:
    if a.size == 0:
        raise DataError(f"{what} is empty: it holds no rows")
    if a.ndim == 0:
        raise DataError(f"{what} holds one number, not a column")
    if a.ndim > 2:
        raise DataError(f"{what} is {a.ndim}-D with shape {a.shape}; gradkit compute takes a column (1-D) or a table "
                        "(2-D, one column per variable)")
    if a.dtype.kind not in "iufb":
        kind = "complex" if a.dtype.kind == "c" else str(a.dtype)
        raise DataError(f"{what} holds {kind} values; gradkit compute takes real numbers")
    if a.ndim == 1:
        return Table(["0"], [a], has_header=False)
    return Table([str(k) for k in range(a.shape[1])], [a[:, k] for k in range(a.shape[1])], has_header=False)


def _load_npy(path: str, flag: str, mmap: bool = True):
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) or exc.strerror:
            raise _open_error(path, flag, exc) from None
        raise DataError(f"cannot read {flag} {path!r}: {' '.join(str(exc).split())}") from None
    except Exception as exc:  # noqa: BLE001 - EOFError, ValueError, tokenize errors from damaged headers
        why = " ".join(str(exc).split()) or type(exc).__name__
        raise DataError(f"{flag} {path!r} is not a readable .npy/.npz file: {why}") from None


def read_binary(path: str, fmt: str, key: str | None, flag: str) -> Table:
    """Read a ``.npy``, ``.npz``, Parquet or Feather file whole.

    Parameters
    ----------
    path : str
    fmt : {"npy", "npz", "parquet", "feather"}
    key : str, optional
        ``.npz``: the array that holds the table (default: every array is a
        column, named by its key).
    flag : str
        How the command names the input, for messages.

    Returns
    -------
    Table
    """
    if path == "-":
        raise DataError(f"{flag} '-' (standard input) must be text; save {fmt} data to a file")
    if not os.path.exists(path):
        raise DataError(f"cannot read {flag} {path!r}: No such file or directory")
    if os.path.isdir(path):
        raise DataError(f"cannot read {flag} {path!r}: it is a directory")
    if os.path.getsize(path) == 0:
        raise DataError(f"{flag} {path!r} is empty (0 bytes)")
    if key is not None and fmt != "npz":
        raise DataError(f"--key picks an array of a .npz file, but {flag} {path!r} is {fmt}")
    if fmt == "npy":
        a = _load_npy(path, flag)
        if not isinstance(a, np.ndarray):
            raise DataError(f"{flag} {path!r} is a .npz archive, not a .npy array; name it .npz")
        return _table_of_array(a, f"{flag} {path!r}")
    if fmt == "npz":
        z = _load_npy(path, flag, mmap=False)
        if isinstance(z, np.ndarray):
            raise DataError(f"{flag} {path!r} is a .npy array, not a .npz archive; name it .npy")
        with z:
            keys = list(z.files)
            if not keys:
                raise DataError(f"{flag} {path!r} is empty: the archive holds no arrays")
            if key is not None:
                if key not in keys:
                    raise DataError(f"--key {key!r} is not in {flag} {path!r}; it holds {', '.join(map(repr, keys))}")
                return _table_of_array(_npz_item(z, key, path, flag), f"{flag} {path!r} key {key!r}")
            arrays = [_npz_item(z, k, path, flag) for k in keys]
        if len(arrays) == 1 and arrays[0].ndim == 2:
            return _table_of_array(arrays[0], f"{flag} {path!r} key {keys[0]!r}")
        for k, a in zip(keys, arrays):
            if a.ndim != 1:
                raise DataError(
                    f"{flag} {path!r}: array {k!r} has shape {a.shape}; without --key every array must be one "
                    "column (1-D); pick a table with --key"
                )
        lengths = {len(a) for a in arrays}
        if len(lengths) > 1:
            raise DataError(
                f"{flag} {path!r}: its arrays have different lengths ("
                + ", ".join(f"{k!r}: {len(a)}" for k, a in zip(keys, arrays)) + "); pick one with --key"
            )
        if lengths == {0}:
            raise DataError(f"{flag} {path!r} is empty: its arrays hold no rows")
        return Table(keys, arrays)
    return _read_arrow(path, fmt, flag)


def _npz_item(z, key: str, path: str, flag: str) -> np.ndarray:
    try:
        return z[key]
    except Exception as exc:  # noqa: BLE001 - a damaged member
        raise DataError(f"{flag} {path!r}: array {key!r} cannot be read: {' '.join(str(exc).split())}") from None


def _pyarrow(fmt: str, flag: str):
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise DataError(f"{fmt} files need pyarrow: pip install pyarrow (or gradkit[parquet])") from None
    import pyarrow

    return pyarrow


def _read_arrow(path: str, fmt: str, flag: str) -> Table:
    _pyarrow(fmt, flag)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
        else:
            import pyarrow.feather as feather

            table = feather.read_table(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow's ArrowInvalid and friends
        raise DataError(f"{flag} {path!r} is not a readable {fmt} file: {' '.join(str(exc).split())}") from None
    if table.num_columns == 0 or table.num_rows == 0:
        raise DataError(f"{flag} {path!r} is empty: it holds no " + ("columns" if table.num_columns == 0 else "rows"))
    names = [str(n) for n in table.column_names]
    columns = []
    for name, col in zip(names, table.columns):
        if col.null_count:
            raise DataError(f"{flag} {path!r}: column {name!r} has {col.null_count} missing values")
        try:
            a = col.to_numpy()
        except Exception:  # noqa: BLE001
            a = np.asarray(col.to_pylist(), dtype=object)
        columns.append(a)
    return Table(names, columns)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------
def format_values(values: np.ndarray) -> list[str]:
    """The shortest text that reads back as the very same float64 (``repr``)."""
    return list(map(repr, values.tolist()))


class atomic_output:
    """A context manager: the path to write (a temporary file beside
    ``path``), moved over ``path`` only when the block succeeds, so a
    failed command leaves no half-written output."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tmp: str | None = None

    def __enter__(self) -> str:
        target = Path(self.path)
        if target.is_dir():
            raise DataError(f"cannot write --output {self.path!r}: it is a directory")
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise DataError(f"cannot write --output {self.path!r}: folder {str(parent)!r} does not exist")
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
        except OSError as exc:
            raise DataError(f"cannot write --output {self.path!r}: {exc.strerror or exc}") from None
        os.close(fd)
        return self.tmp

    def __exit__(self, kind, exc, tb) -> None:
        assert self.tmp is not None
        if kind is None:
            try:
                os.replace(self.tmp, self.path)
            except OSError as err:
                os.unlink(self.tmp)
                raise DataError(f"cannot write --output {self.path!r}: {err.strerror or err}") from None
        else:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass


class TextWriter:
    """Rows of text cells out, with ``delimiter`` (None: one space)."""

    def __init__(self, stream: IO[str], delimiter: str | None) -> None:
        self.stream = stream
        self.delimiter = " " if delimiter is None else delimiter
        self._csv = csv.writer(stream, delimiter=self.delimiter, lineterminator="\n")

    def header(self, names: Sequence[str]) -> None:
        self.row(names)

    def row(self, cells: Sequence[str]) -> None:
        if any(self.delimiter in c or '"' in c or "\n" in c for c in cells):
            self._csv.writerow(cells)
        else:
            self.stream.write(self.delimiter.join(cells) + "\n")

    def lines(self, lines: Sequence[str]) -> None:
        """Lines already joined (no newline)."""
        self.stream.write("\n".join(lines) + "\n" if lines else "")


def write_binary(path: str, fmt: str, names: Sequence[str], columns: Sequence[np.ndarray]) -> None:
    """Write ``columns`` to ``path`` as ``.npy`` (a 2-D table), ``.npz`` (one
    array per name), Parquet or Feather."""
    if fmt == "npy":
        with open(path, "wb") as fh:
            np.save(fh, np.column_stack(columns))
    elif fmt == "npz":
        with open(path, "wb") as fh:
            np.savez(fh, **dict(zip(names, columns)))
    else:
        pa = _pyarrow(fmt, "--output")
        table = pa.table({name: col for name, col in zip(names, columns)})
        if fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, path)
        else:
            import pyarrow.feather as feather

            feather.write_feather(table, path)

