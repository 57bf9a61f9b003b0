"""The experiments' results in docs/results/ as the site shows them: the numbers and the learning curves.

`scripts/run_experiments.py` writes the results (every lesson's experiment,
once per seed, and the final model); `scripts/make_figures.py` calls this
module to turn them into `facts.json`'s `results` and `final` groups and the
`curves_lessonN.png` figures. Every number is a mean over the seeds, with the
spread (the sample standard deviation) and each seed's value beside it: one
seed is one draw.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import numpy as np

from run_experiments import best_by_key, chosen

# The experiment of each lesson: the hyperparameter its results are keyed by, as the pages say it.
EXPERIMENTS = {
    "lesson5": ("learning rate", "8.5 Transfer learning"),
    "lesson6": ("learning rate", "8.6 Adjusting the learning rate"),
    "lesson7": ("learning rate", "8.7 Checkpointing"),
    "lesson8": ("inner layer size", "8.8 Adding more layers"),
    "lesson9": ("dropout rate", "8.9 Regularization and dropout"),
}
# The course's published sweep of each lesson (docs/results/course_published.json), drawn beside ours.
COURSE_SWEEPS = {"lesson6": "8.6", "lesson8": "8.8", "lesson9": "8.9"}


def number(text: str):
    """A key of the results as the number it was: "0.001" -> 0.001, "100" -> 100."""
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def load_results(results_dir: Path) -> dict:
    """`{lesson: document}` for every lessonN.json in `results_dir`, as run_experiments.py wrote it
    (`runs`: one per seed, each with `histories` keyed by the hyperparameter), plus its `label`."""
    results = {}
    for lesson in EXPERIMENTS:
        path = results_dir / f"{lesson}.json"
        if path.is_file():
            document = json.loads(path.read_text())
            document["label"] = run_label(document["settings"], document.get("images", {}), len(document["runs"]))
            results[lesson] = document
    return results


def load_final(results_dir: Path) -> dict | None:
    path = results_dir / "final.json"
    return json.loads(path.read_text()) if path.is_file() else None


def run_label(settings: dict, images: dict, seeds: int) -> str:
    """How a run was made, in one line: weights, input size, epochs, subset, seeds."""
    weights = {"imagenet": "ImageNet", "none": "random (none)"}.get(settings.get("weights"), "from a file")
    size = settings.get("input_size", "?")
    limit = settings.get("limit")
    counts = ", ".join(f"{count:,} {split}" for split, count in images.items())
    subset = (f"at most {limit} images per class and split" if limit else "all images") + (
        f" ({counts})" if counts else "")
    how = "the top trained on cached base features" if settings.get("cache") else "the full model on the photos"
    epochs = settings.get("epochs", "?")
    return (f"weights {weights}, input {size}x{size}, {epochs} epoch{'' if epochs == 1 else 's'}, {subset}; "
            f"{how}; {seeds} seed{'' if seeds == 1 else 's'}")


def mean_spread(values) -> tuple[float, float]:
    values = [float(v) for v in values]
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def shown(values) -> str:
    """`0.8065 ± 0.0103` of a list of numbers: the mean and the spread over the seeds."""
    mean, spread = mean_spread(values)
    return f"{mean:.4f} ± {spread:.4f}"


def mean_curve(document: dict, key: str, metric: str = "val_accuracy") -> np.ndarray:
    return np.mean([run["histories"][key][metric] for run in document["runs"]], axis=0)


def course_sweeps(path: Path) -> dict:
    """`{lesson: {key (str): [val_accuracy per epoch]}}` of the course's published sweeps."""
    if not path.is_file():
        return {}
    sweeps = json.loads(path.read_text())["sweeps"]
    return {lesson: sweeps[number_].get("val_accuracy", {}) for lesson, number_ in COURSE_SWEEPS.items()
            if number_ in sweeps}


def sweep_table(lesson: str, document: dict, course: dict) -> str:
    """Markdown: per key, our best validation accuracy over the seeds and the course's best epoch."""
    hyperparameter = EXPERIMENTS[lesson][0]
    header = f"| {hyperparameter} | ours: best validation accuracy, mean ± spread | each seed |"
    rule = "|---|---:|---|"
    if course:
        header += " the course's best epoch (one run) |"
        rule += "---:|"
    lines = [header, rule]
    for key, values in best_by_key(document).items():
        row = f"| {key} | {shown(values)} | {', '.join(f'{v:.4f}' for v in values)} |"
        if course:
            course_key = next((k for k in course if number(k) == number(key)), None)
            row += f" {max(course[course_key]):.4f} |" if course_key else " |"
        lines.append(row)
    return "\n".join(lines)


