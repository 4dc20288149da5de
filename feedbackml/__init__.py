"""feedbackml: what customers feel, what they talk about, and which themes drive detractors."""

from ._version import __version__
from .cleaning import TextCleaner
from .config import Config, load_config
from .errors import DataError, FeedbackMLError, ModelError, UsageError
from .io import read_table
from .models import load, save
from .pipeline import FeedbackAnalyzer, Results, analyze
from .sentiment import LexiconSentiment, TrainedSentiment
from .themes import ThemeModel

__all__ = [
    "__version__", "analyze", "FeedbackAnalyzer", "Results", "save", "load", "read_table",
    "Config", "load_config", "TextCleaner", "LexiconSentiment", "TrainedSentiment", "ThemeModel",
    "FeedbackMLError", "DataError", "UsageError", "ModelError",
]
