"""The experiments on the real clothing dataset with Xception's real ImageNet features, end to end.

Skipped, with the reason, when the dataset is not there (`course.dataset.find_dataset`),
and the runs when the weights are not: $XCEPTION_NOTOP_WEIGHTS, or
`../shared/xception-imagenet/xception_notop.weights.h5` beside the project
(`scripts/local_weights.py`, the lookup of the scripts and benchmarks too).

The bar. On all 341 validation photos, chance is 0.10 (ten classes) and
answering the largest class (t-shirt) every time 0.24. Trained on 20 photos per
class, the dense top on ImageNet features reaches about 0.65; 0.55 is over
nine binomial standard deviations above 0.24 (sqrt(0.24 x 0.76 / 341) = 0.023),
so it cannot be reached by guessing, only by features that tell the classes apart.
"""

import importlib
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from course import experiments, pipeline, pretrained
from course.dataset import find_dataset
from scripts.local_weights import local_weights

DATA = find_dataset()
pytestmark = pytest.mark.skipif(
    DATA is None,
    reason="the clothing dataset is not here: clone it (see course/dataset.py) or set CLOTHING_DATASET_DIR",
)
WEIGHTS = local_weights()
needs_weights = pytest.mark.skipif(
    not WEIGHTS.is_file(),
    reason=f"Xception's ImageNet weights without the top are not here: set ${pretrained.WEIGHTS_ENV_VAR} "
           f"or put them at {WEIGHTS}",
)
LEARNED = 0.55


def subset(folder: Path, train_per_class: int, validation_per_class: int | None = None) -> Path:
    """A copy of the dataset with the first `train_per_class` training photos of each class
    (sorted by name) and all validation photos, or the first `validation_per_class`."""
    for split, per_class in (("train", train_per_class), ("validation", validation_per_class)):
        for source in sorted(path for path in (DATA / split).iterdir() if path.is_dir()):
            target = folder / split / source.name
            target.mkdir(parents=True)
            for photo in sorted(source.iterdir())[:per_class]:
                shutil.copy2(photo, target / photo.name)
    return folder


def run(lesson, data, *argv, cache):
    module = importlib.import_module(
        {"lesson5": "solutions.lesson5_transfer_learning", "lesson6": "solutions.lesson6_learning_rate"}[lesson]
    )
    code, results = experiments.execute(lesson, module, ["--data", str(data), *argv,
                                                         "--cache-dir", str(cache), "--json"])
    assert code == 0
    return results


@needs_weights
def test_real_features_learn_from_20_photos_per_class(tmp_path, monkeypatch):
    """Lesson 8.6's runner through $XCEPTION_NOTOP_WEIGHTS: 20 photos per class, all of validation."""
    monkeypatch.setenv(pretrained.WEIGHTS_ENV_VAR, str(WEIGHTS))
    data = subset(tmp_path / "data", 20)
    results = run("lesson6", data, "--input-size", "150", cache=tmp_path / "cache")
    validation = results["images"]["validation"]
    assert results["images"]["train"] == 200 and validation == len(list((DATA / "validation").glob("*/*")))
    largest_share = 0.24
    assert math.sqrt(largest_share * (1 - largest_share) / validation) < 0.025
    assert results["best_val_accuracy"] >= LEARNED, results["histories"]


@needs_weights
def test_cached_features_and_full_training_agree_with_real_weights(tmp_path):
    """`--weights PATH`: the top trained on cached features and the full model trained on the
    photos in every epoch (--no-cache) end within 0.03 of each other, on 5 photos per class."""
    data = subset(tmp_path / "data", 5, 5)
    argv = ["--input-size", "150", "--epochs", "3", "--weights", str(WEIGHTS)]
    cached = run("lesson5", data, *argv, cache=tmp_path / "cache")
    full = run("lesson5", data, *argv, "--no-cache", cache=tmp_path / "cache")
    assert cached["images"] == full["images"] == {"train": 50, "validation": 50}
    assert abs(cached["best_val_accuracy"] - full["best_val_accuracy"]) <= 0.03
    assert cached["best_val_accuracy"] > 0.3  # it learned: three times chance on this balanced subset


def test_the_pipeline_reads_the_real_photos_like_image_data_generator():
    import keras
    from tensorflow.keras.preprocessing.image import ImageDataGenerator

    images = pipeline.check_dataset(DATA, ("validation",), limit=3)["validation"]
    ours = np.concatenate([x.numpy() for x, _ in pipeline.image_dataset(images, (150, 150))])
    flow = ImageDataGenerator(preprocessing_function=keras.applications.xception.preprocess_input) \
        .flow_from_directory(DATA / "validation", target_size=(150, 150), batch_size=400, shuffle=False)
    theirs, labels = flow[0]
    index = {name: i for i, name in enumerate(flow.filenames)}
    chosen = [index[str(path.relative_to(images.root))] for path in images.files]
    assert flow.class_indices == {name: i for i, name in enumerate(images.classes)}
    assert labels[chosen].argmax(axis=1).tolist() == images.labels
    # the same photos, resized differently (libjpeg scaling + bilinear, against nearest neighbour)
    difference = np.abs(ours - theirs[chosen])
    assert difference.mean() < 0.08
    assert np.abs(ours.mean(axis=(1, 2, 3)) - theirs[chosen].mean(axis=(1, 2, 3))).max() < 0.02
