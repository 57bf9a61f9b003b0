"""course/quiet_tensorflow.py: TensorFlow's start-up log stays off the learner's terminal,
and nothing else is lost with it."""

import os
import subprocess
import sys
import textwrap

from course.quiet_tensorflow import without_startup_noise
from grader import catalog

# What `import tensorflow` 2.21 printed on this machine, with TF_CPP_MIN_LOG_LEVEL=3.
STARTUP_LOG = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1795421360.400731   25280 port.cc:153] oneDNN custom operations are on. You may see "
    "slightly different numerical results due to floating-point round-off errors from different "
    "computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.\n"
    "I0000 00:00:1795421360.401265   25280 cudart_stub.cc:31] Could not find cuda drivers on your "
    "machine, GPU will not be used.\n"
)
KEPT = (
    "E0000 00:00:1795421360.401265   25280 cuda_blas.cc:1418] Unable to register cuBLAS factory\n"
    "/x/keras/src/export.py:12: DeprecationWarning: a warning the learner should see\n"
)


def test_the_startup_log_is_dropped_and_everything_else_kept():
    assert without_startup_noise(STARTUP_LOG) == ""
    assert without_startup_noise(STARTUP_LOG + KEPT + STARTUP_LOG) == KEPT


def test_the_hook_filters_what_the_import_writes_to_file_descriptor_2(tmp_path):
    """A stand-in `tensorflow` package that writes to descriptor 2 as the C++ library does."""
    package = tmp_path / "tensorflow"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(f"""
        import os
        os.write(2, {(STARTUP_LOG + KEPT).encode()!r})
        LOADED = True
    """))
    program = textwrap.dedent("""
        import sys
        from course.quiet_tensorflow import silence_tensorflow_startup
        silence_tensorflow_startup()
        import tensorflow
        print("loaded", tensorflow.LOADED)
        print("after the import", file=sys.stderr)
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(catalog.PROJECT_ROOT)])}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "loaded True\n"
    assert done.stderr == KEPT + "after the import\n"


def test_a_grader_error_quotes_the_judges_output_without_the_startup_log():
    """The message the learner reads when the grader itself fails ends with what the judge
    printed last: its error, not TensorFlow's start-up lines."""
    from grader.api import assemble
    from grader.runner import ChildRun

    run = ChildRun(grader_error="the checks did not connect to the grader",
                   output_sample=(STARTUP_LOG + "ImportError: cannot import name 'x'\n" + STARTUP_LOG).encode())
    (check,) = assemble(catalog.BY_ID["lesson5"], "lesson5_transfer_learning.py", [run], True, 10.0).tests
    assert check.status == "error" and "ImportError: cannot import name 'x'" in check.message
    assert not any(line in check.message for line in STARTUP_LOG.splitlines()), check.message
