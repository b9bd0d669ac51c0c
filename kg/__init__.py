"""kg: a knowledge graph of South Korea–Japan relations, built from articles.

    import kg
    result = kg.build(["articles/"], out="build")
    print(result.counts, result.warnings)
"""
from .build import BuildResult, build
from .errors import KgError

__version__ = "0.1.0"
__all__ = ["build", "BuildResult", "KgError", "__version__"]
