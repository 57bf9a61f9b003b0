"""Your lessons: fill in the stubs, then run `uv run python -m grader lessonN`."""
