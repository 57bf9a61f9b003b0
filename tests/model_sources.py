"""Learner sources shared by the corpus tests of the model lessons (8.5, 8.8, 8.9).

`functional_model(...)` is the functional model the three lessons build: the base
(Xception unless `base_model=` is given, frozen), global average pooling, then
the lesson's head, compiled with Adam and cross-entropy on logits. The tests
make each wrong variant with `edit` (tests/submissions.py), so every variant
shows only what it changes.
"""

from __future__ import annotations

FUNCTIONAL_MODEL = """
    def {name}(
        *, input_size=150, learning_rate=0.01, {extra}num_classes=10, base_model=None
    ):
        if base_model is None:
            base_model = pretrained.xception(input_shape=(input_size, input_size, 3), include_top=False)
        base_model.trainable = False
        inputs = keras.Input(shape=(input_size, input_size, 3))
        base = base_model(inputs, training=False)
        vectors = keras.layers.GlobalAveragePooling2D()(base)
        {head}
        model = keras.Model(inputs, outputs)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
            loss=keras.losses.CategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        return model
    """


def functional_model(name: str, *head: str, extra_parameters: tuple[str, ...] = ()) -> str:
    """The source of `def name(*, input_size=150, learning_rate=0.01, <extra_parameters>,
    num_classes=10, base_model=None)` building the functional model whose `head` lines
    turn the pooled `vectors` into `outputs`."""
    extra = "".join(f"{parameter}, " for parameter in extra_parameters)
    return FUNCTIONAL_MODEL.format(name=name, extra=extra, head="\n        ".join(head))
