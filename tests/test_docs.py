"""The docs pages: their examples run and give what the pages say, and the
site (``make docs``) lists every page and documents every public name."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p.name for p in DOCS.glob("*.md"))

# Pages whose examples are doctest sessions (``>>>``): every such page, found
# by looking, so that a new page's examples are tested without a list to edit.
DOCTEST_PAGES = [p for p in PAGES if ">>> " in (DOCS / p).read_text(encoding="utf-8")]

# Pages with plain Python blocks, run elsewhere or too large to run here.
RUN_ELSEWHERE = {
    "backends.md": "tests/backends/test_matrix.py runs its blocks",
    "xarray.md": "tests/xarray/test_xarray_docs.py runs its blocks",
    "dask.md": "its block differentiates a 16 GB array; README's Dask example runs a smaller one",
}

_FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_the_doctest_pages_are_found():
    assert {"how-it-works.md", "operators.md", "noisy.md", "gradient.md", "explain.md", "index.md"} <= set(
        DOCTEST_PAGES
    )


@pytest.mark.parametrize("page", DOCTEST_PAGES)
def test_doc_page_examples(page):
    if page in ("operators.md", "noisy.md"):
        pytest.importorskip("scipy")
    result = doctest.testfile(str(DOCS / page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def _script_blocks(page: str) -> list[str]:
    blocks = _FENCE.findall((DOCS / page).read_text(encoding="utf-8"))
    return [b for b in blocks if not b.lstrip().startswith(">>>")]


@pytest.mark.parametrize("page", [p for p in PAGES if _script_blocks(p) and p not in RUN_ELSEWHERE])
def test_doc_page_scripts(page):
    """Plain Python blocks (no ``>>>``) run as written, one namespace per page."""
    pytest.importorskip("torch")
    namespace = {"__name__": f"docs_{page[:-3].replace('-', '_')}"}
    for k, block in enumerate(_script_blocks(page)):
        exec(compile(block, f"docs/{page} block {k}", "exec"), namespace)


def test_how_it_works_is_a_doctest_page():
    """Its fences once ended right after an output line, which doctest read as
    part of the expected output; a blank line before each closing fence fixes it."""
    assert "how-it-works.md" in DOCTEST_PAGES
    text = (DOCS / "how-it-works.md").read_text(encoding="utf-8")
    for block in re.findall(r"^```python\n(.*?)^```", text, re.S | re.M):
        assert block.endswith("\n\n"), block


def _toctree_entries() -> set[str]:
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    entries = set()
    for body in re.findall(r"^```\{toctree\}\n(.*?)^```", text, re.S | re.M):
        entries |= {line.strip() for line in body.splitlines() if line.strip() and not line.startswith(":")}
    return entries


def test_every_page_is_in_the_site():
    """Sphinx warns (so ``make docs`` fails) on a page outside every toctree;
    this says which one without building the site."""
    entries = _toctree_entries()
    missing = [p for p in PAGES if p != "index.md" and p[:-3] not in entries]
    assert not missing, f"docs pages not in index.md's toctree: {missing}"
    for entry in entries:
        assert (DOCS / f"{entry}.md").exists() or (DOCS / f"{entry}.rst").exists(), entry
    # the user guide has a page per capability
    assert {"gradient", "stencils", "explain", "backends", "speed", "compat", "dask", "xarray", "operators",
            "noisy", "how-it-works", "cli", "api/index"} <= entries


def _api_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((DOCS / "api").glob("*.rst")))


def _documented(text: str, module: str, name: str) -> bool:
    """Whether an autodoc directive documents ``module.name`` (by its full name,
    or by its short name under a ``currentmodule`` of that module)."""
    directive = r"\.\. auto(?:function|class|exception|data)::\s+"
    if re.search(directive + re.escape(f"{module}.{name}") + r"(?:\(\))?\s*$", text, re.M):
        return True
    for section in re.split(r"^\.\. currentmodule::\s+", text, flags=re.M)[1:]:
        current, _, body = section.partition("\n")
        if current.strip() == module and re.search(directive + re.escape(name) + r"(?:\(\))?\s*$", body, re.M):
            return True
    return False


def test_api_reference_covers_every_public_name():
    import gradkit
    import gradkit.compat

    text = _api_text()
    modules = [("gradkit", gradkit.__all__), ("gradkit.compat", gradkit.compat.__all__)]
    try:
        import gradkit.xarray
    except ImportError:  # pragma: no cover - xarray is in the test extra
        pass
    else:
        modules.append(("gradkit.xarray", gradkit.xarray.__all__))
    missing = [
        f"{module}.{name}"
        for module, names in modules
        for name in names
        if not (module == "gradkit" and name == "compat") and not _documented(text, module, name)
    ]
    assert not missing, f"public names missing from docs/api/*.rst: {missing}"
    assert re.search(r"^\.\. automodule:: gradkit\.compat", text, re.M)
    # the accessor's methods are listed explicitly
    for cls in ("GradkitDataArrayAccessor", "GradkitDatasetAccessor"):
        assert re.search(rf"autoclass:: {cls}\n\s+:members: derivative, gradient, differentiate, explain", text)


def test_every_public_function_has_a_docstring_with_an_example():
    """What the API reference shows: a summary line, and an Examples section
    (or the module's own) for the functions of ``import gradkit``."""
    import inspect

    import gradkit

    for name in gradkit.__all__:
        obj = getattr(gradkit, name)
        if inspect.ismodule(obj):
            continue
        doc = inspect.getdoc(obj)
        assert doc and doc.splitlines()[0].strip(), name
        if inspect.isfunction(obj):
            assert ">>>" in doc, f"gradkit.{name} has no example in its docstring"


def test_the_figures_are_shown():
    """Every figure in docs/img appears on a page (and so in the site)."""
    text = "\n".join((DOCS / p).read_text(encoding="utf-8") for p in PAGES)
    for image in sorted((DOCS / "img").glob("*.png")):
        assert f"img/{image.name}" in text, image.name


def test_speed_page_includes_the_benchmark_results():
    text = (DOCS / "speed.md").read_text(encoding="utf-8")
    assert "```{include} ../benchmarks/results.md" in text
    assert (ROOT / "benchmarks" / "results.md").exists()
