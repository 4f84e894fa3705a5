"""The library's pages: the shelf by category, an article, its files, and the writers' editor.

Importing the package registers every view on `bp`.
"""

from wellbeing.web.library import editor_views, views  # noqa: F401 - registers the routes
from wellbeing.web.library.blueprint import bp

__all__ = ["bp"]
