"""Defaults shared by the engine and the cache's fast paths (which must not import the engine)."""

#: Assumption draws per study that rests on assumptions (reports, ``claims list``, ``analyze``).
DEFAULT_ENSEMBLE_DRAWS = 200
