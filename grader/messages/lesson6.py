"""Mistakes the lesson 8.6 checks can name."""

# --- train_for_learning_rates -------------------------------------------------
MODEL_REUSED = (
    "train_for_learning_rates built {built} model(s) for {rates} learning rates. Build a new model "
    "for every rate with make_model(learning_rate=rate): reusing a model continues training from the "
    "weights the previous rate left behind, and the comparison is unfair."
)
POSITIONAL = (
    "make_model was called as make_model({rate!r}); call it as make_model(learning_rate={rate!r}). "
    "Model builders such as build_transfer_model take their settings by keyword only."
)
WRONG_RATES = (
    "make_model was called with the learning rates {got}; expected {expected}: the rates of the "
    "learning_rates argument, in the order given."
)
NOT_FITTED = (
    "the model built for learning rate {rate} was never fitted (the models of the rates were fitted "
    "{counts} time(s)). Fit each new model right after building it."
)
FIT_TWICE = (
    "the model for learning rate {rate} was fitted {count} times. Fit each model once, for `epochs` "
    "epochs: a second fit continues from where the first stopped."
)
VALIDATION_AS_Y = (
    "fit received the validation data as its second positional argument, which is `y` (the labels). "
    "Pass it by name: model.fit(train, epochs=epochs, validation_data=validation)."
)
NO_VALIDATION = (
    "fit was called without validation_data, so the history has no val_accuracy. Pass "
    "validation_data=validation."
)
WRONG_TRAIN = "fit trained on {got}; it should train on the `train` argument."
WRONG_VALIDATION = "fit got {got} as validation_data; it should get the `validation` argument."
WRONG_EPOCHS = (
    "with epochs={expected}, the model for learning rate {rate} was trained for {got} epoch(s). "
    "Pass epochs=epochs to fit."
)
NEVER_FITS = (
    "train_for_learning_rates never called fit on a model that make_model built, so no rate was "
    "trained. Fit each model: model.fit(train, epochs=epochs, validation_data=validation)."
)
DEFAULT_RATES = (
    "called without learning_rates, train_for_learning_rates trained at the rates {got}; by "
    "default it should try the course's rates {expected}, in this order."
)
DEFAULT_EPOCHS = (
    "called without epochs, train_for_learning_rates trained the model for learning rate {rate} "
    "for {got} epoch(s); by default each rate trains for {expected} epochs."
)
NOT_A_DICT = "train_for_learning_rates should return a dict {{rate: history}}; got {got}."
WRONG_KEYS = (
    "the keys of the result should be the learning rates themselves, {expected}; got {got}."
)
HISTORY_OBJECT = (
    "the value stored for learning rate {rate} is a {got} object. Store its .history attribute: "
    "the dict of per-epoch lists (loss, accuracy, val_loss, val_accuracy)."
)
ONLY_PART = (
    "the value stored for learning rate {rate} is {got}; store the whole history.history dict, "
    "with every metric ({keys})."
)
WRONG_HISTORY = (
    "the history stored under learning rate {rate} is not the one of the model trained with "
    "that rate{detail}."
)

# --- best_learning_rate -------------------------------------------------------------
BEST_NOT_KEY = (
    "best_learning_rate should return one of the keys of `scores` (a learning rate); got {got!r}."
)
BEST_LAST_EPOCH = (
    "best_learning_rate returned {got}, the rate with the highest {metric} in the last epoch. "
    "Compare each rate's best epoch, the max of its {metric} list: {expected} reaches {best:.2f}."
)
BEST_MEAN = (
    "best_learning_rate returned {got}, the rate with the highest average {metric}. Compare each "
    "rate's best epoch, the max of its {metric} list: {expected} reaches {best:.2f}."
)
BEST_LOWEST = (
    "best_learning_rate returned {got}, the rate whose best {metric} is the lowest ({value:.2f}). "
    "A higher {metric} is better: {expected} reaches {best:.2f}."
)
BEST_WRONG = "for the scores {scores}, best_learning_rate returned {got!r}; expected {expected!r}."
TIE_LARGER = (
    "the keys {tied} have the same history (a best {metric} of {value:.2f} each), and "
    "best_learning_rate returned {got}; on a tie the smaller key, {expected}, should win, "
    "whatever order the keys come in."
)
IGNORES_METRIC = (
    "best_learning_rate(scores, metric={metric!r}) returned {got}, the best rate by {other}; it "
    "should compare the `metric` it is given ({expected} is best by {metric})."
)
MUTATES = (
    "best_learning_rate changed the histories it was given ({detail}). Read them without "
    "changing them: sorted() makes a new list, list.sort() reorders the old one."
)

