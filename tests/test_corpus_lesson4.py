"""Lesson 8.4: wrong submissions get the message that names their mistake; other correct ways pass."""

import pytest

from grader.messages import common
from grader.messages import lesson4 as M
from tests.submissions import assert_mistake_named, assert_passes

LOOP_CONV = """
    def conv2d(image, kernels, stride=1, padding="valid"):
        image = np.asarray(image, dtype=float)
        kh, kw, _, c_out = kernels.shape
        h, w = image.shape[:2]
        if padding == "same":
            {pad}
        rows, cols = (image.shape[0] - kh) // stride + 1, (image.shape[1] - kw) // stride + 1
        out = np.zeros((rows, cols, c_out))
        for i in range(rows):
            for j in range(cols):
                patch = image[i * stride:i * stride + kh, j * stride:j * stride + kw]
                for k in range(c_out):
                    out[i, j, k] = np.sum(patch * kernels{flip}[:, :, :, k])
        return out
    """
KERAS_PAD = """out_h, out_w = -(-h // stride), -(-w // stride)
            ph = max((out_h - 1) * stride + kh - h, 0)
            pw = max((out_w - 1) * stride + kw - w, 0)
            image = np.pad(image, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))"""
WRONG_SIDE_PAD = KERAS_PAD.replace("(ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2)",
                                   "(ph - ph // 2, ph // 2), (pw - pw // 2, pw // 2)")
SYMMETRIC_PAD = "image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))"
KERAS_LOOP = LOOP_CONV.format(pad=KERAS_PAD, flip="")
WINDOW_SUM = "np.sum(patch * kernels[:, :, :, k])"

WRONG = {
    "flipped kernel (true convolution)": (M.CONV_FLIPPED, LOOP_CONV.format(pad=KERAS_PAD, flip="[::-1, ::-1]")),
    "same padding on the top-left": (M.CONV_SAME_SIDE, LOOP_CONV.format(pad=WRONG_SIDE_PAD, flip="")),
    "same padding of k // 2 on both sides": (M.CONV_SAME_SHAPE, LOOP_CONV.format(pad=SYMMETRIC_PAD, flip="")),
    "only the first input channel used": (M.CONV_CHANNELS, KERAS_LOOP.replace(
        WINDOW_SUM, "np.sum(patch[:, :, 0] * kernels[:, :, 0, k])")),
    # Wrong for one input channel too: not a channel mistake, so the difference itself is named.
    "a bias of 1 added": (common.WRONG_VALUES, KERAS_LOOP.replace(WINDOW_SUM, WINDOW_SUM + " + 1")),
    "stride ignored": (M.CONV_STRIDE_IGNORED, """
        _keras_conv = conv2d
        def conv2d(image, kernels, stride=1, padding="valid"):
            return _keras_conv(image, kernels, 1, padding)
        """),
    "relu in place": (M.IN_PLACE, """
        def relu(x):
            x[x < 0] = 0
            return x
        """),
    "sigmoid in place": (M.IN_PLACE, """
        def sigmoid(x):
            np.exp(-x, out=x)
            x += 1
            return 1 / x
        """),
    "softmax shifted in place": (M.IN_PLACE, """
        def softmax(logits, axis=-1):
            logits -= logits.max(axis=axis, keepdims=True)
            e = np.exp(logits)
            return e / e.sum(axis=axis, keepdims=True)
        """),
    "naive sigmoid overflows": (M.SIGMOID_WARNS, """
        def sigmoid(x):
            return 1 / (1 + np.exp(-x))
        """),
    "naive softmax overflows": (M.SOFTMAX_NOT_FINITE, """
        def softmax(logits, axis=-1):
            e = np.exp(logits)
            return e / e.sum(axis=axis, keepdims=True)
        """),
    "softmax ignores axis": (M.SOFTMAX_AXIS, """
        def softmax(logits, axis=-1):
            z = logits - logits.max(axis=-1, keepdims=True)
            return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
        """),
    "pooling stride defaults to 1": (M.POOL_STRIDE_DEFAULT, """
        _pool = max_pool2d
        def max_pool2d(x, pool_size=2, stride=None):
            return _pool(x, pool_size, stride or 1)
        """),
    "pooling windows past the edge (rounded up)": (M.POOL_SHAPE, """
        def max_pool2d(x, pool_size=2, stride=None):
            stride = stride or pool_size
            h, w, c = x.shape
            rows, cols = -(-(h - pool_size) // stride) + 1, -(-(w - pool_size) // stride) + 1
            return np.array([[x[i*stride:i*stride+pool_size, j*stride:j*stride+pool_size].max(axis=(0, 1))
                              for j in range(cols)] for i in range(rows)])
        """),
    "average instead of max": (M.POOL_AVERAGE, """
        def max_pool2d(x, pool_size=2, stride=None):
            stride = stride or pool_size
            h, w, c = x.shape
            rows, cols = (h - pool_size) // stride + 1, (w - pool_size) // stride + 1
            return np.array([[x[i*stride:i*stride+pool_size, j*stride:j*stride+pool_size].mean(axis=(0, 1))
                              for j in range(cols)] for i in range(rows)])
        """),
    "global pooling keeps the spatial axes": (M.GAP_SHAPE, """
        def global_average_pool(x):
            return x.mean(axis=(0, 1), keepdims=True)
        """),
    "bias forgotten": (M.PARAMS_WRONG, """
        def conv2d_param_count(kernel_size, in_channels, filters, use_bias=True):
            kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
            return kh * kw * in_channels * filters
        """),
    "a float count": (M.PARAMS_NOT_INT, """
        def conv2d_param_count(kernel_size, in_channels, filters, use_bias=True):
            kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
            return float((kh * kw * in_channels + use_bias) * filters)
        """),
}

