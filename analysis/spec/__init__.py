"""Study specs: the published figures of a study as data (models, loading, constraints, assumption slots)."""

from analysis.spec.model import StudyFile, StudySpec, load_study, load_study_file, parse_study_file, study_files

__all__ = ["StudySpec", "StudyFile", "load_study", "load_study_file", "parse_study_file", "study_files"]
