"""Lesson 8.6 in the worker: what the learner's code makes stays there, and only data reaches the judge.

The recipes (`grader/worker/recipes/lesson6.py`) are tried directly on tiny modules
(milliseconds); a few gradings show that a reply the learner's code makes up,
a history it invents or an object that claims to equal anything, fails.
"""

import json
import subprocess
import sys
import types

import numpy as np

from grader import catalog, protocol
from grader.checks import lesson6 as checks
from grader.messages import common
from grader.messages import lesson6 as M
from grader.worker.recipes import lesson6 as recipes
from tests.submissions import check_table

REFERENCE = (catalog.SOLUTIONS_DIR / catalog.BY_ID["lesson6"].filename).read_text()


def module_of(source):
    """A learner's module holding `source`, loaded here (only for trying a recipe)."""
    module = types.ModuleType("learner")
    exec(compile(source, "learner.py", "exec"), module.__dict__)
    return module


def tags_in(value):
    """Every tag of `value` as it crosses the channel (opaque: a Python object left behind)."""
    text = json.dumps(protocol.encode(value))
    return {tag for tag in ("opaque", "keras_model") if f'"$": "{tag}"' in text}


def crossed(value):
    return protocol.decode(protocol.encode(value))


def test_a_training_record_is_plain_data_even_when_the_result_holds_history_objects():
    stores_objects = module_of("""
def train_for_learning_rates(make_model, train, validation, learning_rates=(0.1,), epochs=1):
    return {rate: make_model(learning_rate=rate).fit(train, epochs=epochs, validation_data=validation)
            for rate in learning_rates}
""")
    run = recipes.train(stores_objects, seed=7, learning_rates=[0.05, 0.3], epochs=2)
    assert tags_in(run) == set()
    assert [entry for _, entry in run["result"]["items"]] == [{"kind": "history object", "type": "FakeHistory"}] * 2
    assert checks.well_formed_record(crossed(run))


def test_the_record_holds_no_history_the_judge_would_trust():
    """The histories a fit returned are worked out by the judge from the seed, never read from the record."""
    run = recipes.train(module_of(REFERENCE), seed=7, learning_rates=[0.05, 0.3], epochs=2)
    assert all("history" not in fit for fit in checks.fits_of(run))
    stored = {rate: entry["value"] for rate, entry in run["result"]["items"]}
    assert checks.histories_fitted(run, seed=7) == stored
    assert checks.histories_fitted(run, seed=8) != stored


def test_an_object_that_claims_to_equal_anything_crosses_as_what_it_holds():
    class Agreeable(dict):
        def __eq__(self, other):
            return True

        __hash__ = dict.__hash__

    value = crossed({"history": Agreeable()})["history"]
    assert type(value) is dict and value != {"loss": [1.0]}


def test_a_plot_crosses_as_data_and_no_figure_reaches_the_judge():
    drawn = recipes.plot(module_of(REFERENCE), draws=[[checks.PLOT_SCORES, {}], [checks.SIZE_SCORES, {"metric": "accuracy"}]])
    assert tags_in(drawn) == set()
    first, second = crossed(drawn)
    assert first["kind"] == "Figure" and second["new"] and checks.well_formed_figure(second)
    (ax,) = first["axes"]
    assert [line["label"] for line in ax["lines"]] == [str(key) for key in checks.PLOT_SCORES]
    assert isinstance(ax["lines"][0]["y"], np.ndarray) and ax["legend"] == [str(key) for key in checks.PLOT_SCORES]


def test_the_plot_recipe_tells_a_reused_figure_and_counts_show():
    pyplot_state = module_of("""
import matplotlib.pyplot as plt
def plot_scores(scores, metric="val_accuracy"):
    for key, history in scores.items():
        plt.plot(history[metric], label=str(key))
    return plt.gcf()
""")
    first, second = recipes.plot(pyplot_state, draws=[[checks.PLOT_SCORES, {}]] * 2)
    assert first["new"] and not second["new"]
    shows = module_of("import matplotlib.pyplot as plt\ndef plot_scores(scores, metric='val_accuracy'):\n    plt.show()\n")
    assert recipes.plot(shows, draws=[[checks.PLOT_SCORES, {}]] * 2) == [{"kind": "None", "shows": 1}]


def test_the_judge_of_lesson6_never_loads_matplotlib():
    """With no matplotlib in the judge, no Figure of the learner's could be looked at there."""
    code = "import sys, grader.checks.lesson6; print('matplotlib' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                               cwd=catalog.PROJECT_ROOT)
    assert completed.stdout.strip() == "False"


def failed(result, check_id):
    return next(check for check in result.tests if check.check_id == check_id)


def test_a_made_up_history_fails(grade_variant):
    """A result of the stand-ins' form whose numbers were not returned by any fit."""
    result = grade_variant("lesson6", """
        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            scores = {}
            for rate in learning_rates:
                make_model(learning_rate=rate).fit(train, epochs=epochs, validation_data=validation)
                scores[rate] = {"loss": [0.5] * epochs, "accuracy": [0.9] * epochs,
                                "val_loss": [0.6] * epochs, "val_accuracy": [0.99] * epochs}
            return scores
        """)
    check = failed(result, "check_histories")
    assert (check.status, check.mistake) == ("failed", M.WRONG_HISTORY), check_table(result)


def test_an_object_that_equals_everything_does_not_pass_as_a_history(grade_variant):
    result = grade_variant("lesson6", """
        class Agreeable(dict):
            def __eq__(self, other):
                return True
            __hash__ = dict.__hash__

        def train_for_learning_rates(make_model, train, validation, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            for rate in learning_rates:
                make_model(learning_rate=rate).fit(train, epochs=epochs, validation_data=validation)
            return {rate: Agreeable() for rate in learning_rates}
        """)
    check = failed(result, "check_histories")
    assert (check.status, check.mistake) == ("failed", M.ONLY_PART), check_table(result)


def test_a_recipe_replaced_from_the_learners_file_gains_nothing(grade_variant):
    """The learner's file swaps the grader's recipes for ones that claim a perfect run (a record
    whose fits carry the histories it returns) and a reply of no known form: the first fails on
    the histories the judge works out itself, the second as a reply the grader cannot receive."""
    result = grade_variant("lesson6", """
        import grader.worker.recipes.lesson6 as recipes

        def perfect_train(module, *, seed, learning_rates=(0.0001, 0.001, 0.01, 0.1), epochs=10):
            history = {"loss": [0.1] * epochs, "accuracy": [0.99] * epochs,
                       "val_loss": [0.1] * epochs, "val_accuracy": [0.99] * epochs}
            fit = {"x": "train", "y": None, "validation_data": "validation", "epochs": epochs}
            return {"calls": [{"args": [], "kwargs": {"learning_rate": rate}} for rate in learning_rates],
                    "models": [{"fits": [{**fit, "learning_rate": rate, "history": history}], "compiles": 0}
                               for rate in learning_rates],
                    "result": {"kind": "dict", "items": [[rate, {"kind": "dict", "value": history}]
                                                         for rate in learning_rates]}}

        recipes.train = perfect_train
        recipes.plot = lambda module, **kwargs: [{"kind": "Figure", "new": True, "shows": 0}]
        """)
    assert result.status == "failed"
    histories, plot = failed(result, "check_histories"), failed(result, "check_plot_lines")
    assert (histories.status, histories.mistake) == ("failed", M.WRONG_HISTORY), check_table(result)
    assert (plot.status, plot.mistake) == ("failed", common.UNSENDABLE), check_table(result)
