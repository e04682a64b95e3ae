"""Escaping of data text for the HTML and JavaScript contexts of a web map.

Text in incident files comes from news reports and third-party datasets, so it is
untrusted: a location named ``<img src=x onerror=alert(1)>`` or a note containing
``${alert(1)}`` or ``</script>`` must reach the reader as text, never as code. The map
runtime builds popups, tooltips and the legend with ``textContent`` (never
``innerHTML``); these helpers cover the remaining places where text is spliced into
markup or script by Python: the page title, JSON payloads inside ``<script>`` elements,
and names that Leaflet itself renders as HTML (layer-control labels, attribution).
"""

from __future__ import annotations

import html
import json
from typing import Any

from .._columns import clean_value

__all__ = ["html_text", "js_string", "script_json"]

# Characters that could end a <script> element, open a comment or entity, or break a
# JavaScript string literal in pre-ES2019 engines; all become \uXXXX escapes, which
# JSON and JavaScript read back as the same characters.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
    ord("`"): "\\u0060",
    ord("$"): "\\u0024",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def html_text(value: object) -> str:
    """Escape ``value`` for HTML text and quoted attribute values.

    ``&``, ``<``, ``>``, ``"`` and ``'`` become entities; ``None`` becomes ``""``.

    Examples
    --------
    >>> html_text('<b onclick="x()">A & B</b>')
    '&lt;b onclick=&quot;x()&quot;&gt;A &amp; B&lt;/b&gt;'
    """
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def script_json(value: Any) -> str:
    """Serialise ``value`` as JSON that is safe inside a ``<script>`` element.

    The result is valid JSON *and* a valid JavaScript expression; it contains no
    ``<``, ``>``, ``&``, quote ``'``, backtick, ``$`` or line/paragraph separator, so
    it can end neither the script element nor a string or template literal around it.
    NaN and infinities become ``null``.

    Examples
    --------
    >>> script_json({"note": "</script><script>alert(1)</script>"})
    '{"note":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:  # NaN or infinity somewhere: clean (slow path) and retry

        text = json.dumps(clean_value(value), ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False)
    # str.replace runs in C and is ~10x faster than str.translate on multi-MB payloads.
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(chr(char), escape)
    return text


def js_string(value: object) -> str:
    """Return a double-quoted JavaScript string literal holding ``str(value)``.

    Safe in a ``<script>`` element and in an HTML attribute delimited by double
    quotes only after :func:`html_text`; prefer passing data through
    :func:`script_json` payloads.

    Examples
    --------
    >>> js_string("a`${b}`")
    '"a\\\\u0060\\\\u0024{b}\\\\u0060"'
    """
    return script_json("" if value is None else str(value))
