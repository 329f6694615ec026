#!/usr/bin/env bash
# Trains the Rasa model only when its inputs changed. The model is cached outside the clone,
# keyed by a hash of config.yml, bot/domain/, data/, the engine lock, our trainable pipeline
# component (bot/intent_blend.py) and the text normaliser it learns from (lapor_aman/normalize.py
# and what the lexicons under lapor_aman/data/lexicon/ say), so fresh clones and CI reuse it.
# Prints the model path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${LAPOR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lapor-aman}"
mkdir -p "$CACHE/models" models

# The lexicons count by what they say (lexicon_fingerprint), so a comment-only edit keeps the model.
lexicons="$(PYTHONPATH=. .venv/engine/bin/python -c \
  'from lapor_aman.normalize import lexicon_fingerprint; print(lexicon_fingerprint())')"
hash="$( { sha256sum config.yml requirements/engine.lock bot/intent_blend.py lapor_aman/normalize.py;
           find bot/domain data -type f -name '*.yml' | LC_ALL=C sort | xargs sha256sum;
           echo "$lexicons"; } \
        | sed 's/ .*//' | sha256sum | cut -c1-16)"
model="models/lapor-aman-$hash.tar.gz"
cached="$CACHE/models/lapor-aman-$hash.tar.gz"

if [ -f "$model" ]; then
  echo "==> model up to date ($model)" >&2
elif [ -f "$cached" ]; then
  echo "==> reusing cached model for these training inputs" >&2
  cp "$cached" "$model"
else
  echo "==> training the Rasa model (inputs changed; about 4-8 minutes on 2 cores)" >&2
  start=$(date +%s)
  .venv/engine/bin/rasa train --config config.yml --domain bot/domain --data data \
      --out models --fixed-model-name "lapor-aman-$hash" >&2
  echo "==> trained in $(( $(date +%s) - start )) s" >&2
  cp "$model" "$cached.tmp" && mv "$cached.tmp" "$cached"
fi
# Keep only the current model in the working tree.
find models -name 'lapor-aman-*.tar.gz' ! -name "lapor-aman-$hash.tar.gz" -delete
echo "$model"
