"""Obsidian's own inline syntax (issue 25): what its notes use beyond CommonMark."""
from __future__ import annotations

from markdown.extensions import Extension


class ObsidianExtension(Extension):
    """Registers the processors for Obsidian's syntax on a converter; state is convert._State."""

    def __init__(self, state):
        super().__init__()
        self.state = state

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        """Nothing yet."""
