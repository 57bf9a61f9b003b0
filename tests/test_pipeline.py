"""course/pipeline.py: the dataset's files checked, and the tf.data pipeline that reads them."""

import numpy as np
import pytest
from PIL import Image

from course import pipeline
from course.dataset import CLONE_COMMAND
from course.pipeline import DatasetError
from tests.experiment_data import COLOURS, make_dataset, photo, truncate

CLASSES = tuple(sorted(COLOURS))


def test_files_sorted_by_class_then_name_with_labels(tmp_path):
    make_dataset(tmp_path)
    (tmp_path / "train" / "hat" / ".hidden.jpg").write_bytes(b"x")
    (tmp_path / "train" / "hat" / "notes.txt").write_text("not a photo")
    photo(tmp_path / "train" / "hat" / "zz.PNG", (1, 2, 3), fmt="PNG")
    (tmp_path / "train" / ".git").mkdir()
    lists = pipeline.check_dataset(tmp_path)
    train = lists["train"]
    assert train.classes == CLASSES == ("hat", "pants", "shoes")
    names = [train.name(i) for i in range(len(train))]
    assert names[:7] == [f"train/hat/{i:02d}.jpg" for i in range(6)] + ["train/hat/zz.PNG"]
    assert train.labels == [0] * 7 + [1] * 6 + [2] * 6
    assert len(lists["validation"]) == 9 and "test" not in lists


def test_limit_is_per_class_and_split(tmp_path):
    make_dataset(tmp_path)
    lists = pipeline.check_dataset(tmp_path, ("train", "validation", "test"), limit=2)
    assert [len(images) for images in lists.values()] == [6, 6, 6]
    assert lists["train"].labels == [0, 0, 1, 1, 2, 2]


@pytest.mark.parametrize("limit", [0, -3])
def test_limit_below_one_is_an_error(tmp_path, limit):
    make_dataset(tmp_path)
    with pytest.raises(DatasetError, match="--limit must be at least 1"):
        pipeline.check_dataset(tmp_path, limit=limit)


@pytest.mark.parametrize("missing", ["train", "validation"])
def test_a_missing_split_folder_is_named(tmp_path, missing):
    make_dataset(tmp_path, splits=[s for s in ("train", "validation") if s != missing])
    with pytest.raises(DatasetError) as error:
        pipeline.check_dataset(tmp_path)
    assert f"has no {missing} folder" in str(error.value)
    assert CLONE_COMMAND in str(error.value)
    assert "\n" not in str(error.value)


def test_a_missing_dataset_folder_says_how_to_get_it(tmp_path):
    with pytest.raises(DatasetError) as error:
        pipeline.check_dataset(tmp_path / "nowhere")
    assert "nowhere" in str(error.value) and CLONE_COMMAND in str(error.value)


def test_a_validation_class_unknown_to_train_is_named(tmp_path):
    make_dataset(tmp_path)
    photo(tmp_path / "validation" / "scarf" / "00.jpg", (9, 9, 9))
    with pytest.raises(DatasetError, match="class folder 'scarf' that train does not have"):
        pipeline.check_dataset(tmp_path)


def test_a_split_without_photos_is_an_error(tmp_path):
    make_dataset(tmp_path, splits=["train"])
    (tmp_path / "validation" / "hat").mkdir(parents=True)
    with pytest.raises(DatasetError, match="holds no photos"):
        pipeline.check_dataset(tmp_path)


def test_batches_match_image_data_generator_on_the_same_files(tmp_path):
    """At the photos' own size nothing is resampled, so the two readers must agree exactly."""
    import keras
    from tensorflow.keras.preprocessing.image import ImageDataGenerator

    make_dataset(tmp_path, {"train": 4, "validation": 3}, ("train", "validation"), size=(32, 24), suffix=".png")
    images = pipeline.check_dataset(tmp_path)["validation"]
    ours_x, ours_y = map(np.concatenate, zip(*[(x.numpy(), y.numpy()) for x, y in
                                               pipeline.image_dataset(images, (24, 32), batch_size=4)]))
    generator = ImageDataGenerator(preprocessing_function=keras.applications.xception.preprocess_input)
    flow = generator.flow_from_directory(tmp_path / "validation", target_size=(24, 32), batch_size=64,
                                         shuffle=False)
    theirs_x, theirs_y = flow[0]
    assert flow.class_indices == {name: i for i, name in enumerate(images.classes)}
    assert flow.filenames == [str(p.relative_to(images.root)) for p in images.files]
    assert ours_x.dtype == np.float32 and ours_x.shape == (9, 24, 32, 3)
    np.testing.assert_array_equal(ours_y, theirs_y)
    np.testing.assert_allclose(ours_x, theirs_x, atol=1e-6)


