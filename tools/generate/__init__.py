"""``forderwerk generate``: a realistic, deterministic sample company (pure Python).

A German wholesaler (FW01, plus the Swiss FW02 invoicing in CHF) with customers whose payment
habits range from punctual to insolvent, rendered as the landing files of DESIGN.md "Inputs"
(ERP CSVs, camt.053/camt.054/MT940, bureau reports, CRM events) plus the ground truth the
simulation knows (``truth/``) for tests and benchmarks.
"""

from tools.generate.company import generate_company
from tools.generate.config import CompanyConfig

__all__ = ["CompanyConfig", "generate_company"]
