"""Sentiment: language data, the vectorised clause scorer, the lexicon model, n-gram vectorisers, the trained model."""

from .lexicon_model import LexiconSentiment
from .trained import TrainedSentiment

__all__ = ["LexiconSentiment", "TrainedSentiment"]
