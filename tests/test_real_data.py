"""The experiment pipeline on a small subset of the real clothing dataset, end to end.

Skipped, with the reason, when the dataset is not there (`course.dataset.find_dataset`).

Xception's ImageNet weights cannot be downloaded where these tests run, and a
randomly initialised Xception gives nearly the same features (about 1e-5) for
every photo: nothing could learn from them. So the base here is a fixed, random
projection of each photo's 12 x 12 thumbnail into 2,048 ReLU features
(tests/experiment_data.py). Everything else is the real thing: the dataset
checks, the parallel JPEG decoding, the feature cache, the stand-in base, the
reference's model and `fit`.

The margin. With `--limit 30` the validation subset has 250 photos (the small
classes have fewer than 30: hat 14, skirt 12, ...), the largest class holds
30 of them, 12%. A model that learned nothing cannot beat that share on
average, and its accuracy over 250 photos varies by about 2 points (the
binomial standard deviation, sqrt(0.12 x 0.88 / 250) = 0.021). Requiring 0.25,
more than twice the largest class, puts the bar over six standard deviations
above what guessing reaches, while the thumbnail features reach about 0.35:
learning, clearly, and not by luck.
"""

import importlib
import math

import numpy as np
import pytest

from course import experiments, features, pipeline
from course.dataset import find_dataset
from tests.experiment_data import thumbnail_base

DATA = find_dataset()
pytestmark = pytest.mark.skipif(
    DATA is None,
    reason="the clothing dataset is not here: clone it (see course/dataset.py) or set CLOTHING_DATASET_DIR",
)
ARGS = ["--limit", "30", "--input-size", "71", "--weights", "none"]
LEARNED = 0.25


@pytest.fixture
def cheap_base(monkeypatch):
    monkeypatch.setattr(features, "base_model", thumbnail_base)


def run(lesson, *argv, cache):
    module = importlib.import_module(
        {"lesson5": "solutions.lesson5_transfer_learning", "lesson6": "solutions.lesson6_learning_rate"}[lesson]
    )
    code, results = experiments.execute(lesson, module, ["--data", str(DATA), *ARGS, *argv,
                                                         "--cache-dir", str(cache), "--json"])
    assert code == 0
    return results


def test_the_model_learns_on_real_photos(cheap_base, tmp_path, capsys):
    results = run("lesson6", "--epochs", "8", cache=tmp_path)
    assert results["images"] == {"train": 300, "validation": 250}
    largest_share = 30 / 250
    assert math.sqrt(largest_share * (1 - largest_share) / 250) < 0.025
    assert results["best_val_accuracy"] >= LEARNED > 2 * largest_share, results["histories"]


def test_cached_features_and_full_training_agree_on_real_photos(cheap_base, tmp_path):
    cached = run("lesson5", "--epochs", "5", cache=tmp_path)
    full = run("lesson5", "--epochs", "5", "--no-cache", cache=tmp_path)
    assert abs(cached["best_val_accuracy"] - full["best_val_accuracy"]) <= 0.03
    assert cached["best_val_accuracy"] >= LEARNED


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
