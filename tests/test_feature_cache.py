"""course/features.py: the base's features computed once, cached, checked, and fed to the learner's model."""

import numpy as np
import pytest

from course import features, pipeline
from tests.experiment_data import make_dataset, photo, thumbnail_base, truncate

SIZE = 32


@pytest.fixture(scope="module")
def extractor():
    return features.feature_extractor(thumbnail_base("none", SIZE))


class Counting:
    """get_extractor for features_for, counting how often the features had to be computed."""

    def __init__(self, extractor):
        self.extractor, self.calls = extractor, 0

    def __call__(self):
        self.calls += 1
        return self.extractor


def cached(images, folder, extractor):
    get = Counting(extractor)
    vectors, kept, hit = features.features_for(
        images, weights="none", input_size=SIZE, folder=folder, get_extractor=get, progress=False)
    assert hit == (get.calls == 0)
    return vectors, kept, hit


def train_list(root):
    return pipeline.check_dataset(root)["train"]


def test_the_stand_in_base_gives_the_features_back_exactly():
    import keras

    vectors = np.random.default_rng(0).normal(size=(5, features.FEATURES)).astype("float32") * 3
    assert features.PACKED_SIDE ** 2 * 3 == 2187 >= features.FEATURES == 2048 > 26 ** 2 * 3
    packed = features.pack(vectors)
    assert packed.shape == (5, 27, 27, 3)
    base = features.stand_in_base()
    assert base.output_shape == (None, 1, 1, 2048) and base.count_params() == 0
    pooled = keras.layers.GlobalAveragePooling2D()(base(packed))
    np.testing.assert_array_equal(np.asarray(pooled), vectors)


def test_the_learners_model_on_the_stand_in_is_its_top_on_the_features():
    from solutions.lesson5_transfer_learning import build_transfer_model

    vectors = np.random.default_rng(1).normal(size=(4, 2048)).astype("float32")
    model = build_transfer_model(input_size=features.PACKED_SIDE, base_model=features.stand_in_base())
    kernel, bias = model.layers[-1].get_weights()
    assert model.count_params() == 20_490  # the dense top only, as on top of Xception
    np.testing.assert_allclose(model.predict(features.pack(vectors), verbose=0), vectors @ kernel + bias,
                               rtol=1e-5, atol=1e-5)


def test_features_are_computed_once_then_reused(tmp_path, extractor):
    make_dataset(tmp_path / "data", {"train": 3, "validation": 1}, ("train", "validation"))
    images = train_list(tmp_path / "data")
    first, kept, hit = cached(images, tmp_path / "cache", extractor)
    assert not hit and first.shape == (9, 2048) and kept.files == images.files
    again, kept_again, hit = cached(train_list(tmp_path / "data"), tmp_path / "cache", extractor)
    assert hit and kept_again.files == images.files
    np.testing.assert_array_equal(again, first)
    direct = extractor.predict(next(iter(pipeline.image_dataset(images, (SIZE, SIZE), labels=False,
                                                                 batch_size=16))), verbose=0)
    np.testing.assert_allclose(first, direct, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("change", ["a photo added", "a photo removed", "a photo replaced", "a photo renamed"])
def test_a_changed_file_list_invalidates_the_cache(tmp_path, extractor, change):
    data = make_dataset(tmp_path / "data", {"train": 2, "validation": 1}, ("train", "validation"))
    cached(train_list(data), tmp_path / "cache", extractor)
    hat = data / "train" / "hat"
    if change == "a photo added":
        photo(hat / "new.jpg", (1, 2, 3))
    elif change == "a photo removed":
        (hat / "00.jpg").unlink()
    elif change == "a photo replaced":
        photo(hat / "00.jpg", (250, 250, 250), size=(60, 50), seed=9)
    else:
        (hat / "00.jpg").rename(hat / "10.jpg")
    images = train_list(data)
    vectors, kept, hit = cached(images, tmp_path / "cache", extractor)
    assert not hit and len(vectors) == len(images)
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 2  # the old entry stays, for the old list


def _flip_bytes(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8] = bytes(255 - b for b in data[middle:middle + 8])
    path.write_bytes(bytes(data))


def _wrong_digest(path):
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["features"] = arrays["features"] + 1.0
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)


