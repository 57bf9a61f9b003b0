"""The worker's loop: import the learner's file, then answer the judge's requests.

Requests (JSON, see `grader.protocol`):

- `{"op": "call", "function": name, "args": [...], "kwargs": {...}}`: call the learner's
  function. The answer is `{"value": ...}`, `{"error": error data}`, `{"missing": name}` or
  `{"unsendable": why}`; `"changed"` gives back the array arguments the call changed in
  place (index or keyword -> new value), so the judge sees what the learner's code did to
  its inputs.

The worker first says `{"ready": true}`, then the outcome of the import:
`{"import": "passed"}`, `{"import": "error", "error": ...}` or
`{"import": "reference_function", "function": name}`.
"""

from __future__ import annotations

import os
import sys
import warnings
from multiprocessing.connection import Client
from pathlib import Path

from grader import protocol
from grader.worker.loading import block_reference_imports, functions_taken_from, load_module


def main(argv: list[str]) -> None:
    address, family, learner_file, module_name, solutions_dir = argv
    if os.environ.get("GRADER_JUDGE_PID"):
        from grader.parent import die_with_parent

        die_with_parent(int(os.environ["GRADER_JUDGE_PID"]))
    authkey = bytes.fromhex(sys.stdin.readline().strip())
    sys.stdin.close()
    connection = Client(address, family, authkey=authkey)
    reply(connection, {"ready": True})  # the judge's time limit for the import starts now
    learner_file = Path(learner_file)
    module = None
    block_reference_imports()
    sys.dont_write_bytecode = True
    try:
        module = load_module(learner_file, module_name)
    except BaseException as error:  # the learner's top-level code may raise anything
        answer = {"import": "error", "error": protocol.error_data(error, learner_file)}
    else:
        taken = functions_taken_from(module, Path(solutions_dir))
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


def reply(connection, answer: dict) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # the learner's code may have closed or replaced the stream
            pass
    protocol.send(connection, answer)


def answer_to(request: dict, module, learner_file: Path) -> dict:
    if request.get("op") == "status":
        return {"tensorflow_imported": "tensorflow" in sys.modules}
    if request.get("op") != "call":
        return {"unsendable": f"unknown request {request.get('op')!r}"}
    name = request["function"]
    function = getattr(module, name, None)
    if function is None:
        return {"missing": name}
    args = protocol.decode(request.get("args", []))
    kwargs = protocol.decode(request.get("kwargs", {}))
    before = {key: value.copy() for key, value in arrays_in(args, kwargs)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function(*args, **kwargs)
        except BaseException as error:  # SystemExit and KeyboardInterrupt are the learner's too
            answer = {"error": protocol.error_data(error, learner_file)}
        else:
            answer = {"value": value}
    answer["warnings"] = [[w.category.__name__, str(w.message)[:500]] for w in caught[:20]]
    changed = {key: value for key, value in arrays_in(args, kwargs)
               if not (value.shape == before[key].shape and (value == before[key]).all())}
    try:
        if "value" in answer:
            answer["value"] = protocol.encode(answer["value"])
        answer["changed"] = protocol.encode(changed)
    except protocol.TooLarge as error:
        return {"unsendable": str(error)}
    except Exception as error:  # a value whose attributes raise while being described
        return {"unsendable": f"{type(error).__name__}: {protocol.error_data(error, learner_file)['message']}"}
    return answer


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
