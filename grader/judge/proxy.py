"""The `student` fixture of a lesson graded in a worker: the learner's module, at a distance.

`student.conv2d(image, kernels, stride=2)` sends the call to the worker and
returns the decoded value, so a check reads as if the learner's function ran
here. Arrays the call changed in place are changed here too, and the warnings
it raised are raised again here. An exception the
learner's code raised comes back as data and is raised here as an exception of
the same built-in type (`except FileNotFoundError` in a check still works),
carrying that data for the plugin to classify.
"""

from __future__ import annotations

import builtins
import warnings

from grader import protocol
from grader.expect import CheckFailure
from grader.judge.supervisor import Supervisor
from grader.messages import common


class LearnerError(Exception):
    """An exception raised by the learner's code in the worker; `data` is what it sent."""

    data: dict

    def __str__(self):
        return self.data["message"]


class LearnerExit(BaseException):
    """A SystemExit or KeyboardInterrupt of the learner's: like those, a check's
    `except Exception` does not catch it."""

    data: dict

    def __str__(self):
        return self.data["message"]


LEARNER_ERRORS = (LearnerError, LearnerExit)


def learner_exception(data: dict) -> LearnerError | LearnerExit:
    """An exception named as the learner's was; of that built-in type when there is one."""
    name = str(data.get("type", "Exception"))
    base = getattr(builtins, name, None)
    if isinstance(base, type) and issubclass(base, Exception):
        bases = (LearnerError, base)
    elif isinstance(base, type) and issubclass(base, BaseException):
        bases = (LearnerExit,)
    else:
        bases = (LearnerError,)
    kind = type(name if name.isidentifier() else "Exception", bases, {})
    error = kind.__new__(kind)
    error.data = data
    return error


class RemoteFunction:
    def __init__(self, supervisor: Supervisor, name: str, display: str):
        self.supervisor, self.name, self.display = supervisor, name, display

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True
        answer = self.supervisor.call(self.name, args, kwargs)
        if "missing" in answer:
            raise CheckFailure(common.MISSING_FUNCTION, file=self.display, function=self.name)
        if "unsendable" in answer:
            raise CheckFailure(common.UNSENDABLE, function=self.name, detail=str(answer["unsendable"])[:300])
        warn_again(answer.get("warnings", []))
        try:
            write_back(protocol.decode(answer.get("changed", {})), args, kwargs)
            if "error" in answer:
                raise learner_exception(answer["error"])
            return protocol.decode(answer["value"])
        except (protocol.ProtocolError, KeyError, TypeError) as error:
            raise CheckFailure(common.UNSENDABLE, function=self.name, detail=str(error)[:300]) from None


def warn_again(caught: list) -> None:
    """Raise here the warnings the learner's call raised there (a check may watch for them)."""
    for category, message in caught[:20]:
        kind = getattr(builtins, str(category), None)
        if not (isinstance(kind, type) and issubclass(kind, Warning)):
            kind = UserWarning
        warnings.warn(str(message), kind, stacklevel=3)


def write_back(changed: dict, args: tuple, kwargs: dict) -> None:
    """Change the caller's arrays as the learner's call changed the worker's copies."""
    if not changed:
        return
    import numpy as np

    for key, value in changed.items():
        target = args[key] if isinstance(key, int) else kwargs[key]
        if isinstance(target, np.ndarray) and isinstance(value, np.ndarray) and value.shape == target.shape:
            target[...] = value
        elif isinstance(target, np.ndarray):
            target[...] = np.nan if target.dtype.kind in "fc" else 0  # changed beyond recognition


class StudentProxy:
    """The learner's module as the checks see it: every attribute is a function in the worker."""

    def __init__(self, supervisor: Supervisor, display: str):
        self._supervisor, self._display = supervisor, display

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteFunction(self._supervisor, name, self._display)