def results_facts(results: dict, course_file: Path) -> dict:
    """The numbers the notes state about our runs, keyed `lessonN_...`."""
    course = course_sweeps(course_file)
    facts = {}
    for lesson, document in results.items():
        best = chosen(document)
        key = next(k for k in best_by_key(document) if number(k) == best)
        values = best_by_key(document)[key]
        mean, spread = mean_spread(values)
        curve = mean_curve(document, key)
        facts.update({
            f"{lesson}_best_key": best,
            f"{lesson}_best_val_accuracy": round(mean, 4),
            f"{lesson}_best_spread": round(spread, 4),
            f"{lesson}_best_seeds": ", ".join(f"{v:.4f}" for v in values),
            f"{lesson}_best_epoch": int(np.argmax(curve)) + 1,
            f"{lesson}_seeds": len(document["runs"]),
            f"{lesson}_epochs": document["settings"]["epochs"],
            f"{lesson}_label": document["label"],
            f"{lesson}_table": sweep_table(lesson, document, course.get(lesson, {})),
        })
        if lesson in course:
            course_best = max(max(values_) for values_ in course[lesson].values())
            facts[f"{lesson}_minus_course_best"] = round(mean - course_best, 4)
            # like for like with the course's one run: each seed's highest epoch over the whole sweep
            tops = [max(max(history["val_accuracy"]) for history in run["histories"].values())
                    for run in document["runs"]]
            facts[f"{lesson}_sweep_top"] = round(mean_spread(tops)[0], 4)
            facts[f"{lesson}_sweep_top_spread"] = round(mean_spread(tops)[1], 4)
            facts[f"{lesson}_sweep_top_seeds"] = ", ".join(f"{v:.4f}" for v in tops)
        if lesson == "lesson7":
            reloaded = [run["validation"]["accuracy"] for run in document["runs"]]
            matches = sum(abs(r - max(run["histories"][key]["val_accuracy"])) < 1e-6
                          for r, run in zip(reloaded, document["runs"]))
            facts["lesson7_reloaded_matches"] = matches
            facts["lesson7_checkpoints"] = ", ".join(f"`{run['best_checkpoint']}`" for run in document["runs"])
    return facts


def final_facts(final: dict | None) -> dict:
    """The final model's numbers: its settings, validation and test accuracy over the seeds."""
    if final is None:
        return {}
    settings, runs = final["settings"], final["runs"]
    test = [run["test"]["accuracy"] for run in runs]
    validation = [run["validation"]["accuracy"] for run in runs]
    return {
        "learning_rate": settings["learning_rate"],
        "size_inner": settings["size_inner"],
        "droprate": settings["droprate"],
        "epochs": settings["epochs"],
        "input_size": settings["input_size"],
        "seeds": len(runs),
        "test_accuracy": round(mean_spread(test)[0], 4),
        "test_spread": round(mean_spread(test)[1], 4),
        "test_seeds": ", ".join(f"{v:.4f}" for v in test),
        "val_accuracy": round(mean_spread(validation)[0], 4),
        "val_spread": round(mean_spread(validation)[1], 4),
        "test_images": final["images"]["test"],
        "label": run_label(settings, final["images"], len(runs)),
    }


def curves_figure(lesson: str, document: dict, counts: dict, course_file: Path, new_figure, save_png, path: Path):
    """Training and validation accuracy per epoch: per key the mean over the seeds, with a band from
    the lowest to the highest seed; the majority-class share of each split; and, dotted, the
    course's published validation curve of the key it chose."""
    hyperparameter, title = EXPERIMENTS[lesson]
    figure = new_figure(9, 4.0)
    left, right = figure.subplots(1, 2, sharey=True)
    colours = {}
    for key in document["runs"][0]["histories"]:
        for ax, metric in ((left, "accuracy"), (right, "val_accuracy")):
            curves = np.array([run["histories"][key][metric] for run in document["runs"]])
            epochs = np.arange(1, curves.shape[1] + 1)
            line, = ax.plot(epochs, curves.mean(axis=0), marker="o", markersize=2.5, linewidth=1.2,
                            label=str(key), color=colours.get(key))
            colours[key] = line.get_color()
            ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0), color=line.get_color(), alpha=0.15,
                            linewidth=0)
    for ax, split in ((left, "train"), (right, "validation")):
        majority = max(counts[split], key=counts[split].get)
        share = counts[split][majority] / sum(counts[split].values())
        ax.axhline(share, color="grey", linestyle="--", linewidth=1)
        ax.annotate(f"always {majority}: {share:.3f}", (1, share), xytext=(0, 4), textcoords="offset points",
                    fontsize=7.5, color="grey")
    course = course_sweeps(course_file).get(lesson)
    if course:
        course_choice = json.loads(course_file.read_text())["sweeps"][COURSE_SWEEPS[lesson]]["chosen"]
        values = next(v for k, v in course.items() if number(k) == course_choice)
        right.plot(range(1, len(values) + 1), values, color="black", linestyle=":", linewidth=1.2,
                   label=f"the course's {course_choice}")
    for ax, name in ((left, "training accuracy"), (right, "validation accuracy")):
        ax.set_xlabel("epoch")
        ax.set_title(name, fontsize=10)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    left.set_ylabel("accuracy")
    right.legend(title=hyperparameter, fontsize=8, loc="lower right")
    seeds = len(document["runs"])
    figure.suptitle(f"{title}: our runs, the mean of {seeds} seeds (band: lowest to highest seed)\n"
                    f"{document['label']}", fontsize=9)
    save_png(figure, path)
