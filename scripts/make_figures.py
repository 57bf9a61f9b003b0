"""Regenerate the course site's figures and the numbers its pages state.

    uv run python scripts/make_figures.py                 # everything
    uv run python scripts/make_figures.py --only curves   # one group (see --help)

The experiments' results come first, from `scripts/run_experiments.py` (it runs
every lesson's experiment with three seeds, and the final model).

Everything comes from the real dataset (`course.dataset.find_dataset()`, or
`--data`), the reference solutions and Keras models built with random weights
(`weights=None`: shapes and parameter counts do not depend on the weights), the
experiment results in `docs/results/`, and for one figure Xception's ImageNet
weights ($XCEPTION_NOTOP_WEIGHTS or a download). It writes, in `docs/figures/`:

- `samples.jpg`: photos of every class;
- `class_distribution.png`: images per class in each split;
- `feature_maps.png`: a real photo through the lesson-4 reference `conv2d`,
  `relu` and `max_pool2d`;
- `feature_maps_xception.png`: the same photo through the first layers of the
  real base, with its ImageNet weights (`xception_feature_maps.py`);
- `model_structure.png`: the models of lessons 8.5, 8.8 and 8.9, layer by layer;
- `curves_lesson5.png` to `curves_lesson9.png`: learning curves of the
  experiments in `docs/results/lessonN.json`, the mean and the range of the
  seeds, beside the course's published curve (`experiment_figures.py`);
- `facts.json`: every number the notes state. The site's build hook fills the
  pages' `{{ name }}` placeholders from it, and `tests/test_site.py` recomputes
  it, so a page never states a number that the data, the code or Keras do not give.

Nothing here runs at site build time: the build only reads these files.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "scripts"):  # the project, and this script's neighbours
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

FIGURES = ROOT / "docs" / "figures"
RESULTS = ROOT / "docs" / "results"
FACTS = FIGURES / "facts.json"

SPLITS = ("train", "validation", "test")
EXAMPLE = Path("train") / "t-shirt" / "5f0a3fa0-6a3d-4b68-b213-72766a643de7.jpg"
SMALL, LARGE = 150, 299  # the input sizes the course trains at (lessons 8.5-8.9) and predicts at (8.3)
INNER, DROPRATE = 100, 0.5  # the defaults of the lesson 8.8/8.9 builders, as of the course's make_model

from experiment_figures import (  # noqa: E402  (scripts/ is on the path: this file's folder)
    EXPERIMENTS, curves_figure, final_facts, load_final, load_results, results_facts,
)

# The course's own published results (its logged validation accuracies, its choices, and
# where it states them), quoted with attribution on the notes pages; nothing here re-runs them.
COURSE_PUBLISHED = RESULTS / "course_published.json"


def course_published(path: Path = COURSE_PUBLISHED) -> tuple[list, dict]:
    """`(rows, facts)` from the course's published results: the rows of `{{ table.published }}`
    and the numbers the pages state as `{{ course.<name> }}`. A sweep's row is the value the
    course chose, with that run's best epoch (the course's 8.9 picks 0.2, not its best epoch)."""
    data = json.loads(path.read_text())
    rows, facts = [], {}
    for course_lesson, sweep in data["sweeps"].items():
        lesson = "lesson" + course_lesson.split(".")[1]
        runs = {json.loads(key): values for key, values in sweep["val_accuracy"].items()}  # "100" -> 100
        chosen = sweep["chosen"]
        top = max(sorted(runs), key=lambda key: max(runs[key]))  # the best epoch; a tie to the smaller key
        chosen_best = max(runs[chosen])
        rows.append({
            "lesson": course_lesson,
            "setting": f"{sweep['hyperparameter']} {chosen}, chosen among {', '.join(map(str, runs))}; "
                       f"{sweep['setting']}",
            "metric": f"best validation accuracy (epoch {runs[chosen].index(chosen_best) + 1} of {sweep['epochs']})",
            "value": chosen_best,
            "source": sweep["page"],
        })
        facts.update({
            f"{lesson}_chosen": chosen,
            f"{lesson}_chosen_best": chosen_best,
            f"{lesson}_chosen_best_epoch": runs[chosen].index(chosen_best) + 1,
            f"{lesson}_top_key": top,
            f"{lesson}_top": max(runs[top]),
            f"{lesson}_top_epoch": runs[top].index(max(runs[top])) + 1,
            f"{lesson}_top_epochs_above_chosen": sum(value > chosen_best for value in runs[top]),
            f"{lesson}_smallest_key": min(runs),
            f"{lesson}_smallest_last": runs[min(runs)][-1],
        })
    final = data["final"]
    facts["final_test_accuracy"] = round(final["evaluate"]["accuracy"], 4)
    rows.append({"lesson": f"the course's {final['course_lesson']}", "setting": final["setting"],
                 "metric": final["metric"], "value": facts["final_test_accuracy"], "source": final["page"]})
    return rows, facts


PUBLISHED = course_published()[0]


# ------------------------------------------------------------------ the numbers


def shape(value) -> str:
    """A shape as Keras prints it: `(None, 5, 5, 2048)`."""
    return str(tuple(value))


def dataset_facts(data_dir: Path) -> dict:
    """Counts and sizes of the dataset, through the lesson-1 reference. No TensorFlow."""
    from PIL import Image

    from solutions.lesson1_fashion_classification import count_images, list_classes

    classes = list_classes(data_dir)
    counts = count_images(data_dir)
    train = counts["train"]
    largest = max(train, key=train.get)
    smallest = min(train, key=train.get)
    sizes = Counter()
    for split in counts:
        for path in sorted((data_dir / split).glob("*/*")):
            if path.suffix.lower() in {".jpg", ".jpeg", ".png"}:
                with Image.open(path) as img:
                    sizes[img.size] += 1
    (width, height), common = sizes.most_common(1)[0]
    validation = counts["validation"]
    majority = max(validation, key=validation.get)
    return {
        "classes": ", ".join(classes),
        "num_classes": len(classes),
        "first_class": classes[0],
        "last_class": classes[-1],
        "counts": counts,
        "train_images": sum(train.values()),
        "validation_images": sum(validation.values()),
        "test_images": sum(counts["test"].values()),
        "total_images": sum(sum(split.values()) for split in counts.values()),
        "largest_class": largest,
        "largest_class_train": train[largest],
        "smallest_class": smallest,
        "smallest_class_train": train[smallest],
        "largest_to_smallest": round(train[largest] / train[smallest], 1),
        "majority_class_validation": majority,
        "majority_validation": validation[majority],
        "majority_baseline_percent": round(100 * validation[majority] / sum(validation.values())),
        "majority_baseline": round(validation[majority] / sum(validation.values()), 4),
        "common_width": width,
        "common_height": height,
        "common_shape": shape((height, width, 3)),
        "common_size_images": common,
        "distinct_sizes": len(sizes),
    }


def lesson4_facts() -> dict:
    """Shapes and counts of lesson 8.4, through its NumPy reference. No TensorFlow."""
    from solutions.lesson4_convolutional_networks import (
        conv2d, conv2d_param_count, max_pool2d, sigmoid, softmax,
    )

    image = np.zeros((SMALL, SMALL, 3))
    kernel = np.zeros((3, 3, 3, 1))
    logits = np.array([2.0, 1.0, 0.1])
    probabilities = softmax(logits)
    return {
        "small_size": SMALL,
        "large_size": LARGE,
        "small_numbers": SMALL * SMALL * 3,
        "large_numbers": LARGE * LARGE * 3,
        "pixel_ratio": round(LARGE * LARGE / (SMALL * SMALL)),
        "conv_valid": conv2d(image, kernel).shape[0],
        "conv_same": conv2d(image, kernel, padding="same").shape[0],
        "conv_same_stride2": conv2d(image, kernel, stride=2, padding="same").shape[0],
        "conv_valid_stride2": conv2d(image, kernel, stride=2).shape[0],
        "conv_valid_pooled": max_pool2d(conv2d(image, kernel)).shape[0],
        "conv32_rgb_params": conv2d_param_count(3, 3, 32),
        "conv32_rgb_no_bias": conv2d_param_count(3, 3, 32, use_bias=False),
        "example_logits": "[2.0, 1.0, 0.1]",
        "example_sigmoid": str([round(float(v), 3) for v in sigmoid(logits)]),
        "example_sigmoid_sum": round(float(sigmoid(logits).sum()), 3),
        "example_softmax": str([round(float(v), 3) for v in probabilities]),
        "example_softmax_sum": round(float(probabilities.sum()), 3),
        "two_class_softmax": str([round(float(v), 3) for v in softmax(np.array([2.0, 0.0]))]),
        "two_class_sigmoid": round(float(sigmoid(2.0)), 3),
    }


def build_models() -> dict:
    """The reference models of lessons 8.5, 8.8 and 8.9 on Xception with random weights."""
    from course import pretrained
    from solutions.lesson5_transfer_learning import build_transfer_model
    from solutions.lesson8_more_layers import build_model_with_inner_layer
    from solutions.lesson9_dropout import build_model_with_dropout

    def base():
        return pretrained.xception(input_shape=(SMALL, SMALL, 3), include_top=False, weights=None)

    return {
        "8.5": build_transfer_model(learning_rate=0.001, base_model=base()),
        "8.8": build_model_with_inner_layer(learning_rate=0.001, size_inner=INNER, base_model=base()),
        "8.9": build_model_with_dropout(
            learning_rate=0.001, size_inner=INNER, droprate=DROPRATE, base_model=base()
        ),
    }


def count(weights) -> int:
    return sum(int(np.prod(w.shape)) for w in weights)


def layer_of(model, kind: str):
    return next(layer for layer in model.layers if layer.__class__.__name__ == kind)


def model_facts(models: dict) -> dict:
    """Shapes and parameter counts of Xception and of the three models. Imports Keras."""
    from course import pretrained

    transfer, inner, dropout = models["8.5"], models["8.8"], models["8.9"]
    full = pretrained.xception(include_top=True, weights=None)
    base_small = transfer.layers[1]  # the frozen Xception of lesson 8.5, at SMALL x SMALL
    base_large = pretrained.xception(input_shape=(LARGE, LARGE, 3), include_top=False, weights=None)
    first = base_small.layers[1]
    dense = [layer for layer in inner.layers if layer.__class__.__name__ == "Dense"]
    drop = layer_of(dropout, "Dropout")
    return {
        "xception_params": full.count_params(),
        "xception_input": shape(full.input_shape),
        "xception_output": shape(full.output_shape),
        "imagenet_classes": full.output_shape[-1],
        "xception_layers": len(full.layers),
        "first_conv_filters": first.filters,
        "first_conv_kernel": f"{first.kernel_size[0]} x {first.kernel_size[1]}",
        "first_conv_stride": first.strides[0],
        "first_conv_output_large": shape(base_large.layers[1].output.shape),
        "first_conv_params": first.count_params(),
        "base_params": base_small.count_params(),
        "base_output_small": shape(base_small.output_shape),
        "base_output_large": shape(base_large.output_shape),
        "features": base_small.output_shape[-1],
        "base_grid_small": base_small.output_shape[1],
        "pooled_output": shape(layer_of(transfer, "GlobalAveragePooling2D").output.shape),
        "logits_output": shape(transfer.output_shape),
        "transfer_trainable": count(transfer.trainable_weights),
        "transfer_frozen": count(transfer.non_trainable_weights),
        "transfer_total": transfer.count_params(),
        "transfer_trainable_permille": round(1000 * count(transfer.trainable_weights) / transfer.count_params(), 1),
        "inner_params": dense[0].count_params(),
        "inner_output_params": dense[1].count_params(),
        "inner_trainable": count(inner.trainable_weights),
        "inner_trainable_ratio": round(count(inner.trainable_weights) / count(transfer.trainable_weights)),
        "dropout_params": drop.count_params(),
        "dropout_trainable": count(dropout.trainable_weights),
    }


def compute_facts(data_dir: Path | None, models: dict | None = None, results: dict | None = None) -> dict:
    """Every fact, grouped as `dataset`, `lesson4`, `models`, `results`, `final`, `published`, `course`."""
    facts = {"lesson4": lesson4_facts()}
    if data_dir is not None:
        facts["dataset"] = dataset_facts(data_dir)
    facts["models"] = model_facts(models if models is not None else build_models())
    facts["results"] = results_facts(results if results is not None else load_results(RESULTS), COURSE_PUBLISHED)
    facts["final"] = final_facts(load_final(RESULTS))
    facts["published"], facts["course"] = course_published()
    return facts


# --------------------------------------------------------------------- figures


def new_figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def save_png(figure, path: Path):
    """A small PNG: 256 colours, no metadata, so the same figure gives the same bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    image = Image.open(buffer).convert("RGB")
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")


