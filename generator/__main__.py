"""`python -m generator` runs the handout command."""

import sys

from generator.cli import main

sys.exit(main())
