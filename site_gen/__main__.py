"""Allow ``python -m site_gen``."""

import sys

from site_gen.cli import main

sys.exit(main())
