"""Stand-ins that both sides build or run, defined once: the judge imports these, never
`grader/worker/`.

- `bases`: the tiny seeded bases, and the Xception stand-in, of the model lessons;
- `lesson6`: the recording model factory and datasets of `train_for_learning_rates`;
- `lesson7`: the scripted fit that runs a learner's checkpoint callback.
"""
