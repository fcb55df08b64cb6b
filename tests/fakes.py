"""Small stand-ins shared by the test modules."""


class FakeIndex:
    """A wikilink resolver that knows one concept, 'relu' (also called 'rectifier')."""

    def resolve(self, name):
        return ("concepts/relu/", "ReLU") if name.lower() in ("relu", "rectifier") else None

    def hint(self, name):
        return " (did you mean 'relu'?)"

    def resolve_file(self, name, folder):
        return "img/relu.png" if name == "relu.png" else None
