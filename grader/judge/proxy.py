"""The `student` fixture of a lesson graded in a worker: the learner's module, at a distance.

`student.conv2d(image, kernels, stride=2)` sends the call to the worker and
returns the decoded value, so a check reads as if the learner's function ran
here. Arguments the call changed in place (arrays, lists, dicts, sets) are changed here too, and the warnings
it raised are raised again here. An exception the
learner's code raised comes back as data and is raised here as an exception of
the same built-in type (`except FileNotFoundError` in a check still works),
carrying that data for the plugin to classify.
"""

from __future__ import annotations

import builtins
import secrets
import warnings
from pathlib import Path

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


def unpack(answer: dict, supervisor: Supervisor, function: str, display: str, args=(), kwargs=None):
    """The value of the worker's `answer` to a call of (or a recipe around) the learner's
    `function`, with every model in it loaded here; the learner's exception raised here."""
    __tracebackhide__ = True
    if "missing" in answer:
        raise CheckFailure(common.MISSING_FUNCTION, file=display, function=answer["missing"])
    if "unsendable" in answer:
        raise CheckFailure(common.UNSENDABLE, function=function, detail=str(answer["unsendable"])[:300])
    if "model_not_saved" in answer:
        raise CheckFailure(common.MODEL_NOT_SAVED, function=function, detail=str(answer["model_not_saved"])[:300])
    warn_again(answer.get("warnings", []))
    try:
        write_back(protocol.decode(answer.get("changed", {})), args, kwargs or {})
        raised = answer.get("error")
        if raised is not None:
            raised = {**raised, "context": protocol.decode(answer.get("context"))}
        else:
            value = protocol.decode(answer["value"])
    except (protocol.ProtocolError, KeyError, TypeError) as error:
        raise CheckFailure(common.UNSENDABLE, function=function, detail=str(error)[:300]) from None
    if raised is not None:  # outside the try: the learner's own TypeError is not a bad reply
        raise learner_exception(raised)
    return load_models(value, supervisor.settings.scratch, function)


def load_models(value, scratch, function: str):
    """`value` with each `protocol.ModelFile` in it replaced by the model, loaded as data."""
    __tracebackhide__ = True
    if isinstance(value, protocol.ModelFile):
        from grader.judge import models

        return models.load(value, scratch, function)
    if isinstance(value, list):
        return [load_models(item, scratch, function) for item in value]
    if isinstance(value, tuple):
        return tuple(load_models(item, scratch, function) for item in value)
    if isinstance(value, dict):
        return {key: load_models(item, scratch, function) for key, item in value.items()}
    return value


class RemoteFunction:
    def __init__(self, supervisor: Supervisor, name: str, display: str):
        self.supervisor, self.name, self.display = supervisor, name, display

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True
        answer = self.supervisor.call(self.name, args, kwargs)
        return unpack(answer, self.supervisor, self.name, self.display, args, kwargs)


def warn_again(caught: list) -> None:
    """Raise here the warnings the learner's call raised there (a check may watch for them)."""
    for category, message in caught[:20]:
        kind = getattr(builtins, str(category), None)
        if not (isinstance(kind, type) and issubclass(kind, Warning)):
            kind = UserWarning
        warnings.warn(str(message), kind, stacklevel=3)


def write_back(changed: dict, args: tuple, kwargs: dict) -> None:
    """Change the caller's arguments as the learner's call changed the worker's copies."""
    if not changed:
        return
    import numpy as np

    for key, value in changed.items():
        if key not in (range(len(args)) if isinstance(key, int) else kwargs):
            raise protocol.ProtocolError(f"the reply changed an argument the call did not have: {key!r}")
        target = args[key] if isinstance(key, int) else kwargs[key]
        if isinstance(target, np.ndarray) and isinstance(value, np.ndarray) and value.shape == target.shape:
            target[...] = value
        elif isinstance(target, np.ndarray):
            target[...] = np.nan if target.dtype.kind in "fc" else 0  # changed beyond recognition
        elif isinstance(target, list) and isinstance(value, list):
            target[:] = value
        elif isinstance(target, (dict, set)) and isinstance(value, type(target)):
            target.clear()
            target.update(value)


class StudentProxy:
    """The learner's module as the checks see it: every attribute is a function in the worker,
    and `ask` runs one of the worker's recipes (`grader.worker.recipes`) around them."""

    def __init__(self, supervisor: Supervisor, display: str):
        self._supervisor, self._display = supervisor, display

    def scratch_folder(self, name: str) -> Path:
        """A new folder's path under the worker's scratch folder, the one place the worker may
        write under every confinement (the worker creates it)."""
        return self._supervisor.settings.scratch / f"{name}-{secrets.token_hex(4)}"

    def ask(self, recipe: str, *, naming: str | None = None, **kwargs):
        """What the worker's `recipe` hands back. `naming` is the learner's function it calls, as
        the messages name it (by default its `function=` argument)."""
        __tracebackhide__ = True
        answer = self._supervisor.recipe(recipe, kwargs)
        return unpack(answer, self._supervisor, naming or kwargs.get("function", recipe), self._display)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteFunction(self._supervisor, name, self._display)
