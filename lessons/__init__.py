"""Your lessons: fill in the stubs, then run `uv run python -m grader lessonN`."""

from course.quiet_tensorflow import silence_tensorflow_startup

# Running a lesson's experiment (`python -m lessons.lesson6_learning_rate`) imports TensorFlow,
# whose C++ start-up log would bury our one-line messages.
silence_tensorflow_startup()
