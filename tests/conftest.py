"""Shared test setup: make the helpers in this folder importable (``fraction_model``).

The folder is deliberately not a package: the xdsl wheel installs a top-level ``tests``
package into site-packages, which ``import tests`` would find instead of ours.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
