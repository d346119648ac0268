"""Landing data: the public starter set (starter.py), synthetic data at any
scale (synth.py), and the upload into the lake, screened (load.py)."""
