"""The worker's loop: import the learner's file, then answer the judge's requests.

Requests (JSON, see `grader.protocol`):

- `{"op": "call", "function": name, "args": [...], "kwargs": {...}}`: call the learner's
  function. The answer is `{"value": ...}`, `{"error": error data}`, `{"missing": name}`,
  `{"model_not_saved": why}` or `{"unsendable": why}`; `"changed"` gives back the array,
  list, dict and set arguments the call changed in place (index or keyword -> new value),
  so the judge sees what the learner's code did to its inputs.
- `{"op": "recipe", "recipe": "module.name", "kwargs": {...}}`: run one of
  `grader.worker.recipes`, which calls the learner's functions on inputs built here. The
  answer is as a call's, without `"changed"`: a recipe's arguments are its own, and it sends
  back what its check needs.

A Keras model in an answer is saved as `model-N.keras` in the scratch folder (the worker's
working folder) and crosses as its file name.

The worker first says `{"ready": true}`, then the outcome of the import:
`{"import": "passed"}`, `{"import": "error", "error": ...}` or
`{"import": "reference_function", "function": name}`. A standby worker (started with
`--standby MODULE...`, or forked by `grader.worker.zygote`) imports those modules before it
says ready, and loads the file only when the judge sends `{"op": "load"}`.
"""

from __future__ import annotations

import os
import sys
import warnings
from multiprocessing.connection import Client
from pathlib import Path

from grader import protocol
from grader.worker import recipes
from grader.worker.loading import block_reference_imports, functions_taken_from, load_module


def main(argv: list[str]) -> None:
    address, family, learner_file, module_name, solutions_dir, *standby = argv
    if os.environ.get("GRADER_JUDGE_PID"):
        from grader.parent import die_with_parent

        die_with_parent(int(os.environ["GRADER_JUDGE_PID"]))
    authkey = bytes.fromhex(sys.stdin.readline().strip())
    sys.stdin.close()
    connection = Client(address, family, authkey=authkey)
    if standby:  # ["--standby", modules...]: started before the save (grader/standby.py)
        preload(standby[1:])
    serve(connection, Path(learner_file), module_name, Path(solutions_dir), standby=bool(standby))


def serve(connection, learner_file: Path, module_name: str, solutions_dir: Path, standby: bool) -> None:
    """Say ready, import the learner's file (a `standby` first waits for the judge's word that
    it is there), then answer the judge's requests until it closes the channel."""
    reply(connection, {"ready": True})  # the judge's time limit for the import starts now
    if standby and not told_to_load(connection):
        return  # the standby was given up
    module = None
    block_reference_imports()
    sys.dont_write_bytecode = True
    try:
        module = load_module(learner_file, module_name)
    except BaseException as error:  # the learner's top-level code may raise anything
        answer = {"import": "error", "error": protocol.error_data(error, learner_file)}
    else:
        taken = functions_taken_from(module, solutions_dir)
        answer = {"import": "reference_function", "function": taken[0]} if taken else {"import": "passed"}
    reply(connection, answer)
    if module is None:
        return
    while True:
        try:
            request = protocol.receive(connection)
        except (EOFError, OSError):
            return
        reply(connection, answer_to(request, module, learner_file))


def preload(modules: list[str]) -> None:
    """Import `modules` before the learner's file exists (TensorFlow's start-up log filtered
    out), so that loading the file costs only its own code. Nothing is built or run: the
    learner's code finds Keras as a cold import leaves it."""
    from course.quiet_tensorflow import silence_tensorflow_startup
    from grader.preload import import_and_freeze

    silence_tensorflow_startup()
    import_and_freeze(modules)


def told_to_load(connection) -> bool:
    """A standby waits, using no CPU, until the judge says the learner's file is there."""
    try:
        return protocol.receive(connection).get("op") == "load"
    except (EOFError, OSError, protocol.ProtocolError):
        return False


