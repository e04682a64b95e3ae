"""Sphinx configuration of the geoconflict documentation site.

``make docs`` builds it with warnings as errors (``sphinx-build -W --keep-going``): a
broken link, a missing anchor, a docstring that does not parse or a page left out of
the navigation fails the build. Pages are Markdown (MyST); the API reference comes from
the docstrings (autodoc, numpy style through napoleon) and the command-line reference
from the click commands (sphinx-click).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geoconflict  # noqa: E402

project = "geoconflict"
author = "the geoconflict developers"
copyright = "the geoconflict developers; code MIT, data cited per record"
release = geoconflict.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_click",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "gallery/*.png"]

myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence", "deflist"]

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_default_options = {"members": True, "imported-members": True,
                           "member-order": "bysource"}
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True

html_theme = "furo"
html_title = f"geoconflict {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
smartquotes = False  # keep "--option" and straight quotes in command examples
