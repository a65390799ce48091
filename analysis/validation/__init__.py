"""Validation of the reconstruction method on real data whose answer is known (issue #34).

:mod:`.sources` (the real datasets, their source and licence), :mod:`.publish` (real data -> the spec a paper would
give), :mod:`.cases` (the validation set), :mod:`.run` (reconstruct, analyse, compare: :class:`ValidationRecord`).
"""

from analysis.validation.run import ValidationRecord, records_frame, run_validation, summary

__all__ = ["ValidationRecord", "records_frame", "run_validation", "summary"]
