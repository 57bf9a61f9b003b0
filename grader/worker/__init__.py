"""The worker: the only process that runs the learner's code.

Grader code that runs beside the learner's code lives here and nowhere else.
The worker imports the learner's file, then serves the judge's requests over
the channel that `grader.protocol` defines ("call this function with these
arguments"), and sends back data only. Nothing in this folder is trusted by the
judge: the learner's code can change any of it while it runs, so it can only
ever spoil its own results.
"""
