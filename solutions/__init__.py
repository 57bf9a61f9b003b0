"""Reference solutions, one per lesson. Graded with `uv run python -m grader --solutions all`."""

import os

# Running a lesson's experiment (`python -m lessons.lesson6_learning_rate`) imports TensorFlow,
# whose C++ start-up log would bury our one-line messages.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
