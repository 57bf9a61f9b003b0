"""The nine lessons: ids, titles, files, and what grading each one needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LESSONS_DIR = PROJECT_ROOT / "lessons"
SOLUTIONS_DIR = PROJECT_ROOT / "solutions"
CHECKS_DIR = Path(__file__).resolve().parent / "checks"


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str
    title: str
    needs_tensorflow: bool
    functions: tuple[str, ...]  # what the learner writes, as the lesson contract names it
    checks_on_stand_ins: bool = False  # the checks need no Keras: TensorFlow only if the learner's file imports it

    @property
    def id(self) -> str:
        return f"lesson{self.number}"

    @property
    def course_number(self) -> str:
        return f"8.{self.number}"

    @property
    def filename(self) -> str:
        return f"lesson{self.number}_{self.slug}.py"

    @property
    def checks_file(self) -> Path:
        return CHECKS_DIR / f"{self.id}.py"

    @property
    def grading_imports_tensorflow(self) -> bool:
        """Whether grading imports TensorFlow whatever the learner wrote."""
        return self.needs_tensorflow and not self.checks_on_stand_ins

    @property
    def check_timeout(self) -> float:
        """Seconds one check may take before it counts as a hang. A model check's first
        `fit` traces a graph, which on a slow laptop takes many seconds."""
        return 120.0 if self.needs_tensorflow else 10.0


LESSONS = (
    Lesson(1, "fashion_classification", "Fashion classification", False,
           ("list_classes", "count_images")),
    Lesson(2, "tensorflow_keras", "TensorFlow and Keras", True, ("load_image_array",)),
    Lesson(3, "pretrained_cnn", "Pre-trained convolutional neural networks", True,
           ("load_pretrained_model", "prepare_batch", "top_k_predictions")),
    Lesson(4, "convolutional_networks", "Convolutional neural networks", False,
           ("conv2d", "relu", "sigmoid", "softmax", "max_pool2d", "global_average_pool",
            "conv2d_param_count")),
    Lesson(5, "transfer_learning", "Transfer learning", True, ("make_datasets", "build_transfer_model")),
    Lesson(6, "learning_rate", "Adjusting the learning rate", True,
           ("train_for_learning_rates", "best_learning_rate", "plot_scores"), checks_on_stand_ins=True),
    Lesson(7, "checkpointing", "Checkpointing", True, ("make_checkpoint", "find_best_checkpoint")),
    Lesson(8, "more_layers", "Adding more layers", True, ("add_inner_layer", "build_model_with_inner_layer")),
    Lesson(9, "dropout", "Regularization and dropout", True, ("add_dropout", "build_model_with_dropout")),
)
BY_ID = {lesson.id: lesson for lesson in LESSONS}


class UnknownLesson(ValueError):
    pass


def resolve(name: str) -> Lesson:
    """`lesson5`, `5` and `8.5` all name lesson 5."""
    match = re.fullmatch(r"(?:lesson|8\.)?(\d)", name.strip().lower())
    lesson = BY_ID.get(f"lesson{match.group(1)}") if match else None
    if lesson is None:
        raise UnknownLesson(name)
    return lesson

