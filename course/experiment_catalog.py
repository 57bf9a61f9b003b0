"""What each lesson's experiment runs, and the one-line error that stops one."""

from __future__ import annotations

from dataclasses import dataclass

SEED = 1  # the new top's initial weights and the order of the batches, unless --seed says otherwise


@dataclass(frozen=True)
class Experiment:
    lesson: str
    title: str
    summary: str
    key: str  # the hyperparameter the runs differ in
    values: tuple
    epochs: int
    functions: tuple[str, ...]  # the lesson's own functions the experiment calls
    lesson5_functions: tuple[str, ...] = ()  # and those of lesson 5 in the same folder
    needs_test: bool = False  # only the final model (scripts/final_model.py): the lessons' choices use validation


EXPERIMENTS = {
    "lesson5": Experiment(
        "lesson5", "8.5 Transfer learning",
        "the transfer model (frozen Xception, a new dense top) trained with a learning rate of 0.01",
        "learning_rate", (0.01,), 10, ("build_transfer_model",)),
    "lesson6": Experiment(
        "lesson6", "8.6 Adjusting the learning rate",
        "one model per learning rate 0.0001, 0.001, 0.01 and 0.1, compared on val_accuracy",
        "learning_rate", (0.0001, 0.001, 0.01, 0.1), 10,
        ("train_for_learning_rates", "best_learning_rate", "plot_scores"), ("build_transfer_model",)),
    "lesson7": Experiment(
        "lesson7", "8.7 Checkpointing",
        "the transfer model trained at a learning rate of 0.001 with make_checkpoint's callback; "
        "the checkpoint find_best_checkpoint picks is reloaded and must score the best val_accuracy again",
        "learning_rate", (0.001,), 10, ("make_checkpoint", "find_best_checkpoint"),
        ("build_transfer_model",)),
    "lesson8": Experiment(
        "lesson8", "8.8 Adding more layers",
        "one model per inner layer size 10, 100 and 1000 (learning rate 0.001)",
        "size_inner", (10, 100, 1000), 10, ("build_model_with_inner_layer", "add_inner_layer")),
    "lesson9": Experiment(
        "lesson9", "8.9 Regularization and dropout",
        "one model per dropout rate 0.0, 0.2, 0.5 and 0.8 (learning rate 0.001, 100 inner units)",
        "droprate", (0.0, 0.2, 0.5, 0.8), 30, ("build_model_with_dropout", "add_dropout")),
}


class ExperimentError(Exception):
    """The experiment cannot run; the message, one line, says what to do."""


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
