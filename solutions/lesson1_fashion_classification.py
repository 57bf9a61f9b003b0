"""Reference solution for lesson 8.1, Fashion classification.

The lesson, with its prose, is lessons/lesson1_fashion_classification.py.
"""

from __future__ import annotations

from pathlib import Path

from course.dataset import find_dataset, missing_dataset_message

SPLITS = ("train", "validation", "test")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def _visible_folders(folder: Path) -> list[Path]:
    return sorted(
        (entry for entry in folder.iterdir() if entry.is_dir() and not entry.name.startswith(".")),
        key=lambda entry: entry.name,
    )


def list_classes(data_dir):
    """The class names of the dataset, sorted: one per folder in `data_dir/train`.

    Files and hidden entries (names that start with ".", such as
    `.ipynb_checkpoints`) are not classes and are left out.

    For the clothing dataset: ['dress', 'hat', 'longsleeve', ..., 't-shirt'].

    Raises FileNotFoundError, with the missing path in its message, when
    `data_dir/train` is not a folder.
    """
    train_dir = Path(data_dir) / "train"
    if not train_dir.is_dir():
        raise FileNotFoundError(f"no 'train' folder in {data_dir}: {train_dir} does not exist")
    return [folder.name for folder in _visible_folders(train_dir)]


def count_images(data_dir):
    """How many images each class has in each split.

    Returns `{split: {class_name: number_of_images}}` for each of "train",
    "validation" and "test" that exists in `data_dir`, in that order, with
    classes sorted by name. An image is a file in a class folder whose name
    ends in .jpg, .jpeg or .png, in any case (photo.JPG counts). Hidden
    files and folders (names that start with ".") and other files are not
    counted.

    For the clothing dataset: {"train": {"dress": 241, ...}, "validation":
    {...}, "test": {...}}.
    """
    counts = {}
    for split in SPLITS:
        split_dir = Path(data_dir) / split
        if not split_dir.is_dir():
            continue
        counts[split] = {
            folder.name: sum(
                1
                for entry in folder.iterdir()
                if entry.is_file()
                and not entry.name.startswith(".")
                and entry.suffix.lower() in IMAGE_SUFFIXES
            )
            for folder in _visible_folders(split_dir)
        }
    return counts


if __name__ == "__main__":
    data_dir = find_dataset()
    if data_dir is None:
        print(missing_dataset_message())
    else:
        classes = list_classes(data_dir)
        counts = count_images(data_dir)
        print(f"{len(classes)} classes in {data_dir}")
        print(f"{'class':<12}" + "".join(f"{split:>12}" for split in counts))
        for name in classes:
            print(f"{name:<12}" + "".join(f"{counts[s].get(name, 0):>12}" for s in counts))
        print(f"{'total':<12}" + "".join(f"{sum(counts[s].values()):>12}" for s in counts))