def samples_figure(data_dir: Path, classes: list[str], per_class=3, cell=110):
    """A grid of photos, one column per class, saved as a small JPEG."""
    from PIL import Image, ImageDraw

    label_height = 22
    sheet = Image.new("RGB", (cell * len(classes), label_height + cell * per_class), "white")
    draw = ImageDraw.Draw(sheet)
    for column, name in enumerate(classes):
        paths = sorted((data_dir / "train" / name).glob("*.jpg"))
        step = max(len(paths) // per_class, 1)
        draw.text((column * cell + 6, 5), name, fill="black")
        for row, path in enumerate(paths[::step][:per_class]):
            with Image.open(path) as img:
                img = img.convert("RGB")
                img.thumbnail((cell - 6, cell - 6))
                x = column * cell + (cell - img.width) // 2
                y = label_height + row * cell + (cell - img.height) // 2
                sheet.paste(img, (x, y))
    path = FIGURES / "samples.jpg"
    sheet.save(path, quality=82, optimize=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")


def distribution_figure(counts: dict):
    classes = list(counts["train"])
    figure = new_figure(8, 4.2)
    ax = figure.subplots()
    y = np.arange(len(classes))
    height = 0.27
    colors = {"train": "#3b6ea8", "validation": "#e08a2c", "test": "#5a9e4b"}
    for i, split in enumerate(SPLITS):
        values = [counts[split].get(name, 0) for name in classes]
        bars = ax.barh(y + (i - 1) * height, values, height, label=f"{split} ({sum(values):,})",
                       color=colors[split])
        ax.bar_label(bars, padding=2, fontsize=7)
    ax.set_yticks(y, classes)
    ax.invert_yaxis()
    ax.set_xlabel("number of images")
    ax.set_title("Images per class in each split of clothing-dataset-small")
    ax.set_xlim(0, max(counts["train"].values()) * 1.08)
    ax.legend(loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    save_png(figure, FIGURES / "class_distribution.png")


# Hand-made 3x3 filters for the feature-map figure: (name, 3x3 pattern, weight per RGB channel).
SOBEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
FILTERS = [
    ("vertical edges", SOBEL, (1, 1, 1)),
    ("horizontal edges", SOBEL.T, (1, 1, 1)),
    ("diagonal edges", np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0], [-2.0, -1.0, 0.0]]), (1, 1, 1)),
    ("red, not blue", np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), (1, 0, -1)),
]


