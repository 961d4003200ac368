"""Forderwerk's Streamlit app: pages lay out, queries and charts are plain functions."""
