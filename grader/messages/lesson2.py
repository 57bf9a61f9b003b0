"""Mistakes the lesson 8.2 checks can name."""

NOT_ARRAY = "load_image_array should return a NumPy array; got {got}. Which NumPy function turns a PIL image into an array?"
SIZE_SWAPPED = (
    "target_size is (height, width): for target_size={size} the array should be {h} high and {w} wide, "
    "shape ({h}, {w}, 3); yours is {got_h} high and {got_w} wide. PIL's resize takes (width, height)."
)
WRONG_SHAPE = "for target_size={size}, load_image_array should give shape {expected}; you give {got}."
NOT_THREE_CHANNELS = (
    "a {mode} image came out with shape {got}; every image should come out as RGB, shape (height, width, 3). "
    "What does PIL's Image.convert do?"
)
NOT_UINT8 = "the array has dtype {dtype}; pixels are whole numbers 0–255, dtype uint8."
SCALED = "the pixel values run from {low:g} to {high:g}; they should stay 0–255 (no scaling in this lesson)."
BGR = "the channels are in BGR order: a red area came out blue. Keep PIL's RGB order."
PIXELS_WRONG = (
    "the {where} area of the image should be {expected} but is {got}. Is the image flipped, "
    "rotated or transposed?"
)
ORIGINAL_SIZE = (
    "with target_size=None the image should keep its own size, shape {expected}; you give {got}."
)
ORIGINAL_PIXELS = "with target_size=None the pixels should be exactly the file's; the first difference is at {index}."

# Hints, from gentle to specific, for the first check that does not pass (by check function).
HINTS = {
    "check_target_size_height_width": (
        "In which order does Keras write a size: (height, width) or (width, height)? And PIL's resize?",
        "For target_size=(100, 200), how many rows should the array have, and how many columns?",
    ),
    "check_default_size": (
        "What does your function do when the caller gives no target_size at all?",
    ),
    "check_rgb_uint8": (
        "What dtype holds a value 0–255 in one byte? What does np.array give for a PIL image?",
        "Does anything in your code divide or rescale the pixels, or reorder the channels?",
    ),
    "check_other_modes": (
        "How many channels does a grayscale image have? A palette image? An RGBA image?",
        "Which PIL Image method turns any of those into three-channel RGB?",
    ),
    "check_original_size": (
        "When target_size is None, should the image be resized at all?",
    ),
}
