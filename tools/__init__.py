"""Tools around Forderwerk, apart from the pipeline (DESIGN.md, Layout): the synthetic
company generator (``tools.generate``) and the benchmark (``tools.bench``). They may use
every part; no part of the product imports them except the command line that starts them."""
