"""Themes: the model, comment vectors, k-means and the choice of k, labels, quotes, the codeframe, ID matching."""

from .model import NO_THEME, ThemeModel

__all__ = ["NO_THEME", "ThemeModel"]
