"""``python -m docgen`` runs the command line."""

import sys

from docgen.cli import main

sys.exit(main())
