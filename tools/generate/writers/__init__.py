"""Render the generated company into the landing file formats; one module per format."""
