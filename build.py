#!/usr/bin/env python3
"""Build the concept site: `python build.py [build|check|new|serve] ...`."""
from conceptsite.cli import run

if __name__ == "__main__":
    run()
