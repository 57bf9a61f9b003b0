"""The photos of the dataset, checked, and a fast `tf.data` pipeline that reads them.

`list_images` turns `data_dir/<split>/<class>/*.jpg` into an ordered list of
files and labels, with one clear `DatasetError` for every way the folder can be
unusable. `image_dataset` decodes and resizes those files in parallel with
`tf.data` and prefetches the next batches while the model works on the current
one. Its batches have the form of the course's
`ImageDataGenerator(preprocessing_function=preprocess_input).flow_from_directory`:
float32 images scaled to [-1, 1] and one-hot labels, classes in sorted order. The
pixels differ a little: it resizes bilinearly, where `flow_from_directory` (like
`load_img`) takes the nearest neighbour.

A photo that cannot be decoded (truncated, not an image) is named in a warning
and left out; the rest of the split is used (`decode_all` finds such files).

TensorFlow is imported only by the functions that need it, so checking a
dataset folder is instant.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from course.dataset import CLONE_COMMAND, missing_dataset_message

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_SCALES = (1, 2, 4, 8)  # the ratios libjpeg can decode at directly (a scaled inverse DCT)
BATCH_SIZE = 32


class DatasetError(ValueError):
    """The dataset folder cannot be used as it is. The message, one line, says why and what to do."""


@dataclass
class ImageList:
    """The image files of one split, in a fixed order, with their labels.

    `plan[i]` says how file `i` is decoded: 0 for any format through
    `tf.io.decode_image`, `k` > 0 for a JPEG decoded at scale 1 / JPEG_SCALES[k - 1].
    `skipped` holds `(file, reason)` for the files left out.
    """

    split: str
    root: Path
    classes: tuple[str, ...]
    files: list[Path]
    labels: list[int]
    sizes: list[tuple[int, int]] = field(default_factory=list)  # (bytes, mtime_ns) of each file
    plan: list[int] | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.files)

    def name(self, index: int) -> str:
        """File `index` as `split/class/file.jpg`."""
        return f"{self.split}/{self.files[index].relative_to(self.root).as_posix()}"

    def without(self, bad: dict[int, str]) -> ImageList:
        """This list without the files at the indices of `bad` (index -> reason)."""
        keep = [i for i in range(len(self)) if i not in bad]
        return replace(
            self,
            files=[self.files[i] for i in keep],
            labels=[self.labels[i] for i in keep],
            sizes=[self.sizes[i] for i in keep] if self.sizes else [],
            plan=[self.plan[i] for i in keep] if self.plan is not None else None,
            skipped=[*self.skipped, *((self.name(i), reason) for i, reason in sorted(bad.items()))],
        )


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def _visible_dirs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def class_names(data_dir: Path | str) -> tuple[str, ...]:
    """The classes, sorted: the folders in `data_dir/train` (hidden ones ignored)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DatasetError(missing_dataset_message(data_dir))
    train = data_dir / "train"
    if not train.is_dir():
        raise DatasetError(
            f"{data_dir} has no train folder: the dataset needs train/, validation/ (and test/) "
            f"with one folder of photos per class. Get it with `{CLONE_COMMAND}`."
        )
    classes = tuple(p.name for p in _visible_dirs(train))
    if not classes:
        raise DatasetError(f"{train} has no class folders: put the photos in train/<class>/.")
    return classes


def list_images(data_dir: Path | str, split: str, classes: tuple[str, ...],
                limit: int | None = None) -> ImageList:
    """The photos of `data_dir/split`, sorted by class then file name, at most `limit` per class.

    Raises `DatasetError` when the split folder is missing, holds a class that
    `train` does not have, or holds no photo at all, and when `limit` is below 1.
    """
    if limit is not None and limit < 1:
        raise DatasetError(f"--limit must be at least 1 image per class and split; got {limit}.")
    root = Path(data_dir) / split
    if not root.is_dir():
        raise DatasetError(
            f"{Path(data_dir)} has no {split} folder: the dataset needs train/ and validation/ "
            f"(and test/ for lesson 7), each with one folder per class. Get it with `{CLONE_COMMAND}`."
        )
    folders = _visible_dirs(root)
    unknown = [p.name for p in folders if p.name not in classes]
    if unknown:
        raise DatasetError(
            f"{root} has a class folder {unknown[0]!r} that train does not have "
            f"(train has {', '.join(classes)}): the model can only learn classes it sees in training."
        )
    files, labels, sizes = [], [], []
    for folder in folders:
        label = classes.index(folder.name)
        photos = sorted(
            p for p in folder.iterdir()
            if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()
        )
        for path in photos[:limit]:
            stat = path.stat()
            files.append(path)
            labels.append(label)
            sizes.append((stat.st_size, stat.st_mtime_ns))
    if not files:
        raise DatasetError(f"{root} holds no photos (.jpg, .jpeg or .png files in its class folders).")
    return ImageList(split, root, classes, files, labels, sizes)


def check_dataset(data_dir: Path | str, splits=("train", "validation"), limit: int | None = None
                  ) -> dict[str, ImageList]:
    """Every split of `splits` listed and checked, with the classes of `train`."""
    classes = class_names(data_dir)
    return {split: list_images(data_dir, split, classes, limit) for split in splits}


# ---------------------------------------------------------------- decoding plans


def _jpeg_scale_index(width: int, height: int, target: tuple[int, int]) -> int:
    """1 + the index in JPEG_SCALES of the largest scale that keeps the image at least `target`."""
    best = 0
    for index, ratio in enumerate(JPEG_SCALES):
        if width // ratio >= target[1] and height // ratio >= target[0]:
            best = index
    return best + 1


