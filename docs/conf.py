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


# -- constants ---------------------------------------------------------------------------
# autodoc documents the functions and classes a stage package re-exports, but not its
# constants (their "#:" comments live in the private module that defines them). The
# ``gc-constants`` directive lists every public constant of a module (its __all__ names
# that are neither classes, functions nor modules) with its value and that comment.

import importlib  # noqa: E402
import inspect  # noqa: E402
import pkgutil  # noqa: E402

from docutils.statemachine import StringList  # noqa: E402
from sphinx.pycode import ModuleAnalyzer  # noqa: E402
from sphinx.util.docutils import SphinxDirective  # noqa: E402


def _constant_doc(module: object, name: str, value: object) -> tuple[str, list[str]]:
    """(the module defining ``name``, its ``#:`` comment there): the module itself or one of
    its private submodules."""
    candidates = [module.__name__]
    if hasattr(module, "__path__"):
        candidates += [f"{module.__name__}.{m.name}" for m in pkgutil.iter_modules(module.__path__)]
    for modname in candidates:
        sub = importlib.import_module(modname)
        if getattr(sub, name, None) is not value:
            continue
        try:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except Exception:  # noqa: BLE001 - no source: document the value alone
            continue
        if ("", name) in docs:
            return modname, list(docs[("", name)])
    return "", []


class Constants(SphinxDirective):
    required_arguments = 1

    def run(self) -> list:  # type: ignore[type-arg]
        modname = self.arguments[0]
        module = importlib.import_module(modname)
        lines: list[str] = []
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.ismodule(value) or inspect.isclass(value) or callable(value):
                continue
            origin, doc = _constant_doc(module, name, value)
            if origin == modname:
                continue  # commented where it is defined: automodule documents it
            shown = repr(value)
            if len(shown) > 160:
                shown = shown[:157] + "..."
            lines += [f".. py:data:: {name}", f"   :module: {modname}", f"   :value: {shown}",
                      ""]
            lines += [f"   {line}" for line in doc] + [""]
        if not lines:
            return []
        node_list = StringList(lines, source=f"<constants of {modname}>")
        from docutils import nodes

        section = nodes.container()
        self.state.nested_parse(node_list, self.content_offset, section)
        return section.children


def setup(app: object) -> dict[str, bool]:
    app.add_directive("gc-constants", Constants)  # type: ignore[attr-defined]
    return {"parallel_read_safe": True}
