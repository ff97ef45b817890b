"""Sphinx configuration of gradkit's documentation site (``make docs``)."""

from __future__ import annotations

import os
import sys

import gradkit

# The docs document the package that is imported, never a stale copy: `make docs`
# runs in the project's virtual environment, where gradkit is installed editable.
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src")))

project = "gradkit"
author = "the gradkit authors"
copyright = "2026, the gradkit authors"
release = gradkit.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx.ext.mathjax",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "tools", "Thumbs.db", ".DS_Store"]

# Markdown pages: `#section` links resolve to headings, `$...$` stays literal.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# API reference: signatures as written, members in source order; numpydoc renders
# the Parameters/Returns sections and leaves the type text as plain words.
autodoc_member_order = "bysource"
autodoc_typehints = "none"
# defaults as written in the source (a sentinel shows as its name, not <object object>)
autodoc_preserve_defaults = True
autodoc_default_options = {"undoc-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Broken cross-references are errors (`-n`); objects of other projects are not
# linked (no intersphinx: the build works offline), so their names are plain text.
nitpicky = True

html_theme = "alabaster"
html_title = f"gradkit {release}"
html_static_path: list[str] = []
html_theme_options = {
    "description": "Derivatives of sampled data",
    "fixed_sidebar": True,
}
