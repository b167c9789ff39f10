"""Attack your own model: any function from a list of texts to class probabilities.

Here the "model" is a scikit-learn TF-IDF + logistic regression pipeline trained on the built-in
tweets; wrap anything else the same way (a REST client, an ONNX session, a rules engine).

    .venv/bin/python examples/custom_victim.py
"""

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import attack_recipe as ar
from attack_recipe.models.callable import CallableVictim

train = ar.load_dataset("tweets", "train")
pipeline = make_pipeline(TfidfVectorizer(min_df=2, ngram_range=(1, 2)), LogisticRegression(max_iter=1000))
pipeline.fit([e.text for e in train.examples], [e.label for e in train.examples])

victim = CallableVictim(pipeline.predict_proba, labels=["negative", "positive"], name="tfidf-logreg")
test = ar.load_dataset("tweets", "test", num_examples=20)
outcome = ar.run_dataset(ar.load_recipe("pwws"), victim, test.examples, seed=0, out_dir="runs/example-tfidf-pwws")
print({k: outcome.summary[k] for k in ("succeeded", "failed", "skipped", "attack_success_rate",
                                       "mean_queries_per_success")})