def test_large_jpegs_are_decoded_at_a_reduced_scale_and_resized(tmp_path):
    path = photo(tmp_path / "train" / "hat" / "big.jpg", (200, 40, 40), size=(400, 500))
    photo(tmp_path / "validation" / "hat" / "small.jpg", (200, 40, 40), size=(100, 120))
    images = pipeline.plan_decoding(pipeline.check_dataset(tmp_path)["train"], (150, 150))
    assert images.plan == [2]  # 400 x 500 at a half is 200 x 250, still at least 150 x 150
    (batch,) = list(pipeline.image_dataset(images, (150, 150), labels=False))
    assert batch.shape == (1, 150, 150, 3)
    assert -1.0 <= float(np.min(batch)) and float(np.max(batch)) <= 1.0
    full = np.asarray(Image.open(path).convert("RGB").resize((150, 150), Image.Resampling.BOX), "float32")
    assert np.abs(batch[0].numpy() - (full / 127.5 - 1)).mean() < 0.05
    assert pipeline._jpeg_scale_index(100, 120, (150, 150)) == 1  # smaller than the target: full size
    assert pipeline._jpeg_scale_index(1600, 1200, (150, 150)) == 4  # an eighth: 200 x 150


def test_unreadable_photos_are_named_and_left_out(tmp_path, capsys):
    make_dataset(tmp_path, {"train": 3, "validation": 2}, ("train", "validation"))
    hat = tmp_path / "train" / "hat"
    truncate(photo(hat / "cut.jpg", (10, 10, 10), size=(300, 300)), keep=0.4)
    (hat / "text.jpg").write_text("not a photo at all")
    (hat / "empty.jpg").write_bytes(b"")
    images = pipeline.check_dataset(tmp_path)["train"]
    seen = []
    kept = pipeline.decode_all(images, (32, 32), consume=lambda batch, start: seen.append((start, len(batch))))
    warnings = capsys.readouterr().err
    for name in ("train/hat/cut.jpg", "train/hat/text.jpg", "train/hat/empty.jpg"):
        assert f"left out {name}" in warnings
        assert name not in [kept.name(i) for i in range(len(kept))]
    assert "truncated or damaged JPEG" in warnings and "the file is empty" in warnings
    assert len(kept) == 9 and sum(n for _, n in seen) == 9
    assert [name for name, _ in kept.skipped] == ["train/hat/empty.jpg", "train/hat/text.jpg", "train/hat/cut.jpg"]


def test_a_split_with_no_readable_photo_is_an_error(tmp_path):
    make_dataset(tmp_path, {"train": 1, "validation": 1}, ("train", "validation"))
    for path in (tmp_path / "validation").rglob("*.jpg"):
        path.write_bytes(b"\x00" * 10)
    images = pipeline.check_dataset(tmp_path)["validation"]
    with pytest.raises(DatasetError, match="no photo of .* could be read"):
        pipeline.decode_all(images, (32, 32))


def test_training_order_changes_each_pass_validation_order_does_not(tmp_path):
    make_dataset(tmp_path, {"train": 6, "validation": 6}, ("train", "validation"), size=(16, 16))
    lists = pipeline.check_dataset(tmp_path)

    def labels(dataset):
        return np.concatenate([np.argmax(y, axis=1) for _, y in dataset]).tolist()

    train = pipeline.image_dataset(lists["train"], (16, 16), shuffle=True, seed=1)
    first, second = labels(train), labels(train)
    assert sorted(first) == sorted(second) == sorted(lists["train"].labels)
    assert first != second
    validation = pipeline.image_dataset(lists["validation"], (16, 16))
    assert labels(validation) == labels(validation) == lists["validation"].labels
