"""What may cross between the judge and the worker, and nothing else.

The judge (pytest, the checks, the reference) and the worker (the learner's
code) talk over one `multiprocessing.connection` channel, always with
`send_bytes`/`recv_bytes` (never `send`/`recv`, which pickle). Each message is
JSON. Values that JSON cannot say are tagged objects:

- `{"$": "tuple" | "set", "items": [...]}` (a list is a JSON list);
- `{"$": "dict", "items": [[key, value], ...]}` for dicts with keys that are not strings
  (learning rates) or that could be read as a tag;
- `{"$": "path", "value": "..."}`;
- `{"$": "array", "npy": base64}`: a NumPy array (or scalar) as `.npy` bytes, read back
  with `allow_pickle=False`, so an object array is refused;
- `{"$": "keras_model", "file": "model-N.keras"}`: a Keras model the worker saved as a `.keras`
  file in its scratch folder. The judge checks the archive's config before Keras sees it
  (`model_needs_code`) and loads it with `safe_mode=True` (`grader/judge/models.py`);
- `{"$": "opaque", "type": "...", "shape": [...] | None, "length": n | None}`: a value of any
  other type, named but not sent.

Subclasses of the built-in types cross as their base type (a Counter as a dict, a
namedtuple as a tuple): the judge never rebuilds a learner's class.

Errors cross as data (`error_data`): the exception's type name, its message, the
learner-file frames (function, line) and whether a NotImplementedError was
raised in the learner's file. Every message the judge reads is refused above
`MESSAGE_LIMIT` bytes before it is read; arrays above `ARRAY_LIMIT`.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import secrets
import sys
import tempfile
import traceback
import zipfile
from multiprocessing.connection import Connection, Listener
from pathlib import Path, PurePath
from typing import Any

MESSAGE_LIMIT = 64 * 1024 * 1024  # bytes in one message
ARRAY_LIMIT = 32 * 1024 * 1024  # bytes of one array's data
MESSAGE_TEXT_LIMIT = 4000  # characters of an exception's message kept
MODEL_FILE_LIMIT = 256 * 1024 * 1024  # bytes of one .keras file (Xception with its top: about 90 MB)
MODEL_FILE_NAME = re.compile(r"model-\d{1,6}\.keras")
TAG = "$"


class ProtocolError(Exception):
    """A message that breaks the rules: too large, not JSON, or an unknown tag."""


# ----------------------------------------------------------------- the channel


def listen(folder: Path) -> tuple[Listener, bytes]:
    """A listener only this grading knows, and the key a client must prove it holds: a named
    pipe on Windows, a Unix socket in the grading's own scratch `folder` elsewhere (reachable
    from inside a network namespace too)."""
    authkey = secrets.token_bytes(32)
    if sys.platform == "win32":
        return Listener(rf"\\.\pipe\grader-{secrets.token_hex(8)}", "AF_PIPE", authkey=authkey), authkey
    path = Path(folder) / f"channel-{secrets.token_hex(4)}"
    if len(os.fsencode(path)) > 100:  # a Unix socket's path is limited to about 104 bytes
        path = Path(tempfile.mkdtemp(prefix="grader-")) / "channel"
    return Listener(str(path), "AF_UNIX", authkey=authkey), authkey


def send(connection: Connection, message: dict) -> None:
    connection.send_bytes(json.dumps(message, allow_nan=True).encode())


def receive(connection: Connection, limit: int = MESSAGE_LIMIT) -> dict:
    """The next message; `ProtocolError` if it is larger than `limit` or not a JSON object."""
    try:
        data = connection.recv_bytes(limit)
    except OSError as error:
        if "bad message length" in str(error):
            raise ProtocolError(f"a message larger than {limit // 2**20} MB") from None
        raise
    try:
        message = json.loads(data)
    except (ValueError, RecursionError):
        raise ProtocolError("a message that is not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message that is not a JSON object")
    return message


# ----------------------------------------------------------------- values


class TooLarge(ValueError):
    """A value too large to cross."""


class Opaque:
    """A value the worker could not send: its type name (as `type(x).__name__` reads it on
    the judge's side), and its shape or length when it had one."""

    def __init__(self, shape=None, length=None):
        self.shape = tuple(shape) if shape is not None else None
        self._length = length

    def __len__(self):
        if self._length is None:
            raise TypeError(f"object of type '{type(self).__name__}' has no len()")
        return self._length

    def __repr__(self):
        return f"<{type(self).__name__}>"


def opaque(type_name: str, shape=None, length=None) -> Opaque:
    kind = type(type_name if type_name.isidentifier() else "object", (Opaque,), {})
    return kind(shape, length)


class ModelFile:
    """A Keras model the worker saved: only the name of its file in the scratch folder."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return f"<ModelFile {self.name}>"


def encode(value: Any, save_model=None) -> Any:
    """`value` as JSON-able data (see the module's docstring). `save_model(model)` (the
    worker's) writes a Keras model to the scratch folder and gives back the file's name;
    without it a model crosses as an opaque value."""
    np = sys.modules.get("numpy")  # no array can exist before NumPy is imported: never load it here
    if value is None or isinstance(value, bool):
        return value
    keras = sys.modules.get("keras")
    if save_model is not None and keras is not None and isinstance(value, keras.Model):
        return {TAG: "keras_model", "file": save_model(value)}
    if np is not None and isinstance(value, (np.ndarray, np.generic)):
        return _encode_array(value)
    for base in (int, float, str):  # a subclass (an IntEnum, a str subclass) as its base type
        if isinstance(value, base):
            return base(value)
    if isinstance(value, PurePath):
        return {TAG: "path", "value": str(value)}
    if isinstance(value, list):
        return [encode(item, save_model) for item in value]
    if isinstance(value, (tuple, set, frozenset)):  # a namedtuple as a tuple
        return {TAG: "tuple" if isinstance(value, tuple) else "set",
                "items": [encode(item, save_model) for item in value]}
    if isinstance(value, dict):  # a Counter, a defaultdict as a dict
        if all(isinstance(key, str) and key != TAG for key in value):
            return {key: encode(item, save_model) for key, item in value.items()}
        return {TAG: "dict", "items": [[encode(key), encode(item, save_model)] for key, item in value.items()]}
    shape = getattr(value, "shape", None)
    try:
        shape = [int(d) if d is not None else None for d in shape] if shape is not None else None
    except (TypeError, ValueError):
        shape = None
    try:
        length = len(value) if shape is None else None
    except Exception:  # anything may happen in a learner's __len__
        length = None
    return {TAG: "opaque", "type": type(value).__name__, "shape": shape,
            "length": length if isinstance(length, int) else None}


def _encode_array(value) -> dict:
    import numpy as np

    array = np.asarray(value)
    if array.dtype.hasobject:
        return {TAG: "opaque", "type": type(value).__name__, "shape": list(array.shape), "length": None}
    if array.nbytes > ARRAY_LIMIT:
        raise TooLarge(f"an array of {array.nbytes / 2**20:.0f} MB (at most {ARRAY_LIMIT // 2**20} MB may be sent)")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return {TAG: "array", "npy": base64.b64encode(buffer.getvalue()).decode(), "scalar": isinstance(value, np.generic)}


def decode(data: Any) -> Any:
    """The value `encode` described; `ProtocolError` for anything that breaks the rules."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        raise ProtocolError(f"an unexpected value of type {type(data).__name__}")
    tag = data.get(TAG)
    if tag is None:
        return {key: decode(item) for key, item in data.items()}
    if tag in ("tuple", "set"):
        items = [decode(item) for item in _field(data, "items", list)]
        try:
            return tuple(items) if tag == "tuple" else set(items)
        except TypeError:
            raise ProtocolError("a set of unhashable values") from None
    if tag == "dict":
        pairs = _field(data, "items", list)
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
            raise ProtocolError("a malformed dict")
        try:
            return {decode(key): decode(item) for key, item in pairs}
        except TypeError:
            raise ProtocolError("a dict with unhashable keys") from None
    if tag == "path":
        return Path(_field(data, "value", str))
    if tag == "array":
        return _decode_array(data)
    if tag == "keras_model":
        name = _field(data, "file", str)
        if not MODEL_FILE_NAME.fullmatch(name):
            raise ProtocolError("a model file with a name the worker does not give")
        return ModelFile(name)
    if tag == "opaque":
        shape, length = data.get("shape"), data.get("length")
        if shape is not None and not (isinstance(shape, list) and all(d is None or isinstance(d, int) for d in shape)):
            raise ProtocolError("a malformed shape")
        return opaque(_field(data, "type", str)[:100], shape, length if isinstance(length, int) else None)
    raise ProtocolError(f"an unknown tag {str(tag)[:40]!r}")


def _decode_array(data: dict):
    import numpy as np

    text = _field(data, "npy", str)
    if len(text) > ARRAY_LIMIT * 4 // 3 + 1024:
        raise ProtocolError(f"an array larger than {ARRAY_LIMIT // 2**20} MB")
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as error:  # a pickle blob, a truncated header: never loaded
        raise ProtocolError(f"an array that is not plain .npy data ({type(error).__name__})") from None
    return array[()] if data.get("scalar") else array


def _field(data: dict, name: str, kind: type):
    value = data.get(name)
    if not isinstance(value, kind):
        raise ProtocolError(f"a {data.get(TAG)!r} without its {name!r}")
    return value


# ----------------------------------------------------------------- models as files


def model_needs_code(path: Path) -> str | None:
    """Why the `.keras` archive at `path` cannot be loaded without running code from the
    learner's side, or None. Keras's `safe_mode` refuses Lambda layers; this also refuses,
    before Keras reads anything, any object of a module outside Keras (a registered custom
    layer, a subclassed model, a class of some other module), any archive larger than
    `MODEL_FILE_LIMIT` unpacked, and anything that is not a `.keras` archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MODEL_FILE_LIMIT:
                return f"it unpacks to more than {MODEL_FILE_LIMIT // 2**20} MB"
            config = json.loads(archive.read("config.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RecursionError) as error:
        return f"it is not a readable .keras file ({type(error).__name__})"
    return _code_in(config)


def _code_in(config: Any) -> str | None:
    if isinstance(config, list):
        return next((why for why in map(_code_in, config) if why), None)
    if not isinstance(config, dict):
        return None
    name = config.get("class_name")
    if name in ("Lambda", "__lambda__", "function"):
        return "it has a Lambda layer (code, not a layer Keras can rebuild)"
    module = config.get("module")
    if isinstance(module, str) and module != "keras" and not module.startswith("keras."):
        return f"it needs {name!r} from {module!r}, which is not part of Keras"
    if module is None and isinstance(name, str) and "config" in config and not name.startswith("__"):
        return f"it needs {name!r}, a class of your own"  # Keras names the module of each of its own
    return next((why for why in map(_code_in, config.values()) if why), None)


# ----------------------------------------------------------------- errors as data


def error_data(error: BaseException, learner_file: Path) -> dict:
    """What the judge needs to classify `error`: its type, message, the frames of the learner's
    file it passed through (innermost last), and whether NotImplementedError came from there."""
    learner_file = Path(learner_file).resolve()
    frames = []
    innermost = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        innermost = frame.f_code.co_filename
        if _same_file(frame.f_code.co_filename, learner_file):
            frames.append([frame.f_code.co_name, line])
    text = _message(error)
    data = {
        "type": type(error).__name__,
        "message": text,
        "frames": frames,
        "not_implemented_here": isinstance(error, NotImplementedError) and innermost is not None
        and _same_file(innermost, learner_file),
    }
    if isinstance(error, SystemExit):
        data["exit_code"] = error.code if isinstance(error.code, (int, str, type(None))) else str(error.code)
    if isinstance(error, SyntaxError):
        data["syntax"] = {"line": error.lineno, "offset": error.offset, "text": (error.text or "")[:500],
                          "msg": str(error.msg)[:500]}
    return data


def _same_file(name: str, path: Path) -> bool:
    try:
        return Path(name).resolve() == path
    except (OSError, ValueError):
        return False


def _message(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception:  # a learner's exception whose __str__ raises
        text = ""
    return text if len(text) <= MESSAGE_TEXT_LIMIT else text[: MESSAGE_TEXT_LIMIT - 1] + "…"
