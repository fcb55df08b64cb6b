#!/usr/bin/env python3
"""Build the concept site: `python build.py [build|check|new|serve] ...`."""
import sys

from conceptsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
