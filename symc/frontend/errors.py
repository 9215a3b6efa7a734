"""User-facing errors (placeholder until the parser lands)."""
class SymcError(Exception):
    pass
class ParseError(SymcError):
    pass