def feature_map_kernels() -> np.ndarray:
    """The filters as one Keras-layout kernel `(3, 3, 3, F)`; inputs scaled to [0, 1]."""
    kernels = np.zeros((3, 3, 3, len(FILTERS)))
    for f, (_, pattern, channels) in enumerate(FILTERS):
        for c, weight in enumerate(channels):
            kernels[:, :, c, f] = pattern * weight / max(sum(abs(w) for w in channels), 1)
    return kernels


def feature_maps(image: np.ndarray) -> dict:
    """The lesson-4 reference pipeline on one image: conv2d, relu, max_pool2d."""
    from solutions.lesson4_convolutional_networks import conv2d, max_pool2d, relu

    x = image.astype(np.float64) / 255.0
    conv = conv2d(x, feature_map_kernels())
    activated = relu(conv)
    pooled = max_pool2d(activated)
    return {"image": image, "conv": conv, "relu": activated, "pooled": pooled}


def feature_maps_figure(data_dir: Path):
    from solutions.lesson2_tensorflow_keras import load_image_array

    path = data_dir / EXAMPLE
    if not path.is_file():
        path = sorted((data_dir / "train" / "t-shirt").glob("*.jpg"))[0]
    maps = feature_maps(load_image_array(path, target_size=(SMALL, SMALL)))
    conv, activated, pooled = maps["conv"], maps["relu"], maps["pooled"]
    rows = [[f"input"] + [f"{kind}{f}" for kind in ("filter", "conv", "relu", "pool")]
            for f in range(len(FILTERS))]
    figure = new_figure(9.6, 1.75 * len(FILTERS) + 0.8)
    axes = figure.subplot_mosaic(rows, width_ratios=[1.6, 0.8, 1, 1, 1])
    axes["input"].imshow(maps["image"])
    axes["input"].set_title(f"input {shape(maps['image'].shape)}", fontsize=9)
    for f, (name, pattern, channels) in enumerate(FILTERS):
        limit = np.abs(pattern).max()
        ax = axes[f"filter{f}"]
        ax.imshow(pattern, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (i, j), value in np.ndenumerate(pattern):
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=7)
        ax.set_title(f"{name}\nRGB weights {channels}", fontsize=8)
        limit = np.abs(conv[:, :, f]).max() or 1.0
        axes[f"conv{f}"].imshow(conv[:, :, f], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[f"relu{f}"].imshow(activated[:, :, f], cmap="gray")
        axes[f"pool{f}"].imshow(pooled[:, :, f], cmap="gray")
    axes["conv0"].set_title(f"conv2d: {shape(conv.shape)}\nred +, blue -", fontsize=9)
    axes["relu0"].set_title(f"relu: {shape(activated.shape)}", fontsize=9)
    axes["pool0"].set_title(f"max_pool2d: {shape(pooled.shape)}", fontsize=9)
    for ax in axes.values():
        ax.set_xticks([])
        ax.set_yticks([])
    figure.suptitle("A real photo through the lesson-4 reference conv2d, relu and max_pool2d "
                    "(hand-made 3x3 filters, \"valid\" padding, 2x2 pooling)", fontsize=9)
    save_png(figure, FIGURES / "feature_maps.png")


def layer_rows(model) -> list[tuple[str, str, str, bool]]:
    """(layer, output shape, parameters, trainable) for each layer of a model."""
    rows = []
    for layer in model.layers:
        kind = layer.__class__.__name__
        if kind == "InputLayer":
            rows.append(("Input", shape(layer.output.shape), "0", True))
            continue
        if kind in ("Functional", "Model"):
            kind = f"{layer.name.capitalize()} base (frozen)"
        elif kind == "Dense":
            activation = layer.activation.__name__
            kind = f"Dense({layer.units}" + (f", {activation})" if activation != "linear" else "): logits")
        elif kind == "Dropout":
            kind = f"Dropout({layer.rate:g})"
        rows.append((kind, shape(layer.output.shape), f"{layer.count_params():,}", layer.trainable))
    return rows


def structure_figure(models: dict):
    from matplotlib.patches import FancyBboxPatch

    titles = {"8.5": "8.5 transfer learning", "8.8": "8.8 + inner layer", "8.9": "8.9 + dropout"}
    figure = new_figure(10, 4.6)
    axes = figure.subplots(1, len(models))
    most = max(len(model.layers) for model in models.values())
    for ax, (lesson, model) in zip(axes, models.items()):
        rows = layer_rows(model)
        ax.set_xlim(0, 1)
        ax.set_ylim(-most + 0.35, 1)
        ax.axis("off")
        trainable = count(model.trainable_weights)
        ax.set_title(f"{titles[lesson]}\n{trainable:,} trainable of {model.count_params():,} parameters",
                     fontsize=9)
        for i, (kind, out, params, is_trainable) in enumerate(rows):
            frozen = "frozen" in kind
            color = "#d9d9d9" if frozen else ("#cfe2f3" if params != "0" else "#f4f4f4")
            box = FancyBboxPatch((0.04, -i), 0.92, 0.72, boxstyle="round,pad=0.01,rounding_size=0.04",
                                 facecolor=color, edgecolor="#555555", linewidth=0.8)
            ax.add_patch(box)
            ax.text(0.5, -i + 0.48, kind, ha="center", va="center", fontsize=8.5, weight="bold")
            ax.text(0.5, -i + 0.2, f"output {out} · {params} params", ha="center", va="center", fontsize=7.5)
            if i:
                ax.annotate("", xy=(0.5, -i + 0.73), xytext=(0.5, -i + 1.0),
                            arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 0.8})
    figure.suptitle(f"The models of lessons 8.5, 8.8 and 8.9 at {SMALL}x{SMALL} pixels, as Keras builds them "
                    "(grey: frozen, blue: trained)", fontsize=9)
    save_png(figure, FIGURES / "model_structure.png")


