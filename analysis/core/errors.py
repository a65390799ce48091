"""The project's errors: what a user can act on, kept apart from bugs.

Every error the toolkit raises on purpose derives from :class:`HamstringEvidenceError`, which is *not* a
``ValueError``: the CLI turns these (and only these) into one line and exit status 2, while any other exception
(a ``KeyError``, ``ValueError`` or ``ZeroDivisionError`` from a bug) stays an internal error, exit status 1.

Examples
--------
>>> issubclass(InputError, HamstringEvidenceError), issubclass(InputError, ValueError)
(True, False)
"""

from __future__ import annotations

from pathlib import Path


class HamstringEvidenceError(Exception):
    """Base class of every error the toolkit raises on purpose (bad input, data a method cannot take, a spec no
    dataset can follow). Anything else that reaches the CLI is a bug.

    Examples
    --------
    >>> try:
    ...     raise AnalysisError("x: is constant, so its correlation is undefined")
    ... except HamstringEvidenceError as exc:
    ...     print(exc)
    x: is constant, so its correlation is undefined

    Every project error survives pickling (a worker process of ``--jobs N`` sends its error back to the parent
    pickled) with its type, message and attributes, whatever its constructor takes:

    >>> import pickle
    >>> err = pickle.loads(pickle.dumps(InputError("S9.yaml", "groups.lbp.n", "must be positive")))
    >>> type(err).__name__, str(err), err.field
    ('InputError', 'S9.yaml: groups.lbp.n: must be positive', 'groups.lbp.n')
    """

    def __reduce__(self):
        """Pickle as the type, ``args`` and attributes, rebuilt without calling ``__init__`` again.

        Python's default rebuilds an exception as ``type(self)(*self.args)``: for a class whose constructor takes
        other arguments than the message it passes on (``InputError(source, field, problem)``), unpickling then
        fails, and a ``ProcessPoolExecutor`` reports the failure as ``BrokenProcessPool`` instead of the error.

        Returns
        -------
        tuple
            :func:`_rebuild`, and the class, ``self.args`` and ``self.__dict__`` it is called with.
        """
        return _rebuild, (type(self), self.args, self.__dict__)


class InputError(HamstringEvidenceError):
    """Bad input from a user or a spec file.

    Parameters
    ----------
    source : str or Path
        The file (or other input) the problem was found in.
    field : str
        The field, column or option that is wrong.
    problem : str
        What is wrong with it, in one sentence without a trailing period.

    Examples
    --------
    >>> err = InputError("data/studies/S9.yaml", "groups.lbp.n", "must be a positive integer, got -3")
    >>> str(err)
    'data/studies/S9.yaml: groups.lbp.n: must be a positive integer, got -3'
    """

    def __init__(self, source: str | Path, field: str, problem: str):
        self.source = str(source)
        self.field = field
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.source}: {self.field}: {self.problem}")


class AnalysisError(HamstringEvidenceError):
    """Data that a statistical method cannot be applied to (too few rows, constant column, ...)."""


class ReconstructionError(HamstringEvidenceError):
    """No dataset can reproduce a spec's published figures with the values given (e.g. an assumption draw under
    which no cohort matches a reported significance statement). An ensemble counts and reports such draws; any
    other exception during a draw is a bug and surfaces."""


def _rebuild(cls: type, args: tuple, state: dict) -> HamstringEvidenceError:
    """An error of class ``cls`` with ``args`` and the attributes ``state``, made without calling its ``__init__``.

    Parameters
    ----------
    cls : type
        A subclass of :class:`HamstringEvidenceError`.
    args : tuple
        The exception's ``args`` (what ``str()`` shows).
    state : dict
        Its attributes (e.g. ``source``, ``field`` and ``problem`` of an :class:`InputError`; notes added with
        ``add_note``).

    Returns
    -------
    HamstringEvidenceError
        The error as it was pickled.
    """
    err = cls.__new__(cls, *args)
    err.args = args
    err.__dict__.update(state)
    return err
