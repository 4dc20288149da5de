"""feedbackml: what customers feel, what they talk about, and which themes drive detractors."""

from ._version import __version__
from .analyzer import FeedbackAnalyzer, analyze
from .config import Config, load_config
from .errors import DataError, FeedbackMLError, ModelError, UsageError
from .io.models import load, save
from .io.read import read_table
from .results import Results
from .sentiment.lexicon_model import LexiconSentiment
from .sentiment.trained import TrainedSentiment
from .text.cleaning import TextCleaner
from .themes.model import ThemeModel

__all__ = [
    "__version__", "analyze", "FeedbackAnalyzer", "Results", "save", "load", "read_table",
    "Config", "load_config", "TextCleaner", "LexiconSentiment", "TrainedSentiment", "ThemeModel",
    "FeedbackMLError", "DataError", "UsageError", "ModelError",
]
