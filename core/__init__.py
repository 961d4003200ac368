"""The shared core: settings, users and roles, event types - what every part of
Forderwerk agrees on (DESIGN.md, Layout).

Orchestration, actions and dashboards may import it; it imports none of them, so a rule
kept here has one home and no part can drift from the others.
"""
