"""The frozen base's features, computed once and kept on disk.

The base of the transfer model is frozen and runs in inference mode, so for a
given photo it gives the same output in every epoch of every run. The
experiments therefore pass each photo through Xception once, average its
feature maps (global average pooling, as the model does) into 2,048 numbers,
and store those in a cache folder. Training then runs only the new top, on
the stored numbers: an epoch takes well under a second instead of minutes.

The cache is one file per split, named after a key made of everything the
features depend on: the weights, the input size, the way images are decoded,
and the list of files with their sizes and modification times. A changed file
list gives a new key, so a stale file is never used. Each file carries a
SHA-256 digest of its numbers; a file that does not load, has the wrong
shape or fails the digest is reported and computed again, never trusted.

To train your own top on the stored features, `stand_in_base()` plays the
part of Xception: the model receives each photo's 2,048 numbers packed into a
27 x 27 x 3 array (27 * 27 * 3 = 2,187, zero-padded), and the stand-in base
unpacks them into a 1 x 1 map of 2,048 channels. Global average pooling of a
1 x 1 map is the map itself, so the layers you add after the base see exactly
the vectors they would see on top of Xception.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from course.pipeline import ImageList, decode_all, plan_decoding, warn

FEATURES = 2048  # Xception's feature maps, hence the length of a pooled vector
PACKED_SIDE = 27  # 27 * 27 * 3 = 2,187: the smallest square "image" that holds 2,048 numbers
PACKED_SHAPE = (PACKED_SIDE, PACKED_SIDE, 3)
RANDOM_WEIGHTS_SEED = 8  # --weights none: the same random Xception in every run, so it can be cached
CACHE_VERSION = 1  # bump when the decoding or the stored format changes
CACHE_ENV_VAR = "MODULE8_CACHE_DIR"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "features"


class CorruptCache(Exception):
    """A cache file that cannot be trusted; the message says what is wrong with it."""


def cache_dir(path: Path | str | None = None) -> Path:
    """The cache folder: `path`, else $MODULE8_CACHE_DIR, else `.cache/features` in the project."""
    if path is not None:
        return Path(path).expanduser()
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR]).expanduser()
    return DEFAULT_CACHE_DIR


def base_model(weights: str, input_size: int):
    """Xception without its top at `input_size`: ImageNet weights ("imagenet"), seeded random
    ones ("none"), or those of a weights file (its path)."""
    import keras

    from course import pretrained

    if weights == "none":
        keras.utils.set_random_seed(RANDOM_WEIGHTS_SEED)
    return pretrained.xception(
        input_shape=(input_size, input_size, 3), include_top=False,
        weights=None if weights == "none" else weights,
    )


def weights_label(weights: str) -> str:
    """The weights as the cache names them: "imagenet" (downloaded, or the file
    $XCEPTION_NOTOP_WEIGHTS names: the same numbers), "none", or, for a weights file, its
    SHA-256 digest, so that another file under the same name never reuses its features."""
    if weights in ("imagenet", "none"):
        return weights
    status = os.stat(weights)
    return f"file-{_file_digest(os.path.abspath(weights), status.st_size, status.st_mtime_ns)[:16]}"


@functools.lru_cache(maxsize=8)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of a file, read once per (path, size, modification time): 80 MB take a while."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def feature_extractor(base):
    """Images to pooled features: the frozen base in inference mode, then global average pooling."""
    import keras

    base.trainable = False
    inputs = keras.Input(base.input_shape[1:])
    maps = base(inputs, training=False)
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(maps), name="xception_features")


def stand_in_base():
    """A base for the cached features: a packed (27, 27, 3) array in, a (1, 1, 2048) map out.

    It has no weights and does no arithmetic: it reshapes, drops the padding
    and reshapes again. Build your model with `input_size=PACKED_SIDE` and
    `base_model=stand_in_base()` to train it on `pack(features)`.
    """
    import keras

    padding = PACKED_SIDE * PACKED_SIDE * 3 - FEATURES
    return keras.Sequential(
        [
            keras.Input(PACKED_SHAPE),
            keras.layers.Reshape((PACKED_SIDE * PACKED_SIDE * 3, 1)),
            keras.layers.Cropping1D((0, padding)),
            keras.layers.Reshape((1, 1, FEATURES)),
        ],
        name="cached_xception_features",
    )


def pack(features: np.ndarray) -> np.ndarray:
    """(N, 2048) feature vectors as (N, 27, 27, 3) arrays, zero-padded: the stand-in base's input."""
    features = np.asarray(features, dtype="float32")
    padded = np.zeros((len(features), PACKED_SIDE * PACKED_SIDE * 3), dtype="float32")
    padded[:, :FEATURES] = features
    return padded.reshape((len(features), *PACKED_SHAPE))


# ---------------------------------------------------------------- the key and the file


def cache_key(images: ImageList, weights: str, input_size: int) -> str:
    """What the features of `images` depend on, hashed."""
    import keras

    weights = weights_label(weights)
    if len(images.sizes) != len(images.files):
        raise ValueError("the image list has no file sizes: make it with course.pipeline.list_images")
    description = {
        "version": CACHE_VERSION,
        "keras": keras.__version__ if weights == "none" else None,
        "weights": weights,
        "seed": RANDOM_WEIGHTS_SEED if weights == "none" else None,
        "input_size": input_size,
        "decoding": "libjpeg-scaled+bilinear+xception.preprocess_input",
        "classes": list(images.classes),
        "files": [
            [path.relative_to(images.root).as_posix(), label, size, mtime]
            for path, label, (size, mtime) in zip(images.files, images.labels, images.sizes)
        ],
    }
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()