# ------------------------------------------------------------------------ main


GROUPS = ("facts", "samples", "distribution", "feature_maps", "xception_maps", "structure", "curves")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="the dataset folder (default: course.dataset.find_dataset())")
    parser.add_argument("--only", nargs="+", choices=GROUPS, help="regenerate only these groups")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "course-site"

    from course.dataset import find_dataset, missing_dataset_message

    data_dir = args.data or find_dataset()
    if data_dir is None or not (Path(data_dir) / "train").is_dir():
        print(missing_dataset_message(args.data), file=sys.stderr)
        return 2
    data_dir = Path(data_dir)
    groups = set(args.only or GROUPS)
    FIGURES.mkdir(parents=True, exist_ok=True)

    needs_models = groups & {"facts", "structure"}
    models = build_models() if needs_models else None
    results = load_results(RESULTS)
    if "facts" in groups:
        facts = compute_facts(data_dir, models, results)
        FACTS.write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
        print(f"wrote {FACTS.relative_to(ROOT)}")
    if "samples" in groups:
        from solutions.lesson1_fashion_classification import list_classes

        samples_figure(data_dir, list_classes(data_dir))
    if "distribution" in groups:
        from solutions.lesson1_fashion_classification import count_images

        distribution_figure(count_images(data_dir))
    if "feature_maps" in groups:
        feature_maps_figure(data_dir)
    if "xception_maps" in groups:
        from xception_feature_maps import xception_maps_figure

        xception_maps_figure(data_dir / EXAMPLE, SMALL, new_figure, save_png, FIGURES / "feature_maps_xception.png")
    if "structure" in groups:
        structure_figure(models)
    if "curves" in groups:
        from solutions.lesson1_fashion_classification import count_images

        counts = count_images(data_dir)
        for lesson, document in results.items():
            curves_figure(lesson, document, counts, COURSE_PUBLISHED, new_figure, save_png,
                          FIGURES / f"curves_{lesson}.png")
        missing = sorted(set(EXPERIMENTS) - set(results))
        if missing:
            print(f"no results for {', '.join(missing)} in {RESULTS.relative_to(ROOT)}: no curves for them")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
