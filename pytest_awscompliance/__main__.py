"""``python -m pytest_awscompliance merge|diff ...``: the ``awscompliance`` command."""

import sys

from pytest_awscompliance.fleet.cli import main

sys.exit(main())
