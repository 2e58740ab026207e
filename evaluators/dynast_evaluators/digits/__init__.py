"""``elastic_cnn_digits``: a small elastic CNN supernet on scikit-learn's bundled handwritten
digits, the embedded default of ``dynast-lite search`` (real data, nothing downloaded)."""
