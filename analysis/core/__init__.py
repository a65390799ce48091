"""The foundation every layer shares and that imports nothing else of the project: the result type
(:class:`Estimate`), the errors a user can act on, numbers as printed, paths, YAML-to-model reading and
parallel mapping.

Names are imported on first use, so ``import analysis`` (and the CLI's ``--help``) does not pay for pandas and
scipy.

>>> from analysis.core import Estimate, InputError
>>> Estimate.__name__, InputError.__name__
('Estimate', 'InputError')
"""

from __future__ import annotations

import importlib

_WHERE = {"Estimate": "analysis.core.results", "format_p": "analysis.core.results",
          "InputError": "analysis.core.errors", "AnalysisError": "analysis.core.errors",
          "ReconstructionError": "analysis.core.errors"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'analysis.core' has no attribute {name!r}")