CORRUPTIONS = {
    "truncated": lambda path: truncate(path, 0.6),
    "bytes flipped": _flip_bytes,
    "numbers changed, digest kept": _wrong_digest,
    "not a zip file": lambda path: path.write_bytes(b"garbage" * 100),
    "empty": lambda path: path.write_bytes(b""),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_corrupt_cache_file_is_detected_and_rebuilt(tmp_path, extractor, capsys, corruption):
    make_dataset(tmp_path / "data", {"train": 2, "validation": 1}, ("train", "validation"))
    images = train_list(tmp_path / "data")
    original, _, _ = cached(images, tmp_path / "cache", extractor)
    (path,) = (tmp_path / "cache").glob("*.npz")
    CORRUPTIONS[corruption](path)
    capsys.readouterr()
    rebuilt, _, hit = cached(images, tmp_path / "cache", extractor)
    assert not hit
    assert f"the feature cache file {path} cannot be trusted" in capsys.readouterr().err
    np.testing.assert_allclose(rebuilt, original, rtol=1e-5, atol=1e-6)
    _, _, hit = cached(images, tmp_path / "cache", extractor)
    assert hit  # the rebuilt file is good


def test_unreadable_photos_are_remembered_by_the_cache(tmp_path, extractor, capsys):
    data = make_dataset(tmp_path / "data", {"train": 2, "validation": 1}, ("train", "validation"))
    truncate(photo(data / "train" / "pants" / "cut.jpg", (5, 5, 5), size=(200, 200)), 0.3)
    images = train_list(data)
    vectors, kept, _ = cached(images, tmp_path / "cache", extractor)
    assert len(kept) == len(vectors) == len(images) - 1
    assert "left out train/pants/cut.jpg" in capsys.readouterr().err
    again, kept_again, hit = cached(train_list(data), tmp_path / "cache", extractor)
    assert hit and kept_again.files == kept.files and kept_again.labels == kept.labels
    assert kept_again.skipped == kept.skipped
    assert "left out train/pants/cut.jpg" in capsys.readouterr().err


def test_cache_folder_defaults_and_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(features.CACHE_ENV_VAR, raising=False)
    assert features.cache_dir() == features.DEFAULT_CACHE_DIR
    assert features.DEFAULT_CACHE_DIR.parent.name == ".cache"  # ignored by git
    monkeypatch.setenv(features.CACHE_ENV_VAR, str(tmp_path))
    assert features.cache_dir() == tmp_path
    assert features.cache_dir(tmp_path / "x") == tmp_path / "x"


def test_random_weights_are_the_same_in_every_run():
    """--weights none is cached, so the random Xception must be the same one each time."""
    first = features.base_model("none", 71)
    second = features.base_model("none", 71)
    for a, b in zip(first.weights[:3] + first.weights[-3:], second.weights[:3] + second.weights[-3:]):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_a_weights_file_is_keyed_by_its_contents(tmp_path):
    """`--weights PATH`: features of one file are never reused for another, even under the same name;
    "imagenet" is the same key whether downloaded or read from $XCEPTION_NOTOP_WEIGHTS."""
    images = train_list(make_dataset(tmp_path / "data"))
    weights = tmp_path / "weights.weights.h5"
    weights.write_bytes(b"first")
    first = features.cache_key(images, str(weights), SIZE)
    assert features.weights_label(str(weights)).startswith("file-")
    assert "-file-" in features.cache_path(tmp_path, images, str(weights), SIZE).name
    weights.write_bytes(b"another")
    assert features.cache_key(images, str(weights), SIZE) != first
    assert features.weights_label("imagenet") == "imagenet" and features.weights_label("none") == "none"
