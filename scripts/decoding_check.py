"""Why our sweeps stay below the course's: the same dense top on features of photos read two ways.

    uv run python scripts/decoding_check.py [--limit N]

Ours: `course/pipeline.py` (libjpeg's scaled decoding, bilinear resizing), from
the feature cache. The course's: `keras.utils.load_img(target_size=(150, 150))`,
nearest neighbour, as `flow_from_directory` reads them. Everything else is the
same: the frozen ImageNet base in inference mode, lesson 8.5's model at a
learning rate of 0.001, 10 epochs, shuffled batches of 32, seeds 1 to 3. It
prints each seed's best validation accuracy and the mean for both. The weights
are found as the tests find them (`local_weights.py`). `--limit N` keeps N photos
per class and split: a quick run that checks the script, not the comparison.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_weights import use_local_weights  # noqa: E402  (after the path set-up)

SIZE, SEEDS, EPOCHS = 150, (1, 2, 3), 10


def course_way(images, extractor):
    """Pooled features of photos read as flow_from_directory reads them (nearest neighbour)."""
    import keras
    import numpy as np

    rows = []
    for start in range(0, len(images.files), 64):
        batch = np.stack([keras.utils.img_to_array(keras.utils.load_img(path, target_size=(SIZE, SIZE)))
                          for path in images.files[start:start + 64]])
        rows.append(extractor(keras.applications.xception.preprocess_input(batch), training=False).numpy())
    return np.concatenate(rows), np.array(images.labels)


def best_val_accuracies(train, validation) -> list[float]:
    import keras
    import tensorflow as tf

    from course import features
    from solutions.lesson5_transfer_learning import build_transfer_model

    def dataset(pair, shuffle, seed=0):
        data = tf.data.Dataset.from_tensor_slices((features.pack(pair[0]), tf.one_hot(pair[1], 10)))
        return (data.shuffle(len(pair[0]), seed=seed) if shuffle else data).batch(32)

    bests = []
    for seed in SEEDS:
        keras.utils.set_random_seed(seed)
        model = build_transfer_model(input_size=features.PACKED_SIDE, learning_rate=0.001,
                                     base_model=features.stand_in_base())
        history = model.fit(dataset(train, True, seed), epochs=EPOCHS, validation_data=dataset(validation, False),
                            verbose=0).history
        bests.append(max(history["val_accuracy"]))
    return bests


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="at most N photos per class and split: a quick run")
    args = parser.parse_args(argv)
    import numpy as np

    from course import features
    from course.dataset import find_dataset
    from course.pipeline import check_dataset

    use_local_weights()
    lists = check_dataset(find_dataset(), ("train", "validation"), args.limit)
    extractor = features.feature_extractor(features.base_model("imagenet", SIZE))
    ours = {}
    for split, images in lists.items():
        vectors, kept, _ = features.features_for(images, weights="imagenet", input_size=SIZE,
                                                 folder=features.cache_dir(), get_extractor=lambda: extractor)
        ours[split] = (vectors, np.array(kept.labels))
    theirs = {split: course_way(images, extractor) for split, images in lists.items()}
    for name, data in (("ours (bilinear)", ours), ("the course's way (nearest)", theirs)):
        bests = best_val_accuracies(data["train"], data["validation"])
        print(f"{name}: best val_accuracy {statistics.mean(bests):.4f} ± {statistics.stdev(bests):.4f} "
              f"({', '.join(f'{b:.4f}' for b in bests)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
