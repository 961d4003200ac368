"""Run tags shared by the CLI runner and the assets that read them."""

AS_OF_TAG = "forderwerk/as_of"
