"""Reference solutions, one per lesson. Graded with `uv run python -m grader --solutions all`."""
