"""Forderwerk actions: the operational store, dunning engine, rendering and delivery."""
