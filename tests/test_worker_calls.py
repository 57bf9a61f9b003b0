"""A call in the worker gives back what it changed in its arguments, and the judge's
copies change the same way: a check that watches its inputs sees what the learner's code
did to them, though that code ran in another process. No process is started here: the
worker's `run` and the proxy's `write_back` are called directly."""

from pathlib import Path

import numpy as np

from grader import protocol
from grader.judge.proxy import write_back
from grader.worker.serve import run

HERE = Path(__file__)


def called(function, *args, **kwargs):
    """`function` run as the worker runs a call; the judge's `args`, changed as the worker's were."""
    sent = protocol.decode(protocol.encode(list(args))), protocol.decode(protocol.encode(kwargs))
    answer = run(function, sent[0], sent[1], HERE)
    write_back(protocol.decode(answer["changed"]), args, kwargs)
    return answer


def test_an_array_changed_in_place_is_changed_for_the_judge():
    image = np.arange(6, dtype=np.float64)
    called(lambda x: x.__imul__(2), image)
    assert image.tolist() == [0, 2, 4, 6, 8, 10]


def test_arrays_changed_inside_a_list_are_changed_for_the_judge():
    images = [np.ones(3), np.zeros(3)]
    originals = [image.copy() for image in images]

    def scale_each(batch):
        for image in batch:
            image += 5

    called(scale_each, images)
    assert [image.tolist() for image in images] == [[6, 6, 6], [5, 5, 5]]
    assert not np.array_equal(images[0], originals[0])


def test_a_list_sorted_in_place_and_a_dict_changed_are_changed_for_the_judge():
    rates, scores = [0.1, 0.001, 0.01], {"a": 1}

    def tidy(values, table=None):
        values.sort()
        table["b"] = 2

    called(tidy, rates, table=scores)
    assert rates == [0.001, 0.01, 0.1] and scores == {"a": 1, "b": 2}


def test_arguments_left_alone_are_not_sent_back():
    answer = called(lambda values, table: sum(values) + len(table), [1, 2], {"k": np.ones(2)})
    assert protocol.decode(answer["changed"]) == {} and protocol.decode(answer["value"]) == 4
