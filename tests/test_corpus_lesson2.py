"""Lesson 8.2: wrong submissions get the message that names their mistake; other correct ways pass."""

import pytest

from grader.messages import lesson2 as M
from tests.submissions import assert_mistake_named, assert_only_check_fails, assert_passes

PIL_LOADER = """
    def load_image_array(path, target_size=(150, 150)):
        img = Image.open(path){convert}
        if target_size is not None:
            img = img.resize({size}, Image.Resampling.NEAREST)
        return {result}
    """


def loader(convert='.convert("RGB")', size="(target_size[1], target_size[0])", result="np.array(img)"):
    return PIL_LOADER.format(convert=convert, size=size, result=result)


WRONG = {
    "target_size passed to PIL as is": (M.SIZE_SWAPPED, loader(size="target_size")),
    "float32 pixels": (M.NOT_UINT8, loader(result="np.asarray(img, dtype=np.float32)")),
    "scaled to 0-1": (M.SCALED, loader(result="np.asarray(img) / 255.0")),
    "BGR order": (M.BGR, loader(result="np.array(img)[:, :, ::-1]")),
    "no conversion to RGB": (M.NOT_THREE_CHANNELS, loader(convert="")),
    "flipped upside down": (M.PIXELS_WRONG, loader(result="np.array(img)[::-1]")),
}

CORRECT = {
    "keras.utils.load_img": """
        import keras
        def load_image_array(path, target_size=(150, 150)):
            return np.array(keras.utils.load_img(path, target_size=target_size), dtype="uint8")
        """,
    "bilinear resampling with a context manager": """
        def load_image_array(path, target_size=(150, 150)):
            with Image.open(path) as img:
                img = img.convert("RGB")
                if target_size:
                    h, w = target_size
                    img = img.resize((w, h), Image.Resampling.BILINEAR)
                return np.asarray(img).astype(np.uint8)
        """,
}


# Mistakes that belong to one check: every other check still passes.
ONLY_ONE_CHECK_FAILS = {
    "float32 pixels": "check_rgb_uint8",
    "scaled to 0-1": "check_rgb_uint8",
    "BGR order": "check_rgb_uint8",
}


@pytest.mark.parametrize("case", WRONG)
def test_wrong_submission_is_named(grade_variant, case):
    mistake, source = WRONG[case]
    result = grade_variant("lesson2", source)
    assert_mistake_named(result, mistake)
    if case in ONLY_ONE_CHECK_FAILS:
        assert_only_check_fails(result, ONLY_ONE_CHECK_FAILS[case])


@pytest.mark.parametrize("case", CORRECT)
def test_other_correct_way_passes(grade_variant, case):
    assert_passes(grade_variant("lesson2", CORRECT[case]))
