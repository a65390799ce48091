"""Run the analyst notebooks headless (papermill) and export them to offline HTML with the code hidden.

>>> sorted(p.name for p in notebook_paths())[:1]
['01-tour.ipynb']
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill as pm
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from analysis.core.errors import InputError
from analysis.core.paths import notebooks_dir

TEMPLATES = Path(__file__).parent / "report" / "templates" / "nbconvert"


def notebook_paths() -> list[Path]:
    """The analyst notebooks (the checkout's, or the copy shipped with the package), in order."""
    return sorted(notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def run_notebook(path: Path, out: Path, parameters: dict | None = None, cwd: Path | None = None) -> Path:
    """Execute ``path`` with papermill (its ``parameters`` cell overridden) and write the result to ``out``.

    Cell ids are renumbered and each cell's consecutive stream outputs merged (the kernel may split one print
    into several messages), so that two runs with the same inputs give the same file.
    """
    path, out = Path(path), Path(out)
    if not path.is_file():
        raise InputError(path, "(file)", "no such notebook")
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(path), str(out), parameters=parameters or {}, kernel_name="python3",
                        progress_bar=False, cwd=str(cwd or notebooks_dir().parent))
    nb = nbformat.read(out, as_version=4)
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{k:03d}"
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, out)
    return out


def export_html(notebook: Path, out: Path, hide_code: bool = True) -> Path:
    """Export an executed notebook to a self-contained HTML file (no CDN scripts), code hidden by default."""
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=hide_code, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    if re.search(r'<script[^>]+src="https?://', body):
        raise RuntimeError(f"{notebook}: the exported HTML would load a script from another host")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def build_notebooks(out_dir: Path, names: list[str] | None = None) -> list[Path]:
    """Run every notebook (or those named) and write ``NAME.ipynb`` and ``NAME.html`` into ``out_dir``."""
    out_dir = Path(out_dir)
    paths = notebook_paths()
    if not paths:
        raise InputError(notebooks_dir(), "(folder)", "holds no notebooks (NN-name.ipynb)")
    known = {p.stem for p in paths} | {p.name for p in paths}
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise InputError("notebooks", "--name", f"unknown notebook {', '.join(map(repr, unknown))}; known: "
                                                f"{', '.join(p.stem for p in paths)}")
    written = []
    for path in paths:
        if names and path.stem not in names and path.name not in names:
            continue
        executed = run_notebook(path, out_dir / path.name)
        written.append(export_html(executed, out_dir / f"{path.stem}.html"))
    return written
