"""The tutorial notebook (examples/tutorial.ipynb) runs end to end, offline, and is stored clean.

The notebook runs in a kernel of this very interpreter: a kernelspec naming
``sys.executable`` is written into the test's temporary folder and used from there, so the
test needs no kernel installed for the user and works in a fresh virtualenv. The notebook
writes only into ``$GEOCONFLICT_TUTORIAL_OUT`` (set here to a temporary folder).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from support import ROOT

NOTEBOOK = ROOT / "examples" / "tutorial.ipynb"

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def _stream_text(nb: Any) -> str:
    """Everything the notebook's cells printed (stdout streams), in order."""
    return "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("output_type") == "stream")


def test_tutorial_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    for i, cell in enumerate(code):
        assert cell.get("outputs") == [], f"code cell {i} has stored outputs"
        assert cell.get("execution_count") is None, f"code cell {i} has an execution count"


def test_tutorial_runs_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    kernels = tmp_path / "kernels"
    write_kernel_spec(kernels / "geoconflict-test")  # argv: this sys.executable
    km = KernelManager(kernel_name="geoconflict-test",
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    out = tmp_path / "out"
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.setenv("GEOCONFLICT_TUTORIAL_OUT", str(out))  # inherited by the kernel
    monkeypatch.chdir(work)

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, km=km, timeout=180, allow_errors=False,
                            resources={"metadata": {"path": str(work)}})
    client.execute()

    printed = _stream_text(nb)
    near = re.search(r"Mashtal strike: nearest base (.+?), ([\d.]+) km", printed)
    assert near, printed
    assert near.group(1) == "Union III"
    assert float(near.group(2)) == pytest.approx(7.4, abs=0.1)
    tower = re.search(r"Tower 22 attack: nearest base (.+?), ([\d.]+) km", printed)
    assert tower, printed
    assert (tower.group(1), float(tower.group(2))) == ("Tower 22", 0.0)
    dedup = re.search(r"(\d+) \+ (\d+) -> (\d+) incidents after de-duplication", printed)
    assert dedup, printed
    assert dedup.groups() == ("12", "2", "12")  # both reports match a scenario incident
    assert "12 incidents read back" in printed
    assert sorted(p.name for p in out.iterdir()) == ["scenario.gpkg", "scenario_map.html"]
    assert list(work.iterdir()) == []  # nothing written into the working folder