def reply(connection, answer: dict) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # the learner's code may have closed or replaced the stream
            pass
    protocol.send(connection, answer)


def answer_to(request: dict, module, learner_file: Path) -> dict:
    op = request.get("op")
    if op == "status":
        return {"tensorflow_imported": "tensorflow" in sys.modules}
    args = protocol.decode(request.get("args", []))
    kwargs = protocol.decode(request.get("kwargs", {}))
    if op == "call":
        function = getattr(module, request["function"], None)
        if function is None:
            return {"missing": request["function"]}
    elif op == "recipe":
        recipe = recipes.find(str(request.get("recipe")))
        if recipe is None:
            return {"unsendable": f"unknown recipe {request.get('recipe')!r}"}
        return run(recipe, [module, *args], kwargs, learner_file, watched=False)
    else:
        return {"unsendable": f"unknown request {op!r}"}
    return run(function, args, kwargs, learner_file)


def run(function, args: list, kwargs: dict, learner_file: Path, watched: bool = True) -> dict:
    """The answer for `function(*args, **kwargs)`: its value or the learner's exception, the
    warnings raised and, when the arguments are `watched` (a call's, not a recipe's), those it
    changed in place (arrays, lists, dicts, sets)."""
    seen = (args, kwargs) if watched else ([], {})
    before = {key: value.copy() for key, value in arrays_in(*seen)}
    described = {key: protocol.encode(value) for key, value in containers_in(*seen)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function(*args, **kwargs)
        except recipes.MissingFunction as missing:
            return {"missing": str(missing)}
        except BaseException as error:  # SystemExit and KeyboardInterrupt are the learner's too
            answer = {"error": protocol.error_data(error, learner_file),
                      "context": getattr(error, recipes.CONTEXT, None)}
        else:
            answer = {"value": value}
    answer["warnings"] = [[w.category.__name__, str(w.message)[:500]] for w in caught[:20]]
    changed = {key: value for key, value in arrays_in(*seen)
               if not (value.shape == before[key].shape and (value == before[key]).all())}
    try:
        changed.update({key: value for key, value in containers_in(*seen)
                        if protocol.encode(value) != described[key]})
        for part in ("value", "context"):
            if part in answer:
                answer[part] = protocol.encode(answer[part], save_model=save_model)
        answer["changed"] = protocol.encode(changed)
    except ModelNotSaved as error:
        return {"model_not_saved": str(error)}
    except protocol.TooLarge as error:
        return {"unsendable": str(error)}
    except Exception as error:  # a value whose attributes raise while being described
        return {"unsendable": f"{type(error).__name__}: {protocol.error_data(error, learner_file)['message']}"}
    return answer


class ModelNotSaved(Exception):
    """Keras could not save a model the learner's code made."""


_saved = [0]  # models saved so far: each gets a new file name


def save_model(model) -> str:
    """Save `model` in the working (scratch) folder; its file name."""
    _saved[0] += 1
    name = f"model-{_saved[0]}.keras"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.save(name)
    except Exception as error:  # a subclassed model without get_config, an unsavable layer
        raise ModelNotSaved(f"{type(error).__name__}: {' '.join(str(error).split())[:300]}") from None
    return name


def containers_in(args: list, kwargs: dict):
    """(position or keyword, value) of every list, dict and set passed to a call: a sort in
    place, or an array changed inside a list, shows as a different description after it."""
    for key, value in [*enumerate(args), *kwargs.items()]:
        if isinstance(value, (list, dict, set)):
            yield key, value


def arrays_in(args: list, kwargs: dict):
    """(position or keyword, array) of every NumPy array passed to a call (none before NumPy
    is loaded, which only an array argument or the learner's own import does)."""
    np = sys.modules.get("numpy")
    if np is None:
        return
    for index, value in enumerate(args):
        if isinstance(value, np.ndarray):
            yield index, value
    for key, value in kwargs.items():
        if isinstance(value, np.ndarray):
            yield key, value
