"""remontada: forecast football knockout ties, before the tie, between the legs and live."""

__version__ = "0.1.0"

__all__ = ["__version__"]
