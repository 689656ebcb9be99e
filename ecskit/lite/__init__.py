"""`ecskit lite`: the course as a static JupyterLite site (JupyterLab and a Pyodide kernel in
the browser tab, no server), and what it downloads to build one (cached, see cache.py)."""
