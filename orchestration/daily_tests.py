"""Which data tests the daily run's dbt build runs, and on which rows: one home for both.

The rule itself lives in the dbt project: dbt_project/selectors.yml names the tests that
read all of history (they run in the weekly full check and in CI), and
dbt_project/macros/testing/get_where_subquery.sql narrows the tests of a model with a day
column to that day's rows when the scope is ``day``. This module only names them for the
Python that launches dbt (the Dagster assets, the full check job, the benchmark).
"""

#: selector (dbt_project/selectors.yml) of the daily build: every model, the day's tests
DAILY_SELECTOR = "daily_build"
#: selector of the tests that read all of history
HISTORY_TESTS_SELECTOR = "weekly_full_check"
#: environment of the daily build: tests of models with a day column see that day's rows
DAY_SCOPE = {"FORDERWERK_TEST_SCOPE": "day"}
#: environment of the full check: every test sees every row
FULL_SCOPE = {"FORDERWERK_TEST_SCOPE": "all"}
