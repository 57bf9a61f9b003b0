"""Mistakes the lesson 8.4 checks can name."""

CONV_FLIPPED = (
    "conv2d flips the kernel (a textbook convolution). Keras' Conv2D computes cross-correlation: "
    "each output is the patch times the filter as it is, not rotated by 180°."
)
CONV_VALID_SHAPE = (
    "conv2d with padding=\"valid\" and stride {stride} on a {h}×{w} image with a {kh}×{kw} kernel "
    "should give {expected}; you give {got}. Without padding, how many whole windows fit, "
    "moving {stride} step(s) at a time?"
)
CONV_SAME_SHAPE = (
    "conv2d with padding=\"same\" and stride {stride} on a {h}×{w} image should give {expected}; "
    "you give {got}. With \"same\", the output has ceil(H / stride) rows, whatever the kernel size."
)
CONV_SAME_SIDE = (
    "conv2d with padding=\"same\" pads the wrong side. When the padding is odd, Keras puts the "
    "extra row and column at the bottom and right, not at the top and left."
)
CONV_STRIDE_IGNORED = "conv2d ignores stride={stride}: the output is the stride-1 result."
CONV_CHANNELS = (
    "conv2d gives the right shape but the output channels are wrong. Each output channel sums "
    "over all input channels with its own filter kernels[:, :, :, k]."
)
SIGMOID_WARNS = "sigmoid({value:g}) raised a RuntimeWarning ({warning}): np.exp overflows for large inputs. Can you rewrite it so exp only ever sees numbers ≤ 0?"
SIGMOID_NOT_FINITE = "sigmoid({value:g}) gave {got}; it should be {expected:g}."
SOFTMAX_NOT_FINITE = (
    "softmax of logits like {value:g} gave {got}: exp overflows. Softmax does not change when "
    "you subtract the same number from every logit: which number keeps exp small?"
)
SOFTMAX_AXIS = "softmax(logits, axis={axis}) does not sum to 1 along axis {axis}; the sums are {sums}."
SOFTMAX_WARNS = "softmax raised a RuntimeWarning ({warning}) for logits like {value:g}."
IN_PLACE = "{function} changed the array it was given. Return a new array and leave the input as it was."
POOL_STRIDE_DEFAULT = (
    "max_pool2d with pool_size={pool} and no stride should move {pool} steps at a time (stride "
    "defaults to pool_size); you give shape {got}, expected {expected}."
)
POOL_SHAPE = "max_pool2d(pool_size={pool}, stride={stride}) on {h}×{w} maps should give {expected}; you give {got}."
POOL_AVERAGE = "max_pool2d takes the average of each window; it should take the largest value."
GAP_SHAPE = "global_average_pool of maps shaped {shape} should give shape {expected} (one mean per channel); you give {got}."
PARAMS_WRONG = (
    "conv2d_param_count({args}) gave {got}; a Conv2D layer with these settings has {expected} "
    "parameters. Count the weights of one filter, then the bias, then the filters."
)
PARAMS_NOT_INT = "conv2d_param_count should return an int; got {got}."

# Hints, from gentle to specific, for the first check that does not pass (by check function).
HINTS = {
    "check_conv_valid": (
        "For one output position, which patch of the image does the filter cover, and how do you combine them?",
        "How many output rows fit when the filter must stay entirely inside the image?",
        "Does Keras flip the filter before sliding it? Each output channel uses kernels[:, :, :, k]: do you sum over all input channels?",
    ),
    "check_conv_valid_strided": (
        "With stride 2, where does the second window start? How does that change the number of outputs?",
    ),
    "check_conv_same": (
        "With padding=\"same\" and stride 1, what is the output size? How many zeros does that need around the image?",
    ),
    "check_conv_same_strided": (
        "With stride s, how many rows does \"same\" give for H rows: H / s rounded which way?",
        "How much padding does that output size need in total, and when it is odd, which side gets the extra row?",
    ),
    "check_relu": (
        "Does your function change the array it was given? What would a caller who reuses that array see?",
        "Which NumPy function takes the element-wise maximum of an array and a number?",
    ),
    "check_sigmoid": (
        "What is sigmoid(0)? Does your function give 0.5 there?",
    ),
    "check_sigmoid_extremes": (
        "What is np.exp(1000)? Which inputs make your formula compute it?",
        "For a negative x, can you rewrite 1 / (1 + exp(-x)) so that exp only sees -|x|?",
    ),
    "check_softmax": (
        "Are all your outputs positive, and do they add up to 1 in each row?",
    ),
    "check_softmax_axis": (
        "Which axis do your sums and maxima run along? Do you use the axis argument everywhere, with keepdims?",
    ),
    "check_softmax_large_logits": (
        "What is np.exp(1000), and what is inf / inf?",
        "If you subtract the same number from every logit in a row, does softmax change? Which number keeps every exp at most 1?",
    ),
    "check_max_pool": (
        "If no stride is given, how far should the window move each time?",
        "Which windows fit in a 7-row input with pool_size 2: what happens to the last row?",
    ),
    "check_max_pool_stride": (
        "With pool_size 3 and stride 2, the windows overlap: where does each one start?",
    ),
    "check_global_average_pool": (
        "Over which axes do you average to get one number per channel? What shape is left?",
    ),
    "check_param_count": (
        "How many weights does one filter of size kh × kw over C_in input channels have?",
        "How many biases does a layer with F filters have, and when use_bias is False?",
        "kernel_size may be an int or a (kh, kw) pair: does your code handle both?",
    ),
}
