"""The HTML reports: what a page shows (:mod:`.context`), figures, design limits, templates, and the build."""

__all__ = ["build_reports"]


def build_reports(*args, **kwargs):
    """Render the reports (see :func:`analysis.report.build.build_reports`)."""
    from analysis.report.build import build_reports as build

    return build(*args, **kwargs)
