"""What checks use to judge a learner's results and to name a mistake.

A check fails by raising `CheckFailure` with a message template from
`grader.messages`; the report shows the filled-in message, and tests compare
the template.
"""

from __future__ import annotations

from typing import Any


class CheckFailure(AssertionError):
    def __init__(self, template: str, **fields: Any):
        self.template, self.fields = template, fields  # the fields too: a caller may quote one
        super().__init__(template.format(**fields))


def fail(template: str, **fields: Any):
    __tracebackhide__ = True
    raise CheckFailure(template, **fields)


def describe(value: Any) -> str:
    """A short, learner-readable description of a value's type (and shape)."""
    shape = getattr(value, "shape", None)
    kind = type(value).__name__
    if shape is not None:
        return f"{kind} of shape {tuple(shape)} and dtype {getattr(value, 'dtype', '?')}"
    if isinstance(value, (list, tuple, dict, set)):
        return f"{kind} of length {len(value)}"
    return kind


def as_array(value: Any, what: str, wrong_type: str):
    """`value` as a NumPy array, or the check fails with `wrong_type`."""
    __tracebackhide__ = True
    import numpy as np

    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(wrong_type, what=what, got=describe(value))
    if array.dtype == object:
        fail(wrong_type, what=what, got=describe(value))
    return array


def first_difference(actual, expected, rtol: float, atol: float):
    """(index, actual value, expected value) of the worst mismatch, or None when all close."""
    import numpy as np

    close = np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=False)
    if close.all():
        return None
    error = np.where(close, 0.0, np.abs(np.nan_to_num(actual - expected, nan=np.inf)))
    index = np.unravel_index(int(np.argmax(error)), error.shape)
    return tuple(int(i) for i in index), actual[index], expected[index]


def expect_close(actual: Any, expected: Any, what: str, rtol: float = 1e-5, atol: float = 1e-6):
    """`actual` has `expected`'s shape and values, within NumPy tolerances."""
    __tracebackhide__ = True
    import numpy as np

    from grader.messages import common

    got = as_array(actual, what, common.WRONG_TYPE)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        fail(common.WRONG_SHAPE, what=what, got=got.shape, expected=expected.shape)
    mismatch = first_difference(got, expected, rtol, atol)
    if mismatch is None:
        return got
    index, value, want = mismatch
    where = index if len(index) != 1 else index[0]
    if not np.isfinite(value):
        fail(common.NOT_FINITE, what=what, bad=value, index=where, expected=want)
    fail(common.WRONG_VALUES, what=what, index=where, got=value, expected=want)