def plan_decoding(images: ImageList, target: tuple[int, int]) -> ImageList:
    """Read each file's header: how to decode it, or why it cannot be decoded.

    JPEGs larger than twice the target are decoded directly at a half, a
    quarter or an eighth of their size (libjpeg's scaled inverse DCT), the
    largest scale that is still at least the target: several times faster
    than decoding every pixel, and a smooth reduction. Files that are empty
    or not images are left out with a warning.
    """
    from PIL import Image, UnidentifiedImageError

    plan, bad = [], {}
    for index, path in enumerate(images.files):
        try:
            with open(path, "rb") as handle:
                head = handle.read(8)
            if not head:
                bad[index] = "the file is empty"
            elif head.startswith(JPEG_MAGIC):
                with Image.open(path) as image:
                    width, height = image.size
                plan.append(_jpeg_scale_index(width, height, target))
                continue
            elif head.startswith(PNG_MAGIC):
                plan.append(0)
                continue
            else:
                bad[index] = "not a JPEG or PNG image"
        except (OSError, UnidentifiedImageError, SyntaxError) as error:
            bad[index] = f"unreadable ({' '.join(str(error).split())})"
        plan.append(0)
    planned = replace(images, plan=plan)
    return _leave_out(planned, bad)


def _leave_out(images: ImageList, bad: dict[int, str]) -> ImageList:
    if not bad:
        return images
    for index, reason in sorted(bad.items()):
        warn(f"left out {images.name(index)}: {reason}.")
    kept = images.without(bad)
    if not kept.files:
        raise DatasetError(f"no photo of {images.root} could be read: every file was left out.")
    return kept


# ---------------------------------------------------------------- tf.data


def _decode_fn(size: tuple[int, int]):
    import keras
    import tensorflow as tf

    def decode_any(data):
        return tf.io.decode_image(data, channels=3, expand_animations=False)

    def jpeg(ratio):
        return lambda data: tf.io.decode_jpeg(data, channels=3, ratio=ratio)

    branches = [decode_any, *(jpeg(ratio) for ratio in JPEG_SCALES)]

    def decode(path, plan):
        data = tf.io.read_file(path)
        image = tf.switch_case(plan, [lambda b=b: b(data) for b in branches])
        image = tf.image.resize(image, size, method="bilinear")
        image.set_shape((*size, 3))
        return keras.applications.xception.preprocess_input(image)

    return decode


def image_dataset(images: ImageList, size: tuple[int, int], *, batch_size: int = BATCH_SIZE,
                  shuffle: bool = False, seed: int = 0, labels: bool = True):
    """A `tf.data.Dataset` of `(images, one_hot_labels)` batches (or images alone).

    Files are decoded and resized on all cores at once (`num_parallel_calls`),
    in a fixed order, and the next batches are prepared while the current one
    is used (`prefetch`). With `shuffle`, every pass goes through the files in
    a new order drawn from `seed`.
    """
    import tensorflow as tf

    if images.plan is None:
        images = plan_decoding(images, size)
    decode = _decode_fn(size)
    paths = tf.constant([str(p) for p in images.files])
    plans = tf.constant(images.plan, dtype=tf.int32)
    one_hot = tf.one_hot(images.labels, len(images.classes))

    def load(index):
        image = decode(paths[index], plans[index])
        return (image, one_hot[index]) if labels else image

    dataset = tf.data.Dataset.range(len(images))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def decode_all(images: ImageList, size: tuple[int, int], consume=None, progress=None) -> ImageList:
    """Decode every file once, in order; files TensorFlow cannot decode are named and left out.

    `consume(batch, start)` receives each batch of preprocessed images and the
    index of its first image in the returned list. `progress(count)` is told
    how many images are done. Returns `images` without the undecodable files.
    """
    import tensorflow as tf

    if images.plan is None:
        images = plan_decoding(images, size)
    start = 0  # files before `start` are decoded and consumed
    while start < len(images):
        try:
            for batch in image_dataset(_slice(images, start), size, labels=False):
                if consume is not None:
                    consume(batch, start)
                start += int(batch.shape[0])
                if progress is not None:
                    progress(start)
        except tf.errors.OpError as error:
            # The batches come in order, so the culprit is at or after `start`: find it,
            # leave it out, and carry on from the first file of the failed batch.
            culprit = _find_undecodable(images, start, size)
            if culprit is None:
                raise DatasetError(
                    f"TensorFlow could not read the photos of {images.root} from {images.name(start)} on: "
                    f"{' '.join(error.message.split())[:300]}"
                ) from error
            images = _leave_out(images, dict([culprit]))
    return images


def _slice(images: ImageList, start: int) -> ImageList:
    return replace(images, files=images.files[start:], labels=images.labels[start:],
                   sizes=images.sizes[start:], plan=images.plan[start:], skipped=[])


def _find_undecodable(images: ImageList, start: int, size: tuple[int, int]):
    """(index, reason) of the first file from `start` on that TensorFlow cannot decode."""
    import tensorflow as tf

    decode = _decode_fn(size)
    for index in range(start, min(start + 4 * BATCH_SIZE, len(images))):
        try:
            decode(tf.constant(str(images.files[index])), tf.constant(images.plan[index]))
        except tf.errors.OpError as error:
            return index, _describe_decode_error(error.message)
    return None


def _describe_decode_error(message: str) -> str:
    text = " ".join(message.split())
    if "Invalid JPEG data" in text or "Premature end" in text:
        return "a truncated or damaged JPEG (TensorFlow could not decode it)"
    if "Unknown image file format" in text:
        return "not an image TensorFlow can decode"
    if "empty" in text.lower():
        return "the file is empty"
    return f"TensorFlow could not decode it ({text[:200]})"
