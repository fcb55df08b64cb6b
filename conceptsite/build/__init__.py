"""The build pipeline: its stages in order, the link check, writing and parallelism.

May import: everything but serve and cli."""
