"""The foundation every layer shares and that imports nothing else of the project: the result type
(:class:`Estimate`), the errors a user can act on, numbers as printed, paths, YAML-to-model reading and
parallel mapping."""

from analysis.core.errors import AnalysisError, InputError, ReconstructionError
from analysis.core.results import Estimate, format_p

__all__ = ["Estimate", "format_p", "InputError", "AnalysisError", "ReconstructionError"]