# --- plot_scores -------------------------------------------------------------------
PLOT_NONE = (
    "plot_scores returned None. Return the figure (for example `fig` from "
    "`fig, ax = plt.subplots()`) instead of showing it."
)
PLOT_AXES = "plot_scores returned an Axes; return the Figure it belongs to (ax.figure)."
PLOT_NOT_FIGURE = "plot_scores should return a matplotlib Figure; got {got}."
PLOT_SHOWS = (
    "plot_scores calls plt.show(). Return the figure and let the caller show or save it: a "
    "notebook shows a figure that ends a cell."
)
PLOT_REUSES_FIGURE = (
    "two calls of plot_scores drew into the same figure. Start a new figure in every call "
    "(plt.subplots() or matplotlib.figure.Figure())."
)
PLOT_LINE_MISSING = (
    "no line of the figure is labelled with the key {label!r}. Draw one line per key with label=str(key); "
    "the labels found are {labels}."
)
PLOT_LINE_TWICE = "{count} lines are labelled {label!r}; draw one line per key."
PLOT_X_WRONG = (
    "the line {label!r} has x values {got}; expected the epoch numbers {expected} (or 0, 1, ... as "
    "plt.plot(values) draws them)."
)
PLOT_WRONG_METRIC = (
    "the line {label!r} shows the values of {shown}; with metric={metric!r} it should show "
    "history[{metric!r}]."
)
PLOT_Y_WRONG = "the line {label!r} has y values {got}; expected history[{metric!r}] = {expected}."
PLOT_EMPTY = "the figure has no axes: nothing is drawn on it. Draw the lines on its axes (fig.subplots())."
PLOT_NO_LEGEND = "the figure has no legend; call ax.legend() (or plt.legend()) after drawing the lines."
PLOT_LEGEND_INCOMPLETE = (
    "the legend shows {shown}, which does not name the key(s) {missing}. Give every line "
    "label=str(key) before calling legend()."
)
PLOT_XLABEL = "the x axis is labelled {got!r}; label it \"epoch\"."
PLOT_YLABEL = "the y axis is labelled {got!r}; label it with the metric, {metric!r}."

# Hints, from gentle to specific, for the first check that does not pass (by check function).
HINTS = {
    "check_one_fresh_model_per_rate": (
        "If the second rate trains the model the first rate already trained, what does its history measure?",
        "Where in your loop do you call make_model, and with which keyword argument?",
    ),
    "check_fit_arguments": (
        "How does fit learn which data to report val_accuracy on?",
        "Which argument of fit says how many passes to make over the training data?",
    ),
    "check_histories": (
        "fit returns a History object: which of its attributes is the dict of lists per metric?",
        "What key should each history be stored under in the result?",
    ),
    "check_defaults": (
        "What does your function do when the caller gives no learning_rates or epochs?",
    ),
    "check_best_uses_best_epoch": (
        "Which epoch of a run would you keep with a checkpoint: the last one, or the best one?",
        "For one rate, which single number summarises a list of val_accuracy values by its best epoch?",
    ),
    "check_best_ties": (
        "When two rates reach the same best value, which does the lesson prefer?",
        "Does your answer depend on the order in which the keys happen to be stored in the dict?",
    ),
    "check_best_metric": (
        "Does your function read the metric named by its `metric` argument, or always val_accuracy?",
    ),
    "check_best_any_keys": (
        "Does your code do arithmetic on the keys, or treat 0.0 as 'no key'? Which keys could lessons 8 and 9 use?",
    ),
    "check_best_leaves_scores_unchanged": (
        "Does anything in your function sort, pop or overwrite the lists it was given?",
    ),
    "check_plot_returns_a_new_figure": (
        "Does your function create its own Figure each time, or draw on whatever figure is current?",
        "What should plot_scores hand back to the caller?",
    ),
    "check_plot_lines": (
        "How many lines should there be, and what text labels each one?",
        "Which numbers go on the x axis: one per epoch, in order?",
    ),
    "check_plot_legend_and_axis_labels": (
        "Would a reader know which line is which rate, and what each axis measures?",
    ),
    "check_plot_other_keys_and_metric": (
        "Does anything in your code assume the keys are learning rates, or that the metric is val_accuracy?",
    ),
}
