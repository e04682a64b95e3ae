"""``geoconflict demo``: the main job on the embedded scenario."""

from __future__ import annotations

import click

from ..demo import run_demo
from .verbosity import info


@click.command()
@click.option("-o", "--output", "out_dir", default="out", show_default=True,
              metavar="DIR", help="Directory for the outputs.")
def demo(out_dir: str) -> None:
    """Validate, geocode, measure, map and export the embedded scenario."""

    result = run_demo(out_dir, log=info)
    info(f"demo done: {len(result.outputs)} files in {out_dir}/")
