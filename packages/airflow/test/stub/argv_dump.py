"""Stands in for `pipewright` in tests: prints its arguments, cwd and environment as JSON."""

import json
import os
import sys

print(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}))
