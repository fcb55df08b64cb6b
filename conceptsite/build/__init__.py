"""The build pipeline: its stages in order, the Markdown stage, the link check, the output folder and
memory settings.

May import: everything but serve and cli."""
