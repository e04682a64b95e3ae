"""Pictures of a map (PNG, PDF), drawn by a headless Chromium driven through Playwright.

The page is the map's own self-contained HTML, opened from a temporary file with every
request other than ``file:`` and ``data:`` aborted, so the picture is the offline map
(online tiles, if the map asks for them, are left out and a :class:`MapWarning` says
so). The shot is taken once the runtime reports every layer painted (``paintedAt``),
every image decoded and the fonts loaded. Interactive-only controls (zoom, layer
switcher, full screen, measure, time slider, legend toggle) are hidden; the title,
legend, scale bar and attribution are drawn as on screen.

Playwright is the optional extra ``geoconflict[image]``. Its own browser download is
not used; the browser is looked up, in this order:

1. ``$GEOCONFLICT_CHROMIUM`` (a path, or a command name on ``PATH``; when set it must
   work, there is no fallback past it);
2. ``/usr/bin/chromium`` (Debian's and Ubuntu's package ``chromium``);
3. ``chromium``, then ``chromium-browser`` on ``PATH``.

Used by :meth:`geoconflict.webmap.ConflictMap.to_image` and the CLI's ``map -o x.png``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import _config
from ..errors import ArgumentError, ImageError, MapWarning

__all__ = ["PAGE_SIZES", "PictureOptions", "find_chromium", "picture_format", "render_picture"]

#: Named paper sizes, portrait, in millimetres.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0),
    "Letter": (215.9, 279.4), "Legal": (215.9, 355.6), "Tabloid": (279.4, 431.8),
}
#: Picture formats by file suffix.
SUFFIXES = {".png": "png", ".pdf": "pdf"}
DEBIAN_CHROMIUM = "/usr/bin/chromium"
CSS_PX_PER_INCH = 96.0
MM_PER_INCH = 25.4

_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
         "--mute-audio", "--font-render-hinting=none"]
_INSTALL = ("install Debian's chromium (apt-get install chromium; scripts/"
            "install-system-deps.sh does it) or set GEOCONFLICT_CHROMIUM to a Chromium or "
            "Chrome executable")
#: Every map on the page drew its last frame, every image (overlays) is decoded.
_READY = ("() => !!window.GeoconflictMap && Object.keys(GeoconflictMap.maps).length > 0 && "
          "Object.values(GeoconflictMap.maps).every(s => s.paintedAt) && "
          "Array.from(document.images).every(i => i.complete)")


@dataclass(frozen=True)
class PictureOptions:
    """What to draw. PNG: ``width`` x ``height`` CSS pixels at ``scale`` device pixels
    each. PDF: one page of ``page_mm`` (width, height) with ``margin_mm`` on every side;
    raster parts (incident symbols, overlays) drawn at ``dpi``."""

    format: str
    width: int = 1200
    height: int = 800
    scale: float = 1.0
    page_mm: tuple[float, float] = PAGE_SIZES["A4"]
    margin_mm: float = 10.0
    dpi: float = 300.0
    timeout_s: float = 60.0

    @property
    def viewport(self) -> dict[str, int]:
        """The browser window, in CSS pixels (for a PDF: the page inside its margins)."""
        if self.format == "png":
            return {"width": self.width, "height": self.height}
        w, h = (int((mm - 2 * self.margin_mm) / MM_PER_INCH * CSS_PX_PER_INCH)
                for mm in self.page_mm)
        return {"width": w, "height": h}

    @property
    def device_scale(self) -> float:
        return self.scale if self.format == "png" else self.dpi / CSS_PX_PER_INCH


def picture_format(path: str | Path | None, format: str | None) -> str:
    """``"png"`` or ``"pdf"``: ``format`` when given, else from ``path``'s suffix, else
    PNG. An unknown format or suffix is an :class:`ArgumentError`."""
    if format is not None:
        fmt = str(format).lower().lstrip(".")
        if fmt not in SUFFIXES.values():
            msg = f"unknown picture format {format!r}: use 'png' or 'pdf'"
            raise ArgumentError(msg)
        return fmt
    if path is None:
        return "png"
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        msg = (f"cannot tell the picture format of {str(path)!r} from its suffix "
               f"{suffix or '(none)'!r}: use .png or .pdf")
        raise ArgumentError(msg)
    return SUFFIXES[suffix]


def page_size(page: str | Sequence[float], landscape: bool) -> tuple[float, float]:
    """A named paper size (``"A4"``, case-insensitive) or ``(width_mm, height_mm)``."""
    if isinstance(page, str):
        sizes = {k.lower(): v for k, v in PAGE_SIZES.items()}
        if page.lower() not in sizes:
            msg = f"unknown page size {page!r}: use one of {', '.join(PAGE_SIZES)}"
            raise ArgumentError(msg)
        w, h = sizes[page.lower()]
    else:
        w, h = (float(v) for v in page)
    if landscape:
        w, h = max(w, h), min(w, h)
    return w, h


def check_options(opts: PictureOptions) -> None:
    """Raise :class:`ArgumentError` for sizes no picture can have."""
    if opts.format == "png" and not (16 <= opts.width <= 10_000 and 16 <= opts.height <= 10_000):
        msg = f"width and height must be 16-10000 pixels, not {opts.width}x{opts.height}"
        raise ArgumentError(msg)
    if not 0.25 <= opts.scale <= 8:
        msg = f"scale must be between 0.25 and 8, not {opts.scale}"
        raise ArgumentError(msg)
    if not 36 <= opts.dpi <= 1200:
        msg = f"dpi must be between 36 and 1200, not {opts.dpi}"
        raise ArgumentError(msg)
    if opts.format == "pdf" and min(opts.viewport.values()) < 50:
        msg = (f"page {opts.page_mm[0]:g}x{opts.page_mm[1]:g} mm with {opts.margin_mm:g} mm "
               "margins leaves no room for the map")
        raise ArgumentError(msg)


def find_chromium() -> str:
    """The Chromium executable, in the documented order (see the module docstring)."""
    configured = _config.get("GEOCONFLICT_CHROMIUM")
    if configured:
        found = _executable(configured)
        if found is None:
            msg = (f"GEOCONFLICT_CHROMIUM={configured!r} is not an executable file or a "
                   "command on PATH; point it at a Chromium or Chrome executable, or unset it")
            raise ImageError(msg)
        return found
    for candidate in (DEBIAN_CHROMIUM, "chromium", "chromium-browser"):
        found = _executable(candidate)
        if found is not None:
            return found
    msg = f"map pictures need a Chromium browser and none was found: {_INSTALL}"
    raise ImageError(msg)


def _executable(name: str) -> str | None:
    path = Path(name).expanduser()
    if path.is_absolute() or os.sep in name:
        return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    return shutil.which(name)


def _sync_api() -> Any:
    try:
        from playwright import sync_api
    except ImportError:
        msg = ("map pictures need Playwright: pip install 'geoconflict[image]' (or pip "
               f"install playwright; its own browser download is not needed); then {_INSTALL}")
        raise ImageError(msg) from None
    return sync_api


def render_picture(page_html: str, opts: PictureOptions) -> bytes:
    """Draw ``page_html`` (a complete map page) as PNG or PDF bytes.

    Runs in a worker thread when the calling thread has a running asyncio loop (Jupyter),
    since Playwright's synchronous API refuses to run inside one.
    """
    check_options(opts)
    sync_api = _sync_api()
    executable = find_chromium()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        data, blocked = _render(sync_api, executable, page_html, opts)
    else:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            data, blocked = pool.submit(_render, sync_api, executable, page_html, opts).result()
    if blocked:
        msg = (f"{len(blocked)} network request(s) were blocked while drawing the picture "
               f"(e.g. {blocked[0][:80]}); it shows the offline map only")
        warnings.warn(msg, MapWarning, stacklevel=3)
    return data


def _render(sync_api: Any, executable: str, page_html: str,
            opts: PictureOptions) -> tuple[bytes, list[str]]:
    blocked: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("blockedbyclient")

    timeout_ms = opts.timeout_s * 1000
    with tempfile.TemporaryDirectory(prefix="geoconflict-picture-") as tmp:
        page_file = Path(tmp) / "map.html"
        page_file.write_text(page_html, encoding="utf-8")
        with sync_api.sync_playwright() as pw:
            try:
                browser = pw.chromium.launch(executable_path=executable, args=_ARGS,
                                             timeout=timeout_ms)
            except sync_api.Error as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                msg = f"could not start Chromium ({executable}): {first}; {_INSTALL}"
                raise ImageError(msg) from None
            try:
                context = browser.new_context(viewport=opts.viewport,
                                              device_scale_factor=opts.device_scale,
                                              service_workers="block")
                context.route("**/*", route)
                page = context.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.add_init_script("window.GEOCONFLICT_PICTURE = true;")
                page.goto(page_file.as_uri(), wait_until="load", timeout=timeout_ms)
                page.wait_for_function(_READY, timeout=timeout_ms, polling=50)
                page.evaluate("() => document.fonts.ready.then(() => true)")
                data = _shoot(page, opts)
            except sync_api.TimeoutError:
                msg = f"the map did not finish drawing within {opts.timeout_s:g} s"
                if errors:
                    msg += f" (the page failed: {errors[0][:200]})"
                raise ImageError(msg) from None
            except sync_api.Error as exc:
                msg = f"Chromium failed while drawing the map: {str(exc).strip()[:300]}"
                raise ImageError(msg) from None
            finally:
                browser.close()
    return data, blocked


def _shoot(page: Any, opts: PictureOptions) -> bytes:
    if opts.format == "png":
        return bytes(page.screenshot(type="png", full_page=False, animations="disabled"))
    page.emulate_media(media="screen")
    view = opts.viewport
    # The print layout must be the window the map was drawn in: one page, no reflow.
    page.add_style_tag(content=(
        f"@page {{ size: {opts.page_mm[0]}mm {opts.page_mm[1]}mm; margin: {opts.margin_mm}mm }}"
        f" html, body {{ width: {view['width']}px !important; height: {view['height']}px"
        " !important; overflow: hidden !important }"))
    margin = f"{opts.margin_mm}mm"
    return bytes(page.pdf(width=f"{opts.page_mm[0]}mm", height=f"{opts.page_mm[1]}mm",
                          margin={"top": margin, "bottom": margin, "left": margin,
                                  "right": margin},
                          print_background=True, page_ranges="1", prefer_css_page_size=False))
