"""`python -m grader.worker ADDRESS FAMILY FILE MODULE`: the authentication key comes on stdin."""

import sys

from grader.worker.serve import main

if __name__ == "__main__":
    main(sys.argv[1:])