def cache_path(folder: Path, images: ImageList, weights: str, input_size: int) -> Path:
    key = cache_key(images, weights, input_size)
    return folder / f"{images.split}-{weights_label(weights)}-{input_size}px-{len(images)}-{key[:20]}.npz"


def _digest(features: np.ndarray, labels: np.ndarray) -> str:
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(features, dtype="<f4").tobytes())
    digest.update(np.ascontiguousarray(labels, dtype="<i4").tobytes())
    return digest.hexdigest()


def save(path: Path, key: str, features: np.ndarray, labels: np.ndarray, files: list[str],
         skipped: list[tuple[str, str]]) -> None:
    """Write the cache file atomically: a crash mid-write leaves the old file or none, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    features = np.ascontiguousarray(features, dtype="<f4")
    labels = np.ascontiguousarray(labels, dtype="<i4")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(
                stream, key=np.array(key), features=features, labels=labels,
                files=np.array(files, dtype=str), digest=np.array(_digest(features, labels)),
                skipped=np.array([list(pair) for pair in skipped] or np.empty((0, 2)), dtype=str),
            )
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # mkstemp makes it private; a cache file is not
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path, key: str, expected_files: list[str] | None = None):
    """`(features, labels, files, skipped)` from a cache file, or `CorruptCache` saying what is wrong."""
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = {"key", "features", "labels", "files", "digest", "skipped"} - set(data.files)
            if missing:
                raise CorruptCache(f"it lacks {', '.join(sorted(missing))}")
            stored_key, digest = str(data["key"]), str(data["digest"])
            features, labels = data["features"], data["labels"]
            files, skipped = [str(f) for f in data["files"]], [tuple(map(str, s)) for s in data["skipped"]]
    except CorruptCache:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as error:
        raise CorruptCache(f"it does not load ({type(error).__name__}: {' '.join(str(error).split())[:120]})") from None
    if stored_key != key:
        raise CorruptCache("it was written for other images or settings")
    if features.ndim != 2 or features.shape[1] != FEATURES or features.shape[0] != len(labels) or len(files) != len(labels):
        raise CorruptCache(f"its arrays have inconsistent shapes {features.shape}, {labels.shape}")
    if expected_files is not None and len(files) + len(skipped) != len(expected_files):
        raise CorruptCache("it does not cover the listed files")
    if _digest(features, labels) != digest:
        raise CorruptCache("its numbers do not match their SHA-256 digest")
    if not np.isfinite(features).all():
        raise CorruptCache("it holds non-finite numbers")
    return features.astype("float32", copy=False), labels.astype("int64"), files, skipped


# ---------------------------------------------------------------- computing or reusing


def compute(images: ImageList, extractor, input_size: int, progress: bool = True):
    """Pooled features of every decodable photo of `images`: `(features, images_kept)`."""
    import keras
    import tensorflow as tf

    size = (input_size, input_size)
    images = plan_decoding(images, size)
    features = np.zeros((len(images), FEATURES), dtype="float32")
    bar = keras.utils.Progbar(len(images), unit_name="image", interval=0.5) if progress else None
    predict = tf.function(lambda batch: extractor(batch, training=False), reduce_retracing=True)

    def consume(batch, start):
        features[start:start + int(batch.shape[0])] = predict(batch).numpy()

    if bar is not None:
        print(f"Features of {len(images)} {images.split} images (once; then cached):", flush=True)
    kept = decode_all(images, size, consume=consume, progress=bar.update if bar else None)
    return features[: len(kept)], kept


def features_for(images: ImageList, *, weights: str, input_size: int, folder: Path | None,
                 get_extractor, progress: bool = True):
    """The pooled features of `images` and the images they belong to (undecodable ones left out).

    With a cache `folder`, a valid cache file is reused; otherwise the features
    are computed with `get_extractor()` (called only then) and, with a folder,
    stored. Returns `(features, images_kept, from_cache)`.
    """
    key = cache_key(images, weights, input_size)
    path = cache_path(folder, images, weights, input_size) if folder is not None else None
    names = [images.name(i) for i in range(len(images))]
    if path is not None and path.exists():
        try:
            features, labels, files, skipped = load(path, key, names)
            kept = _kept(images, files, skipped)
            if list(labels) != kept.labels:
                raise CorruptCache("its labels do not match the class folders")
            for name, reason in skipped:
                warn(f"left out {name}: {reason} (as in the cached run).")
            return features, kept, True
        except CorruptCache as problem:
            warn(f"the feature cache file {path} cannot be trusted: {problem}. Computing the features again.")
    features, kept = compute(images, get_extractor(), input_size, progress)
    if path is not None:
        save(path, key, features, np.array(kept.labels), [kept.name(i) for i in range(len(kept))], kept.skipped)
    return features, kept, False


def _kept(images: ImageList, files: list[str], skipped: list[tuple[str, str]]) -> ImageList:
    by_name = {images.name(i): i for i in range(len(images))}
    if any(name not in by_name for name in files):
        raise CorruptCache("it names files that are not in the dataset")
    bad = {by_name[name]: reason for name, reason in skipped if name in by_name}
    kept = replace(images, skipped=[]).without(bad) if bad else images
    if [kept.name(i) for i in range(len(kept))] != files:
        raise CorruptCache("its files are not the listed ones")
    return kept
