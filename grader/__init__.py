"""The Module 8 grader: `python -m grader lesson5`, or `grader.api.grade("lesson5")` from Python."""