CORRECT = {
    "loops with Keras padding": LOOP_CONV.format(pad=KERAS_PAD, flip=""),
    "scipy's expit and softmax": """
        import scipy.special
        def sigmoid(x):
            return scipy.special.expit(x)
        def softmax(logits, axis=-1):
            return scipy.special.softmax(logits, axis=axis)
        """,
    "relu by masking, piecewise sigmoid": """
        def relu(x):
            return x * (x > 0)
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            out = np.empty_like(x)
            pos = x >= 0
            out[pos] = 1 / (1 + np.exp(-x[pos]))
            out[~pos] = np.exp(x[~pos]) / (1 + np.exp(x[~pos]))
            return out
        """,
    "pooling and counting with loops": """
        def max_pool2d(x, pool_size=2, stride=None):
            if stride is None:
                stride = pool_size
            h, w, c = x.shape
            out = np.zeros(((h - pool_size) // stride + 1, (w - pool_size) // stride + 1, c))
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    out[i, j] = x[i*stride:i*stride+pool_size, j*stride:j*stride+pool_size].max(axis=(0, 1))
            return out
        def global_average_pool(x):
            return x.sum(axis=0).sum(axis=0) / (x.shape[0] * x.shape[1])
        def conv2d_param_count(kernel_size, in_channels, filters, use_bias=True):
            size = np.prod(kernel_size) if not isinstance(kernel_size, int) else kernel_size ** 2
            return np.int64(size * in_channels * filters + (filters if use_bias else 0))
        """,
}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson4", source)
    assert_mistake_named(result, mistake)
    assert result.tensorflow_imported is False


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson4", CORRECT[case]))


def test_wrong_values_name_the_first_difference(grade_variant):
    result = grade_variant("lesson4", """
        def relu(x):
            return np.maximum(x, 0.1)
        """)
    (check,) = [c for c in result.tests if c.status == "failed"]
    assert check.mistake == common.WRONG_VALUES
    assert "relu's output" in check.message
